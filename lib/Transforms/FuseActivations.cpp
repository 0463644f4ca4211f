//===- FuseActivations.cpp - fuse activations into layers -----------------===//
//
// This file implements the qcc-fuse-activations pass. A `qcc.unary` of an
// activation kind whose input is the only use of a `qcc.conv2d` or
// `qcc.matmul` result without a fused activation moves into the layer: its
// kind and params become the layer's `activation` and `act_params`
// attributes and the unary disappears. The layer's location becomes a
// FusedLoc of both nodes so diagnostics and reports still name the ONNX
// activation node.
//
//===----------------------------------------------------------------------===//

#include "qcc/Transforms/Passes.h"

#include "Qcc/QccOps.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace qcc {
#define GEN_PASS_DEF_QCCFUSEACTIVATIONSPASS
#include "qcc/Transforms/Passes.h.inc"

namespace {

/// Kinds that a layer's epilogue can apply (the lowering of the fused
/// activation handles exactly these).
static bool isFusableActivation(UnaryKind kind) {
  switch (kind) {
  case UnaryKind::relu:
  case UnaryKind::leaky_relu:
  case UnaryKind::clip:
  case UnaryKind::sigmoid:
  case UnaryKind::hard_sigmoid:
  case UnaryKind::hard_swish:
  case UnaryKind::tanh:
  case UnaryKind::gelu:
  case UnaryKind::elu:
  case UnaryKind::selu:
    return true;
  default:
    return false;
  }
}

/// Moves the activation `act` into `layer` (a conv2d or matmul op).
template <typename LayerOp>
static LogicalResult fuseInto(LayerOp layer, UnaryOp act,
                              PatternRewriter &rewriter) {
  if (layer.getActivation())
    return rewriter.notifyMatchFailure(act, "layer already has an activation");
  if (!layer.getResult().hasOneUse())
    return rewriter.notifyMatchFailure(act, "layer result has other users");
  if (layer.getResult().getType() != act.getResult().getType())
    return rewriter.notifyMatchFailure(act, "activation changes the type");
  rewriter.modifyOpInPlace(layer, [&] {
    layer.setActivation(act.getKind());
    layer.setActParams(act.getParams());
    layer->setLoc(rewriter.getFusedLoc({layer.getLoc(), act.getLoc()}));
  });
  rewriter.replaceOp(act, layer.getResult());
  return success();
}

/// Fuses `qcc.unary <activation>(layer)` into the layer.
struct FuseActivation : OpRewritePattern<UnaryOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(UnaryOp op,
                                PatternRewriter &rewriter) const override {
    if (!isFusableActivation(op.getKind()))
      return rewriter.notifyMatchFailure(op, "not a fusable activation");
    Operation *producer = op.getInput().getDefiningOp();
    if (auto conv = llvm::dyn_cast_if_present<Conv2DOp>(producer))
      return fuseInto(conv, op, rewriter);
    if (auto matmul = llvm::dyn_cast_if_present<MatMulOp>(producer))
      return fuseInto(matmul, op, rewriter);
    return rewriter.notifyMatchFailure(op, "input is not a conv2d or matmul");
  }
};

struct QccFuseActivationsPass
    : impl::QccFuseActivationsPassBase<QccFuseActivationsPass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseActivation>(&getContext());
    // Only this rewrite: no folding, so the pass never changes constants.
    GreedyRewriteConfig config;
    config.enableFolding(false);
    config.enableConstantCSE(false);
    if (failed(
            applyPatternsGreedily(getOperation(), std::move(patterns), config)))
      getOperation().emitWarning() << "activation fusion did not converge";
  }
};

} // namespace
} // namespace qcc
