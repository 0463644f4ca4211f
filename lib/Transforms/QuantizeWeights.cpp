//===- QuantizeWeights.cpp - weight-only fp16 / bf16 / int4 storage -------===//
//
// This file implements the qcc-quantize-weights pass (weight-only
// quantization, `-quant=fp16|bf16|int4w`): the constant weights of float
// conv2d / matmul layers are stored in a narrower format while activations,
// biases and accumulation stay f32.
//
// fp16 / bf16 replace the weight constant by one of the narrow type, rounded
// to nearest even; the layer op then has mixed operand element types, which
// the lowering turns into linalg ops that extend each weight in registers.
//
// int4 quantizes each output channel's reduction vector (a conv's
// [I/g, kh, kw] filter, a matmul's column of K) in groups of `group-size`
// elements, symmetric, with one f16 scale per group:
//
//   q = clamp(round(w / s), -8, 7)            (round half away from zero)
//   s = absmax / m,  m in {7, 7.25, ..., 10.75}
//
// where `m` is chosen per group to minimize sum((q * s - w)^2) with `s`
// rounded to f16 first (m = 7 maps the largest magnitude to +-7 without
// clipping; larger m clip the outliers for a finer step on the bulk, and
// m = 8 uses -8 for a negative extreme). Values are packed two per byte: a
// group's first half in the low nibbles, its second half in the high nibbles
// of the same G/2 bytes (see qcc.dequantize_int4), so both halves unpack
// into contiguous vectors.
//
// With `follow-plan` (mixed precision) the format is per layer: the one its
// `qcc.plan` attribute names (f16, bf16 or w4f); other layers are left
// alone, and a planned layer the format cannot hold is an error.
//
//===----------------------------------------------------------------------===//

#include "qcc/Transforms/Passes.h"
#include "qcc/Transforms/QuantMath.h"

#include "qcc/Mixed/Mixed.h"

#include "Qcc/ConstantData.h"
#include "Qcc/ConstantEval.h"
#include "Qcc/QccOps.h"

#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/APFloat.h"

#include <cmath>

using namespace mlir;

