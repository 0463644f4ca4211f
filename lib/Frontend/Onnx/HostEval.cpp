//===- HostEval.cpp - import-time evaluation of constant tensors ----------===//
//
// This file implements the host-side evaluator the ONNX importer uses to
// resolve shape-computing subgraphs (Shape -> Gather -> Concat -> Reshape and
// friends) while it imports, independently of the qcc folders. Values are
// held as doubles (floats) or int64 (integers and booleans); float results
// are rounded to their element type after every op so that chains of folded
// ops give the same bits as evaluating them one by one.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "llvm/ADT/APFloat.h"

#include <cmath>

using namespace mlir;

namespace qcc::onnx_import {

int64_t numElementsOf(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0 || __builtin_mul_overflow(n, d, &n))
      return INT64_MAX;
  }
  return n;
}

SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = (int64_t)shape.size() - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

int64_t HostTensor::size() const { return numElementsOf(shape); }

int64_t HostTensor::getI(int64_t k) const {
  if (!isFloat())
    return i[k];
  double v = f[k];
  if (std::isnan(v))
    return 0;
  if (v >= 9.2e18)
    return INT64_MAX;
  if (v <= -9.2e18)
    return INT64_MIN;
  return (int64_t)std::trunc(v);
}

void HostTensor::resize() {
  f.clear();
  i.clear();
  if (isFloat())
    f.assign(size(), 0.0);
  else
    i.assign(size(), 0);
}

/// Wraps an integer to the width (and signedness) of an integer type.
static int64_t wrapInt(Type elemType, bool isUnsigned, int64_t v) {
  unsigned bits = elemType.getIntOrFloatBitWidth();
  if (bits == 1)
    return v != 0;
  if (bits >= 64)
    return v;
  uint64_t mask = (uint64_t(1) << bits) - 1;
  uint64_t u = (uint64_t)v & mask;
  if (isUnsigned)
    return (int64_t)u;
  if (u & (uint64_t(1) << (bits - 1)))
    u |= ~mask;
  return (int64_t)u;
}

double roundToFloatType(Type elemType, double v) {
  auto ft = llvm::dyn_cast<FloatType>(elemType);
  if (!ft || ft.getWidth() == 64)
    return v;
  if (ft.getWidth() == 32)
    return (double)(float)v;
  llvm::APFloat a(v);
  bool lost;
  a.convert(ft.getFloatSemantics(), llvm::APFloat::rmNearestTiesToEven, &lost);
  a.convert(llvm::APFloat::IEEEdouble(), llvm::APFloat::rmNearestTiesToEven,
            &lost);
  return a.convertToDouble();
}

void HostTensor::set(int64_t k, double v) {
  if (isFloat()) {
    f[k] = roundToFloatType(elemType, v);
    return;
  }
  int64_t iv;
  if (std::isnan(v))
    iv = 0;
  else if (v >= 9.2e18)
    iv = INT64_MAX;
  else if (v <= -9.2e18)
    iv = INT64_MIN;
  else
    iv = (int64_t)std::trunc(v);
  i[k] = wrapInt(elemType, isUnsigned, iv);
}

void HostTensor::setI(int64_t k, int64_t v) {
  if (isFloat())
    f[k] = roundToFloatType(elemType, (double)v);
  else
    i[k] = wrapInt(elemType, isUnsigned, v);
}

/// Maps a flat index of `outShape` to the flat index of a tensor of
/// `inShape` broadcast to it (numpy rules, right-aligned).
namespace {
class BroadcastIndexer {
public:
  BroadcastIndexer(ArrayRef<int64_t> inShape, ArrayRef<int64_t> outShape)
      : outShape(outShape) {
    size_t rank = outShape.size();
    SmallVector<int64_t> inStrides = stridesOf(inShape);
    strides.assign(rank, 0);
    size_t off = rank - inShape.size();
    for (size_t d = 0; d < inShape.size(); ++d)
      strides[d + off] = inShape[d] == 1 ? 0 : inStrides[d];
  }
  int64_t operator()(int64_t flat) const {
    int64_t idx = 0;
    for (int64_t d = (int64_t)outShape.size() - 1; d >= 0; --d) {
      int64_t c = flat % outShape[d];
      flat /= outShape[d];
      idx += c * strides[d];
    }
    return idx;
  }

private:
  SmallVector<int64_t> outShape;
  SmallVector<int64_t> strides;
};
} // namespace

