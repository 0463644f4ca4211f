//===- FuseQDQ.cpp - QDQ form to fused integer layers ---------------------===//
//
// This file implements the qcc-fuse-qdq pass. It takes the QDQ
// (fake-quantization) form that pre-quantized ONNX models import to, and that
// qcc's own quantizer writes after calibration, and turns it into integer
// layers:
//
//  - `conv2d / matmul (dequantize x, dequantize w, bias)` becomes a quantized
//    conv2d / matmul reading the stored integers of x and w. When every user
//    of the float result is a `quantize` to the same per-tensor type, the
//    layer produces that type itself (requantization, fused bias and a fused
//    relu / clip all happen in the integer epilogue); otherwise it produces
//    the float result (dequantized in the epilogue, any fused activation).
//    The bias becomes i32 at scale `s_x * s_w[c]` (see biasToI32).
//  - `dequantize` moves below data movement that commutes with a per-tensor
//    (or per-axis, remapped) affine dequantization: reshape, transpose,
//    slice, gather, concat of identically quantized operands (and constants
//    on their grid: Pad with zeros), and max
//    pooling (dequantization is monotonic: scale > 0; unsigned storage is
//    pooled as signed, see SinkDequantizeMaxPool). Average pooling and
//    every arithmetic op stay float between a dequantize and a quantize:
//    their integer versions would round differently.
//  - `quantize` moves above a reshape or transpose (per tensor), next to the
//    layer whose result it quantizes (1-D convolutions, attention heads).
//  - `quantize(dequantize x)` becomes x (same type) or `requantize`; a
//    requantize that only shifts 8-bit storage between u8 and s8 is bypassed
//    by the dequantizes and integer layers that read it.
//  - `relu / clip (dequantize y)` of a quantized layer result moves into the
//    layer as its fused activation (the ONNX pattern Conv -> Q -> DQ -> Relu).
//  - Data movement of a retyped integer constant is done on the constant
//    (folded), and `quantize` of a float constant (weights exported as
//    QuantizeLinear of float initializers) is computed, so weights reach the
//    layers as `reshape(integer constant)`.
//
// Finally every `dequantize` of a constant that feeds no integer layer
// (weights of layers that stay float, constants of float ops) folds into a
// float constant `float(q - zero_point) * scale`, the value the importer used
// to produce directly.
//
//===----------------------------------------------------------------------===//

#include "qcc/Transforms/Passes.h"

#include "Qcc/ConstantData.h"
#include "Qcc/ConstantEval.h"
#include "Qcc/QccOps.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

using namespace mlir;

