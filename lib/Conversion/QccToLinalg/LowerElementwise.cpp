//===- LowerElementwise.cpp - qcc elementwise ops to linalg ---------------===//
//
// This file implements the lowering of qcc.unary, qcc.binary, qcc.cast,
// qcc.reduce, qcc.softmax, qcc.quantize and qcc.dequantize to
// linalg.generic ops on tensors, and the scalar builders of the unary and
// binary functions shared with the fused activations of layer ops.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "Qcc/ConstantData.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

#include <cmath>

using namespace mlir;
using namespace qcc;

//===----------------------------------------------------------------------===//
// Scalar builders
//===----------------------------------------------------------------------===//

Value qcc::createScalar(OpBuilder &b, Location loc, Type type, double value) {
  if (auto ft = llvm::dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(ft, value));
  if (type.isIndex())
    return arith::ConstantIndexOp::create(b, loc, (int64_t)value);
  auto it = llvm::cast<IntegerType>(type);
  APInt bits(it.getWidth(), (uint64_t)(int64_t)value, /*isSigned=*/false,
             /*implicitTrunc=*/true);
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(it, bits));
}

Value qcc::createExtremum(OpBuilder &b, Location loc, Type type, bool max,
                          bool infinity, bool isUnsigned) {
  if (auto ft = llvm::dyn_cast<FloatType>(type)) {
    const llvm::fltSemantics &sem = ft.getFloatSemantics();
    APFloat v = infinity ? APFloat::getInf(sem, /*Negative=*/!max)
                         : APFloat::getLargest(sem, /*Negative=*/!max);
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(ft, v));
  }
  auto it = llvm::cast<IntegerType>(type);
  unsigned w = it.getWidth();
  APInt v = isUnsigned ? (max ? APInt::getMaxValue(w) : APInt::getMinValue(w))
                       : (max ? APInt::getSignedMaxValue(w)
                              : APInt::getSignedMinValue(w));
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(it, v));
}

bool qcc::isUnarySupported(UnaryKind kind, Type elemType) {
  if (isa<FloatType>(elemType))
    return kind != UnaryKind::logical_not;
  auto it = llvm::dyn_cast<IntegerType>(elemType);
  if (!it)
    return false;
  if (it.getWidth() == 1)
    return kind == UnaryKind::logical_not;
  switch (kind) {
  case UnaryKind::relu:
  case UnaryKind::clip:
  case UnaryKind::abs:
  case UnaryKind::neg:
  case UnaryKind::sign:
    return true;
  default:
    return false;
  }
}

bool qcc::isBinarySupported(BinaryKind kind, Type elemType) {
  bool logical = kind == BinaryKind::logical_and ||
                 kind == BinaryKind::logical_or ||
                 kind == BinaryKind::logical_xor;
  bool shift =
      kind == BinaryKind::shift_left || kind == BinaryKind::shift_right;
  if (isa<FloatType>(elemType))
    return !logical && !shift;
  auto it = llvm::dyn_cast<IntegerType>(elemType);
  if (!it)
    return false;
  if (it.getWidth() == 1)
    return logical || kind == BinaryKind::equal;
  return true;
}

/// Clamps a float parameter into the range of an integer type and returns it
/// as an integer constant.
static Value intParam(OpBuilder &b, Location loc, IntegerType type, double v,
                      bool isUnsigned) {
  unsigned w = type.getWidth();
  double lo = isUnsigned ? 0.0 : -std::ldexp(1.0, w - 1);
  double hi = isUnsigned ? std::ldexp(1.0, w) - 1 : std::ldexp(1.0, w - 1) - 1;
  v = std::min(std::max(std::nearbyint(v), lo), hi);
  if (w >= 64 && v >= 9.2e18)
    return createExtremum(b, loc, type, /*max=*/true, false, isUnsigned);
  return createScalar(b, loc, type, v);
}

static Value buildIntUnary(OpBuilder &b, Location loc, UnaryKind kind,
                           ArrayRef<float> params, Value x, bool isUnsigned) {
  auto type = llvm::cast<IntegerType>(x.getType());
  auto zero = [&] { return createScalar(b, loc, type, 0); };
  auto maxOf = [&](Value l, Value r) -> Value {
    if (isUnsigned)
      return arith::MaxUIOp::create(b, loc, l, r);
    return arith::MaxSIOp::create(b, loc, l, r);
  };
  auto minOf = [&](Value l, Value r) -> Value {
    if (isUnsigned)
      return arith::MinUIOp::create(b, loc, l, r);
    return arith::MinSIOp::create(b, loc, l, r);
  };
  switch (kind) {
  case UnaryKind::logical_not:
    return arith::XOrIOp::create(b, loc, x, createScalar(b, loc, type, 1));
  case UnaryKind::relu:
    return maxOf(x, zero());
  case UnaryKind::clip: {
    Value lo = intParam(b, loc, type, params[0], isUnsigned);
    Value hi = intParam(b, loc, type, params[1], isUnsigned);
    return minOf(maxOf(x, lo), hi);
  }
  case UnaryKind::abs:
    if (isUnsigned)
      return x;
    return math::AbsIOp::create(b, loc, x);
  case UnaryKind::neg:
    return arith::SubIOp::create(b, loc, zero(), x);
  case UnaryKind::sign: {
    Value one = createScalar(b, loc, type, 1);
    Value z = zero();
    Value nonZero =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x, z);
    Value magnitude = arith::SelectOp::create(b, loc, nonZero, one, z);
    if (isUnsigned)
      return magnitude;
    Value negative =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, z);
    return arith::SelectOp::create(b, loc, negative,
                                   createScalar(b, loc, type, -1), magnitude);
  }
  default:
    llvm_unreachable("integer unary kind rejected by isUnarySupported");
  }
}