static bool isPredicate(BinaryKind kind) {
  switch (kind) {
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

static double floatBinary(BinaryKind kind, double x, double y) {
  switch (kind) {
  case BinaryKind::add:
    return x + y;
  case BinaryKind::sub:
    return x - y;
  case BinaryKind::mul:
    return x * y;
  case BinaryKind::div:
    return x / y;
  case BinaryKind::pow:
    return std::pow(x, y);
  case BinaryKind::max:
    return (std::isnan(x) || std::isnan(y)) ? NAN : std::max(x, y);
  case BinaryKind::min:
    return (std::isnan(x) || std::isnan(y)) ? NAN : std::min(x, y);
  case BinaryKind::mod: {
    // Python semantics: the result takes the sign of the divisor.
    double r = std::fmod(x, y);
    if (r != 0 && ((r < 0) != (y < 0)))
      r += y;
    return r;
  }
  case BinaryKind::fmod:
    return std::fmod(x, y);
  case BinaryKind::equal:
    return x == y;
  case BinaryKind::less:
    return x < y;
  case BinaryKind::less_equal:
    return x <= y;
  case BinaryKind::greater:
    return x > y;
  case BinaryKind::greater_equal:
    return x >= y;
  case BinaryKind::logical_and:
    return (x != 0) && (y != 0);
  case BinaryKind::logical_or:
    return (x != 0) || (y != 0);
  case BinaryKind::logical_xor:
    return (x != 0) != (y != 0);
  case BinaryKind::shift_left:
  case BinaryKind::shift_right:
    // Handled (with the element width) by evalBinary.
    break;
  }
  return 0;
}

static int64_t intBinary(BinaryKind kind, int64_t x, int64_t y) {
  auto wrapAdd = [](int64_t a, int64_t b) {
    return (int64_t)((uint64_t)a + (uint64_t)b);
  };
  switch (kind) {
  case BinaryKind::add:
    return wrapAdd(x, y);
  case BinaryKind::sub:
    return (int64_t)((uint64_t)x - (uint64_t)y);
  case BinaryKind::mul:
    return (int64_t)((uint64_t)x * (uint64_t)y);
  case BinaryKind::div:
    if (y == 0 || (x == INT64_MIN && y == -1))
      return 0;
    return x / y;
  case BinaryKind::pow: {
    if (y < 0)
      return x == 1 ? 1 : (x == -1 ? (y % 2 ? -1 : 1) : 0);
    int64_t r = 1;
    for (int64_t k = 0; k < y && k < 64; ++k)
      r = (int64_t)((uint64_t)r * (uint64_t)x);
    return r;
  }
  case BinaryKind::max:
    return std::max(x, y);
  case BinaryKind::min:
    return std::min(x, y);
  case BinaryKind::mod: {
    if (y == 0 || y == -1)
      return 0;
    int64_t r = x % y;
    if (r != 0 && ((r < 0) != (y < 0)))
      r += y;
    return r;
  }
  case BinaryKind::fmod:
    if (y == 0 || y == -1)
      return 0;
    return x % y;
  case BinaryKind::equal:
    return x == y;
  case BinaryKind::less:
    return x < y;
  case BinaryKind::less_equal:
    return x <= y;
  case BinaryKind::greater:
    return x > y;
  case BinaryKind::greater_equal:
    return x >= y;
  case BinaryKind::logical_and:
    return (x != 0) && (y != 0);
  case BinaryKind::logical_or:
    return (x != 0) || (y != 0);
  case BinaryKind::logical_xor:
    return (x != 0) != (y != 0);
  case BinaryKind::shift_left:
  case BinaryKind::shift_right:
    // Handled (with the element width) by evalBinary.
    break;
  }
  return 0;
}

FailureOr<HostTensor> evalBinary(BinaryKind kind, const HostTensor &a,
                                 const HostTensor &b) {
  auto shape = broadcastShapes(a.shape, b.shape);
  if (failed(shape))
    return failure();
  HostTensor r;
  r.shape = *shape;
  bool pred = isPredicate(kind);
  r.elemType = pred ? IntegerType::get(a.elemType.getContext(), 1) : a.elemType;
  r.isUnsigned = pred ? false : a.isUnsigned;
  r.resize();
  BroadcastIndexer ia(a.shape, r.shape), ib(b.shape, r.shape);
  int64_t n = r.size();
  bool useFloat = a.isFloat();
  if (kind == BinaryKind::shift_left || kind == BinaryKind::shift_right) {
    // Logical shifts of unsigned integers, truncated to the element width.
    if (useFloat || !a.isUnsigned)
      return failure();
    unsigned width = a.elemType.getIntOrFloatBitWidth();
    uint64_t mask = width >= 64 ? ~0ull : (1ull << width) - 1;
    for (int64_t k = 0; k < n; ++k) {
      uint64_t x = (uint64_t)a.i[ia(k)], y = (uint64_t)b.getI(ib(k));
      uint64_t v = y >= width                       ? 0
                   : kind == BinaryKind::shift_left ? x << y
                                                    : x >> y;
      r.setI(k, (int64_t)(v & mask));
    }
    return r;
  }
  for (int64_t k = 0; k < n; ++k) {
    int64_t x = ia(k), y = ib(k);
    if (useFloat)
      r.set(k, floatBinary(kind, a.f[x], b.getD(y)));
    else
      r.setI(k, intBinary(kind, a.i[x], b.getI(y)));
  }
  return r;
}

static double erfOf(double x) { return std::erf(x); }

std::optional<HostTensor> evalUnary(UnaryKind kind, const HostTensor &a,
                                    ArrayRef<float> params) {
  HostTensor r = a;
  int64_t n = a.size();
  if (!a.isFloat()) {
    for (int64_t k = 0; k < n; ++k) {
      int64_t x = a.i[k];
      switch (kind) {
      case UnaryKind::neg:
        r.setI(k, -x);
        break;
      case UnaryKind::abs:
        r.setI(k, x < 0 ? -x : x);
        break;
      case UnaryKind::relu:
        r.setI(k, std::max<int64_t>(x, 0));
        break;
      case UnaryKind::sign:
        r.setI(k, (x > 0) - (x < 0));
        break;
      case UnaryKind::logical_not:
        r.setI(k, x == 0);
        break;
      case UnaryKind::clip:
        r.setI(k, std::min<int64_t>(std::max<int64_t>(x, (int64_t)params[0]),
                                    (int64_t)params[1]));
        break;
      case UnaryKind::floor:
      case UnaryKind::ceil:
      case UnaryKind::round:
        break;
      default:
        return std::nullopt;
      }
    }
    return r;
  }
  for (int64_t k = 0; k < n; ++k) {
    double x = a.f[k], y = x;
    switch (kind) {
    case UnaryKind::relu:
      y = x < 0 ? 0 : x;
      break;
    case UnaryKind::leaky_relu:
      y = x < 0 ? x * params[0] : x;
      break;
    case UnaryKind::clip:
      y = std::min<double>(std::max<double>(x, params[0]), params[1]);
      break;
    case UnaryKind::sigmoid:
      y = 1.0 / (1.0 + std::exp(-x));
      break;
    case UnaryKind::hard_sigmoid:
      y = std::max(0.0, std::min(1.0, params[0] * x + params[1]));
      break;
    case UnaryKind::hard_swish:
      y = x * std::max(0.0, std::min(6.0, x + 3.0)) / 6.0;
      break;
    case UnaryKind::tanh:
      y = std::tanh(x);
      break;
    case UnaryKind::sqrt:
      y = std::sqrt(x);
      break;
    case UnaryKind::exp:
      y = std::exp(x);
      break;
    case UnaryKind::log:
      y = std::log(x);
      break;
    case UnaryKind::neg:
      y = -x;
      break;
    case UnaryKind::abs:
      y = std::fabs(x);
      break;
    case UnaryKind::reciprocal:
      y = 1.0 / x;
      break;
    case UnaryKind::erf:
      y = erfOf(x);
      break;
    case UnaryKind::gelu:
      if (!params.empty() && params[0] != 0)
        y = 0.5 * x *
            (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
      else
        y = 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)));
      break;
    case UnaryKind::elu:
      y = x < 0 ? params[0] * (std::exp(x) - 1) : x;
      break;
    case UnaryKind::selu:
      y = params[1] * (x <= 0 ? params[0] * (std::exp(x) - 1) : x);
      break;
    case UnaryKind::softplus:
      y = std::log1p(std::exp(x));
      break;
    case UnaryKind::softsign:
      y = x / (1 + std::fabs(x));
      break;
    case UnaryKind::floor:
      y = std::floor(x);
      break;
    case UnaryKind::ceil:
      y = std::ceil(x);
      break;
    case UnaryKind::round:
      y = std::nearbyint(x);
      break;
    case UnaryKind::sign:
      y = (x > 0) - (x < 0);
      break;
    case UnaryKind::logical_not:
      y = x == 0;
      break;
    case UnaryKind::sin:
      y = std::sin(x);
      break;
    case UnaryKind::cos:
      y = std::cos(x);
      break;
    case UnaryKind::tan:
      y = std::tan(x);
      break;
    case UnaryKind::asin:
      y = std::asin(x);
      break;
    case UnaryKind::acos:
      y = std::acos(x);
      break;
    case UnaryKind::atan:
      y = std::atan(x);
      break;
    case UnaryKind::sinh:
      y = std::sinh(x);
      break;
    case UnaryKind::cosh:
      y = std::cosh(x);
      break;
    case UnaryKind::asinh:
      y = std::asinh(x);
      break;
    case UnaryKind::acosh:
      y = std::acosh(x);
      break;
    case UnaryKind::atanh:
      y = std::atanh(x);
      break;
    }
    r.set(k, y);
  }
  return r;
}

