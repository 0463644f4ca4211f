//===- ImportQLinear.cpp - ONNX integer matmul and convolution ------------===//
//
// This file implements the import of ONNX's integer layer operators:
// MatMulInteger and ConvInteger become a quantized qcc.matmul / qcc.conv2d
// with an i32 result (the exact sum of zero-point-corrected products), and
// QLinearMatMul and QLinearConv become the same i32 contraction followed by
// ONNX's requantization in float: `saturate(round_half_even(acc *
// float32(float32(x_scale * w_scale) / y_scale)) + y_zero_point)` with the
// product in double precision, as the ONNX reference computes it. Scales and
// zero points must be constants; they become the operands'
// `!quant.uniform` types (a qcc.reshape reinterprets the stored integers).
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"

using namespace mlir;
using namespace qcc;
using namespace qcc::onnx_import;

namespace {
/// Stored 8-bit integers of a QLinear / Integer operand with their sign.
struct Storage {
  Value value; // signless i8
  bool isUnsigned;
};
} // namespace

/// The stored integers of input `i`: an 8-bit integer tensor, or the storage
/// of a `!quant.uniform` value (from QuantizeLinear).
static FailureOr<Storage> readStorage(NodeImport &n, unsigned i) {
  Value v = n.input(i);
  auto type = Emitter::typeOf(v);
  if (auto q = llvm::dyn_cast<quant::QuantizedType>(type.getElementType())) {
    if (q.getStorageTypeIntegralWidth() != 8)
      return n.unsupported(n.opType() + " of a quantized type with " +
                           Twine(q.getStorageTypeIntegralWidth()) +
                           "-bit storage (only 8-bit)");
    Value s = ReshapeOp::create(n.b(), n.loc, type.clone(n.b().getI8Type()), v);
    return Storage{s, !q.isSigned()};
  }
  if (!type.getElementType().isInteger(8))
    return n.unsupported(n.opType() + " of a non-8-bit tensor (only int8 "
                                      "and uint8)");
  return Storage{v, n.em.isUnsigned(v)};
}

/// Constant zero points (input `i`, all zero when absent): one value, or
/// `count` values along the operand's channel axis.
static FailureOr<SmallVector<int64_t>> readZeroPoints(NodeImport &n, unsigned i,
                                                      const Storage &s,
                                                      int64_t count,
                                                      StringRef what) {
  if (!n.hasInput(i))
    return SmallVector<int64_t>{0};
  auto zps = n.constInts(i, what);
  if (failed(zps))
    return failure();
  Value z = n.input(i);
  if (!Emitter::elemOf(z).isInteger(8) || n.em.isUnsigned(z) != s.isUnsigned)
    return n.error() << n.opType() << " " << what
                     << " must have the element type of its operand";
  if (zps->size() != 1 && (int64_t)zps->size() != count)
    return n.unsupported(n.opType() + " " + what + " with " +
                         Twine(zps->size()) + " values (only per tensor" +
                         (count > 1 ? " or per output channel" : "") + ")");
  return *zps;
}

/// Constant positive scales (input `i`): one value, or `count` values.
static FailureOr<SmallVector<double>>
readScales(NodeImport &n, unsigned i, int64_t count, StringRef what) {
  if (failed(n.require(i, what)))
    return failure();
  auto scales = n.constDoubles(i, what);
  if (failed(scales))
    return failure();
  if (scales->size() != 1 && (int64_t)scales->size() != count)
    return n.unsupported(n.opType() + " " + what + " with " +
                         Twine(scales->size()) + " values (only per tensor" +
                         (count > 1 ? " or per output channel" : "") + ")");
  for (double s : *scales)
    if (!(s > 0) || !std::isfinite(s))
      return n.error() << n.opType() << " " << what << " " << s
                       << " is not a positive finite number";
  return *scales;
}

