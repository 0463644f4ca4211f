//===- LowerStridedTransfers.cpp - scalarize strided transfers ------------===//
//
// This file implements qcc-lower-strided-transfers: 1-D vector transfers on
// memrefs whose accessed dimension has a non-unit (or unknown) stride become
// one scalar memref access per element, which the LLVM lowering handles (it
// only turns contiguous transfers into vector loads and stores).
//
//===----------------------------------------------------------------------===//

#include "qcc/Target/Passes.h"

#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace qcc {
#define GEN_PASS_DEF_QCCLOWERSTRIDEDTRANSFERSPASS
#include "qcc/Target/Passes.h.inc"

namespace {

/// Returns the memref dimension a 1-D, in-bounds, unmasked transfer walks
/// along when that dimension is not contiguous, and nullopt otherwise.
std::optional<unsigned> stridedDim(VectorTransferOpInterface xfer) {
  auto memref = dyn_cast<MemRefType>(xfer.getShapedType());
  if (!memref || xfer.getVectorType().getRank() != 1 || xfer.getMask() ||
      !xfer.isDimInBounds(0))
    return std::nullopt;
  AffineMap map = xfer.getPermutationMap();
  if (map.getNumResults() != 1)
    return std::nullopt;
  auto dim = dyn_cast<AffineDimExpr>(map.getResult(0));
  if (!dim)
    return std::nullopt;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(memref.getStridesAndOffset(strides, offset)))
    return std::nullopt;
  if (strides[dim.getPosition()] == 1)
    return std::nullopt;
  return dim.getPosition();
}

/// The indices of element `i` of a transfer along memref dimension `dim`.
SmallVector<Value> elementIndices(OpBuilder &b, Location loc,
                                  ValueRange indices, unsigned dim, int64_t i) {
  SmallVector<Value> idx(indices);
  if (i != 0)
    idx[dim] = arith::AddIOp::create(b, loc, idx[dim],
                                     arith::ConstantIndexOp::create(b, loc, i));
  return idx;
}

struct ScalarizeStridedRead : OpRewritePattern<vector::TransferReadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(vector::TransferReadOp read,
                                PatternRewriter &rewriter) const override {
    std::optional<unsigned> dim = stridedDim(read);
    if (!dim)
      return failure();
    Location loc = read.getLoc();
    SmallVector<Value> elements;
    for (int64_t i = 0, e = read.getVectorType().getNumElements(); i < e; ++i)
      elements.push_back(memref::LoadOp::create(
          rewriter, loc, read.getBase(),
          elementIndices(rewriter, loc, read.getIndices(), *dim, i)));
    rewriter.replaceOpWithNewOp<vector::FromElementsOp>(
        read, read.getVectorType(), elements);
    return success();
  }
};

struct ScalarizeStridedWrite : OpRewritePattern<vector::TransferWriteOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(vector::TransferWriteOp write,
                                PatternRewriter &rewriter) const override {
    std::optional<unsigned> dim = stridedDim(write);
    if (!dim)
      return failure();
    Location loc = write.getLoc();
    Value vec = write.getValueToStore();
    for (int64_t i = 0, e = write.getVectorType().getNumElements(); i < e;
         ++i) {
      Value element = vector::ExtractOp::create(rewriter, loc, vec, i);
      memref::StoreOp::create(
          rewriter, loc, element, write.getBase(),
          elementIndices(rewriter, loc, write.getIndices(), *dim, i));
    }
    rewriter.eraseOp(write);
    return success();
  }
};

struct QccLowerStridedTransfersPass
    : impl::QccLowerStridedTransfersPassBase<QccLowerStridedTransfersPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ScalarizeStridedRead, ScalarizeStridedWrite>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace qcc
