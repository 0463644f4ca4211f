//===- Quantize.cpp - post-training int8 quantization ---------------------===//
//
// This file implements the qcc-quantize pass: it rewrites every float
// qcc.conv2d / qcc.matmul with constant weights into the QDQ form of
// docs/Quantization.md ("qcc's quantizer"), using the activation ranges
// that calibration annotated (`qcc.calib_range`):
//
//   x  -> qcc.quantize (per tensor, from x's range) -> qcc.dequantize
//   w  -> int8 constant, per output channel, symmetric -> qcc.dequantize
//   b  -> int32 constant at scale s_x * s_w[c]          -> qcc.dequantize
//   y  -> qcc.quantize (from y's range) -> qcc.dequantize, only when another
//         quantized layer reads y (directly or through max pooling and
//         data movement); otherwise the layer keeps a float result.
//
// The layer gets `precision = #qcc.precision<w8a8>`. qcc-fuse-qdq then turns
// the pattern into an integer kernel with fused requantization. A layer
// that cannot be quantized exactly stays float with a `qcc.quant_skipped`
// attribute saying why (the report prints it).
//
// With `follow-plan` (mixed precision) the candidates are only the layers a
// plan made int8 (`qcc.plan = #qcc.precision<w8a8>`); the output rule above
// then reads "another planned int8 layer". A planned layer that cannot be
// quantized is an error: the plan promised a precision the layer cannot
// take.
//
//===----------------------------------------------------------------------===//

#include "qcc/Transforms/Passes.h"
#include "qcc/Transforms/QuantMath.h"

#include "qcc/Mixed/Mixed.h"

#include "Qcc/ConstantData.h"
#include "Qcc/ConstantEval.h"
#include "Qcc/QccOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"

#include <cmath>

using namespace mlir;

namespace qcc {
#define GEN_PASS_DEF_QCCQUANTIZEPASS
#include "qcc/Transforms/Passes.h.inc"

namespace {

/// Largest reduction depth whose i32 accumulation of 8-bit products
/// (each at most 255 * 255 in magnitude) cannot overflow.
constexpr int64_t kMaxExactDepth = (int64_t(1) << 31) / (255 * 255);

struct Range {
  double lo = 0, hi = 0;
};

/// The calibrated range of `v`: from its defining op's `qcc.calib_range`
/// (two entries per result) or, for a function argument, its arg attribute.
static std::optional<Range> calibratedRange(Value v) {
  DenseF32ArrayAttr attr;
  unsigned index = 0;
  if (auto arg = llvm::dyn_cast<BlockArgument>(v)) {
    auto fn = llvm::dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp());
    if (!fn)
      return std::nullopt;
    attr = fn.getArgAttrOfType<DenseF32ArrayAttr>(arg.getArgNumber(),
                                                  "qcc.calib_range");
  } else {
    Operation *def = v.getDefiningOp();
    attr = def->getAttrOfType<DenseF32ArrayAttr>("qcc.calib_range");
    index = llvm::cast<OpResult>(v).getResultNumber();
  }
  if (!attr || (int64_t)attr.size() < 2 * (index + 1))
    return std::nullopt;
  Range r{attr[2 * index], attr[2 * index + 1]};
  if (!std::isfinite(r.lo) || !std::isfinite(r.hi) || r.lo > r.hi)
    return std::nullopt;
  return r;
}

/// Per-tensor activation parameters for `range` (QuantMath.h): asymmetric
/// u8, or symmetric s8 (zero point 0, [-127, 127]). The range always
/// contains 0 so that zero (padding, ReLU's floor) is exact.
static quant::UniformQuantizedType activationQuantType(MLIRContext *ctx, Range r,
                                                  bool asU8) {
  Type i8 = IntegerType::get(ctx, 8), f32 = Float32Type::get(ctx);
  quant_math::ActivationParams p =
      quant_math::activationParams(r.lo, r.hi, asU8);
  return quant::UniformQuantizedType::get(
      p.isSigned ? quant::QuantizationFlags::Signed : 0, i8, f32, p.scale,
      p.zeroPoint, p.qmin, p.qmax);
}

/// Ops through which a per-tensor quantized value flows unchanged in scale
/// (what qcc-fuse-qdq moves a dequantize through): the consumer of such an
/// op can reuse the producer's parameters.
static bool isScalePreserving(Operation *op) {
  if (auto pool = llvm::dyn_cast<Pool2DOp>(op))
    return pool.getKind() == PoolKind::max;
  return llvm::isa<ReshapeOp, TransposeOp, SliceOp>(op);
}

/// A float layer the pass can quantize, with its constant operands.
struct Candidate {
  Operation *op;
  Value input, weight, bias;
  ElementsAttr weightAttr, biasAttr;
  int64_t channels = 0;
  /// Dimension of the weight that indexes output channels.
  int64_t weightAxis = 0;
  int64_t depth = 0;
};

class QuantizePass : public impl::QccQuantizePassBase<QuantizePass> {
public:
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    bool asU8 = activationType == "u8";
    if (!asU8 && activationType != "s8") {
      fn.emitError() << "qcc-quantize: activation-type must be u8 or s8, got '"
                     << activationType << "'";
      return signalPassFailure();
    }

