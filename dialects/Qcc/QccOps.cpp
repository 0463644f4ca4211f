//===- QccOps.cpp - qcc dialect operations --------------------------------===//
//
// This file implements the verifiers of the qcc operations. Shapes are static
// after import, so every verifier recomputes the result shape it expects and
// names the mismatch; the location points at the ONNX node.
//
//===----------------------------------------------------------------------===//

#include "Qcc/QccOps.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace qcc;

namespace qcc {

FailureOr<SmallVector<int64_t>> broadcastShapes(ArrayRef<int64_t> a,
                                                ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      return failure();
    out[i] = da == 1 ? db : da;
  }
  return out;
}

int64_t windowOutputSize(int64_t in, int64_t kernel, int64_t stride,
                         int64_t dilation, int64_t padBegin, int64_t padEnd,
                         bool ceilMode) {
  int64_t span = dilation * (kernel - 1) + 1;
  int64_t avail = in + padBegin + padEnd - span;
  if (avail < 0)
    return 0;
  int64_t out = ceilMode ? (avail + stride - 1) / stride + 1 : avail / stride + 1;
  // With ceil mode, a window must start inside the input or left padding.
  if (ceilMode && (out - 1) * stride >= in + padBegin)
    --out;
  return out;
}

} // namespace qcc

/// Element type with quantization stripped to its expressed/storage meaning
/// for type comparisons between operands.

static LogicalResult verifyActivation(Operation *op,
                                      std::optional<UnaryKind> kind,
                                      std::optional<ArrayRef<float>> params) {
  if (!kind) {
    if (params)
      return op->emitOpError("has act_params without an activation");
    return success();
  }
  size_t want = 0;
  switch (*kind) {
  case UnaryKind::clip:
  case UnaryKind::hard_sigmoid:
  case UnaryKind::selu:
    want = 2;
    break;
  case UnaryKind::leaky_relu:
  case UnaryKind::elu:
    want = 1;
    break;
  default:
    break;
  }
  size_t have = params ? params->size() : 0;
  if (have != want && !(*kind == UnaryKind::gelu && have <= 1))
    return op->emitOpError("activation '")
           << stringifyUnaryKind(*kind) << "' expects " << want
           << " parameter(s), got " << have;
  return success();
}

//===----------------------------------------------------------------------===//
// Conv2DOp
//===----------------------------------------------------------------------===//

LogicalResult Conv2DOp::verify() {
  auto inTy = getInput().getType();
  auto wTy = getWeight().getType();
  auto outTy = getResult().getType();
  if (inTy.getRank() != 4 || wTy.getRank() != 4 || outTy.getRank() != 4)
    return emitOpError("expects rank-4 input, weight and result");
  if (getStrides().size() != 2 || getDilations().size() != 2 ||
      getPads().size() != 4)
    return emitOpError("expects 2 strides, 2 dilations and 4 pads");
  for (int64_t v : getStrides())
    if (v <= 0)
      return emitOpError("strides must be positive");
  for (int64_t v : getDilations())
    if (v <= 0)
      return emitOpError("dilations must be positive");
  for (int64_t v : getPads())
    if (v < 0)
      return emitOpError("pads must be non-negative");
  int64_t group = getGroup();
  if (group <= 0)
    return emitOpError("group must be positive");
  if (!inTy.hasStaticShape() || !wTy.hasStaticShape() ||
      !outTy.hasStaticShape())
    return emitOpError("expects static shapes");
  int64_t c = inTy.getDimSize(1), o = wTy.getDimSize(0);
  if (c % group != 0 || o % group != 0)
    return emitOpError("group ") << group << " does not divide channels (in "
                                 << c << ", out " << o << ")";
  if (wTy.getDimSize(1) * group != c)
    return emitOpError("weight has ")
           << wTy.getDimSize(1) << " input channels per group, expected "
           << c / group;
  if (auto bias = getBias()) {
    auto bTy = llvm::cast<RankedTensorType>(bias.getType());
    if (bTy.getRank() != 1 || bTy.getDimSize(0) != o)
      return emitOpError("bias must have shape [") << o << "]";
  }
  auto s = getStrides(), d = getDilations(), p = getPads();
  int64_t oh = windowOutputSize(inTy.getDimSize(2), wTy.getDimSize(2), s[0],
                                d[0], p[0], p[2]);
  int64_t ow = windowOutputSize(inTy.getDimSize(3), wTy.getDimSize(3), s[1],
                                d[1], p[1], p[3]);
  SmallVector<int64_t> expect = {inTy.getDimSize(0), o, oh, ow};
  if (outTy.getShape() != ArrayRef<int64_t>(expect))
    return emitOpError("result shape does not match the convolution; expected [")
           << expect << "]";
  return verifyActivation(*this, getActivation(), getActParams());
}