namespace qcc {
#define GEN_PASS_DEF_QCCFUSEQDQPASS
#include "qcc/Transforms/Passes.h.inc"

namespace {

//===----------------------------------------------------------------------===//
// Quantized type helpers
//===----------------------------------------------------------------------===//

static RankedTensorType tensorOf(Value v) {
  return llvm::cast<RankedTensorType>(v.getType());
}

static quant::QuantizedType quantOf(Value v) {
  return llvm::dyn_cast<quant::QuantizedType>(tensorOf(v).getElementType());
}

static bool isPerTensor(quant::QuantizedType q) {
  return llvm::isa_and_present<quant::UniformQuantizedType>(q);
}

/// Per-channel scales and zero points of `q` (one entry when per tensor).
static void readParams(quant::QuantizedType q, SmallVectorImpl<double> &scales,
                       SmallVectorImpl<int64_t> &zps) {
  if (auto pt = llvm::dyn_cast<quant::UniformQuantizedType>(q)) {
    scales.assign(1, pt.getScale());
    zps.assign(1, pt.getZeroPoint());
    return;
  }
  auto pa = llvm::cast<quant::UniformQuantizedPerAxisType>(q);
  scales.assign(pa.getScales().begin(), pa.getScales().end());
  zps.assign(pa.getZeroPoints().begin(), pa.getZeroPoints().end());
}

/// `q` (per axis) with its quantized dimension `axis` and the parameters of
/// the channels `channels` (all of them, in order, when empty).
static Type withAxis(quant::QuantizedType q, int32_t axis,
                     ArrayRef<int64_t> channels = {}) {
  auto pa = llvm::cast<quant::UniformQuantizedPerAxisType>(q);
  SmallVector<double> scales(pa.getScales());
  SmallVector<int64_t> zps(pa.getZeroPoints());
  if (!channels.empty()) {
    SmallVector<double> s;
    SmallVector<int64_t> z;
    for (int64_t c : channels) {
      s.push_back(scales[c]);
      z.push_back(zps[c]);
    }
    scales = std::move(s);
    zps = std::move(z);
  }
  return quant::UniformQuantizedPerAxisType::get(
      pa.getFlags(), pa.getStorageType(), pa.getExpressedType(), scales, zps,
      axis, pa.getStorageTypeMin(), pa.getStorageTypeMax());
}

/// The integer constant that `v` reinterprets as quantized values
/// (`qcc.reshape` of a `qcc.constant`), or null.
static ConstantOp retypedConstant(Value v) {
  auto retype = v.getDefiningOp<ReshapeOp>();
  if (!retype || !quantOf(retype.getResult()))
    return {};
  auto c = retype.getInput().getDefiningOp<ConstantOp>();
  if (!c || !llvm::isa<IntegerType>(tensorOf(c).getElementType()))
    return {};
  return c;
}

/// The stored integers of constant `c` read as storage values of `q`
/// (unsigned storage zero-extended).
static std::optional<std::vector<int64_t>> readStored(ConstantOp c,
                                                      quant::QuantizedType q) {
  auto values = getElementsAsInt64(c.getValue());
  if (!values)
    return std::nullopt;
  if (!q.isSigned()) {
    unsigned bits = q.getStorageTypeIntegralWidth();
    uint64_t mask = bits >= 64 ? ~uint64_t(0) : (uint64_t(1) << bits) - 1;
    for (int64_t &v : *values)
      v = (int64_t)((uint64_t)v & mask);
  }
  return values;
}

/// Channel of flat index `k` in a tensor of `shape` along `axis`.
static int64_t channelOf(int64_t k, ArrayRef<int64_t> shape, int32_t axis) {
  int64_t inner = 1;
  for (int64_t d = axis + 1; d < (int64_t)shape.size(); ++d)
    inner *= shape[d];
  return (k / inner) % shape[axis];
}

/// The float values of `dequantize(reshape(constant))`: `float(q - zp) *
/// float(scale)`, rounded once to f32 as ONNX's DequantizeLinear.
static ElementsAttr dequantizeConstant(DequantizeOp dq, ConstantOp c) {
  auto q = quantOf(dq.getInput());
  auto outTy = tensorOf(dq.getResult());
  if (!outTy.getElementType().isF32())
    return {};
  auto stored = readStored(c, q);
  if (!stored)
    return {};
  SmallVector<double> scales;
  SmallVector<int64_t> zps;
  readParams(q, scales, zps);
  int32_t axis = -1;
  if (auto pa = llvm::dyn_cast<quant::UniformQuantizedPerAxisType>(q))
    axis = pa.getQuantizedDimension();
  std::vector<double> values(stored->size());
  for (size_t k = 0; k < stored->size(); ++k) {
    int64_t ch = axis < 0 ? 0 : channelOf(k, outTy.getShape(), axis);
    values[k] = (double)((float)((*stored)[k] - zps[ch]) * (float)scales[ch]);
  }
  return makeElements(outTy, values, blobNameFor(dq.getLoc()));
}

//===----------------------------------------------------------------------===//
// Moving dequantize below data movement
//===----------------------------------------------------------------------===//

/// Quantized element type of the result of data movement `op` applied to a
/// value of quantized type `q`, or null when a per-axis quantization does not
/// survive it.
static Type movedType(Operation *op, quant::QuantizedType q) {
  auto pa = llvm::dyn_cast<quant::UniformQuantizedPerAxisType>(q);
  if (!pa)
    return q;
  int32_t axis = pa.getQuantizedDimension();
  auto inShape = tensorOf(op->getOperand(0)).getShape();
  auto outShape = tensorOf(op->getResult(0)).getShape();
  if (auto t = llvm::dyn_cast<TransposeOp>(op)) {
    auto perm = t.getPerm();
    for (size_t i = 0; i < perm.size(); ++i)
      if (perm[i] == axis)
        return withAxis(q, i);
    return {};
  }
  if (llvm::isa<ReshapeOp>(op)) {
    // The channel dimension must survive with the same outer extent.
    int64_t outer = 1;
    for (int32_t d = 0; d < axis; ++d)
      outer *= inShape[d];
    int64_t prod = 1;
    for (size_t j = 0; j < outShape.size(); ++j) {
      if (prod == outer && outShape[j] == inShape[axis])
        return withAxis(q, j);
      prod *= outShape[j];
    }
    return {};
  }
  if (auto s = llvm::dyn_cast<SliceOp>(op)) {
    SmallVector<int64_t> channels;
    for (int64_t i = 0; i < outShape[axis]; ++i)
      channels.push_back(s.getStarts()[axis] + i * s.getSteps()[axis]);
    return withAxis(q, axis, channels);
  }
  if (auto g = llvm::dyn_cast<GatherOp>(op)) {
    if ((int64_t)g.getAxis() == axis)
      return {};
    int64_t shift = tensorOf(g.getIndices()).getRank() - 1;
    return withAxis(q, axis < (int64_t)g.getAxis() ? axis : axis + shift);
  }
  if (auto c = llvm::dyn_cast<ConcatOp>(op))
    return (int64_t)c.getAxis() == axis ? Type() : Type(q);
  return {};
}

/// `op(dequantize x)` -> `dequantize(op x)` for reshape, transpose, slice and
/// gather (the data operand).
template <typename OpTy> struct SinkDequantize : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    auto dq = op->getOperand(0).template getDefiningOp<DequantizeOp>();
    if (!dq)
      return rewriter.notifyMatchFailure(op, "input is not dequantized");
    auto q = quantOf(dq.getInput());
    auto outTy = tensorOf(op->getResult(0));
    if (outTy.getElementType() != q.getExpressedType())
      return rewriter.notifyMatchFailure(op, "changes the element type");
    Type moved = movedType(op, q);
    if (!moved)
      return rewriter.notifyMatchFailure(op, "per-axis quantization is lost");
    Operation *clone = rewriter.clone(*op);
    clone->setOperand(0, dq.getInput());
    clone->getResult(0).setType(outTy.clone(moved));
    rewriter.replaceOpWithNewOp<DequantizeOp>(op, outTy, clone->getResult(0));
    return success();
  }
};