    // Decide first, rewrite after: whether a layer's output is quantized
    // depends on whether its consumers are quantized layers.
    SmallVector<Candidate> layers;
    bool planFailed = false;
    fn.walk([&](Operation *op) {
      if (!llvm::isa<Conv2DOp, MatMulOp>(op))
        return;
      if (followPlan && !isPlannedInt8(op))
        return;
      auto c = match(op);
      if (succeeded(c)) {
        layers.push_back(*c);
      } else if (followPlan) {
        auto why = op->getAttrOfType<StringAttr>("qcc.quant_skipped");
        op->emitError() << "qcc-quantize: the plan makes this layer int8, "
                           "but it cannot be quantized: "
                        << (why ? why.getValue() : StringRef("unknown"));
        planFailed = true;
      }
    });
    if (planFailed)
      return signalPassFailure();
    llvm::SmallPtrSet<Operation *, 32> chosen;
    for (Candidate &c : layers)
      chosen.insert(c.op);

    OpBuilder b(fn.getContext());
    for (Candidate &c : layers)
      rewrite(b, c, asU8, chosen);
  }

private:
  /// Whether a mixed-precision plan made `op` an int8 (w8a8) layer.
  static bool isPlannedInt8(Operation *op) {
    auto plan = op->getAttrOfType<PrecisionAttr>(mixed::kPlanAttr);
    return plan && plan.getValue() == Precision::w8a8;
  }

  /// Marks `op` as left in float and says why.
  static LogicalResult skip(Operation *op, StringRef why) {
    op->setAttr("qcc.quant_skipped", StringAttr::get(op->getContext(), why));
    return failure();
  }

