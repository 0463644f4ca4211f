//===- ImportQuant.cpp - ONNX QuantizeLinear / DequantizeLinear -----------===//
//
// This file implements the import of ONNX's QDQ operators. QuantizeLinear of
// a float tensor with constant parameters becomes qcc.quantize to a
// `!quant.uniform` type (per-tensor, or per-axis for a 1-D scale), and
// DequantizeLinear of such a value becomes qcc.dequantize, so fake-quantized
// (QDQ) models keep their quantization parameters as types. DequantizeLinear
// of integers (graph inputs, QLinear* results, and int8/uint8 weights or
// int32 biases stored as initializers) reinterprets them with a qcc.reshape
// to the quantized type first: qcc-fuse-qdq turns `dequantize(reshape(int8
// constant))` weights into integer layers and folds the rest to float
// constants. 16-bit constants fold to float constants here. QuantizeLinear
// with a scale or zero point computed at run time (DynamicQuantizeLinear's
// function body) computes ONNX's formula in float to plain 8-bit integers.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"

using namespace mlir;
using namespace qcc;
using namespace qcc::onnx_import;

namespace {
/// Scale and zero point of a QDQ node, per tensor or along `axis`.
struct QuantParams {
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  int64_t axis = -1; // -1: per tensor
  Type storage;
  bool isUnsigned = true;
};
} // namespace

/// Reads the constant scale (input 1) and zero point (input 2) of a QDQ node
/// applied to a tensor of `rank`.
static FailureOr<QuantParams> readParams(NodeImport &n, int64_t rank,
                                         Type storageIfNoZeroPoint,
                                         bool unsignedIfNoZeroPoint) {
  QuantParams p;
  auto scales = n.constDoubles(1, "scale");
  if (failed(scales))
    return failure();
  p.scales = *scales;
  p.storage = storageIfNoZeroPoint;
  p.isUnsigned = unsignedIfNoZeroPoint;
  if (n.hasInput(2)) {
    auto zps = n.constInts(2, "zero_point");
    if (failed(zps))
      return failure();
    p.zeroPoints = *zps;
    p.storage = Emitter::elemOf(n.input(2));
    p.isUnsigned = n.em.isUnsigned(n.input(2));
  } else {
    p.zeroPoints.assign(p.scales.size(), 0);
  }
  if (!p.storage.isInteger(8) && !p.storage.isInteger(16) &&
      !p.storage.isInteger(32)) {
    (void)n.unsupported(n.opType() + " with a non-integer quantized type");
    return failure();
  }
  if (p.zeroPoints.size() != p.scales.size()) {
    n.error() << n.opType() << " scale and zero_point differ in size";
    return failure();
  }
  if (Emitter::shapeOf(n.input(1)).size() == 1 && p.scales.size() > 1) {
    auto axis = n.normalizeAxis(n.attrInt("axis", 1), rank);
    if (failed(axis))
      return failure();
    p.axis = *axis;
  } else if (p.scales.size() != 1) {
    (void)n.unsupported(n.opType() + " with a scale of rank > 1");
    return failure();
  }
  for (double s : p.scales) {
    if (!(s > 0)) {
      n.error() << n.opType() << " scale " << s << " is not positive";
      return failure();
    }
  }
  return p;
}

/// The `!quant.uniform` element type for `params`, expressing `expressed`.
static Type quantType(const QuantParams &p, Type expressed) {
  unsigned bits = p.storage.getIntOrFloatBitWidth();
  int64_t lo = p.isUnsigned ? 0 : -(int64_t(1) << (bits - 1));
  int64_t hi = p.isUnsigned ? (int64_t(1) << bits) - 1
                            : (int64_t(1) << (bits - 1)) - 1;
  unsigned flags = p.isUnsigned ? 0 : quant::QuantizationFlags::Signed;
  if (p.axis < 0)
    return quant::UniformQuantizedType::get(flags, p.storage, expressed,
                                            p.scales[0], p.zeroPoints[0], lo,
                                            hi);
  return quant::UniformQuantizedPerAxisType::get(
      flags, p.storage, expressed, p.scales, p.zeroPoints, (int32_t)p.axis, lo,
      hi);
}

/// QuantizeLinear whose scale or zero point is computed at run time (e.g. by
/// DynamicQuantizeLinear): ONNX's formula in float, `saturate(round_half_even(
/// x / y_scale) + y_zero_point)`, producing plain 8-bit integers (no
/// `!quant.uniform` type, whose parameters would have to be constants).
static LogicalResult importRuntimeQuantizeLinear(NodeImport &n) {
  Emitter &em = n.em;
  Location loc = n.loc;
  Value x = n.input(0), scale = n.input(1), zp = n.input(2);
  auto inTy = Emitter::typeOf(x);
  Type f = inTy.getElementType();
  if (Emitter::elemOf(scale) != f)
    return n.unsupported("QuantizeLinear with a run-time scale of another "
                         "type than x");
  Type storage = zp ? Emitter::elemOf(zp) : n.b().getI8Type();
  bool isUnsigned = zp ? em.isUnsigned(zp) : true;
  if (!storage.isInteger(8))
    return n.unsupported("QuantizeLinear with a run-time scale to a "
                         "non-8-bit type");
  if (n.hasAttr("saturate") && n.attrInt("saturate", 1) == 0)
    return n.unsupported("QuantizeLinear with saturate=0");
  // Per-axis parameters (1-D, more than one element) broadcast along `axis`.
  auto paramShape = Emitter::shapeOf(scale);
  if (zp && Emitter::shapeOf(zp) != paramShape)
    return n.error() << "QuantizeLinear scale and zero_point differ in shape";
  if (paramShape.size() > 1)
    return n.unsupported("QuantizeLinear with a scale of rank > 1");
  auto broadcast = [&](Value v) -> FailureOr<Value> {
    if (paramShape.size() != 1 || paramShape[0] == 1)
      return em.reshape(loc, v, {});
    auto axis = n.normalizeAxis(n.attrInt("axis", 1), inTy.getRank());
    if (failed(axis))
      return failure();
    SmallVector<int64_t> shape(inTy.getRank(), 1);
    shape[*axis] = paramShape[0];
    if (inTy.getDimSize(*axis) != paramShape[0])
      return n.error() << "QuantizeLinear has " << paramShape[0]
                       << " scales for a dimension of size "
                       << inTy.getDimSize(*axis);
    return em.reshape(loc, v, shape);
  };
  auto s = broadcast(scale);
  if (failed(s))
    return failure();
  auto y = em.binary(loc, BinaryKind::div, x, *s);
  if (failed(y))
    return failure();
  Value r = em.unary(loc, UnaryKind::round, *y);
  if (zp) {
    auto z = broadcast(zp);
    if (failed(z))
      return failure();
    auto shifted = em.binary(loc, BinaryKind::add, r, em.cast(loc, *z, f));
    if (failed(shifted))
      return failure();
    r = *shifted;
  }
  float lo = isUnsigned ? 0.f : -128.f, hi = isUnsigned ? 255.f : 127.f;
  r = em.unary(loc, UnaryKind::clip, r, {lo, hi});
  n.setResult(0, em.cast(loc, r, n.b().getI8Type(), isUnsigned));
  return success();
}

