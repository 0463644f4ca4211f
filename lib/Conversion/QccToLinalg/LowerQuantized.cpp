//===- LowerQuantized.cpp - Integer kernels for quantized layers ----------===//
//
// This file implements the lowering of quantized qcc.matmul, qcc.conv2d and
// qcc.requantize to integer linalg. A conv2d with constant weights becomes a
// pair-packed contraction (two zero-point-corrected 16-bit channels per i32
// element, pmaddwd on x86); otherwise the 8-bit operands are widened to i32
// with their zero points subtracted (exact) and the contraction accumulates
// in i32 (the same named linalg ops as the float path, on i32). Then the
// accumulator is requantized to the result's `!quant.uniform` type by a
// 31-bit fixed-point multiplier and a right shift computed at compile time,
// rounding half away from zero, then offset by the output zero point and
// clamped (a fused relu / clip narrows the clamp bounds). Every step is
// integer arithmetic without saturating instructions, so results are
// bit-identical on every ISA. docs/Quantization.md describes the scheme.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "Qcc/ConstantData.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

#include <cmath>

using namespace mlir;
using namespace qcc;

//===----------------------------------------------------------------------===//
// Quantization parameters and the fixed-point multiplier
//===----------------------------------------------------------------------===//

namespace {
/// Scale and zero point of an operand, per tensor or along `axis`. A plain
/// integer operand reads as scale 1, zero point 0 (signless = signed).
struct OperandQuant {
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  int64_t axis = -1; // -1: per tensor.
  int64_t storageMin = 0, storageMax = 0;
  unsigned width = 0;
  bool isSigned = true;
  bool quantized = false;
};
} // namespace

static Type elemOf(Value v) {
  return llvm::cast<ShapedType>(v.getType()).getElementType();
}

static bool isQuantizedElem(Type t) {
  return llvm::isa<quant::QuantizedType>(t);
}

static std::optional<OperandQuant> readQuant(Type elem) {
  OperandQuant p;
  if (auto q = llvm::dyn_cast<quant::QuantizedType>(elem)) {
    p.quantized = true;
    if (auto pt = llvm::dyn_cast<quant::UniformQuantizedType>(q)) {
      p.scales.push_back(pt.getScale());
      p.zeroPoints.push_back(pt.getZeroPoint());
    } else if (auto pa =
                   llvm::dyn_cast<quant::UniformQuantizedPerAxisType>(q)) {
      llvm::append_range(p.scales, pa.getScales());
      llvm::append_range(p.zeroPoints, pa.getZeroPoints());
      p.axis = pa.getQuantizedDimension();
    } else {
      return std::nullopt;
    }
    p.storageMin = q.getStorageTypeMin();
    p.storageMax = q.getStorageTypeMax();
    p.width = q.getStorageTypeIntegralWidth();
    p.isSigned = q.isSigned();
    return p;
  }
  auto it = llvm::dyn_cast<IntegerType>(elem);
  if (!it)
    return std::nullopt;
  p.scales = {1.0};
  p.zeroPoints = {0};
  p.width = it.getWidth();
  p.isSigned = !it.isUnsigned();
  p.storageMin = p.isSigned ? -(int64_t(1) << (p.width - 1)) : 0;
  p.storageMax = p.isSigned ? (int64_t(1) << (p.width - 1)) - 1
                            : (int64_t(1) << p.width) - 1;
  return p;
}

FailureOr<FixedPointMultiplier> qcc::computeFixedPointMultiplier(double m) {
  if (!(m > 0) || !std::isfinite(m) || m >= std::ldexp(1.0, 30))
    return failure();
  int exp = 0;
  double frac = std::frexp(m, &exp); // m = frac * 2^exp, frac in [0.5, 1)
  int64_t mult = (int64_t)std::llround(std::ldexp(frac, 31));
  if (mult == (int64_t(1) << 31)) {
    mult >>= 1;
    ++exp;
  }
  int64_t shift = 31 - exp;
  if (shift > 62) {
    // Tiny multipliers: keep the shift within i64 by rounding the
    // multiplier down to fewer bits (it may become 0: the result is then
    // the zero point).
    int64_t extra = shift - 62;
    mult = extra >= 63 ? 0 : (mult + (int64_t(1) << (extra - 1))) >> extra;
    shift = 62;
  }
  if (shift < 1)
    return failure();
  return FixedPointMultiplier{mult, shift};
}

//===----------------------------------------------------------------------===//
// Builders
//===----------------------------------------------------------------------===//

/// A 1-D constant of `values` with element type `type` (integer or float).
static Value createVector(OpBuilder &b, Location loc, Type type,
                          ArrayRef<double> values) {
  auto vt = RankedTensorType::get({(int64_t)values.size()}, type);
  if (auto ft = llvm::dyn_cast<FloatType>(type)) {
    SmallVector<APFloat> fv;
    for (double v : values) {
      APFloat f(v);
      bool lost;
      f.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
      fv.push_back(f);
    }
    return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(vt, fv));
  }
  unsigned w = type.getIntOrFloatBitWidth();
  SmallVector<APInt> iv;
  for (double v : values)
    iv.push_back(APInt(w, (uint64_t)(int64_t)v, /*isSigned=*/false,
                       /*implicitTrunc=*/true));
  return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(vt, iv));
}

namespace {
/// A per-channel parameter of an elementwise generic: one value per index of
/// the channel axis, or one for all (then a scalar constant in the body).
struct ChannelParam {
  Type type;
  SmallVector<double> values;
};
} // namespace

using ChannelBodyFn =
    function_ref<Value(OpBuilder &, Location, Value, ArrayRef<Value>)>;

