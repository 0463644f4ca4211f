//===- Observers.h - calibration statistics and range choice ---*- C++ -*-===//
//
// This file declares the statistics calibration keeps per float tensor
// (running min/max, fixed-range histograms) and the four ways of choosing a
// quantization range from them: minmax, percentile, entropy (KL divergence,
// as TensorRT does) and mse (minimum expected 8-bit quantization error).
// Formulas and rationale: docs/Calibration.md.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_CALIBRATION_OBSERVERS_H
#define QCC_CALIBRATION_OBSERVERS_H

#include "llvm/ADT/StringRef.h"
#include <cstdint>
#include <optional>
#include <vector>

namespace qcc::calib {

/// How a tensor's range is chosen from its statistics.
enum class CalibMethod { MinMax, Percentile, Entropy, Mse };

/// Parses `minmax|percentile|entropy|mse`.
std::optional<CalibMethod> parseCalibMethod(llvm::StringRef name);
/// The `-calib-method` spelling of `method`.
llvm::StringRef calibMethodName(CalibMethod method);

/// Bins of every histogram (TensorRT's entropy calibrator uses 2048 too).
constexpr unsigned kHistogramBins = 2048;

/// Running minimum and maximum of the finite elements of a tensor.
struct MinMaxStats {
  float min = 0, max = 0;
  uint64_t count = 0;     ///< finite elements seen
  uint64_t nonFinite = 0; ///< NaN/Inf elements seen (ignored)

  void update(const float *data, int64_t n);
  void merge(const MinMaxStats &other);
};

/// A histogram with a fixed range, chosen from the min/max pass. Exact zeros
/// are also counted separately: they are represented exactly by any range
/// that contains zero, so mse and entropy leave them out of the error terms.
struct Histogram {
  double lo = 0, hi = 0; ///< range covered by the bins
  /// Bin |x| over [0, hi] instead of x over [lo, hi]; zeros are then not
  /// binned at all (entropy).
  bool magnitude = false;
  std::vector<uint64_t> counts;
  uint64_t zeros = 0;

  /// Sets the range and clears the counts.
  void reset(double lo, double hi, bool magnitude,
             unsigned bins = kHistogramBins);
  /// Adds the finite elements of `data` (values outside the range, which the
  /// min/max pass rules out, land in the end bins).
  void update(const float *data, int64_t n);
  void merge(const Histogram &other);
  double binWidth() const { return (hi - lo) / counts.size(); }
};

/// A chosen range.
struct Range {
  double lo = 0, hi = 0;
};

/// Clips each tail at `percentile` (in (50, 100]): `lo` is the
/// (100 - percentile)-th percentile of x and `hi` the percentile-th, read
/// from the signed histogram with linear interpolation inside a bin.
Range percentileRange(const Histogram &h, double min, double max,
                      double percentile);

/// TensorRT's entropy calibration on the magnitude histogram: the threshold
/// T (a bin edge at or above bin `levels`) whose clipped distribution,
/// merged into `levels` quantization bins, has the smallest KL divergence
/// from the original. Returns T.
double entropyThreshold(const Histogram &magnitudes, unsigned levels);

/// The range [a, b] (a <= 0 <= b, both bin edges or 0) that minimizes the
/// expected squared error of an asymmetric `levels`-level quantizer on the
/// signed histogram: rounding noise step^2/12 for the non-zero elements
/// inside, squared clipping distance for those outside. Exhaustive search
/// over all edge pairs with prefix sums. The result is intersected with
/// [min, max].
Range mseRange(const Histogram &h, double min, double max,
               unsigned levels = 256);

} // namespace qcc::calib

#endif // QCC_CALIBRATION_OBSERVERS_H