namespace qcc {
#define GEN_PASS_DEF_QCCQUANTIZEWEIGHTSPASS
#include "qcc/Transforms/Passes.h.inc"

namespace {

/// The weight formats of the pass's `mode` option.
enum class WeightFormat { F16, BF16, Int4 };

using quant_math::quantizeInt4Group;
using quant_math::roundToFormat;

struct QccQuantizeWeightsPass
    : impl::QccQuantizeWeightsPassBase<QccQuantizeWeightsPass> {
  using Base::Base;

  void runOnOperation() override {
    // With follow-plan the format is per layer (from its plan).
    WeightFormat format = WeightFormat::F16;
    if (mode == "f16")
      format = WeightFormat::F16;
    else if (mode == "bf16")
      format = WeightFormat::BF16;
    else if (mode == "int4")
      format = WeightFormat::Int4;
    else if (!followPlan) {
      getOperation().emitError("qcc-quantize-weights: unknown mode '")
          << mode << "' (expected f16, bf16 or int4)";
      return signalPassFailure();
    }
    if ((followPlan || format == WeightFormat::Int4) &&
        (groupSize < 2 || groupSize % 2 != 0)) {
      getOperation().emitError("qcc-quantize-weights: group-size must be a "
                               "positive even number, got ")
          << groupSize;
      return signalPassFailure();
    }
    replacements.clear();
    bool planFailed = false;
    getOperation().walk([&](Operation *op) {
      OpOperand *weight;
      int64_t axis;
      if (auto conv = dyn_cast<Conv2DOp>(op)) {
        weight = &conv->getOpOperand(1);
        axis = 0;
      } else if (auto mm = dyn_cast<MatMulOp>(op)) {
        weight = &mm->getOpOperand(1);
        axis = llvm::cast<RankedTensorType>(mm.getRhs().getType()).getRank() -
               1;
      } else {
        return;
      }
      WeightFormat layerFormat = format;
      if (followPlan) {
        auto plan = op->getAttrOfType<PrecisionAttr>(mixed::kPlanAttr);
        std::optional<WeightFormat> planned =
            plan ? plannedFormat(plan.getValue()) : std::nullopt;
        if (!planned)
          return;
        layerFormat = *planned;
      }
      StringRef why = convert(op, *weight, axis, layerFormat);
      if (followPlan && !why.empty()) {
        op->emitError() << "qcc-quantize-weights: the plan gives this layer "
                        << stringifyPrecision(
                               op->getAttrOfType<PrecisionAttr>(
                                     mixed::kPlanAttr)
                                   .getValue())
                        << " weights, but " << why;
        planFailed = true;
      }
    });
    if (planFailed)
      signalPassFailure();
  }

  /// The weight format a plan's precision asks for, if it is one of this
  /// pass's.
  static std::optional<WeightFormat> plannedFormat(Precision p) {
    switch (p) {
    case Precision::f16:
      return WeightFormat::F16;
    case Precision::bf16:
      return WeightFormat::BF16;
    case Precision::w4f:
      return WeightFormat::Int4;
    default:
      return std::nullopt;
    }
  }

  /// Rewrites the weight operand `weight` of layer `op` (output channels
  /// along `axis`) if it is an f32 constant of a float32 layer. Returns why
  /// the layer was left alone, or "" (converted, or nothing to convert).
  StringRef convert(Operation *op, OpOperand &weight, int64_t axis,
                    WeightFormat format) {
    auto precision = op->getAttrOfType<PrecisionAttr>("precision");
    if (precision && precision.getValue() != Precision::f32)
      return "the layer already has another precision";
    auto resultType = llvm::cast<RankedTensorType>(op->getResult(0).getType());
    auto lhsType = llvm::cast<RankedTensorType>(op->getOperand(0).getType());
    auto wType = llvm::cast<RankedTensorType>(weight.get().getType());
    if (!resultType.getElementType().isF32() ||
        !lhsType.getElementType().isF32() || !wType.getElementType().isF32())
      return "it is not an f32 layer";
    if (!followPlan && wType.getNumElements() < minWeights)
      return "it has fewer weights than min-weights";
    ElementsAttr attr;
    if (!matchPattern(weight.get(), m_Constant(&attr)))
      return "its weights are computed at run time";
    // Batched matmul weights have no single reduction axis to group along.
    if (format == WeightFormat::Int4 && isa<MatMulOp>(op) &&
        wType.getRank() != 2)
      return "its weights are batched (rank > 2)";
    // A weight shared by several layers is converted once per format (the
    // graph is one block in program order, so the first user's replacement
    // dominates the others).
    auto cached = replacements.find({weight.get(), axis, (int)format});
    if (cached != replacements.end()) {
      weight.set(cached->second.first);
      op->setAttr("precision",
                  PrecisionAttr::get(op->getContext(), cached->second.second));
      return "";
    }
    std::optional<std::vector<double>> values = getElementsAsDouble(attr);
    if (!values)
      return "its weights cannot be read";
    if (values->empty())
      return "";
    // A non-finite weight has no int4 representation (its group's scale
    // would be infinite); such a layer stays f32. fp16 / bf16 keep infinities
    // and NaNs as they are.
    if (format == WeightFormat::Int4 &&
        llvm::any_of(*values, [](double v) { return !std::isfinite(v); }))
      return "its weights are not all finite";

    Value original = weight.get();
    OpBuilder b(op);
    Location loc = weight.get().getLoc();
    std::string name = blobNameFor(loc);
    if (auto res = llvm::dyn_cast<DenseResourceElementsAttr>(attr))
      name = res.getRawHandle().getKey().str();
    MLIRContext *ctx = op->getContext();
    Precision newPrecision;
    Value replacement;
    if (format != WeightFormat::Int4) {
      bool half = format == WeightFormat::F16;
      const llvm::fltSemantics &sem =
          half ? llvm::APFloat::IEEEhalf() : llvm::APFloat::BFloat();
      for (double &v : *values)
        v = roundToFormat(v, sem);
      Type elem = half ? Type(Float16Type::get(ctx)) : BFloat16Type::get(ctx);
      auto type = wType.clone(elem);
      replacement = ConstantOp::create(
          b, loc,
          makeElements(type, *values, name + (half ? ".f16" : ".bf16")));
      newPrecision = half ? Precision::f16 : Precision::bf16;
    } else {
      replacement = quantizeInt4(b, loc, wType, *values, axis, name);
      newPrecision = Precision::w4f;
    }
    replacements[{original, axis, (int)format}] = {replacement, newPrecision};
    weight.set(replacement);
    op->setAttr("precision", PrecisionAttr::get(ctx, newPrecision));
    return "";
  }

  /// Converted weights by (original weight, channel axis, format).
  llvm::DenseMap<std::tuple<Value, int64_t, int>, std::pair<Value, Precision>>
      replacements;

  /// Builds the packed int4 weights, their scales and the
  /// qcc.dequantize_int4 that expands them to `wType`.
  Value quantizeInt4(OpBuilder &b, Location loc, RankedTensorType wType,
                     ArrayRef<double> values, int64_t axis, StringRef name) {
    bool rowsFirst = axis == 0;
    int64_t rows = wType.getDimSize(axis);
    int64_t k = rows == 0 ? 0 : wType.getNumElements() / rows;
    // Short rows (a depthwise 3x3 filter) use one group of K rounded up to
    // even instead of padding to the full group size.
    int64_t g = quant_math::int4GroupLength(k, groupSize);
    int64_t groups = (k + g - 1) / g, half = g / 2;
    int64_t packedLen = groups * half;
    // Element (c, i) of the [rows, K] view; a [K, N] matmul weight (last
    // axis) is stored K-major.
    auto at = [&](int64_t c, int64_t i) {
      return rowsFirst ? values[c * k + i] : values[i * rows + c];
    };
    std::vector<int64_t> packed(rows * packedLen);
    std::vector<double> scales(rows * groups);
    auto packedIndex = [&](int64_t c, int64_t j) {
      return rowsFirst ? c * packedLen + j : j * rows + c;
    };
    auto scaleIndex = [&](int64_t c, int64_t gi) {
      return rowsFirst ? c * groups + gi : gi * rows + c;
    };
    SmallVector<double, 128> w(g);
    SmallVector<int8_t, 128> q(g);
    for (int64_t c = 0; c < rows; ++c) {
      for (int64_t gi = 0; gi < groups; ++gi) {
        for (int64_t t = 0; t < g; ++t) {
          int64_t i = gi * g + t;
          w[t] = i < k ? at(c, i) : 0.0;
        }
        scales[scaleIndex(c, gi)] = quantizeInt4Group(w, q);
        for (int64_t j = 0; j < half; ++j) {
          uint8_t byte =
              static_cast<uint8_t>((q[j] & 0xF) | ((q[j + half] & 0xF) << 4));
          packed[packedIndex(c, gi * half + j)] = static_cast<int8_t>(byte);
        }
      }
    }
    MLIRContext *ctx = b.getContext();
    auto shape2 = [&](int64_t inner) {
      return rowsFirst ? SmallVector<int64_t>{rows, inner}
                       : SmallVector<int64_t>{inner, rows};
    };
    auto packedType =
        RankedTensorType::get(shape2(packedLen), IntegerType::get(ctx, 8));
    auto scaleType =
        RankedTensorType::get(shape2(groups), Float16Type::get(ctx));
    Value p = ConstantOp::create(
        b, loc, makeElementsInt(packedType, packed, (name + ".int4").str()));
    Value s = ConstantOp::create(
        b, loc, makeElements(scaleType, scales, (name + ".scales").str()));
    return DequantizeInt4Op::create(
        b, loc, wType, p, s, b.getI64IntegerAttr(axis), b.getI64IntegerAttr(g));
  }
};

} // namespace
} // namespace qcc