Value qcc::buildUnary(OpBuilder &b, Location loc, UnaryKind kind,
                      ArrayRef<float> params, Value x, bool isUnsigned) {
  Type type = x.getType();
  if (isa<IntegerType>(type))
    return buildIntUnary(b, loc, kind, params, x, isUnsigned);

  auto cst = [&](double v) { return createScalar(b, loc, type, v); };
  auto param = [&](size_t i, double dflt) {
    return i < params.size() ? (double)params[i] : dflt;
  };
  auto add = [&](Value l, Value r) -> Value {
    return arith::AddFOp::create(b, loc, l, r);
  };
  auto mul = [&](Value l, Value r) -> Value {
    return arith::MulFOp::create(b, loc, l, r);
  };
  auto div = [&](Value l, Value r) -> Value {
    return arith::DivFOp::create(b, loc, l, r);
  };
  auto maxOf = [&](Value l, Value r) -> Value {
    return arith::MaximumFOp::create(b, loc, l, r);
  };
  auto minOf = [&](Value l, Value r) -> Value {
    return arith::MinimumFOp::create(b, loc, l, r);
  };
  auto geZero = [&](Value v) -> Value {
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, v, cst(0));
  };
  // alpha * (exp(x) - 1), the negative branch of elu and selu.
  auto expMinusOne = [&](double alpha) -> Value {
    return mul(cst(alpha), math::ExpM1Op::create(b, loc, x));
  };

  switch (kind) {
  case UnaryKind::relu:
    return maxOf(x, cst(0));
  case UnaryKind::leaky_relu: {
    Value scaled = mul(x, cst(param(0, 0.01)));
    return arith::SelectOp::create(b, loc, geZero(x), x, scaled);
  }
  case UnaryKind::clip:
    return minOf(maxOf(x, cst(param(0, -INFINITY))), cst(param(1, INFINITY)));
  case UnaryKind::sigmoid: {
    Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
    return div(cst(1), add(cst(1), e));
  }
  case UnaryKind::hard_sigmoid: {
    Value lin = add(mul(x, cst(param(0, 0.2))), cst(param(1, 0.5)));
    return maxOf(cst(0), minOf(cst(1), lin));
  }
  case UnaryKind::hard_swish: {
    Value lin = add(mul(x, cst(1.0 / 6.0)), cst(0.5));
    return mul(x, maxOf(cst(0), minOf(cst(1), lin)));
  }
  case UnaryKind::tanh:
    return math::TanhOp::create(b, loc, x);
  case UnaryKind::sqrt:
    return math::SqrtOp::create(b, loc, x);
  case UnaryKind::exp:
    return math::ExpOp::create(b, loc, x);
  case UnaryKind::log:
    return math::LogOp::create(b, loc, x);
  case UnaryKind::neg:
    return arith::NegFOp::create(b, loc, x);
  case UnaryKind::abs:
    return math::AbsFOp::create(b, loc, x);
  case UnaryKind::reciprocal:
    return div(cst(1), x);
  case UnaryKind::erf:
    return math::ErfOp::create(b, loc, x);
  case UnaryKind::gelu: {
    Value half = mul(cst(0.5), x);
    if (param(0, 0) != 0) {
      // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
      Value x3 = mul(mul(x, x), x);
      Value inner =
          mul(cst(std::sqrt(2.0 / M_PI)), add(x, mul(cst(0.044715), x3)));
      return mul(half, add(cst(1), math::TanhOp::create(b, loc, inner)));
    }
    Value e = math::ErfOp::create(b, loc, mul(x, cst(M_SQRT1_2)));
    return mul(half, add(cst(1), e));
  }
  case UnaryKind::elu:
    return arith::SelectOp::create(b, loc, geZero(x), x,
                                   expMinusOne(param(0, 1.0)));
  case UnaryKind::selu: {
    double alpha = param(0, 1.67326319217681884765625);
    double gamma = param(1, 1.05070102214813232421875);
    Value gt =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, cst(0));
    Value v = arith::SelectOp::create(b, loc, gt, x, expMinusOne(alpha));
    return mul(cst(gamma), v);
  }
  case UnaryKind::softplus: {
    // log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|)), exact for large |x|.
    Value negAbs =
        arith::NegFOp::create(b, loc, math::AbsFOp::create(b, loc, x));
    Value l =
        math::Log1pOp::create(b, loc, math::ExpOp::create(b, loc, negAbs));
    return add(maxOf(x, cst(0)), l);
  }
  case UnaryKind::softsign:
    return div(x, add(cst(1), math::AbsFOp::create(b, loc, x)));
  case UnaryKind::floor:
    return math::FloorOp::create(b, loc, x);
  case UnaryKind::ceil:
    return math::CeilOp::create(b, loc, x);
  case UnaryKind::round:
    return math::RoundEvenOp::create(b, loc, x);
  case UnaryKind::sign: {
    // Zero and NaN map to themselves.
    Value pos =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, cst(0));
    Value neg =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, cst(0));
    Value v = arith::SelectOp::create(b, loc, neg, cst(-1), x);
    return arith::SelectOp::create(b, loc, pos, cst(1), v);
  }
  // Trigonometric and hyperbolic functions: math ops that qcc-expand-math
  // turns into polynomial approximations (no libm).
  case UnaryKind::sin:
    return math::SinOp::create(b, loc, x);
  case UnaryKind::cos:
    return math::CosOp::create(b, loc, x);
  case UnaryKind::tan:
    return math::TanOp::create(b, loc, x);
  case UnaryKind::asin:
    return math::AsinOp::create(b, loc, x);
  case UnaryKind::acos:
    return math::AcosOp::create(b, loc, x);
  case UnaryKind::atan:
    return math::AtanOp::create(b, loc, x);
  case UnaryKind::sinh:
    return math::SinhOp::create(b, loc, x);
  case UnaryKind::cosh:
    return math::CoshOp::create(b, loc, x);
  case UnaryKind::asinh:
    return math::AsinhOp::create(b, loc, x);
  case UnaryKind::acosh:
    return math::AcoshOp::create(b, loc, x);
  case UnaryKind::atanh:
    return math::AtanhOp::create(b, loc, x);
  case UnaryKind::logical_not:
    break;
  }
  llvm_unreachable("float unary kind rejected by isUnarySupported");
}