/// `concat(dequantize x0, dequantize x1, ...)` with identical quantized types
/// -> `dequantize(concat(x0, x1, ...))`. Constant operands whose values lie
/// on the grid (ONNX Pad's constant borders, zero in particular) join as
/// integers.
struct SinkDequantizeConcat : OpRewritePattern<ConcatOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ConcatOp op,
                                PatternRewriter &rewriter) const override {
    Type elem;
    bool hasConstant = false;
    for (Value v : op.getInputs()) {
      if (auto dq = v.getDefiningOp<DequantizeOp>()) {
        Type e = tensorOf(dq.getInput()).getElementType();
        if (elem && e != elem)
          return rewriter.notifyMatchFailure(op,
                                             "inputs quantized differently");
        elem = e;
      } else if (matchPattern(v, m_Constant())) {
        hasConstant = true;
      } else {
        return rewriter.notifyMatchFailure(op, "an input is not dequantized");
      }
    }
    if (!elem)
      return rewriter.notifyMatchFailure(op, "no dequantized input");
    auto q = llvm::cast<quant::QuantizedType>(elem);
    Type moved = movedType(op, q);
    if (!moved)
      return rewriter.notifyMatchFailure(op, "concatenates along the axis");
    if (hasConstant && !isPerTensor(q))
      return rewriter.notifyMatchFailure(op, "constant with per-axis inputs");
    // Every constant must be on the grid before anything is created.
    SmallVector<std::optional<SmallVector<int64_t>>> stored;
    for (Value v : op.getInputs()) {
      stored.push_back(std::nullopt);
      if (v.getDefiningOp<DequantizeOp>())
        continue;
      stored.back() = quantizeExactly(v, q);
      if (!stored.back())
        return rewriter.notifyMatchFailure(op, "constant is off the grid");
    }
    SmallVector<Value> inputs;
    for (auto [v, ints] : llvm::zip(op.getInputs(), stored)) {
      if (!ints) {
        inputs.push_back(v.getDefiningOp<DequantizeOp>().getInput());
        continue;
      }
      auto type = tensorOf(v);
      auto intTy =
          type.clone(rewriter.getIntegerType(q.getStorageTypeIntegralWidth()));
      // Pad's borders are splats: keep them compact.
      bool splat = llvm::all_equal(*ints);
      ElementsAttr value =
          splat && !ints->empty()
              ? ElementsAttr(DenseElementsAttr::get(
                    intTy, APInt(q.getStorageTypeIntegralWidth(), (*ints)[0],
                                 /*isSigned=*/true, /*implicitTrunc=*/true)))
              : makeElementsInt(intTy, *ints, blobNameFor(v.getLoc()));
      auto c = ConstantOp::create(rewriter, v.getLoc(), value);
      inputs.push_back(
          ReshapeOp::create(rewriter, v.getLoc(), type.clone(q), c));
    }
    auto outTy = tensorOf(op.getResult());
    auto concat = ConcatOp::create(rewriter, op.getLoc(), outTy.clone(moved),
                                   inputs, op.getAxis());
    rewriter.replaceOpWithNewOp<DequantizeOp>(op, outTy, concat.getResult());
    return success();
  }

  /// The stored integers of type `q` (per tensor) whose dequantized values
  /// are exactly the f32 constant `v` (e.g. Pad's zeros: the zero point), or
  /// nullopt when a value is not on the grid.
  static std::optional<SmallVector<int64_t>>
  quantizeExactly(Value v, quant::QuantizedType q) {
    ElementsAttr attr;
    if (!matchPattern(v, m_Constant(&attr)) ||
        !tensorOf(v).getElementType().isF32())
      return std::nullopt;
    auto values = getElementsAsDouble(attr);
    if (!values)
      return std::nullopt;
    auto pt = llvm::cast<quant::UniformQuantizedType>(q);
    float scale = (float)pt.getScale();
    int64_t zp = pt.getZeroPoint();
    SmallVector<int64_t> ints(values->size());
    for (size_t k = 0; k < values->size(); ++k) {
      double r = std::nearbyint((*values)[k] / (double)scale) + (double)zp;
      if (!(r >= (double)q.getStorageTypeMin() &&
            r <= (double)q.getStorageTypeMax()))
        return std::nullopt;
      ints[k] = (int64_t)r;
      if ((float)(ints[k] - zp) * scale != (float)(*values)[k])
        return std::nullopt;
    }
    return ints;
  }
};

