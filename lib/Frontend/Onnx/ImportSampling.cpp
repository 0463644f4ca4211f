//===- ImportSampling.cpp - ONNX GridSample and RoiAlign ------------------===//
//
// This file implements the import of ONNX's interpolating samplers,
// GridSample and RoiAlign: coordinates are computed with qcc elementwise
// ops, and every bilinear tap is a gather from the flattened input with one
// zero appended, which taps outside the input select by integer arithmetic
// on their index (exact padding, even next to infinities).
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "llvm/ADT/STLExtras.h"

#include <utility>

using namespace mlir;
using namespace qcc;
using namespace qcc::onnx_import;

//===----------------------------------------------------------------------===//
// GridSample
//===----------------------------------------------------------------------===//

namespace {
/// Builds GridSample's sampling arithmetic with qcc elementwise ops on
/// [N, 1, Ho, Wo] coordinate tensors.
struct GridSampler {
  NodeImport &n;
  Emitter &em;
  Type elem;
  int64_t batch, channels, height, width;
  /// The input flattened with one zero appended at position `zeroPos`,
  /// which out-of-bounds taps read.
  Value table;
  int64_t zeroPos;
  /// (b * C + c) * H * W as [N, C, 1, 1].
  Value planeBase;

  Value f(double v) { return em.splat(n.loc, v, elem); }
  FailureOr<Value> bin(BinaryKind k, Value a, Value b) {
    return em.binary(n.loc, k, a, b);
  }
  FailureOr<Value> clip(Value v, double lo, double hi) {
    auto a = bin(BinaryKind::max, v, f(lo));
    if (failed(a))
      return failure();
    return bin(BinaryKind::min, *a, f(hi));
  }

  /// The value at integer-valued coordinates (xc, yc), zero outside.
  FailureOr<Value> tap(Value xc, Value yc) {
    Value valid;
    for (auto [c, size] : {std::pair(xc, width), std::pair(yc, height)}) {
      auto ge = bin(BinaryKind::greater_equal, c, f(0));
      auto le = bin(BinaryKind::less_equal, c, f((double)(size - 1)));
      if (failed(ge) || failed(le))
        return failure();
      auto both = bin(BinaryKind::logical_and, *ge, *le);
      if (failed(both))
        return failure();
      if (!valid) {
        valid = *both;
        continue;
      }
      auto v = bin(BinaryKind::logical_and, valid, *both);
      if (failed(v))
        return failure();
      valid = *v;
    }
    auto xi = clip(xc, 0, (double)(width - 1));
    auto yi = clip(yc, 0, (double)(height - 1));
    if (failed(xi) || failed(yi))
      return failure();
    return gatherAt(*xi, *yi, valid);
  }

  /// The value at in-range integer-valued coordinates (xi, yi) of the plane
  /// `planeBase` selects, or zero where the mask `valid` (i1, or i64 0/1)
  /// is false.
  FailureOr<Value> gatherAt(Value xi, Value yi, Value valid) {
    Type i64 = n.b().getI64Type();
    auto row = bin(BinaryKind::mul, em.cast(n.loc, yi, i64),
                   em.splat(n.loc, (double)width, i64));
    if (failed(row))
      return failure();
    auto pos = bin(BinaryKind::add, *row, em.cast(n.loc, xi, i64));
    if (failed(pos))
      return failure();
    auto full = bin(BinaryKind::add, planeBase, *pos);
    if (failed(full))
      return failure();
    // idx = valid ? full : zeroPos, exactly in integers.
    Value v = em.cast(n.loc, valid, i64);
    auto kept = bin(BinaryKind::mul, *full, v);
    auto inv = bin(BinaryKind::sub, em.splat(n.loc, 1, i64), v);
    if (failed(kept) || failed(inv))
      return failure();
    auto away =
        bin(BinaryKind::mul, *inv, em.splat(n.loc, (double)zeroPos, i64));
    if (failed(away))
      return failure();
    auto idx = bin(BinaryKind::add, *kept, *away);
    if (failed(idx))
      return failure();
    return em.gather(n.loc, table, *idx, 0);
  }