/// Reinterprets the stored integers `s` as `!quant.uniform` values with
/// `scales` / `zps` (per tensor, or along `axis` when either has more than
/// one value).
static Value attachQuant(NodeImport &n, const Storage &s,
                         ArrayRef<double> scales, ArrayRef<int64_t> zps,
                         int64_t axis) {
  Type i8 = n.b().getI8Type(), f32 = n.b().getF32Type();
  unsigned flags = s.isUnsigned ? 0 : quant::QuantizationFlags::Signed;
  int64_t lo = s.isUnsigned ? 0 : -128, hi = s.isUnsigned ? 255 : 127;
  size_t count = std::max(scales.size(), zps.size());
  Type q;
  if (count == 1) {
    q = quant::UniformQuantizedType::get(flags, i8, f32, scales[0], zps[0], lo,
                                         hi);
  } else {
    SmallVector<double> sv(count);
    SmallVector<int64_t> zv(count);
    for (size_t c = 0; c < count; ++c) {
      sv[c] = scales.size() == 1 ? scales[0] : scales[c];
      zv[c] = zps.size() == 1 ? zps[0] : zps[c];
    }
    q = quant::UniformQuantizedPerAxisType::get(flags, i8, f32, sv, zv,
                                                (int32_t)axis, lo, hi);
  }
  auto type = Emitter::typeOf(s.value);
  return ReshapeOp::create(n.b(), n.loc, type.clone(q), s.value);
}

/// ONNX's float requantization of the i32 accumulator `acc`, the multiplier
/// broadcast along `axis` (of rank `rank`) when there is one per channel:
/// saturate(round_half_even(double(acc) * double(multiplier)) + zero_point).
static FailureOr<Value>
requantizeLikeOnnx(NodeImport &n, Value acc, ArrayRef<double> xScale,
                   ArrayRef<double> wScale, ArrayRef<double> yScale,
                   int64_t axis, int64_t yZp, bool yUnsigned) {
  Emitter &em = n.em;
  Location loc = n.loc;
  Type f64 = n.b().getF64Type();
  int64_t rank = Emitter::typeOf(acc).getRank();
  HostTensor mult;
  mult.elemType = f64;
  if (wScale.size() > 1) {
    mult.shape.assign(rank - axis, 1);
    mult.shape[0] = wScale.size();
  }
  mult.resize();
  for (size_t c = 0; c < wScale.size(); ++c) {
    // The multiplier as the ONNX reference computes it on float32 scales.
    float m = (float)xScale[0] * (float)wScale[c];
    m = m / (float)yScale[0];
    mult.set(c, (double)m);
  }
  Value y = em.cast(loc, acc, f64);
  auto scaled =
      em.binary(loc, BinaryKind::mul, y, em.createConstant(loc, mult));
  if (failed(scaled))
    return failure();
  y = em.unary(loc, UnaryKind::round, *scaled);
  auto shifted =
      em.binary(loc, BinaryKind::add, y, em.splat(loc, (double)yZp, f64));
  if (failed(shifted))
    return failure();
  float lo = yUnsigned ? 0.f : -128.f, hi = yUnsigned ? 255.f : 127.f;
  y = em.unary(loc, UnaryKind::clip, *shifted, {lo, hi});
  return em.cast(loc, y, n.b().getI8Type(), yUnsigned);
}

//===----------------------------------------------------------------------===//
// MatMulInteger / QLinearMatMul
//===----------------------------------------------------------------------===//

/// The i32 product of quantized `a` (input `ai`, zero point `aZp`, scale
/// `aScale` or 1) and `b`, the weight quantized per tensor or per column.
static FailureOr<Value> importIntegerMatMul(NodeImport &n, unsigned ai,
                                            unsigned bi, int aScaleIdx,
                                            int aZpIdx, int bScaleIdx,
                                            int bZpIdx,
                                            SmallVector<double> &bScales) {
  auto a = readStorage(n, ai);
  if (failed(a))
    return failure();
  auto b = readStorage(n, bi);
  if (failed(b))
    return failure();
  auto bShape = Emitter::shapeOf(b->value);
  int64_t cols = bShape.size() >= 2 ? bShape.back() : 1;
  auto aZp = readZeroPoints(n, aZpIdx, *a, 1, "a_zero_point");
  auto bZp = readZeroPoints(n, bZpIdx, *b, cols, "b_zero_point");
  if (failed(aZp) || failed(bZp))
    return failure();
  SmallVector<double> aScales = {1.0};
  bScales = {1.0};
  if (aScaleIdx >= 0) {
    auto as = readScales(n, aScaleIdx, 1, "a_scale");
    auto bs = readScales(n, bScaleIdx, cols, "b_scale");
    if (failed(as) || failed(bs))
      return failure();
    aScales = *as;
    bScales = *bs;
  }
  return buildMatMul(n, a->value, b->value, n.b().getI32Type(),
                     [&](Value &av, Value &bv) -> LogicalResult {
                       Storage as{av, a->isUnsigned}, bs{bv, b->isUnsigned};
                       av = attachQuant(n, as, aScales, *aZp, -1);
                       bv = attachQuant(n, bs, bScales, *bZp,
                                        Emitter::typeOf(bv).getRank() - 1);
                       return success();
                     });
}