  FailureOr<Candidate> match(Operation *op) {
    Candidate c;
    c.op = op;
    auto resultType = llvm::cast<RankedTensorType>(op->getResult(0).getType());
    if (!resultType.getElementType().isF32())
      return skip(op, "not an f32 layer");
    if (auto conv = llvm::dyn_cast<Conv2DOp>(op)) {
      c.input = conv.getInput();
      c.weight = conv.getWeight();
      c.bias = conv.getBias();
      auto wt = llvm::cast<RankedTensorType>(c.weight.getType());
      c.channels = wt.getDimSize(0);
      c.weightAxis = 0;
      c.depth = wt.getDimSize(1) * wt.getDimSize(2) * wt.getDimSize(3);
    } else {
      auto mm = llvm::cast<MatMulOp>(op);
      c.input = mm.getLhs();
      c.weight = mm.getRhs();
      c.bias = mm.getBias();
      auto wt = llvm::cast<RankedTensorType>(c.weight.getType());
      if (wt.getRank() != 2)
        return skip(op, "batched (rank > 2) weights");
      c.channels = wt.getDimSize(1);
      c.weightAxis = 1;
      c.depth = wt.getDimSize(0);
    }
    if (!llvm::cast<RankedTensorType>(c.input.getType())
             .getElementType()
             .isF32())
      return skip(op, "input is not f32");
    if (!matchPattern(c.weight, m_Constant(&c.weightAttr)) ||
        !llvm::cast<ShapedType>(c.weight.getType()).getElementType().isF32())
      return skip(op, "weights are computed at run time");
    if (c.depth >= kMaxExactDepth)
      return skip(op, "reduction too deep for an exact i32 accumulator");
    if (c.bias) {
      auto bt = llvm::cast<RankedTensorType>(c.bias.getType());
      if (!matchPattern(c.bias, m_Constant(&c.biasAttr)) ||
          !bt.getElementType().isF32() || bt.getRank() != 1 ||
          bt.getDimSize(0) != c.channels)
        return skip(op, "bias is not a per-channel f32 constant");
    }
    if (!calibratedRange(c.input) && !dequantizedSource(c.input))
      return skip(op, "no calibration range for the input");
    return c;
  }

  /// When `v` is (a scale-preserving view of) a dequantized value, the
  /// quantized type it came from.
  static quant::UniformQuantizedType dequantizedSource(Value v) {
    while (Operation *def = v.getDefiningOp()) {
      if (auto dq = llvm::dyn_cast<DequantizeOp>(def))
        return llvm::dyn_cast<quant::UniformQuantizedType>(
            llvm::cast<ShapedType>(dq.getInput().getType()).getElementType());
      if (!isScalePreserving(def))
        return {};
      v = def->getOperand(0);
    }
    return {};
  }

  /// Whether `v` is read by a chosen layer as its input, directly or
  /// through scale-preserving ops.
  static bool feedsQuantizedLayer(Value v,
                                  const llvm::SmallPtrSetImpl<Operation *> &chosen) {
    for (OpOperand &use : v.getUses()) {
      Operation *user = use.getOwner();
      if (chosen.contains(user) && use.getOperandNumber() == 0)
        return true;
      if (isScalePreserving(user) && use.getOperandNumber() == 0 &&
          feedsQuantizedLayer(user->getResult(0), chosen))
        return true;
    }
    return false;
  }

  /// `q = quantize(v)`, `dequantize(q)`; returns the dequantized value.
  static Value fakeQuant(OpBuilder &b, Location loc, Value v,
                         quant::UniformQuantizedType q) {
    auto type = llvm::cast<RankedTensorType>(v.getType());
    Value qv = QuantizeOp::create(b, loc, type.clone(q), v);
    return DequantizeOp::create(b, loc, type, qv);
  }

