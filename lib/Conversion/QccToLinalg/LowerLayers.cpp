//===- LowerLayers.cpp - qcc layer ops to linalg --------------------------===//
//
// This file implements the lowering of qcc.conv2d, qcc.matmul,
// qcc.batch_norm and qcc.pool2d to linalg named ops on tensors: padding is a
// tensor.pad, the bias is broadcast into the accumulator's init so it costs
// nothing, and a fused activation becomes a trailing elementwise generic.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "Qcc/ConstantData.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

using namespace mlir;
using namespace qcc;

/// Broadcasts the 1-D `value` along dimension `dim` of a new tensor of
/// `shape` (a bias over channels into an accumulator).
static Value broadcastAlong(OpBuilder &b, Location loc, Value value,
                            ArrayRef<int64_t> shape, int64_t dim) {
  auto type = llvm::cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> added;
  for (int64_t d = 0, e = shape.size(); d < e; ++d)
    if (d != dim)
      added.push_back(d);
  Value init = createEmpty(b, loc, shape, type.getElementType());
  return linalg::BroadcastOp::create(b, loc, value, init, added)->getResult(0);
}

namespace {

//===----------------------------------------------------------------------===//
// conv2d
//===----------------------------------------------------------------------===//

/// Convolution in NCHW / OIHW: linalg.conv_2d_nchw_fchw for one group,
/// linalg.depthwise_conv_2d_nchw_chw for one filter per channel, and
/// linalg.conv_2d_ngchw_gfchw on group-split views otherwise.
struct Conv2DLowering : OpConversionPattern<Conv2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    Value input = adaptor.getInput();
    Value weight = adaptor.getWeight();
    Value bias = adaptor.getBias();
    auto outType = llvm::cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    Type elem = outType.getElementType();
    // fp16 / bf16 weights (-quant=fp16|bf16): extended once per call.
    weight = widenWeights(b, loc, weight, elem);
    auto inType = llvm::cast<RankedTensorType>(input.getType());
    auto wType = llvm::cast<RankedTensorType>(weight.getType());
    ArrayRef<int64_t> pads = op.getPads();

    if (llvm::any_of(pads, [](int64_t p) { return p != 0; })) {
      Value zero = createScalar(b, loc, inType.getElementType(), 0);
      input = padTensor(b, loc, input, {0, 0, pads[0], pads[1]},
                        {0, 0, pads[2], pads[3]}, zero);
    }
    Attribute strides = b.getI64TensorAttr(op.getStrides());
    Attribute dilations = b.getI64TensorAttr(op.getDilations());

    int64_t n = outType.getDimSize(0), o = outType.getDimSize(1);
    int64_t oh = outType.getDimSize(2), ow = outType.getDimSize(3);
    int64_t c = inType.getDimSize(1);
    int64_t kh = wType.getDimSize(2), kw = wType.getDimSize(3);
    int64_t group = op.getGroup();
    auto zeroInit = [&](ArrayRef<int64_t> shape) {
      return createFilled(b, loc, shape, createScalar(b, loc, elem, 0));
    };

