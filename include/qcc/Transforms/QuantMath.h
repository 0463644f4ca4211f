//===- QuantMath.h - the arithmetic of qcc's quantizers ---------*- C++ -*-===//
//
// This file declares the numeric rules qcc's quantization passes use to turn
// float weights and calibrated ranges into quantized values and parameters
// (docs/Quantization.md). qcc-quantize and qcc-quantize-weights call these
// functions, and the sensitivity engine (lib/Calibration/Sensitivity.cpp)
// calls the same ones to simulate a precision without rewriting the IR, so
// a simulated layer is bit for bit what the passes would produce.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_TRANSFORMS_QUANTMATH_H
#define QCC_TRANSFORMS_QUANTMATH_H

#include "Qcc/QccOps.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace qcc::quant_math {

/// Rounds half to even (the rounding qcc.quantize uses).
double roundEven(double x);

/// Per-tensor activation parameters: `q = clamp(roundeven(x / scale) +
/// zeroPoint, qmin, qmax)`.
struct ActivationParams {
  double scale = 1.0; ///< already rounded to f32 (as the quant type stores it)
  int64_t zeroPoint = 0;
  int64_t qmin = 0, qmax = 255;
  bool isSigned = false;
};

/// Activation parameters for the calibrated range [lo, hi]: asymmetric u8
/// (`asU8`), or symmetric s8 (zero point 0; the type's storage range is
/// [-128, 127], values of the range map into [-127, 127]). The range is
/// widened to contain 0 so that zero (padding, ReLU's floor) is exact.
ActivationParams activationParams(double lo, double hi, bool asU8);

/// Quantizes then dequantizes one activation value with `p`, computing in
/// f32 as the lowered qcc.quantize / qcc.dequantize do.
float fakeQuantActivation(float x, const ActivationParams &p);

/// Per-output-channel symmetric int8 weights.
struct Int8Weights {
  std::vector<double> scales;  ///< per channel, rounded to f32
  std::vector<int64_t> values; ///< in [-127, 127], same layout as the input
};

/// Quantizes `w` per output channel, symmetric in [-127, 127]: the channel
/// of element i is (i / inner) % channels (`inner`: the product of the
/// dimensions after the channel axis). scale = absmax / 127 rounded to f32
/// (1 for an all-zero channel); q = clamp(roundeven(w / scale)).
Int8Weights quantizeInt8PerChannel(llvm::ArrayRef<double> w, int64_t channels,
                                   int64_t inner);

/// Quantizes a per-channel bias to int32 at scale inputScale * scales[c].
/// Returns none when a value does not fit in int32 (the layer then keeps its
/// float bias). `biasScales` receives the per-channel scales.
std::optional<std::vector<int64_t>>
quantizeBiasInt32(llvm::ArrayRef<double> bias, double inputScale,
                  llvm::ArrayRef<double> weightScales,
                  std::vector<double> &biasScales);

/// Rounds `v` to the nearest value of `semantics` (ties to even), saturating
/// finite values at the largest finite value instead of overflowing to
/// infinity (infinities and NaNs stay what they are).
double roundToFormat(double v, const llvm::fltSemantics &semantics);

/// Quantizes one int4 group `w` to values `q` in [-8, 7] and returns its f16
/// scale (0 for an all-zero group or one whose scale underflows f16): the
/// scale absmax / m, m in {7, 7.25, ..., 10.75}, rounded to f16, that
/// minimizes sum((q * s - w)^2), with q = clamp(round(w / s), -8, 7) (round
/// half away from zero).
double quantizeInt4Group(llvm::ArrayRef<double> w,
                         llvm::MutableArrayRef<int8_t> q);

/// The int4 group length for reduction vectors of `k` elements and the
/// requested `groupSize`: short rows (a depthwise 3x3 filter) use one group
/// of k rounded up to even instead of padding to the full group size.
int64_t int4GroupLength(int64_t k, int64_t groupSize);

/// The weights a layer computes with when its weight `w` (shape `shape`,
/// output channels along `axis`: 0 for conv, 1 for a [K, N] matmul) is
/// stored at `precision`, as f32: f16/bf16 rounding, int8 per-channel
/// dequantized as qcc.dequantize computes it, int4 groups dequantized as
/// qcc.dequantize_int4 does. f32 returns the weights unchanged. When
/// `int8Scales` is given it receives the int8 per-channel scales.
std::vector<float> simulateWeights(llvm::ArrayRef<double> w,
                                   llvm::ArrayRef<int64_t> shape, int64_t axis,
                                   Precision precision, int64_t int4GroupSize,
                                   std::vector<double> *int8Scales = nullptr);

/// The bias an int8 layer computes with: quantized to int32 at
/// inputScale * weightScales[c] and dequantized in f32, or the float bias
/// when a value does not fit.
std::vector<float> simulateInt8Bias(llvm::ArrayRef<double> bias,
                                    double inputScale,
                                    llvm::ArrayRef<double> weightScales);

} // namespace qcc::quant_math

#endif // QCC_TRANSFORMS_QUANTMATH_H