  /// Reflects `x` into [lo, hi] (PyTorch's reflect_coordinates).
  FailureOr<Value> reflect(Value x, double lo, double hi) {
    double span = hi - lo;
    if (span <= 0)
      return f(0);
    auto d0 = bin(BinaryKind::sub, x, f(lo));
    if (failed(d0))
      return failure();
    Value d = em.unary(n.loc, UnaryKind::abs, *d0);
    auto q = bin(BinaryKind::div, d, f(span));
    if (failed(q))
      return failure();
    Value flips = em.unary(n.loc, UnaryKind::floor, *q);
    auto fs = bin(BinaryKind::mul, flips, f(span));
    if (failed(fs))
      return failure();
    auto extra = bin(BinaryKind::sub, d, *fs);
    auto parity = bin(BinaryKind::fmod, flips, f(2));
    if (failed(extra) || failed(parity))
      return failure();
    auto even = bin(BinaryKind::equal, *parity, f(0));
    if (failed(even))
      return failure();
    // even ? lo + extra : hi - extra
    //   = (hi - extra) + even * (lo - hi + 2 * extra)
    auto back = bin(BinaryKind::sub, f(hi), *extra);
    auto twice = bin(BinaryKind::mul, *extra, f(2));
    if (failed(back) || failed(twice))
      return failure();
    auto diff = bin(BinaryKind::add, *twice, f(lo - hi));
    if (failed(diff))
      return failure();
    auto sel = bin(BinaryKind::mul, em.cast(n.loc, *even, elem), *diff);
    if (failed(sel))
      return failure();
    return bin(BinaryKind::add, *back, *sel);
  }
};
} // namespace