/// `pool2d max (dequantize x)` -> `dequantize(pool2d max x)`, the pooling done
/// on the stored integers (per-tensor parameters only; the scale is
/// positive, so the largest integer is the largest value).
struct SinkDequantizeMaxPool : OpRewritePattern<Pool2DOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(Pool2DOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getKind() != PoolKind::max)
      return rewriter.notifyMatchFailure(op, "only max pooling commutes");
    auto dq = op.getInput().getDefiningOp<DequantizeOp>();
    if (!dq)
      return rewriter.notifyMatchFailure(op, "input is not dequantized");
    auto q = quantOf(dq.getInput());
    if (!isPerTensor(q) || q.getStorageTypeIntegralWidth() > 32)
      return rewriter.notifyMatchFailure(op, "not per-tensor quantized");
    // Unsigned storage is first requantized exactly to signed storage (same
    // scale, zero point - 2^(bits-1): a multiplier of 1). The unsigned max
    // pooling (a linalg.generic with arith.maxui) is miscompiled by the tiled
    // codegen path (wrong values, or a crash in scf::tileUsingSCF, for 16x16
    // inputs with stride 2; correct at -O0), so it is not used.
    Location loc = op.getLoc();
    Value x = dq.getInput();
    if (!q.isSigned()) {
      unsigned bits = q.getStorageTypeIntegralWidth();
      if (bits != 8)
        return rewriter.notifyMatchFailure(op, "wide unsigned storage");
      auto pt = llvm::cast<quant::UniformQuantizedType>(q);
      q = quant::UniformQuantizedType::get(quant::QuantizationFlags::Signed,
                                           rewriter.getI8Type(),
                                           pt.getExpressedType(), pt.getScale(),
                                           pt.getZeroPoint() - 128, -128, 127);
      // A quantized layer or requantize used only here produces the signed
      // type directly (its clamp bounds shift with the zero point: exact).
      Operation *producer = x.getDefiningOp();
      bool retypeProducer =
          llvm::isa_and_present<RequantizeOp, Conv2DOp, MatMulOp>(producer) &&
          x.hasOneUse() && dq.getResult().hasOneUse();
      if (retypeProducer)
        rewriter.modifyOpInPlace(producer, [&] {
          producer->getResult(0).setType(tensorOf(x).clone(q));
        });
      else
        x = RequantizeOp::create(rewriter, loc, tensorOf(x).clone(q), x);
    }
    // The pooling lowers on plain integers: reinterpret around it.
    Type storage =
        IntegerType::get(getContext(), q.getStorageTypeIntegralWidth());
    auto inTy = tensorOf(x);
    auto outTy = tensorOf(op.getResult());
    Value ints = ReshapeOp::create(rewriter, loc, inTy.clone(storage), x);
    Operation *pool = rewriter.clone(*op);
    pool->setOperand(0, ints);
    pool->getResult(0).setType(outTy.clone(storage));
    Value pooled =
        ReshapeOp::create(rewriter, loc, outTy.clone(q), pool->getResult(0));
    rewriter.replaceOpWithNewOp<DequantizeOp>(op, outTy, pooled);
    return success();
  }
};

/// Data movement of a retyped integer constant moves onto the constant,
/// where it folds: `transpose(reshape(c : i8 -> q))` -> `reshape(transpose(c)
/// -> q')`. Only for a quantized input and result (moved dequantizes).
template <typename OpTy> struct HoistRetype : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Value in = op->getOperand(0);
    ConstantOp c = retypedConstant(in);
    if (!c || !quantOf(op->getResult(0)))
      return rewriter.notifyMatchFailure(op, "not a retyped constant");
    auto outTy = tensorOf(op->getResult(0));
    Operation *clone = rewriter.clone(*op);
    clone->setOperand(0, c.getResult());
    clone->getResult(0).setType(outTy.clone(tensorOf(c).getElementType()));
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, outTy, clone->getResult(0));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Quantize of dequantize, activations of quantized layers
//===----------------------------------------------------------------------===//