/// An elementwise generic over `resultType` reading `input` in full and each
/// of `params` along `axis` (a 1-D constant tensor where the values differ
/// per channel, a scalar constant otherwise).
static Value buildChannelwise(OpBuilder &b, Location loc, Value input,
                              RankedTensorType resultType, int64_t axis,
                              ArrayRef<ChannelParam> params,
                              ChannelBodyFn body) {
  int64_t rank = resultType.getRank();
  SmallVector<Value> ins = {input};
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank)};
  SmallVector<int> argOf; // block argument index of each param, -1: scalar
  for (const ChannelParam &p : params) {
    bool uniform = llvm::all_equal(p.values);
    if (uniform || axis < 0) {
      argOf.push_back(-1);
      continue;
    }
    argOf.push_back(ins.size());
    ins.push_back(createVector(b, loc, p.type, p.values));
    maps.push_back(AffineMap::get(rank, 0, b.getAffineDimExpr(axis)));
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  Value init =
      createEmpty(b, loc, resultType.getShape(), resultType.getElementType());
  SmallVector<utils::IteratorType> parallel(rank,
                                            utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{resultType}, ins, ValueRange{init}, maps,
             parallel,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               SmallVector<Value> pv;
               for (auto [i, p] : llvm::enumerate(params))
                 pv.push_back(argOf[i] >= 0
                                  ? args[argOf[i]]
                                  : createScalar(nb, l, p.type, p.values[0]));
               linalg::YieldOp::create(nb, l, body(nb, l, args[0], pv));
             })
      .getResult(0);
}

/// Widens the storage integers `v` (described by `q`) to i32 and subtracts
/// the zero point (per tensor, or along `q.axis`): exact for storage up to
/// 16 bits.
static Value widenOperand(OpBuilder &b, Location loc, Value v,
                          const OperandQuant &q) {
  auto type = llvm::cast<RankedTensorType>(v.getType());
  Type i32 = b.getI32Type();
  SmallVector<ChannelParam> params;
  if (llvm::any_of(q.zeroPoints, [](int64_t z) { return z != 0; }))
    params.push_back(ChannelParam{
        i32, SmallVector<double>(q.zeroPoints.begin(), q.zeroPoints.end())});
  return buildChannelwise(
      b, loc, v, type.clone(i32), q.axis, params,
      [&](OpBuilder &nb, Location l, Value x, ArrayRef<Value> p) -> Value {
        if (q.width < 32)
          x = q.isSigned ? (Value)arith::ExtSIOp::create(nb, l, i32, x)
                         : (Value)arith::ExtUIOp::create(nb, l, i32, x);
        return p.empty() ? x : (Value)arith::SubIOp::create(nb, l, x, p[0]);
      });
}

//===----------------------------------------------------------------------===//
// Pair-packed convolution
//===----------------------------------------------------------------------===//

/// Discardable attribute naming a linalg.generic built by
/// buildPairPackedConv: an NCHW convolution over channel pairs packed into
/// i32 elements (see there). qcc-tile-and-vectorize gives it the NCHW
/// micro-kernel with a 16-bit pair multiply-add (pmaddwd on x86). The
/// generic also carries `strides` and `dilations` like the named ops.
static constexpr llvm::StringLiteral kPairDotAttr = "qcc.pair_dot";

/// Values of the constant behind `v` (through qcc.reshape retypes), as
/// int64 storage integers (unsigned storage zero-extended), or nullopt.
static std::optional<std::vector<int64_t>>
constantStorage(Value v, const OperandQuant &q) {
  // The qcc value, or its converted form when the conversion already
  // replaced the constant (arith.constant behind tensor reshapes).
  ElementsAttr attr;
  while (!attr && v) {
    Operation *def = v.getDefiningOp();
    if (!def)
      break;
    if (auto cst = dyn_cast<ConstantOp>(def)) {
      attr = cst.getValue();
    } else if (auto cst = dyn_cast<arith::ConstantOp>(def)) {
      attr = llvm::dyn_cast<ElementsAttr>(cst.getValue());
      if (!attr)
        break;
    } else if (isa<ReshapeOp, tensor::CollapseShapeOp, tensor::ExpandShapeOp,
                   tensor::ReshapeOp, tensor::BitcastOp,
                   UnrealizedConversionCastOp>(def) &&
               def->getNumOperands() >= 1) {
      v = def->getOperand(0);
    } else {
      break;
    }
  }
  if (!attr)
    return std::nullopt;
  std::optional<std::vector<int64_t>> values = getElementsAsInt64(attr);
  if (!values)
    return std::nullopt;
  if (!q.isSigned && q.width < 64)
    for (int64_t &x : *values)
      x &= (int64_t(1) << q.width) - 1;
  return values;
}

/// The scalar payload of a pair-packed contraction: `acc + lo(x) * lo(w) +
/// hi(x) * hi(w)` with `lo`/`hi` the sign-extended 16-bit halves of the i32
/// elements. Each product is at most 255 * 255 in magnitude, so nothing
/// wraps (the pair sum is what x86's pmaddwd computes).
static Value buildPairDot(OpBuilder &b, Location loc, Value x, Value w,
                          Value acc) {
  Type i32 = b.getI32Type();
  Value sixteen = createScalar(b, loc, i32, 16);
  auto lo = [&](Value v) -> Value {
    return arith::ShRSIOp::create(
        b, loc, arith::ShLIOp::create(b, loc, v, sixteen), sixteen);
  };
  auto hi = [&](Value v) -> Value {
    return arith::ShRSIOp::create(b, loc, v, sixteen);
  };
  Value pl = arith::MulIOp::create(b, loc, lo(x), lo(w));
  Value ph = arith::MulIOp::create(b, loc, hi(x), hi(w));
  return arith::AddIOp::create(b, loc, acc,
                               arith::AddIOp::create(b, loc, pl, ph));
}