/// Remainder with the sign of the divisor (Python / ONNX Mod with fmod=0):
/// the truncated remainder plus the divisor when their signs differ.
static Value buildFlooredMod(OpBuilder &b, Location loc, Value l, Value r,
                             bool isFloat) {
  Value zero = createScalar(b, loc, l.getType(), 0);
  Value rem, remNonZero, remNeg, divNeg, sum;
  if (isFloat) {
    rem = arith::RemFOp::create(b, loc, l, r);
    remNonZero =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::ONE, rem, zero);
    remNeg =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, rem, zero);
    divNeg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, r, zero);
    sum = arith::AddFOp::create(b, loc, rem, r);
  } else {
    rem = arith::RemSIOp::create(b, loc, l, r);
    remNonZero =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, rem, zero);
    remNeg =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, rem, zero);
    divNeg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, r, zero);
    sum = arith::AddIOp::create(b, loc, rem, r);
  }
  Value signsDiffer = arith::XOrIOp::create(b, loc, remNeg, divNeg);
  Value fix = arith::AndIOp::create(b, loc, remNonZero, signsDiffer);
  return arith::SelectOp::create(b, loc, fix, sum, rem);
}

Value qcc::buildBinary(OpBuilder &b, Location loc, BinaryKind kind, Value l,
                       Value r, bool isUnsigned) {
  if (isa<FloatType>(l.getType())) {
    auto cmp = [&](arith::CmpFPredicate p) -> Value {
      return arith::CmpFOp::create(b, loc, p, l, r);
    };
    switch (kind) {
    case BinaryKind::add:
      return arith::AddFOp::create(b, loc, l, r);
    case BinaryKind::sub:
      return arith::SubFOp::create(b, loc, l, r);
    case BinaryKind::mul:
      return arith::MulFOp::create(b, loc, l, r);
    case BinaryKind::div:
      return arith::DivFOp::create(b, loc, l, r);
    case BinaryKind::pow:
      return math::PowFOp::create(b, loc, l, r);
    case BinaryKind::max:
      return arith::MaximumFOp::create(b, loc, l, r);
    case BinaryKind::min:
      return arith::MinimumFOp::create(b, loc, l, r);
    case BinaryKind::mod:
      return buildFlooredMod(b, loc, l, r, /*isFloat=*/true);
    case BinaryKind::fmod:
      return arith::RemFOp::create(b, loc, l, r);
    case BinaryKind::equal:
      return cmp(arith::CmpFPredicate::OEQ);
    case BinaryKind::less:
      return cmp(arith::CmpFPredicate::OLT);
    case BinaryKind::less_equal:
      return cmp(arith::CmpFPredicate::OLE);
    case BinaryKind::greater:
      return cmp(arith::CmpFPredicate::OGT);
    case BinaryKind::greater_equal:
      return cmp(arith::CmpFPredicate::OGE);
    default:
      llvm_unreachable("float binary kind rejected by isBinarySupported");
    }
  }
  auto cmp = [&](arith::CmpIPredicate s, arith::CmpIPredicate u) -> Value {
    return arith::CmpIOp::create(b, loc, isUnsigned ? u : s, l, r);
  };
  using P = arith::CmpIPredicate;
  switch (kind) {
  case BinaryKind::add:
    return arith::AddIOp::create(b, loc, l, r);
  case BinaryKind::sub:
    return arith::SubIOp::create(b, loc, l, r);
  case BinaryKind::mul:
    return arith::MulIOp::create(b, loc, l, r);
  case BinaryKind::div:
    if (isUnsigned)
      return arith::DivUIOp::create(b, loc, l, r);
    return arith::DivSIOp::create(b, loc, l, r);
  case BinaryKind::pow:
    return math::IPowIOp::create(b, loc, l, r);
  case BinaryKind::max:
    if (isUnsigned)
      return arith::MaxUIOp::create(b, loc, l, r);
    return arith::MaxSIOp::create(b, loc, l, r);
  case BinaryKind::min:
    if (isUnsigned)
      return arith::MinUIOp::create(b, loc, l, r);
    return arith::MinSIOp::create(b, loc, l, r);
  case BinaryKind::mod:
    if (isUnsigned)
      return arith::RemUIOp::create(b, loc, l, r);
    return buildFlooredMod(b, loc, l, r, /*isFloat=*/false);
  case BinaryKind::fmod:
    if (isUnsigned)
      return arith::RemUIOp::create(b, loc, l, r);
    return arith::RemSIOp::create(b, loc, l, r);
  case BinaryKind::equal:
    return cmp(P::eq, P::eq);
  case BinaryKind::less:
    return cmp(P::slt, P::ult);
  case BinaryKind::less_equal:
    return cmp(P::sle, P::ule);
  case BinaryKind::greater:
    return cmp(P::sgt, P::ugt);
  case BinaryKind::greater_equal:
    return cmp(P::sge, P::uge);
  case BinaryKind::logical_and:
    return arith::AndIOp::create(b, loc, l, r);
  case BinaryKind::logical_or:
    return arith::OrIOp::create(b, loc, l, r);
  case BinaryKind::logical_xor:
    return arith::XOrIOp::create(b, loc, l, r);
  case BinaryKind::shift_left:
  case BinaryKind::shift_right: {
    // Logical shifts; amounts >= the bit width shift everything out (arith
    // would give poison).
    auto type = llvm::cast<IntegerType>(l.getType());
    Value shifted = kind == BinaryKind::shift_left
                        ? Value(arith::ShLIOp::create(b, loc, l, r))
                        : Value(arith::ShRUIOp::create(b, loc, l, r));
    Value width = createScalar(b, loc, type, type.getWidth());
    Value tooFar = arith::CmpIOp::create(b, loc, P::uge, r, width);
    return arith::SelectOp::create(b, loc, tooFar,
                                   createScalar(b, loc, type, 0), shifted);
  }
  }
  llvm_unreachable("unknown binary kind");
}