//===----------------------------------------------------------------------===//
// MatMulOp
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::verify() {
  auto lTy = getLhs().getType();
  auto rTy = getRhs().getType();
  auto outTy = getResult().getType();
  if (lTy.getRank() < 2 || rTy.getRank() < 2)
    return emitOpError("expects operands of rank >= 2");
  if (!lTy.hasStaticShape() || !rTy.hasStaticShape())
    return emitOpError("expects static shapes");
  int64_t k1 = lTy.getShape().back();
  int64_t k2 = rTy.getShape()[rTy.getRank() - 2];
  if (k1 != k2)
    return emitOpError("contracting dimensions differ: ") << k1 << " vs " << k2;
  auto batch = broadcastShapes(lTy.getShape().drop_back(2),
                               rTy.getShape().drop_back(2));
  if (failed(batch))
    return emitOpError("batch dimensions do not broadcast");
  SmallVector<int64_t> expect(*batch);
  expect.push_back(lTy.getShape()[lTy.getRank() - 2]);
  expect.push_back(rTy.getShape().back());
  if (outTy.getShape() != ArrayRef<int64_t>(expect))
    return emitOpError("result shape does not match; expected [")
           << expect << "]";
  if (auto bias = getBias()) {
    auto bTy = llvm::cast<RankedTensorType>(bias.getType());
    auto b = broadcastShapes(expect, bTy.getShape());
    if (failed(b) || ArrayRef<int64_t>(*b) != ArrayRef<int64_t>(expect))
      return emitOpError("bias does not broadcast to the result");
  }
  return verifyActivation(*this, getActivation(), getActParams());
}

//===----------------------------------------------------------------------===//
// UnaryOp / BinaryOp
//===----------------------------------------------------------------------===//

LogicalResult UnaryOp::verify() {
  if (failed(verifyActivation(*this, getKind(), getParams())))
    return failure();
  Type inE = getInput().getType().getElementType();
  Type outE = getResult().getType().getElementType();
  if (inE != outE)
    return emitOpError("result element type must equal the input's");
  return success();
}

static bool isPredicateKind(BinaryKind k) {
  switch (k) {
  case BinaryKind::equal:
  case BinaryKind::less:
  case BinaryKind::less_equal:
  case BinaryKind::greater:
  case BinaryKind::greater_equal:
    return true;
  default:
    return false;
  }
}

LogicalResult BinaryOp::verify() {
  auto lTy = getLhs().getType();
  auto rTy = getRhs().getType();
  auto outTy = getResult().getType();
  auto shape = broadcastShapes(lTy.getShape(), rTy.getShape());
  if (failed(shape))
    return emitOpError("operand shapes do not broadcast");
  if (outTy.getShape() != ArrayRef<int64_t>(*shape))
    return emitOpError("result shape must be the broadcast shape [")
           << *shape << "]";
  if (lTy.getElementType() != rTy.getElementType())
    return emitOpError("operand element types differ");
  Type outE = outTy.getElementType();
  if (isPredicateKind(getKind())) {
    if (!outE.isInteger(1))
      return emitOpError("comparison result must have i1 elements");
  } else if (outE != lTy.getElementType()) {
    return emitOpError("result element type must equal the operands'");
  }
  return success();
}

//===----------------------------------------------------------------------===//
// BatchNormOp
//===----------------------------------------------------------------------===//