    Value result;
    if (group == 1 || (group == c && o == c)) {
      SmallVector<int64_t> shape(outType.getShape());
      Value init =
          bias ? broadcastAlong(b, loc, bias, shape, 1) : zeroInit(shape);
      if (group == 1) {
        result = linalg::Conv2DNchwFchwOp::create(
                     b, loc, TypeRange{outType}, ValueRange{input, weight},
                     ValueRange{init}, strides, dilations)
                     ->getResult(0);
      } else {
        auto w3 = RankedTensorType::get({c, kh, kw}, wType.getElementType());
        Value w = reshapeTo(b, loc, weight, w3);
        result = linalg::DepthwiseConv2DNchwChwOp::create(
                     b, loc, TypeRange{outType}, ValueRange{input, w},
                     ValueRange{init}, strides, dilations)
                     ->getResult(0);
      }
    } else {
      // Split channels into [group, channels per group] views.
      int64_t cg = c / group, og = o / group;
      auto pType = llvm::cast<RankedTensorType>(input.getType());
      SmallVector<ReassociationIndices> splitDim1 = {{0}, {1, 2}, {3}, {4}};
      SmallVector<ReassociationIndices> splitDim0 = {{0, 1}, {2}, {3}, {4}};
      Value in5 = tensor::ExpandShapeOp::create(
          b, loc,
          pType.clone({pType.getDimSize(0), group, cg, pType.getDimSize(2),
                       pType.getDimSize(3)}),
          input, splitDim1);
      Value w5 = tensor::ExpandShapeOp::create(
          b, loc, wType.clone({group, og, cg, kh, kw}), weight, splitDim0);
      SmallVector<int64_t> shape = {n, group, og, oh, ow};
      Value init;
      if (bias) {
        auto bType = llvm::cast<RankedTensorType>(bias.getType());
        Value b2 = reshapeTo(b, loc, bias, bType.clone({group, og}));
        init = linalg::BroadcastOp::create(b, loc, b2,
                                           createEmpty(b, loc, shape, elem),
                                           ArrayRef<int64_t>{0, 3, 4})
                   ->getResult(0);
      } else {
        init = zeroInit(shape);
      }
      Value r5 = linalg::Conv2DNgchwGfchwOp::create(
                     b, loc, TypeRange{init.getType()}, ValueRange{in5, w5},
                     ValueRange{init}, strides, dilations)
                     ->getResult(0);
      result = tensor::CollapseShapeOp::create(b, loc, outType, r5, splitDim1);
    }
    result =
        applyActivation(b, loc, result, op.getActivation(), op.getActParams());
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// matmul
//===----------------------------------------------------------------------===//

/// Batched matmul with numpy broadcasting. A 2-D (or batch-of-one) rhs folds
/// the lhs batch into its rows and uses one linalg.matmul; otherwise batch
/// dims are broadcast (only where they differ), collapsed to one and fed to
/// linalg.batch_matmul. The bias is broadcast into the accumulator.
struct MatMulLowering : OpConversionPattern<MatMulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    Value bias = adaptor.getBias();
    auto lType = llvm::cast<RankedTensorType>(lhs.getType());
    auto rType = llvm::cast<RankedTensorType>(rhs.getType());
    auto outType = llvm::cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    Type elem = outType.getElementType();
    ArrayRef<int64_t> outShape = outType.getShape();
    int64_t rank = outType.getRank();
    int64_t m = outShape[rank - 2], n = outShape[rank - 1];
    int64_t k = lType.getShape().back();
    ArrayRef<int64_t> batch = outShape.drop_back(2);
    int64_t batchCount = 1;
    for (int64_t d : batch)
      batchCount *= d;
    int64_t rhsBatchCount = 1;
    for (int64_t d : rType.getShape().drop_back(2))
      rhsBatchCount *= d;

    Value init =
        bias ? broadcastTo(b, loc, bias, outShape)
             : createFilled(b, loc, outShape, createScalar(b, loc, elem, 0));

