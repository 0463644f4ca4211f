//===- ImportMath.cpp - ONNX elementwise, reduction and softmax ops -------===//
//
// This file implements the import of ONNX's math operators: elementwise
// unary functions and activations (qcc.unary), broadcasting binary ops
// (qcc.binary), variadic Max/Min/Sum/Mean, Where (and the activations built
// on it), Clip in its attribute (< 11) and input (>= 11) forms, Pow special
// cases, the Reduce* family with axes as an attribute or an input depending
// on the opset, and Softmax / LogSoftmax with the pre-13 "coerce to 2-D"
// semantics.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include <cfloat>

using namespace mlir;
using namespace qcc;
using namespace qcc::onnx_import;

//===----------------------------------------------------------------------===//
// Unary
//===----------------------------------------------------------------------===//

/// A unary op without parameters.
template <UnaryKind K> static LogicalResult importUnary(NodeImport &n) {
  if (failed(n.require(0, "X")))
    return failure();
  n.setResult(0, n.em.unary(n.loc, K, n.input(0)));
  return success();
}

/// Float-only activations with scalar parameters.
static LogicalResult importActivation(NodeImport &n, UnaryKind kind,
                                      ArrayRef<float> params) {
  if (failed(n.require(0, "X")) || failed(n.requireFloat(0)))
    return failure();
  n.setResult(0, n.em.unary(n.loc, kind, n.input(0), params));
  return success();
}

/// Float-only unary functions without parameters.
template <UnaryKind K> static LogicalResult importFloatUnary(NodeImport &n) {
  return importActivation(n, K, {});
}

static LogicalResult importIdentity(NodeImport &n) {
  if (failed(n.require(0, "input")))
    return failure();
  n.setResult(0, n.input(0));
  return success();
}

static LogicalResult importDropout(NodeImport &n) {
  if (failed(n.require(0, "data")))
    return failure();
  if (n.opset < 7 && n.attrInt("is_test", 0) == 0 && n.opset >= 6)
    return n.unsupported("Dropout in training mode (is_test=0)");
  if (n.hasInput(2)) {
    auto t = n.em.getConstant(n.input(2));
    // Training with a ratio of 0 drops nothing either.
    std::optional<HostTensor> ratio;
    if (n.hasInput(1))
      ratio = n.em.getConstant(n.input(1));
    bool noDrop = ratio && ratio->size() == 1 && ratio->getD(0) == 0.0;
    if (!t || (t->getI(0) != 0 && !noDrop))
      return n.unsupported("Dropout with training_mode set");
  }
  n.setResult(0, n.input(0));
  // In inference nothing is dropped: the mask is all true.
  if (n.outputUsed(1)) {
    Type i1 = n.em.builder.getI1Type();
    auto mask = n.em.expand(n.loc, n.em.splat(n.loc, 1.0, i1),
                            Emitter::shapeOf(n.input(0)));
    if (failed(mask))
      return failure();
    n.setResult(1, *mask);
  }
  return success();
}

