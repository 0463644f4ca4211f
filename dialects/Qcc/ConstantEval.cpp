//===- ConstantEval.cpp - evaluation of qcc ops on constants --------------===//
//
// This file implements the evaluators behind the qcc folders. Each one reads
// its constant operands through ConstantData.h (so dense and dense_resource
// attributes behave alike), computes in the widest exact domain of the
// element type and builds the result attribute with makeElements*, which
// turns large results into dense_resource blobs.
//
// Domains:
//  - float element types: double, rounded once to the element type on
//    store (so +, -, *, /, sqrt are correctly rounded for f16/bf16/f32);
//  - signed and signless integers: int64 with two's complement wrap-around,
//    truncated to the element width on store;
//  - unsigned integers: the same bits, compared and divided as uint64;
//  - i1: 0/1 values, only for logical kinds, comparisons and casts.
// Data movement (reshape, transpose, concat, slice, gather) copies raw bytes
// and never converts values.
//
//===----------------------------------------------------------------------===//

#include "Qcc/ConstantEval.h"
#include "Qcc/ConstantData.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/STLExtras.h"
#include <cctype>
#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir;

namespace qcc {

namespace {
/// The arithmetic an element type is evaluated in.
enum class Domain { Float, Signed, Unsigned, Bool };
} // namespace

static std::optional<Domain> domainOf(Type t) {
  if (llvm::isa<FloatType>(t))
    return Domain::Float;
  if (auto it = llvm::dyn_cast<IntegerType>(t)) {
    if (it.getWidth() == 1)
      return Domain::Bool;
    if (it.getWidth() > 64)
      return std::nullopt;
    return it.isUnsigned() ? Domain::Unsigned : Domain::Signed;
  }
  return std::nullopt;
}

static bool isIntDomain(Domain d) { return d != Domain::Float; }

static bool tooLarge(ShapedType t) {
  return !t.hasStaticShape() || t.getNumElements() > kMaxFoldElements;
}

static int64_t storageBytes(Type elemType) {
  if (elemType.isInteger(1))
    return 1;
  return (elemType.getIntOrFloatBitWidth() + 7) / 8;
}

/// Row-major strides (in elements) of `shape`.
static SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = (int64_t)shape.size() - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

/// Calls `fn(srcOffset)` for every element of a tensor of shape `outShape`
/// in row-major order, where the source offset of index (i0, i1, ..) is
/// `base + sum_d i_d * srcStrides[d]`.
template <typename Fn>
static void forEachStrided(ArrayRef<int64_t> outShape,
                           ArrayRef<int64_t> srcStrides, int64_t base, Fn fn) {
  int64_t rank = outShape.size();
  for (int64_t d : outShape)
    if (d == 0)
      return;
  SmallVector<int64_t> idx(rank, 0);
  int64_t off = base;
  while (true) {
    fn(off);
    int64_t d = rank - 1;
    for (; d >= 0; --d) {
      if (++idx[d] < outShape[d]) {
        off += srcStrides[d];
        break;
      }
      off -= (outShape[d] - 1) * srcStrides[d];
      idx[d] = 0;
    }
    if (d < 0)
      return;
  }
}

/// Strides of an operand of shape `shape` broadcast to `outShape` (0 along
/// broadcast dimensions).
static SmallVector<int64_t> broadcastStrides(ArrayRef<int64_t> shape,
                                             ArrayRef<int64_t> outShape) {
  SmallVector<int64_t> own = stridesOf(shape);
  SmallVector<int64_t> out(outShape.size(), 0);
  int64_t lead = outShape.size() - shape.size();
  for (size_t i = 0; i < shape.size(); ++i)
    out[lead + i] = shape[i] == 1 ? 0 : own[i];
  return out;
}

/// Copies the elements selected by (outShape, srcStrides, base) from `src`
/// into a new raw buffer.
static std::vector<char> gatherBytes(ArrayRef<char> src, int64_t width,
                                     ArrayRef<int64_t> outShape,
                                     ArrayRef<int64_t> srcStrides,
                                     int64_t base) {
  int64_t count = 1;
  for (int64_t d : outShape)
    count *= d;
  std::vector<char> out(count * width);
  char *dst = out.data();
  forEachStrided(outShape, srcStrides, base, [&](int64_t off) {
    std::memcpy(dst, src.data() + off * width, width);
    dst += width;
  });
  return out;
}

/// `attr` as a splat DenseElementsAttr, or null.
static DenseElementsAttr splatOf(Attribute attr) {
  auto dense = llvm::dyn_cast_if_present<DenseElementsAttr>(attr);
  return dense && dense.isSplat() ? dense : DenseElementsAttr();
}

/// True if `attr` has the element type of `type` (data movement never
/// converts).
static bool sameElementType(ElementsAttr attr, ShapedType type) {
  return llvm::cast<ShapedType>(attr.getType()).getElementType() ==
         type.getElementType();
}

/// `type` with rank 0.
static RankedTensorType scalarOf(ShapedType type) {
  return RankedTensorType::get({}, type.getElementType());
}

/// Spreads a one-element result of a splat evaluation to `type`.
static ElementsAttr spreadSplat(ElementsAttr scalar, RankedTensorType type) {
  auto dense = llvm::dyn_cast_if_present<DenseElementsAttr>(scalar);
  if (!dense)
    return {};
  return dense.resizeSplat(type);
}

//===----------------------------------------------------------------------===//
// Names and small queries
//===----------------------------------------------------------------------===//

std::string blobNameFor(Location loc) {
  std::string name;
  loc->walk([&](Location l) {
    if (auto n = llvm::dyn_cast<NameLoc>(l)) {
      name = n.getName().str();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  if (name.empty())
    return "folded";
  std::string clean;
  for (char c : name)
    clean.push_back(
        std::isalnum((unsigned char)c) || c == '_' || c == '.' ? c : '_');
  if (clean.empty() || std::isdigit((unsigned char)clean[0]) || clean[0] == '.')
    clean.insert(0, "folded_");
  return clean;
}

bool isUniformValue(Attribute attr, double v) {
  auto elements = llvm::dyn_cast_if_present<ElementsAttr>(attr);
  if (!elements)
    return false;
  auto type = llvm::cast<ShapedType>(elements.getType());
  if (!type.getElementType().isIntOrFloat() || !type.hasStaticShape())
    return false;
  if (DenseElementsAttr splat = splatOf(elements)) {
    auto one = getElementsAsDouble(llvm::cast<ElementsAttr>(
        splat.resizeSplat(RankedTensorType::get({}, type.getElementType()))));
    return one && (*one)[0] == v;
  }
  if (type.getNumElements() > 64)
    return false;
  auto values = getElementsAsDouble(elements);
  return values && llvm::all_of(*values, [&](double x) { return x == v; });
}

//===----------------------------------------------------------------------===//
// Unary
//===----------------------------------------------------------------------===//

/// Round half to even, independent of the floating-point rounding mode.
static double roundHalfEven(double x) {
  if (!std::isfinite(x))
    return x;
  double r = std::floor(x);
  double diff = x - r;
  if (diff > 0.5 || (diff == 0.5 && std::fmod(r, 2.0) != 0.0))
    r += 1.0;
  // The result keeps the sign of x, so round(-0.4) is -0.0 as in numpy.
  return std::copysign(r, x);
}

static double sigmoid(double x) {
  if (x >= 0)
    return 1.0 / (1.0 + std::exp(-x));
  double e = std::exp(x);
  return e / (1.0 + e);
}

/// Evaluates one float element; `p0`, `p1` are the kind's parameters with
/// their ONNX defaults filled in.
static double unaryFloat(UnaryKind kind, double x, double p0, double p1) {
  switch (kind) {
  case UnaryKind::relu:
    return x < 0 ? 0.0 : x;
  case UnaryKind::leaky_relu:
    return x < 0 ? p0 * x : x;
  case UnaryKind::clip:
    if (std::isnan(x))
      return x;
    x = x < p0 ? p0 : x;
    return x > p1 ? p1 : x;
  case UnaryKind::sigmoid:
    return sigmoid(x);
  case UnaryKind::hard_sigmoid:
    if (std::isnan(x))
      return x;
    return std::max(0.0, std::min(1.0, p0 * x + p1));
  case UnaryKind::hard_swish:
    if (std::isnan(x))
      return x;
    return x * std::max(0.0, std::min(6.0, x + 3.0)) / 6.0;
  case UnaryKind::tanh:
    return std::tanh(x);
  case UnaryKind::sqrt:
    return std::sqrt(x);
  case UnaryKind::exp:
    return std::exp(x);
  case UnaryKind::log:
    return std::log(x);
  case UnaryKind::neg:
    return -x;
  case UnaryKind::abs:
    return std::fabs(x);
  case UnaryKind::reciprocal:
    return 1.0 / x;
  case UnaryKind::erf:
    return std::erf(x);
  case UnaryKind::gelu:
    if (p0 == 1.0) {
      const double k = std::sqrt(2.0 / M_PI);
      return 0.5 * x * (1.0 + std::tanh(k * (x + 0.044715 * x * x * x)));
    }
    return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
  case UnaryKind::elu:
    return x > 0 ? x : p0 * std::expm1(x);
  case UnaryKind::selu:
    return x > 0 ? p1 * x : p1 * (p0 * std::exp(x) - p0);
  case UnaryKind::softplus:
    return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
  case UnaryKind::softsign:
    return x / (1.0 + std::fabs(x));
  case UnaryKind::floor:
    return std::floor(x);
  case UnaryKind::ceil:
    return std::ceil(x);
  case UnaryKind::round:
    return roundHalfEven(x);
  case UnaryKind::sign:
    if (std::isnan(x))
      return x;
    return x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0);
  case UnaryKind::sin:
    return std::sin(x);
  case UnaryKind::cos:
    return std::cos(x);
  case UnaryKind::tan:
    return std::tan(x);
  case UnaryKind::asin:
    return std::asin(x);
  case UnaryKind::acos:
    return std::acos(x);
  case UnaryKind::atan:
    return std::atan(x);
  case UnaryKind::sinh:
    return std::sinh(x);
  case UnaryKind::cosh:
    return std::cosh(x);
  case UnaryKind::asinh:
    return std::asinh(x);
  case UnaryKind::acosh:
    return std::acosh(x);
  case UnaryKind::atanh:
    return std::atanh(x);
  case UnaryKind::logical_not:
    break;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

/// Converts a double bound to int64, saturating (NaN gives 0).
static int64_t saturateToInt64(double v) {
  if (std::isnan(v))
    return 0;
  if (v >= 9.2233720368547758e18)
    return std::numeric_limits<int64_t>::max();
  if (v <= -9.2233720368547758e18)
    return std::numeric_limits<int64_t>::min();
  return (int64_t)v;
}

/// Converts a double bound to uint64, saturating (NaN and negatives give 0).
static uint64_t saturateToUInt64(double v) {
  if (std::isnan(v) || v <= 0)
    return 0;
  if (v >= 1.8446744073709552e19)
    return std::numeric_limits<uint64_t>::max();
  return (uint64_t)v;
}

ElementsAttr evalUnary(UnaryKind kind, std::optional<ArrayRef<float>> params,
                       ElementsAttr input, RankedTensorType resultType,
                       StringRef blobName) {
  if (!input || tooLarge(resultType))
    return {};
  auto domain = domainOf(resultType.getElementType());
  if (!domain)
    return {};
  if (DenseElementsAttr splat = splatOf(input);
      splat && resultType.getNumElements() != 1)
    return spreadSplat(evalUnary(kind, params,
                                 splat.resizeSplat(scalarOf(splat.getType())),
                                 scalarOf(resultType), blobName),
                       resultType);
  auto param = [&](size_t i, double def) -> double {
    return params && i < params->size() ? (double)(*params)[i] : def;
  };
  double p0 = 0.0, p1 = 0.0;
  switch (kind) {
  case UnaryKind::leaky_relu:
    p0 = param(0, 0.01);
    break;
  case UnaryKind::clip:
    p0 = param(0, -std::numeric_limits<double>::infinity());
    p1 = param(1, std::numeric_limits<double>::infinity());
    break;
  case UnaryKind::hard_sigmoid:
    p0 = param(0, 0.2);
    p1 = param(1, 0.5);
    break;
  case UnaryKind::elu:
    p0 = param(0, 1.0);
    break;
  case UnaryKind::selu:
    p0 = param(0, 1.67326319217681884765625);
    p1 = param(1, 1.05070102214813232421875);
    break;
  case UnaryKind::gelu:
    p0 = param(0, 0.0);
    break;
  default:
    break;
  }

  if (*domain == Domain::Float) {
    if (kind == UnaryKind::logical_not)
      return {};
    auto values = getElementsAsDouble(input);
    if (!values)
      return {};
    for (double &x : *values)
      x = unaryFloat(kind, x, p0, p1);
    return makeElements(resultType, *values, blobName);
  }

  auto values = getElementsAsInt64(input);
  if (!values)
    return {};
  if (*domain == Domain::Bool) {
    if (kind != UnaryKind::logical_not)
      return {};
    for (int64_t &x : *values)
      x = x ? 0 : 1;
    return makeElementsInt(resultType, *values, blobName);
  }
  bool isUnsigned = *domain == Domain::Unsigned;
  switch (kind) {
  case UnaryKind::relu:
    if (!isUnsigned)
      for (int64_t &x : *values)
        x = x < 0 ? 0 : x;
    break;
  case UnaryKind::clip: {
    // numpy clip order: lower bound first, so min > max yields max.
    if (isUnsigned) {
      uint64_t lo = saturateToUInt64(std::ceil(p0));
      uint64_t hi = saturateToUInt64(std::floor(p1));
      for (int64_t &x : *values) {
        uint64_t u = std::min(std::max((uint64_t)x, lo), hi);
        x = (int64_t)u;
      }
    } else {
      int64_t lo = std::isnan(p0) ? std::numeric_limits<int64_t>::min()
                                  : saturateToInt64(std::ceil(p0));
      int64_t hi = std::isnan(p1) ? std::numeric_limits<int64_t>::max()
                                  : saturateToInt64(std::floor(p1));
      for (int64_t &x : *values)
        x = std::min(std::max(x, lo), hi);
    }
    break;
  }
  case UnaryKind::neg:
    for (int64_t &x : *values)
      x = (int64_t)(0 - (uint64_t)x);
    break;
  case UnaryKind::abs:
    if (!isUnsigned)
      for (int64_t &x : *values)
        x = x < 0 ? (int64_t)(0 - (uint64_t)x) : x;
    break;
  case UnaryKind::sign:
    for (int64_t &x : *values)
      x = isUnsigned ? (x != 0) : (x > 0) - (x < 0);
    break;
  case UnaryKind::floor:
  case UnaryKind::ceil:
  case UnaryKind::round:
    break;
  default:
    return {};
  }
  return makeElementsInt(resultType, *values, blobName);
}

//===----------------------------------------------------------------------===//
// Binary
//===----------------------------------------------------------------------===//

static bool isPredicate(BinaryKind k) {
  switch (k) {
  case BinaryKind::equal:
  case BinaryKind::less:
  case BinaryKind::less_equal:
  case BinaryKind::greater:
  case BinaryKind::greater_equal:
    return true;
  default:
    return false;
  }
}

static bool isLogical(BinaryKind k) {
  return k == BinaryKind::logical_and || k == BinaryKind::logical_or ||
         k == BinaryKind::logical_xor;
}

static double binaryFloat(BinaryKind kind, double a, double b) {
  switch (kind) {
  case BinaryKind::add:
    return a + b;
  case BinaryKind::sub:
    return a - b;
  case BinaryKind::mul:
    return a * b;
  case BinaryKind::div:
    return a / b;
  case BinaryKind::pow:
    return std::pow(a, b);
  case BinaryKind::max:
    if (std::isnan(a) || std::isnan(b))
      return std::numeric_limits<double>::quiet_NaN();
    return a < b ? b : a;
  case BinaryKind::min:
    if (std::isnan(a) || std::isnan(b))
      return std::numeric_limits<double>::quiet_NaN();
    return b < a ? b : a;
  case BinaryKind::mod: {
    double r = std::fmod(a, b);
    if (r != 0 && ((r < 0) != (b < 0)))
      r += b;
    return r;
  }
  case BinaryKind::fmod:
    return std::fmod(a, b);
  case BinaryKind::equal:
    return a == b;
  case BinaryKind::less:
    return a < b;
  case BinaryKind::less_equal:
    return a <= b;
  case BinaryKind::greater:
    return a > b;
  case BinaryKind::greater_equal:
    return a >= b;
  default:
    break;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

/// Integer power with wrap-around; negative exponents truncate 1/a^|b|.
static std::optional<int64_t> intPow(int64_t a, int64_t b, bool isUnsigned) {
  if (b < 0 && !isUnsigned) {
    if (a == 0)
      return std::nullopt;
    if (a == 1)
      return 1;
    if (a == -1)
      return (b & 1) ? -1 : 1;
    return 0;
  }
  uint64_t base = (uint64_t)a, e = (uint64_t)b, r = 1;
  while (e) {
    if (e & 1)
      r *= base;
    base *= base;
    e >>= 1;
  }
  return (int64_t)r;
}

/// Evaluates one integer element; std::nullopt where the result is
/// undefined (division by zero).
static std::optional<int64_t> binaryInt(BinaryKind kind, int64_t a, int64_t b,
                                        bool isUnsigned) {
  uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
  switch (kind) {
  case BinaryKind::add:
    return (int64_t)(ua + ub);
  case BinaryKind::sub:
    return (int64_t)(ua - ub);
  case BinaryKind::mul:
    return (int64_t)(ua * ub);
  case BinaryKind::div:
    if (b == 0)
      return std::nullopt;
    if (isUnsigned)
      return (int64_t)(ua / ub);
    if (b == -1)
      return (int64_t)(0 - ua);
    return a / b;
  case BinaryKind::mod:
  case BinaryKind::fmod: {
    if (b == 0)
      return std::nullopt;
    if (isUnsigned)
      return (int64_t)(ua % ub);
    if (b == -1)
      return 0;
    int64_t r = a % b;
    if (kind == BinaryKind::mod && r != 0 && ((r < 0) != (b < 0)))
      r += b;
    return r;
  }
  case BinaryKind::pow:
    return intPow(a, b, isUnsigned);
  case BinaryKind::max:
    return isUnsigned ? (ua < ub ? b : a) : (a < b ? b : a);
  case BinaryKind::min:
    return isUnsigned ? (ub < ua ? b : a) : (b < a ? b : a);
  case BinaryKind::equal:
    return a == b;
  case BinaryKind::less:
    return isUnsigned ? ua < ub : a < b;
  case BinaryKind::less_equal:
    return isUnsigned ? ua <= ub : a <= b;
  case BinaryKind::greater:
    return isUnsigned ? ua > ub : a > b;
  case BinaryKind::greater_equal:
    return isUnsigned ? ua >= ub : a >= b;
  case BinaryKind::logical_and:
    return (a != 0) && (b != 0);
  case BinaryKind::logical_or:
    return (a != 0) || (b != 0);
  case BinaryKind::logical_xor:
    return (a != 0) != (b != 0);
  // Logical shifts of unsigned values (the result is truncated to the
  // element width when stored).
  case BinaryKind::shift_left:
    return ub >= 64 ? 0 : (int64_t)(ua << ub);
  case BinaryKind::shift_right:
    return ub >= 64 ? 0 : (int64_t)(ua >> ub);
  }
  return std::nullopt;
}

ElementsAttr evalBinary(BinaryKind kind, ElementsAttr lhs, ElementsAttr rhs,
                        RankedTensorType resultType, StringRef blobName) {
  if (!lhs || !rhs || tooLarge(resultType))
    return {};
  auto lType = llvm::cast<ShapedType>(lhs.getType());
  auto rType = llvm::cast<ShapedType>(rhs.getType());
  auto domain = domainOf(lType.getElementType());
  if (!domain || lType.getElementType() != rType.getElementType())
    return {};
  DenseElementsAttr lSplat = splatOf(lhs), rSplat = splatOf(rhs);
  if (lSplat && rSplat && resultType.getNumElements() != 1)
    return spreadSplat(evalBinary(kind, lSplat.resizeSplat(scalarOf(lType)),
                                  rSplat.resizeSplat(scalarOf(rType)),
                                  scalarOf(resultType), blobName),
                       resultType);
  // Shifts are defined on unsigned integers only.
  if ((kind == BinaryKind::shift_left || kind == BinaryKind::shift_right) &&
      *domain != Domain::Unsigned)
    return {};
  // Logical kinds are defined on bool only, arithmetic not on bool.
  if (isLogical(kind) != (*domain == Domain::Bool) &&
      !(isPredicate(kind) && *domain == Domain::Bool))
    return {};

  ArrayRef<int64_t> outShape = resultType.getShape();
  SmallVector<int64_t> lStrides = broadcastStrides(lType.getShape(), outShape);
  SmallVector<int64_t> rStrides = broadcastStrides(rType.getShape(), outShape);
  int64_t count = resultType.getNumElements();

  // Walk the result in row-major order, tracking both operand offsets.
  auto forEachPair = [&](auto fn) {
    int64_t rank = outShape.size();
    if (count == 0)
      return;
    SmallVector<int64_t> idx(rank, 0);
    int64_t li = 0, ri = 0;
    for (int64_t i = 0;; ++i) {
      fn(i, li, ri);
      int64_t d = rank - 1;
      for (; d >= 0; --d) {
        if (++idx[d] < outShape[d]) {
          li += lStrides[d];
          ri += rStrides[d];
          break;
        }
        li -= (outShape[d] - 1) * lStrides[d];
        ri -= (outShape[d] - 1) * rStrides[d];
        idx[d] = 0;
      }
      if (d < 0)
        return;
    }
  };

  if (*domain == Domain::Float) {
    auto a = getElementsAsDouble(lhs);
    auto b = getElementsAsDouble(rhs);
    if (!a || !b)
      return {};
    if (isPredicate(kind)) {
      std::vector<int64_t> out(count);
      forEachPair([&](int64_t i, int64_t li, int64_t ri) {
        out[i] = binaryFloat(kind, (*a)[li], (*b)[ri]) != 0.0;
      });
      return makeElementsInt(resultType, out, blobName);
    }
    std::vector<double> out(count);
    forEachPair([&](int64_t i, int64_t li, int64_t ri) {
      out[i] = binaryFloat(kind, (*a)[li], (*b)[ri]);
    });
    return makeElements(resultType, out, blobName);
  }

  auto a = getElementsAsInt64(lhs);
  auto b = getElementsAsInt64(rhs);
  if (!a || !b)
    return {};
  bool isUnsigned = *domain == Domain::Unsigned;
  std::vector<int64_t> out(count);
  bool ok = true;
  forEachPair([&](int64_t i, int64_t li, int64_t ri) {
    std::optional<int64_t> v = binaryInt(kind, (*a)[li], (*b)[ri], isUnsigned);
    if (!v)
      ok = false;
    else
      out[i] = *v;
  });
  if (!ok)
    return {};
  return makeElementsInt(resultType, out, blobName);
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

ElementsAttr evalReshape(ElementsAttr input, RankedTensorType resultType,
                         StringRef blobName) {
  if (!input || tooLarge(resultType))
    return {};
  if (!sameElementType(input, resultType))
    return {};
  if (DenseElementsAttr splat = splatOf(input))
    return splat.resizeSplat(resultType);
  if (auto dense = llvm::dyn_cast<DenseElementsAttr>(input))
    if (resultType.getNumElements() <= kResourceThreshold)
      return dense.reshape(resultType);
  auto raw = getRawBytes(input);
  if (!raw)
    return {};
  return makeElementsFromRaw(resultType, *raw, blobName);
}

ElementsAttr evalTranspose(ElementsAttr input, ArrayRef<int64_t> perm,
                           RankedTensorType resultType, StringRef blobName) {
  if (!input || tooLarge(resultType))
    return {};
  if (!sameElementType(input, resultType))
    return {};
  auto inType = llvm::cast<ShapedType>(input.getType());
  if ((int64_t)perm.size() != inType.getRank())
    return {};
  if (DenseElementsAttr splat = splatOf(input))
    return splat.resizeSplat(resultType);
  auto raw = getRawBytes(input);
  if (!raw)
    return {};
  SmallVector<int64_t> inStrides = stridesOf(inType.getShape());
  SmallVector<int64_t> srcStrides;
  for (int64_t p : perm)
    srcStrides.push_back(inStrides[p]);
  std::vector<char> out =
      gatherBytes(*raw, storageBytes(inType.getElementType()),
                  resultType.getShape(), srcStrides, 0);
  return makeElementsFromRaw(resultType, out, blobName);
}

ElementsAttr evalConcat(ArrayRef<ElementsAttr> inputs, int64_t axis,
                        RankedTensorType resultType, StringRef blobName) {
  if (inputs.empty() || tooLarge(resultType))
    return {};
  int64_t width = 0;
  std::vector<std::vector<char>> raws;
  std::vector<int64_t> chunks;
  for (ElementsAttr in : inputs) {
    if (!in)
      return {};
    auto type = llvm::cast<ShapedType>(in.getType());
    if (!sameElementType(in, resultType) ||
        !type.getElementType().isIntOrFloat() || axis < 0 ||
        axis >= type.getRank())
      return {};
    width = storageBytes(type.getElementType());
    auto raw = getRawBytes(in);
    if (!raw)
      return {};
    int64_t chunk = width;
    for (int64_t d : type.getShape().drop_front(axis))
      chunk *= d;
    raws.push_back(std::move(*raw));
    chunks.push_back(chunk);
  }
  int64_t outer = 1;
  for (int64_t d : resultType.getShape().take_front(axis))
    outer *= d;
  std::vector<char> out;
  out.reserve(resultType.getNumElements() * width);
  for (int64_t o = 0; o < outer; ++o)
    for (size_t i = 0; i < raws.size(); ++i)
      out.insert(out.end(), raws[i].begin() + o * chunks[i],
                 raws[i].begin() + (o + 1) * chunks[i]);
  return makeElementsFromRaw(resultType, out, blobName);
}

ElementsAttr evalSlice(ElementsAttr input, ArrayRef<int64_t> starts,
                       ArrayRef<int64_t> steps, RankedTensorType resultType,
                       StringRef blobName) {
  if (!input || tooLarge(resultType))
    return {};
  if (!sameElementType(input, resultType))
    return {};
  auto inType = llvm::cast<ShapedType>(input.getType());
  int64_t rank = inType.getRank();
  if ((int64_t)starts.size() != rank || (int64_t)steps.size() != rank ||
      resultType.getRank() != rank)
    return {};
  for (int64_t i = 0; i < rank; ++i) {
    int64_t n = resultType.getDimSize(i);
    if (n == 0)
      continue;
    int64_t last = starts[i] + (n - 1) * steps[i];
    if (starts[i] < 0 || starts[i] >= inType.getDimSize(i) || last < 0 ||
        last >= inType.getDimSize(i))
      return {};
  }
  if (DenseElementsAttr splat = splatOf(input))
    return splat.resizeSplat(resultType);
  auto raw = getRawBytes(input);
  if (!raw)
    return {};
  SmallVector<int64_t> inStrides = stridesOf(inType.getShape());
  SmallVector<int64_t> srcStrides;
  int64_t base = 0;
  for (int64_t i = 0; i < rank; ++i) {
    base += starts[i] * inStrides[i];
    srcStrides.push_back(steps[i] * inStrides[i]);
  }
  std::vector<char> out =
      gatherBytes(*raw, storageBytes(inType.getElementType()),
                  resultType.getShape(), srcStrides, base);
  return makeElementsFromRaw(resultType, out, blobName);
}

ElementsAttr evalGather(ElementsAttr data, ElementsAttr indices, int64_t axis,
                        RankedTensorType resultType, StringRef blobName) {
  if (!data || !indices || tooLarge(resultType))
    return {};
  auto dType = llvm::cast<ShapedType>(data.getType());
  if (axis < 0 || axis >= dType.getRank() || !sameElementType(data, resultType))
    return {};
  auto raw = getRawBytes(data);
  auto idx = getElementsAsInt64(indices);
  if (!raw || !idx)
    return {};
  int64_t width = storageBytes(dType.getElementType());
  int64_t outer = 1, inner = width;
  for (int64_t d : dType.getShape().take_front(axis))
    outer *= d;
  for (int64_t d : dType.getShape().drop_front(axis + 1))
    inner *= d;
  int64_t axisDim = dType.getDimSize(axis);
  for (int64_t &i : *idx) {
    if (i < 0)
      i += axisDim;
    if (i < 0 || i >= axisDim)
      return {};
  }
  std::vector<char> out;
  out.reserve(outer * idx->size() * inner);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i : *idx) {
      auto begin = raw->begin() + (o * axisDim + i) * inner;
      out.insert(out.end(), begin, begin + inner);
    }
  return makeElementsFromRaw(resultType, out, blobName);
}

//===----------------------------------------------------------------------===//
// Cast
//===----------------------------------------------------------------------===//

/// `v` rounded once to the float semantics `sem`, as a double (exact since
/// every supported float type fits in a double).
static double intToFloat(int64_t v, bool isUnsigned,
                         const llvm::fltSemantics &sem) {
  llvm::APFloat f(sem);
  f.convertFromAPInt(llvm::APInt(64, (uint64_t)v), /*IsSigned=*/!isUnsigned,
                     llvm::APFloat::rmNearestTiesToEven);
  bool lost;
  f.convert(llvm::APFloat::IEEEdouble(), llvm::APFloat::rmNearestTiesToEven,
            &lost);
  return f.convertToDouble();
}

ElementsAttr evalCast(ElementsAttr input, RankedTensorType resultType,
                      StringRef blobName) {
  if (!input || tooLarge(resultType))
    return {};
  auto inType = llvm::cast<ShapedType>(input.getType());
  auto from = domainOf(inType.getElementType());
  auto to = domainOf(resultType.getElementType());
  if (!from || !to)
    return {};
  if (DenseElementsAttr splat = splatOf(input);
      splat && resultType.getNumElements() != 1)
    return spreadSplat(evalCast(splat.resizeSplat(scalarOf(inType)),
                                scalarOf(resultType), blobName),
                       resultType);
  if (*from == Domain::Float) {
    // makeElements truncates toward zero for integers and maps to x != 0
    // for i1 (NaN casts to true), rounds to nearest for floats.
    auto values = getElementsAsDouble(input);
    if (!values)
      return {};
    return makeElements(resultType, *values, blobName);
  }
  auto values = getElementsAsInt64(input);
  if (!values)
    return {};
  if (isIntDomain(*to))
    return makeElementsInt(resultType, *values, blobName);
  auto ft = llvm::cast<FloatType>(resultType.getElementType());
  bool isUnsigned = *from == Domain::Unsigned;
  std::vector<double> out(values->size());
  for (size_t i = 0; i < values->size(); ++i)
    out[i] = intToFloat((*values)[i], isUnsigned, ft.getFloatSemantics());
  return makeElements(resultType, out, blobName);
}

//===----------------------------------------------------------------------===//
// Reduce
//===----------------------------------------------------------------------===//

ElementsAttr evalReduce(ReduceKind kind, ElementsAttr input,
                        ArrayRef<int64_t> axes, RankedTensorType resultType,
                        StringRef blobName) {
  if (!input || tooLarge(resultType))
    return {};
  auto inType = llvm::cast<ShapedType>(input.getType());
  if (!inType.hasStaticShape() || inType.getNumElements() > kMaxFoldElements)
    return {};
  auto domain = domainOf(inType.getElementType());
  if (!domain || *domain == Domain::Bool)
    return {};
  int64_t rank = inType.getRank();
  ArrayRef<int64_t> inShape = inType.getShape();

  // Offsets into the result: reduced dimensions contribute nothing, and the
  // kept ones keep their row-major order whether or not keepdims is set.
  SmallVector<int64_t> keptShape;
  for (int64_t i = 0; i < rank; ++i)
    keptShape.push_back(llvm::is_contained(axes, i) ? 1 : inShape[i]);
  SmallVector<int64_t> keptStrides = stridesOf(keptShape);
  SmallVector<int64_t> outStrides(rank, 0);
  int64_t reduceCount = 1;
  for (int64_t i = 0; i < rank; ++i) {
    if (llvm::is_contained(axes, i))
      reduceCount *= inShape[i];
    else
      outStrides[i] = keptStrides[i];
  }
  int64_t outCount = resultType.getNumElements();

  if (*domain == Domain::Float || kind == ReduceKind::l2 ||
      kind == ReduceKind::log_sum || kind == ReduceKind::log_sum_exp) {
    auto values = getElementsAsDouble(input);
    if (!values)
      return {};
    const double inf = std::numeric_limits<double>::infinity();
    double init = 0.0;
    if (kind == ReduceKind::max)
      init = -inf;
    else if (kind == ReduceKind::min)
      init = inf;
    else if (kind == ReduceKind::prod)
      init = 1.0;
    std::vector<double> acc(outCount, init);
    std::vector<double> shift;
    if (kind == ReduceKind::log_sum_exp) {
      // Subtract the per-output maximum for a stable log-sum-exp.
      shift.assign(outCount, -inf);
      int64_t i = 0;
      forEachStrided(inShape, outStrides, 0, [&](int64_t o) {
        shift[o] = std::max(shift[o], (*values)[i++]);
      });
      for (double &s : shift)
        if (!std::isfinite(s))
          s = 0.0;
    }
    int64_t i = 0;
    forEachStrided(inShape, outStrides, 0, [&](int64_t o) {
      double x = (*values)[i++];
      double &a = acc[o];
      switch (kind) {
      case ReduceKind::sum:
      case ReduceKind::mean:
      case ReduceKind::log_sum:
        a += x;
        break;
      case ReduceKind::max:
        a = (std::isnan(a) || std::isnan(x)) ? std::nan("") : std::max(a, x);
        break;
      case ReduceKind::min:
        a = (std::isnan(a) || std::isnan(x)) ? std::nan("") : std::min(a, x);
        break;
      case ReduceKind::prod:
        a *= x;
        break;
      case ReduceKind::l1:
        a += std::fabs(x);
        break;
      case ReduceKind::l2:
      case ReduceKind::sum_square:
        a += x * x;
        break;
      case ReduceKind::log_sum_exp:
        a += std::exp(x - shift[o]);
        break;
      }
    });
    for (int64_t o = 0; o < outCount; ++o) {
      double &a = acc[o];
      switch (kind) {
      case ReduceKind::mean:
        a /= (double)reduceCount;
        break;
      case ReduceKind::l2:
        a = std::sqrt(a);
        break;
      case ReduceKind::log_sum:
        a = std::log(a);
        break;
      case ReduceKind::log_sum_exp:
        a = std::log(a) + shift[o];
        break;
      default:
        break;
      }
    }
    if (*domain != Domain::Float &&
        llvm::any_of(acc, [](double a) { return !std::isfinite(a); }))
      return {};
    return makeElements(resultType, acc, blobName);
  }

  // Exact integer reductions.
  if (reduceCount == 0 && (kind == ReduceKind::max || kind == ReduceKind::min ||
                           kind == ReduceKind::mean))
    return {};
  auto values = getElementsAsInt64(input);
  if (!values)
    return {};
  bool isUnsigned = *domain == Domain::Unsigned;
  std::vector<int64_t> acc(outCount, kind == ReduceKind::prod ? 1 : 0);
  std::vector<bool> seen(outCount, false);
  int64_t i = 0;
  forEachStrided(inShape, outStrides, 0, [&](int64_t o) {
    int64_t x = (*values)[i++];
    int64_t &a = acc[o];
    uint64_t ua = (uint64_t)a, ux = (uint64_t)x;
    switch (kind) {
    case ReduceKind::sum:
    case ReduceKind::mean:
      a = (int64_t)(ua + ux);
      break;
    case ReduceKind::max:
      if (!seen[o] || (isUnsigned ? ua < ux : a < x))
        a = x;
      break;
    case ReduceKind::min:
      if (!seen[o] || (isUnsigned ? ux < ua : x < a))
        a = x;
      break;
    case ReduceKind::prod:
      a = (int64_t)(ua * ux);
      break;
    case ReduceKind::l1:
      a = (int64_t)(ua + ((!isUnsigned && x < 0) ? 0 - ux : ux));
      break;
    case ReduceKind::sum_square:
      a = (int64_t)(ua + ux * ux);
      break;
    default:
      break;
    }
    seen[o] = true;
  });
  if (kind == ReduceKind::mean)
    for (int64_t &a : acc)
      a = isUnsigned ? (int64_t)((uint64_t)a / (uint64_t)reduceCount)
                     : a / reduceCount;
  return makeElementsInt(resultType, acc, blobName);
}

} // namespace qcc