/// GridSample (4-D, nearest or bilinear, zeros / border / reflection
/// padding): the grid's normalized coordinates become pixel coordinates,
/// padding clips or reflects them, and every tap is a gather from the
/// flattened input (with a zero appended for taps outside it), weighted
/// and summed for bilinear.
static LogicalResult importGridSample(NodeImport &n) {
  if (failed(n.require(0, "X")) || failed(n.require(1, "grid")) ||
      failed(n.requireFloat(0)))
    return failure();
  Emitter &em = n.em;
  Location loc = n.loc;
  Value x = n.input(0), grid = n.input(1);
  SmallVector<int64_t> xs(Emitter::shapeOf(x)), gs(Emitter::shapeOf(grid));
  if (xs.size() != 4)
    return n.unsupported("GridSample of a rank-" + Twine(xs.size()) +
                         " input (only 4-D)");
  if (gs.size() != 4 || gs[0] != xs[0] || gs[3] != 2)
    return n.error() << "GridSample grid must have shape [N, H_out, W_out, 2]";
  std::string mode = n.attrString("mode", "bilinear");
  std::string padding = n.attrString("padding_mode", "zeros");
  bool align = n.attrInt("align_corners", 0) != 0;
  if (mode != "bilinear" && mode != "nearest")
    return n.unsupported("GridSample mode '" + mode + "'");
  if (padding != "zeros" && padding != "border" && padding != "reflection")
    return n.unsupported("GridSample padding_mode '" + padding + "'");
  Type elem = Emitter::elemOf(x);
  if (!llvm::isa<FloatType>(Emitter::elemOf(grid)))
    return n.error() << "GridSample grid must be float";
  grid = em.cast(loc, grid, elem);
  int64_t count = numElementsOf(xs);
  int64_t outCount = xs[0] * xs[1] * gs[1] * gs[2];
  if (count >= kHostEvalLimit || outCount > kHostEvalLimit)
    return n.unsupported("GridSample with more than " + Twine(kHostEvalLimit) +
                         " elements");

  GridSampler gsm{n, em, elem, xs[0], xs[1], xs[2], xs[3], {}, count, {}};
  auto table = em.concat(
      loc, {em.reshape(loc, x, {count}), em.splat(loc, 0, elem, {1})}, 0);
  if (failed(table))
    return failure();
  gsm.table = *table;
  HostTensor base;
  base.elemType = n.b().getI64Type();
  base.shape = {xs[0], xs[1], 1, 1};
  base.resize();
  for (int64_t p = 0; p < xs[0] * xs[1]; ++p)
    base.i[p] = p * xs[2] * xs[3];
  gsm.planeBase = em.createConstant(loc, base);

  // Pixel coordinates as [N, 1, Ho, Wo].
  SmallVector<int64_t> cShape = {gs[0], 1, gs[1], gs[2]};
  // x and y planes of the grid; the transpose keeps the slices contiguous
  // (a strided slice of the last dimension would not vectorize).
  Value planes = em.transpose(loc, grid, {3, 0, 1, 2});
  SmallVector<Value, 2> coords;
  for (int64_t k = 0; k < 2; ++k) {
    int64_t size = k == 0 ? xs[3] : xs[2];
    Value g = em.reshape(loc, em.sliceAxis(loc, planes, 0, k, 1), cShape);
    auto g1 = gsm.bin(BinaryKind::add, g, gsm.f(1));
    if (failed(g1))
      return failure();
    FailureOr<Value> c =
        align ? gsm.bin(BinaryKind::mul, *g1, gsm.f((size - 1) / 2.0))
              : gsm.bin(BinaryKind::mul, *g1, gsm.f(size / 2.0));
    if (failed(c))
      return failure();
    if (!align) {
      c = gsm.bin(BinaryKind::sub, *c, gsm.f(0.5));
      if (failed(c))
        return failure();
    }
    if (padding == "border") {
      c = gsm.clip(*c, 0, (double)(size - 1));
    } else if (padding == "reflection") {
      c = align ? gsm.reflect(*c, 0, (double)(size - 1))
                : gsm.reflect(*c, -0.5, size - 0.5);
      if (failed(c))
        return failure();
      c = gsm.clip(*c, 0, (double)(size - 1));
    }
    if (failed(c))
      return failure();
    coords.push_back(*c);
  }
  Value cx = coords[0], cy = coords[1];

  Value y;
  if (mode == "nearest") {
    auto r = gsm.tap(em.unary(loc, UnaryKind::round, cx),
                     em.unary(loc, UnaryKind::round, cy));
    if (failed(r))
      return failure();
    y = *r;
  } else {
    Value x0 = em.unary(loc, UnaryKind::floor, cx);
    Value y0 = em.unary(loc, UnaryKind::floor, cy);
    auto x1 = gsm.bin(BinaryKind::add, x0, gsm.f(1));
    auto y1 = gsm.bin(BinaryKind::add, y0, gsm.f(1));
    auto wx1 = gsm.bin(BinaryKind::sub, cx, x0);
    auto wy1 = gsm.bin(BinaryKind::sub, cy, y0);
    if (failed(x1) || failed(y1) || failed(wx1) || failed(wy1))
      return failure();
    auto wx0 = gsm.bin(BinaryKind::sub, gsm.f(1), *wx1);
    auto wy0 = gsm.bin(BinaryKind::sub, gsm.f(1), *wy1);
    if (failed(wx0) || failed(wy0))
      return failure();
    Value xsV[2] = {x0, *x1}, ysV[2] = {y0, *y1};
    Value wxV[2] = {*wx0, *wx1}, wyV[2] = {*wy0, *wy1};
    for (int iy = 0; iy < 2; ++iy)
      for (int ix = 0; ix < 2; ++ix) {
        auto v = gsm.tap(xsV[ix], ysV[iy]);
        if (failed(v))
          return failure();
        auto w = gsm.bin(BinaryKind::mul, wxV[ix], wyV[iy]);
        if (failed(w))
          return failure();
        auto term = gsm.bin(BinaryKind::mul, *v, *w);
        if (failed(term))
          return failure();
        if (!y) {
          y = *term;
          continue;
        }
        auto sum = gsm.bin(BinaryKind::add, y, *term);
        if (failed(sum))
          return failure();
        y = *sum;
      }
  }
  n.setResult(0, y);
  return success();
}

//===----------------------------------------------------------------------===//
// RoiAlign
//===----------------------------------------------------------------------===//

