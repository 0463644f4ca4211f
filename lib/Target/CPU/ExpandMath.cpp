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

/// Rewrites `math.fma` (which the polynomial approximations emit) into a
/// multiply and an add that may be contracted: targets with FMA still get one
/// fused instruction, targets without it (SSE2) get mul + add instead of a
/// call to libm's fmaf.
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
    patterns.add<ExpandPowF>(&getContext());
    math::populateExpansionPatterns(
        patterns, {"tan", "sinh", "cosh", "asinh", "acosh", "atanh", "fpowi",
                   "roundeven", "round", "exp2", "ctlz"});
    populateMathPolynomialApproximationPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    RewritePatternSet fmaPatterns(&getContext());
    fmaPatterns.add<ContractibleFma>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(fmaPatterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace qcc