LogicalResult BatchNormOp::verify() {
  auto inTy = getInput().getType();
  if (inTy.getRank() < 2)
    return emitOpError("expects input of rank >= 2");
  int64_t c = inTy.getDimSize(1);
  for (Value v : {getScale(), getBias(), getMean(), getVariance()}) {
    auto t = llvm::cast<RankedTensorType>(v.getType());
    if (t.getRank() != 1 || t.getDimSize(0) != c)
      return emitOpError("scale, bias, mean and variance must have shape [")
             << c << "]";
  }
  if (getResult().getType() != inTy)
    return emitOpError("result type must equal the input type");
  return success();
}

//===----------------------------------------------------------------------===//
// Pool2DOp
//===----------------------------------------------------------------------===//

LogicalResult Pool2DOp::verify() {
  auto inTy = getInput().getType();
  auto outTy = getResult().getType();
  if (inTy.getRank() != 4 || outTy.getRank() != 4)
    return emitOpError("expects rank-4 input and result");
  if (getKernel().size() != 2 || getStrides().size() != 2 ||
      getDilations().size() != 2 || getPads().size() != 4)
    return emitOpError("expects 2 kernel sizes, strides, dilations and 4 pads");
  auto k = getKernel(), s = getStrides(), d = getDilations(), p = getPads();
  for (int i = 0; i < 2; ++i)
    if (k[i] <= 0 || s[i] <= 0 || d[i] <= 0)
      return emitOpError("kernel, strides and dilations must be positive");
  for (int64_t v : p)
    if (v < 0)
      return emitOpError("pads must be non-negative");
  int64_t oh = windowOutputSize(inTy.getDimSize(2), k[0], s[0], d[0], p[0],
                                p[2], getCeilMode());
  int64_t ow = windowOutputSize(inTy.getDimSize(3), k[1], s[1], d[1], p[1],
                                p[3], getCeilMode());
  SmallVector<int64_t> expect = {inTy.getDimSize(0), inTy.getDimSize(1), oh,
                                 ow};
  if (outTy.getShape() != ArrayRef<int64_t>(expect))
    return emitOpError("result shape does not match the pooling; expected [")
           << expect << "]";
  return success();
}

//===----------------------------------------------------------------------===//
// ReduceOp / SoftmaxOp
//===----------------------------------------------------------------------===//

LogicalResult ReduceOp::verify() {
  auto inTy = getInput().getType();
  int64_t rank = inTy.getRank();
  int64_t prev = -1;
  for (int64_t a : getAxes()) {
    if (a < 0 || a >= rank)
      return emitOpError("axis ") << a << " out of range for rank " << rank;
    if (a <= prev)
      return emitOpError("axes must be sorted and unique");
    prev = a;
  }
  SmallVector<int64_t> expect;
  for (int64_t i = 0; i < rank; ++i) {
    bool reduced = llvm::is_contained(getAxes(), i);
    if (!reduced)
      expect.push_back(inTy.getDimSize(i));
    else if (getKeepdims())
      expect.push_back(1);
  }
  if (getResult().getType().getShape() != ArrayRef<int64_t>(expect))
    return emitOpError("result shape does not match the reduction; expected [")
           << expect << "]";
  return success();
}

