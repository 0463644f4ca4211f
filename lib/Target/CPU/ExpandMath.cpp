//===- ExpandMath.cpp - polynomial approximations of math ops -------------===//
//
// This file implements qcc-expand-math: transcendental math ops become
// polynomial approximations (arith ops that vectorize and need no libm).
//
//===----------------------------------------------------------------------===//

#include "qcc/Target/Passes.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <limits>
#include <type_traits>

using namespace mlir;

namespace qcc {
#define GEN_PASS_DEF_QCCEXPANDMATHPASS
#include "qcc/Target/Passes.h.inc"

namespace {

/// Expands `math.powf` exactly as IEEE pow / C99 powf define it, without
/// libm: |x|^y = exp(y * log|x|), negated for a negative base with an odd
/// integral exponent, NaN for a negative base with a non-integral exponent,
/// and 1 whenever y == 0 or x == 1 (even for NaN operands) or x == -1 with
/// y = +-inf. Zero and infinite bases fall out of exp/log of +-0/inf.
/// (Upstream's expansion exp(y * log(x)) gives NaN for every negative base.)
struct ExpandPowF : OpRewritePattern<math::PowFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::PowFOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getLhs(), y = op.getRhs();
    Type type = x.getType();
    auto cst = [&](double v) -> Value {
      Type elt = getElementTypeOrSelf(type);
      TypedAttr attr = rewriter.getFloatAttr(elt, v);
      if (auto vec = dyn_cast<VectorType>(type))
        attr = DenseElementsAttr::get(vec, attr);
      return arith::ConstantOp::create(rewriter, loc, type, attr);
    };
    auto cmp = [&](arith::CmpFPredicate pred, Value a, Value b) -> Value {
      return arith::CmpFOp::create(rewriter, loc, pred, a, b);
    };
    Value zero = cst(0.0), one = cst(1.0);
    Value ax = math::AbsFOp::create(rewriter, loc, x);
    Value logAx = math::LogOp::create(rewriter, loc, ax);
    Value mag = math::ExpOp::create(
        rewriter, loc, arith::MulFOp::create(rewriter, loc, y, logAx));
    // Parity of y without floor (a libm call on SSE2): every float with
    // |y| >= 2^24 is an even integer; smaller ones round-trip through i32
    // exactly when integral.
    Type i1Type = rewriter.getI1Type(), i32Type = rewriter.getI32Type();
    if (auto vec = dyn_cast<VectorType>(type)) {
      i1Type = vec.clone(i1Type);
      i32Type = vec.clone(i32Type);
    }
    Value ay = math::AbsFOp::create(rewriter, loc, y);
    Value big = cmp(arith::CmpFPredicate::OGE, ay, cst(16777216.0));
    // NaN and large y convert 0 instead (fptosi would be poison).
    Value small = cmp(arith::CmpFPredicate::OLT, ay, cst(16777216.0));
    Value ySmall = arith::SelectOp::create(rewriter, loc, small, y, zero);
    Value yInt = arith::FPToSIOp::create(rewriter, loc, i32Type, ySmall);
    Value exact = cmp(arith::CmpFPredicate::OEQ,
                      arith::SIToFPOp::create(rewriter, loc, type, yInt), y);
    Value yIsInt = arith::OrIOp::create(rewriter, loc, big, exact);
    auto intCst = [&](Type t, int64_t v) -> Value {
      TypedAttr attr = rewriter.getIntegerAttr(getElementTypeOrSelf(t), v);
      if (auto vec = dyn_cast<VectorType>(t))
        attr = DenseElementsAttr::get(vec, attr);
      return arith::ConstantOp::create(rewriter, loc, t, attr);
    };
    Value lowBit = arith::TruncIOp::create(rewriter, loc, i1Type, yInt);
    Value yIsOdd = arith::AndIOp::create(rewriter, loc, exact, lowBit);
    // A negative base (including -0 and -inf) flips the sign for odd y.
    Value xNeg = math::CopySignOp::create(rewriter, loc, one, x);
    Value isNeg = cmp(arith::CmpFPredicate::OLT, xNeg, zero);
    Value negMag = arith::NegFOp::create(rewriter, loc, mag);
    Value result = arith::SelectOp::create(
        rewriter, loc, arith::AndIOp::create(rewriter, loc, isNeg, yIsOdd),
        negMag, mag);
    // Negative finite base, finite non-integral exponent: NaN.
    Value inf = cst(std::numeric_limits<double>::infinity());
    Value xNegFinite = arith::AndIOp::create(
        rewriter, loc, cmp(arith::CmpFPredicate::OLT, x, zero),
        cmp(arith::CmpFPredicate::ONE, ax, inf));
    Value trueMask = intCst(i1Type, 1);
    Value notInt = arith::XOrIOp::create(rewriter, loc, yIsInt, trueMask);
    Value yFinite = cmp(arith::CmpFPredicate::ONE, ay, inf);
    Value nanCase = arith::AndIOp::create(
        rewriter, loc, xNegFinite,
        arith::AndIOp::create(rewriter, loc, notInt, yFinite));
    result = arith::SelectOp::create(
        rewriter, loc, nanCase, cst(std::numeric_limits<double>::quiet_NaN()),
        result);
    // pow(x, +-0) = 1, pow(1, y) = 1, pow(-1, +-inf) = 1.
    Value isOne = arith::OrIOp::create(
        rewriter, loc, cmp(arith::CmpFPredicate::OEQ, y, zero),
        arith::OrIOp::create(
            rewriter, loc, cmp(arith::CmpFPredicate::OEQ, x, one),
            arith::AndIOp::create(rewriter, loc,
                                  cmp(arith::CmpFPredicate::OEQ, ax, one),
                                  cmp(arith::CmpFPredicate::OEQ, ay, inf))));
    rewriter.replaceOpWithNewOp<arith::SelectOp>(op, isOne, one, result);
    return success();
  }
};