Value qcc::applyActivation(OpBuilder &b, Location loc, Value value,
                           std::optional<UnaryKind> activation,
                           std::optional<ArrayRef<float>> params) {
  if (!activation)
    return value;
  auto type = llvm::cast<RankedTensorType>(value.getType());
  ArrayRef<float> p = params.value_or(ArrayRef<float>{});
  return buildElementwise(
      b, loc, type, value, [&](OpBuilder &nb, Location nloc, ValueRange args) {
        return buildUnary(nb, nloc, *activation, p, args[0]);
      });
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

/// The map from a loop nest of `rank` dims to the dims not in `axes`.
static AffineMap keptDimsMap(MLIRContext *ctx, int64_t rank,
                             ArrayRef<int64_t> axes) {
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < rank; ++d)
    if (!llvm::is_contained(axes, d))
      exprs.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(rank, 0, exprs, ctx);
}

/// Combines the scalar inputs of one iteration into the accumulator.
using CombineFn = llvm::function_ref<Value(OpBuilder &, Location,
                                           ValueRange inputs, Value acc)>;

/// A linalg.generic over the loop space `shape` reducing `axes`: the first
/// input is read in full, the others with `extraMaps`; the accumulator starts
/// at `init` and the result keeps the non-reduced dims.
static Value buildReduction(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                            ArrayRef<int64_t> axes, ValueRange inputs,
                            ArrayRef<AffineMap> extraMaps, Value init,
                            CombineFn combine) {
  int64_t rank = shape.size();
  SmallVector<int64_t> keptShape;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t d = 0; d < rank; ++d) {
    bool reduced = llvm::is_contained(axes, d);
    iterators.push_back(reduced ? utils::IteratorType::reduction
                                : utils::IteratorType::parallel);
    if (!reduced)
      keptShape.push_back(shape[d]);
  }
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank)};
  llvm::append_range(maps, extraMaps);
  maps.push_back(keptDimsMap(b.getContext(), rank, axes));
  Value acc = createFilled(b, loc, keptShape, init);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{acc.getType()}, inputs, ValueRange{acc}, maps,
      iterators, [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value r = combine(nb, nloc, args.drop_back(), args.back());
        linalg::YieldOp::create(nb, nloc, r);
      });
  return generic.getResult(0);
}