/// Reads a scalar Clip bound: attribute before opset 11, optional input
/// after. Returns the bound as a value (null when absent).
static LogicalResult importClip(NodeImport &n) {
  if (failed(n.require(0, "input")))
    return failure();
  Emitter &em = n.em;
  Location loc = n.loc;
  Value x = n.input(0);
  Type elem = Emitter::elemOf(x);
  bool isFloat = llvm::isa<FloatType>(elem);
  std::optional<double> lo, hi;
  Value loV, hiV;
  if (n.opset < 11) {
    if (n.hasAttr("min"))
      lo = n.attrFloat("min", -FLT_MAX);
    if (n.hasAttr("max"))
      hi = n.attrFloat("max", FLT_MAX);
  } else {
    for (unsigned i = 1; i <= 2; ++i) {
      Value b = n.input(i);
      if (!b)
        continue;
      if (numElementsOf(Emitter::shapeOf(b)) != 1)
        return n.error() << "Clip bounds must be scalars, got shape ["
                         << Emitter::shapeOf(b) << "]";
      if (auto t = em.getConstant(b))
        (i == 1 ? lo : hi) = t->getD(0);
      else
        (i == 1 ? loV : hiV) = b;
    }
  }
  Value y = x;
  if (isFloat && !loV && !hiV) {
    float l = lo ? (float)std::max<double>(*lo, -FLT_MAX) : -FLT_MAX;
    float h = hi ? (float)std::min<double>(*hi, FLT_MAX) : FLT_MAX;
    n.setResult(0, em.unary(loc, UnaryKind::clip, x, {l, h}));
    return success();
  }
  // Integer types or bounds computed at run time: max then min.
  auto applyBound = [&](BinaryKind kind, std::optional<double> c,
                        Value v) -> LogicalResult {
    if (!c && !v)
      return success();
    if (!v)
      v = em.splat(loc, *c, elem);
    else
      v = em.reshape(loc, v, {});
    if (Emitter::elemOf(v) != elem)
      v = em.cast(loc, v, elem);
    auto r = em.binary(loc, kind, y, v);
    if (failed(r))
      return failure();
    y = *r;
    return success();
  };
  if (failed(applyBound(BinaryKind::max, lo, loV)) ||
      failed(applyBound(BinaryKind::min, hi, hiV)))
    return failure();
  n.setResult(0, em.propagateSign(y, x));
  return success();
}

static LogicalResult importPRelu(NodeImport &n) {
  if (failed(n.require(0, "X")) || failed(n.require(1, "slope")) ||
      failed(n.requireFloat(0)))
    return failure();
  Emitter &em = n.em;
  Location loc = n.loc;
  Value x = n.input(0), slope = n.input(1);
  Type elem = Emitter::elemOf(x);
  auto xs = Emitter::shapeOf(x);
  // Before opset 7 a [C] slope applies to dimension 1.
  auto ss = Emitter::shapeOf(slope);
  if (n.opset < 7 && ss.size() == 1 && xs.size() > 2 && ss[0] == xs[1]) {
    SmallVector<int64_t> shape = {ss[0]};
    shape.append(xs.size() - 2, 1);
    slope = em.reshape(loc, slope, shape);
  }
  auto bshape = broadcastShapes(xs, Emitter::shapeOf(slope));
  if (failed(bshape) || ArrayRef<int64_t>(*bshape) != xs)
    return n.error() << "PRelu slope of shape [" << Emitter::shapeOf(slope)
                     << "] does not broadcast to the input [" << xs << "]";
  if (auto t = em.getConstant(slope)) {
    bool uniform = t->size() > 0;
    for (int64_t k = 1; k < t->size() && uniform; ++k)
      uniform = t->getD(k) == t->getD(0);
    if (uniform) {
      n.setResult(0,
                  em.unary(loc, UnaryKind::leaky_relu, x, {(float)t->getD(0)}));
      return success();
    }
  }
  // prelu(x) = relu(x) + slope * min(x, 0)
  Value pos = em.unary(loc, UnaryKind::relu, x);
  auto neg = em.binary(loc, BinaryKind::min, x, em.splat(loc, 0.0, elem));
  if (failed(neg))
    return failure();
  auto scaled = em.binary(loc, BinaryKind::mul, *neg, slope);
  if (failed(scaled))
    return failure();
  auto y = em.binary(loc, BinaryKind::add, pos, *scaled);
  if (failed(y))
    return failure();
  n.setResult(0, *y);
  return success();
}

static LogicalResult importMish(NodeImport &n) {
  if (failed(n.require(0, "X")) || failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0);
  Value sp = n.em.unary(n.loc, UnaryKind::softplus, x);
  Value t = n.em.unary(n.loc, UnaryKind::tanh, sp);
  auto y = n.em.binary(n.loc, BinaryKind::mul, x, t);
  if (failed(y))
    return failure();
  n.setResult(0, *y);
  return success();
}