    Value result;
    if (rhsBatchCount == 1) {
      // [B..., M, K] x [K, N]: rows of every batch in one matmul.
      int64_t rows = lType.getNumElements() / k;
      Value l2 = reshapeTo(b, loc, lhs, lType.clone({rows, k}));
      Value r2 = reshapeTo(b, loc, rhs, rType.clone({k, n}));
      auto accType = outType.clone({rows, n});
      Value acc = reshapeTo(b, loc, init, accType);
      Value mm = linalg::MatmulOp::create(b, loc, TypeRange{accType},
                                          ValueRange{l2, r2}, ValueRange{acc})
                     ->getResult(0);
      result = reshapeTo(b, loc, mm, outType);
    } else {
      auto batched = [&](Value v, RankedTensorType t, int64_t d0, int64_t d1) {
        SmallVector<int64_t> full(batch);
        full.append({d0, d1});
        v = broadcastTo(b, loc, v, full);
        return reshapeTo(b, loc, v, t.clone({batchCount, d0, d1}));
      };
      Value l3 = batched(lhs, lType, m, k);
      Value r3 = batched(rhs, rType, k, n);
      auto accType = outType.clone({batchCount, m, n});
      Value acc = reshapeTo(b, loc, init, accType);
      Value mm =
          linalg::BatchMatmulOp::create(b, loc, TypeRange{accType},
                                        ValueRange{l3, r3}, ValueRange{acc})
              ->getResult(0);
      result = reshapeTo(b, loc, mm, outType);
    }
    result =
        applyActivation(b, loc, result, op.getActivation(), op.getActParams());
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// batch_norm
//===----------------------------------------------------------------------===//

/// (x - mean[c]) / sqrt(var[c] + eps) * scale[c] + bias[c] in one generic.
struct BatchNormLowering : OpConversionPattern<BatchNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BatchNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    auto type = llvm::cast<RankedTensorType>(adaptor.getInput().getType());
    int64_t rank = type.getRank();
    Type elem = type.getElementType();
    AffineMap identity = b.getMultiDimIdentityMap(rank);
    AffineMap channel = AffineMap::get(rank, 0, b.getAffineDimExpr(1));
    SmallVector<AffineMap> maps = {identity, channel, channel,
                                   channel,  channel, identity};
    SmallVector<utils::IteratorType> parallel(rank,
                                              utils::IteratorType::parallel);
    double eps = op.getEpsilon().convertToDouble();
    Value init = createEmpty(b, loc, type.getShape(), elem);
    Value result = linalg::GenericOp::create(
                       b, loc, TypeRange{type},
                       ValueRange{adaptor.getInput(), adaptor.getScale(),
                                  adaptor.getBias(), adaptor.getMean(),
                                  adaptor.getVariance()},
                       ValueRange{init}, maps, parallel,
                       [&](OpBuilder &nb, Location l, ValueRange args) {
                         Value x = args[0], scale = args[1], shift = args[2];
                         Value mean = args[3], var = args[4];
                         Value ve = arith::AddFOp::create(
                             nb, l, var, createScalar(nb, l, elem, eps));
                         Value sd = math::SqrtOp::create(nb, l, ve);
                         Value d = arith::SubFOp::create(nb, l, x, mean);
                         Value v = arith::DivFOp::create(nb, l, d, sd);
                         v = arith::MulFOp::create(nb, l, v, scale);
                         v = arith::AddFOp::create(nb, l, v, shift);
                         linalg::YieldOp::create(nb, l, v);
                       })
                       .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// pool2d
//===----------------------------------------------------------------------===//

/// Number of window taps of each output position along one dimension that
/// the average divides by: taps inside the input, plus (with
/// `countIncludePad`) those in the explicit padding; taps in the extra
/// ceil-mode padding never count.
static SmallVector<int64_t> windowCounts(int64_t in, int64_t out,
                                         int64_t kernel, int64_t stride,
                                         int64_t dilation, int64_t padBegin,
                                         int64_t padEnd, bool countIncludePad) {
  SmallVector<int64_t> counts;
  int64_t lo = countIncludePad ? -padBegin : 0;
  int64_t hi = countIncludePad ? in + padEnd : in;
  for (int64_t o = 0; o < out; ++o) {
    int64_t count = 0;
    for (int64_t t = 0; t < kernel; ++t) {
      int64_t pos = o * stride - padBegin + t * dilation;
      if (pos >= lo && pos < hi)
        ++count;
    }
    counts.push_back(count);
  }
  return counts;
}

/// Max pooling pads with the lowest value, average pooling with zero and
/// divides the window sums by a divisor computed at compile time. Unsigned
/// max pooling runs on sign-flipped values (see flipSignBit). With
/// ceil_mode the end padding grows so that the last windows fit.
struct Pool2DLowering : OpConversionPattern<Pool2DOp> {
  using OpConversionPattern::OpConversionPattern;

  /// Flips the sign bit of every integer element of `v`: the unsigned order
  /// of values is the signed order of the flipped values, so unsigned max
  /// pooling runs as the signed named op (which has the vectorized NCHW
  /// micro-kernel) between two flips.
  static Value flipSignBit(OpBuilder &b, Location loc, Value v) {
    auto type = llvm::cast<RankedTensorType>(v.getType());
    Type elem = type.getElementType();
    return buildElementwise(
        b, loc, type, v, [&](OpBuilder &nb, Location l, ValueRange args) {
          Value sign = createExtremum(nb, l, elem, /*max=*/false,
                                      /*infinity=*/false, /*isUnsigned=*/false);
          return arith::XOrIOp::create(nb, l, args[0], sign).getResult();
        });
  }

