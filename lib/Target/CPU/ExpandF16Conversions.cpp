//===- ExpandF16Conversions.cpp - f16 conversions without compiler-rt -----===//
//
// This file implements qcc-expand-f16-conversions: arith.extf from f16 and
// arith.truncf to f16 become integer code, for targets without hardware
// half-precision conversion (see the pass description in Passes.td).
//
//===----------------------------------------------------------------------===//

#include "qcc/Target/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace qcc {
#define GEN_PASS_DEF_QCCEXPANDF16CONVERSIONSPASS
#include "qcc/Target/Passes.h.inc"

namespace {

/// Helpers to build scalar-or-vector constants and ops of one shape.
struct Builder {
  PatternRewriter &r;
  Location loc;
  Type shapeOf; ///< any type with the operation's shape (scalar or vector)

  Type like(Type elt) const {
    if (auto vec = dyn_cast<VectorType>(shapeOf))
      return vec.clone(elt);
    return elt;
  }
  Value cst(Type elt, APInt v) const {
    TypedAttr attr = r.getIntegerAttr(elt, v);
    Type type = like(elt);
    if (auto vec = dyn_cast<VectorType>(type))
      attr = DenseElementsAttr::get(vec, attr);
    return arith::ConstantOp::create(r, loc, type, attr);
  }
  Value cst(Type elt, uint64_t v) const {
    return cst(elt, APInt(elt.getIntOrFloatBitWidth(), v));
  }
  Value fcst(Type elt, double v) const {
    TypedAttr attr = r.getFloatAttr(elt, v);
    Type type = like(elt);
    if (auto vec = dyn_cast<VectorType>(type))
      attr = DenseElementsAttr::get(vec, attr);
    return arith::ConstantOp::create(r, loc, type, attr);
  }
  Value bitcast(Value v, Type elt) const {
    return arith::BitcastOp::create(r, loc, like(elt), v);
  }
  Value cmp(arith::CmpIPredicate p, Value a, Value b) const {
    return arith::CmpIOp::create(r, loc, p, a, b);
  }
  Value select(Value c, Value a, Value b) const {
    return arith::SelectOp::create(r, loc, c, a, b);
  }
};

/// f16 -> f32 (then f64 with an exact arith.extf), exact.
struct ExpandExtF : OpRewritePattern<arith::ExtFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::ExtFOp op,
                                PatternRewriter &rewriter) const override {
    Type srcElt = getElementTypeOrSelf(op.getIn().getType());
    Type dstElt = getElementTypeOrSelf(op.getType());
    if (!srcElt.isF16() || !(dstElt.isF32() || dstElt.isF64()))
      return failure();
    Builder b{rewriter, op.getLoc(), op.getType()};
    Type i16 = rewriter.getI16Type(), i32 = rewriter.getI32Type();
    Type f32 = rewriter.getF32Type();
    Value h = arith::ExtUIOp::create(rewriter, b.loc, b.like(i32),
                                     b.bitcast(op.getIn(), i16));
    Value sign = arith::ShLIOp::create(
        rewriter, b.loc,
        arith::AndIOp::create(rewriter, b.loc, h, b.cst(i32, 0x8000)),
        b.cst(i32, 16));
    Value exp = arith::AndIOp::create(rewriter, b.loc, h, b.cst(i32, 0x7c00));
    Value mant = arith::AndIOp::create(rewriter, b.loc, h, b.cst(i32, 0x3ff));
    Value mantHi = arith::ShLIOp::create(rewriter, b.loc, mant, b.cst(i32, 13));
    // Normal: rebias the exponent (127 - 15 = 112) and widen the mantissa.
    Value normal = arith::AddIOp::create(
        rewriter, b.loc,
        arith::ShLIOp::create(rewriter, b.loc, exp, b.cst(i32, 13)),
        b.cst(i32, 112u << 23));
    normal = arith::OrIOp::create(rewriter, b.loc, normal, mantHi);
    // Infinity / NaN: all-ones exponent, payload kept.
    Value special =
        arith::OrIOp::create(rewriter, b.loc, b.cst(i32, 0x7f800000), mantHi);
    // Zero / subnormal: mant * 2^-24, exact in f32.
    Value sub = arith::MulFOp::create(
        rewriter, b.loc,
        arith::UIToFPOp::create(rewriter, b.loc, b.like(f32), mant),
        b.fcst(f32, 0x1p-24));
    Value subBits = b.bitcast(sub, i32);
    Value mag = b.select(b.cmp(arith::CmpIPredicate::eq, exp, b.cst(i32, 0)),
                         subBits,
                         b.select(b.cmp(arith::CmpIPredicate::eq, exp,
                                        b.cst(i32, 0x7c00)),
                                  special, normal));
    Value result = b.bitcast(
        arith::OrIOp::create(rewriter, b.loc, mag, sign), f32);
    if (dstElt.isF64())
      result = arith::ExtFOp::create(rewriter, b.loc, op.getType(), result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// f32/f64 -> f16, round to nearest even in one step. With E/M the source's
/// exponent/mantissa widths: |x| below the f16 normal range is aligned by
/// adding a magic power of two (the FP add rounds to nearest even), normal
/// values round with the "add half minus one plus the odd bit" trick, and
/// values at or above 2^16 (and infinities) saturate to infinity.
struct ExpandTruncF : OpRewritePattern<arith::TruncFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::TruncFOp op,
                                PatternRewriter &rewriter) const override {
    Type srcElt = getElementTypeOrSelf(op.getIn().getType());
    Type dstElt = getElementTypeOrSelf(op.getType());
    if (!dstElt.isF16() || !(srcElt.isF32() || srcElt.isF64()))
      return failure();
    bool wide = srcElt.isF64();
    unsigned bits = wide ? 64 : 32, mbits = wide ? 52 : 23;
    int64_t bias = wide ? 1023 : 127;
    unsigned shift = mbits - 10;
    Builder b{rewriter, op.getLoc(), op.getType()};
    Type iN = rewriter.getIntegerType(bits), i16 = rewriter.getI16Type();
    auto c = [&](uint64_t v) { return b.cst(iN, v); };
    Value u = b.bitcast(op.getIn(), iN);
    uint64_t signMask = uint64_t(1) << (bits - 1);
    Value sign = arith::TruncIOp::create(
        rewriter, b.loc, b.like(i16),
        arith::ShRUIOp::create(
            rewriter, b.loc,
            arith::AndIOp::create(rewriter, b.loc, u, c(signMask)),
            c(bits - 16)));
    Value a = arith::AndIOp::create(rewriter, b.loc, u, c(signMask - 1));
    uint64_t expInf = ((uint64_t(1) << (bits - 1 - mbits)) - 1) << mbits;
    // Subnormal or zero result: |x| < 2^-14.
    uint64_t magicBits = uint64_t(bias - 15 + shift + 1) << mbits;
    Value magic = b.bitcast(c(magicBits), srcElt);
    Value aligned = arith::AddFOp::create(rewriter, b.loc,
                                          b.bitcast(a, srcElt), magic);
    Value subR = arith::SubIOp::create(rewriter, b.loc,
                                       b.bitcast(aligned, iN), c(magicBits));
    // Normal result: rebias, round to nearest even, take the bits.
    Value odd = arith::AndIOp::create(
        rewriter, b.loc, arith::ShRUIOp::create(rewriter, b.loc, a, c(shift)),
        c(1));
    uint64_t rebias = uint64_t(bias - 15) << mbits;
    Value norm = arith::SubIOp::create(rewriter, b.loc, a, c(rebias));
    norm = arith::AddIOp::create(rewriter, b.loc, norm,
                                 c((uint64_t(1) << (shift - 1)) - 1));
    norm = arith::AddIOp::create(rewriter, b.loc, norm, odd);
    norm = arith::ShRUIOp::create(rewriter, b.loc, norm, c(shift));
    // NaN -> quiet NaN, |x| >= 2^16 or inf -> inf.
    Value isNaN = b.cmp(arith::CmpIPredicate::ugt, a, c(expInf));
    Value overflow = b.cmp(arith::CmpIPredicate::uge, a,
                           c(uint64_t(bias + 16) << mbits));
    Value isSub = b.cmp(arith::CmpIPredicate::ult, a,
                        c(uint64_t(bias - 14) << mbits));
    Value mag = b.select(
        isNaN, c(0x7e00),
        b.select(overflow, c(0x7c00), b.select(isSub, subR, norm)));
    Value h = arith::OrIOp::create(
        rewriter, b.loc,
        arith::TruncIOp::create(rewriter, b.loc, b.like(i16), mag), sign);
    rewriter.replaceOp(op, b.bitcast(h, rewriter.getF16Type()));
    return success();
  }
};

struct QccExpandF16ConversionsPass
    : impl::QccExpandF16ConversionsPassBase<QccExpandF16ConversionsPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ExpandExtF, ExpandTruncF>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace qcc