/// Creates a float constant of `type` (scalar or vector).
static Value floatConst(OpBuilder &b, Location loc, Type type, double v) {
  TypedAttr attr = b.getFloatAttr(getElementTypeOrSelf(type), v);
  if (auto vec = dyn_cast<VectorType>(type))
    attr = DenseElementsAttr::get(vec, attr);
  return arith::ConstantOp::create(b, loc, type, attr);
}

/// asinh(x) = sign(x) * log(|x| + sqrt(x^2 + 1)), and x itself for
/// |x| < 1e-3 (relative error < x^2/6). Upstream's expansion
/// log(x + sqrt(x^2 + 1)) cancels catastrophically for negative x.
struct ExpandAsinh : OpRewritePattern<math::AsinhOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::AsinhOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getOperand();
    Type type = x.getType();
    Value ax = math::AbsFOp::create(rewriter, loc, x);
    Value sq = math::SqrtOp::create(
        rewriter, loc,
        arith::AddFOp::create(rewriter, loc,
                              arith::MulFOp::create(rewriter, loc, x, x),
                              floatConst(rewriter, loc, type, 1.0)));
    Value mag = math::LogOp::create(
        rewriter, loc, arith::AddFOp::create(rewriter, loc, ax, sq));
    Value signed_ = math::CopySignOp::create(rewriter, loc, mag, x);
    Value tiny =
        arith::CmpFOp::create(rewriter, loc, arith::CmpFPredicate::OLT, ax,
                              floatConst(rewriter, loc, type, 1e-3));
    rewriter.replaceOpWithNewOp<arith::SelectOp>(op, tiny, x, signed_);
    return success();
  }
};

/// Marks sin/cos whose argument is already reduced to [-pi/4, pi/4].
constexpr StringLiteral kReducedAttr = "qcc.reduced";

