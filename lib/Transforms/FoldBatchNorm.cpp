//===- FoldBatchNorm.cpp - fold per-channel affine ops into layers --------===//
//
// This file implements the qcc-fold-batchnorm pass. Inference batch
// normalization, and the per-channel constant multiply / add that exported
// models often leave after a convolution, are affine maps per output
// channel:
//
//   y[.., c, ..] = layer(x)[.., c, ..] * s[c] + t[c]
//
// When `layer` is a conv2d or matmul with constant weights (and a constant or
// no bias), no fused activation, and no other user, the map folds into the
// layer: weights of output channel c scale by s[c] and the bias becomes
// `bias[c] * s[c] + t[c]` (a bias is created when there was none). For
// batch_norm, `s = scale / sqrt(var + eps)` and `t = beta - mean * s`.
//
// The output channel is dimension 1 of a conv2d (dimension 0 of its OIHW
// weight) and the last dimension of a matmul (the last dimension of its rhs).
// batch_norm normalizes dimension 1, so it folds into a matmul only when the
// matmul result has rank 2. All arithmetic is in double; the new weights are
// stored in the original weight element type.
//
//===----------------------------------------------------------------------===//

#include "qcc/Transforms/Passes.h"

#include "Qcc/ConstantData.h"
#include "Qcc/ConstantEval.h"
#include "Qcc/QccOps.h"

#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

using namespace mlir;

namespace qcc {
#define GEN_PASS_DEF_QCCFOLDBATCHNORMPASS
#include "qcc/Transforms/Passes.h.inc"

namespace {

/// The values of `v` if it is a constant with int or float elements.
static std::optional<std::vector<double>> constantValues(Value v,
                                                         ElementsAttr *attr) {
  ElementsAttr elements;
  if (!matchPattern(v, m_Constant(&elements)))
    return std::nullopt;
  if (attr)
    *attr = elements;
  return getElementsAsDouble(elements);
}

/// Name for a blob derived from `attr` (its resource key when it is one).
static std::string derivedBlobName(ElementsAttr attr, Location loc,
                                   StringRef suffix) {
  if (auto res = llvm::dyn_cast_if_present<DenseResourceElementsAttr>(attr))
    return res.getRawHandle().getKey().str();
  return blobNameFor(loc) + suffix.str();
}

/// A conv2d or matmul whose output channels a per-channel affine map can be
/// folded into, with its constant weights read out.
struct FoldableLayer {
  Operation *op = nullptr;
  /// The weight operand (conv weight, matmul rhs) and its constant value,
  /// decoded only when the weights must change.
  Value weight;
  ElementsAttr weightAttr;
  /// Bias values per output channel (zeros when the layer has none).
  std::vector<double> bias;
  ElementsAttr biasAttr;
  /// Number of output channels and the output channel's dimension in the
  /// layer's result.
  int64_t channels = 0;
  int64_t channelDim = 0;

