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
/// location is `NameLoc(node name, FileLineColLoc(file basename, 0, 0))`
/// (ops that one ONNX node expands to all carry that node's location).
///
/// Element types are signless (`uint8` is `i8`, `bool` is `i1`). Where the
/// ONNX sign matters it is recorded as a unit attribute: `qcc.unsigned` on
/// `@main`'s arguments and results of unsigned ONNX types, and
/// `unsigned_input` / `unsigned_result` on a `qcc.cast` whose source /
/// destination ONNX type is unsigned (extui / uitofp / fptoui semantics).
///
/// Shapes are static: shape-computing subgraphs are evaluated at import,
/// and operands that must be known (Reshape's shape, Slice's starts, ...)
/// must fold to constants.
///
/// Ops without a handler are expanded when the model defines them as a
/// function, or when ONNX defines a function body for them; an `If` whose
/// condition folds imports its taken branch.
mlir::OwningOpRef<mlir::ModuleOp>
importOnnxFile(mlir::MLIRContext &context, llvm::StringRef path,
               const OnnxImportOptions &options);

} // namespace qcc

#endif // QCC_FRONTEND_ONNX_IMPORTER_H
