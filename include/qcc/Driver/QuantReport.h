//===- QuantReport.h - the quantization report -----------------*- C++ -*-===//
//
// The per-layer quantization report (`-report=FILE.json`) and the one-screen
// summary qcc prints after quantizing. Both are read off the IR after the
// quantization passes, so they describe what is compiled, not an intent.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_DRIVER_QUANTREPORT_H
#define QCC_DRIVER_QUANTREPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace qcc {

/// Totals for the summary.
struct QuantTotals {
  int64_t layers = 0;
  std::map<std::string, int64_t> byPrecision;
  /// Reason -> number of layers left in float for it.
  std::map<std::string, int64_t> skipped;
  int64_t weightBytesFp32 = 0; ///< conv/matmul weights + biases as f32
  int64_t weightBytes = 0;     ///< the same layers as compiled
  int64_t constantBytesBefore = 0; ///< every constant, before quantization
  int64_t constantBytesAfter = 0;  ///< every constant, after
};

/// Bytes of every qcc.constant in `module` (the data that lands in .rodata).
int64_t constantBytes(mlir::ModuleOp module);

/// Builds the JSON report of the layers in `module` (after the quantization
/// passes, before qcc-fuse-qdq or after it) and fills `totals`.
std::string buildQuantReport(mlir::ModuleOp module, llvm::StringRef modelPath,
                             llvm::StringRef target, llvm::StringRef mode,
                             QuantTotals &totals);

/// Prints the one-screen summary; `objectBytes` < 0 when no object was made.
void printQuantSummary(llvm::raw_ostream &os, llvm::StringRef mode,
                       const QuantTotals &totals, int64_t objectBytes);

} // namespace qcc

#endif // QCC_DRIVER_QUANTREPORT_H
