//===- DropEmptyBuffers.cpp - remove zero-element buffers -----------------===//
//
// This file implements qcc-drop-empty-buffers: ops that define or use a
// memref with zero elements move no data and are erased (users first), and
// zero-element function arguments become memref<0xT>, which the bare-pointer
// LLVM lowering accepts (a memref such as memref<20x0x5xf32> has no strided
// form it can lower).
//
//===----------------------------------------------------------------------===//

#include "qcc/Target/Passes.h"

using namespace mlir;

namespace qcc {
#define GEN_PASS_DEF_QCCDROPEMPTYBUFFERSPASS
#include "qcc/Target/Passes.h.inc"

namespace {

bool isEmptyMemRef(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  return memref && memref.hasStaticShape() && memref.getNumElements() == 0;
}

/// True if `op` defines or uses a zero-element memref.
bool touchesEmpty(Operation *op) {
  return llvm::any_of(op->getOperandTypes(), isEmptyMemRef) ||
         llvm::any_of(op->getResultTypes(), isEmptyMemRef);
}

struct QccDropEmptyBuffersPass
    : impl::QccDropEmptyBuffersPassBase<QccDropEmptyBuffersPass> {
  using Base::Base;

  void runOnOperation() override {
    WalkResult result = getOperation().walk([&](func::FuncOp func) {
      if (failed(runOnFunction(func)))
        return WalkResult::interrupt();
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }

  LogicalResult runOnFunction(func::FuncOp func) {
    if (func.isExternal())
      return success();
    // Erase users before definitions until nothing changes.
    bool changed = true;
    while (changed) {
      changed = false;
      SmallVector<Operation *> ops;
      func.walk([&](Operation *op) {
        if (op != func && !op->hasTrait<OpTrait::IsTerminator>() &&
            touchesEmpty(op))
          ops.push_back(op);
      });
      for (Operation *op : llvm::reverse(ops)) {
        if (!op->use_empty())
          continue;
        op->erase();
        changed = true;
      }
    }
    Operation *left = nullptr;
    func.walk([&](Operation *op) {
      if (op != func && touchesEmpty(op) && !left)
        left = op;
    });
    if (left)
      return left->emitError(
          "unsupported: an operation that reads a zero-element tensor");

    // Zero-element arguments: one (never dereferenced) pointer each.
    if (func.getBody().empty())
      return success();
    Block &entry = func.getBody().front();
    SmallVector<Type> argTypes(func.getArgumentTypes());
    for (BlockArgument arg : entry.getArguments()) {
      if (!isEmptyMemRef(arg.getType()))
        continue;
      auto type = cast<MemRefType>(arg.getType());
      auto flat = MemRefType::get({0}, type.getElementType());
      arg.setType(flat);
      argTypes[arg.getArgNumber()] = flat;
    }
    func.setType(
        FunctionType::get(func.getContext(), argTypes, func.getResultTypes()));
    return success();
  }
};

} // namespace
} // namespace qcc
