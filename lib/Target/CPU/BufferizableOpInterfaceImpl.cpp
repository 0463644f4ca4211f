//===- BufferizableOpInterfaceImpl.cpp - qcc bufferization models ---------===//
//
// This file implements qcc's One-Shot Bufferize model for
// vector.transfer_write (see BufferizableOpInterfaceImpl.h for why qcc does
// not use the upstream one).
//
//===----------------------------------------------------------------------===//

#include "qcc/Target/BufferizableOpInterfaceImpl.h"

#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/Bufferization/IR/DstBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::bufferization;

namespace qcc {
namespace {

/// True if `write` overwrites every element of its (tensor) destination, so
/// that the old contents of the destination are dead.
bool overwritesWholeDestination(vector::TransferWriteOp write) {
  auto type = dyn_cast<RankedTensorType>(write.getShapedType());
  if (!type || !type.hasStaticShape() || write.getMask())
    return false;
  if (!llvm::all_of(write.getIndices(),
                    [](Value index) { return isConstantIntValue(index, 0); }))
    return false;
  // Tensor dimension -> the vector dimension written along it; dimensions the
  // map leaves out are written at a single position.
  SmallVector<int64_t> extent(type.getRank(), 1);
  AffineMap map = write.getPermutationMap();
  for (auto [vectorDim, expr] : llvm::enumerate(map.getResults())) {
    auto dim = dyn_cast<AffineDimExpr>(expr);
    if (!dim)
      return false;
    extent[dim.getPosition()] =
        write.getVectorType().getDimSize(static_cast<unsigned>(vectorDim));
  }
  for (auto [size, written] : llvm::zip_equal(type.getShape(), extent))
    if (written < size)
      return false;
  return true;
}

/// vector.transfer_write on a tensor: in place on the destination buffer,
/// which it reads unless it overwrites all of it.
struct TransferWriteOpInterface
    : public DstBufferizableOpInterfaceExternalModel<TransferWriteOpInterface,
                                                     vector::TransferWriteOp> {
  bool bufferizesToMemoryRead(Operation *op, OpOperand &opOperand,
                              const AnalysisState &state) const {
    return !overwritesWholeDestination(cast<vector::TransferWriteOp>(op));
  }

  LogicalResult bufferize(Operation *op, RewriterBase &rewriter,
                          const BufferizationOptions &options,
                          BufferizationState &state) const {
    auto write = cast<vector::TransferWriteOp>(op);
    FailureOr<Value> buffer =
        getBuffer(rewriter, write.getBase(), options, state);
    if (failed(buffer))
      return failure();
    vector::TransferWriteOp::create(rewriter, write.getLoc(), write.getVector(),
                                    *buffer, write.getIndices(),
                                    write.getPermutationMapAttr(),
                                    write.getMask(), write.getInBoundsAttr());
    replaceOpWithBufferizedValues(rewriter, op, *buffer);
    return success();
  }
};

} // namespace

void registerBufferizableOpInterfaceExternalModels(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, vector::VectorDialect *) {
    vector::TransferWriteOp::attachInterface<TransferWriteOpInterface>(*ctx);
  });
}

} // namespace qcc
