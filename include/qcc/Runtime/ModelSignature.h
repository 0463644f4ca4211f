//===- ModelSignature.h - the compiled model's C interface -----*- C++ -*-===//
//
// This file declares the description of a compiled model's inputs and outputs
// and the two artifacts built from it: the C header (model.h) and the C entry
// points added to the LLVM module (see docs/ABI.md).
//
//===----------------------------------------------------------------------===//

#ifndef QCC_RUNTIME_MODELSIGNATURE_H
#define QCC_RUNTIME_MODELSIGNATURE_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/IR/Module.h"
#include <string>
#include <vector>

namespace qcc {

/// ABI version written into every header and info struct (docs/ABI.md).
constexpr unsigned kAbiVersion = 1;

/// Element types at the ABI boundary; values are the QCC_DTYPE_* codes.
enum class DType : int {
  F32 = 1, F16 = 2, BF16 = 3, F64 = 4, I8 = 5, U8 = 6, I16 = 7, U16 = 8,
  I32 = 9, U32 = 10, I64 = 11, U64 = 12, Bool = 13
};

struct TensorSignature {
  std::string name;  ///< ONNX name
  std::string cName; ///< C identifier used for the typed parameter
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  int64_t numElements() const;
  int64_t byteSize() const;
};

struct ModelSignature {
  std::string prefix; ///< symbol prefix (-name)
  std::vector<TensorSignature> inputs, outputs;
  int64_t scratchSize = 0;
};

/// Short dtype name ("float32", "uint8", ...), as numpy spells it.
const char *dtypeName(DType t);
/// Bytes per element.
int64_t dtypeSize(DType t);
/// The C type used in the header ("float", "uint16_t" for f16/bf16 bits, ...).
const char *dtypeCType(DType t);

/// Reads names, dtypes and shapes from the qcc-level entry function (before
/// lowering); names come from `qcc.name` argument/result attributes.
mlir::FailureOr<ModelSignature> extractSignature(mlir::func::FuncOp func,
                                                 llvm::StringRef prefix);

/// Turns an arbitrary string into a C identifier (invalid characters become
/// '_', a leading digit gets a '_' prefix).
std::string sanitizeIdentifier(llvm::StringRef name);

/// Returns the text of the C99 header for `sig`.
std::string emitHeader(const ModelSignature &sig);

/// Adds `<prefix>_run`, `<prefix>_run_array`, `<prefix>_scratch_size` and
/// `<prefix>_info` to `module`, calling `impl` (inputs, outputs, scratch as
/// bare pointers), and gives `impl` internal linkage.
llvm::Error addEntryPoints(llvm::Module &module, llvm::Function *impl,
                           const ModelSignature &sig);

} // namespace qcc

#endif // QCC_RUNTIME_MODELSIGNATURE_H
