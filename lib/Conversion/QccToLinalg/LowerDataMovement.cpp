//===- LowerDataMovement.cpp - qcc data movement ops to linalg/tensor -----===//
//
// This file implements the lowering of qcc.constant, qcc.reshape,
// qcc.transpose, qcc.concat, qcc.slice and qcc.gather. Quantized element
// types move as their storage integers (the type converter's job).
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;
using namespace qcc;

namespace {

/// qcc.constant -> arith.constant with the same attribute; dense_resource
/// blobs stay blobs. Only the element type is renamed when the type
/// converter changes it (ui8 -> i8, quantized -> storage), the bytes are kept.
struct ConstantLowering : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConstantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = llvm::cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    Attribute value = op.getValue();
    if (llvm::cast<TypedAttr>(value).getType() != type) {
      if (auto res = llvm::dyn_cast<DenseResourceElementsAttr>(value)) {
        value = DenseResourceElementsAttr::get(type, res.getRawHandle());
      } else if (auto dense = llvm::dyn_cast<DenseElementsAttr>(value)) {
        value = dense.bitcast(type.getElementType());
      } else {
        return op.emitError("constant of type ")
               << op.getType() << " cannot be retyped to " << type;
      }
    }
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, type, llvm::cast<TypedAttr>(value));
    return success();
  }
};

struct ReshapeLowering : OpConversionPattern<ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = llvm::cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    rewriter.replaceOp(
        op, reshapeTo(rewriter, op.getLoc(), adaptor.getInput(), type));
    return success();
  }
};

struct TransposeLowering : OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = llvm::cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    Value init = createEmpty(rewriter, op.getLoc(), type.getShape(),
                             type.getElementType());
    Value result =
        linalg::TransposeOp::create(rewriter, op.getLoc(), adaptor.getInput(),
                                    init, op.getPerm())
            ->getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Each input is inserted at its offset along the axis of one tensor.empty.