/// `quantize(dequantize x)` -> `x` with the same type, else
/// `requantize x` (the fixed-point rescale, exact to one step).
struct FoldQuantizeOfDequantize : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto dq = op.getInput().getDefiningOp<DequantizeOp>();
    if (!dq)
      return rewriter.notifyMatchFailure(op, "input is not dequantized");
    Value x = dq.getInput();
    if (x.getType() == op.getResult().getType()) {
      rewriter.replaceOp(op, x);
      return success();
    }
    auto qi = quantOf(x), qo = quantOf(op.getResult());
    auto ai = llvm::dyn_cast<quant::UniformQuantizedPerAxisType>(qi);
    auto ao = llvm::dyn_cast<quant::UniformQuantizedPerAxisType>(qo);
    if (ai && ao && ai.getQuantizedDimension() != ao.getQuantizedDimension())
      return rewriter.notifyMatchFailure(op, "different quantized axes");
    if (qi.getStorageTypeIntegralWidth() > 16 ||
        qo.getStorageTypeIntegralWidth() > 32)
      return rewriter.notifyMatchFailure(op, "storage too wide to requantize");
    // The fixed-point multiplier must stay below 2^30.
    SmallVector<double> si, so;
    SmallVector<int64_t> zi, zo;
    readParams(qi, si, zi);
    readParams(qo, so, zo);
    for (double a : si)
      for (double b : so)
        if (!(a / b < std::ldexp(1.0, 30)))
          return rewriter.notifyMatchFailure(op, "multiplier out of range");
    rewriter.replaceOpWithNewOp<RequantizeOp>(op, op.getResult().getType(), x);
    return success();
  }
};

/// `quantize(op y)` -> `op(quantize y)` for a reshape or transpose used only
/// by the quantize, with per-tensor parameters: the quantize then sits right
/// after the layer that produces `y` (a 1-D convolution reshapes its 2-D
/// result; attention reshapes and transposes matmul results).
template <typename OpTy> struct HoistQuantize : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern<QuantizeOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto move = op.getInput().getDefiningOp<OpTy>();
    if (!move || !move.getResult().hasOneUse())
      return rewriter.notifyMatchFailure(op, "input is not moved data");
    auto q = quantOf(op.getResult());
    if (!isPerTensor(q))
      return rewriter.notifyMatchFailure(op, "not per-tensor");
    Value y = move->getOperand(0);
    if (tensorOf(y).getElementType() != q.getExpressedType())
      return rewriter.notifyMatchFailure(op, "element type changes");
    auto quantized =
        QuantizeOp::create(rewriter, op.getLoc(), tensorOf(y).clone(q), y);
    Operation *clone = rewriter.clone(*move);
    clone->setOperand(0, quantized.getResult());
    clone->getResult(0).setType(op.getResult().getType());
    rewriter.replaceOp(op, clone->getResults());
    rewriter.eraseOp(move);
    return success();
  }
};

/// The input of `v` when `v` is a requantize that only moves 8-bit storage
/// between unsigned and signed (same scale, zero point shifted by 128): the
/// same real values, so readers that subtract the zero point can read the
/// input instead. Null otherwise.
static Value shiftedFrom(Value v) {
  auto r = v.getDefiningOp<RequantizeOp>();
  if (!r)
    return {};
  auto in = llvm::dyn_cast<quant::UniformQuantizedType>(quantOf(r.getInput()));
  auto out = llvm::dyn_cast<quant::UniformQuantizedType>(quantOf(v));
  if (!in || !out || in.getStorageTypeIntegralWidth() != 8 ||
      out.getStorageTypeIntegralWidth() != 8 ||
      in.isSigned() == out.isSigned() || in.getScale() != out.getScale() ||
      in.getExpressedType() != out.getExpressedType())
    return {};
  int64_t shift = in.isSigned() ? 128 : -128;
  if (out.getZeroPoint() != in.getZeroPoint() + shift)
    return {};
  return r.getInput();
}

/// `dequantize(requantize y)` -> `dequantize y` and a quantized layer reading
/// `requantize y` reads `y`, for a requantize that only shifts the storage
/// between u8 and s8 (see shiftedFrom): it disappears.
struct BypassDequantizeShift : OpRewritePattern<DequantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(DequantizeOp op,
                                PatternRewriter &rewriter) const override {
    Value y = shiftedFrom(op.getInput());
    if (!y)
      return rewriter.notifyMatchFailure(op, "not a storage shift");
    rewriter.modifyOpInPlace(op, [&] { op->setOperand(0, y); });
    return success();
  }
};

template <typename LayerOp>
struct BypassLayerShift : OpRewritePattern<LayerOp> {
  using OpRewritePattern<LayerOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(LayerOp op,
                                PatternRewriter &rewriter) const override {
    bool changed = false;
    for (unsigned i = 0; i < 2; ++i) {
      if (Value y = shiftedFrom(op->getOperand(i))) {
        rewriter.modifyOpInPlace(op, [&] { op->setOperand(i, y); });
        changed = true;
      }
    }
    return success(changed);
  }
};

/// Whether `v` is the per-tensor quantized result of a conv2d / matmul
/// without a fused activation, used only once.
static Operation *quantizedLayerOf(Value v) {
  Operation *layer = v.getDefiningOp();
  if (!llvm::isa_and_present<Conv2DOp, MatMulOp>(layer) || !v.hasOneUse() ||
      !isPerTensor(quantOf(v)))
    return nullptr;
  if (layer->getAttr("activation"))
    return nullptr;
  return layer;
}