  LogicalResult
  matchAndRewrite(Pool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    Value input = adaptor.getInput();
    auto inType = llvm::cast<RankedTensorType>(input.getType());
    auto outType = llvm::cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    Type elem = outType.getElementType();
    bool isUnsigned =
        isUnsignedInteger(op.getInput().getType().getElementType());
    ArrayRef<int64_t> k = op.getKernel(), s = op.getStrides();
    ArrayRef<int64_t> d = op.getDilations(), p = op.getPads();
    int64_t h = inType.getDimSize(2), w = inType.getDimSize(3);
    int64_t oh = outType.getDimSize(2), ow = outType.getDimSize(3);

    // Pad the end far enough for the last window (ceil_mode), never less
    // than the explicit padding.
    int64_t needH = (oh - 1) * s[0] + d[0] * (k[0] - 1) + 1;
    int64_t needW = (ow - 1) * s[1] + d[1] * (k[1] - 1) + 1;
    int64_t endH = std::max(p[2], needH - h - p[0]);
    int64_t endW = std::max(p[3], needW - w - p[1]);

    bool isMax = op.getKind() == PoolKind::max;
    bool flip = isMax && isUnsigned;
    if (flip)
      input = flipSignBit(b, loc, input);
    Value padValue = isMax ? createExtremum(b, loc, elem, /*max=*/false,
                                            /*infinity=*/false)
                           : createScalar(b, loc, elem, 0);
    Value padded = padTensor(b, loc, input, {0, 0, p[0], p[1]},
                             {0, 0, endH, endW}, padValue);
    Value init = createFilled(b, loc, outType.getShape(), padValue);
    Attribute strides = b.getI64TensorAttr(s);
    Attribute dilations = b.getI64TensorAttr(d);
    // The named pooling ops take the window shape from an unused operand.
    Value window = createEmpty(b, loc, k, elem);
    if (isMax) {
      Value result = linalg::PoolingNchwMaxOp::create(
                         b, loc, TypeRange{outType}, ValueRange{padded, window},
                         ValueRange{init}, strides, dilations)
                         ->getResult(0);
      rewriter.replaceOp(op, flip ? flipSignBit(b, loc, result) : result);
      return success();
    }

    Value sum = linalg::PoolingNchwSumOp::create(
                    b, loc, TypeRange{outType}, ValueRange{padded, window},
                    ValueRange{init}, strides, dilations)
                    ->getResult(0);
    bool includePad = op.getCountIncludePad();
    SmallVector<int64_t> rows =
        windowCounts(h, oh, k[0], s[0], d[0], p[0], p[2], includePad);
    SmallVector<int64_t> cols =
        windowCounts(w, ow, k[1], s[1], d[1], p[1], p[3], includePad);
    SmallVector<double> divisors;
    for (int64_t r : rows)
      for (int64_t cc : cols)
        divisors.push_back((double)(r * cc));
    bool uniform = llvm::all_equal(divisors);

    Value result;
    if (uniform) {
      double divisor = divisors.empty() ? 1.0 : divisors.front();
      result = buildElementwise(
          b, loc, outType, sum,
          [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
            return arith::DivFOp::create(nb, l, args[0],
                                         createScalar(nb, l, elem, divisor));
          });
    } else {
      auto divType = RankedTensorType::get({oh, ow}, elem);
      ElementsAttr attr = makeElements(divType, divisors, "pool_divisor");
      Value div =
          arith::ConstantOp::create(b, loc, llvm::cast<TypedAttr>(attr));
      result = buildElementwise(
          b, loc, outType, {sum, div},
          [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
            return arith::DivFOp::create(nb, l, args[0], args[1]);
          });
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void qcc::populateLayerPatterns(const TypeConverter &converter,
                                RewritePatternSet &patterns) {
  patterns
      .add<Conv2DLowering, MatMulLowering, BatchNormLowering, Pool2DLowering>(
          converter, patterns.getContext());
}
