//===- FoldConstants.cpp - evaluate all-constant qcc subgraphs ------------===//
//
// This file implements the qcc-fold-constants pass. It runs the greedy
// rewrite driver with folding enabled: every qcc op's folder evaluates the op
// when its operands are constants (see dialects/Qcc/ConstantEval.h), the
// dialect materializes the result as a `qcc.constant`, and ops left without
// users are erased, so a whole constant subgraph collapses in one run.
// `qcc.reduce` has no folder and is evaluated by a pattern here.
//
//===----------------------------------------------------------------------===//

#include "qcc/Transforms/Passes.h"

#include "Qcc/ConstantEval.h"
#include "Qcc/QccOps.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace qcc {
#define GEN_PASS_DEF_QCCFOLDCONSTANTSPASS
#include "qcc/Transforms/Passes.h.inc"

namespace {

/// Replaces a `qcc.reduce` of a constant by the reduced constant.
struct FoldConstantReduce : OpRewritePattern<ReduceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ReduceOp op,
                                PatternRewriter &rewriter) const override {
    ElementsAttr input;
    if (!matchPattern(op.getInput(), m_Constant(&input)))
      return rewriter.notifyMatchFailure(op, "input is not a constant");
    ElementsAttr value =
        evalReduce(op.getKind(), input, op.getAxes(), op.getResult().getType(),
                   blobNameFor(op.getLoc()));
    if (!value)
      return rewriter.notifyMatchFailure(op, "reduction not evaluable");
    rewriter.replaceOpWithNewOp<ConstantOp>(op, value);
    return success();
  }
};

struct QccFoldConstantsPass
    : impl::QccFoldConstantsPassBase<QccFoldConstantsPass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldConstantReduce>(&getContext());
    // Keep folded constants where their op was instead of hoisting and
    // merging them at the function entry: the graph keeps its order and
    // each weight stays next to the layer that reads it.
    GreedyRewriteConfig config;
    config.enableFolding();
    config.enableConstantCSE(false);
    config.setUseTopDownTraversal();
    if (failed(
            applyPatternsGreedily(getOperation(), std::move(patterns), config)))
      getOperation().emitWarning()
          << "constant folding did not converge; some constants may remain "
             "unfolded";
  }
};

} // namespace
} // namespace qcc
