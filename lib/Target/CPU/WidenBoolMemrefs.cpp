//===- WidenBoolMemrefs.cpp - store booleans as bytes ---------------------===//
//
// This file implements qcc-widen-bool-memrefs. MLIR's LLVM lowering gives a
// memref<...xi1> one byte per element (getelementptr over i1), but a
// vector<Nxi1> load or store moves N packed bits. A boolean buffer written
// with 8-lane vectors and read back with 3-lane vectors or scalars (as a
// broadcasting consumer does) therefore reads the wrong bits. Retyping every
// i1 memref to i8 keeps the byte layout and makes every access byte-wise:
// stores zero-extend their i1 values, loads truncate the bytes (always 0 or 1,
// since only zero-extended booleans are ever stored).
//
//===----------------------------------------------------------------------===//

#include "qcc/Target/Passes.h"

#include "mlir/IR/Builders.h"

using namespace mlir;

namespace qcc {
#define GEN_PASS_DEF_QCCWIDENBOOLMEMREFSPASS
#include "qcc/Target/Passes.h.inc"

namespace {

/// Returns `type` with i1 elements replaced by i8 when it is an i1 memref,
/// and null otherwise.
MemRefType widenedType(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref || !memref.getElementType().isInteger(1))
    return {};
  return MemRefType::get(memref.getShape(),
                         IntegerType::get(type.getContext(), 8),
                         memref.getLayout(), memref.getMemorySpace());
}

/// Returns `type` (i1 or a vector of i1) with i8 elements.
Type toBytes(Type type) {
  Type i8 = IntegerType::get(type.getContext(), 8);
  if (auto vec = dyn_cast<VectorType>(type))
    return vec.clone(i8);
  return i8;
}

bool isBool(Type type) { return getElementTypeOrSelf(type).isInteger(1); }

bool isByteMemRef(Value v) {
  auto memref = dyn_cast<MemRefType>(v.getType());
  return memref && memref.getElementType().isInteger(8);
}

/// Makes the operand `operand` (an i1 value stored into a byte buffer) a
/// zero-extended byte.
void widenOperand(OpBuilder &b, OpOperand &operand) {
  Value v = operand.get();
  b.setInsertionPoint(operand.getOwner());
  operand.set(arith::ExtUIOp::create(b, v.getLoc(), toBytes(v.getType()), v));
}

/// Makes the i1 result `result` (loaded from a byte buffer) a byte and
/// truncates it back to i1 for its users.
void widenResult(OpBuilder &b, Value result) {
  Type boolType = result.getType();
  result.setType(toBytes(boolType));
  b.setInsertionPointAfterValue(result);
  auto trunc = arith::TruncIOp::create(b, result.getLoc(), boolType, result);
  result.replaceAllUsesExcept(trunc, trunc);
}

struct QccWidenBoolMemrefsPass
    : impl::QccWidenBoolMemrefsPassBase<QccWidenBoolMemrefsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    Type i8 = IntegerType::get(&getContext(), 8);

    // Globals: same bytes, i8 elements.
    for (auto global : module.getOps<memref::GlobalOp>()) {
      MemRefType type = widenedType(global.getType());
      if (!type)
        continue;
      global.setType(type);
      if (auto init = dyn_cast_or_null<DenseIntElementsAttr>(
              global.getInitialValueAttr())) {
        global.setInitialValueAttr(
            init.mapValues(i8, [](const APInt &v) { return v.zext(8); }));
      } else if (global.getInitialValueAttr() &&
                 !isa<UnitAttr>(global.getInitialValueAttr())) {
        global.emitError("unsupported boolean constant encoding");
        return signalPassFailure();
      }
    }

    // Every i1 memref value becomes an i8 memref.
    module.walk([&](Operation *op) {
      for (Value result : op->getResults())
        if (MemRefType type = widenedType(result.getType()))
          result.setType(type);
      for (Region &region : op->getRegions())
        for (Block &block : region)
          for (BlockArgument arg : block.getArguments())
            if (MemRefType type = widenedType(arg.getType()))
              arg.setType(type);
      if (auto func = dyn_cast<FunctionOpInterface>(op)) {
        auto convert = [](TypeRange types) {
          SmallVector<Type> out;
          for (Type t : types) {
            MemRefType w = widenedType(t);
            out.push_back(w ? Type(w) : t);
          }
          return out;
        };
        func.setType(FunctionType::get(op->getContext(),
                                       convert(func.getArgumentTypes()),
                                       convert(func.getResultTypes())));
      }
    });

    // Accesses move bytes; booleans are widened/narrowed around them.
    OpBuilder b(&getContext());
    WalkResult walk = module.walk([&](Operation *op) {
      if (auto read = dyn_cast<vector::TransferReadOp>(op)) {
        if (isBool(read.getType()) && isByteMemRef(read.getBase())) {
          widenOperand(b, read.getPaddingMutable());
          widenResult(b, read.getResult());
        }
      } else if (auto write = dyn_cast<vector::TransferWriteOp>(op)) {
        if (isBool(write.getVectorType()) && isByteMemRef(write.getBase()))
          widenOperand(b, write.getValueToStoreMutable());
      } else if (auto load = dyn_cast<vector::LoadOp>(op)) {
        if (isBool(load.getType()) && isByteMemRef(load.getBase()))
          widenResult(b, load.getResult());
      } else if (auto store = dyn_cast<vector::StoreOp>(op)) {
        if (isBool(store.getValueToStore().getType()) &&
            isByteMemRef(store.getBase()))
          widenOperand(b, store.getValueToStoreMutable());
      } else if (auto load = dyn_cast<vector::MaskedLoadOp>(op)) {
        if (isBool(load.getType()) && isByteMemRef(load.getBase())) {
          widenOperand(b, load.getPassThruMutable());
          widenResult(b, load.getResult());
        }
      } else if (auto store = dyn_cast<vector::MaskedStoreOp>(op)) {
        if (isBool(store.getValueToStore().getType()) &&
            isByteMemRef(store.getBase()))
          widenOperand(b, store.getValueToStoreMutable());
      } else if (auto load = dyn_cast<memref::LoadOp>(op)) {
        if (isBool(load.getType()) && isByteMemRef(load.getMemRef()))
          widenResult(b, load.getResult());
      } else if (auto store = dyn_cast<memref::StoreOp>(op)) {
        if (isBool(store.getValueToStore().getType()) &&
            isByteMemRef(store.getMemRef()))
          widenOperand(b, store.getValueMutable());
      } else if (isa<vector::GatherOp, vector::ScatterOp>(op)) {
        // Accesses this pass does not rewrite: fail loudly rather than let
        // a byte buffer be read as packed bits. (linalg ops on memrefs fail
        // verification instead: their i1 block arguments no longer match.)
        for (Value operand : op->getOperands()) {
          if (!isByteMemRef(operand))
            continue;
          if (llvm::any_of(op->getOperandTypes(), isBool) ||
              llvm::any_of(op->getResultTypes(), isBool)) {
            op->emitError("unsupported boolean buffer access");
            return WalkResult::interrupt();
          }
        }
      }
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
} // namespace qcc
