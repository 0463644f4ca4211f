//===- QccToLinalg.cpp - Lowering of qcc to linalg on tensors -------------===//
//
// This file implements the convert-qcc-to-linalg pass: a dialect conversion
// with every qcc op illegal, the type converter that turns quantized and
// signed/unsigned integer element types into signless storage integers, the
// checks that reject what the lowering cannot handle with a diagnostic at
// the op, and the tensor builders shared by the pattern files.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "qcc/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/AffineMap.h"

using namespace mlir;

namespace qcc {
#define GEN_PASS_DEF_CONVERTQCCTOLINALGPASS
#include "qcc/Conversion/Passes.h.inc"
} // namespace qcc

using namespace qcc;

//===----------------------------------------------------------------------===//
// Tensor builders
//===----------------------------------------------------------------------===//

bool qcc::isUnsignedInteger(Type type) {
  auto it = llvm::dyn_cast<IntegerType>(type);
  return it && it.isUnsigned();
}

Value qcc::createEmpty(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                       Type elemType) {
  return tensor::EmptyOp::create(b, loc, shape, elemType);
}

Value qcc::createFilled(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                        Value value) {
  Value empty = createEmpty(b, loc, shape, value.getType());
  return linalg::FillOp::create(b, loc, ValueRange{value}, ValueRange{empty})
      .getResult(0);
}

Value qcc::padTensor(OpBuilder &b, Location loc, Value value,
                     ArrayRef<int64_t> low, ArrayRef<int64_t> high,
                     Value padValue) {
  if (llvm::all_of(low, [](int64_t v) { return v == 0; }) &&
      llvm::all_of(high, [](int64_t v) { return v == 0; }))
    return value;
  auto type = llvm::cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape(type.getShape());
  SmallVector<OpFoldResult> lowOfr, highOfr;
  for (size_t i = 0; i < shape.size(); ++i) {
    shape[i] += low[i] + high[i];
    lowOfr.push_back(b.getIndexAttr(low[i]));
    highOfr.push_back(b.getIndexAttr(high[i]));
  }
  return tensor::PadOp::create(b, loc, type.clone(shape), value, lowOfr,
                               highOfr, padValue);
}

Value qcc::reshapeTo(OpBuilder &b, Location loc, Value value,
                     RankedTensorType type) {
  auto srcType = llvm::cast<RankedTensorType>(value.getType());
  if (srcType == type)
    return value;
  ArrayRef<int64_t> src = srcType.getShape(), dst = type.getShape();
  // Zero elements: no data to move (and no reassociation may exist).
  if (srcType.getNumElements() == 0)
    return tensor::EmptyOp::create(b, loc, dst, type.getElementType());
  // A rank-0 tensor reshapes to or from all-unit shapes with an empty
  // reassociation.
  if (src.empty())
    return tensor::ExpandShapeOp::create(b, loc, type, value,
                                         ArrayRef<ReassociationIndices>{});
  if (dst.empty())
    return tensor::CollapseShapeOp::create(b, loc, type, value,
                                           ArrayRef<ReassociationIndices>{});
  if (src.size() > dst.size()) {
    if (auto re = getReassociationIndicesForCollapse(src, dst))
      return tensor::CollapseShapeOp::create(b, loc, type, value, *re);
  } else if (src.size() < dst.size()) {
    if (auto re = getReassociationIndicesForCollapse(dst, src))
      return tensor::ExpandShapeOp::create(b, loc, type, value, *re);
  }
  // No direct reassociation: go through the flat 1-D tensor.
  auto flatType = RankedTensorType::get({srcType.getNumElements()},
                                        srcType.getElementType());
  Value flat = reshapeTo(b, loc, value, flatType);
  return reshapeTo(b, loc, flat, type);
}

std::pair<Value, AffineMap>
qcc::prepareBroadcastOperand(OpBuilder &b, Location loc, Value value,
                             ArrayRef<int64_t> resultShape) {
  auto type = llvm::cast<RankedTensorType>(value.getType());
  int64_t rank = resultShape.size();
  int64_t offset = rank - type.getRank();
  SmallVector<AffineExpr> exprs;
  SmallVector<int64_t> kept;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    int64_t j = offset + i;
    if (type.getDimSize(i) == 1 && resultShape[j] != 1)
      continue;
    exprs.push_back(b.getAffineDimExpr(j));
    kept.push_back(type.getDimSize(i));
  }
  if ((int64_t)kept.size() != type.getRank())
    value = reshapeTo(b, loc, value, type.clone(kept));
  return {value, AffineMap::get(rank, 0, exprs, b.getContext())};
}

