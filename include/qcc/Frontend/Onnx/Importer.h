//===- Importer.h - ONNX to qcc dialect importer ---------------*- C++ -*-===//
//
// This file declares the ONNX frontend: binary .onnx or ONNX textual syntax
// in, a module holding one `func.func @main` in the qcc dialect out.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_FRONTEND_ONNX_IMPORTER_H
#define QCC_FRONTEND_ONNX_IMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"
#include <map>
#include <string>
#include <vector>

namespace qcc {

struct OnnxImportOptions {
  /// Shapes pinned by `-input-shape name=1x3x224x224`, by graph input name.
  /// They override symbolic (and, when they agree in rank, fixed) dims.
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// Parse the file as ONNX textual syntax instead of a binary ModelProto.
  /// When unset, files ending in `.onnxtxt` or `.txt` are parsed as text.
  bool forceText = false;
};

/// Imports the model at `path`. On failure, diagnostics have been emitted on
/// `context` (each naming the file and the ONNX node) and null is returned.
///
/// The result holds `func.func @main` whose arguments and results carry the
/// ONNX graph input/output names as `qcc.name` string attributes, in graph
/// order. Initializers become `qcc.constant dense_resource<...>`; every op's
/// location is `NameLoc(node name, FileLineColLoc(file basename, 0, 0))`.
mlir::OwningOpRef<mlir::ModuleOp>
importOnnxFile(mlir::MLIRContext &context, llvm::StringRef path,
               const OnnxImportOptions &options);

} // namespace qcc

#endif // QCC_FRONTEND_ONNX_IMPORTER_H