LogicalResult SoftmaxOp::verify() {
  int64_t rank = getInput().getType().getRank();
  if ((int64_t)getAxis() < 0 || (int64_t)getAxis() >= rank)
    return emitOpError("axis ") << getAxis() << " out of range for rank "
                                << rank;
  return success();
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

/// Whether `from` is an integer type and `to` a quantized type storing it
/// (a reshape may reinterpret stored integers as quantized values).
static bool isStorageRetype(Type from, Type to) {
  auto q = llvm::dyn_cast<quant::QuantizedType>(to);
  auto it = llvm::dyn_cast<IntegerType>(from);
  return q && it && it.getWidth() == q.getStorageTypeIntegralWidth();
}

LogicalResult ReshapeOp::verify() {
  auto inTy = getInput().getType();
  auto outTy = getResult().getType();
  if (!inTy.hasStaticShape())
    return emitOpError("expects a static input shape");
  if (inTy.getNumElements() != outTy.getNumElements())
    return emitOpError("element count changes from ")
           << inTy.getNumElements() << " to " << outTy.getNumElements();
  Type inE = inTy.getElementType(), outE = outTy.getElementType();
  if (inE != outE && !isStorageRetype(inE, outE) && !isStorageRetype(outE, inE))
    return emitOpError("element type must not change (except between an "
                       "integer and a !quant.uniform type with that storage)");
  return success();
}

LogicalResult TransposeOp::verify() {
  auto inTy = getInput().getType();
  auto perm = getPerm();
  int64_t rank = inTy.getRank();
  if ((int64_t)perm.size() != rank)
    return emitOpError("perm must have ") << rank << " entries";
  SmallVector<bool> seen(rank, false);
  SmallVector<int64_t> expect;
  for (int64_t p : perm) {
    if (p < 0 || p >= rank || seen[p])
      return emitOpError("perm is not a permutation");
    seen[p] = true;
    expect.push_back(inTy.getDimSize(p));
  }
  if (getResult().getType().getShape() != ArrayRef<int64_t>(expect))
    return emitOpError("result shape does not match the permutation");
  return success();
}

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError("expects at least one input");
  auto first = llvm::cast<RankedTensorType>(getInputs()[0].getType());
  int64_t rank = first.getRank();
  int64_t axis = (int64_t)getAxis();
  if (axis < 0 || axis >= rank)
    return emitOpError("axis ") << axis << " out of range for rank " << rank;
  SmallVector<int64_t> expect(first.getShape());
  expect[axis] = 0;
  for (Value v : getInputs()) {
    auto t = llvm::cast<RankedTensorType>(v.getType());
    if (t.getRank() != rank || t.getElementType() != first.getElementType())
      return emitOpError("inputs must share rank and element type");
    for (int64_t i = 0; i < rank; ++i)
      if (i != axis && t.getDimSize(i) != first.getDimSize(i))
        return emitOpError("inputs differ in dimension ") << i;
    expect[axis] += t.getDimSize(axis);
  }
  if (getResult().getType().getShape() != ArrayRef<int64_t>(expect))
    return emitOpError("result shape does not match the concatenation");
  return success();
}

LogicalResult SliceOp::verify() {
  auto inTy = getInput().getType();
  auto outTy = getResult().getType();
  int64_t rank = inTy.getRank();
  if ((int64_t)getStarts().size() != rank ||
      (int64_t)getSteps().size() != rank || outTy.getRank() != rank)
    return emitOpError("starts, steps and result must match the input rank");
  for (int64_t i = 0; i < rank; ++i) {
    int64_t st = getStarts()[i], step = getSteps()[i];
    int64_t n = outTy.getDimSize(i), dim = inTy.getDimSize(i);
    if (step == 0)
      return emitOpError("steps must be non-zero");
    if (n == 0)
      continue;
    int64_t last = st + (n - 1) * step;
    if (st < 0 || st >= dim || last < 0 || last >= dim)
      return emitOpError("slice of dimension ") << i << " is out of bounds";
  }
  return success();
}

LogicalResult GatherOp::verify() {
  auto dTy = getData().getType();
  auto iTy = getIndices().getType();
  int64_t axis = (int64_t)getAxis();
  if (axis < 0 || axis >= dTy.getRank())
    return emitOpError("axis ") << axis << " out of range";
  if (!llvm::isa<IntegerType>(iTy.getElementType()))
    return emitOpError("indices must be integers");
  SmallVector<int64_t> expect(dTy.getShape().take_front(axis));
  llvm::append_range(expect, iTy.getShape());
  llvm::append_range(expect, dTy.getShape().drop_front(axis + 1));
  if (getResult().getType().getShape() != ArrayRef<int64_t>(expect))
    return emitOpError("result shape does not match the gather");
  return success();
}

//===----------------------------------------------------------------------===//
// Indexing ops
//===----------------------------------------------------------------------===//

/// Checks `axis` against the rank of `type`.
static LogicalResult verifyAxis(Operation *op, int64_t axis,
                                RankedTensorType type) {
  if (axis < 0 || axis >= type.getRank())
    return op->emitOpError("axis ")
           << axis << " out of range for rank " << type.getRank();
  return success();
}

/// Integer (not boolean) or float element types.
static bool isNumeric(Type t) { return t.isIntOrFloat() && !t.isInteger(1); }