/// Packs `even` and `odd` (same-shaped 8-bit tensors) into one i32 tensor
/// of 16-bit pairs, each value minus the zero point of `in` (run time).
static Value packActivationPairs(OpBuilder &b, Location loc, Value even,
                                 Value odd, const OperandQuant &in) {
  auto type = llvm::cast<RankedTensorType>(even.getType());
  Type i32 = b.getI32Type();
  auto packedType = type.clone(i32);
  int64_t rank = type.getRank();
  SmallVector<utils::IteratorType> parallel(rank,
                                            utils::IteratorType::parallel);
  int64_t zxv = in.zeroPoints[0];
  return linalg::GenericOp::create(
             b, loc, TypeRange{packedType}, ValueRange{even, odd},
             ValueRange{createEmpty(b, loc, packedType.getShape(), i32)},
             SmallVector<AffineMap>(3, b.getMultiDimIdentityMap(rank)),
             parallel,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               auto widen = [&](Value v) -> Value {
                 v = in.isSigned ? (Value)arith::ExtSIOp::create(nb, l, i32, v)
                                 : (Value)arith::ExtUIOp::create(nb, l, i32, v);
                 if (zxv == 0)
                   return v;
                 return arith::SubIOp::create(nb, l, v,
                                              createScalar(nb, l, i32, zxv));
               };
               Value lo = arith::AndIOp::create(
                   nb, l, widen(args[0]), createScalar(nb, l, i32, 0xffff));
               Value hi = arith::ShLIOp::create(nb, l, widen(args[1]),
                                                createScalar(nb, l, i32, 16));
               linalg::YieldOp::create(
                   nb, l, Value(arith::OrIOp::create(nb, l, lo, hi)));
             })
      .getResult(0);
}

/// The pair-packed form (type `packedType`, i32) of a constant 8-bit
/// operand: element e holds `even[e] - zp` in bits 0-15 and `odd[e] - zp` in
/// bits 16-31, with `even`/`odd` the raw storage integers and `zp` the zero
/// point of `q` (per tensor, or per index of dimension `axis` of the packed
/// shape). The object keeps the 8-bit values, as one [2, ...] constant
/// whose halves are contiguous, and a vectorized elementwise pass packs them
/// at run time: one byte per weight instead of the two of a packed constant
/// (the quantized object stays near a quarter of the float one), for a pass
/// over the weights that costs a few percent of the layer.
static Value packConstantPairs(OpBuilder &b, Location loc,
                               RankedTensorType packedType,
                               ArrayRef<int64_t> even, ArrayRef<int64_t> odd,
                               const OperandQuant &q, int64_t axis) {
  Type i8 = b.getIntegerType(8);
  SmallVector<int64_t> shape = {2};
  llvm::append_range(shape, packedType.getShape());
  std::vector<int64_t> raw;
  raw.reserve(2 * even.size());
  for (int64_t v : even)
    raw.push_back(int64_t(int8_t(v)));
  for (int64_t v : odd)
    raw.push_back(int64_t(int8_t(v)));
  auto rawType = RankedTensorType::get(shape, i8);
  Value halves = arith::ConstantOp::create(
      b, loc, llvm::cast<TypedAttr>(makeElementsInt(rawType, raw, "weights")));
  int64_t rank = packedType.getRank();
  auto half = [&](int64_t k) -> Value {
    SmallVector<OpFoldResult> offsets(rank + 1, b.getIndexAttr(0)),
        strides(rank + 1, b.getIndexAttr(1)), sizes = {b.getIndexAttr(1)};
    offsets[0] = b.getIndexAttr(k);
    for (int64_t s : packedType.getShape())
      sizes.push_back(b.getIndexAttr(s));
    return tensor::ExtractSliceOp::create(b, loc, packedType.clone(i8), halves,
                                          offsets, sizes, strides);
  };
  Type i32 = b.getI32Type();
  SmallVector<ChannelParam> params;
  if (llvm::any_of(q.zeroPoints, [](int64_t z) { return z != 0; }))
    params.push_back(ChannelParam{
        i32, SmallVector<double>(q.zeroPoints.begin(), q.zeroPoints.end())});
  Value evenT = half(0), oddT = half(1);
  SmallVector<Value> ins = {evenT, oddT};
  SmallVector<AffineMap> maps(2, b.getMultiDimIdentityMap(rank));
  int zpArg = -1;
  bool uniformZp = params.empty() || llvm::all_equal(params[0].values);
  if (!uniformZp) {
    zpArg = ins.size();
    ins.push_back(createVector(b, loc, i32, params[0].values));
    maps.push_back(AffineMap::get(rank, 0, b.getAffineDimExpr(axis)));
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> parallel(rank,
                                            utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{packedType}, ins,
             ValueRange{createEmpty(b, loc, packedType.getShape(), i32)}, maps,
             parallel,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value zp;
               if (zpArg >= 0)
                 zp = args[zpArg];
               else if (!params.empty())
                 zp = createScalar(nb, l, i32, params[0].values[0]);
               auto widen = [&](Value v) -> Value {
                 v = q.isSigned ? (Value)arith::ExtSIOp::create(nb, l, i32, v)
                                : (Value)arith::ExtUIOp::create(nb, l, i32, v);
                 return zp ? (Value)arith::SubIOp::create(nb, l, v, zp) : v;
               };
               Value lo = arith::AndIOp::create(
                   nb, l, widen(args[0]), createScalar(nb, l, i32, 0xffff));
               Value hi = arith::ShLIOp::create(nb, l, widen(args[1]),
                                                createScalar(nb, l, i32, 16));
               linalg::YieldOp::create(
                   nb, l, Value(arith::OrIOp::create(nb, l, lo, hi)));
             })
      .getResult(0);
}

