//===- QuantMath.cpp - the arithmetic of qcc's quantizers -----------------===//
//
// This file implements the numeric rules of qcc-quantize (int8 activations,
// per-channel int8 weights, int32 biases) and qcc-quantize-weights (f16 /
// bf16 rounding, int4 groups), and their simulation in f32 for the
// sensitivity engine. See QuantMath.h.
//
//===----------------------------------------------------------------------===//

#include "qcc/Transforms/QuantMath.h"

#include "llvm/ADT/SmallVector.h"

#include <algorithm>
#include <cmath>

namespace qcc::quant_math {

double roundEven(double x) { return std::nearbyint(x); }

ActivationParams activationParams(double lo, double hi, bool asU8) {
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  ActivationParams p;
  if (asU8) {
    double scale = (hi - lo) / 255.0;
    if (!(scale > 0) || !std::isfinite(scale))
      scale = 1.0;
    // Stored as f32 by the type; keep the zero point consistent with it.
    p.scale = (float)scale;
    p.zeroPoint =
        std::clamp<int64_t>((int64_t)roundEven(-lo / p.scale), 0, 255);
    p.qmin = 0;
    p.qmax = 255;
    p.isSigned = false;
    return p;
  }
  double scale = std::max(-lo, hi) / 127.0;
  if (!(scale > 0) || !std::isfinite(scale))
    scale = 1.0;
  p.scale = (float)scale;
  p.zeroPoint = 0;
  p.qmin = -128;
  p.qmax = 127;
  p.isSigned = true;
  return p;
}

float fakeQuantActivation(float x, const ActivationParams &p) {
  float scale = (float)p.scale;
  float v = std::nearbyint(x / scale) + (float)p.zeroPoint;
  v = std::min(std::max(v, (float)p.qmin), (float)p.qmax);
  return (float)((int64_t)v - p.zeroPoint) * scale;
}

Int8Weights quantizeInt8PerChannel(llvm::ArrayRef<double> w, int64_t channels,
                                   int64_t inner) {
  auto channelOf = [&](size_t i) { return (int64_t)(i / inner) % channels; };
  std::vector<double> absMax(channels, 0.0);
  for (size_t i = 0; i < w.size(); ++i)
    absMax[channelOf(i)] = std::max(absMax[channelOf(i)], std::fabs(w[i]));
  Int8Weights r;
  r.scales.resize(channels);
  for (int64_t ch = 0; ch < channels; ++ch) {
    double s = absMax[ch] / 127.0;
    // An all-zero channel quantizes to zeros at any scale.
    r.scales[ch] = (s > 0 && std::isfinite(s)) ? (double)(float)s : 1.0;
  }
  r.values.resize(w.size());
  for (size_t i = 0; i < w.size(); ++i)
    r.values[i] = std::clamp<int64_t>(
        (int64_t)roundEven(w[i] / r.scales[channelOf(i)]), -127, 127);
  return r;
}

std::optional<std::vector<int64_t>>
quantizeBiasInt32(llvm::ArrayRef<double> bias, double inputScale,
                  llvm::ArrayRef<double> weightScales,
                  std::vector<double> &biasScales) {
  size_t channels = weightScales.size();
  biasScales.resize(channels);
  std::vector<int64_t> q(channels);
  bool fits = true;
  for (size_t ch = 0; ch < channels; ++ch) {
    biasScales[ch] = inputScale * weightScales[ch];
    double v = roundEven(bias[ch] / biasScales[ch]);
    if (!(std::fabs(v) < 2147483647.0))
      fits = false;
    else
      q[ch] = (int64_t)v;
  }
  if (!fits)
    return std::nullopt;
  return q;
}

double roundToFormat(double v, const llvm::fltSemantics &semantics) {
  llvm::APFloat largest = llvm::APFloat::getLargest(semantics);
  bool ignored;
  largest.convert(llvm::APFloat::IEEEdouble(),
                  llvm::APFloat::rmNearestTiesToEven, &ignored);
  double max = largest.convertToDouble();
  if (std::isfinite(v))
    v = std::clamp(v, -max, max);
  llvm::APFloat f(v);
  f.convert(semantics, llvm::APFloat::rmNearestTiesToEven, &ignored);
  f.convert(llvm::APFloat::IEEEdouble(), llvm::APFloat::rmNearestTiesToEven,
            &ignored);
  return f.convertToDouble();
}

double quantizeInt4Group(llvm::ArrayRef<double> w,
                         llvm::MutableArrayRef<int8_t> q) {
  double absmax = 0;
  for (double v : w)
    absmax = std::max(absmax, std::fabs(v));
  std::fill(q.begin(), q.end(), 0);
  if (absmax == 0)
    return 0;
  double bestScale = 0, bestError = 0;
  llvm::SmallVector<int8_t, 128> trial(w.size());
  for (int i = 0; i < 16; ++i) {
    double s =
        roundToFormat(absmax / (7.0 + 0.25 * i), llvm::APFloat::IEEEhalf());
    if (s == 0)
      continue;
    double error = 0;
    for (size_t j = 0; j < w.size(); ++j) {
      double r = std::clamp(std::round(w[j] / s), -8.0, 7.0);
      trial[j] = static_cast<int8_t>(r);
      double d = r * s - w[j];
      error += d * d;
    }
    if (bestScale == 0 || error < bestError) {
      bestScale = s;
      bestError = error;
      std::copy(trial.begin(), trial.end(), q.begin());
    }
  }
  return bestScale;
}

int64_t int4GroupLength(int64_t k, int64_t groupSize) {
  int64_t g = std::min<int64_t>(groupSize, (k + 1) / 2 * 2);
  return std::max<int64_t>(g, 2);
}

std::vector<float> simulateWeights(llvm::ArrayRef<double> w,
                                   llvm::ArrayRef<int64_t> shape, int64_t axis,
                                   Precision precision, int64_t int4GroupSize,
                                   std::vector<double> *int8Scales) {
  std::vector<float> out(w.size());
  int64_t rows = shape.empty() ? 1 : shape[axis];
  int64_t inner = 1;
  for (size_t d = axis + 1; d < shape.size(); ++d)
    inner *= shape[d];
  switch (precision) {
  case Precision::f32:
    for (size_t i = 0; i < w.size(); ++i)
      out[i] = (float)w[i];
    break;
  case Precision::f16:
  case Precision::bf16: {
    const llvm::fltSemantics &sem = precision == Precision::f16
                                        ? llvm::APFloat::IEEEhalf()
                                        : llvm::APFloat::BFloat();
    for (size_t i = 0; i < w.size(); ++i)
      out[i] = (float)roundToFormat(w[i], sem);
    break;
  }
  case Precision::w8a8: {
    Int8Weights q = quantizeInt8PerChannel(w, rows, inner);
    // qcc.dequantize: f32(q - 0) * f32(scale).
    for (size_t i = 0; i < w.size(); ++i)
      out[i] =
          (float)q.values[i] * (float)q.scales[(int64_t)(i / inner) % rows];
    if (int8Scales)
      *int8Scales = std::move(q.scales);
    break;
  }
  case Precision::w4a8:
  case Precision::w4f: {
    // The [rows, k] view of qcc-quantize-weights: a conv's filters are
    // rows-first, a [K, N] matmul weight is K-major.
    bool rowsFirst = axis == 0;
    int64_t k = rows == 0 ? 0 : (int64_t)w.size() / rows;
    int64_t g = int4GroupLength(k, int4GroupSize);
    int64_t groups = (k + g - 1) / g;
    auto index = [&](int64_t c, int64_t i) {
      return rowsFirst ? c * k + i : i * rows + c;
    };
    llvm::SmallVector<double, 128> group(g);
    llvm::SmallVector<int8_t, 128> q(g);
    for (int64_t c = 0; c < rows; ++c)
      for (int64_t gi = 0; gi < groups; ++gi) {
        for (int64_t t = 0; t < g; ++t) {
          int64_t i = gi * g + t;
          group[t] = i < k ? w[index(c, i)] : 0.0;
        }
        // qcc.dequantize_int4: f32(q) * f32(f16 scale).
        float s = (float)quantizeInt4Group(group, q);
        for (int64_t t = 0; t < g && gi * g + t < k; ++t)
          out[index(c, gi * g + t)] = (float)q[t] * s;
      }
    break;
  }
  }
  return out;
}

std::vector<float> simulateInt8Bias(llvm::ArrayRef<double> bias,
                                    double inputScale,
                                    llvm::ArrayRef<double> weightScales) {
  std::vector<double> scales;
  auto q = quantizeBiasInt32(bias, inputScale, weightScales, scales);
  std::vector<float> out(bias.size());
  for (size_t c = 0; c < bias.size(); ++c)
    out[c] = q ? (float)(*q)[c] * (float)scales[c] : (float)bias[c];
  return out;
}

} // namespace qcc::quant_math