static LogicalResult importCelu(NodeImport &n) {
  if (failed(n.require(0, "X")) || failed(n.requireFloat(0)))
    return failure();
  float alpha = n.attrFloat("alpha", 1.0f);
  Value x = n.input(0);
  if (alpha == 1.0f) {
    n.setResult(0, n.em.unary(n.loc, UnaryKind::elu, x, {1.0f}));
    return success();
  }
  // celu(x) = alpha * elu(x / alpha, 1)
  Type elem = Emitter::elemOf(x);
  auto z =
      n.em.binary(n.loc, BinaryKind::div, x, n.em.splat(n.loc, alpha, elem));
  if (failed(z))
    return failure();
  Value e = n.em.unary(n.loc, UnaryKind::elu, *z, {1.0f});
  auto y =
      n.em.binary(n.loc, BinaryKind::mul, e, n.em.splat(n.loc, alpha, elem));
  if (failed(y))
    return failure();
  n.setResult(0, *y);
  return success();
}

static LogicalResult importGelu(NodeImport &n) {
  std::string approx = n.attrString("approximate", "none");
  if (approx != "none" && approx != "tanh")
    return n.unsupported("Gelu approximate='" + approx + "'");
  return importActivation(n, UnaryKind::gelu, {approx == "tanh" ? 1.0f : 0.0f});
}

//===----------------------------------------------------------------------===//
// Binary
//===----------------------------------------------------------------------===//

/// Before opset 7, `broadcast=1` with `axis` aligned B's dims at `axis` of A.
static Value legacyBroadcast(NodeImport &n, Value a, Value b) {
  if (n.opset >= 7 || n.attrInt("broadcast", 0) == 0 || !n.hasAttr("axis"))
    return b;
  auto as = Emitter::shapeOf(a), bs = Emitter::shapeOf(b);
  int64_t axis = n.attrInt("axis", 0);
  if (axis < 0)
    axis += as.size();
  if (axis < 0 || axis + bs.size() > as.size())
    return b;
  SmallVector<int64_t> shape(bs);
  shape.append(as.size() - axis - bs.size(), 1);
  return n.em.reshape(n.loc, b, shape);
}

static LogicalResult importBinary(NodeImport &n, BinaryKind kind) {
  if (failed(n.require(0, "A")) || failed(n.require(1, "B")))
    return failure();
  Value a = n.input(0), b = legacyBroadcast(n, n.input(0), n.input(1));
  auto r = n.em.binary(n.loc, kind, a, b);
  if (failed(r))
    return failure();
  n.setResult(0, *r);
  return success();
}

template <BinaryKind K> static LogicalResult importBinaryT(NodeImport &n) {
  return importBinary(n, K);
}

static LogicalResult importMod(NodeImport &n) {
  bool fmod = n.attrInt("fmod", 0) != 0;
  if (!fmod && llvm::isa<FloatType>(Emitter::elemOf(n.input(0))))
    return n.unsupported("Mod with fmod=0 on floating-point inputs");
  return importBinary(n, fmod ? BinaryKind::fmod : BinaryKind::mod);
}

/// BitShift: logical shifts of unsigned integers.
static LogicalResult importBitShift(NodeImport &n) {
  if (failed(n.require(0, "X")) || failed(n.require(1, "Y")))
    return failure();
  Type elem = Emitter::elemOf(n.input(0));
  if (!isa<IntegerType>(elem) || elem.isInteger(1) ||
      !n.em.isUnsigned(n.input(0)))
    return n.unsupported("BitShift on non-unsigned-integer inputs");
  std::string direction = n.attrString("direction", "");
  if (direction != "LEFT" && direction != "RIGHT")
    return n.error() << "BitShift direction must be LEFT or RIGHT, got '"
                     << direction << "'";
  return importBinary(n, direction == "LEFT" ? BinaryKind::shift_left
                                             : BinaryKind::shift_right);
}

/// IsNaN: x != x (only NaN compares unequal to itself).
static LogicalResult importIsNaN(NodeImport &n) {
  if (failed(n.require(0, "X")) || failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0);
  auto eq = n.em.binary(n.loc, BinaryKind::equal, x, x);
  if (failed(eq))
    return failure();
  n.setResult(0, n.em.unary(n.loc, UnaryKind::logical_not, *eq));
  return success();
}

