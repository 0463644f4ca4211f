//===- ImportNN.cpp - ONNX layer ops to qcc -------------------------------===//
//
// This file implements the import of ONNX's layer operators: convolution,
// Gemm / MatMul, pooling and normalization (BatchNormalization natively;
// Layer/Instance/Group normalization and LRN decomposed). 1-D convolution
// and pooling are imported as 2-D with a unit height (reshapes around the
// op); Gemm's transposes and alpha/beta scaling fold into constant weights.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

using namespace mlir;
using namespace qcc;
using namespace qcc::onnx_import;

namespace {

/// Window geometry of a conv or pool, in 2-D form.
struct Window {
  SmallVector<int64_t> kernel, strides, dilations, pads; // pads: t, l, b, r
  bool oneD = false;
};

} // namespace

/// Reads kernel/strides/dilations/pads/auto_pad of a windowed op over the
/// spatial dims of `inShape` and returns them in 2-D form.
static FailureOr<Window> readWindow(NodeImport &n, ArrayRef<int64_t> inShape,
                                    ArrayRef<int64_t> kernel, bool ceilMode) {
  int64_t spatial = inShape.size() - 2;
  auto fill = [&](StringRef name, int64_t count,
                  int64_t def) -> FailureOr<SmallVector<int64_t>> {
    auto v = n.attrInts(name);
    if (!v)
      return SmallVector<int64_t>(count, def);
    if ((int64_t)v->size() != count) {
      n.error() << "attribute '" << name << "' of " << n.opType() << " has "
                << v->size() << " values, expected " << count;
      return failure();
    }
    return *v;
  };
  auto strides = fill("strides", spatial, 1);
  auto dilations = fill("dilations", spatial, 1);
  auto pads = fill("pads", 2 * spatial, 0);
  if (failed(strides) || failed(dilations) || failed(pads))
    return failure();
  for (int64_t i = 0; i < spatial; ++i) {
    if ((*strides)[i] <= 0 || (*dilations)[i] <= 0 || kernel[i] <= 0) {
      n.error() << "kernel, strides and dilations of " << n.opType()
                << " must be positive";
      return failure();
    }
  }
  for (int64_t p : *pads) {
    if (p < 0) {
      (void)n.unsupported("negative pads of " + n.opType());
      return failure();
    }
  }
  std::string autoPad = n.attrString("auto_pad", "NOTSET");
  if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t in = inShape[2 + i], s = (*strides)[i];
      int64_t out = (in + s - 1) / s;
      int64_t total = std::max<int64_t>(
          0, (out - 1) * s + (kernel[i] - 1) * (*dilations)[i] + 1 - in);
      int64_t small = total / 2, big = total - small;
      (*pads)[i] = autoPad == "SAME_UPPER" ? small : big;
      (*pads)[i + spatial] = autoPad == "SAME_UPPER" ? big : small;
    }
  } else if (autoPad == "VALID") {
    for (int64_t &p : *pads)
      p = 0;
  } else if (autoPad != "NOTSET" && !autoPad.empty()) {
    (void)n.unsupported("auto_pad '" + autoPad + "' of " + n.opType());
    return failure();
  }
  (void)ceilMode;
  Window w;
  if (spatial == 1) {
    w.oneD = true;
    w.kernel = {1, kernel[0]};
    w.strides = {1, (*strides)[0]};
    w.dilations = {1, (*dilations)[0]};
    w.pads = {0, (*pads)[0], 0, (*pads)[1]};
  } else {
    w.kernel.assign(kernel.begin(), kernel.end());
    w.strides = *strides;
    w.dilations = *dilations;
    w.pads = *pads;
  }
  return w;
}

/// Reshapes an [N, C, L] tensor to [N, C, 1, L].
static Value to2D(NodeImport &n, Value v) {
  auto s = Emitter::shapeOf(v);
  return n.em.reshape(n.loc, v, {s[0], s[1], 1, s[2]});
}

//===----------------------------------------------------------------------===//
// Conv
//===----------------------------------------------------------------------===//

