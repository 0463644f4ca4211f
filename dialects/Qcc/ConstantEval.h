//===- ConstantEval.h - evaluation of qcc ops on constants -----*- C++ -*-===//
//
// This file declares the evaluators that the qcc folders and the
// constant-folding pass use to compute an op's result from constant operands.
// Integer element types are evaluated exactly in int64 (uint64 where the type
// is unsigned), float types in double and rounded once to the result element
// type; data movement copies raw bytes and is exact for every element type.
//
// Every evaluator returns a null attribute when it cannot evaluate (operand
// not readable, unsupported element type or kind, undefined result such as an
// integer division by zero, or more than kMaxFoldElements elements).
//
//===----------------------------------------------------------------------===//

#ifndef QCC_DIALECT_CONSTANTEVAL_H
#define QCC_DIALECT_CONSTANTEVAL_H

#include "Qcc/QccDialect.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Location.h"
#include <optional>
#include <string>

namespace qcc {

/// Largest result (in elements) that the evaluators compute.
constexpr int64_t kMaxFoldElements = int64_t(64) << 20;

/// A resource blob name derived from `loc` (the innermost ONNX node name when
/// the location carries one, else "folded"), restricted to identifier
/// characters so that it prints as a bare `dense_resource` key.
std::string blobNameFor(mlir::Location loc);

/// Evaluates `kind` with `params` elementwise on `input`.
mlir::ElementsAttr evalUnary(UnaryKind kind,
                             std::optional<llvm::ArrayRef<float>> params,
                             mlir::ElementsAttr input,
                             mlir::RankedTensorType resultType,
                             llvm::StringRef blobName);

/// Evaluates `kind` elementwise with numpy broadcasting.
mlir::ElementsAttr evalBinary(BinaryKind kind, mlir::ElementsAttr lhs,
                              mlir::ElementsAttr rhs,
                              mlir::RankedTensorType resultType,
                              llvm::StringRef blobName);

/// Row-major reshape: same bytes, new type.
mlir::ElementsAttr evalReshape(mlir::ElementsAttr input,
                               mlir::RankedTensorType resultType,
                               llvm::StringRef blobName);

/// Result dimension i is input dimension perm[i].
mlir::ElementsAttr evalTranspose(mlir::ElementsAttr input,
                                 llvm::ArrayRef<int64_t> perm,
                                 mlir::RankedTensorType resultType,
                                 llvm::StringRef blobName);

/// Concatenation along `axis`.
mlir::ElementsAttr evalConcat(llvm::ArrayRef<mlir::ElementsAttr> inputs,
                              int64_t axis, mlir::RankedTensorType resultType,
                              llvm::StringRef blobName);

/// `result[i0, ..] = input[starts[0] + i0 * steps[0], ..]`.
mlir::ElementsAttr evalSlice(mlir::ElementsAttr input,
                             llvm::ArrayRef<int64_t> starts,
                             llvm::ArrayRef<int64_t> steps,
                             mlir::RankedTensorType resultType,
                             llvm::StringRef blobName);

/// ONNX Gather along `axis`; negative indices count from the end.
mlir::ElementsAttr evalGather(mlir::ElementsAttr data,
                              mlir::ElementsAttr indices, int64_t axis,
                              mlir::RankedTensorType resultType,
                              llvm::StringRef blobName);

/// ONNX Cast: float to integer truncates toward zero, anything to bool is
/// `x != 0`, integers convert exactly where the target can hold them.
mlir::ElementsAttr evalCast(mlir::ElementsAttr input,
                            mlir::RankedTensorType resultType,
                            llvm::StringRef blobName);

/// Reduction of `axes` (sorted, unique) with `kind`.
mlir::ElementsAttr evalReduce(ReduceKind kind, mlir::ElementsAttr input,
                              llvm::ArrayRef<int64_t> axes,
                              mlir::RankedTensorType resultType,
                              llvm::StringRef blobName);

/// True if `attr` holds the same value `v` in every element (checked cheaply:
/// splats, and non-splat tensors of at most 64 elements).
bool isUniformValue(mlir::Attribute attr, double v);

} // namespace qcc

#endif // QCC_DIALECT_CONSTANTEVAL_H