HostTensor evalTranspose(const HostTensor &a, ArrayRef<int64_t> perm) {
  HostTensor r;
  r.elemType = a.elemType;
  r.isUnsigned = a.isUnsigned;
  for (int64_t p : perm)
    r.shape.push_back(a.shape[p]);
  r.resize();
  SmallVector<int64_t> inStrides = stridesOf(a.shape);
  int64_t n = r.size(), rank = perm.size();
  for (int64_t k = 0; k < n; ++k) {
    int64_t flat = k, src = 0;
    for (int64_t d = rank - 1; d >= 0; --d) {
      int64_t c = flat % r.shape[d];
      flat /= r.shape[d];
      src += c * inStrides[perm[d]];
    }
    if (r.isFloat())
      r.f[k] = a.f[src];
    else
      r.i[k] = a.i[src];
  }
  return r;
}

HostTensor evalSlice(const HostTensor &a, ArrayRef<int64_t> starts,
                     ArrayRef<int64_t> steps, ArrayRef<int64_t> sizes) {
  HostTensor r;
  r.elemType = a.elemType;
  r.isUnsigned = a.isUnsigned;
  r.shape.assign(sizes.begin(), sizes.end());
  r.resize();
  SmallVector<int64_t> inStrides = stridesOf(a.shape);
  int64_t n = r.size(), rank = sizes.size();
  for (int64_t k = 0; k < n; ++k) {
    int64_t flat = k, src = 0;
    for (int64_t d = rank - 1; d >= 0; --d) {
      int64_t c = flat % sizes[d];
      flat /= sizes[d];
      src += (starts[d] + c * steps[d]) * inStrides[d];
    }
    if (r.isFloat())
      r.f[k] = a.f[src];
    else
      r.i[k] = a.i[src];
  }
  return r;
}