static LogicalResult importQuantizeLinear(NodeImport &n) {
  if (failed(n.require(0, "x")) || failed(n.require(1, "y_scale")) ||
      failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0);
  auto inTy = Emitter::typeOf(x);
  if (!n.em.isConstant(n.input(1)) ||
      (n.hasInput(2) && !n.em.isConstant(n.input(2))))
    return importRuntimeQuantizeLinear(n);
  auto p = readParams(n, inTy.getRank(), n.b().getI8Type(),
                      /*unsignedIfNoZeroPoint=*/true);
  if (failed(p))
    return failure();
  if (n.hasAttr("saturate") && n.attrInt("saturate", 1) == 0)
    return n.unsupported("QuantizeLinear with saturate=0");
  auto outTy = RankedTensorType::get(inTy.getShape(),
                                     quantType(*p, inTy.getElementType()));
  n.setResult(0, QuantizeOp::create(n.b(), n.loc, outTy, x));
  return success();
}

static LogicalResult importDequantizeLinear(NodeImport &n) {
  if (failed(n.require(0, "x")) || failed(n.require(1, "x_scale")))
    return failure();
  Emitter &em = n.em;
  Location loc = n.loc;
  Value x = n.input(0);
  auto inTy = Emitter::typeOf(x);
  Type scaleType = Emitter::elemOf(n.input(1));
  if (!llvm::isa<FloatType>(scaleType))
    return n.unsupported("DequantizeLinear with a non-float scale");
  if (auto q = llvm::dyn_cast<quant::QuantizedType>(inTy.getElementType())) {
    auto outTy = RankedTensorType::get(inTy.getShape(), q.getExpressedType());
    Value y = DequantizeOp::create(n.b(), loc, outTy, x);
    if (q.getExpressedType() != scaleType)
      y = em.cast(loc, y, scaleType);
    n.setResult(0, y);
    return success();
  }
  auto p = readParams(n, inTy.getRank(), inTy.getElementType(),
                      em.isUnsigned(x));
  if (failed(p))
    return failure();
  bool storedWeights =
      em.isConstant(x) && (inTy.getElementType().isInteger(8) ||
                           inTy.getElementType().isInteger(32));
  if (em.isConstant(x) && !storedWeights) {
    // Other constants (16-bit): (x - zero_point) * scale, folded now.
    SmallVector<int64_t> paramShape;
    if (p->axis >= 0) {
      paramShape.assign(inTy.getRank(), 1);
      paramShape[p->axis] = p->scales.size();
    }
    HostTensor zp, scale;
    zp.elemType = scale.elemType = scaleType;
    zp.shape = scale.shape = paramShape;
    zp.resize();
    scale.resize();
    for (size_t k = 0; k < p->scales.size(); ++k) {
      zp.set(k, (double)p->zeroPoints[k]);
      scale.set(k, p->scales[k]);
    }
    Value xf = em.cast(loc, x, scaleType);
    auto d = em.binary(loc, BinaryKind::sub, xf, em.createConstant(loc, zp));
    if (failed(d))
      return failure();
    auto y = em.binary(loc, BinaryKind::mul, *d,
                       em.createConstant(loc, scale, n.outputName(0)));
    if (failed(y))
      return failure();
    n.setResult(0, *y);
    return success();
  }
  // Integers computed at run time (a graph input, a QLinear result), and
  // 8-bit weights / 32-bit biases stored quantized: the stored values are
  // reinterpreted with the node's quantization type, so that qcc-fuse-qdq
  // finds the integer weights of a QDQ layer (it folds the dequantization
  // of constants that feed no integer layer into float constants).
  if (p->storage != inTy.getElementType())
    return n.error() << "DequantizeLinear x_zero_point type differs from x";
  auto qTy = RankedTensorType::get(inTy.getShape(), quantType(*p, scaleType));
  Value q = ReshapeOp::create(n.b(), loc, qTy, x);
  n.setResult(0, DequantizeOp::create(n.b(), loc, inTy.clone(scaleType), q));
  return success();
}

void qcc::onnx_import::registerQuantOps(OpTable &table) {
  table["QuantizeLinear"] = importQuantizeLinear;
  table["DequantizeLinear"] = importDequantizeLinear;
}