/// The pair-packed contraction `init + sum pairdot(x[..window..], w)` as a
/// linalg.generic with the maps of linalg.conv_2d_nchw_fchw (x [N, C2, H,
/// W], w [F, C2, kh, kw], init [N, F, OH, OW]) or, when `grouped`, of
/// linalg.conv_2d_ngchw_gfchw, marked for qcc-tile-and-vectorize.
static Value createPairDotGeneric(OpBuilder &b, Location loc, Value x, Value w,
                                  Value init, ArrayRef<int64_t> st,
                                  ArrayRef<int64_t> dl, bool grouped) {
  MLIRContext *ctx = b.getContext();
  // Dimensions: [n, (g,) f, oh, ow, c2, i, j].
  unsigned g0 = grouped ? 1 : 0;
  unsigned nd = 7 + g0;
  auto e = [&](unsigned i) { return b.getAffineDimExpr(i); };
  AffineExpr dn = e(0), df = e(1 + g0), dh = e(2 + g0), dw = e(3 + g0),
             dc = e(4 + g0), di = e(5 + g0), dj = e(6 + g0);
  SmallVector<AffineExpr> xRes = {dn}, wRes, oRes = {dn};
  if (grouped) {
    xRes.push_back(e(1));
    wRes.push_back(e(1));
    oRes.push_back(e(1));
  }
  xRes.append({dc, dh * st[0] + di * dl[0], dw * st[1] + dj * dl[1]});
  wRes.append({df, dc, di, dj});
  oRes.append({df, dh, dw});
  SmallVector<utils::IteratorType> iters(nd, utils::IteratorType::parallel);
  for (unsigned i = nd - 3; i < nd; ++i)
    iters[i] = utils::IteratorType::reduction;
  auto conv = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, ValueRange{x, w}, ValueRange{init},
      ArrayRef<AffineMap>{AffineMap::get(nd, 0, xRes, ctx),
                          AffineMap::get(nd, 0, wRes, ctx),
                          AffineMap::get(nd, 0, oRes, ctx)},
      iters, [&](OpBuilder &nb, Location l, ValueRange args) {
        linalg::YieldOp::create(nb, l,
                                buildPairDot(nb, l, args[0], args[1], args[2]));
      });
  conv->setAttr(kPairDotAttr, b.getUnitAttr());
  conv->setAttr("strides", b.getI64TensorAttr(st));
  conv->setAttr("dilations", b.getI64TensorAttr(dl));
  return conv.getResult(0);
}