  /// Output channel of weight element `i` (row-major).
  int64_t channelOf(int64_t i) const {
    auto shape = llvm::cast<ShapedType>(weight.getType()).getShape();
    if (llvm::isa<Conv2DOp>(op))
      return i / (shape[1] * shape[2] * shape[3]);
    return i % shape.back();
  }
};

/// Checks that `value` is produced by a conv2d or matmul that a per-channel
/// affine map may be folded into, and reads its weights and bias.
static FailureOr<FoldableLayer>
matchLayer(Value value, PatternRewriter &rewriter, Operation *user) {
  FoldableLayer layer;
  layer.op = value.getDefiningOp();
  if (!layer.op || !llvm::isa<Conv2DOp, MatMulOp>(layer.op))
    return rewriter.notifyMatchFailure(user, "input is not a conv2d/matmul");
  if (!value.hasOneUse())
    return rewriter.notifyMatchFailure(user, "layer result has other users");
  if (layer.op->getAttr("activation"))
    return rewriter.notifyMatchFailure(user, "layer has a fused activation");
  auto resultType = llvm::cast<RankedTensorType>(value.getType());
  if (!llvm::isa<FloatType>(resultType.getElementType()))
    return rewriter.notifyMatchFailure(user, "layer result is not float");

  Value bias;
  if (auto conv = llvm::dyn_cast<Conv2DOp>(layer.op)) {
    layer.weight = conv.getWeight();
    bias = conv.getBias();
    layer.channelDim = 1;
  } else {
    auto matmul = llvm::cast<MatMulOp>(layer.op);
    layer.weight = matmul.getRhs();
    bias = matmul.getBias();
    layer.channelDim = resultType.getRank() - 1;
  }
  layer.channels = resultType.getDimSize(layer.channelDim);
  auto weightType = llvm::cast<RankedTensorType>(layer.weight.getType());
  if (!llvm::isa<FloatType>(weightType.getElementType()))
    return rewriter.notifyMatchFailure(user, "weights are not float");
  if (!matchPattern(layer.weight, m_Constant(&layer.weightAttr)))
    return rewriter.notifyMatchFailure(user, "weights are not constant");

  layer.bias.assign(layer.channels, 0.0);
  if (bias) {
    auto biasType = llvm::cast<RankedTensorType>(bias.getType());
    auto values = constantValues(bias, &layer.biasAttr);
    if (!values || !llvm::isa<FloatType>(biasType.getElementType()))
      return rewriter.notifyMatchFailure(user, "bias is not constant");
    // A matmul bias broadcasts to the result; only a bias that varies along
    // the channel (last) dimension alone can be rewritten per channel.
    ArrayRef<int64_t> shape = biasType.getShape();
    if (llvm::any_of(shape.drop_back(), [](int64_t d) { return d != 1; }))
      return rewriter.notifyMatchFailure(user, "bias is not per channel");
    int64_t n = shape.empty() ? 1 : shape.back();
    if (n != 1 && n != layer.channels)
      return rewriter.notifyMatchFailure(user, "bias is not per channel");
    for (int64_t c = 0; c < layer.channels; ++c)
      layer.bias[c] = (*values)[n == 1 ? 0 : c];
  }
  return layer;
}

/// Rewrites `layer` so that its result becomes `result * scale[c] +
/// shift[c]`, replacing `replaced` (the op that applied the map) by it.
/// Fails without touching the IR when the weights cannot be read.
static LogicalResult foldAffine(FoldableLayer &layer, ArrayRef<double> scale,
                                ArrayRef<double> shift, Operation *replaced,
                                PatternRewriter &rewriter) {
  Location loc = rewriter.getFusedLoc({layer.op->getLoc(), replaced->getLoc()});
  auto weightType = llvm::cast<RankedTensorType>(layer.weight.getType());
  // A pure shift (bias add) leaves the weights, possibly megabytes, shared.
  bool scalesWeights = llvm::any_of(scale, [](double s) { return s != 1.0; });
  std::vector<double> weights;
  if (scalesWeights) {
    auto values = getElementsAsDouble(layer.weightAttr);
    if (!values)
      return rewriter.notifyMatchFailure(replaced, "weights not readable");
    weights = std::move(*values);
    for (size_t i = 0; i < weights.size(); ++i)
      weights[i] *= scale[layer.channelOf((int64_t)i)];
  }
  std::vector<double> bias(layer.channels);
  for (int64_t c = 0; c < layer.channels; ++c)
    bias[c] = layer.bias[c] * scale[c] + shift[c];

  auto resultType = llvm::cast<RankedTensorType>(layer.op->getResultTypes()[0]);
  auto biasType =
      RankedTensorType::get({layer.channels}, resultType.getElementType());
  std::string weightName =
      derivedBlobName(layer.weightAttr, layer.op->getLoc(), ".weight");
  std::string biasName =
      derivedBlobName(layer.biasAttr, layer.op->getLoc(), ".bias");

  rewriter.setInsertionPoint(layer.op);
  Value newWeight = layer.weight;
  if (scalesWeights)
    newWeight =
        ConstantOp::create(rewriter, layer.weight.getLoc(),
                           makeElements(weightType, weights, weightName));
  Value newBias =
      ConstantOp::create(rewriter, loc, makeElements(biasType, bias, biasName));

  // Both layers take (input, weight, bias?): operand 1 is the weight.
  SmallVector<Value> operands = {layer.op->getOperand(0), newWeight, newBias};
  OperationState state(loc, layer.op->getName());
  state.addOperands(operands);
  state.addTypes(resultType);
  state.addAttributes(layer.op->getAttrs());
  Operation *folded = rewriter.create(state);
  rewriter.replaceOp(replaced, folded->getResults());
  rewriter.eraseOp(layer.op);
  return success();
}

/// batch_norm(conv2d/matmul) -> conv2d/matmul with scaled weights and bias.
struct FoldBatchNormIntoLayer : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BatchNormOp op,
                                PatternRewriter &rewriter) const override {
    auto inputType = op.getInput().getType();
    if (llvm::isa_and_present<MatMulOp>(op.getInput().getDefiningOp()) &&
        inputType.getRank() != 2)
      return rewriter.notifyMatchFailure(
          op, "batch_norm normalizes dimension 1, not the matmul's columns");
    FailureOr<FoldableLayer> layer = matchLayer(op.getInput(), rewriter, op);
    if (failed(layer))
      return failure();
    auto gamma = constantValues(op.getScale(), nullptr);
    auto beta = constantValues(op.getBias(), nullptr);
    auto mean = constantValues(op.getMean(), nullptr);
    auto var = constantValues(op.getVariance(), nullptr);
    if (!gamma || !beta || !mean || !var)
      return rewriter.notifyMatchFailure(op, "parameters are not constant");
    int64_t c = layer->channels;
    if ((int64_t)gamma->size() != c || (int64_t)var->size() != c)
      return rewriter.notifyMatchFailure(op, "parameter count mismatch");
    double eps = op.getEpsilon().convertToDouble();
    std::vector<double> scale(c), shift(c);
    for (int64_t i = 0; i < c; ++i) {
      scale[i] = (*gamma)[i] / std::sqrt((*var)[i] + eps);
      shift[i] = (*beta)[i] - (*mean)[i] * scale[i];
    }
    return foldAffine(*layer, scale, shift, op, rewriter);
  }
};