struct ConcatLowering : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = llvm::cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    ValueRange inputs = adaptor.getInputs();
    if (inputs.size() == 1) {
      rewriter.replaceOp(op, inputs.front());
      return success();
    }
    int64_t axis = op.getAxis();
    int64_t rank = type.getRank();
    Value result =
        createEmpty(rewriter, loc, type.getShape(), type.getElementType());
    int64_t offset = 0;
    for (Value in : inputs) {
      auto inType = llvm::cast<RankedTensorType>(in.getType());
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
      SmallVector<OpFoldResult> sizes, strides(rank, rewriter.getIndexAttr(1));
      for (int64_t d : inType.getShape())
        sizes.push_back(rewriter.getIndexAttr(d));
      offsets[axis] = rewriter.getIndexAttr(offset);
      offset += inType.getDimSize(axis);
      if (inType.getDimSize(axis) == 0)
        continue;
      result = tensor::InsertSliceOp::create(rewriter, loc, in, result, offsets,
                                             sizes, strides);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Positive steps are a strided tensor.extract_slice; a negative step walks
/// backwards, which extract_slice cannot, so those slices gather with index
/// arithmetic in a linalg.generic.
struct SliceLowering : OpConversionPattern<SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = llvm::cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    Value input = adaptor.getInput();
    ArrayRef<int64_t> starts = op.getStarts(), steps = op.getSteps();
    int64_t rank = type.getRank();

    if (llvm::all_of(steps, [](int64_t s) { return s > 0; })) {
      SmallVector<OpFoldResult> offsets, sizes, strides;
      for (int64_t d = 0; d < rank; ++d) {
        offsets.push_back(rewriter.getIndexAttr(starts[d]));
        sizes.push_back(rewriter.getIndexAttr(type.getDimSize(d)));
        strides.push_back(rewriter.getIndexAttr(steps[d]));
      }
      rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
          op, type, input, offsets, sizes, strides);
      return success();
    }

    Value init =
        createEmpty(rewriter, loc, type.getShape(), type.getElementType());
    SmallVector<utils::IteratorType> parallel(rank,
                                              utils::IteratorType::parallel);
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type}, ValueRange{}, ValueRange{init},
            ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(rank)},
            parallel,
            [&](OpBuilder &b, Location l, ValueRange) {
              SmallVector<Value> indices;
              for (int64_t d = 0; d < rank; ++d) {
                Value i = linalg::IndexOp::create(b, l, d);
                Value scaled = arith::MulIOp::create(
                    b, l, i, arith::ConstantIndexOp::create(b, l, steps[d]));
                indices.push_back(arith::AddIOp::create(
                    b, l, scaled,
                    arith::ConstantIndexOp::create(b, l, starts[d])));
              }
              Value v = tensor::ExtractOp::create(b, l, input, indices);
              linalg::YieldOp::create(b, l, v);
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// ONNX Gather: result[pre..., idx..., post...] =
/// data[pre..., indices[idx...], post...]. Negative indices count from the
/// end; indices are clamped into range so that a bad index cannot read
/// outside the tensor.
struct GatherLowering : OpConversionPattern<GatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = llvm::cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    auto dType = llvm::cast<RankedTensorType>(data.getType());
    auto iType = llvm::cast<RankedTensorType>(indices.getType());
    bool indexUnsigned =
        isUnsignedInteger(op.getIndices().getType().getElementType());
    int64_t axis = op.getAxis();
    int64_t rank = type.getRank(), iRank = iType.getRank();
    int64_t dim = dType.getDimSize(axis);

    SmallVector<AffineExpr> iExprs;
    for (int64_t d = 0; d < iRank; ++d)
      iExprs.push_back(rewriter.getAffineDimExpr(axis + d));
    SmallVector<AffineMap> maps = {
        AffineMap::get(rank, 0, iExprs, rewriter.getContext()),
        rewriter.getMultiDimIdentityMap(rank)};
    SmallVector<utils::IteratorType> parallel(rank,
                                              utils::IteratorType::parallel);
    Value init =
        createEmpty(rewriter, loc, type.getShape(), type.getElementType());
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type}, ValueRange{indices},
            ValueRange{init}, maps, parallel,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value raw = args[0];
              Type idxType = b.getIndexType();
              Value idx =
                  indexUnsigned
                      ? (Value)arith::IndexCastUIOp::create(b, l, idxType, raw)
                      : (Value)arith::IndexCastOp::create(b, l, idxType, raw);
              Value zero = arith::ConstantIndexOp::create(b, l, 0);
              Value size = arith::ConstantIndexOp::create(b, l, dim);
              Value negative = arith::CmpIOp::create(
                  b, l, arith::CmpIPredicate::slt, idx, zero);
              Value wrapped = arith::AddIOp::create(b, l, idx, size);
              idx = arith::SelectOp::create(b, l, negative, wrapped, idx);
              idx = arith::MaxSIOp::create(b, l, idx, zero);
              idx = arith::MinSIOp::create(
                  b, l, idx, arith::ConstantIndexOp::create(b, l, dim - 1));
              SmallVector<Value> at;
              for (int64_t d = 0; d < axis; ++d)
                at.push_back(linalg::IndexOp::create(b, l, d));
              at.push_back(idx);
              for (int64_t d = axis + 1; d < dType.getRank(); ++d)
                at.push_back(linalg::IndexOp::create(b, l, d + iRank - 1));
              Value v = tensor::ExtractOp::create(b, l, data, at);
              linalg::YieldOp::create(b, l, v);
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void qcc::populateDataMovementPatterns(const TypeConverter &converter,
                                       RewritePatternSet &patterns) {
  patterns.add<ConstantLowering, ReshapeLowering, TransposeLowering,
               ConcatLowering, SliceLowering, GatherLowering>(
      converter, patterns.getContext());
}