/// sin and cos with a three-part (Cody-Waite) reduction by pi/2: r = x -
/// k*pi/2 is exact to ~1e-11 for |x| up to ~1e5, where a one-constant
/// reduction loses absolute accuracy in proportion to |x|. The quadrant
/// k mod 4 selects +-sin(r) or +-cos(r), which the polynomial approximation
/// computes accurately on the reduced range.
template <typename OpTy> struct ReduceSinCos : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    if (op->hasAttr(kReducedAttr))
      return failure();
    Location loc = op.getLoc();
    Value x = op.getOperand();
    Type type = x.getType();
    auto cst = [&](double v) { return floatConst(rewriter, loc, type, v); };
    Value k = math::RoundEvenOp::create(
        rewriter, loc,
        arith::MulFOp::create(rewriter, loc, x, cst(0.63661977236758134)));
    Value r = x;
    for (double part :
         {1.5703125, 4.837512969970703125e-4, 7.54978995489188216e-8})
      r = arith::SubFOp::create(
          rewriter, loc, r, arith::MulFOp::create(rewriter, loc, k, cst(part)));
    Type i32 = rewriter.getI32Type();
    if (auto vec = dyn_cast<VectorType>(type))
      i32 = vec.clone(i32);
    // |k| beyond 2^24 has lost all accuracy anyway; clamp before fptosi.
    Value kc = arith::MinimumFOp::create(
        rewriter, loc, arith::MaximumFOp::create(rewriter, loc, k, cst(-1e7)),
        cst(1e7));
    Value q = arith::FPToSIOp::create(rewriter, loc, i32, kc);
    auto intCst = [&](int64_t v) -> Value {
      TypedAttr attr = rewriter.getI32IntegerAttr(v);
      if (auto vec = dyn_cast<VectorType>(i32))
        attr = DenseElementsAttr::get(vec, attr);
      return arith::ConstantOp::create(rewriter, loc, i32, attr);
    };
    // cos(x) = sin(x + pi/2): shift the quadrant by one.
    if (std::is_same_v<OpTy, math::CosOp>)
      q = arith::AddIOp::create(rewriter, loc, q, intCst(1));
    // The approximation is accurate on [0, pi/4]; use symmetry (sin odd,
    // cos even) for negative r, where it loses relative accuracy near 0.
    Value ar = math::AbsFOp::create(rewriter, loc, r);
    Value sinAbs = math::SinOp::create(rewriter, loc, ar);
    Value cosR = math::CosOp::create(rewriter, loc, ar);
    sinAbs.getDefiningOp()->setAttr(kReducedAttr, rewriter.getUnitAttr());
    Value sinR = math::CopySignOp::create(rewriter, loc, sinAbs, r);
    cosR.getDefiningOp()->setAttr(kReducedAttr, rewriter.getUnitAttr());
    Value odd = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::ne,
        arith::AndIOp::create(rewriter, loc, q, intCst(1)), intCst(0));
    Value negate = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::ne,
        arith::AndIOp::create(rewriter, loc, q, intCst(2)), intCst(0));
    Value v = arith::SelectOp::create(rewriter, loc, odd, cosR, sinR);
    Value neg = arith::NegFOp::create(rewriter, loc, v);
    rewriter.replaceOpWithNewOp<arith::SelectOp>(op, negate, neg, v);
    return success();
  }
};

/// Rewrites `math.fma` (which the polynomial approximations emit) into a
/// multiply and an add that may be contracted: targets with FMA still get one
/// fused instruction, targets without it (SSE2) get mul + add instead of a
/// call to libm's fmaf.
/// tan(x) = sin(x) / cos(x), both with the accurate reduction above
/// (upstream's expansion loses relative accuracy for small negative x).
struct ExpandTan : OpRewritePattern<math::TanOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::TanOp op,
                                PatternRewriter &rewriter) const override {
    Value x = op.getOperand();
    Value sin = math::SinOp::create(rewriter, op.getLoc(), x);
    Value cos = math::CosOp::create(rewriter, op.getLoc(), x);
    rewriter.replaceOpWithNewOp<arith::DivFOp>(op, sin, cos);
    return success();
  }
};

/// atanh(x) = 0.5 * log1p(2x / (1 - x)), accurate for small |x| (upstream's
/// 0.5 * log((1 + x) / (1 - x)) cancels there).
struct ExpandAtanh : OpRewritePattern<math::AtanhOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::AtanhOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getOperand();
    Type type = x.getType();
    Value one = floatConst(rewriter, loc, type, 1.0);
    Value ratio = arith::DivFOp::create(
        rewriter, loc, arith::AddFOp::create(rewriter, loc, x, x),
        arith::SubFOp::create(rewriter, loc, one, x));
    Value l = math::Log1pOp::create(rewriter, loc, ratio);
    rewriter.replaceOpWithNewOp<arith::MulFOp>(
        op, l, floatConst(rewriter, loc, type, 0.5));
    return success();
  }
};

