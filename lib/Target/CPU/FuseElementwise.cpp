//===- FuseElementwise.cpp - elementwise fusion without reshape folding ---===//
//
// This file implements qcc-fuse-elementwise: the elementwise subset of
// upstream linalg fusion. Named ops (matmul, convolutions) keep their form
// so the vectorizer recognizes them; chains of elementwise generics (bias,
// activation, broadcasting arithmetic) become single loop nests.
//
//===----------------------------------------------------------------------===//

#include "qcc/Target/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace qcc {
#define GEN_PASS_DEF_QCCFUSEELEMENTWISEPASS
#include "qcc/Target/Passes.h.inc"

namespace {
struct QccFuseElementwisePass
    : impl::QccFuseElementwisePassBase<QccFuseElementwisePass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    // Fuse a producer only when it has a single user: duplicating work into
    // several consumers would recompute it (e.g. an exp feeding both the
    // softmax sum and its division).
    // Pair-packed integer contractions (qcc.pair_dot, see
    // qcc-tile-and-vectorize) keep their packed operands: their payload is
    // replaced by a pair multiply-add, and each operand element is read by
    // many output tiles.
    linalg::ControlFusionFn control = [](OpOperand *operand) {
      Operation *producer = operand->get().getDefiningOp();
      return producer && producer->hasOneUse() &&
             !operand->getOwner()->hasAttr("qcc.pair_dot");
    };
    linalg::populateElementwiseOpsFusionPatterns(patterns, control);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace qcc
