//===- DistinctReturnBuffers.cpp - one buffer per function result ---------===//
//
// This file implements qcc-distinct-return-buffers: a buffer that a function
// returns more than once (a graph that names one value as several outputs) is
// copied into a fresh allocation for each repeated result, so that
// buffer-results-to-out-params sees one distinct buffer per result and writes
// each caller-provided out parameter exactly once.
//
// Why here and not on the qcc graph: a tensor-level copy (Identity, a
// linalg.copy or an identity linalg.generic) is folded away again by the
// canonicalizer and CSE that run between import and bufferization, and the
// problem only exists once results are buffers. Running right before
// buffer-results-to-out-params fixes every producer at once: computed
// values, graph inputs and initializers returned several times.
//
//===----------------------------------------------------------------------===//

#include "qcc/Target/Passes.h"

#include "llvm/ADT/DenseSet.h"

using namespace mlir;

namespace qcc {
#define GEN_PASS_DEF_QCCDISTINCTRETURNBUFFERSPASS
#include "qcc/Target/Passes.h.inc"

namespace {

struct QccDistinctReturnBuffersPass
    : impl::QccDistinctReturnBuffersPassBase<QccDistinctReturnBuffersPass> {
  using Base::Base;

  void runOnOperation() override {
    WalkResult result = getOperation().walk([&](func::ReturnOp ret) {
      if (failed(makeDistinct(ret)))
        return WalkResult::interrupt();
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }

  /// Replaces every memref operand of `ret` that an earlier operand already
  /// returns by a copy of it in a new allocation.
  LogicalResult makeDistinct(func::ReturnOp ret) {
    llvm::SmallDenseSet<Value, 8> seen;
    OpBuilder b(ret);
    for (OpOperand &operand : ret->getOpOperands()) {
      Value value = operand.get();
      auto type = dyn_cast<MemRefType>(value.getType());
      if (!type || seen.insert(value).second)
        continue;
      // The function boundary is bufferized with identity layouts, so a
      // result never has another one; the check keeps the copy well typed.
      if (!type.getLayout().isIdentity())
        return ret.emitError("internal error: result ")
               << operand.getOperandNumber()
               << " repeats a buffer with a non-identity layout: " << type;
      SmallVector<Value> dynamicSizes;
      for (auto [dim, size] : llvm::enumerate(type.getShape()))
        if (ShapedType::isDynamic(size))
          dynamicSizes.push_back(
              memref::DimOp::create(b, ret.getLoc(), value, dim));
      Value copy = memref::AllocOp::create(b, ret.getLoc(), type, dynamicSizes);
      memref::CopyOp::create(b, ret.getLoc(), value, copy);
      operand.set(copy);
    }
    return success();
  }
};

} // namespace
} // namespace qcc
