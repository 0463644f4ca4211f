//===- Patterns.h - qcc to linalg lowering internals -----------*- C++ -*-===//
//
// This file declares the pattern populators of the qcc to linalg conversion
// and the builders they share: tensor inits, numpy broadcasting, reshapes and
// the scalar bodies of elementwise functions.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_LIB_CONVERSION_QCCTOLINALG_PATTERNS_H
#define QCC_LIB_CONVERSION_QCCTOLINALG_PATTERNS_H

#include "Qcc/QccOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/Transforms/DialectConversion.h"

#include <optional>

namespace qcc {

//===----------------------------------------------------------------------===//
// Pattern populators
//===----------------------------------------------------------------------===//

/// conv2d, matmul, batch_norm and pool2d.
void populateLayerPatterns(const mlir::TypeConverter &converter,
                           mlir::RewritePatternSet &patterns);

/// unary, binary, cast, reduce, softmax, quantize, dequantize, requantize.
void populateElementwisePatterns(const mlir::TypeConverter &converter,
                                 mlir::RewritePatternSet &patterns);

/// constant, reshape, transpose, concat, slice, gather.
void populateDataMovementPatterns(const mlir::TypeConverter &converter,
                                  mlir::RewritePatternSet &patterns);

/// arg_reduce, top_k, cumsum and scatter.
void populateIndexingPatterns(const mlir::TypeConverter &converter,
                              mlir::RewritePatternSet &patterns);

/// Quantized matmul / conv2d (integer kernels) and requantize; they take
/// precedence over the float layer patterns.
void populateQuantizedPatterns(const mlir::TypeConverter &converter,
                               mlir::RewritePatternSet &patterns);

/// dequantize_int4 (compressed weight formats).
void populateWeightFormatPatterns(const mlir::TypeConverter &converter,
                                  mlir::RewritePatternSet &patterns);

/// Extends a narrow float weight tensor (f16 / bf16) to `elemType` with one
/// elementwise generic; returns `weight` unchanged when it already has that
/// element type (or either type is not a float).
mlir::Value widenWeights(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value weight, mlir::Type elemType);

/// A real multiplier `m` as `multiplier * 2^-shift` with a 31-bit
/// `multiplier` in [2^30, 2^31) (smaller only for tiny `m`) and
/// 1 <= `shift` <= 62.
struct FixedPointMultiplier {
  int64_t multiplier;
  int64_t shift;
};

/// Fails for `m` not in (0, 2^30).
mlir::FailureOr<FixedPointMultiplier> computeFixedPointMultiplier(double m);

//===----------------------------------------------------------------------===//
// Checks run before the conversion
//===----------------------------------------------------------------------===//

/// Emits an error at `op` and fails when the lowering cannot handle it (an
/// element type the op's semantics are not defined for, a quantized type on
/// an op that does not lower quantized types yet).
mlir::LogicalResult checkLowerable(mlir::Operation *op);

/// The checks of quantized matmul / conv2d (8-bit operands, weight quantized
/// per tensor or per output channel, i32 bias, float / i32 / per-tensor
/// quantized result, relu / clip as the only fused activations on quantized
/// results, no possible i32 overflow) and of requantize.
mlir::LogicalResult checkQuantizedLowerable(mlir::Operation *op);

/// Whether `buildUnary` implements `kind` on elements of type `elemType`.
bool isUnarySupported(UnaryKind kind, mlir::Type elemType);

/// Whether `buildBinary` implements `kind` on operands of type `elemType`.
bool isBinarySupported(BinaryKind kind, mlir::Type elemType);

//===----------------------------------------------------------------------===//
// Scalar builders (used inside linalg.generic bodies)
//===----------------------------------------------------------------------===//

/// A constant scalar of `type` (float or integer; integers are truncated to
/// the type's width).
mlir::Value createScalar(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Type type, double value);

/// The smallest (`max` false) or largest value of `type`: +-infinity for
/// floats when `infinity` is set, else the largest finite magnitude; the
/// integer bounds of the (un)signed range for integers.
mlir::Value createExtremum(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Type type, bool max, bool infinity,
                           bool isUnsigned = false);

/// Applies the unary function `kind` with `params` to the scalar `x`.
/// `isUnsigned` selects unsigned integer semantics.
mlir::Value buildUnary(mlir::OpBuilder &b, mlir::Location loc, UnaryKind kind,
                       llvm::ArrayRef<float> params, mlir::Value x,
                       bool isUnsigned = false);

/// Applies the binary function `kind` to the scalars `lhs` and `rhs`.
mlir::Value buildBinary(mlir::OpBuilder &b, mlir::Location loc, BinaryKind kind,
                        mlir::Value lhs, mlir::Value rhs,
                        bool isUnsigned = false);

//===----------------------------------------------------------------------===//
// Tensor builders
//===----------------------------------------------------------------------===//

/// Whether `type` is an integer type with unsigned semantics (`ui8`, ...).
bool isUnsignedInteger(mlir::Type type);

/// `tensor.empty` of the given shape and element type.
mlir::Value createEmpty(mlir::OpBuilder &b, mlir::Location loc,
                        llvm::ArrayRef<int64_t> shape, mlir::Type elemType);

/// `tensor.empty` + `linalg.fill` with the scalar `value`.
mlir::Value createFilled(mlir::OpBuilder &b, mlir::Location loc,
                         llvm::ArrayRef<int64_t> shape, mlir::Value value);

/// `tensor.pad` of `value` by `low` / `high` elements per dimension with the
/// scalar `padValue`; returns `value` when nothing is padded.
mlir::Value padTensor(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                      llvm::ArrayRef<int64_t> low, llvm::ArrayRef<int64_t> high,
                      mlir::Value padValue);

/// Reshapes `value` to `type` (same element count) with a single
/// collapse_shape or expand_shape when a reassociation exists, else through a
/// 1-D collapse followed by an expand.
mlir::Value reshapeTo(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                      mlir::RankedTensorType type);

/// Prepares `value` to be read under numpy broadcasting by a loop nest over
/// `resultShape`: dimensions of size 1 that broadcast are collapsed away so
/// that the returned indexing map is a projected permutation.
std::pair<mlir::Value, mlir::AffineMap>
prepareBroadcastOperand(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value value, llvm::ArrayRef<int64_t> resultShape);

/// Materializes `value` broadcast to `shape` (numpy rules) with
/// `linalg.broadcast`; returns `value` when it already has that shape.
mlir::Value broadcastTo(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value value, llvm::ArrayRef<int64_t> shape);

/// Body of an elementwise generic: receives the scalar inputs (without the
/// output block argument) and returns the value to yield.
using ScalarBodyFn = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// A parallel `linalg.generic` over `resultType` whose inputs broadcast with
/// numpy rules, writing into a fresh `tensor.empty`.
mlir::Value buildElementwise(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::RankedTensorType resultType,
                             mlir::ValueRange inputs, ScalarBodyFn body);

/// Applies the fused activation (`activation`, `act_params` attributes of a
/// layer op) elementwise to `value`; returns `value` without one.
mlir::Value applyActivation(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value value,
                            std::optional<UnaryKind> activation,
                            std::optional<llvm::ArrayRef<float>> params);

} // namespace qcc

#endif // QCC_LIB_CONVERSION_QCCTOLINALG_PATTERNS_H