/// The run-time zero point of input `i` (a scalar, e.g. DynamicQuantizeLinear's
/// y_zero_point) as an i32 scalar, checked against operand `s`; null when the
/// input is absent or constant (read as a type parameter instead).
static FailureOr<Value> readRuntimeZeroPoint(NodeImport &n, unsigned i,
                                             const Storage &s, StringRef what) {
  if (!n.hasInput(i) || n.em.isConstant(n.input(i)))
    return Value();
  Value z = n.input(i);
  if (!Emitter::elemOf(z).isInteger(8) || n.em.isUnsigned(z) != s.isUnsigned)
    return n.error() << n.opType() << " " << what
                     << " must have the element type of its operand";
  if (numElementsOf(Emitter::shapeOf(z)) != 1)
    return n.unsupported(n.opType() + " with a run-time " + what +
                         " of more than one element");
  Value scalar = n.em.reshape(n.loc, z, {});
  return n.em.cast(n.loc, scalar, n.b().getI32Type());
}

/// `acc - zp * sums` in i32: removes the contribution of a run-time input
/// zero point `zp` from an accumulator computed with zero point 0, where
/// `sums` holds the sum of the zero-point-corrected weights that each output
/// accumulated.
static FailureOr<Value> subtractZeroPointTerm(NodeImport &n, Value acc,
                                              Value zp, Value sums) {
  auto term = n.em.binary(n.loc, BinaryKind::mul, sums, zp);
  if (failed(term))
    return failure();
  return n.em.binary(n.loc, BinaryKind::sub, acc, *term);
}

static LogicalResult importMatMulInteger(NodeImport &n) {
  if (failed(n.require(0, "A")) || failed(n.require(1, "B")))
    return failure();
  auto a = readStorage(n, 0);
  if (failed(a))
    return failure();
  auto aZp = readRuntimeZeroPoint(n, 2, *a, "a_zero_point");
  if (failed(aZp))
    return failure();
  SmallVector<double> bScales;
  // A run-time a_zero_point za (dynamic quantization): sum_k (a - za)(b - zb)
  // = sum_k a (b - zb) - za * sum_k (b - zb), the first term an integer
  // matmul with a zero point of 0, the column sums constant for constant b.
  auto y = importIntegerMatMul(n, 0, 1, -1, *aZp ? -1 : 2, -1, 3, bScales);
  if (failed(y))
    return failure();
  if (*aZp) {
    // Column sums of b - zb over K (axis -2; a 1-D b sums to a scalar), kept
    // as [..., 1, N] to broadcast over the rows of a matrix a.
    Emitter &em = n.em;
    Location loc = n.loc;
    auto b = readStorage(n, 1);
    if (failed(b))
      return failure();
    Value bv = b->value;
    if (b->isUnsigned)
      em.unsignedValues.insert(bv);
    auto bShape = Emitter::shapeOf(bv);
    int64_t rank = bShape.size();
    Value bw = em.cast(loc, bv, n.b().getI32Type());
    if (n.hasInput(3)) {
      auto zps = n.constInts(3, "b_zero_point");
      if (failed(zps))
        return failure();
      HostTensor z;
      z.elemType = n.b().getI32Type();
      if (zps->size() > 1)
        z.shape = {(int64_t)zps->size()};
      z.resize();
      for (size_t k = 0; k < zps->size(); ++k)
        z.setI(k, (*zps)[k]);
      auto d = em.binary(loc, BinaryKind::sub, bw, em.createConstant(loc, z));
      if (failed(d))
        return failure();
      bw = *d;
    }
    bool aIsVector = Emitter::shapeOf(a->value).size() == 1;
    Value sums = em.reduce(loc, ReduceKind::sum, bw, {rank >= 2 ? rank - 2 : 0},
                           /*keepdims=*/rank >= 2 && !aIsVector);
    auto r = subtractZeroPointTerm(n, *y, *aZp, sums);
    if (failed(r))
      return failure();
    y = r;
  }
  n.setResult(0, *y);
  return success();
}