/// `relu / clip (dequantize y)` where `y` is a quantized layer result ->
/// `dequantize y` with the activation fused into the layer (its clamp).
struct FuseActivationIntoQuantizedLayer : OpRewritePattern<UnaryOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(UnaryOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getKind() != UnaryKind::relu && op.getKind() != UnaryKind::clip)
      return rewriter.notifyMatchFailure(op, "not relu or clip");
    auto dq = op.getInput().getDefiningOp<DequantizeOp>();
    if (!dq || !dq.getResult().hasOneUse())
      return rewriter.notifyMatchFailure(op, "input is not a dequantize");
    Operation *layer = quantizedLayerOf(dq.getInput());
    if (!layer)
      return rewriter.notifyMatchFailure(op, "not a quantized layer result");
    rewriter.modifyOpInPlace(layer, [&] {
      layer->setAttr("activation", op.getKindAttr());
      if (auto params = op.getParamsAttr())
        layer->setAttr("act_params", params);
      layer->setLoc(rewriter.getFusedLoc({layer->getLoc(), op.getLoc()}));
    });
    rewriter.replaceOp(op, dq.getResult());
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Layer fusion
//===----------------------------------------------------------------------===//

/// The layer's bias as an i32 constant at scale `sx * sw[c]` (c along the
/// last axis), or failure when it cannot be represented:
///  - a float constant b: `round_half_even(b[c] / (sx * sw[c]))`, the rounding
///    of onnxruntime's quantizer (numpy's rint);
///  - `dequantize(reshape(i32 constant))` at that scale (relative difference
///    below 1e-6): the stored integers as they are; at another scale: its
///    values requantized as for a float constant.
static FailureOr<Value> biasToI32(PatternRewriter &rewriter, Value bias,
                                  double sx, ArrayRef<double> sw,
                                  int64_t channels) {
  auto type = tensorOf(bias);
  if (type.getRank() != 1 || type.getDimSize(0) != channels)
    return failure();
  std::vector<double> real(channels);
  std::vector<int64_t> stored;
  SmallVector<double> bScales;
  SmallVector<int64_t> bZps;
  ElementsAttr attr;
  if (auto dq = bias.getDefiningOp<DequantizeOp>()) {
    ConstantOp c = retypedConstant(dq.getInput());
    if (!c)
      return failure();
    auto q = quantOf(dq.getInput());
    auto values = readStored(c, q);
    if (!values)
      return failure();
    stored = *values;
    readParams(q, bScales, bZps);
    for (int64_t k = 0; k < channels; ++k) {
      size_t p = bScales.size() == 1 ? 0 : k;
      real[k] = (double)(stored[k] - bZps[p]) * bScales[p];
    }
  } else if (matchPattern(bias, m_Constant(&attr))) {
    if (!llvm::isa<FloatType>(type.getElementType()))
      return failure();
    auto values = getElementsAsDouble(attr);
    if (!values)
      return failure();
    real = *values;
  } else {
    return failure();
  }
  SmallVector<int64_t> ints(channels);
  for (int64_t k = 0; k < channels; ++k) {
    double s = sx * sw[sw.size() == 1 ? 0 : k];
    size_t p = bScales.size() == 1 ? 0 : k;
    if (!stored.empty() && bZps[p] == 0 &&
        std::abs(bScales[p] - s) <= 1e-6 * s) {
      ints[k] = stored[k];
      continue;
    }
    double r = std::nearbyint(real[k] / s); // default mode: half to even
    if (!(std::abs(r) <= 2147483647.0))
      return failure();
    ints[k] = (int64_t)r;
  }
  auto i32Type = RankedTensorType::get({channels}, rewriter.getI32Type());
  return ConstantOp::create(
             rewriter, bias.getLoc(),
             makeElementsInt(i32Type, ints, blobNameFor(bias.getLoc())))
      .getResult();
}

/// The users of float layer result `result` when they are all `quantize`s
/// to one per-tensor type that the layer can produce itself (activation
/// `act` a clamp or absent, fixed-point multipliers `sx * sw[c] / s_y` below
/// 2^30), else an empty list.
static SmallVector<Operation *> fusableQuantizes(Value result,
                                                 std::optional<UnaryKind> act,
                                                 double sx,
                                                 ArrayRef<double> sw) {
  SmallVector<Operation *> quantizes;
  if (act && *act != UnaryKind::relu && *act != UnaryKind::clip)
    return {};
  for (Operation *user : result.getUsers()) {
    auto q = llvm::dyn_cast<QuantizeOp>(user);
    if (!q || !isPerTensor(quantOf(q.getResult())) ||
        quantOf(q.getResult()).getStorageTypeIntegralWidth() > 32 ||
        (!quantizes.empty() &&
         q.getResult().getType() != quantizes[0]->getResult(0).getType()))
      return {};
    quantizes.push_back(q);
  }
  if (quantizes.empty())
    return {};
  double sy = llvm::cast<quant::UniformQuantizedType>(
                  quantOf(quantizes[0]->getResult(0)))
                  .getScale();
  for (double s : sw)
    if (!(sx * s / sy < std::ldexp(1.0, 30)))
      return {};
  return quantizes;
}

