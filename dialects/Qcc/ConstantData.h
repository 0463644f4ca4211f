//===- ConstantData.h - raw access to constant tensors ---------*- C++ -*-===//
//
// This file declares helpers to read and create constant tensor attributes
// uniformly, whether they are DenseElementsAttr or dense_resource blobs.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_DIALECT_CONSTANTDATA_H
#define QCC_DIALECT_CONSTANTDATA_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include <optional>
#include <vector>

namespace qcc {

/// Values of a constant tensor, widened to double (float/int/bool elements).
/// Returns std::nullopt for unsupported element types.
std::optional<std::vector<double>> getElementsAsDouble(mlir::ElementsAttr attr);

/// Values of an integer constant tensor as int64 (sign-extended; i1 as 0/1).
std::optional<std::vector<int64_t>> getElementsAsInt64(mlir::ElementsAttr attr);

/// Builds a constant of `type` from doubles, converting to the element type
/// (float types round to nearest, integers truncate toward zero as ONNX Cast
/// does, i1 is `v != 0`). Large tensors become dense_resource blobs named
/// `blobName`; small ones are DenseElementsAttr.
mlir::ElementsAttr makeElements(mlir::RankedTensorType type,
                                llvm::ArrayRef<double> values,
                                llvm::StringRef blobName = "folded");

/// Same, from int64 values (exact for 64-bit integer types).
mlir::ElementsAttr makeElementsInt(mlir::RankedTensorType type,
                                   llvm::ArrayRef<int64_t> values,
                                   llvm::StringRef blobName = "folded");

/// Builds an attribute from raw little-endian bytes in the element type's
/// storage layout (i1 as one byte per element). Large tensors become
/// dense_resource blobs.
mlir::ElementsAttr makeElementsFromRaw(mlir::RankedTensorType type,
                                       llvm::ArrayRef<char> raw,
                                       llvm::StringRef blobName);

/// Raw bytes of a constant in its storage layout (splats are expanded),
/// i1 as one byte per element.
std::optional<std::vector<char>> getRawBytes(mlir::ElementsAttr attr);

/// Element count above which constants are stored as dense_resource blobs.
constexpr int64_t kResourceThreshold = 16;

} // namespace qcc

#endif // QCC_DIALECT_CONSTANTDATA_H