Value qcc::broadcastTo(OpBuilder &b, Location loc, Value value,
                       ArrayRef<int64_t> shape) {
  auto type = llvm::cast<RankedTensorType>(value.getType());
  if (type.getShape() == shape)
    return value;
  auto [operand, map] = prepareBroadcastOperand(b, loc, value, shape);
  SmallVector<int64_t> added;
  for (int64_t d = 0, e = shape.size(); d < e; ++d)
    if (!map.isFunctionOfDim(d))
      added.push_back(d);
  Value init = createEmpty(b, loc, shape, type.getElementType());
  return linalg::BroadcastOp::create(b, loc, operand, init, added)
      ->getResult(0);
}

Value qcc::buildElementwise(OpBuilder &b, Location loc,
                            RankedTensorType resultType, ValueRange inputs,
                            ScalarBodyFn body) {
  ArrayRef<int64_t> shape = resultType.getShape();
  SmallVector<Value> operands;
  SmallVector<AffineMap> maps;
  for (Value in : inputs) {
    auto [operand, map] = prepareBroadcastOperand(b, loc, in, shape);
    operands.push_back(operand);
    maps.push_back(map);
  }
  maps.push_back(b.getMultiDimIdentityMap(shape.size()));
  SmallVector<utils::IteratorType> iterators(shape.size(),
                                             utils::IteratorType::parallel);
  Value init = createEmpty(b, loc, shape, resultType.getElementType());
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, operands, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value result = body(nb, nloc, args.drop_back());
        linalg::YieldOp::create(nb, nloc, result);
      });
  return generic.getResult(0);
}

//===----------------------------------------------------------------------===//
// Pre-conversion checks
//===----------------------------------------------------------------------===//

static bool isQuantized(Type type) {
  if (auto shaped = llvm::dyn_cast<ShapedType>(type))
    type = shaped.getElementType();
  return llvm::isa<quant::QuantizedType>(type);
}

static Type elementTypeOf(Value v) {
  return llvm::cast<ShapedType>(v.getType()).getElementType();
}

static LogicalResult
checkActivation(Operation *op, std::optional<UnaryKind> kind, Type elemType) {
  if (kind && !isUnarySupported(*kind, elemType))
    return op->emitError("fused activation '")
           << stringifyUnaryKind(*kind) << "' is not supported on " << elemType
           << " elements";
  return success();
}

/// True for a statically shaped tensor with no elements.
static bool isEmptyTensor(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.hasStaticShape() && tensor.getNumElements() == 0;
}