  void rewrite(OpBuilder &b, Candidate &c, bool asU8,
               const llvm::SmallPtrSetImpl<Operation *> &chosen) {
    MLIRContext *ctx = c.op->getContext();
    Location loc = c.op->getLoc();
    b.setInsertionPoint(c.op);

    // Input: reuse the producer's parameters when it is already quantized
    // (an earlier layer's rewrite may have replaced the operand).
    c.input = c.op->getOperand(0);
    if (auto r = calibratedRange(c.input))
      c.op->setAttr("qcc.input_range",
                    DenseF32ArrayAttr::get(ctx, {(float)r->lo, (float)r->hi}));
    quant::UniformQuantizedType inQ = dequantizedSource(c.input);
    Value input = c.input;
    if (!inQ) {
      inQ = activationQuantType(ctx, *calibratedRange(c.input), asU8);
      input = fakeQuant(b, loc, c.input, inQ);
    } else if (!llvm::isa_and_present<DequantizeOp>(c.input.getDefiningOp())) {
      // A view of a dequantized value: quantize with the same parameters so
      // qcc-fuse-qdq can cancel the pair once the dequantize moves down.
      input = fakeQuant(b, loc, c.input, inQ);
    }
    double sx = inQ.getScale();

    // Weights: per output channel, symmetric, [-127, 127].
    auto weightType = llvm::cast<RankedTensorType>(c.weight.getType());
    std::vector<double> w = *getElementsAsDouble(c.weightAttr);
    ArrayRef<int64_t> shape = weightType.getShape();
    int64_t inner = 1;
    for (int64_t d = c.weightAxis + 1; d < weightType.getRank(); ++d)
      inner *= shape[d];
    quant_math::Int8Weights q =
        quant_math::quantizeInt8PerChannel(w, c.channels, inner);
    SmallVector<double> scales(q.scales.begin(), q.scales.end());
    std::vector<int64_t> &wq = q.values;
    Type i8 = IntegerType::get(ctx, 8), i32 = IntegerType::get(ctx, 32),
         f32 = Float32Type::get(ctx);
    std::string name = blobNameFor(loc);
    Value wConst = ConstantOp::create(
        b, c.weight.getLoc(),
        makeElementsInt(weightType.clone(i8), wq, name + ".weight_i8"));
    SmallVector<int64_t> zeros(c.channels, 0);
    auto wQType = quant::UniformQuantizedPerAxisType::get(
        quant::QuantizationFlags::Signed, i8, f32, scales, zeros,
        (int32_t)c.weightAxis, -127, 127);
    Value wQ = ReshapeOp::create(b, loc, weightType.clone(wQType), wConst);
    Value weight = DequantizeOp::create(b, loc, weightType, wQ);

    // Bias: int32 at scale s_x * s_w[c]; a value that does not fit keeps the
    // layer's bias in float (the fused kernel then adds it in float).
    Value bias = c.bias;
    if (c.bias) {
      std::vector<double> bv = *getElementsAsDouble(c.biasAttr);
      std::vector<double> biasScales;
      std::optional<std::vector<int64_t>> bq =
          quant_math::quantizeBiasInt32(bv, sx, scales, biasScales);
      SmallVector<double> bScales(biasScales.begin(), biasScales.end());
      bool fits = bq.has_value();
      if (fits) {
        auto biasType = llvm::cast<RankedTensorType>(c.bias.getType());
        Value bConst = ConstantOp::create(
            b, c.bias.getLoc(),
            makeElementsInt(biasType.clone(i32), *bq, name + ".bias_i32"));
        auto bQType = quant::UniformQuantizedPerAxisType::get(
            quant::QuantizationFlags::Signed, i32, f32, bScales, zeros, 0,
            std::numeric_limits<int32_t>::min(),
            std::numeric_limits<int32_t>::max());
        Value bQ = ReshapeOp::create(b, loc, biasType.clone(bQType), bConst);
        bias = DequantizeOp::create(b, loc, biasType, bQ);
      }
    }

    c.op->setOperand(0, input);
    c.op->setOperand(1, weight);
    if (c.bias)
      c.op->setOperand(2, bias);
    c.op->setAttr("precision", PrecisionAttr::get(ctx, Precision::w8a8));

    // Output: quantized only when a quantized layer consumes it and the
    // fused activation is one the integer epilogue applies.
    Value y = c.op->getResult(0);
    auto act = c.op->getAttrOfType<UnaryKindAttr>("activation");
    bool intEpilogue = !act || act.getValue() == UnaryKind::relu ||
                       act.getValue() == UnaryKind::clip;
    auto outRange = calibratedRange(y);
    if (!intEpilogue || !outRange || !feedsQuantizedLayer(y, chosen))
      return;
    b.setInsertionPointAfter(c.op);
    quant::UniformQuantizedType outQ = activationQuantType(ctx, *outRange, asU8);
    Value yd = fakeQuant(b, loc, y, outQ);
    Operation *quantize = yd.getDefiningOp()->getOperand(0).getDefiningOp();
    y.replaceAllUsesExcept(yd, quantize);
  }
};

} // namespace
} // namespace qcc