LogicalResult ArgReduceOp::verify() {
  if (getKind() != ReduceKind::max && getKind() != ReduceKind::min)
    return emitOpError("kind must be max or min, got '")
           << stringifyReduceKind(getKind()) << "'";
  auto inTy = getInput().getType();
  int64_t axis = getAxis();
  if (failed(verifyAxis(*this, axis, inTy)))
    return failure();
  if (!isNumeric(inTy.getElementType()))
    return emitOpError("input must have integer or float elements");
  auto resTy = getResult().getType();
  if (!resTy.getElementType().isInteger(64))
    return emitOpError("result must have i64 elements");
  SmallVector<int64_t> expect(inTy.getShape());
  if (getKeepdims())
    expect[axis] = 1;
  else
    expect.erase(expect.begin() + axis);
  if (resTy.getShape() != ArrayRef<int64_t>(expect))
    return emitOpError("result shape does not match the reduction");
  return success();
}

LogicalResult TopKOp::verify() {
  auto inTy = getInput().getType();
  int64_t axis = getAxis();
  if (failed(verifyAxis(*this, axis, inTy)))
    return failure();
  if (!isNumeric(inTy.getElementType()))
    return emitOpError("input must have integer or float elements");
  int64_t k = getK();
  if (k < 0 || k > inTy.getDimSize(axis))
    return emitOpError("k = ")
           << k << " is not in [0, " << inTy.getDimSize(axis) << "]";
  SmallVector<int64_t> expect(inTy.getShape());
  expect[axis] = k;
  auto valTy = getValues().getType(), idxTy = getIndices().getType();
  if (valTy.getShape() != ArrayRef<int64_t>(expect) ||
      idxTy.getShape() != ArrayRef<int64_t>(expect))
    return emitOpError("result shapes do not match k along the axis");
  if (valTy.getElementType() != inTy.getElementType())
    return emitOpError("values must have the input's element type");
  if (!idxTy.getElementType().isInteger(64))
    return emitOpError("indices must have i64 elements");
  return success();
}

LogicalResult CumSumOp::verify() {
  auto inTy = getInput().getType();
  if (failed(verifyAxis(*this, getAxis(), inTy)))
    return failure();
  if (!isNumeric(inTy.getElementType()))
    return emitOpError("input must have integer or float elements");
  return success();
}