LogicalResult qcc::checkLowerable(Operation *op) {
  // Zero-element operands: fine where the result has no elements either, and
  // for the ops whose lowering copes with them (a concatenated empty piece,
  // a reduction over an empty axis); other ops would need special results
  // (e.g. a matmul with K = 0 is all zeros).
  if (llvm::any_of(op->getOperandTypes(), isEmptyTensor) &&
      !llvm::all_of(op->getResultTypes(), isEmptyTensor) &&
      !isa<ConcatOp, ReduceOp, ReshapeOp, SliceOp, CastOp>(op))
    return op->emitError("unsupported: '")
           << op->getName() << "' with a zero-element operand and a non-empty "
           << "result";
  // The integer kernels: quantized matmul / conv2d and requantize.
  if (isa<RequantizeOp>(op) ||
      (isa<MatMulOp, Conv2DOp>(op) &&
       (llvm::any_of(op->getOperandTypes(), isQuantized) ||
        llvm::any_of(op->getResultTypes(), isQuantized))))
    return checkQuantizedLowerable(op);
  // Data movement and the quantization boundary handle quantized element
  // types (as their storage integers); every other op computes on values and
  // has no integer kernel yet.
  bool quantAware = isa<ConstantOp, ReshapeOp, TransposeOp, ConcatOp, SliceOp,
                        GatherOp, QuantizeOp, DequantizeOp>(op);
  if (!quantAware && (llvm::any_of(op->getOperandTypes(), isQuantized) ||
                      llvm::any_of(op->getResultTypes(), isQuantized)))
    return op->emitError("lowering of quantized types is not supported yet "
                         "(in '")
           << op->getName() << "')";

  if (auto unary = dyn_cast<UnaryOp>(op)) {
    Type elem = elementTypeOf(unary.getInput());
    if (!isUnarySupported(unary.getKind(), elem))
      return op->emitError("unary '")
             << stringifyUnaryKind(unary.getKind()) << "' is not supported on "
             << elem << " elements";
    return success();
  }
  if (auto binary = dyn_cast<BinaryOp>(op)) {
    Type elem = elementTypeOf(binary.getLhs());
    if (!isBinarySupported(binary.getKind(), elem))
      return op->emitError("binary '")
             << stringifyBinaryKind(binary.getKind())
             << "' is not supported on " << elem << " elements";
    return success();
  }
  if (isa<Conv2DOp, MatMulOp>(op)) {
    // The named contractions sign-extend narrower operands into the
    // accumulator; unsigned operands would need a zero-extension.
    Type acc = elementTypeOf(op->getResult(0));
    for (Value v : op->getOperands())
      if (isUnsignedInteger(elementTypeOf(v)) && elementTypeOf(v) != acc)
        return op->emitError("'") << op->getName() << "' cannot widen unsigned "
                                  << elementTypeOf(v) << " operands to " << acc;
    if (auto conv = dyn_cast<Conv2DOp>(op))
      return checkActivation(op, conv.getActivation(), acc);
    return checkActivation(op, cast<MatMulOp>(op).getActivation(), acc);
  }
  if (auto pool = dyn_cast<Pool2DOp>(op)) {
    Type elem = elementTypeOf(pool.getInput());
    if (pool.getKind() == PoolKind::avg && !isa<FloatType>(elem))
      return op->emitError("average pooling needs float elements, got ")
             << elem;
    return success();
  }
  if (isa<BatchNormOp, SoftmaxOp>(op)) {
    Type elem = elementTypeOf(op->getOperand(0));
    if (!isa<FloatType>(elem))
      return op->emitError("'")
             << op->getName() << "' needs float elements, got " << elem;
    return success();
  }
  if (auto reduce = dyn_cast<ReduceOp>(op)) {
    Type elem = elementTypeOf(reduce.getInput());
    switch (reduce.getKind()) {
    case ReduceKind::mean:
    case ReduceKind::l2:
    case ReduceKind::log_sum:
    case ReduceKind::log_sum_exp:
      if (!isa<FloatType>(elem))
        return op->emitError("reduce '")
               << stringifyReduceKind(reduce.getKind())
               << "' needs float elements, got " << elem;
      break;
    default:
      if (!isa<FloatType, IntegerType>(elem))
        return op->emitError("reduce '")
               << stringifyReduceKind(reduce.getKind())
               << "' is not supported on " << elem << " elements";
      break;
    }
    return success();
  }
  if (auto cast = dyn_cast<CastOp>(op)) {
    for (Type t :
         {elementTypeOf(cast.getInput()), elementTypeOf(cast.getResult())})
      if (!isa<FloatType, IntegerType>(t))
        return op->emitError("cast of ") << t << " elements is not supported";
    return success();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Pass
//===----------------------------------------------------------------------===//

/// Element type of a lowered tensor: quantized types become their storage
/// integer and signed/unsigned integers become signless (arith's operands);
/// signedness is read from the qcc op's types by the patterns.
static Type convertElementType(Type type) {
  if (auto q = llvm::dyn_cast<quant::QuantizedType>(type))
    return IntegerType::get(type.getContext(), q.getStorageTypeIntegralWidth());
  if (auto it = llvm::dyn_cast<IntegerType>(type); it && !it.isSignless())
    return IntegerType::get(type.getContext(), it.getWidth());
  return type;
}

namespace {
struct ConvertQccToLinalgPass
    : qcc::impl::ConvertQccToLinalgPassBase<ConvertQccToLinalgPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();

    bool ok = true;
    module.walk([&](Operation *op) {
      if (llvm::isa<QccDialect>(op->getDialect()) && failed(checkLowerable(op)))
        ok = false;
    });
    if (!ok)
      return signalPassFailure();

    TypeConverter converter;
    converter.addConversion([](Type type) { return type; });
    converter.addConversion([](RankedTensorType type) -> Type {
      return type.clone(convertElementType(type.getElementType()));
    });
    converter.addConversion(
        [](quant::QuantizedType type) { return convertElementType(type); });
    converter.addConversion(
        [](IntegerType type) -> Type { return convertElementType(type); });

    ConversionTarget target(*ctx);
    target.addIllegalDialect<QccDialect>();
    target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect,
                           arith::ArithDialect, math::MathDialect,
                           scf::SCFDialect>();
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp f) {
      return converter.isSignatureLegal(f.getFunctionType()) &&
             converter.isLegal(&f.getBody());
    });
    target.markUnknownOpDynamicallyLegal(
        [&](Operation *op) { return converter.isLegal(op); });

    RewritePatternSet patterns(ctx);
    populateLayerPatterns(converter, patterns);
    populateQuantizedPatterns(converter, patterns);
    populateElementwisePatterns(converter, patterns);
    populateDataMovementPatterns(converter, patterns);
    populateIndexingPatterns(converter, patterns);
    populateWeightFormatPatterns(converter, patterns);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    populateReturnOpTypeConversionPattern(patterns, converter);
    populateCallOpTypeConversionPattern(patterns, converter);

    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