/// IsInf: x == +inf and/or x == -inf (detect_positive / detect_negative).
static LogicalResult importIsInf(NodeImport &n) {
  if (failed(n.require(0, "X")) || failed(n.requireFloat(0)))
    return failure();
  Emitter &em = n.em;
  Value x = n.input(0);
  Type elem = Emitter::elemOf(x);
  bool pos = n.attrInt("detect_positive", 1) != 0;
  bool neg = n.attrInt("detect_negative", 1) != 0;
  double inf = std::numeric_limits<double>::infinity();
  auto isPos =
      em.binary(n.loc, BinaryKind::equal, x, em.splat(n.loc, inf, elem));
  auto isNeg =
      em.binary(n.loc, BinaryKind::equal, x, em.splat(n.loc, -inf, elem));
  if (failed(isPos) || failed(isNeg))
    return failure();
  if (pos && neg) {
    auto r = em.binary(n.loc, BinaryKind::logical_or, *isPos, *isNeg);
    if (failed(r))
      return failure();
    n.setResult(0, *r);
  } else if (pos || neg) {
    n.setResult(0, pos ? *isPos : *isNeg);
  } else {
    // Neither sign detected: all false.
    auto r = em.binary(n.loc, BinaryKind::logical_and, *isPos, *isNeg);
    if (failed(r))
      return failure();
    n.setResult(0, *r);
  }
  return success();
}

static LogicalResult importPow(NodeImport &n) {
  if (failed(n.require(0, "X")) || failed(n.require(1, "Y")))
    return failure();
  Emitter &em = n.em;
  Value x = n.input(0), y = legacyBroadcast(n, n.input(0), n.input(1));
  Type elem = Emitter::elemOf(x);
  auto shape = broadcastShapes(Emitter::shapeOf(x), Emitter::shapeOf(y));
  if (failed(shape))
    return n.error() << "Pow operand shapes do not broadcast";
  bool sameShape = ArrayRef<int64_t>(*shape) == Emitter::shapeOf(x);
  auto e = em.getConstant(y);
  if (e && e->size() > 0 && sameShape && !em.isConstant(x)) {
    bool uniform = true;
    for (int64_t k = 1; k < e->size() && uniform; ++k)
      uniform = e->getD(k) == e->getD(0);
    double v = e->getD(0);
    if (uniform && v == 1.0) {
      n.setResult(0, x);
      return success();
    }
    if (uniform && v == 2.0) {
      auto r = em.binary(n.loc, BinaryKind::mul, x, x);
      if (failed(r))
        return failure();
      n.setResult(0, *r);
      return success();
    }
    if (uniform && v == 0.5 && llvm::isa<FloatType>(elem)) {
      n.setResult(0, em.unary(n.loc, UnaryKind::sqrt, x));
      return success();
    }
  }
  if (Emitter::elemOf(y) != elem)
    y = em.cast(n.loc, y, elem);
  auto r = em.binary(n.loc, BinaryKind::pow, x, y);
  if (failed(r))
    return failure();
  n.setResult(0, *r);
  return success();
}

/// Max, Min, Sum and Mean over one or more broadcasting inputs.
static LogicalResult importVariadic(NodeImport &n, BinaryKind kind, bool mean) {
  SmallVector<Value> ins;
  for (unsigned i = 0; i < n.numInputs(); ++i)
    if (n.hasInput(i))
      ins.push_back(n.input(i));
  if (ins.empty())
    return n.error() << n.opType() << " needs at least one input";
  Value acc = ins[0];
  for (size_t i = 1; i < ins.size(); ++i) {
    auto r = n.em.binary(n.loc, kind, acc, ins[i]);
    if (failed(r))
      return failure();
    acc = *r;
  }
  if (mean && ins.size() > 1) {
    auto r = n.em.binary(
        n.loc, BinaryKind::div, acc,
        n.em.splat(n.loc, (double)ins.size(), Emitter::elemOf(acc)));
    if (failed(r))
      return failure();
    acc = *r;
  }
  n.setResult(0, acc);
  return success();
}