HostTensor evalConcat(ArrayRef<HostTensor> inputs, int64_t axis) {
  HostTensor r;
  r.elemType = inputs[0].elemType;
  r.isUnsigned = inputs[0].isUnsigned;
  r.shape = inputs[0].shape;
  r.shape[axis] = 0;
  for (const HostTensor &t : inputs)
    r.shape[axis] += t.shape[axis];
  r.resize();
  int64_t outer = numElementsOf(ArrayRef<int64_t>(r.shape).take_front(axis));
  int64_t pos = 0;
  for (int64_t o = 0; o < outer; ++o) {
    for (const HostTensor &t : inputs) {
      int64_t chunk =
          numElementsOf(ArrayRef<int64_t>(t.shape).drop_front(axis));
      for (int64_t k = 0; k < chunk; ++k, ++pos) {
        if (r.isFloat())
          r.f[pos] = t.f[o * chunk + k];
        else
          r.i[pos] = t.i[o * chunk + k];
      }
    }
  }
  return r;
}

std::optional<HostTensor> evalGather(const HostTensor &data,
                                     const HostTensor &indices, int64_t axis) {
  HostTensor r;
  r.elemType = data.elemType;
  r.isUnsigned = data.isUnsigned;
  ArrayRef<int64_t> ds(data.shape);
  r.shape.assign(ds.begin(), ds.begin() + axis);
  r.shape.append(indices.shape.begin(), indices.shape.end());
  r.shape.append(ds.begin() + axis + 1, ds.end());
  r.resize();
  int64_t outer = numElementsOf(ds.take_front(axis));
  int64_t inner = numElementsOf(ds.drop_front(axis + 1));
  int64_t dim = ds[axis];
  int64_t nIdx = indices.size();
  int64_t pos = 0;
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t j = 0; j < nIdx; ++j) {
      int64_t idx = indices.getI(j);
      if (idx < 0)
        idx += dim;
      if (idx < 0 || idx >= dim)
        return std::nullopt;
      for (int64_t k = 0; k < inner; ++k, ++pos) {
        int64_t src = (o * dim + idx) * inner + k;
        if (r.isFloat())
          r.f[pos] = data.f[src];
        else
          r.i[pos] = data.i[src];
      }
    }
  }
  return r;
}