/// Output zero point (input `i`) and its sign; uint8 0 when absent.
static FailureOr<std::pair<int64_t, bool>> readOutputZeroPoint(NodeImport &n,
                                                               unsigned i) {
  if (!n.hasInput(i))
    return std::make_pair<int64_t, bool>(0, true);
  auto zps = n.constInts(i, "y_zero_point");
  if (failed(zps))
    return failure();
  if (zps->size() != 1)
    return n.unsupported(n.opType() + " with a per-channel y_zero_point");
  Value z = n.input(i);
  if (!Emitter::elemOf(z).isInteger(8))
    return n.unsupported(n.opType() + " with a non-8-bit y_zero_point");
  return std::make_pair((*zps)[0], n.em.isUnsigned(z));
}

static LogicalResult importQLinearMatMul(NodeImport &n) {
  static const char *const names[] = {"a",       "a_scale",     "a_zero_point",
                                      "b",       "b_scale",     "b_zero_point",
                                      "y_scale", "y_zero_point"};
  for (unsigned i = 0; i < 8; ++i)
    if (failed(n.require(i, names[i])))
      return failure();
  SmallVector<double> bScales;
  auto acc = importIntegerMatMul(n, 0, 3, 1, 2, 4, 5, bScales);
  if (failed(acc))
    return failure();
  auto aScale = n.constDoubles(1, "a_scale");
  auto yScale = readScales(n, 6, 1, "y_scale");
  auto yZp = readOutputZeroPoint(n, 7);
  if (failed(aScale) || failed(yScale) || failed(yZp))
    return failure();
  int64_t rank = Emitter::typeOf(*acc).getRank();
  auto y = requantizeLikeOnnx(n, *acc, *aScale, bScales, *yScale, rank - 1,
                              yZp->first, yZp->second);
  if (failed(y))
    return failure();
  n.setResult(0, *y);
  return success();
}

//===----------------------------------------------------------------------===//
// ConvInteger / QLinearConv
//===----------------------------------------------------------------------===//

/// The i32 convolution of quantized `x` and `w` (per tensor or per output
/// channel) plus the optional i32 `bias`.
static FailureOr<Value> importIntegerConv(NodeImport &n, unsigned xi,
                                          unsigned wi, int xScaleIdx,
                                          int xZpIdx, int wScaleIdx, int wZpIdx,
                                          Value bias,
                                          SmallVector<double> &wScales) {
  auto x = readStorage(n, xi);
  if (failed(x))
    return failure();
  auto w = readStorage(n, wi);
  if (failed(w))
    return failure();
  auto wShape = Emitter::shapeOf(w->value);
  int64_t outChannels = wShape.empty() ? 1 : wShape[0];
  auto xZp = readZeroPoints(n, xZpIdx, *x, 1, "x_zero_point");
  auto wZp = readZeroPoints(n, wZpIdx, *w, outChannels, "w_zero_point");
  if (failed(xZp) || failed(wZp))
    return failure();
  SmallVector<double> xScales = {1.0};
  wScales = {1.0};
  if (xScaleIdx >= 0) {
    auto xs = readScales(n, xScaleIdx, 1, "x_scale");
    auto ws = readScales(n, wScaleIdx, outChannels, "w_scale");
    if (failed(xs) || failed(ws))
      return failure();
    xScales = *xs;
    wScales = *ws;
  }
  if (bias && (!Emitter::elemOf(bias).isInteger(32) || n.em.isUnsigned(bias)))
    return n.error() << n.opType() << " bias must be int32";
  Value xq = attachQuant(n, *x, xScales, *xZp, -1);
  Value wq = attachQuant(n, *w, wScales, *wZp, 0);
  return buildConv(n, xq, wq, bias, n.b().getI32Type());
}

/// Whether the node's convolution reads no padding (explicit pads all zero,
/// auto_pad NOTSET or VALID).
static bool hasNoPadding(NodeImport &n) {
  std::string autoPad = n.attrString("auto_pad", "NOTSET");
  if (autoPad != "NOTSET" && autoPad != "VALID" && !autoPad.empty())
    return false;
  if (autoPad == "VALID")
    return true;
  auto pads = n.attrInts("pads");
  return !pads || llvm::all_of(*pads, [](int64_t p) { return p == 0; });
}