/// where(c, x, y) with operands computed at run time, built from ops qcc
/// has: x and y (broadcast to `shape` and flattened to N elements) are
/// concatenated into 2N, and one gather picks element i + N * (1 - c[i]).
/// The selection is exact for every value, infinities and NaN included.
static FailureOr<Value> selectElements(Emitter &em, Location loc, Value c,
                                       Value x, Value y,
                                       ArrayRef<int64_t> shape) {
  int64_t count = numElementsOf(shape);
  if (count > kHostEvalLimit)
    return emitError(loc) << "unsupported: Where of more than "
                          << kHostEvalLimit << " elements";
  auto cb = em.expand(loc, c, shape);
  auto xb = em.expand(loc, x, shape);
  auto yb = em.expand(loc, y, shape);
  if (failed(cb) || failed(xb) || failed(yb))
    return failure();
  Type i64 = em.builder.getI64Type();
  Value ci = em.cast(loc, em.reshape(loc, *cb, {count}), i64);
  // idx = (i + N) - N * c
  HostTensor base;
  base.elemType = i64;
  base.shape = {count};
  base.resize();
  for (int64_t i = 0; i < count; ++i)
    base.i[i] = i + count;
  auto off = em.binary(loc, BinaryKind::mul, ci, em.splat(loc, -count, i64));
  if (failed(off))
    return failure();
  auto idx =
      em.binary(loc, BinaryKind::add, em.createConstant(loc, base), *off);
  if (failed(idx))
    return failure();
  auto stacked = em.concat(
      loc, {em.reshape(loc, *xb, {count}), em.reshape(loc, *yb, {count})}, 0);
  if (failed(stacked))
    return failure();
  auto picked = em.gather(loc, *stacked, *idx, 0);
  if (failed(picked))
    return failure();
  return em.propagateSign(em.reshape(loc, *picked, shape), x);
}

/// ThresholdedRelu: where(x > alpha, x, 0).
static LogicalResult importThresholdedRelu(NodeImport &n) {
  if (failed(n.require(0, "X")) || failed(n.requireFloat(0)))
    return failure();
  Emitter &em = n.em;
  Value x = n.input(0);
  Type elem = Emitter::elemOf(x);
  auto c = em.binary(n.loc, BinaryKind::greater, x,
                     em.splat(n.loc, n.attrFloat("alpha", 1.0f), elem));
  if (failed(c))
    return failure();
  auto y = selectElements(em, n.loc, *c, x, em.splat(n.loc, 0.0, elem),
                          Emitter::shapeOf(x));
  if (failed(y))
    return failure();
  n.setResult(0, *y);
  return success();
}

/// Shrink: x < -lambd ? x + bias : (x > lambd ? x - bias : 0).
static LogicalResult importShrink(NodeImport &n) {
  if (failed(n.require(0, "input")))
    return failure();
  Emitter &em = n.em;
  Location loc = n.loc;
  Value x = n.input(0);
  Type elem = Emitter::elemOf(x);
  float lambd = n.attrFloat("lambd", 0.5f), bias = n.attrFloat("bias", 0.0f);
  auto shape = Emitter::shapeOf(x);
  auto lo = em.binary(loc, BinaryKind::less, x, em.splat(loc, -lambd, elem));
  auto hi = em.binary(loc, BinaryKind::greater, x, em.splat(loc, lambd, elem));
  auto plus = em.binary(loc, BinaryKind::add, x, em.splat(loc, bias, elem));
  auto minus = em.binary(loc, BinaryKind::sub, x, em.splat(loc, bias, elem));
  if (failed(lo) || failed(hi) || failed(plus) || failed(minus))
    return failure();
  auto inner =
      selectElements(em, loc, *hi, *minus, em.splat(loc, 0.0, elem), shape);
  if (failed(inner))
    return failure();
  auto y = selectElements(em, loc, *lo, *plus, *inner, shape);
  if (failed(y))
    return failure();
  n.setResult(0, *y);
  return success();
}

