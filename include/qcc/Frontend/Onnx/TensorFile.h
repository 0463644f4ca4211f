//===- TensorFile.h - ONNX TensorProto files -------------------*- C++ -*-===//
//
// This file declares reading a serialized onnx.TensorProto (.pb), the format
// of ONNX's test data sets (test_data_set_N/input_K.pb), for calibration
// samples.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_FRONTEND_ONNX_TENSORFILE_H
#define QCC_FRONTEND_ONNX_TENSORFILE_H

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Types.h"
#include "llvm/Support/Error.h"
#include <string>
#include <vector>

namespace qcc {

/// A tensor read from a TensorProto file.
struct OnnxTensorFile {
  std::string name;        ///< TensorProto.name (may be empty)
  mlir::Type elementType;  ///< signless MLIR element type (bool is i1)
  bool isUnsigned = false; ///< the ONNX type is an unsigned integer
  std::vector<int64_t> shape;
  std::vector<char> data; ///< C-order little-endian bytes, bool as 1 byte
};

/// Reads one binary TensorProto from `path`. Raw and typed data fields are
/// decoded, and external data is resolved relative to the file's folder.
/// Errors name the file.
llvm::Expected<OnnxTensorFile> readOnnxTensorFile(mlir::MLIRContext &context,
                                                  llvm::StringRef path);

} // namespace qcc

#endif // QCC_FRONTEND_ONNX_TENSORFILE_H
