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

using namespace mlir;

namespace qcc {
#define GEN_PASS_DEF_QCCEXPANDMATHPASS
#include "qcc/Target/Passes.h.inc"

namespace {
struct QccExpandMathPass : impl::QccExpandMathPassBase<QccExpandMathPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    // Expand composite ops (e.g. tanh via exp, ceil/round helpers) first,
    // then approximate the remaining transcendental primitives.
    // Composite ops (hyperbolic, tan, rounding helpers) become primitives;
    // powf stays a libm call: its expansion exp(y*log(x)) is wrong for
    // negative bases with integral exponents, which ONNX Pow allows.
    math::populateExpansionPatterns(
        patterns, {"tan", "sinh", "cosh", "asinh", "acosh", "atanh", "fpowi",
                   "roundeven", "round", "exp2", "ctlz"});
    populateMathPolynomialApproximationPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace qcc