/// RoiAlign (avg mode, a fixed sampling_ratio): every output bin averages
/// s x s bilinear samples. The sample coordinates of roi r are its start
/// plus its bin size times a constant offset vector, [R, 1, oh*s, 1] for y
/// and [R, 1, 1, ow*s] for x; each of the four taps is a gather from the
/// flattened input (with a zero appended for samples outside [-1, H] x
/// [-1, W]), and a mean over the sample axes gives the bins.
static LogicalResult importRoiAlign(NodeImport &n) {
  for (unsigned i = 0; i < 3; ++i)
    if (failed(n.require(i, "X, rois and batch_indices")))
      return failure();
  if (failed(n.requireFloat(0)))
    return failure();
  Emitter &em = n.em;
  Location loc = n.loc;
  Value x = n.input(0), rois = n.input(1), bidx = n.input(2);
  SmallVector<int64_t> xs(Emitter::shapeOf(x));
  if (xs.size() != 4)
    return n.error() << "RoiAlign expects a 4-D input";
  ArrayRef<int64_t> rs = Emitter::shapeOf(rois);
  if (rs.size() != 2 || rs[1] != 4)
    return n.error() << "RoiAlign rois must have shape [num_rois, 4]";
  int64_t numRois = rs[0];
  if (Emitter::shapeOf(bidx) != ArrayRef<int64_t>{numRois})
    return n.error() << "RoiAlign batch_indices must have shape [" << numRois
                     << "]";
  if (n.attrString("mode", "avg") != "avg")
    return n.unsupported("RoiAlign mode '" + n.attrString("mode", "avg") + "'");
  int64_t s = n.attrInt("sampling_ratio", 0);
  if (s <= 0)
    return n.unsupported("RoiAlign with an adaptive sampling_ratio (the "
                         "sample count depends on the roi sizes)");
  std::string ctm =
      n.attrString("coordinate_transformation_mode", "half_pixel");
  if (ctm != "half_pixel" && ctm != "output_half_pixel")
    return n.unsupported("RoiAlign coordinate_transformation_mode '" + ctm +
                         "'");
  bool aligned = ctm == "half_pixel" && n.opset >= 16;
  int64_t oh = n.attrInt("output_height", 1), ow = n.attrInt("output_width", 1);
  if (oh < 1 || ow < 1)
    return n.error() << "RoiAlign output size must be positive";
  double scale = n.attrFloat("spatial_scale", 1.0f);
  Type elem = Emitter::elemOf(x);
  Type i64 = n.b().getI64Type();
  int64_t count = numElementsOf(xs);
  int64_t samples = numRois * xs[1] * oh * s * ow * s;
  if (count >= kHostEvalLimit || samples > kHostEvalLimit)
    return n.unsupported("RoiAlign with more than " + Twine(kHostEvalLimit) +
                         " samples");
  if (!llvm::isa<FloatType>(Emitter::elemOf(rois)))
    return n.error() << "RoiAlign rois must be float";
  rois = em.cast(loc, rois, elem);

  GridSampler gsm{n, em, elem, xs[0], xs[1], xs[2], xs[3], {}, count, {}};
  auto table = em.concat(
      loc, {em.reshape(loc, x, {count}), em.splat(loc, 0, elem, {1})}, 0);
  if (failed(table))
    return failure();
  gsm.table = *table;
  // Plane (batch_indices[r] * C + c) * H * W as [R, C, 1, 1].
  int64_t plane = xs[2] * xs[3];
  auto rowBase =
      gsm.bin(BinaryKind::mul,
              em.reshape(loc, em.cast(loc, bidx, i64), {numRois, 1, 1, 1}),
              em.splat(loc, (double)(xs[1] * plane), i64));
  if (failed(rowBase))
    return failure();
  HostTensor cBase;
  cBase.elemType = i64;
  cBase.shape = {1, xs[1], 1, 1};
  cBase.resize();
  for (int64_t c = 0; c < xs[1]; ++c)
    cBase.i[c] = c * plane;
  auto planeBase =
      gsm.bin(BinaryKind::add, *rowBase, em.createConstant(loc, cBase));
  if (failed(planeBase))
    return failure();
  gsm.planeBase = *planeBase;

  // Roi corners, scaled and shifted: columns of the [R, 4] rois. A
  // transpose keeps the column slices contiguous.
  Value cols = em.transpose(loc, rois, {1, 0});
  auto corner = [&](int64_t k) -> FailureOr<Value> {
    Value c = em.reshape(loc, em.sliceAxis(loc, cols, 0, k, 1), {numRois});
    auto v = gsm.bin(BinaryKind::mul, c, gsm.f(scale));
    if (failed(v) || !aligned)
      return v;
    return gsm.bin(BinaryKind::sub, *v, gsm.f(0.5));
  };
  SmallVector<Value, 4> cs;
  for (int64_t k = 0; k < 4; ++k) {
    auto c = corner(k);
    if (failed(c))
      return failure();
    cs.push_back(*c);
  }
  // Sample coordinates along one axis: start + bin * offsets, with
  // offsets[p * s + i] = p + (i + 0.5) / s.
  auto axisCoords = [&](Value start, Value end, int64_t bins,
                        ArrayRef<int64_t> shape) -> FailureOr<Value> {
    auto len = gsm.bin(BinaryKind::sub, end, start);
    if (failed(len))
      return failure();
    if (!aligned) {
      len = gsm.bin(BinaryKind::max, *len, gsm.f(1));
      if (failed(len))
        return failure();
    }
    auto bin = gsm.bin(BinaryKind::div, *len, gsm.f((double)bins));
    if (failed(bin))
      return failure();
    HostTensor off;
    off.elemType = elem;
    off.shape = {1, bins * s};
    off.resize();
    for (int64_t p = 0; p < bins; ++p)
      for (int64_t i = 0; i < s; ++i)
        off.set(p * s + i, p + (i + 0.5) / s);
    auto scaled = gsm.bin(BinaryKind::mul, em.reshape(loc, *bin, {numRois, 1}),
                          em.createConstant(loc, off));
    if (failed(scaled))
      return failure();
    auto pos =
        gsm.bin(BinaryKind::add, *scaled, em.reshape(loc, start, {numRois, 1}));
    if (failed(pos))
      return failure();
    return em.reshape(loc, *pos, shape);
  };
  auto ys = axisCoords(cs[1], cs[3], oh, {numRois, 1, oh * s, 1});
  auto xsC = axisCoords(cs[0], cs[2], ow, {numRois, 1, 1, ow * s});
  if (failed(ys) || failed(xsC))
    return failure();

  // Samples outside [-1, H] x [-1, W] contribute zero; the others clamp
  // into the input, and the high tap stays on the last row/column. The x
  // and y masks combine as an i64 product: a broadcasting `and` of i1
  // tensors ([R,1,1,W'] with [R,1,H',1]) is miscompiled by the vectorizer.
  Value valid;
  for (auto [c, size] : {std::pair(*xsC, xs[3]), std::pair(*ys, xs[2])}) {
    auto ge = gsm.bin(BinaryKind::greater_equal, c, gsm.f(-1));
    auto le = gsm.bin(BinaryKind::less_equal, c, gsm.f((double)size));
    if (failed(ge) || failed(le))
      return failure();
    auto both = gsm.bin(BinaryKind::logical_and, *ge, *le);
    if (failed(both))
      return failure();
    Value mask = em.cast(loc, *both, n.b().getI64Type());
    if (!valid) {
      valid = mask;
      continue;
    }
    auto v = gsm.bin(BinaryKind::mul, valid, mask);
    if (failed(v))
      return failure();
    valid = *v;
  }
  Value lowV[2], highV[2], wLow[2], wHigh[2];
  Value axisV[2] = {*xsC, *ys};
  int64_t sizes[2] = {xs[3], xs[2]};
  for (int k = 0; k < 2; ++k) {
    auto c = gsm.clip(axisV[k], 0, (double)(sizes[k] - 1));
    if (failed(c))
      return failure();
    lowV[k] = em.unary(loc, UnaryKind::floor, *c);
    auto hi = gsm.bin(BinaryKind::add, lowV[k], gsm.f(1));
    if (failed(hi))
      return failure();
    auto hiC = gsm.bin(BinaryKind::min, *hi, gsm.f((double)(sizes[k] - 1)));
    auto l = gsm.bin(BinaryKind::sub, *c, lowV[k]);
    if (failed(hiC) || failed(l))
      return failure();
    highV[k] = *hiC;
    wHigh[k] = *l;
    auto h = gsm.bin(BinaryKind::sub, gsm.f(1), *l);
    if (failed(h))
      return failure();
    wLow[k] = *h;
  }
  Value sum;
  for (int iy = 0; iy < 2; ++iy)
    for (int ix = 0; ix < 2; ++ix) {
      auto v =
          gsm.gatherAt(ix ? highV[0] : lowV[0], iy ? highV[1] : lowV[1], valid);
      if (failed(v))
        return failure();
      auto w = gsm.bin(BinaryKind::mul, ix ? wHigh[0] : wLow[0],
                       iy ? wHigh[1] : wLow[1]);
      if (failed(w))
        return failure();
      auto term = gsm.bin(BinaryKind::mul, *v, *w);
      if (failed(term))
        return failure();
      if (!sum) {
        sum = *term;
        continue;
      }
      auto add = gsm.bin(BinaryKind::add, sum, *term);
      if (failed(add))
        return failure();
      sum = *add;
    }
  Value bins = em.reshape(loc, sum, {numRois, xs[1], oh, s, ow, s});
  Value y = em.reduce(loc, ReduceKind::mean, bins, {3, 5}, false);
  n.setResult(0, y);
  return success();
}

void qcc::onnx_import::registerSamplingOps(OpTable &table) {
  table["GridSample"] = importGridSample;
  table["RoiAlign"] = importRoiAlign;
}