LogicalResult ScatterOp::verify() {
  auto dTy = getData().getType();
  auto iTy = getIndices().getType();
  auto uTy = getUpdates().getType();
  if (dTy.getRank() < 1)
    return emitOpError("data must have rank >= 1");
  auto iElem = llvm::dyn_cast<IntegerType>(iTy.getElementType());
  if (!iElem || iElem.getWidth() == 1)
    return emitOpError("indices must be integers");
  if (uTy.getElementType() != dTy.getElementType())
    return emitOpError("updates must have the data's element type");
  if (getResult().getType() != dTy)
    return emitOpError("result type must be the data's type");
  SmallVector<int64_t> expect(iTy.getShape());
  llvm::append_range(expect, dTy.getShape().drop_front());
  if (uTy.getShape() != ArrayRef<int64_t>(expect))
    return emitOpError("updates shape must be indices shape followed by the "
                       "data's trailing dimensions");
  if (auto c = getCombine()) {
    switch (*c) {
    case BinaryKind::add:
    case BinaryKind::mul:
    case BinaryKind::max:
    case BinaryKind::min:
      break;
    default:
      return emitOpError("combine must be add, mul, max or min, got '")
             << stringifyBinaryKind(*c) << "'";
    }
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Quantization ops
//===----------------------------------------------------------------------===//

static LogicalResult verifyQuantType(Operation *op, RankedTensorType t,
                                     const char *what) {
  Type e = t.getElementType();
  auto q = llvm::dyn_cast<quant::QuantizedType>(e);
  if (!q)
    return op->emitOpError() << what << " must have !quant.uniform elements";
  if (auto pa = llvm::dyn_cast<quant::UniformQuantizedPerAxisType>(e)) {
    int32_t axis = pa.getQuantizedDimension();
    if (axis < 0 || axis >= t.getRank())
      return op->emitOpError() << what << " quantized axis " << axis
                               << " out of range";
    if ((int64_t)pa.getScales().size() != t.getDimSize(axis))
      return op->emitOpError()
             << what << " has " << pa.getScales().size()
             << " scales for a dimension of size " << t.getDimSize(axis);
  } else if (!llvm::isa<quant::UniformQuantizedType>(e)) {
    return op->emitOpError() << what << " must be a uniform quantized type";
  }
  return success();
}

LogicalResult QuantizeOp::verify() {
  auto inTy = getInput().getType();
  auto outTy = getResult().getType();
  if (!llvm::isa<FloatType>(inTy.getElementType()))
    return emitOpError("input must have float elements");
  if (failed(verifyQuantType(*this, outTy, "result")))
    return failure();
  auto q = llvm::cast<quant::QuantizedType>(outTy.getElementType());
  if (q.getExpressedType() != inTy.getElementType())
    return emitOpError("result expressed type ")
           << q.getExpressedType() << " differs from input element type "
           << inTy.getElementType();
  return success();
}

LogicalResult DequantizeOp::verify() {
  auto inTy = getInput().getType();
  auto outTy = getResult().getType();
  if (!llvm::isa<FloatType>(outTy.getElementType()))
    return emitOpError("result must have float elements");
  if (failed(verifyQuantType(*this, inTy, "input")))
    return failure();
  auto q = llvm::cast<quant::QuantizedType>(inTy.getElementType());
  if (q.getExpressedType() != outTy.getElementType())
    return emitOpError("input expressed type ")
           << q.getExpressedType() << " differs from result element type "
           << outTy.getElementType();
  return success();
}

//===----------------------------------------------------------------------===//
// DequantizeInt4Op
//===----------------------------------------------------------------------===//

LogicalResult DequantizeInt4Op::verify() {
  auto pTy = getPacked().getType();
  auto sTy = getScales().getType();
  auto outTy = getResult().getType();
  if (!outTy.hasStaticShape() || !pTy.hasStaticShape() ||
      !sTy.hasStaticShape())
    return emitOpError("expects static shapes");
  if (!pTy.getElementType().isSignlessInteger(8))
    return emitOpError("packed must have i8 elements");
  if (!sTy.getElementType().isF16() && !sTy.getElementType().isF32())
    return emitOpError("scales must have f16 or f32 elements");
  if (!llvm::isa<FloatType>(outTy.getElementType()))
    return emitOpError("result must have float elements");
  int64_t rank = outTy.getRank();
  int64_t axis = getAxis();
  if (rank < 1 || (axis != 0 && axis != rank - 1))
    return emitOpError("axis must be 0 or the last dimension");
  int64_t g = getGroupSize();
  if (g < 2 || g % 2 != 0)
    return emitOpError("group_size must be a positive even number");
  int64_t rows = outTy.getDimSize(axis);
  int64_t k = rows == 0 ? 0 : outTy.getNumElements() / rows;
  int64_t groups = (k + g - 1) / g;
  auto expect = [&](int64_t inner) {
    return axis == 0 ? SmallVector<int64_t>{rows, inner}
                     : SmallVector<int64_t>{inner, rows};
  };
  if (pTy.getShape() != ArrayRef<int64_t>(expect(groups * g / 2)))
    return emitOpError("packed must have shape [")
           << expect(groups * g / 2) << "]";
  if (sTy.getShape() != ArrayRef<int64_t>(expect(groups)))
    return emitOpError("scales must have shape [") << expect(groups) << "]";
  return success();
}

LogicalResult RequantizeOp::verify() {
  if (failed(verifyQuantType(*this, getInput().getType(), "input")) ||
      failed(verifyQuantType(*this, getResult().getType(), "result")))
    return failure();
  auto qi = llvm::cast<quant::QuantizedType>(
      getInput().getType().getElementType());
  auto qo = llvm::cast<quant::QuantizedType>(
      getResult().getType().getElementType());
  if (qi.getExpressedType() != qo.getExpressedType())
    return emitOpError("input and result expressed types differ");
  return success();
}

#define GET_OP_CLASSES
#include "Qcc/QccOps.cpp.inc"