FailureOr<Value> qcc::onnx_import::buildConv(NodeImport &n, Value x, Value w,
                                             Value bias, Type resultElem) {
  auto xs = Emitter::shapeOf(x), ws = Emitter::shapeOf(w);
  int64_t rank = xs.size();
  if (rank != 3 && rank != 4)
    return n.unsupported(n.opType() + " with " + Twine(rank - 2) +
                         " spatial dimensions (only 1-D and 2-D)");
  if ((int64_t)ws.size() != rank)
    return n.error() << n.opType() << " weight has rank " << ws.size()
                     << ", expected " << rank;
  SmallVector<int64_t> kernel(ws.drop_front(2));
  if (auto ks = n.attrInts("kernel_shape"))
    if (ArrayRef<int64_t>(*ks) != ArrayRef<int64_t>(kernel))
      return n.error() << n.opType() << " kernel_shape [" << *ks
                       << "] does not match the weight's [" << kernel << "]";
  int64_t group = n.attrInt("group", 1);
  if (group <= 0 || xs[1] % group || ws[0] % group || ws[1] * group != xs[1])
    return n.error() << n.opType() << " with group " << group
                     << " does not fit input channels " << xs[1]
                     << " and weight [" << ws << "]";
  auto win = readWindow(n, xs, kernel, false);
  if (failed(win))
    return failure();
  if (bias) {
    auto bs = Emitter::shapeOf(bias);
    if (bs.size() != 1 || bs[0] != ws[0])
      return n.error() << n.opType() << " bias has shape [" << bs
                       << "], expected [" << ws[0] << "]";
  }
  if (win->oneD) {
    x = to2D(n, x);
    w = to2D(n, w);
  }
  auto x2 = Emitter::shapeOf(x), w2 = Emitter::shapeOf(w);
  SmallVector<int64_t> outShape = {x2[0], w2[0]};
  for (int i = 0; i < 2; ++i) {
    int64_t o = windowOutputSize(x2[2 + i], w2[2 + i], win->strides[i],
                                 win->dilations[i], win->pads[i],
                                 win->pads[i + 2]);
    if (o <= 0)
      return n.error() << n.opType() << " output would be empty: the kernel "
                       << "does not fit the padded input";
    outShape.push_back(o);
  }
  auto outTy = n.em.tensorType(outShape, resultElem);
  Value y = Conv2DOp::create(n.b(), n.loc, outTy, x, w, bias, win->strides,
                             win->pads, win->dilations, (uint64_t)group,
                             nullptr, nullptr, nullptr);
  if (win->oneD)
    y = n.em.reshape(n.loc, y, {outShape[0], outShape[1], outShape[3]});
  return y;
}

static LogicalResult importConv(NodeImport &n) {
  if (failed(n.require(0, "X")) || failed(n.require(1, "W")) ||
      failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0), bias = n.input(2);
  if (bias && Emitter::elemOf(bias) != Emitter::elemOf(x))
    return n.error() << "Conv bias element type differs from the input's";
  auto y = buildConv(n, x, n.input(1), bias, Emitter::elemOf(x));
  if (failed(y))
    return failure();
  n.setResult(0, *y);
  return success();
}

//===----------------------------------------------------------------------===//
// ConvTranspose
//===----------------------------------------------------------------------===//