/// Builds the i32 accumulator `init + conv(x - zx, w - zw)` of a quantized
/// conv2d with constant weights as a contraction over channel pairs:
///
///   xp[n, c2, h, w] = pack(x[n, 2c2, h, w] - zx, x[n, 2c2+1, h, w] - zx)
///                     (run time; zero spatial padding = the zero point)
///   wp[f, c2, i, j] = pack(w[f, 2c2, i, j] - zw[f], w[f, 2c2+1, i, j] - zw[f])
///                     (run time, from the 8-bit constant: packConstantPairs)
///   acc[n, f, oh, ow] += pairdot(xp[n, c2, oh*sh + i*dh, ow*sw + j*dw],
///                                wp[f, c2, i, j])
///
/// where pack puts two 16-bit values in one i32 (an odd channel count gets
/// a zero channel). The operands keep half the bytes of the i32-widened
/// ones and the contraction is one pmaddwd per 2 x W multiply-adds on x86.
/// Grouped convolutions with at least two channels per group use the same
/// form per group. Returns a null value when the weights are not constant,
/// the convolution has one input channel per group (depthwise), or a
/// grouped convolution has per-channel weight zero points.
static Value buildPairPackedConv(OpBuilder &b, Location loc, Conv2DOp op,
                                 Value input, Value weight, Value init,
                                 const OperandQuant &in,
                                 const OperandQuant &w) {
  auto inType = llvm::cast<RankedTensorType>(input.getType());
  auto wType = llvm::cast<RankedTensorType>(op.getWeight().getType());
  auto accType = llvm::cast<RankedTensorType>(init.getType());
  if (!inType.hasStaticShape() || !wType.hasStaticShape() ||
      !accType.hasStaticShape() || in.width > 8 || w.width > 8)
    return {};
  int64_t group = op.getGroup();
  int64_t n = inType.getDimSize(0), c = inType.getDimSize(1);
  int64_t h = inType.getDimSize(2), wd = inType.getDimSize(3);
  int64_t f = wType.getDimSize(0), cg = wType.getDimSize(1);
  int64_t kh = wType.getDimSize(2), kw = wType.getDimSize(3);
  if (cg < 2 || group < 1 || c != cg * group || f % group != 0)
    return {};
  std::optional<std::vector<int64_t>> wv = constantStorage(weight, w);
  if (!wv)
    wv = constantStorage(op.getWeight(), w);
  if (!wv || (int64_t)wv->size() != f * cg * kh * kw)
    return {};
  int64_t c2 = (cg + 1) / 2, fg = f / group;
  Type i32 = b.getI32Type();
  Type storage = inType.getElementType();

  // Packed weights [G, Fg, C2, kh, kw]; a missing odd channel holds the
  // weight zero point (0 after the subtraction).
  std::vector<int64_t> even, odd;
  even.reserve(f * c2 * kh * kw);
  odd.reserve(f * c2 * kh * kw);
  for (int64_t o = 0; o < f; ++o) {
    int64_t zw = w.zeroPoints.size() == 1 ? w.zeroPoints[0] : w.zeroPoints[o];
    for (int64_t p = 0; p < c2; ++p)
      for (int64_t i = 0; i < kh * kw; ++i) {
        auto at = [&](int64_t ch) -> int64_t {
          return ch < cg ? (*wv)[(o * cg + ch) * kh * kw + i] : zw;
        };
        even.push_back(at(2 * p));
        odd.push_back(at(2 * p + 1));
      }
  }
  // Per-channel zero points vary along Fg, which covers all channels only
  // for one group; grouped layers with them keep the widened form.
  if (group > 1 && !llvm::all_equal(w.zeroPoints))
    return {};
  auto wpType = RankedTensorType::get({group, fg, c2, kh, kw}, i32);
  Value wp = packConstantPairs(b, loc, wpType, even, odd, w, /*axis=*/1);

  // Packed input [N, G, C2, H, W] (run time): an odd channel count per group
  // gets one more channel holding the zero point, i.e. 0 after the
  // subtraction.
  Value x = input;
  if (cg % 2 != 0) {
    auto x5 = tensor::ExpandShapeOp::create(
        b, loc, inType.clone({n, group, cg, h, wd}), x,
        SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
    Value zx = createScalar(b, loc, storage, (double)in.zeroPoints[0]);
    Value padded = padTensor(b, loc, x5, {0, 0, 0, 0, 0}, {0, 0, 1, 0, 0}, zx);
    x = tensor::CollapseShapeOp::create(
        b, loc, inType.clone({n, group * 2 * c2, h, wd}), padded,
        SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
  }
  Value x6 = tensor::ExpandShapeOp::create(
      b, loc, inType.clone({n, group, c2, 2, h, wd}), x,
      SmallVector<ReassociationIndices>{{0}, {1, 2, 3}, {4}, {5}});
  // The even and odd channels as two [N, G, C2, H, W] operands (identity
  // maps, so that the packing vectorizes along W like any elementwise op).
  auto x6Type = llvm::cast<RankedTensorType>(x6.getType());
  auto half = [&](int64_t k) -> Value {
    SmallVector<OpFoldResult> offsets(6, b.getIndexAttr(0)),
        strides(6, b.getIndexAttr(1)), sizes;
    offsets[3] = b.getIndexAttr(k);
    for (int64_t s : x6Type.getShape())
      sizes.push_back(b.getIndexAttr(s));
    sizes[3] = b.getIndexAttr(1);
    return tensor::ExtractSliceOp::create(
        b, loc, RankedTensorType::get({n, group, c2, h, wd}, storage), x6,
        offsets, sizes, strides);
  };
  Value xp = packActivationPairs(b, loc, half(0), half(1), in);
  ArrayRef<int64_t> pads = op.getPads();
  if (llvm::any_of(pads, [](int64_t p) { return p != 0; }))
    xp = padTensor(b, loc, xp, {0, 0, 0, pads[0], pads[1]},
                   {0, 0, 0, pads[2], pads[3]}, createScalar(b, loc, i32, 0));

  // The contraction [N, G, Fg, OH, OW] over (c2, i, j); group == 1 drops
  // the group dimension so that the tile is the plain NCHW micro-kernel's.
  int64_t oh = accType.getDimSize(2), ow = accType.getDimSize(3);
  ArrayRef<int64_t> st = op.getStrides(), dl = op.getDilations();
  bool grouped = group > 1;
  Value xin = xp, win = wp, acc = init;
  SmallVector<ReassociationIndices> drop = {{0, 1}, {2}, {3}, {4}};
  if (!grouped) {
    auto pt = llvm::cast<RankedTensorType>(xp.getType());
    xin = tensor::CollapseShapeOp::create(
        b, loc, pt.clone({n, c2, pt.getDimSize(3), pt.getDimSize(4)}), xp,
        drop);
    win = tensor::CollapseShapeOp::create(b, loc, wpType.clone({f, c2, kh, kw}),
                                          wp, drop);
  } else {
    acc = tensor::ExpandShapeOp::create(
        b, loc, accType.clone({n, group, fg, oh, ow}), init,
        SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
  }
  Value result = createPairDotGeneric(b, loc, xin, win, acc, st, dl, grouped);
  if (grouped)
    result = tensor::CollapseShapeOp::create(
        b, loc, accType, result,
        SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
  return result;
}

/// Builds the i32 accumulator `init + (lhs - zx) x (rhs - zw)` of a quantized
/// matmul with a constant 2-D rhs [K, N] as the pair-packed contraction of a
/// 1x1 convolution: the rhs packed into [K2, N] (pairs along K; run time,
/// from the 8-bit constant) plays the convolution input [1, K2, 1, N], the lhs
/// rows [R, K] (batch dimensions folded in) packed at run time into [R, K2]
/// play the filters [R, K2, 1, 1], and the output [1, R, 1, N] is the
/// accumulator, so that the micro-kernel vectorizes along N and broadcasts the
/// lhs pairs. Returns a null value when the rhs is not a constant matrix.
static Value buildPairPackedMatMul(OpBuilder &b, Location loc, MatMulOp op,
                                   Value lhs, Value rhs, Value init,
                                   const OperandQuant &in,
                                   const OperandQuant &w) {
  auto lType = llvm::cast<RankedTensorType>(lhs.getType());
  auto rType = llvm::cast<RankedTensorType>(op.getRhs().getType());
  auto accType = llvm::cast<RankedTensorType>(init.getType());
  if (!lType.hasStaticShape() || !rType.hasStaticShape() ||
      !accType.hasStaticShape() || rType.getRank() != 2 ||
      lType.getRank() < 2 || in.width > 8 || w.width > 8)
    return {};
  int64_t k = rType.getDimSize(0), n = rType.getDimSize(1);
  if (k < 2 || lType.getDimSize(lType.getRank() - 1) != k ||
      accType.getNumElements() % n != 0)
    return {};
  std::optional<std::vector<int64_t>> wv = constantStorage(rhs, w);
  if (!wv)
    wv = constantStorage(op.getRhs(), w);
  if (!wv || (int64_t)wv->size() != k * n)
    return {};
  int64_t k2 = (k + 1) / 2, r = lType.getNumElements() / k;
  Type i32 = b.getI32Type();
  Type storage = lType.getElementType();

  // Packed rhs [1, K2, 1, N]; a missing odd row holds the column's zero
  // point.
  std::vector<int64_t> even, odd;
  even.reserve(k2 * n);
  odd.reserve(k2 * n);
  for (int64_t p = 0; p < k2; ++p)
    for (int64_t c = 0; c < n; ++c) {
      int64_t zw = w.zeroPoints.size() == 1 ? w.zeroPoints[0] : w.zeroPoints[c];
      auto at = [&](int64_t row) -> int64_t {
        return row < k ? (*wv)[row * n + c] : zw;
      };
      even.push_back(at(2 * p));
      odd.push_back(at(2 * p + 1));
    }
  auto rpType = RankedTensorType::get({1, k2, 1, n}, i32);
  Value rp = packConstantPairs(b, loc, rpType, even, odd, w, /*axis=*/3);

  // Packed lhs [R, K2, 1, 1] (run time); an odd K is padded with the zero
  // point.
  Value x = reshapeTo(b, loc, lhs, lType.clone({r, k}));
  if (k % 2 != 0)
    x = padTensor(b, loc, x, {0, 0}, {0, 1},
                  createScalar(b, loc, storage, (double)in.zeroPoints[0]));
  Value x3 = tensor::ExpandShapeOp::create(
      b, loc, lType.clone({r, k2, 2}), x,
      SmallVector<ReassociationIndices>{{0}, {1, 2}});
  auto half = [&](int64_t h) -> Value {
    SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), b.getIndexAttr(0),
                                         b.getIndexAttr(h)};
    SmallVector<OpFoldResult> sizes = {b.getIndexAttr(r), b.getIndexAttr(k2),
                                       b.getIndexAttr(1)};
    SmallVector<OpFoldResult> strides(3, b.getIndexAttr(1));
    return tensor::ExtractSliceOp::create(
        b, loc, RankedTensorType::get({r, k2}, storage), x3, offsets, sizes,
        strides);
  };
  Value lp = packActivationPairs(b, loc, half(0), half(1), in);
  lp = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get({r, k2, 1, 1}, i32), lp,
      SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});

  Value acc = reshapeTo(b, loc, init, accType.clone({1, r, 1, n}));
  int64_t one[] = {1, 1};
  Value result = createPairDotGeneric(b, loc, rp, lp, acc, one, one,
                                      /*grouped=*/false);
  return reshapeTo(b, loc, result, accType);
}