/// floor/ceil without hardware rounding: t = trunc(x) through an i32 round
/// trip (exact for |x| < 2^23; larger floats and NaN are already integral
/// or NaN and pass through), then -1 / +1 where t overshot, with x's sign
/// (so that -0 and ceil(-0.5) = -0 keep it).
template <typename OpTy> struct ExpandRounding : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getOperand();
    Type type = x.getType();
    if (!getElementTypeOrSelf(type).isF32())
      return failure();
    auto cst = [&](double v) { return floatConst(rewriter, loc, type, v); };
    Type i32 = rewriter.getI32Type();
    if (auto vec = dyn_cast<VectorType>(type))
      i32 = vec.clone(i32);
    Value small = arith::CmpFOp::create(
        rewriter, loc, arith::CmpFPredicate::OLT,
        math::AbsFOp::create(rewriter, loc, x), cst(8388608.0));
    Value xs = arith::SelectOp::create(rewriter, loc, small, x, cst(0.0));
    Value t = arith::SIToFPOp::create(
        rewriter, loc, type, arith::FPToSIOp::create(rewriter, loc, i32, xs));
    bool isFloor = std::is_same_v<OpTy, math::FloorOp>;
    Value overshot = arith::CmpFOp::create(
        rewriter, loc,
        isFloor ? arith::CmpFPredicate::OGT : arith::CmpFPredicate::OLT, t, x);
    Value adjusted = arith::SelectOp::create(
        rewriter, loc, overshot,
        arith::AddFOp::create(rewriter, loc, t, cst(isFloor ? -1.0 : 1.0)), t);
    Value signed_ = math::CopySignOp::create(rewriter, loc, adjusted, x);
    rewriter.replaceOpWithNewOp<arith::SelectOp>(op, small, signed_, x);
    return success();
  }
};

struct ContractibleFma : OpRewritePattern<math::FmaOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::FmaOp op,
                                PatternRewriter &rewriter) const override {
    auto contract = arith::FastMathFlagsAttr::get(
        rewriter.getContext(), arith::FastMathFlags::contract);
    Value mul = arith::MulFOp::create(rewriter, op.getLoc(), op.getA(),
                                      op.getB(), contract);
    rewriter.replaceOpWithNewOp<arith::AddFOp>(op, mul, op.getC(), contract);
    return success();
  }
};

struct QccExpandMathPass : impl::QccExpandMathPassBase<QccExpandMathPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    // Expand composite ops (e.g. tanh via exp, ceil/round helpers) first,
    // then approximate the remaining transcendental primitives.
    // Composite ops (hyperbolic, tan, rounding helpers) become primitives;
    // powf gets qcc's exact expansion (negative bases allowed).
    patterns.add<ExpandPowF, ExpandAsinh, ExpandAtanh, ExpandTan,
                 ReduceSinCos<math::SinOp>, ReduceSinCos<math::CosOp>>(
        &getContext(), /*benefit=*/2);
    // roundeven is one instruction where the target rounds in hardware
    // (SSE4.1 roundps/roundpd with round-to-nearest-even, NEON frintn);
    // elsewhere LLVM would call libm, so it is expanded.
    SmallVector<StringRef> expanded = {"sinh",  "cosh", "acosh", "fpowi",
                                       "round", "exp2", "ctlz"};
    if (expandRounding)
      expanded.push_back("roundeven");
    math::populateExpansionPatterns(patterns, expanded);
    populateMathPolynomialApproximationPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    RewritePatternSet fmaPatterns(&getContext());
    fmaPatterns.add<ContractibleFma>(&getContext());
    if (expandRounding)
      fmaPatterns
          .add<ExpandRounding<math::FloorOp>, ExpandRounding<math::CeilOp>>(
              &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(fmaPatterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace qcc
