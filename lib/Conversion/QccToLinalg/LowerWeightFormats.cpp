//===- LowerWeightFormats.cpp - compressed weight formats to linalg -------===//
//
// This file implements the lowering of qcc.dequantize_int4 (group-wise int4
// weights, written by qcc-quantize-weights) to one vectorizable
// linalg.generic. fp16 / bf16 weights need no pattern: the layer patterns
// build linalg named ops with mixed element types (f32 input, f16 / bf16
// weight, f32 accumulator), whose bodies extend each weight to f32 in
// registers. Convolutions are the exception (widenWeights): their NCHW
// micro-kernel broadcasts one weight scalar per vector FMA, so each weight
// is extended once per call instead of once per output tile.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

using namespace mlir;
using namespace qcc;

namespace {

/// Unpacks the int4 weights with one parallel generic over
/// `[rows, groups, half, G/2]` (axis 0) or `[groups, half, G/2, rows]`
/// (last axis), where `half` selects the low (0) or high (1) nibble:
///
///   w   = sext(packed[...]) : i32
///   q   = (w << (28 - 4 * half)) >>s 28        (the nibble, sign-extended)
///   out = sitofp(q) * extf(scale[...])
///
/// Every indexing map is a projected permutation and the innermost dimension
/// (G/2 bytes, or the rows of a [K, N] matmul weight) is contiguous in every
/// operand, so the generic vectorizes along it without gathers or shuffles.
/// The [.., Kp] result is then sliced to the weight's K (when padded) and
/// reshaped to the weight's shape.
struct DequantizeInt4Lowering : OpConversionPattern<DequantizeInt4Op> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DequantizeInt4Op op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    auto outType = llvm::cast<RankedTensorType>(op.getType());
    Type elem = outType.getElementType();
    bool rowsFirst = op.getAxis() == 0;
    int64_t rows = outType.getDimSize(op.getAxis());
    int64_t k = rows == 0 ? 0 : outType.getNumElements() / rows;
    int64_t g = op.getGroupSize(), half = g / 2;
    int64_t groups = (k + g - 1) / g, kp = groups * g;

    // Views: packed [R, Ng, G/2] or [Ng, G/2, R]; result [R, Ng, 2, G/2] or
    // [Ng, 2, G/2, R].
    Value packed = adaptor.getPacked(), scales = adaptor.getScales();
    auto pType = llvm::cast<RankedTensorType>(packed.getType());
    SmallVector<int64_t> p3 = rowsFirst
                                  ? SmallVector<int64_t>{rows, groups, half}
                                  : SmallVector<int64_t>{groups, half, rows};
    packed = reshapeTo(b, loc, packed, pType.clone(p3));
    SmallVector<int64_t> o4 = rowsFirst
                                  ? SmallVector<int64_t>{rows, groups, 2, half}
                                  : SmallVector<int64_t>{groups, 2, half, rows};

    // Loop dimensions follow the result: (c, g, h, j) or (g, h, j, c).
    MLIRContext *ctx = b.getContext();
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    AffineMap outMap = b.getMultiDimIdentityMap(4);
    AffineMap packedMap = rowsFirst
                              ? AffineMap::get(4, 0, {d(0), d(1), d(3)}, ctx)
                              : AffineMap::get(4, 0, {d(0), d(2), d(3)}, ctx);
    AffineMap scaleMap = rowsFirst ? AffineMap::get(4, 0, {d(0), d(1)}, ctx)
                                   : AffineMap::get(4, 0, {d(0), d(3)}, ctx);
    unsigned halfDim = rowsFirst ? 2 : 1;
    SmallVector<utils::IteratorType> parallel(4, utils::IteratorType::parallel);
    Value init = createEmpty(b, loc, o4, elem);
    Type i32 = b.getI32Type();
    Value unpacked =
        linalg::GenericOp::create(
            b, loc, TypeRange{init.getType()}, ValueRange{packed, scales},
            ValueRange{init}, ArrayRef<AffineMap>{packedMap, scaleMap, outMap},
            parallel,
            [&](OpBuilder &nb, Location l, ValueRange args) {
              Value w = arith::ExtSIOp::create(nb, l, i32, args[0]);
              Value h = linalg::IndexOp::create(nb, l, halfDim);
              h = arith::IndexCastOp::create(nb, l, i32, h);
              Value four = arith::ConstantIntOp::create(nb, l, i32, 4);
              Value base = arith::ConstantIntOp::create(nb, l, i32, 28);
              Value shl = arith::SubIOp::create(
                  nb, l, base, arith::MulIOp::create(nb, l, h, four));
              Value q = arith::ShRSIOp::create(
                  nb, l, arith::ShLIOp::create(nb, l, w, shl), base);
              Value f = arith::SIToFPOp::create(nb, l, elem, q);
              Value s = args[1];
              if (s.getType() != elem)
                s = arith::ExtFOp::create(nb, l, elem, s);
              linalg::YieldOp::create(
                  nb, l, arith::MulFOp::create(nb, l, f, s).getResult());
            })
            .getResult(0);

    // [R, Kp] or [Kp, R], sliced to K, reshaped to the weight's shape.
    auto matType = RankedTensorType::get(
        rowsFirst ? ArrayRef<int64_t>{rows, kp} : ArrayRef<int64_t>{kp, rows},
        elem);
    Value mat = reshapeTo(b, loc, unpacked, matType);
    if (kp != k) {
      SmallVector<int64_t> sizes = rowsFirst ? SmallVector<int64_t>{rows, k}
                                             : SmallVector<int64_t>{k, rows};
      mat = tensor::ExtractSliceOp::create(
          b, loc, RankedTensorType::get(sizes, elem), mat, ValueRange{},
          ValueRange{}, ValueRange{}, b.getDenseI64ArrayAttr({0, 0}),
          b.getDenseI64ArrayAttr(sizes), b.getDenseI64ArrayAttr({1, 1}));
    }
    rewriter.replaceOp(op, reshapeTo(b, loc, mat, outType));
    return success();
  }
};

} // namespace

Value qcc::widenWeights(OpBuilder &b, Location loc, Value weight,
                        Type elemType) {
  auto type = llvm::cast<RankedTensorType>(weight.getType());
  if (type.getElementType() == elemType ||
      !llvm::isa<FloatType>(type.getElementType()) ||
      !llvm::isa<FloatType>(elemType))
    return weight;
  return buildElementwise(
      b, loc, type.clone(elemType), weight,
      [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
        return arith::ExtFOp::create(nb, l, elemType, args[0]);
      });
}

void qcc::populateWeightFormatPatterns(const TypeConverter &converter,
                                       RewritePatternSet &patterns) {
  patterns.add<DequantizeInt4Lowering>(converter, patterns.getContext());
}