/// ConvTranspose as a convolution over the zero-stuffed input: for stride s,
/// input pixels land s apart (built with concat + reshape), the weight is
/// flipped spatially with in/out channels swapped per group, and the padding
/// becomes dilation*(k-1) - pad on each side (plus output_padding at the end).
static LogicalResult importConvTranspose(NodeImport &n) {
  if (failed(n.require(0, "X")) || failed(n.require(1, "W")) ||
      failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0), w = n.input(1), bias = n.input(2);
  auto xs = Emitter::shapeOf(x), ws = Emitter::shapeOf(w);
  int64_t rank = xs.size();
  if (rank != 3 && rank != 4)
    return n.unsupported("ConvTranspose with " + Twine(rank - 2) +
                         " spatial dimensions (only 1-D and 2-D)");
  if ((int64_t)ws.size() != rank)
    return n.error() << "ConvTranspose weight has rank " << ws.size()
                     << ", expected " << rank;
  int64_t group = n.attrInt("group", 1);
  int64_t cin = xs[1];
  if (group <= 0 || cin % group || ws[0] != cin)
    return n.error() << "ConvTranspose weight [" << ws
                     << "] does not fit input channels " << cin
                     << " with group " << group;
  int64_t coutPerGroup = ws[1], cout = coutPerGroup * group;
  int64_t spatial = rank - 2;
  SmallVector<int64_t> kernel(ws.drop_front(2));
  auto get = [&](StringRef name, int64_t count, int64_t def) {
    auto v = n.attrInts(name);
    return v && (int64_t)v->size() == count ? *v
                                            : SmallVector<int64_t>(count, def);
  };
  for (StringRef name : {"strides", "dilations", "output_padding"})
    if (auto v = n.attrInts(name); v && (int64_t)v->size() != spatial)
      return n.error() << "attribute '" << name << "' of ConvTranspose has "
                       << v->size() << " values, expected " << spatial;
  SmallVector<int64_t> strides = get("strides", spatial, 1);
  SmallVector<int64_t> dil = get("dilations", spatial, 1);
  SmallVector<int64_t> outPad = get("output_padding", spatial, 0);
  SmallVector<int64_t> pads = get("pads", 2 * spatial, 0);
  std::string autoPad = n.attrString("auto_pad", "NOTSET");
  auto outputShape = n.attrInts("output_shape");
  if (outputShape && outputShape->size() > (size_t)spatial)
    outputShape->erase(outputShape->begin(),
                       outputShape->end() - spatial);
  if (outputShape || autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t full = strides[i] * (xs[2 + i] - 1) + outPad[i] +
                     (kernel[i] - 1) * dil[i] + 1;
      int64_t target =
          outputShape ? (*outputShape)[i] : xs[2 + i] * strides[i];
      int64_t total = full - target;
      if (total < 0) {
        // A larger output_shape extends the output at the end, as
        // output_padding does.
        outPad[i] += -total;
        total = 0;
      }
      bool lower = autoPad == "SAME_LOWER";
      pads[i] = lower ? total - total / 2 : total / 2;
      pads[i + spatial] = total - pads[i];
    }
  } else if (autoPad == "VALID") {
    for (int64_t &p : pads)
      p = 0;
  }
  for (int64_t i = 0; i < spatial; ++i)
    if (strides[i] <= 0 || dil[i] <= 0 || pads[i] < 0 ||
        pads[i + spatial] < 0 || outPad[i] < 0)
      return n.unsupported("ConvTranspose strides/dilations/pads values");
  if (bias) {
    auto bs = Emitter::shapeOf(bias);
    if (bs.size() != 1 || bs[0] != cout)
      return n.error() << "ConvTranspose bias has shape [" << bs
                       << "], expected [" << cout << "]";
  }
  if (spatial == 1) {
    x = to2D(n, x);
    w = to2D(n, w);
    kernel.insert(kernel.begin(), 1);
    strides.insert(strides.begin(), 1);
    dil.insert(dil.begin(), 1);
    outPad.insert(outPad.begin(), 0);
    pads = {0, pads[0], 0, pads[1]};
  }
  // Zero-stuff the input: [N, C, H, W] -> [N, C, (H-1)*sh+1, (W-1)*sw+1].
  Location loc = n.loc;
  Emitter &em = n.em;
  Type elem = Emitter::elemOf(x);
  for (int axis = 2; axis < 4; ++axis) {
    int64_t s = strides[axis - 2];
    if (s == 1)
      continue;
    SmallVector<int64_t> shape(Emitter::shapeOf(x));
    SmallVector<int64_t> expanded(shape);
    expanded.insert(expanded.begin() + axis + 1, 1);
    Value e = em.reshape(loc, x, expanded);
    SmallVector<int64_t> zshape(expanded);
    zshape[axis + 1] = s - 1;
    Value zeros = em.splat(loc, 0.0, elem, zshape);
    auto cat = em.concat(loc, {e, zeros}, axis + 1);
    if (failed(cat))
      return failure();
    SmallVector<int64_t> merged(shape);
    merged[axis] = shape[axis] * s;
    Value m = em.reshape(loc, *cat, merged);
    x = em.sliceAxis(loc, m, axis, 0, (shape[axis] - 1) * s + 1);
  }
  // Weight [Cin, Cout/g, kh, kw] -> [Cout, Cin/g, kh, kw], flipped.
  auto w4 = Emitter::shapeOf(w);
  int64_t cinG = cin / group;
  Value wr = em.reshape(loc, w, {group, cinG, coutPerGroup, w4[2], w4[3]});
  wr = em.transpose(loc, wr, {0, 2, 1, 3, 4});
  wr = em.reshape(loc, wr, {cout, cinG, w4[2], w4[3]});
  wr = em.slice(loc, wr, {0, 0, w4[2] - 1, w4[3] - 1}, {1, 1, -1, -1},
                {cout, cinG, w4[2], w4[3]});
  SmallVector<int64_t> convPads(4);
  for (int i = 0; i < 2; ++i) {
    int64_t full = dil[i] * (kernel[i] - 1);
    convPads[i] = full - pads[i];
    convPads[i + 2] = full - pads[i + 2] + outPad[i];
  }
  // Negative padding crops the stuffed input instead.
  for (int i = 0; i < 2; ++i) {
    int64_t axis = 2 + i;
    int64_t begin = convPads[i] < 0 ? -convPads[i] : 0;
    int64_t end = convPads[i + 2] < 0 ? -convPads[i + 2] : 0;
    if (begin || end) {
      int64_t dim = Emitter::shapeOf(x)[axis];
      if (begin + end >= dim)
        return n.unsupported("ConvTranspose pads larger than the output");
      x = em.sliceAxis(loc, x, axis, begin, dim - begin - end);
      convPads[i] = std::max<int64_t>(convPads[i], 0);
      convPads[i + 2] = std::max<int64_t>(convPads[i + 2], 0);
    }
  }
  auto x2 = Emitter::shapeOf(x);
  SmallVector<int64_t> outShape = {x2[0], cout};
  for (int i = 0; i < 2; ++i)
    outShape.push_back(windowOutputSize(x2[2 + i], kernel[i], 1, dil[i],
                                        convPads[i], convPads[i + 2]));
  Value y = Conv2DOp::create(n.b(), loc, em.tensorType(outShape, elem), x, wr,
                             bias, ArrayRef<int64_t>{1, 1}, convPads, dil,
                             (uint64_t)group, nullptr, nullptr, nullptr);
  if (spatial == 1)
    y = em.reshape(loc, y, {outShape[0], outShape[1], outShape[3]});
  n.setResult(0, y);
  return success();
}

