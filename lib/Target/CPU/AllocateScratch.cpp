//===- AllocateScratch.cpp - place buffers in one scratch arena -----------===//
//
// This file implements qcc-allocate-scratch. After bufferization every
// intermediate tensor is a statically shaped `memref.alloc`. The object must
// never call malloc, so this pass gives each allocation an offset in one
// caller-provided arena and rewrites it into a `memref.view` of a new trailing
// function argument.
//
// Offsets come from the buffers' lifetimes: a buffer is live from the
// top-level op (direct child of the function body) that allocates it to the
// last top-level op that uses it or any value derived from it (views,
// reshapes, loop results). Uses nested in loops count as the whole loop, so a
// buffer allocated inside a loop body keeps one slot for the whole loop: a
// fresh allocation per iteration never carries data across iterations in
// destination-passing IR. Buffers whose lifetimes do not overlap share
// memory; placement is first-fit in decreasing size order, 64-byte aligned.
//
//===----------------------------------------------------------------------===//

#include "qcc/Target/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

using namespace mlir;

namespace qcc {
#define GEN_PASS_DEF_QCCALLOCATESCRATCHPASS
#include "qcc/Target/Passes.h.inc"

namespace {

constexpr int64_t kArenaAlignment = 64;

struct Buffer {
  memref::AllocOp alloc;
  int64_t bytes = 0;
  int64_t start = 0; // index of the first top-level op of the lifetime
  int64_t end = 0;   // index of the last top-level op of the lifetime
  int64_t offset = -1;
};

/// Returns the ancestor of `op` that is a direct child of `body`.
static Operation *topLevelAncestor(Operation *op, Block &body) {
  while (op && op->getBlock() != &body)
    op = op->getParentOp();
  return op;
}

/// Byte size of a statically shaped memref (i1 stored as one byte).
static int64_t byteSize(MemRefType type) {
  Type e = type.getElementType();
  int64_t width = 0;
  if (auto vt = llvm::dyn_cast<VectorType>(e))
    width = vt.getNumElements() *
            ((vt.getElementType().getIntOrFloatBitWidth() + 7) / 8);
  else if (e.isIntOrFloat())
    width = (e.getIntOrFloatBitWidth() + 7) / 8;
  else if (e.isIndex())
    width = 8;
  return type.getNumElements() * width;
}

struct QccAllocateScratchPass
    : impl::QccAllocateScratchPassBase<QccAllocateScratchPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto func = module.lookupSymbol<func::FuncOp>(entryName);
    if (!func) {
      module.emitError("entry function '") << entryName << "' not found";
      return signalPassFailure();
    }
    if (!func.getBody().hasOneBlock()) {
      func.emitError("expected a single-block entry function");
      return signalPassFailure();
    }
    Block &body = func.getBody().front();
    llvm::DenseMap<Operation *, int64_t> position;
    for (auto [i, op] : llvm::enumerate(body))
      position[&op] = i;

    // Collect allocations and their lifetimes.
    SmallVector<Buffer> buffers;
    WalkResult walk = func.walk([&](memref::AllocOp alloc) {
      MemRefType type = alloc.getType();
      if (!type.hasStaticShape() || !type.getLayout().isIdentity()) {
        alloc.emitError("cannot place a dynamically shaped or strided "
                        "buffer in the scratch arena");
        return WalkResult::interrupt();
      }
      Buffer b;
      b.alloc = alloc;
      b.bytes = byteSize(type);
      b.start = b.end = position[topLevelAncestor(alloc, body)];
      SmallVector<Value> worklist = {alloc.getResult()};
      llvm::SmallPtrSet<Value, 8> seen;
      while (!worklist.empty()) {
        Value v = worklist.pop_back_val();
        if (!seen.insert(v).second)
          continue;
        for (Operation *user : v.getUsers()) {
          if (isa<memref::DeallocOp>(user))
            continue;
          Operation *top = topLevelAncestor(user, body);
          b.end = std::max(b.end, position[top]);
          // Anything memref-typed derived from the buffer aliases it.
          for (Value r : user->getResults())
            if (isa<BaseMemRefType>(r.getType()))
              worklist.push_back(r);
          // Region-carrying users (loops) may forward it out of the loop.
          if (top != user)
            for (Value r : top->getResults())
              if (isa<BaseMemRefType>(r.getType()))
                worklist.push_back(r);
        }
      }
      buffers.push_back(b);
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();

    // First-fit placement, largest buffers first.
    SmallVector<Buffer *> order;
    for (Buffer &b : buffers)
      order.push_back(&b);
    llvm::stable_sort(order,
                      [](Buffer *a, Buffer *b) { return a->bytes > b->bytes; });
    int64_t arenaSize = 0;
    SmallVector<Buffer *> placed;
    for (Buffer *b : order) {
      SmallVector<std::pair<int64_t, int64_t>> busy;
      for (Buffer *p : placed)
        if (p->start <= b->end && b->start <= p->end)
          busy.push_back({p->offset, p->offset + p->bytes});
      llvm::sort(busy);
      int64_t offset = 0;
      for (auto [lo, hi] : busy) {
        if (offset + b->bytes <= lo)
          break;
        offset = std::max<int64_t>(offset, llvm::alignTo(hi, kArenaAlignment));
      }
      b->offset = offset;
      arenaSize = std::max(arenaSize, offset + b->bytes);
      placed.push_back(b);
    }
    arenaSize = (int64_t)llvm::alignTo(arenaSize, kArenaAlignment);

    // Add the arena argument and rewrite allocations into views.
    MLIRContext *ctx = &getContext();
    auto arenaType = MemRefType::get({arenaSize}, IntegerType::get(ctx, 8));
    unsigned argIndex = func.getNumArguments();
    if (failed(func.insertArgument(
            argIndex, arenaType,
            DictionaryAttr::get(
                ctx, {NamedAttribute(StringAttr::get(ctx, "qcc.scratch"),
                                     UnitAttr::get(ctx))}),
            func.getLoc()))) {
      func.emitError("failed to add the scratch argument");
      return signalPassFailure();
    }
    Value arena = func.getArgument(argIndex);
    for (Buffer &b : buffers) {
      OpBuilder builder(b.alloc);
      Location loc = b.alloc.getLoc();
      Value offset = arith::ConstantIndexOp::create(builder, loc, b.offset);
      Value view = memref::ViewOp::create(builder, loc, b.alloc.getType(),
                                          arena, offset, ValueRange{});
      for (Operation *user : llvm::make_early_inc_range(b.alloc->getUsers()))
        if (isa<memref::DeallocOp>(user))
          user->erase();
      b.alloc.replaceAllUsesWith(view);
      b.alloc.erase();
    }
    func->setAttr("qcc.scratch_size",
                  IntegerAttr::get(IntegerType::get(ctx, 64), arenaSize));

    // Strided copies would lower to a runtime library call (memrefCopy);
    // turn them into linalg.copy, which becomes plain loops. Self-copies go.
    func.walk([&](memref::CopyOp copy) {
      if (copy.getSource() == copy.getTarget()) {
        copy.erase(); // a self-copy left by bufferization
        return;
      }
      auto src = cast<MemRefType>(copy.getSource().getType());
      auto dst = cast<MemRefType>(copy.getTarget().getType());
      if (src.getLayout().isIdentity() && dst.getLayout().isIdentity())
        return;
      OpBuilder builder(copy);
      linalg::CopyOp::create(builder, copy.getLoc(), copy.getSource(),
                             copy.getTarget());
      copy.erase();
    });
  }
};

} // namespace
} // namespace qcc
