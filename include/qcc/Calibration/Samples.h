//===- Samples.h - calibration sample sets ---------------------*- C++ -*-===//
//
// This file declares how calibration samples are read (a folder of .npy or
// TensorProto .pb files, an .npz archive, a single file, or random data),
// matched to the model's inputs by name, and grouped into batch-sized runs
// of the compiled model. The rules are documented in docs/Calibration.md.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_CALIBRATION_SAMPLES_H
#define QCC_CALIBRATION_SAMPLES_H

#include "qcc/Runtime/ModelSignature.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/Error.h"
#include <string>
#include <vector>

namespace qcc::calib {

/// A model input as calibration sees it.
struct ModelInput {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;

  /// The leading (batch) dimension: how many samples one run takes (1 for a
  /// scalar input).
  int64_t batch() const;
  /// Shape of one sample: the input's shape without its leading dimension.
  std::vector<int64_t> sampleShape() const;
  /// Bytes of one sample.
  int64_t sampleBytes() const;
};

/// The DType of an element type (signless integers are unsigned when
/// `isUnsigned`); none for types that cannot cross the model's interface.
std::optional<DType> dtypeOf(mlir::Type type, bool isUnsigned);

/// The inputs of `fn` as samples must provide them (names from `qcc.name`).
/// An input that is not a statically shaped tensor of a supported element
/// type is an error at `fn`, prefixed with `what` ("calibration", ...).
mlir::FailureOr<std::vector<ModelInput>> modelInputs(mlir::func::FuncOp fn,
                                                     llvm::StringRef what);

/// Number of runs of a model whose input takes `batch` samples per run, for
/// `numSamples` samples: ceil(numSamples / batch).
int64_t numRuns(int64_t numSamples, int64_t batch);

/// The sample that fills slot `slot` (< batch) of run `run`: sample
/// run * batch + slot, wrapping around to the first samples when the last
/// run is not full (the remainder is padded by repeating samples from the
/// start, never dropped).
int64_t sampleForSlot(int64_t run, int64_t slot, int64_t numSamples,
                      int64_t batch);

/// The samples of every model input, in memory.
class SampleSet {
public:
  /// Reads the samples at `source` (a folder, an .npz, .npy or .pb file) for
  /// `inputs`. Errors name the file and the input.
  static llvm::Expected<SampleSet> load(mlir::MLIRContext &context,
                                        llvm::StringRef source,
                                        llvm::ArrayRef<ModelInput> inputs);

  /// `count` random samples per input: standard normal floats from a
  /// 64-bit Mersenne Twister seeded with `seed` (Box-Muller, so the values
  /// do not depend on the C++ library). Only float inputs can be generated.
  static llvm::Expected<SampleSet> random(llvm::ArrayRef<ModelInput> inputs,
                                          int64_t count, uint64_t seed);

  /// The samples of a -calib source: `random` gives `maxSamples` (or
  /// `defaultRandom` when it is 0) random samples with `seed`; anything else
  /// is loaded. At most `maxSamples` are kept (0: all).
  static llvm::Expected<SampleSet>
  fromSource(mlir::MLIRContext &context, llvm::StringRef source,
             llvm::ArrayRef<ModelInput> inputs, int64_t maxSamples,
             uint64_t seed, int64_t defaultRandom);

  /// Samples per input (the same for every input).
  int64_t numSamples() const { return count; }
  /// Keeps only the first `n` samples.
  void truncate(int64_t n) { count = std::min(count, n); }
  /// Samples per run (the inputs' common leading dimension).
  int64_t batch() const { return inputs.front().input.batch(); }
  /// Number of batch-sized runs that cover every sample.
  int64_t numRuns() const;
  /// Copies the inputs of run `run` into `buffers` (one per input, each of
  /// the input's full size).
  void fillRun(int64_t run, llvm::ArrayRef<char *> buffers) const;

private:
  struct Chunk {
    std::vector<char> data; ///< samples back to back
    int64_t numSamples = 0;
  };
  struct InputSamples {
    ModelInput input;
    std::vector<Chunk> chunks;
    std::vector<int64_t> starts; ///< index of each chunk's first sample
    int64_t numSamples = 0;
  };
  /// Adds an array read from `file` (named `name` there) to `inputs`.
  llvm::Error addArray(llvm::StringRef file, llvm::StringRef name, DType dtype,
                       llvm::ArrayRef<int64_t> shape, std::vector<char> data);
  const char *sample(const InputSamples &in, int64_t index) const;

  std::vector<InputSamples> inputs;
  int64_t count = 0;
};

} // namespace qcc::calib

#endif // QCC_CALIBRATION_SAMPLES_H