/// conv2d/matmul (*, /, +, -) a constant that varies only along the layer's
/// output channel -> conv2d/matmul with scaled weights and bias.
struct FoldChannelConstantIntoLayer : OpRewritePattern<BinaryOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BinaryOp op,
                                PatternRewriter &rewriter) const override {
    BinaryKind kind = op.getKind();
    if (kind != BinaryKind::add && kind != BinaryKind::sub &&
        kind != BinaryKind::mul && kind != BinaryKind::div)
      return rewriter.notifyMatchFailure(op, "not an affine kind");
    Value layerValue = op.getLhs(), constant = op.getRhs();
    bool commutative = kind == BinaryKind::add || kind == BinaryKind::mul;
    if (commutative &&
        !llvm::isa_and_present<Conv2DOp, MatMulOp>(layerValue.getDefiningOp()))
      std::swap(layerValue, constant);
    if (layerValue.getType() != op.getResult().getType())
      return rewriter.notifyMatchFailure(op, "constant broadcasts the result");
    auto values = constantValues(constant, nullptr);
    if (!values)
      return rewriter.notifyMatchFailure(op, "other operand is not constant");
    FailureOr<FoldableLayer> layer = matchLayer(layerValue, rewriter, op);
    if (failed(layer))
      return failure();

    // The constant, right-aligned to the result, must vary only along the
    // channel dimension.
    auto constType = llvm::cast<RankedTensorType>(constant.getType());
    int64_t rank = op.getResult().getType().getRank();
    int64_t lead = rank - constType.getRank();
    int64_t perChannel = 1;
    for (int64_t d = 0; d < constType.getRank(); ++d) {
      int64_t size = constType.getDimSize(d);
      if (lead + d == layer->channelDim)
        perChannel = size;
      else if (size != 1)
        return rewriter.notifyMatchFailure(op, "constant is not per channel");
    }
    int64_t c = layer->channels;
    std::vector<double> scale(c, 1.0), shift(c, 0.0);
    for (int64_t i = 0; i < c; ++i) {
      double v = (*values)[perChannel == 1 ? 0 : i];
      switch (kind) {
      case BinaryKind::mul:
        scale[i] = v;
        break;
      case BinaryKind::div:
        if (v == 0.0)
          return rewriter.notifyMatchFailure(op, "division by zero");
        scale[i] = 1.0 / v;
        break;
      case BinaryKind::add:
        shift[i] = v;
        break;
      default:
        shift[i] = -v;
        break;
      }
    }
    return foldAffine(*layer, scale, shift, op, rewriter);
  }
};

struct QccFoldBatchNormPass
    : impl::QccFoldBatchNormPassBase<QccFoldBatchNormPass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldBatchNormIntoLayer, FoldChannelConstantIntoLayer>(
        &getContext());
    GreedyRewriteConfig config;
    config.enableFolding(false);
    config.enableConstantCSE(false);
    if (failed(
            applyPatternsGreedily(getOperation(), std::move(patterns), config)))
      getOperation().emitWarning() << "batch_norm folding did not converge";
  }
};

} // namespace
} // namespace qcc
