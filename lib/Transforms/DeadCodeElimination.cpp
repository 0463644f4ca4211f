//===- DeadCodeElimination.cpp - remove unused ops and functions ----------===//
//
// This file implements the qcc-dce pass. Inside every function it erases
// side-effect-free ops whose results are unused, visiting ops in reverse
// order (users before producers, nested regions first) so that a whole dead
// chain disappears in one sweep. It then erases private functions that
// nothing references, repeating until no more become unreferenced. Weights
// whose last `qcc.constant` is erased are no longer referenced, so the
// printer and the object emitter no longer emit their blobs.
//
//===----------------------------------------------------------------------===//

#include "qcc/Transforms/Passes.h"

#include "mlir/IR/Iterators.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

namespace qcc {
#define GEN_PASS_DEF_QCCDEADCODEELIMINATIONPASS
#include "qcc/Transforms/Passes.h.inc"

namespace {

struct QccDeadCodeEliminationPass
    : impl::QccDeadCodeEliminationPassBase<QccDeadCodeEliminationPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();

    // Dead ops inside function bodies. A post-order walk may erase the
    // visited op; the reverse order reaches users before their producers.
    module.walk([](FunctionOpInterface func) {
      func->walk<WalkOrder::PostOrder, ReverseIterator>([&](Operation *op) {
        if (op != func.getOperation() && isOpTriviallyDead(op))
          op->erase();
      });
    });

    // Private functions nobody references; erasing one may orphan the
    // private functions only it called.
    bool changed = true;
    while (changed) {
      changed = false;
      for (Operation &op : llvm::make_early_inc_range(module.getOps())) {
        auto symbol = llvm::dyn_cast<SymbolOpInterface>(&op);
        if (!symbol || !llvm::isa<FunctionOpInterface>(op) ||
            !symbol.isPrivate())
          continue;
        if (!SymbolTable::symbolKnownUseEmpty(&op, module))
          continue;
        op.erase();
        changed = true;
      }
    }
  }
};

} // namespace
} // namespace qcc