/// round_half_away_from_zero(acc * mult / 2^shift) + zp, clamped to
/// [lo, hi], truncated to `storage`; all in i64 (|acc| < 2^31 and
/// mult < 2^31, so the product is exact).
static Value requantizeScalar(OpBuilder &b, Location loc, Value acc, Value mult,
                              Value shift, Value zp, int64_t lo, int64_t hi,
                              Type storage) {
  Type i64 = b.getI64Type();
  Value x = arith::ExtSIOp::create(b, loc, i64, acc);
  Value p = arith::MulIOp::create(b, loc, x, mult);
  Value one = createScalar(b, loc, i64, 1);
  Value half = arith::ShLIOp::create(b, loc, one,
                                     arith::SubIOp::create(b, loc, shift, one));
  Value neg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, p,
                                    createScalar(b, loc, i64, 0));
  Value negBias = arith::ExtUIOp::create(b, loc, i64, neg);
  Value r = arith::AddIOp::create(b, loc, p, half);
  r = arith::SubIOp::create(b, loc, r, negBias);
  r = arith::ShRSIOp::create(b, loc, r, shift);
  r = arith::AddIOp::create(b, loc, r, zp);
  r = arith::MaxSIOp::create(b, loc, r, createScalar(b, loc, i64, lo));
  r = arith::MinSIOp::create(b, loc, r, createScalar(b, loc, i64, hi));
  return arith::TruncIOp::create(b, loc, storage, r);
}

/// Clamp bounds of a quantized result: the storage range narrowed by a
/// fused relu or clip (bounds quantized with the output scale, rounding half
/// away from zero like the multiplier path; rounding is monotonic, so
/// clamping before or after quantization agrees).
static std::pair<int64_t, int64_t>
clampBounds(const OperandQuant &out, std::optional<UnaryKind> act,
            std::optional<ArrayRef<float>> params) {
  int64_t lo = out.storageMin, hi = out.storageMax;
  if (!act)
    return {lo, hi};
  double s = out.scales[0];
  int64_t zp = out.zeroPoints[0];
  if (*act == UnaryKind::relu) {
    lo = std::max(lo, zp);
  } else if (*act == UnaryKind::clip && params && params->size() == 2) {
    double a = std::round((*params)[0] / s) + zp;
    double c = std::round((*params)[1] / s) + zp;
    lo = std::max<int64_t>(lo, (int64_t)std::min<double>(a, hi));
    hi = std::min<int64_t>(hi, (int64_t)std::max<double>(c, lo));
  }
  return {lo, std::max(lo, hi)};
}

/// Turns the i32 accumulator `acc` (result of the contraction, channel along
/// `axis`) into the converted result type of `op`: the accumulator itself
/// for an i32 result, `acc * in_scale * w_scale[c]` for a float result, the
/// fixed-point requantization for a `!quant.uniform` result.
static Value finishAccumulator(OpBuilder &b, Location loc, Value acc,
                               Type resultElem, RankedTensorType convType,
                               int64_t axis, const OperandQuant &in,
                               const OperandQuant &w,
                               std::optional<UnaryKind> act,
                               std::optional<ArrayRef<float>> actParams) {
  SmallVector<double> accScale;
  for (double s : w.scales)
    accScale.push_back(in.scales[0] * s);
  int64_t chanAxis = w.axis >= 0 ? axis : -1;
  if (auto ft = llvm::dyn_cast<FloatType>(resultElem)) {
    Value f = buildChannelwise(
        b, loc, acc, convType, chanAxis, {ChannelParam{ft, accScale}},
        [&](OpBuilder &nb, Location l, Value x, ArrayRef<Value> p) -> Value {
          Value v = arith::SIToFPOp::create(nb, l, ft, x);
          return arith::MulFOp::create(nb, l, v, p[0]);
        });
    return applyActivation(b, loc, f, act, actParams);
  }
  auto outQ = readQuant(resultElem);
  if (!outQ || !outQ->quantized) // i32 accumulator result
    return applyActivation(b, loc, acc, act, actParams);
  SmallVector<double> mults, shifts;
  for (double s : accScale) {
    auto fp = computeFixedPointMultiplier(s / outQ->scales[0]);
    mults.push_back((double)fp->multiplier);
    shifts.push_back((double)fp->shift);
  }
  auto bounds = clampBounds(*outQ, act, actParams);
  int64_t lo = bounds.first, hi = bounds.second;
  Type i64 = b.getI64Type();
  Type storage = convType.getElementType();
  int64_t zp = outQ->zeroPoints[0];
  return buildChannelwise(
      b, loc, acc, convType, chanAxis,
      {ChannelParam{i64, mults}, ChannelParam{i64, shifts}},
      [&](OpBuilder &nb, Location l, Value x, ArrayRef<Value> p) -> Value {
        return requantizeScalar(nb, l, x, p[0], p[1],
                                createScalar(nb, l, i64, (double)zp), lo, hi,
                                storage);
      });
}