static LogicalResult importConvInteger(NodeImport &n) {
  if (failed(n.require(0, "x")) || failed(n.require(1, "w")))
    return failure();
  auto x = readStorage(n, 0);
  if (failed(x))
    return failure();
  auto xZp = readRuntimeZeroPoint(n, 2, *x, "x_zero_point");
  if (failed(xZp))
    return failure();
  SmallVector<double> wScales;
  auto y =
      importIntegerConv(n, 0, 1, -1, *xZp ? -1 : 2, -1, 3, Value(), wScales);
  if (failed(y))
    return failure();
  if (*xZp) {
    // A run-time x_zero_point zx: sum (x - zx)(w - zw) over the taps inside
    // the input = conv(x, w - zw) - zx * (sum of w - zw over those taps).
    // Without padding every output sees all taps (a per-channel constant);
    // with padding the sums are the convolution of an all-ones input.
    Emitter &em = n.em;
    Location loc = n.loc;
    auto w = readStorage(n, 1);
    if (failed(w))
      return failure();
    auto wShape = Emitter::shapeOf(w->value);
    int64_t outChannels = wShape.empty() ? 1 : wShape[0];
    auto wZp = readZeroPoints(n, 3, *w, outChannels, "w_zero_point");
    if (failed(wZp))
      return failure();
    int64_t rank = Emitter::shapeOf(*y).size();
    Value sums;
    if (hasNoPadding(n)) {
      Value wv = w->value;
      if (w->isUnsigned)
        em.unsignedValues.insert(wv);
      Value wi = em.cast(loc, wv, n.b().getI32Type());
      HostTensor z;
      z.elemType = n.b().getI32Type();
      z.shape.assign(wShape.size(), 1);
      z.shape[0] = wZp->size();
      z.resize();
      for (size_t k = 0; k < wZp->size(); ++k)
        z.setI(k, (*wZp)[k]);
      auto d = em.binary(loc, BinaryKind::sub, wi, em.createConstant(loc, z));
      if (failed(d))
        return failure();
      SmallVector<int64_t> axes;
      for (int64_t a = 1; a < (int64_t)wShape.size(); ++a)
        axes.push_back(a);
      Value perChannel = em.reduce(loc, ReduceKind::sum, *d, axes, false);
      SmallVector<int64_t> shape(rank, 1);
      shape[1] = outChannels;
      sums = em.reshape(loc, perChannel, shape);
    } else {
      SmallVector<int64_t> onesShape(Emitter::shapeOf(x->value));
      onesShape[0] = 1;
      Value ones = em.splat(loc, 1.0, n.b().getI8Type(), onesShape);
      Value onesQ = attachQuant(n, Storage{ones, false}, {1.0}, {0}, -1);
      Value wq = attachQuant(n, *w, {1.0}, *wZp, 0);
      auto conv = buildConv(n, onesQ, wq, Value(), n.b().getI32Type());
      if (failed(conv))
        return failure();
      sums = *conv;
    }
    auto r = subtractZeroPointTerm(n, *y, *xZp, sums);
    if (failed(r))
      return failure();
    y = r;
  }
  n.setResult(0, *y);
  return success();
}

static LogicalResult importQLinearConv(NodeImport &n) {
  static const char *const names[] = {"x",       "x_scale", "",       "w",
                                      "w_scale", "",        "y_scale"};
  for (unsigned i : {0u, 1u, 3u, 4u, 6u})
    if (failed(n.require(i, names[i])))
      return failure();
  SmallVector<double> wScales;
  auto acc = importIntegerConv(n, 0, 3, 1, 2, 4, 5, n.input(8), wScales);
  if (failed(acc))
    return failure();
  auto xScale = n.constDoubles(1, "x_scale");
  auto yScale = readScales(n, 6, 1, "y_scale");
  auto yZp = readOutputZeroPoint(n, 7);
  if (failed(xScale) || failed(yScale) || failed(yZp))
    return failure();
  auto y = requantizeLikeOnnx(n, *acc, *xScale, wScales, *yScale, 1, yZp->first,
                              yZp->second);
  if (failed(y))
    return failure();
  n.setResult(0, *y);
  return success();
}

void qcc::onnx_import::registerQLinearOps(OpTable &table) {
  table["MatMulInteger"] = importMatMulInteger;
  table["QLinearMatMul"] = importQLinearMatMul;
  table["ConvInteger"] = importConvInteger;
  table["QLinearConv"] = importQLinearConv;
}