//===----------------------------------------------------------------------===//
// Gemm / MatMul
//===----------------------------------------------------------------------===//

static LogicalResult importGemm(NodeImport &n) {
  if (failed(n.require(0, "A")) || failed(n.require(1, "B")))
    return failure();
  Emitter &em = n.em;
  Location loc = n.loc;
  Value a = n.input(0), b = n.input(1), c = n.input(2);
  if (Emitter::shapeOf(a).size() != 2 || Emitter::shapeOf(b).size() != 2)
    return n.error() << "Gemm expects 2-D A and B, got [" << Emitter::shapeOf(a)
                     << "] and [" << Emitter::shapeOf(b) << "]";
  Type elem = Emitter::elemOf(a);
  if (Emitter::elemOf(b) != elem || (c && Emitter::elemOf(c) != elem))
    return n.error() << "Gemm operands have different element types";
  float alpha = n.attrFloat("alpha", 1.0f), beta = n.attrFloat("beta", 1.0f);
  if (n.attrInt("transA", 0))
    a = em.transpose(loc, a, {1, 0});
  if (n.attrInt("transB", 0))
    b = em.transpose(loc, b, {1, 0});
  auto as = Emitter::shapeOf(a), bs = Emitter::shapeOf(b);
  if (as[1] != bs[0])
    return n.error() << "Gemm inner dimensions differ: A' is [" << as
                     << "], B' is [" << bs << "]";
  int64_t m = as[0], nn = bs[1];
  bool floatType = llvm::isa<FloatType>(elem);
  // Scale the constant side by alpha when there is one, else the result.
  bool alphaPending = alpha != 1.0f;
  if (alphaPending && em.isConstant(b)) {
    auto scaled = em.binary(loc, BinaryKind::mul, b,
                            em.splat(loc, alpha, elem));
    if (failed(scaled))
      return failure();
    b = *scaled;
    alphaPending = false;
  }
  if (c && beta == 0.0f)
    c = Value();
  if (c && beta != 1.0f) {
    auto scaled =
        em.binary(loc, BinaryKind::mul, c, em.splat(loc, beta, elem));
    if (failed(scaled))
      return failure();
    c = *scaled;
  }
  if (c && failed(broadcastShapes({m, nn}, Emitter::shapeOf(c))))
    return n.error() << "Gemm C of shape [" << Emitter::shapeOf(c)
                     << "] does not broadcast to [" << m << ", " << nn << "]";
  // C becomes the matmul bias when it is a row [N] (or a scalar, expanded).
  Value bias;
  if (c && !alphaPending && floatType) {
    auto cs = Emitter::shapeOf(c);
    int64_t count = numElementsOf(cs);
    bool row = (cs.size() == 1 && cs[0] == nn) ||
               (cs.size() == 2 && cs[0] == 1 && cs[1] == nn);
    if (row) {
      bias = em.reshape(loc, c, {nn});
    } else if (count == 1 && em.isConstant(c)) {
      auto e = em.expand(loc, em.reshape(loc, c, {1}), {nn});
      if (failed(e))
        return failure();
      bias = *e;
    }
    if (bias)
      c = Value();
  }
  Value y = MatMulOp::create(n.b(), loc, em.tensorType({m, nn}, elem), a, b,
                             bias, nullptr, nullptr, nullptr);
  if (alphaPending) {
    auto scaled = em.binary(loc, BinaryKind::mul, y, em.splat(loc, alpha, elem));
    if (failed(scaled))
      return failure();
    y = *scaled;
  }
  if (c) {
    auto sum = em.binary(loc, BinaryKind::add, y, c);
    if (failed(sum))
      return failure();
    y = *sum;
  }
  n.setResult(0, y);
  return success();
}