/// A quantized layer with a float result whose users all quantize it (the
/// quantize moved next to it after the layer was fused): the layer produces
/// the quantized type.
template <typename LayerOp>
struct FuseQuantizeIntoLayer : OpRewritePattern<LayerOp> {
  using OpRewritePattern<LayerOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(LayerOp op,
                                PatternRewriter &rewriter) const override {
    Value result = op.getResult();
    auto qx = quantOf(op->getOperand(0)), qw = quantOf(op->getOperand(1));
    if (!qx || !qw || !isPerTensor(qx) ||
        !tensorOf(result).getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "not a quantized layer");
    SmallVector<double> sx, sw;
    SmallVector<int64_t> zx, zw;
    readParams(qx, sx, zx);
    readParams(qw, sw, zw);
    SmallVector<Operation *> quantizes =
        fusableQuantizes(result, op.getActivation(), sx[0], sw);
    if (quantizes.empty())
      return rewriter.notifyMatchFailure(op, "users do not all quantize");
    rewriter.modifyOpInPlace(
        op, [&] { result.setType(quantizes[0]->getResult(0).getType()); });
    for (Operation *q : quantizes)
      rewriter.replaceOp(q, result);
    return success();
  }
};

/// Largest product |(x - zx) * (w - zw)| of 8-bit operands (the lowering's
/// bound for an exact i32 accumulator).
constexpr int64_t kMaxProduct = 255 * 255;

/// `conv2d / matmul (dequantize x, dequantize w, bias)` -> the quantized
/// layer, with the `quantize` of its users fused when they all agree.
template <typename LayerOp>
struct FuseQuantizedLayer : OpRewritePattern<LayerOp> {
  using OpRewritePattern<LayerOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(LayerOp op,
                                PatternRewriter &rewriter) const override {
    constexpr bool isConv = std::is_same_v<LayerOp, Conv2DOp>;
    Value result = op.getResult();
    auto resTy = tensorOf(result);
    if (!resTy.getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "not a float layer");
    auto dqx = op->getOperand(0).template getDefiningOp<DequantizeOp>();
    auto dqw = op->getOperand(1).template getDefiningOp<DequantizeOp>();
    if (!dqx || !dqw)
      return rewriter.notifyMatchFailure(op, "operands not dequantized");
    Value x = dqx.getInput(), w = dqw.getInput();
    auto qx = quantOf(x), qw = quantOf(w);
    if (!isPerTensor(qx) || qx.getStorageTypeIntegralWidth() != 8 ||
        qw.getStorageTypeIntegralWidth() != 8)
      return rewriter.notifyMatchFailure(op, "needs 8-bit per-tensor input");
    auto wTy = tensorOf(w);
    int64_t chanAxis = isConv ? 0 : wTy.getRank() - 1;
    if (auto pa = llvm::dyn_cast<quant::UniformQuantizedPerAxisType>(qw))
      if (pa.getQuantizedDimension() != chanAxis)
        return rewriter.notifyMatchFailure(op, "weight axis is not the output "
                                               "channel");
    int64_t depth =
        isConv ? wTy.getDimSize(1) * wTy.getDimSize(2) * wTy.getDimSize(3)
               : wTy.getDimSize(wTy.getRank() - 2);
    if (depth * kMaxProduct >= (int64_t(1) << 31))
      return rewriter.notifyMatchFailure(op, "i32 accumulator could overflow");
    SmallVector<double> sx, sw;
    SmallVector<int64_t> zx, zw;
    readParams(qx, sx, zx);
    readParams(qw, sw, zw);
    int64_t channels = wTy.getDimSize(chanAxis);

    Value bias;
    if (Value b = op.getBias()) {
      auto i32 = biasToI32(rewriter, b, sx[0], sw, channels);
      if (failed(i32))
        return rewriter.notifyMatchFailure(op, "bias is not representable");
      bias = *i32;
    }

    SmallVector<Operation *> quantizes =
        fusableQuantizes(result, op.getActivation(), sx[0], sw);
    Type outType =
        quantizes.empty() ? Type(resTy) : quantizes[0]->getResult(0).getType();

    OperationState state(op.getLoc(), op->getName());
    state.addOperands({x, w});
    if (bias)
      state.addOperands(bias);
    state.addAttributes(op->getAttrs());
    state.addTypes(outType);
    Operation *fused = rewriter.create(state);
    if (quantizes.empty()) {
      rewriter.replaceOp(op, fused->getResults());
      return success();
    }
    for (Operation *q : quantizes)
      rewriter.replaceOp(q, fused->getResults());
    rewriter.eraseOp(op);
    return success();
  }
};

