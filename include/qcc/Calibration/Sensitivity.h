//===- Sensitivity.h - per-layer precision sensitivity ----------*- C++ -*-===//
//
// This file declares the sensitivity engine of `-quant=mixed`
// (docs/MixedPrecision.md): for each layer and candidate precision, the
// error of the model's outputs when only that layer is at that precision,
// measured on the calibration samples against the all-float outputs; and
// the error of a whole plan.
//
// The engine compiles one probe model per module: a clone of @main in which
// every layer's weight (and, for int8 candidates, its bias) is an extra
// argument, and every int8-capable layer's input (and output, where a plan
// can quantize it) passes through a fake quantizer with the parameters
// qcc-quantize would use, gated by a run-time switch. Probing a candidate is
// then a matter of pointing the weight argument at simulated weights
// (QuantMath.h) and flipping switches: no recompilation per probe.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_CALIBRATION_SENSITIVITY_H
#define QCC_CALIBRATION_SENSITIVITY_H

#include "qcc/Mixed/Mixed.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace qcc {

struct SensitivityOptions {
  /// -calib source: a folder, an .npz/.npy/.pb file, or "random".
  std::string source;
  /// Use at most this many samples (0: all; random: kDefaultRandomSamples).
  int64_t maxSamples = 0;
  /// Seed of "random" (the calibration's, so the samples are the same).
  uint64_t seed = 0;
  /// Worker threads (0: one per core, at most 8).
  unsigned threads = 0;
  /// int8 activations: asymmetric u8 (x86) or symmetric s8 (AArch64).
  bool asU8 = true;
  /// int4 weights: reduction elements per scale group.
  int64_t int4Group = 32;
  /// The error metric. Auto: KL when every float output of the model is a
  /// softmax (probabilities), relative MSE otherwise.
  enum class Metric { Auto, Mse, Kl } metric = Metric::Auto;
  /// Draw a progress bar on stderr.
  bool progress = false;
};

struct SensitivityResult {
  /// "mse" (relative noise power) or "kl" (mean KL divergence per row).
  std::string metric;
  /// error[layer id][candidate] for each candidate in the layer's `allowed`
  /// (f32: 0).
  std::vector<std::map<Precision, double>> error;
  int64_t samples = 0;
  /// Probes run: (layer, non-f32 candidate) pairs.
  int64_t probes = 0;
  /// Wall time of measure() (the JIT compile excluded: see
  /// SensitivityEngine::compileSeconds).
  double seconds = 0;
};

class SensitivityEngine {
public:
  /// Builds and JIT-compiles the probe model and loads the samples.
  /// `module`: after calibration (`qcc.calib_range` annotated) and
  /// collectLayers (`qcc.layer_id` stamped); `layers` as collectLayers
  /// returned them. `module` is not modified. Errors are emitted as
  /// diagnostics.
  static mlir::FailureOr<std::unique_ptr<SensitivityEngine>>
  create(mlir::ModuleOp module, llvm::ArrayRef<mixed::Layer> layers,
         const SensitivityOptions &options);

  /// Runs the reference (all-float) pass and every probe.
  mlir::FailureOr<SensitivityResult> measure();

  /// Simulated error (the same metric) of a whole plan, plan[layer id], on
  /// the same samples: int8 layers quantize their inputs, and their outputs
  /// where qcc-quantize would (read by another int8 layer), exactly as the
  /// quantization passes would. Runs the reference pass first if measure()
  /// has not.
  mlir::FailureOr<double> evaluate(llvm::ArrayRef<Precision> plan);

  /// Seconds spent building and JIT-compiling the probe model in create().
  double compileSeconds() const;
  /// The metric in use ("mse" or "kl").
  llvm::StringRef metric() const;

  ~SensitivityEngine();

  struct Impl;

private:
  explicit SensitivityEngine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl;
};

} // namespace qcc

#endif // QCC_CALIBRATION_SENSITIVITY_H