namespace {

struct UnaryLowering : OpConversionPattern<UnaryOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(UnaryOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = llvm::cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    bool isUnsigned = isUnsignedInteger(op.getType().getElementType());
    ArrayRef<float> params = op.getParams().value_or(ArrayRef<float>{});
    UnaryKind kind = op.getKind();
    Value result = buildElementwise(
        rewriter, op.getLoc(), type, adaptor.getInput(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return buildUnary(b, loc, kind, params, args[0], isUnsigned);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct BinaryLowering : OpConversionPattern<BinaryOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BinaryOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = llvm::cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    bool isUnsigned = isUnsignedInteger(op.getLhs().getType().getElementType());
    BinaryKind kind = op.getKind();
    Value result = buildElementwise(
        rewriter, op.getLoc(), type, {adaptor.getLhs(), adaptor.getRhs()},
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return buildBinary(b, loc, kind, args[0], args[1], isUnsigned);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// ONNX Cast: float<->float rounds, float->int truncates toward zero,
/// int<->int sign- or zero-extends (by the source's signedness, or the
/// `unsigned_input` attribute the importer sets) or truncates, and i1 is
/// `x != 0` one way and 0/1 the other.
struct CastLowering : OpConversionPattern<CastOp> {
  using OpConversionPattern::OpConversionPattern;

  static Value castScalar(OpBuilder &b, Location loc, Value x, Type to,
                          bool srcUnsigned, bool dstUnsigned) {
    Type from = x.getType();
    if (from == to)
      return x;
    auto fromF = llvm::dyn_cast<FloatType>(from);
    auto toF = llvm::dyn_cast<FloatType>(to);
    auto fromI = llvm::dyn_cast<IntegerType>(from);
    auto toI = llvm::dyn_cast<IntegerType>(to);
    if (fromF && toF) {
      if (fromF.getWidth() < toF.getWidth())
        return arith::ExtFOp::create(b, loc, to, x);
      if (fromF.getWidth() > toF.getWidth())
        return arith::TruncFOp::create(b, loc, to, x);
      // Same width, different format (f16 <-> bf16): go through f32.
      Value wide = arith::ExtFOp::create(b, loc, b.getF32Type(), x);
      return arith::TruncFOp::create(b, loc, to, wide);
    }
    if (fromF && toI) {
      if (toI.getWidth() == 1)
        return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, x,
                                     createScalar(b, loc, from, 0));
      // Convert through i64 so that both the signed and the unsigned range of
      // narrow targets survive, then keep the low bits.
      if (toI.getWidth() == 64)
        return dstUnsigned ? (Value)arith::FPToUIOp::create(b, loc, to, x)
                           : (Value)arith::FPToSIOp::create(b, loc, to, x);
      Value wide = arith::FPToSIOp::create(b, loc, b.getI64Type(), x);
      return arith::TruncIOp::create(b, loc, to, wide);
    }
    if (fromI && toF) {
      if (srcUnsigned || fromI.getWidth() == 1)
        return arith::UIToFPOp::create(b, loc, to, x);
      return arith::SIToFPOp::create(b, loc, to, x);
    }
    // Integer to integer.
    if (toI.getWidth() == 1)
      return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x,
                                   createScalar(b, loc, from, 0));
    if (fromI.getWidth() < toI.getWidth()) {
      if (srcUnsigned || fromI.getWidth() == 1)
        return arith::ExtUIOp::create(b, loc, to, x);
      return arith::ExtSIOp::create(b, loc, to, x);
    }
    if (fromI.getWidth() > toI.getWidth())
      return arith::TruncIOp::create(b, loc, to, x);
    return x;
  }

  LogicalResult
  matchAndRewrite(CastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = llvm::cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    Value input = adaptor.getInput();
    if (input.getType() == type) {
      rewriter.replaceOp(op, input);
      return success();
    }
    bool srcUnsigned =
        isUnsignedInteger(op.getInput().getType().getElementType()) ||
        op->hasAttr("unsigned_input");
    bool dstUnsigned = isUnsignedInteger(op.getType().getElementType());
    Type to = type.getElementType();
    Value result = buildElementwise(
        rewriter, op.getLoc(), type, input,
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return castScalar(b, loc, args[0], to, srcUnsigned, dstUnsigned);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ReduceLowering : OpConversionPattern<ReduceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReduceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inType = llvm::cast<RankedTensorType>(input.getType());
    auto resultType = llvm::cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    Type elem = inType.getElementType();
    bool isFloat = isa<FloatType>(elem);
    bool isUnsigned =
        isUnsignedInteger(op.getInput().getType().getElementType());
    ArrayRef<int64_t> shape = inType.getShape();
    SmallVector<int64_t> axes(op.getAxes());
    ReduceKind kind = op.getKind();
    OpBuilder &b = rewriter;

    auto add = [&](OpBuilder &nb, Location l, Value x, Value y) -> Value {
      if (isFloat)
        return arith::AddFOp::create(nb, l, x, y);
      return arith::AddIOp::create(nb, l, x, y);
    };
    auto mul = [&](OpBuilder &nb, Location l, Value x, Value y) -> Value {
      if (isFloat)
        return arith::MulFOp::create(nb, l, x, y);
      return arith::MulIOp::create(nb, l, x, y);
    };
    auto maxOf = [&](OpBuilder &nb, Location l, Value x, Value y) -> Value {
      if (isFloat)
        return arith::MaximumFOp::create(nb, l, x, y);
      if (isUnsigned)
        return arith::MaxUIOp::create(nb, l, x, y);
      return arith::MaxSIOp::create(nb, l, x, y);
    };
    auto minOf = [&](OpBuilder &nb, Location l, Value x, Value y) -> Value {
      if (isFloat)
        return arith::MinimumFOp::create(nb, l, x, y);
      if (isUnsigned)
        return arith::MinUIOp::create(nb, l, x, y);
      return arith::MinSIOp::create(nb, l, x, y);
    };
    auto reduce = [&](Value init, CombineFn fn) {
      return buildReduction(b, loc, shape, axes, input, {}, init, fn);
    };
    Value zero = createScalar(b, loc, elem, 0);

    Value reduced;
    switch (kind) {
    case ReduceKind::sum:
    case ReduceKind::mean:
    case ReduceKind::log_sum:
      reduced = reduce(zero, [&](OpBuilder &nb, Location l, ValueRange in,
                                 Value acc) { return add(nb, l, in[0], acc); });
      break;
    case ReduceKind::prod:
      reduced = reduce(createScalar(b, loc, elem, 1),
                       [&](OpBuilder &nb, Location l, ValueRange in,
                           Value acc) { return mul(nb, l, in[0], acc); });
      break;
    case ReduceKind::max:
      reduced =
          reduce(createExtremum(b, loc, elem, /*max=*/false, true, isUnsigned),
                 [&](OpBuilder &nb, Location l, ValueRange in, Value acc) {
                   return maxOf(nb, l, in[0], acc);
                 });
      break;
    case ReduceKind::min:
      reduced =
          reduce(createExtremum(b, loc, elem, /*max=*/true, true, isUnsigned),
                 [&](OpBuilder &nb, Location l, ValueRange in, Value acc) {
                   return minOf(nb, l, in[0], acc);
                 });
      break;
    case ReduceKind::l1:
      reduced = reduce(
          zero, [&](OpBuilder &nb, Location l, ValueRange in, Value acc) {
            Value a = buildUnary(nb, l, UnaryKind::abs, {}, in[0], isUnsigned);
            return add(nb, l, a, acc);
          });
      break;
    case ReduceKind::l2:
    case ReduceKind::sum_square:
      reduced = reduce(
          zero, [&](OpBuilder &nb, Location l, ValueRange in, Value acc) {
            return add(nb, l, mul(nb, l, in[0], in[0]), acc);
          });
      break;
    case ReduceKind::log_sum_exp: {
      // max + log(sum(exp(x - max))), stable for large inputs.
      Value max = reduce(createExtremum(b, loc, elem, /*max=*/false, true),
                         [&](OpBuilder &nb, Location l, ValueRange in,
                             Value acc) { return maxOf(nb, l, in[0], acc); });
      AffineMap maxMap = keptDimsMap(b.getContext(), shape.size(), axes);
      Value sum = buildReduction(
          b, loc, shape, axes, {input, max}, maxMap, zero,
          [&](OpBuilder &nb, Location l, ValueRange in, Value acc) {
            Value d = arith::SubFOp::create(nb, l, in[0], in[1]);
            return add(nb, l, math::ExpOp::create(nb, l, d), acc);
          });
      auto sumType = llvm::cast<RankedTensorType>(sum.getType());
      reduced = buildElementwise(
          b, loc, sumType, {sum, max},
          [&](OpBuilder &nb, Location l, ValueRange in) -> Value {
            Value lg = math::LogOp::create(nb, l, in[0]);
            // A slice of -inf stays -inf instead of NaN from -inf - -inf.
            Value isInf = arith::CmpFOp::create(
                nb, l, arith::CmpFPredicate::OEQ, in[1],
                createExtremum(nb, l, elem, /*max=*/false, true));
            Value v = arith::AddFOp::create(nb, l, lg, in[1]);
            return arith::SelectOp::create(nb, l, isInf, in[1], v);
          });
      break;
    }
    }

    // Post-processing of the accumulated value.
    auto reducedType = llvm::cast<RankedTensorType>(reduced.getType());
    int64_t count = 1;
    for (int64_t a : axes)
      count *= shape[a];
    if (kind == ReduceKind::mean || kind == ReduceKind::l2 ||
        kind == ReduceKind::log_sum) {
      reduced = buildElementwise(
          b, loc, reducedType, reduced,
          [&](OpBuilder &nb, Location l, ValueRange in) -> Value {
            if (kind == ReduceKind::mean)
              return arith::DivFOp::create(
                  nb, l, in[0], createScalar(nb, l, elem, (double)count));
            if (kind == ReduceKind::l2)
              return math::SqrtOp::create(nb, l, in[0]);
            return math::LogOp::create(nb, l, in[0]);
          });
    }
    rewriter.replaceOp(op, reshapeTo(b, loc, reduced, resultType));
    return success();
  }
};

/// Stable softmax along one axis: m = max(x), e = exp(x - m), s = sum(e),
/// result e / s; log-softmax is x - m - log(sum(exp(x - m))).
struct SoftmaxLowering : OpConversionPattern<SoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto type = llvm::cast<RankedTensorType>(input.getType());
    Type elem = type.getElementType();
    ArrayRef<int64_t> shape = type.getShape();
    int64_t rank = shape.size();
    SmallVector<int64_t> axes = {(int64_t)op.getAxis()};
    OpBuilder &b = rewriter;
    AffineMap reducedMap = keptDimsMap(b.getContext(), rank, axes);
    AffineMap identity = b.getMultiDimIdentityMap(rank);
    SmallVector<utils::IteratorType> parallel(rank,
                                              utils::IteratorType::parallel);

    Value max = buildReduction(
        b, loc, shape, axes, input, {},
        createExtremum(b, loc, elem, /*max=*/false, /*infinity=*/true),
        [&](OpBuilder &nb, Location l, ValueRange in, Value acc) -> Value {
          return arith::MaximumFOp::create(nb, l, in[0], acc);
        });
    Value zero = createScalar(b, loc, elem, 0);

    // An elementwise generic over the full shape reading the full-shape
    // tensors first and the reduced ones after.
    auto fullGeneric = [&](ValueRange full, ValueRange reducedIns,
                           ScalarBodyFn body) -> Value {
      SmallVector<Value> ins(full);
      llvm::append_range(ins, reducedIns);
      SmallVector<AffineMap> maps(full.size(), identity);
      maps.append(reducedIns.size(), reducedMap);
      maps.push_back(identity);
      Value init = createEmpty(b, loc, shape, elem);
      return linalg::GenericOp::create(
                 b, loc, TypeRange{type}, ins, ValueRange{init}, maps, parallel,
                 [&](OpBuilder &nb, Location l, ValueRange args) {
                   linalg::YieldOp::create(nb, l,
                                           body(nb, l, args.drop_back()));
                 })
          .getResult(0);
    };

    Value result;
    if (op.getLog()) {
      Value sum = buildReduction(
          b, loc, shape, axes, {input, max}, reducedMap, zero,
          [&](OpBuilder &nb, Location l, ValueRange in, Value acc) -> Value {
            Value d = arith::SubFOp::create(nb, l, in[0], in[1]);
            return arith::AddFOp::create(nb, l, math::ExpOp::create(nb, l, d),
                                         acc);
          });
      result = fullGeneric(
          input, {max, sum}, [&](OpBuilder &nb, Location l, ValueRange in) {
            Value d = arith::SubFOp::create(nb, l, in[0], in[1]);
            Value lg = math::LogOp::create(nb, l, in[2]);
            return (Value)arith::SubFOp::create(nb, l, d, lg);
          });
    } else {
      Value e = fullGeneric(
          input, max, [&](OpBuilder &nb, Location l, ValueRange in) {
            Value d = arith::SubFOp::create(nb, l, in[0], in[1]);
            return (Value)math::ExpOp::create(nb, l, d);
          });
      Value sum = buildReduction(
          b, loc, shape, axes, e, {}, zero,
          [&](OpBuilder &nb, Location l, ValueRange in, Value acc) -> Value {
            return arith::AddFOp::create(nb, l, in[0], acc);
          });
      result =
          fullGeneric(e, sum, [&](OpBuilder &nb, Location l, ValueRange in) {
            return (Value)arith::DivFOp::create(nb, l, in[0], in[1]);
          });
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Quantize / dequantize
//===----------------------------------------------------------------------===//

/// Per-tensor or per-axis parameters of a uniform quantized type.
struct QuantParams {
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  int64_t axis = -1; // -1: per-tensor.
  int64_t storageMin, storageMax;
  unsigned storageWidth;
  bool isSigned;
};

static QuantParams getQuantParams(RankedTensorType type) {
  QuantParams p;
  auto q = llvm::cast<quant::QuantizedType>(type.getElementType());
  if (auto pt = llvm::dyn_cast<quant::UniformQuantizedType>(q)) {
    p.scales.push_back(pt.getScale());
    p.zeroPoints.push_back(pt.getZeroPoint());
  } else {
    auto pa = llvm::cast<quant::UniformQuantizedPerAxisType>(q);
    llvm::append_range(p.scales, pa.getScales());
    llvm::append_range(p.zeroPoints, pa.getZeroPoints());
    p.axis = pa.getQuantizedDimension();
  }
  p.storageMin = q.getStorageTypeMin();
  p.storageMax = q.getStorageTypeMax();
  p.storageWidth = q.getStorageTypeIntegralWidth();
  p.isSigned = q.isSigned();
  return p;
}

/// A 1-D constant tensor of `values` with element type `elem`.
static Value createVector(OpBuilder &b, Location loc, Type elem,
                          ArrayRef<double> values) {
  auto type = RankedTensorType::get({(int64_t)values.size()}, elem);
  ElementsAttr attr = makeElements(type, values, "quant_params");
  return arith::ConstantOp::create(b, loc, llvm::cast<TypedAttr>(attr));
}

/// Builds an elementwise generic over `type` reading `input` in full and,
/// for per-axis parameters, `params` (1-D tensors) along `axis`; for
/// per-tensor parameters `params` is empty and the body gets constants.
static Value buildQuantGeneric(OpBuilder &b, Location loc,
                               RankedTensorType type, Value input,
                               ArrayRef<Value> params, int64_t axis,
                               ScalarBodyFn body) {
  int64_t rank = type.getRank();
  SmallVector<Value> ins = {input};
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank)};
  for (Value p : params) {
    ins.push_back(p);
    maps.push_back(AffineMap::get(rank, 0, b.getAffineDimExpr(axis)));
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  Value init = createEmpty(b, loc, type.getShape(), type.getElementType());
  SmallVector<utils::IteratorType> parallel(rank,
                                            utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, ins, ValueRange{init}, maps, parallel,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(nb, l, body(nb, l, args.drop_back()));
             })
      .getResult(0);
}

/// q = clamp(roundeven(x / scale) + zero_point, storage_min, storage_max).
struct QuantizeLowering : OpConversionPattern<QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    QuantParams qp = getQuantParams(op.getType());
    auto type = llvm::cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    Type floatType = op.getInput().getType().getElementType();
    Type storage = type.getElementType();
    SmallVector<Value> params;
    if (qp.axis >= 0) {
      SmallVector<double> zps(qp.zeroPoints.begin(), qp.zeroPoints.end());
      params.push_back(createVector(rewriter, loc, floatType, qp.scales));
      params.push_back(createVector(rewriter, loc, floatType, zps));
    }
    // Clamping in float is exact up to 24-bit storage; wider storage clamps
    // again as integers after the conversion.
    bool wide = qp.storageWidth > 24;
    Value result = buildQuantGeneric(
        rewriter, loc, type, adaptor.getInput(), params, qp.axis,
        [&](OpBuilder &b, Location l, ValueRange in) -> Value {
          Value scale = qp.axis >= 0
                            ? in[1]
                            : createScalar(b, l, floatType, qp.scales[0]);
          Value zp = qp.axis >= 0 ? in[2]
                                  : createScalar(b, l, floatType,
                                                 (double)qp.zeroPoints[0]);
          Value v = arith::DivFOp::create(b, l, in[0], scale);
          v = math::RoundEvenOp::create(b, l, v);
          v = arith::AddFOp::create(b, l, v, zp);
          v = arith::MaximumFOp::create(
              b, l, v, createScalar(b, l, floatType, (double)qp.storageMin));
          v = arith::MinimumFOp::create(
              b, l, v, createScalar(b, l, floatType, (double)qp.storageMax));
          Type wideInt = wide ? b.getI64Type() : b.getI32Type();
          Value i = arith::FPToSIOp::create(b, l, wideInt, v);
          if (wide) {
            i = arith::MaxSIOp::create(
                b, l, i, createScalar(b, l, wideInt, qp.storageMin));
            i = arith::MinSIOp::create(
                b, l, i, createScalar(b, l, wideInt, qp.storageMax));
          }
          if (qp.storageWidth == wideInt.getIntOrFloatBitWidth())
            return i;
          return arith::TruncIOp::create(b, l, storage, i);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// x = (q - zero_point) * scale, the subtraction exact in i32 (i64 for
/// storage wider than 16 bits).
struct DequantizeLowering : OpConversionPattern<DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    QuantParams qp = getQuantParams(op.getInput().getType());
    auto type = llvm::cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    Type floatType = type.getElementType();
    Type wideInt =
        qp.storageWidth > 16 ? rewriter.getI64Type() : rewriter.getI32Type();
    SmallVector<Value> params;
    if (qp.axis >= 0) {
      SmallVector<double> zps(qp.zeroPoints.begin(), qp.zeroPoints.end());
      params.push_back(createVector(rewriter, loc, floatType, qp.scales));
      params.push_back(createVector(rewriter, loc, wideInt, zps));
    }
    Value result = buildQuantGeneric(
        rewriter, loc, type, adaptor.getInput(), params, qp.axis,
        [&](OpBuilder &b, Location l, ValueRange in) -> Value {
          Value scale = qp.axis >= 0
                            ? in[1]
                            : createScalar(b, l, floatType, qp.scales[0]);
          Value zp = qp.axis >= 0 ? in[2]
                                  : createScalar(b, l, wideInt,
                                                 (double)qp.zeroPoints[0]);
          Value q = in[0];
          if (qp.storageWidth < wideInt.getIntOrFloatBitWidth())
            q = qp.isSigned ? (Value)arith::ExtSIOp::create(b, l, wideInt, q)
                            : (Value)arith::ExtUIOp::create(b, l, wideInt, q);
          Value d = arith::SubIOp::create(b, l, q, zp);
          Value f = arith::SIToFPOp::create(b, l, floatType, d);
          return arith::MulFOp::create(b, l, f, scale);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void qcc::populateElementwisePatterns(const TypeConverter &converter,
                                      RewritePatternSet &patterns) {
  patterns.add<UnaryLowering, BinaryLowering, CastLowering, ReduceLowering,
               SoftmaxLowering, QuantizeLowering, DequantizeLowering>(
      converter, patterns.getContext());
}
