//===- Compiler.h - the qcc compilation driver -----------------*- C++ -*-===//
//
// This file declares the library behind the `qcc` and `qcc-run` tools: the
// command-line options shared by both, and one function that compiles an
// ONNX model into in-memory artifacts (object or text, and the C header).
//
//===----------------------------------------------------------------------===//

#ifndef QCC_DRIVER_COMPILER_H
#define QCC_DRIVER_COMPILER_H

#include "qcc/Calibration/Calibrate.h"
#include "qcc/Mixed/Budgets.h"
#include "qcc/Mixed/Mixed.h"
#include "qcc/Runtime/ModelSignature.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/LLVM.h"
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace qcc {

enum class EmitKind { Import, Mlir, Linalg, Llvm, Asm, Obj, Header };

/// Uniform precision for every conv/matmul layer (docs/Quantization.md).
enum class QuantMode { None, FP16, BF16, Int8, Int4W, Mixed };

struct CompileOptions {
  std::string inputPath;
  std::string outputPath; ///< empty: derived from the input (see docs/CLI.md)
  EmitKind emit = EmitKind::Obj;
  std::string target = "generic";
  std::string mtriple, mcpu, mattr;
  unsigned optLevel = 3;
  std::string name; ///< symbol prefix; empty: from the output file stem
  std::map<std::string, std::vector<int64_t>> inputShapes;
  bool forceText = false;
  QuantMode quant = QuantMode::None;
  std::string reportPath; ///< -report=FILE.json; empty: no report
  /// Calibration (docs/Calibration.md): -calib sample source (a folder, an
  /// .npz/.npy/.pb file or "random"); empty: no calibration.
  std::string calibPath;
  CalibMethod calibMethod = kDefaultCalibMethod;
  double calibPercentile = kDefaultCalibPercentile;
  int64_t calibMaxSamples = 0; ///< 0: all samples
  uint64_t calibSeed = 0;
  /// -dump-sensitivity=FILE.json (developer option); empty: none.
  std::string dumpSensitivityPath;
  /// int4w: reduction elements per scale group.
  int64_t int4Group = 32;
  /// int8: activation storage, "auto", "u8" or "s8".
  std::string int8Activations = "auto";
  /// -quant=mixed (docs/MixedPrecision.md): candidate precisions, budgets,
  /// layers kept float, samples per sensitivity probe.
  std::vector<Precision> quantCandidates;
  std::optional<mixed::ResourceBudget> sizeBudget, latencyBudget;
  std::optional<mixed::ErrorBudget> maxError;
  std::vector<std::string> keepFloat;
  int64_t sensitivitySamples = 32;
  /// -plan=FILE.json: a mixed-precision plan to apply (one precision per
  /// layer, docs/MixedPrecision.md "Applying a plan"); empty: none.
  std::string planPath;
};

struct CompileArtifacts {
  ModelSignature signature;
  /// Main output: object bytes, assembly, LLVM IR or MLIR text.
  std::string output;
  /// Text of the C header (set for Obj and Header).
  std::string header;
  /// The -report JSON (set when CompileOptions::reportPath is).
  std::string report;
};

/// Registers the shared command-line options (call before parsing).
void registerCompilerCLOptions();

/// Reads the shared options after llvm::cl parsing; reports bad values with a
/// one-line error on stderr and returns failure.
mlir::FailureOr<CompileOptions> getCompilerOptionsFromCL();

/// Parses one `name=1x3x224x224` shape pin into `shapes`.
mlir::LogicalResult parseInputShape(llvm::StringRef spec,
                                    std::map<std::string, std::vector<int64_t>> &shapes,
                                    std::string &error);

/// Compiles the model described by `options`. Diagnostics are printed on
/// stderr as one line each, naming the file and ONNX node.
mlir::LogicalResult compileModel(const CompileOptions &options,
                                 CompileArtifacts &artifacts);

/// The -quant spelling of `mode`.
llvm::StringRef quantModeName(QuantMode mode);

/// Default output path and symbol prefix for `options`.
std::string defaultOutputPath(const CompileOptions &options);
std::string defaultModelName(const CompileOptions &options,
                             llvm::StringRef outputPath);

/// Writes `contents` to `path` through a temporary file and a rename, so a
/// failed compile never leaves a partial file; "-" is stdout.
mlir::LogicalResult writeOutputAtomically(llvm::StringRef path,
                                          llvm::StringRef contents);

} // namespace qcc

#endif // QCC_DRIVER_COMPILER_H
