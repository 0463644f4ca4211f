//===- ObjectEmitter.h - LLVM dialect to machine code ----------*- C++ -*-===//
//
// This file declares the last stage of CPU compilation: the LLVM-dialect
// module becomes an llvm::Module with the C entry points, is optimized, and is
// emitted as an object file or assembly.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_TARGET_OBJECTEMITTER_H
#define QCC_TARGET_OBJECTEMITTER_H

#include "qcc/Runtime/ModelSignature.h"
#include "qcc/Target/TargetInfo.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"

namespace qcc {

/// Translates `module` (LLVM dialect only) to LLVM IR for `tm`, adds the ABI
/// entry points around the function `implName`, sets per-function target
/// attributes (CPU, features, preferred vector width), runs LLVM's
/// optimization pipeline at `optLevel` and then rewrites the IR patterns that
/// the target's LLVM code generator is known to miscompile.
llvm::Expected<std::unique_ptr<llvm::Module>>
translateAndOptimize(mlir::ModuleOp module, llvm::LLVMContext &context,
                     llvm::TargetMachine &tm, const TargetSpec &spec,
                     const ModelSignature &sig, llvm::StringRef implName,
                     unsigned optLevel);

/// Emits `module` as an ELF object (or assembly text) into a string.
llvm::Expected<std::string> emitMachineCode(llvm::Module &module,
                                            llvm::TargetMachine &tm,
                                            bool assembly);

} // namespace qcc

#endif // QCC_TARGET_OBJECTEMITTER_H
