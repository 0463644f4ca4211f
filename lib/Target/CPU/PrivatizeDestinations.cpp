//===- PrivatizeDestinations.cpp - one writer per destination tensor ------===//
//
// This file implements qcc-privatize-destinations: before One-Shot Bufferize,
// every tensor value written in place by more than one op gets a private
// destination per extra writer (see the pass description in Passes.td).
//
//===----------------------------------------------------------------------===//

#include "qcc/Target/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/IR/Dominance.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;

namespace qcc {
#define GEN_PASS_DEF_QCCPRIVATIZEDESTINATIONSPASS
#include "qcc/Target/Passes.h.inc"

namespace {

/// True if `use` writes (part of) the tensor it names, i.e. bufferizing the
/// user in place overwrites the buffer of `use.get()`.
bool isDestinationUse(OpOperand &use) {
  Operation *user = use.getOwner();
  if (!isa<RankedTensorType>(use.get().getType()))
    return false;
  if (auto write = dyn_cast<vector::TransferWriteOp>(user))
    return &use == &write.getBaseMutable();
  if (auto insert = dyn_cast<tensor::InsertSliceOp>(user))
    return &use == &insert.getDestMutable();
  if (auto insert = dyn_cast<tensor::InsertOp>(user))
    return &use == &insert.getDestMutable();
  if (auto forOp = dyn_cast<scf::ForOp>(user))
    return use.getOperandNumber() >= forOp.getNumControlOperands();
  if (auto dps = dyn_cast<DestinationStyleOpInterface>(user))
    return dps.isDpsInit(&use);
  return false;
}

/// True if recomputing `op` is about as cheap as copying its result: empty
/// tensors, fills, and loops that only store loop-invariant values (the
/// vectorized form of a fill).
bool isCheapToClone(Operation *op) {
  if (isa<tensor::EmptyOp, linalg::FillOp>(op))
    return true;
  auto forOp = dyn_cast<scf::ForOp>(op);
  if (!forOp)
    return false;
  WalkResult walk = forOp.getBody()->walk([&](Operation *nested) {
    if (isa<scf::ForOp, scf::YieldOp, arith::ConstantOp, affine::AffineApplyOp,
            arith::AddIOp, arith::MulIOp, arith::SubIOp>(nested))
      return WalkResult::advance();
    if (auto write = dyn_cast<vector::TransferWriteOp>(nested)) {
      // The stored vector must not depend on the loops.
      if (forOp.getRegion().isAncestor(write.getVector().getParentRegion()))
        return WalkResult::interrupt();
      return WalkResult::advance();
    }
    return WalkResult::interrupt();
  });
  return !walk.wasInterrupted();
}

struct QccPrivatizeDestinationsPass
    : impl::QccPrivatizeDestinationsPassBase<QccPrivatizeDestinationsPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // Values in program order; cloned producers add their operands back.
    llvm::SetVector<Value> worklist;
    func.walk([&](Operation *op) {
      for (Value result : op->getResults())
        if (isa<RankedTensorType>(result.getType()))
          worklist.insert(result);
    });
    for (BlockArgument arg : func.getArguments())
      if (isa<RankedTensorType>(arg.getType()))
        worklist.insert(arg);

    DominanceInfo dom(func);
    while (!worklist.empty()) {
      Value value = worklist.pop_back_val();
      SmallVector<OpOperand *> writers;
      for (OpOperand &use : value.getUses())
        if (isDestinationUse(use))
          writers.push_back(&use);
      if (writers.size() < 2)
        continue;
      // Keep the first writer in program order on the original value.
      llvm::sort(writers, [&](OpOperand *a, OpOperand *b) {
        return dom.properlyDominates(a->getOwner(), b->getOwner());
      });
      Operation *producer = value.getDefiningOp();
      bool clone = producer && isCheapToClone(producer);
      for (OpOperand *use : llvm::drop_begin(writers)) {
        OpBuilder b(use->getOwner());
        Value priv;
        if (clone) {
          Operation *copy = b.clone(*producer);
          priv = copy->getResult(cast<OpResult>(value).getResultNumber());
          for (Value operand : copy->getOperands())
            if (isa<RankedTensorType>(operand.getType()))
              worklist.insert(operand);
        } else {
          auto type = cast<RankedTensorType>(value.getType());
          if (!type.hasStaticShape()) {
            use->getOwner()->emitError(
                "qcc-privatize-destinations: dynamically shaped tensor "
                "written by several ops");
            return signalPassFailure();
          }
          priv = bufferization::AllocTensorOp::create(
              b, use->getOwner()->getLoc(), type, ValueRange(), value);
        }
        use->set(priv);
      }
    }
  }
};

} // namespace
} // namespace qcc