static LogicalResult importWhere(NodeImport &n) {
  for (unsigned i = 0; i < 3; ++i)
    if (failed(n.require(i, "condition, X and Y")))
      return failure();
  Emitter &em = n.em;
  Value c = n.input(0), x = n.input(1), y = n.input(2);
  if (Emitter::elemOf(x) != Emitter::elemOf(y))
    return n.error() << "Where X and Y have different element types";
  if (!Emitter::elemOf(c).isInteger(1))
    return n.error() << "Where condition must be bool";
  auto s1 = broadcastShapes(Emitter::shapeOf(c), Emitter::shapeOf(x));
  if (failed(s1))
    return n.error() << "Where operand shapes do not broadcast";
  auto shape = broadcastShapes(*s1, Emitter::shapeOf(y));
  if (failed(shape))
    return n.error() << "Where operand shapes do not broadcast";
  auto ct = em.getConstant(c);
  if (ct) {
    bool allTrue = true, allFalse = true;
    for (int64_t k = 0; k < ct->size(); ++k)
      (ct->getI(k) ? allFalse : allTrue) = false;
    if (allTrue || allFalse) {
      auto r = em.expand(n.loc, allTrue ? x : y, *shape);
      if (failed(r))
        return failure();
      n.setResult(0, *r);
      return success();
    }
    auto xt = em.getConstant(x), yt = em.getConstant(y);
    if (xt && yt && numElementsOf(*shape) <= kHostEvalLimit) {
      HostTensor cb = evalBroadcastTo(*ct, *shape);
      HostTensor xb = evalBroadcastTo(*xt, *shape);
      HostTensor yb = evalBroadcastTo(*yt, *shape);
      for (int64_t k = 0; k < xb.size(); ++k) {
        if (cb.getI(k))
          continue;
        if (xb.isFloat())
          xb.f[k] = yb.f[k];
        else
          xb.i[k] = yb.i[k];
      }
      n.setResult(0, em.createConstant(n.loc, xb, n.outputName(0)));
      return success();
    }
  }
  auto r = selectElements(em, n.loc, c, x, y, *shape);
  if (failed(r))
    return failure();
  n.setResult(0, *r);
  return success();
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

static LogicalResult importReduce(NodeImport &n, ReduceKind kind) {
  if (failed(n.require(0, "data")))
    return failure();
  Value x = n.input(0);
  int64_t rank = Emitter::shapeOf(x).size();
  bool axesAsInput =
      n.opset >= 18 || (n.opType() == "ReduceSum" && n.opset >= 13);
  std::optional<SmallVector<int64_t>> axes;
  if (axesAsInput) {
    if (n.hasInput(1)) {
      auto v = n.constInts(1, "axes");
      if (failed(v))
        return failure();
      axes = *v;
    }
  } else {
    axes = n.attrInts("axes");
  }
  bool keepdims = n.attrInt("keepdims", 1) != 0;
  bool noop = n.attrInt("noop_with_empty_axes", 0) != 0;
  SmallVector<int64_t> normalized;
  if (!axes || axes->empty()) {
    if (noop) {
      n.setResult(0, x);
      return success();
    }
    for (int64_t d = 0; d < rank; ++d)
      normalized.push_back(d);
  } else {
    auto r = n.normalizeAxes(*axes, rank);
    if (failed(r))
      return failure();
    normalized = *r;
  }
  if (normalized.empty()) {
    // Reducing a scalar over no axes still applies the element function.
    if (kind == ReduceKind::l1)
      n.setResult(0, n.em.unary(n.loc, UnaryKind::abs, x));
    else if (kind == ReduceKind::sum_square) {
      auto r = n.em.binary(n.loc, BinaryKind::mul, x, x);
      if (failed(r))
        return failure();
      n.setResult(0, *r);
    } else if (kind == ReduceKind::l2)
      n.setResult(0, n.em.unary(n.loc, UnaryKind::abs, x));
    else if (kind == ReduceKind::log_sum)
      n.setResult(0, n.em.unary(n.loc, UnaryKind::log, x));
    else
      n.setResult(0, x);
    return success();
  }
  n.setResult(0, n.em.reduce(n.loc, kind, x, normalized, keepdims));
  return success();
}

template <ReduceKind K> static LogicalResult importReduceT(NodeImport &n) {
  return importReduce(n, K);
}

static LogicalResult importLpNorm(NodeImport &n) {
  if (failed(n.require(0, "input")) || failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0);
  int64_t rank = Emitter::shapeOf(x).size();
  auto axis = n.normalizeAxis(n.attrInt("axis", -1), rank);
  if (failed(axis))
    return failure();
  int64_t p = n.attrInt("p", 2);
  if (p != 1 && p != 2)
    return n.unsupported("LpNormalization with p=" + Twine(p));
  Value norm = n.em.reduce(n.loc, p == 1 ? ReduceKind::l1 : ReduceKind::l2, x,
                           {*axis}, true);
  auto y = n.em.binary(n.loc, BinaryKind::div, x, norm);
  if (failed(y))
    return failure();
  n.setResult(0, *y);
  return success();
}

//===----------------------------------------------------------------------===//
// Softmax
//===----------------------------------------------------------------------===//

static LogicalResult importSoftmax(NodeImport &n, bool log) {
  if (failed(n.require(0, "input")) || failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0);
  SmallVector<int64_t> shape(Emitter::shapeOf(x));
  int64_t rank = shape.size();
  if (rank == 0)
    return n.error() << n.opType() << " expects an input of rank >= 1";
  int64_t def = n.opset < 13 ? 1 : -1;
  auto axis = n.normalizeAxis(n.attrInt("axis", def), rank);
  if (failed(axis))
    return failure();
  if (n.opset >= 13 || *axis == rank - 1) {
    n.setResult(0, n.em.softmax(n.loc, x, *axis, log));
    return success();
  }
  // Before opset 13 the input is coerced to [prod(:axis), prod(axis:)] and
  // normalized over the second dimension.
  ArrayRef<int64_t> s(shape);
  int64_t outer = numElementsOf(s.take_front(*axis));
  int64_t inner = numElementsOf(s.drop_front(*axis));
  Value flat = n.em.reshape(n.loc, x, {outer, inner});
  Value y = n.em.softmax(n.loc, flat, 1, log);
  n.setResult(0, n.em.reshape(n.loc, y, shape));
  return success();
}

void qcc::onnx_import::registerMathOps(OpTable &table) {
  table["Identity"] = importIdentity;
  table["Dropout"] = importDropout;
  table["Relu"] = importUnary<UnaryKind::relu>;
  table["Sigmoid"] = importUnary<UnaryKind::sigmoid>;
  table["Tanh"] = importUnary<UnaryKind::tanh>;
  table["Sqrt"] = importUnary<UnaryKind::sqrt>;
  table["Exp"] = importUnary<UnaryKind::exp>;
  table["Log"] = importUnary<UnaryKind::log>;
  table["Neg"] = importUnary<UnaryKind::neg>;
  table["Abs"] = importUnary<UnaryKind::abs>;
  table["Reciprocal"] = importUnary<UnaryKind::reciprocal>;
  table["Erf"] = importUnary<UnaryKind::erf>;
  table["Floor"] = importUnary<UnaryKind::floor>;
  table["Ceil"] = importUnary<UnaryKind::ceil>;
  table["Round"] = importUnary<UnaryKind::round>;
  table["Sign"] = importUnary<UnaryKind::sign>;
  table["Not"] = importUnary<UnaryKind::logical_not>;
  table["Softplus"] = importUnary<UnaryKind::softplus>;
  // Trigonometric and hyperbolic functions (float only).
  table["Sin"] = importFloatUnary<UnaryKind::sin>;
  table["Cos"] = importFloatUnary<UnaryKind::cos>;
  table["Tan"] = importFloatUnary<UnaryKind::tan>;
  table["Asin"] = importFloatUnary<UnaryKind::asin>;
  table["Acos"] = importFloatUnary<UnaryKind::acos>;
  table["Atan"] = importFloatUnary<UnaryKind::atan>;
  table["Sinh"] = importFloatUnary<UnaryKind::sinh>;
  table["Cosh"] = importFloatUnary<UnaryKind::cosh>;
  table["Asinh"] = importFloatUnary<UnaryKind::asinh>;
  table["Acosh"] = importFloatUnary<UnaryKind::acosh>;
  table["Atanh"] = importFloatUnary<UnaryKind::atanh>;
  table["IsNaN"] = importIsNaN;
  table["IsInf"] = importIsInf;
  table["BitShift"] = importBitShift;
  table["Softsign"] = importUnary<UnaryKind::softsign>;
  table["HardSwish"] = importUnary<UnaryKind::hard_swish>;
  table["LeakyRelu"] = [](NodeImport &n) {
    return importActivation(n, UnaryKind::leaky_relu,
                            {n.attrFloat("alpha", 0.01f)});
  };
  table["Elu"] = [](NodeImport &n) {
    return importActivation(n, UnaryKind::elu, {n.attrFloat("alpha", 1.0f)});
  };
  table["Selu"] = [](NodeImport &n) {
    return importActivation(n, UnaryKind::selu,
                            {n.attrFloat("alpha", 1.67326319217681884765625f),
                             n.attrFloat("gamma", 1.05070102214813232421875f)});
  };
  table["HardSigmoid"] = [](NodeImport &n) {
    return importActivation(
        n, UnaryKind::hard_sigmoid,
        {n.attrFloat("alpha", 0.2f), n.attrFloat("beta", 0.5f)});
  };
  table["Gelu"] = importGelu;
  table["Mish"] = importMish;
  table["Celu"] = importCelu;
  table["Clip"] = importClip;
  table["PRelu"] = importPRelu;

  table["Add"] = importBinaryT<BinaryKind::add>;
  table["Sub"] = importBinaryT<BinaryKind::sub>;
  table["Mul"] = importBinaryT<BinaryKind::mul>;
  table["Div"] = importBinaryT<BinaryKind::div>;
  table["Equal"] = importBinaryT<BinaryKind::equal>;
  table["Less"] = importBinaryT<BinaryKind::less>;
  table["LessOrEqual"] = importBinaryT<BinaryKind::less_equal>;
  table["Greater"] = importBinaryT<BinaryKind::greater>;
  table["GreaterOrEqual"] = importBinaryT<BinaryKind::greater_equal>;
  table["And"] = importBinaryT<BinaryKind::logical_and>;
  table["Or"] = importBinaryT<BinaryKind::logical_or>;
  table["Xor"] = importBinaryT<BinaryKind::logical_xor>;
  table["Mod"] = importMod;
  table["Pow"] = importPow;
  table["Max"] = [](NodeImport &n) {
    return importVariadic(n, BinaryKind::max, false);
  };
  table["Min"] = [](NodeImport &n) {
    return importVariadic(n, BinaryKind::min, false);
  };
  table["Sum"] = [](NodeImport &n) {
    return importVariadic(n, BinaryKind::add, false);
  };
  table["Mean"] = [](NodeImport &n) {
    return importVariadic(n, BinaryKind::add, true);
  };
  table["Where"] = importWhere;
  table["ThresholdedRelu"] = importThresholdedRelu;
  table["Shrink"] = importShrink;

  table["ReduceSum"] = importReduceT<ReduceKind::sum>;
  table["ReduceMean"] = importReduceT<ReduceKind::mean>;
  table["ReduceMax"] = importReduceT<ReduceKind::max>;
  table["ReduceMin"] = importReduceT<ReduceKind::min>;
  table["ReduceProd"] = importReduceT<ReduceKind::prod>;
  table["ReduceL1"] = importReduceT<ReduceKind::l1>;
  table["ReduceL2"] = importReduceT<ReduceKind::l2>;
  table["ReduceSumSquare"] = importReduceT<ReduceKind::sum_square>;
  table["ReduceLogSum"] = importReduceT<ReduceKind::log_sum>;
  table["ReduceLogSumExp"] = importReduceT<ReduceKind::log_sum_exp>;
  table["LpNormalization"] = importLpNorm;

  table["Softmax"] = [](NodeImport &n) { return importSoftmax(n, false); };
  table["LogSoftmax"] = [](NodeImport &n) { return importSoftmax(n, true); };
}