//===----------------------------------------------------------------------===//
// Checks
//===----------------------------------------------------------------------===//

/// Largest |x - zx| * |w - zw| of 8-bit operands.
static constexpr int64_t kMaxProduct = 255 * 255;

LogicalResult qcc::checkQuantizedLowerable(Operation *op) {
  auto requant = dyn_cast<RequantizeOp>(op);
  if (requant) {
    auto in = readQuant(elemOf(requant.getInput()));
    auto out = readQuant(elemOf(requant.getResult()));
    if (!in || !out || in->width > 16 || out->width > 32)
      return op->emitError("requantize supports !quant.uniform storage up to "
                           "16 bits in and 32 bits out");
    if (in->axis >= 0 && out->axis >= 0 && in->axis != out->axis)
      return op->emitError("requantize between different quantized axes");
    for (double si : in->scales)
      for (double so : out->scales)
        if (failed(computeFixedPointMultiplier(si / so)))
          return op->emitError("requantize multiplier ")
                 << si / so << " is out of range (must be below 2^30)";
    return success();
  }
  bool isConv = isa<Conv2DOp>(op);
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  Value bias =
      isConv ? cast<Conv2DOp>(op).getBias() : cast<MatMulOp>(op).getBias();
  Value result = op->getResult(0);
  auto in = readQuant(elemOf(lhs));
  auto w = readQuant(elemOf(rhs));
  if (!in || !w || in->width > 8 || w->width > 8)
    return op->emitError("quantized '")
           << op->getName() << "' needs 8-bit integer or !quant.uniform "
           << "operands, got " << elemOf(lhs) << " and " << elemOf(rhs);
  if (in->axis >= 0)
    return op->emitError("quantized '")
           << op->getName() << "' needs a per-tensor quantized "
           << (isConv ? "input" : "lhs");
  int64_t wRank = llvm::cast<ShapedType>(rhs.getType()).getRank();
  int64_t chanAxis = isConv ? 0 : wRank - 1;
  if (w->axis >= 0 && w->axis != chanAxis)
    return op->emitError("quantized '")
           << op->getName() << "' needs the weight quantized per tensor or "
           << "along its output-channel axis " << chanAxis << ", got axis "
           << w->axis;
  if (bias) {
    auto bq = readQuant(elemOf(bias));
    if (!bq || bq->width != 32 || bq->zeroPoints[0] != 0 || bq->axis >= 0)
      return op->emitError("quantized '")
             << op->getName() << "' needs an i32 bias (zero point 0), got "
             << elemOf(bias);
  }
  // Depth of the reduction: the i32 accumulator must not overflow.
  auto wType = llvm::cast<ShapedType>(rhs.getType());
  int64_t depth =
      isConv ? wType.getDimSize(1) * wType.getDimSize(2) * wType.getDimSize(3)
             : wType.getDimSize(wRank - 2);
  if (depth * kMaxProduct >= (int64_t(1) << 31))
    return op->emitError("quantized '")
           << op->getName() << "' with a reduction depth of " << depth
           << " could overflow the i32 accumulator";

  std::optional<UnaryKind> act;
  if (auto conv = dyn_cast<Conv2DOp>(op))
    act = conv.getActivation();
  else
    act = cast<MatMulOp>(op).getActivation();
  Type re = elemOf(result);
  if (isa<FloatType>(re)) {
    if (act && !isUnarySupported(*act, re))
      return op->emitError("fused activation '")
             << stringifyUnaryKind(*act) << "' is not supported on " << re
             << " elements";
    return success();
  }
  auto out = readQuant(re);
  if (!out || (!out->quantized && (out->width != 32 || !out->isSigned)))
    return op->emitError("quantized '")
           << op->getName() << "' result must be float, i32 or "
           << "!quant.uniform, got " << re;
  if (!out->quantized) {
    // The accumulator itself; an integer activation (relu, clip) applies to
    // it as in the float path (qcc-fuse-activations may have moved one in).
    if (act && !isUnarySupported(*act, re))
      return op->emitError("fused activation '")
             << stringifyUnaryKind(*act) << "' is not supported on " << re
             << " elements";
    return success();
  }
  if (out->axis >= 0 || out->width > 32)
    return op->emitError("quantized '")
           << op->getName() << "' needs a per-tensor quantized result";
  if (act && *act != UnaryKind::relu && *act != UnaryKind::clip)
    return op->emitError("fused activation '")
           << stringifyUnaryKind(*act) << "' on a quantized result (only "
           << "relu and clip become clamp bounds)";
  for (double s : w->scales)
    if (failed(computeFixedPointMultiplier(in->scales[0] * s / out->scales[0])))
      return op->emitError("requantization multiplier ")
             << in->scales[0] * s / out->scales[0]
             << " is out of range (must be below 2^30)";
  return success();
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

static bool hasQuantizedOperands(Operation *op) {
  return llvm::any_of(op->getOperands(),
                      [](Value v) { return isQuantizedElem(elemOf(v)); });
}

namespace {

/// Quantized matmul: widen, an i32 qcc.matmul (lowered by the float path's
/// pattern to linalg.matmul / batch_matmul on i32), then the requantization.
struct QuantizedMatMulLowering : OpConversionPattern<MatMulOp> {
  QuantizedMatMulLowering(const TypeConverter &tc, MLIRContext *ctx)
      : OpConversionPattern(tc, ctx, /*benefit=*/2) {}
  LogicalResult
  matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!hasQuantizedOperands(op))
      return failure();
    Location loc = op.getLoc();
    OperandQuant in = *readQuant(elemOf(op.getLhs()));
    OperandQuant w = *readQuant(elemOf(op.getRhs()));
    auto convType = llvm::cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    auto accType = convType.clone(rewriter.getI32Type());
    // A constant rhs matrix: the pair-packed contraction.
    Value acc;
    if (accType.hasStaticShape()) {
      Value init = adaptor.getBias()
                       ? broadcastTo(rewriter, loc, adaptor.getBias(),
                                     accType.getShape())
                       : createFilled(rewriter, loc, accType.getShape(),
                                      createScalar(rewriter, loc,
                                                   rewriter.getI32Type(), 0));
      if (llvm::cast<RankedTensorType>(init.getType()) == accType)
        acc = buildPairPackedMatMul(rewriter, loc, op, adaptor.getLhs(),
                                    adaptor.getRhs(), init, in, w);
    }
    // Otherwise widen both operands to i32 and use the float path's matmul
    // on i32.
    if (!acc) {
      Value lhs = widenOperand(rewriter, loc, adaptor.getLhs(), in);
      Value rhs = widenOperand(rewriter, loc, adaptor.getRhs(), w);
      acc = MatMulOp::create(rewriter, loc, accType, lhs, rhs,
                             adaptor.getBias(), nullptr, nullptr, nullptr);
    }
    Value result = finishAccumulator(
        rewriter, loc, acc, op.getType().getElementType(), convType,
        convType.getRank() - 1, in, w, op.getActivation(), op.getActParams());
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Quantized conv2d: widen (padding then adds zeros, i.e. the input zero
/// point), an i32 qcc.conv2d, then the requantization per output channel.
struct QuantizedConv2DLowering : OpConversionPattern<Conv2DOp> {
  QuantizedConv2DLowering(const TypeConverter &tc, MLIRContext *ctx)
      : OpConversionPattern(tc, ctx, /*benefit=*/2) {}
  LogicalResult
  matchAndRewrite(Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!hasQuantizedOperands(op))
      return failure();
    Location loc = op.getLoc();
    OperandQuant in = *readQuant(elemOf(op.getInput()));
    OperandQuant w = *readQuant(elemOf(op.getWeight()));
    auto convType = llvm::cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    auto accType = convType.clone(rewriter.getI32Type());
    // Constant weights: the pair-packed contraction.
    Value acc;
    if (accType.hasStaticShape()) {
      Value init;
      if (Value bias = adaptor.getBias()) {
        Value empty = createEmpty(rewriter, loc, accType.getShape(),
                                  accType.getElementType());
        init = linalg::BroadcastOp::create(rewriter, loc, bias, empty,
                                           ArrayRef<int64_t>{0, 2, 3})
                   ->getResult(0);
      } else {
        init =
            createFilled(rewriter, loc, accType.getShape(),
                         createScalar(rewriter, loc, rewriter.getI32Type(), 0));
      }
      acc = buildPairPackedConv(rewriter, loc, op, adaptor.getInput(),
                                adaptor.getWeight(), init, in, w);
    }
    // Otherwise widen both operands to i32 and use the float path's
    // convolutions on i32.
    if (!acc) {
      Value x = widenOperand(rewriter, loc, adaptor.getInput(), in);
      Value wt = widenOperand(rewriter, loc, adaptor.getWeight(), w);
      acc = Conv2DOp::create(rewriter, loc, accType, x, wt, adaptor.getBias(),
                             op.getStrides(), op.getPads(), op.getDilations(),
                             op.getGroup(), nullptr, nullptr, nullptr);
    }
    Value result = finishAccumulator(
        rewriter, loc, acc, op.getType().getElementType(), convType,
        /*axis=*/1, in, w, op.getActivation(), op.getActParams());
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// q_out = clamp(fixed_point(q_in - zp_in, s_in / s_out) + zp_out).
struct RequantizeLowering : OpConversionPattern<RequantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(RequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OperandQuant in = *readQuant(elemOf(op.getInput()));
    OperandQuant out = *readQuant(elemOf(op.getResult()));
    auto convType = llvm::cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    int64_t axis = in.axis >= 0 ? in.axis : out.axis;
    int64_t channels = axis >= 0 ? convType.getDimSize(axis) : 1;
    auto at = [&](auto &vec, int64_t c) {
      return vec.size() == 1 ? vec[0] : vec[c];
    };
    SmallVector<double> zin, mults, shifts, zout;
    for (int64_t c = 0; c < channels; ++c) {
      auto fp =
          computeFixedPointMultiplier(at(in.scales, c) / at(out.scales, c));
      zin.push_back((double)at(in.zeroPoints, c));
      mults.push_back((double)fp->multiplier);
      shifts.push_back((double)fp->shift);
      zout.push_back((double)at(out.zeroPoints, c));
    }
    Type i32 = rewriter.getI32Type(), i64 = rewriter.getI64Type();
    Type storage = convType.getElementType();
    Value result = buildChannelwise(
        rewriter, loc, adaptor.getInput(), convType, axis,
        {ChannelParam{i32, zin}, ChannelParam{i64, mults},
         ChannelParam{i64, shifts}, ChannelParam{i64, zout}},
        [&](OpBuilder &b, Location l, Value x, ArrayRef<Value> p) -> Value {
          if (in.width < 32)
            x = in.isSigned ? (Value)arith::ExtSIOp::create(b, l, i32, x)
                            : (Value)arith::ExtUIOp::create(b, l, i32, x);
          x = arith::SubIOp::create(b, l, x, p[0]);
          return requantizeScalar(b, l, x, p[1], p[2], p[3], out.storageMin,
                                  out.storageMax, storage);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void qcc::populateQuantizedPatterns(const TypeConverter &converter,
                                    RewritePatternSet &patterns) {
  patterns.add<QuantizedMatMulLowering, QuantizedConv2DLowering,
               RequantizeLowering>(converter, patterns.getContext());
}
