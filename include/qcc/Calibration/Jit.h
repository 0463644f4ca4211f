//===- Jit.h - host JIT of instrumented models ------------------*- C++ -*-===//
//
// This file declares the JIT path that calibration and the sensitivity
// engine share: a clone of the model, rewritten for what they observe, is
// lowered with the compiler's own CPU pipeline for the host, translated with
// the driver's LLVM path and compiled by MLIR's ExecutionEngine; the host
// then calls the model's `<prefix>_run_array` C entry point.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_CALIBRATION_JIT_H
#define QCC_CALIBRATION_JIT_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"

#include <cstdint>
#include <cstdlib>
#include <memory>

namespace qcc::calib {

/// A JIT-compiled model.
struct JitModel {
  using RunArrayFn = int (*)(const void *, const void *const *, void *const *);
  std::unique_ptr<mlir::ExecutionEngine> engine;
  RunArrayFn runArray = nullptr;
  /// Bytes of scratch arena the model needs.
  int64_t scratchSize = 0;

  /// The size of the scratch buffer to allocate (64-byte aligned, at least
  /// 64 bytes).
  size_t scratchBytes() const;
  /// Runs the model once: `scratch` is a 64-byte aligned buffer of
  /// scratchBytes(); inputs and outputs follow the ABI (docs/ABI.md).
  /// Returns the model's status (0: success).
  int run(void *scratch, const void *const *inputs, void *const *outputs) const;
};

/// Frees memory from std::aligned_alloc.
struct FreeDeleter {
  void operator()(void *p) const { std::free(p); }
};
using AlignedBuffer = std::unique_ptr<void, FreeDeleter>;
/// A 64-byte aligned buffer of `bytes` (rounded up to 64).
AlignedBuffer allocateAligned(size_t bytes);

/// Makes `fn` (the @main of a clone) the JIT entry: bool arguments cross
/// the interface as bytes, results are named t0, t1, ..., arguments are
/// read-only for bufferization, and the function (and its uses) is renamed
/// `<prefix>__impl`. Its results must be statically shaped tensors.
mlir::LogicalResult prepareJitEntry(mlir::func::FuncOp fn,
                                    llvm::StringRef prefix);

/// Lowers `module` (whose entry was prepared with `prefix`) with the CPU
/// pipeline for the host and JIT-compiles it. `what` names the client in
/// error messages ("calibration", "sensitivity"), which are emitted at
/// `loc`. `module` is lowered in place.
mlir::FailureOr<JitModel> jitCompileForHost(mlir::ModuleOp module,
                                            llvm::StringRef prefix,
                                            mlir::Location loc,
                                            llvm::StringRef what);

} // namespace qcc::calib

#endif // QCC_CALIBRATION_JIT_H