FailureOr<Value> qcc::onnx_import::buildMatMul(NodeImport &n, Value a, Value b,
                                               Type resultElem,
                                               MatMulOperandFn prepare) {
  Emitter &em = n.em;
  Location loc = n.loc;
  SmallVector<int64_t> as(Emitter::shapeOf(a)), bs(Emitter::shapeOf(b));
  if (as.empty() || bs.empty())
    return n.error() << n.opType() << " operands must have rank >= 1";
  bool aVec = as.size() == 1, bVec = bs.size() == 1;
  if (aVec)
    a = em.reshape(loc, a, {1, as[0]});
  if (bVec)
    b = em.reshape(loc, b, {bs[0], 1});
  auto a2 = Emitter::shapeOf(a), b2 = Emitter::shapeOf(b);
  if (a2.back() != b2[b2.size() - 2])
    return n.error() << n.opType() << " contracting dimensions differ: [" << as
                     << "] x [" << bs << "]";
  auto batch = broadcastShapes(a2.drop_back(2), b2.drop_back(2));
  if (failed(batch))
    return n.error() << n.opType() << " batch dimensions of [" << as
                     << "] and [" << bs << "] do not broadcast";
  if (prepare && failed(prepare(a, b)))
    return failure();
  SmallVector<int64_t> shape(*batch);
  shape.push_back(a2[a2.size() - 2]);
  shape.push_back(b2.back());
  Value y = MatMulOp::create(n.b(), loc, em.tensorType(shape, resultElem), a, b,
                             Value(), nullptr, nullptr, nullptr);
  SmallVector<int64_t> finalShape(*batch);
  if (!aVec)
    finalShape.push_back(a2[a2.size() - 2]);
  if (!bVec)
    finalShape.push_back(b2.back());
  return em.reshape(loc, y, finalShape);
}