/// `quantize(float constant)` -> `reshape(integer constant)`: weights that
/// an exporter wrote as QuantizeLinear of float initializers are quantized
/// once, at compile time, with qcc.quantize's rounding (half to even, on the
/// float32 quotient as ONNX's QuantizeLinear) and clamp.
struct FoldQuantizeOfConstant : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    ElementsAttr attr;
    if (!matchPattern(op.getInput(), m_Constant(&attr)))
      return rewriter.notifyMatchFailure(op, "input is not a constant");
    auto inTy = tensorOf(op.getInput());
    auto q = quantOf(op.getResult());
    if (!inTy.getElementType().isF32() || q.getStorageTypeIntegralWidth() > 32)
      return rewriter.notifyMatchFailure(op, "not f32 to at most 32 bits");
    auto values = getElementsAsDouble(attr);
    if (!values)
      return rewriter.notifyMatchFailure(op, "constant not readable");
    SmallVector<double> scales;
    SmallVector<int64_t> zps;
    readParams(q, scales, zps);
    int32_t axis = -1;
    if (auto pa = llvm::dyn_cast<quant::UniformQuantizedPerAxisType>(q))
      axis = pa.getQuantizedDimension();
    SmallVector<int64_t> ints(values->size());
    for (size_t k = 0; k < values->size(); ++k) {
      int64_t ch = axis < 0 ? 0 : channelOf(k, inTy.getShape(), axis);
      float quotient = (float)(*values)[k] / (float)scales[ch];
      double r = std::nearbyint((double)quotient) + (double)zps[ch];
      r = std::min(std::max(r, (double)q.getStorageTypeMin()),
                   (double)q.getStorageTypeMax());
      ints[k] = (int64_t)r;
    }
    auto intTy =
        inTy.clone(rewriter.getIntegerType(q.getStorageTypeIntegralWidth()));
    auto c = ConstantOp::create(
        rewriter, op.getLoc(),
        makeElementsInt(intTy, ints, blobNameFor(op.getLoc())));
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, op.getResult().getType(), c);
    return success();
  }
};

/// `dequantize(reshape(integer constant))` -> a float constant.
/// With `keepLayerWeights`, a dequantize whose users all read it as the
/// weight of a float conv2d / matmul stays (weight-only quantization: the
/// integers stay in the object and are dequantized at run time).
struct FoldDequantizeOfConstant : OpRewritePattern<DequantizeOp> {
  FoldDequantizeOfConstant(MLIRContext *ctx, bool keepLayerWeights)
      : OpRewritePattern(ctx), keepLayerWeights(keepLayerWeights) {}

  LogicalResult matchAndRewrite(DequantizeOp op,
                                PatternRewriter &rewriter) const override {
    ConstantOp c = retypedConstant(op.getInput());
    if (!c)
      return rewriter.notifyMatchFailure(op, "not a constant");
    if (keepLayerWeights &&
        llvm::all_of(op.getResult().getUses(), [](OpOperand &use) {
          return llvm::isa<Conv2DOp, MatMulOp>(use.getOwner()) &&
                 use.getOperandNumber() == 1;
        }))
      return rewriter.notifyMatchFailure(op, "a layer weight, kept");
    ElementsAttr value = dequantizeConstant(op, c);
    if (!value)
      return rewriter.notifyMatchFailure(op, "not evaluable");
    rewriter.replaceOpWithNewOp<ConstantOp>(op, value);
    return success();
  }

  bool keepLayerWeights;
};

struct QccFuseQDQPass : impl::QccFuseQDQPassBase<QccFuseQDQPass> {
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    GreedyRewriteConfig config;
    config.enableFolding();
    config.enableConstantCSE(false);
    config.setUseTopDownTraversal();

    RewritePatternSet patterns(ctx);
    patterns.add<SinkDequantize<ReshapeOp>, SinkDequantize<TransposeOp>,
                 SinkDequantize<SliceOp>, SinkDequantize<GatherOp>,
                 SinkDequantizeConcat, SinkDequantizeMaxPool,
                 HoistRetype<ReshapeOp>, HoistRetype<TransposeOp>,
                 HoistRetype<SliceOp>, HoistQuantize<ReshapeOp>,
                 HoistQuantize<TransposeOp>, FoldQuantizeOfDequantize,
                 FoldQuantizeOfConstant, FuseActivationIntoQuantizedLayer,
                 FuseQuantizedLayer<Conv2DOp>, FuseQuantizedLayer<MatMulOp>,
                 FuseQuantizeIntoLayer<Conv2DOp>,
                 FuseQuantizeIntoLayer<MatMulOp>, BypassDequantizeShift,
                 BypassLayerShift<Conv2DOp>, BypassLayerShift<MatMulOp>>(ctx);
    if (failed(
            applyPatternsGreedily(getOperation(), std::move(patterns), config)))
      getOperation().emitWarning() << "QDQ fusion did not converge";

    // What is still dequantized from a constant feeds float ops.
    RewritePatternSet fold(ctx);
    fold.add<FoldDequantizeOfConstant>(ctx, !foldFloatWeights);
    if (failed(applyPatternsGreedily(getOperation(), std::move(fold), config)))
      getOperation().emitWarning() << "QDQ constant folding did not converge";
  }
};

} // namespace
} // namespace qcc