HostTensor evalCast(const HostTensor &a, Type to, bool toUnsigned) {
  HostTensor r;
  r.shape = a.shape;
  r.elemType = to;
  r.isUnsigned = toUnsigned && !r.isFloat();
  r.resize();
  int64_t n = a.size();
  for (int64_t k = 0; k < n; ++k) {
    if (to.isInteger(1))
      r.i[k] = a.getD(k) != 0;
    else if (a.isFloat())
      r.set(k, a.f[k]);
    else if (r.isFloat())
      r.set(k, (double)a.i[k]);
    else
      r.setI(k, a.i[k]);
  }
  return r;
}

HostTensor evalReduce(ReduceKind kind, const HostTensor &a,
                      ArrayRef<int64_t> axes, bool keepdims) {
  int64_t rank = a.shape.size();
  SmallVector<bool> reduced(rank, false);
  for (int64_t ax : axes)
    reduced[ax] = true;
  SmallVector<int64_t> keptShape; // with reduced dims as 1
  for (int64_t d = 0; d < rank; ++d)
    keptShape.push_back(reduced[d] ? 1 : a.shape[d]);
  int64_t outN = numElementsOf(keptShape);
  int64_t count = a.size() / std::max<int64_t>(outN, 1);
  std::vector<double> acc(outN, 0.0);
  std::vector<int64_t> iacc(outN, 0);
  bool isF = a.isFloat();
  switch (kind) {
  case ReduceKind::max:
    acc.assign(outN, -INFINITY);
    iacc.assign(outN, INT64_MIN);
    break;
  case ReduceKind::min:
    acc.assign(outN, INFINITY);
    iacc.assign(outN, INT64_MAX);
    break;
  case ReduceKind::prod:
    acc.assign(outN, 1.0);
    iacc.assign(outN, 1);
    break;
  default:
    break;
  }
  SmallVector<int64_t> outStrides = stridesOf(keptShape);
  int64_t n = a.size();
  for (int64_t k = 0; k < n; ++k) {
    int64_t flat = k, dst = 0;
    for (int64_t d = rank - 1; d >= 0; --d) {
      int64_t c = flat % a.shape[d];
      flat /= a.shape[d];
      if (!reduced[d])
        dst += c * outStrides[d];
    }
    double x = a.getD(k);
    int64_t xi = isF ? 0 : a.i[k];
    switch (kind) {
    case ReduceKind::sum:
    case ReduceKind::mean:
    case ReduceKind::log_sum:
      acc[dst] += x;
      iacc[dst] += xi;
      break;
    case ReduceKind::max:
      acc[dst] = std::max(acc[dst], x);
      iacc[dst] = std::max(iacc[dst], xi);
      break;
    case ReduceKind::min:
      acc[dst] = std::min(acc[dst], x);
      iacc[dst] = std::min(iacc[dst], xi);
      break;
    case ReduceKind::prod:
      acc[dst] *= x;
      iacc[dst] *= xi;
      break;
    case ReduceKind::l1:
      acc[dst] += std::fabs(x);
      iacc[dst] += xi < 0 ? -xi : xi;
      break;
    case ReduceKind::l2:
    case ReduceKind::sum_square:
      acc[dst] += x * x;
      iacc[dst] += xi * xi;
      break;
    case ReduceKind::log_sum_exp:
      acc[dst] += std::exp(x);
      break;
    }
  }
  HostTensor r;
  r.elemType = a.elemType;
  r.isUnsigned = a.isUnsigned;
  for (int64_t d = 0; d < rank; ++d)
    if (!reduced[d] || keepdims)
      r.shape.push_back(keptShape[d]);
  r.resize();
  for (int64_t k = 0; k < outN; ++k) {
    double v = acc[k];
    switch (kind) {
    case ReduceKind::mean:
      v = v / (double)count;
      break;
    case ReduceKind::l2:
      v = std::sqrt(v);
      break;
    case ReduceKind::log_sum:
    case ReduceKind::log_sum_exp:
      v = std::log(v);
      break;
    default:
      break;
    }
    if (isF) {
      r.set(k, v);
    } else if (kind == ReduceKind::mean) {
      r.setI(k, count ? iacc[k] / count : 0);
    } else if (kind == ReduceKind::l2 || kind == ReduceKind::log_sum ||
               kind == ReduceKind::log_sum_exp) {
      r.set(k, v);
    } else {
      r.setI(k, iacc[k]);
    }
  }
  return r;
}

HostTensor evalBroadcastTo(const HostTensor &a, ArrayRef<int64_t> shape) {
  HostTensor r;
  r.elemType = a.elemType;
  r.isUnsigned = a.isUnsigned;
  r.shape.assign(shape.begin(), shape.end());
  r.resize();
  BroadcastIndexer idx(a.shape, shape);
  int64_t n = r.size();
  for (int64_t k = 0; k < n; ++k) {
    if (r.isFloat())
      r.f[k] = a.f[idx(k)];
    else
      r.i[k] = a.i[idx(k)];
  }
  return r;
}

} // namespace qcc::onnx_import