static LogicalResult importMatMul(NodeImport &n) {
  if (failed(n.require(0, "A")) || failed(n.require(1, "B")))
    return failure();
  Value a = n.input(0), b = n.input(1);
  if (Emitter::elemOf(a) != Emitter::elemOf(b))
    return n.error() << "MatMul operands have different element types";
  auto y = buildMatMul(n, a, b, Emitter::elemOf(a), nullptr);
  if (failed(y))
    return failure();
  n.setResult(0, *y);
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

static LogicalResult importPool(NodeImport &n, PoolKind kind) {
  if (failed(n.require(0, "X")))
    return failure();
  Value x = n.input(0);
  auto xs = Emitter::shapeOf(x);
  int64_t rank = xs.size();
  if (rank != 3 && rank != 4)
    return n.unsupported(n.opType() + " with " + Twine(rank - 2) +
                         " spatial dimensions (only 1-D and 2-D)");
  auto kernel = n.attrInts("kernel_shape");
  if (!kernel)
    return n.error() << n.opType() << " requires attribute 'kernel_shape'";
  if ((int64_t)kernel->size() != rank - 2)
    return n.error() << "kernel_shape of " << n.opType() << " has "
                     << kernel->size() << " values, expected " << rank - 2;
  if (kind == PoolKind::max && n.outputUsed(1))
    return n.unsupported("the Indices output of MaxPool");
  if (kind == PoolKind::avg && !llvm::isa<FloatType>(Emitter::elemOf(x)))
    return n.requireFloat(0);
  bool ceilMode = n.attrInt("ceil_mode", 0) != 0;
  bool countIncludePad = n.attrInt("count_include_pad", 0) != 0;
  auto win = readWindow(n, xs, *kernel, ceilMode);
  if (failed(win))
    return failure();
  if (win->oneD)
    x = to2D(n, x);
  auto x2 = Emitter::shapeOf(x);
  SmallVector<int64_t> outShape = {x2[0], x2[1]};
  for (int i = 0; i < 2; ++i) {
    int64_t o = windowOutputSize(x2[2 + i], win->kernel[i], win->strides[i],
                                 win->dilations[i], win->pads[i],
                                 win->pads[i + 2], ceilMode);
    if (o <= 0)
      return n.error() << n.opType() << " output would be empty: the window "
                       << "does not fit the padded input";
    outShape.push_back(o);
  }
  // Max pooling orders unsigned integers on their ui<N> view.
  bool isUnsigned = n.em.isUnsignedInt(x);
  if (isUnsigned)
    x = n.em.unsignedView(n.loc, x);
  Value y = Pool2DOp::create(n.b(), n.loc,
                             n.em.tensorType(outShape, Emitter::elemOf(x)),
                             kind, x, win->kernel, win->strides, win->pads,
                             win->dilations, countIncludePad, ceilMode);
  if (isUnsigned)
    y = n.em.signlessView(n.loc, y);
  if (win->oneD)
    y = n.em.reshape(n.loc, y, {outShape[0], outShape[1], outShape[3]});
  n.setResult(0, n.em.propagateSign(y, n.input(0)));
  return success();
}

static LogicalResult importGlobalPool(NodeImport &n, ReduceKind kind) {
  if (failed(n.require(0, "X")))
    return failure();
  Value x = n.input(0);
  int64_t rank = Emitter::shapeOf(x).size();
  if (rank < 2)
    return n.error() << n.opType() << " expects an input of rank >= 2";
  SmallVector<int64_t> axes;
  for (int64_t d = 2; d < rank; ++d)
    axes.push_back(d);
  n.setResult(0, n.em.reduce(n.loc, kind, x, axes, /*keepdims=*/true));
  return success();
}

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

static LogicalResult importBatchNorm(NodeImport &n) {
  for (unsigned i = 0; i < 5; ++i)
    if (failed(n.require(i, "X, scale, B, mean and var")))
      return failure();
  if (failed(n.requireFloat(0)))
    return failure();
  if (n.attrInt("training_mode", 0) != 0)
    return n.unsupported("BatchNormalization with training_mode=1");
  for (unsigned i = 1; i < n.numOutputs(); ++i)
    if (n.outputUsed(i))
      return n.unsupported("training outputs of BatchNormalization");
  Value x = n.input(0);
  auto xs = Emitter::shapeOf(x);
  if (xs.size() < 2)
    return n.error() << "BatchNormalization expects an input of rank >= 2";
  int64_t c = xs[1];
  SmallVector<Value> params;
  for (unsigned i = 1; i < 5; ++i) {
    Value p = n.input(i);
    auto ps = Emitter::shapeOf(p);
    if (numElementsOf(ps) != c || ps.empty() || ps[0] != c) {
      if (n.opset < 9 && n.attrInt("spatial", 1) == 0)
        return n.unsupported("BatchNormalization with spatial=0");
      return n.error() << "BatchNormalization parameter " << i
                       << " has shape [" << ps << "], expected [" << c << "]";
    }
    p = n.em.reshape(n.loc, p, {c});
    if (Emitter::elemOf(p) != Emitter::elemOf(x))
      p = n.em.cast(n.loc, p, Emitter::elemOf(x));
    params.push_back(p);
  }
  float eps = n.attrFloat("epsilon", 1e-5f);
  Value y = BatchNormOp::create(n.b(), n.loc, Emitter::typeOf(x), x, params[0],
                                params[1], params[2], params[3],
                                n.b().getF32FloatAttr(eps));
  n.setResult(0, y);
  return success();
}

/// Normalizes `x` over `axes` (kept): returns (x - mean) / sqrt(var + eps),
/// and the mean and 1/sqrt(var + eps) for the optional outputs.
static FailureOr<std::array<Value, 3>>
normalize(NodeImport &n, Value x, ArrayRef<int64_t> axes, float eps) {
  Emitter &em = n.em;
  Location loc = n.loc;
  Type elem = Emitter::elemOf(x);
  Value mean = em.reduce(loc, ReduceKind::mean, x, axes, true);
  auto d = em.binary(loc, BinaryKind::sub, x, mean);
  if (failed(d))
    return failure();
  auto sq = em.binary(loc, BinaryKind::mul, *d, *d);
  if (failed(sq))
    return failure();
  Value var = em.reduce(loc, ReduceKind::mean, *sq, axes, true);
  auto ve = em.binary(loc, BinaryKind::add, var, em.splat(loc, eps, elem));
  if (failed(ve))
    return failure();
  Value std = em.unary(loc, UnaryKind::sqrt, *ve);
  auto y = em.binary(loc, BinaryKind::div, *d, std);
  if (failed(y))
    return failure();
  return std::array<Value, 3>{*y, mean, Value(std)};
}

static LogicalResult scaleAndShift(NodeImport &n, Value &y, Value scale,
                                   Value bias) {
  Type elem = Emitter::elemOf(y);
  if (scale) {
    if (Emitter::elemOf(scale) != elem)
      scale = n.em.cast(n.loc, scale, elem);
    auto r = n.em.binary(n.loc, BinaryKind::mul, y, scale);
    if (failed(r))
      return failure();
    y = *r;
  }
  if (bias) {
    if (Emitter::elemOf(bias) != elem)
      bias = n.em.cast(n.loc, bias, elem);
    auto r = n.em.binary(n.loc, BinaryKind::add, y, bias);
    if (failed(r))
      return failure();
    y = *r;
  }
  return success();
}

static LogicalResult importLayerNorm(NodeImport &n) {
  if (failed(n.require(0, "X")) || failed(n.require(1, "Scale")) ||
      failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0);
  int64_t rank = Emitter::shapeOf(x).size();
  auto axis = n.normalizeAxis(n.attrInt("axis", -1), rank);
  if (failed(axis))
    return failure();
  SmallVector<int64_t> axes;
  for (int64_t d = *axis; d < rank; ++d)
    axes.push_back(d);
  auto r = normalize(n, x, axes, n.attrFloat("epsilon", 1e-5f));
  if (failed(r))
    return failure();
  Value y = (*r)[0];
  if (failed(scaleAndShift(n, y, n.input(1), n.input(2))))
    return failure();
  n.setResult(0, y);
  if (n.outputUsed(1))
    n.setResult(1, (*r)[1]);
  if (n.outputUsed(2))
    n.setResult(2, n.em.unary(n.loc, UnaryKind::reciprocal, (*r)[2]));
  return success();
}

static LogicalResult importInstanceNorm(NodeImport &n) {
  for (unsigned i = 0; i < 3; ++i)
    if (failed(n.require(i, "input, scale and B")))
      return failure();
  if (failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0);
  auto xs = Emitter::shapeOf(x);
  int64_t rank = xs.size();
  if (rank < 3)
    return n.error() << "InstanceNormalization expects an input of rank >= 3";
  SmallVector<int64_t> axes, paramShape = {xs[1]};
  for (int64_t d = 2; d < rank; ++d) {
    axes.push_back(d);
    paramShape.push_back(1);
  }
  auto r = normalize(n, x, axes, n.attrFloat("epsilon", 1e-5f));
  if (failed(r))
    return failure();
  Value y = (*r)[0];
  for (unsigned i = 1; i < 3; ++i)
    if (numElementsOf(Emitter::shapeOf(n.input(i))) != xs[1])
      return n.error() << "InstanceNormalization parameter " << i
                       << " must have " << xs[1] << " elements";
  Value scale = n.em.reshape(n.loc, n.input(1), paramShape);
  Value bias = n.em.reshape(n.loc, n.input(2), paramShape);
  if (failed(scaleAndShift(n, y, scale, bias)))
    return failure();
  n.setResult(0, y);
  return success();
}

static LogicalResult importGroupNorm(NodeImport &n) {
  for (unsigned i = 0; i < 3; ++i)
    if (failed(n.require(i, "X, scale and bias")))
      return failure();
  if (failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0);
  SmallVector<int64_t> xs(Emitter::shapeOf(x));
  int64_t rank = xs.size();
  int64_t groups = n.attrInt("num_groups", 0);
  if (rank < 3 || groups <= 0 || xs[1] % groups)
    return n.error() << "GroupNormalization with num_groups " << groups
                     << " does not fit input [" << xs << "]";
  SmallVector<int64_t> grouped = {xs[0], groups, xs[1] / groups};
  grouped.append(xs.begin() + 2, xs.end());
  SmallVector<int64_t> axes;
  for (int64_t d = 2; d < (int64_t)grouped.size(); ++d)
    axes.push_back(d);
  auto r = normalize(n, n.em.reshape(n.loc, x, grouped), axes,
                     n.attrFloat("epsilon", 1e-5f));
  if (failed(r))
    return failure();
  Value y = n.em.reshape(n.loc, (*r)[0], xs);
  SmallVector<int64_t> paramShape = {xs[1]};
  paramShape.append(rank - 2, 1);
  Value scale = n.input(1), bias = n.input(2);
  int64_t count = numElementsOf(Emitter::shapeOf(scale));
  if (count == groups) {
    // Opset 18 form: one scale per group, repeated over its channels.
    SmallVector<int64_t> gshape = {groups, 1};
    auto e1 = n.em.expand(n.loc, n.em.reshape(n.loc, scale, gshape),
                          {groups, xs[1] / groups});
    auto e2 = n.em.expand(n.loc, n.em.reshape(n.loc, bias, gshape),
                          {groups, xs[1] / groups});
    if (failed(e1) || failed(e2))
      return failure();
    scale = *e1;
    bias = *e2;
  } else if (count != xs[1]) {
    return n.error() << "GroupNormalization scale must have " << xs[1]
                     << " or " << groups << " elements";
  }
  scale = n.em.reshape(n.loc, scale, paramShape);
  bias = n.em.reshape(n.loc, bias, paramShape);
  if (failed(scaleAndShift(n, y, scale, bias)))
    return failure();
  n.setResult(0, y);
  return success();
}

/// LRN: x / (bias + alpha / size * sum of squares over a channel window)^beta.
/// The channel-window sum is a convolution with a [size, 1] kernel of ones
/// over the input viewed as [N, 1, C, H*W].
static LogicalResult importLRN(NodeImport &n) {
  if (failed(n.require(0, "X")) || failed(n.requireFloat(0)))
    return failure();
  Emitter &em = n.em;
  Location loc = n.loc;
  Value x = n.input(0);
  SmallVector<int64_t> xs(Emitter::shapeOf(x));
  if (xs.size() < 3)
    return n.error() << "LRN expects an input of rank >= 3";
  int64_t size = n.attrInt("size", 0);
  if (size <= 0)
    return n.error() << "LRN requires a positive 'size'";
  float alpha = n.attrFloat("alpha", 1e-4f), beta = n.attrFloat("beta", 0.75f);
  float bias = n.attrFloat("bias", 1.0f);
  Type elem = Emitter::elemOf(x);
  int64_t spatial = numElementsOf(ArrayRef<int64_t>(xs).drop_front(2));
  auto sq = em.binary(loc, BinaryKind::mul, x, x);
  if (failed(sq))
    return failure();
  Value v = em.reshape(loc, *sq, {xs[0], 1, xs[1], spatial});
  Value ones = em.splat(loc, 1.0, elem, {1, 1, size, 1});
  int64_t before = (size - 1) / 2, after = size - 1 - before;
  Value sum = Conv2DOp::create(
      n.b(), loc, em.tensorType({xs[0], 1, xs[1], spatial}, elem), v, ones,
      Value(), ArrayRef<int64_t>{1, 1}, ArrayRef<int64_t>{before, 0, after, 0},
      ArrayRef<int64_t>{1, 1}, (uint64_t)1, nullptr, nullptr, nullptr);
  sum = em.reshape(loc, sum, xs);
  auto scaled = em.binary(loc, BinaryKind::mul, sum,
                          em.splat(loc, alpha / size, elem));
  if (failed(scaled))
    return failure();
  auto base = em.binary(loc, BinaryKind::add, *scaled, em.splat(loc, bias, elem));
  if (failed(base))
    return failure();
  auto den = em.binary(loc, BinaryKind::pow, *base, em.splat(loc, beta, elem));
  if (failed(den))
    return failure();
  auto y = em.binary(loc, BinaryKind::div, x, *den);
  if (failed(y))
    return failure();
  n.setResult(0, *y);
  return success();
}

void qcc::onnx_import::registerNNOps(OpTable &table) {
  table["LRN"] = importLRN;
  table["Conv"] = importConv;
  table["ConvTranspose"] = importConvTranspose;
  table["Gemm"] = importGemm;
  table["MatMul"] = importMatMul;
  table["MaxPool"] = [](NodeImport &n) {
    return importPool(n, PoolKind::max);
  };
  table["AveragePool"] = [](NodeImport &n) {
    return importPool(n, PoolKind::avg);
  };
  table["GlobalAveragePool"] = [](NodeImport &n) {
    return importGlobalPool(n, ReduceKind::mean);
  };
  table["GlobalMaxPool"] = [](NodeImport &n) {
    return importGlobalPool(n, ReduceKind::max);
  };
  table["BatchNormalization"] = importBatchNorm;
  table["LayerNormalization"] = importLayerNorm;
  table["InstanceNormalization"] = importInstanceNorm;
  table["GroupNormalization"] = importGroupNorm;
}
