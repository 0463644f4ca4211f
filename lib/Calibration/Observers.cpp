//===- Observers.cpp - calibration statistics and range choice ------------===//
//
// This file implements the per-tensor statistics of calibration and the
// range-choosing methods. Every method works from O(bins) state per tensor,
// never from the tensor values themselves, so memory does not grow with the
// number of samples.
//
//===----------------------------------------------------------------------===//

#include "qcc/Calibration/Observers.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace qcc::calib {

std::optional<CalibMethod> parseCalibMethod(llvm::StringRef name) {
  if (name == "minmax")
    return CalibMethod::MinMax;
  if (name == "percentile")
    return CalibMethod::Percentile;
  if (name == "entropy")
    return CalibMethod::Entropy;
  if (name == "mse")
    return CalibMethod::Mse;
  return std::nullopt;
}

llvm::StringRef calibMethodName(CalibMethod method) {
  switch (method) {
  case CalibMethod::MinMax:
    return "minmax";
  case CalibMethod::Percentile:
    return "percentile";
  case CalibMethod::Entropy:
    return "entropy";
  case CalibMethod::Mse:
    return "mse";
  }
  return "minmax";
}

//===----------------------------------------------------------------------===//
// Statistics
//===----------------------------------------------------------------------===//

void MinMaxStats::update(const float *data, int64_t n) {
  float lo = std::numeric_limits<float>::infinity();
  float hi = -lo;
  uint64_t bad = 0;
  for (int64_t i = 0; i < n; ++i) {
    float x = data[i];
    if (!std::isfinite(x)) {
      ++bad;
      continue;
    }
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  }
  uint64_t good = (uint64_t)n - bad;
  nonFinite += bad;
  if (good == 0)
    return;
  if (count == 0) {
    min = lo;
    max = hi;
  } else {
    min = std::min(min, lo);
    max = std::max(max, hi);
  }
  count += good;
}

void MinMaxStats::merge(const MinMaxStats &other) {
  nonFinite += other.nonFinite;
  if (other.count == 0)
    return;
  if (count == 0) {
    min = other.min;
    max = other.max;
  } else {
    min = std::min(min, other.min);
    max = std::max(max, other.max);
  }
  count += other.count;
}

void Histogram::reset(double newLo, double newHi, bool isMagnitude,
                      unsigned bins) {
  lo = newLo;
  hi = newHi;
  magnitude = isMagnitude;
  counts.assign(bins, 0);
  zeros = 0;
}

void Histogram::update(const float *data, int64_t n) {
  const int64_t last = (int64_t)counts.size() - 1;
  const double scale = hi > lo ? counts.size() / (hi - lo) : 0.0;
  uint64_t *bins = counts.data();
  uint64_t zeroCount = 0;
  for (int64_t i = 0; i < n; ++i) {
    float x = data[i];
    if (!std::isfinite(x))
      continue;
    if (x == 0.0f) {
      ++zeroCount;
      if (magnitude)
        continue;
    }
    double v = magnitude ? std::fabs((double)x) : (double)x;
    int64_t k = (int64_t)((v - lo) * scale);
    bins[std::clamp<int64_t>(k, 0, last)] += 1;
  }
  zeros += zeroCount;
}

void Histogram::merge(const Histogram &other) {
  for (size_t k = 0; k < counts.size(); ++k)
    counts[k] += other.counts[k];
  zeros += other.zeros;
}

//===----------------------------------------------------------------------===//
// Percentile
//===----------------------------------------------------------------------===//

/// The value below which a fraction `f` of the histogram's mass lies,
/// assuming the non-zero elements spread uniformly inside a bin and the
/// exact zeros sit at 0 (so that a ReLU output's lower percentile is 0).
static double histogramQuantile(const Histogram &h, double f) {
  uint64_t total = 0;
  for (uint64_t c : h.counts)
    total += c;
  double target = f * (double)total;
  double below = 0;
  double w = h.binWidth();
  for (size_t k = 0; k < h.counts.size(); ++k) {
    double c = (double)h.counts[k];
    if (c == 0 || below + c < target) {
      below += c;
      continue;
    }
    double start = h.lo + k * w, rank = target - below;
    bool holdsZero = start <= 0 && 0 < start + w;
    double zeros = holdsZero ? std::min((double)h.zeros, c) : 0.0;
    double spread = c - zeros; // non-zero elements, uniform in the bin
    if (zeros == 0)
      return start + std::clamp(rank / c, 0.0, 1.0) * w;
    if (spread <= 0)
      return 0.0;
    double negative = spread * (0 - start) / w;
    if (rank <= negative)
      return start + rank / spread * w;
    if (rank <= negative + zeros)
      return 0.0;
    return start + std::clamp((rank - zeros) / spread, 0.0, 1.0) * w;
  }
  return h.hi;
}

Range percentileRange(const Histogram &h, double min, double max,
                      double percentile) {
  if (percentile >= 100.0 || !(max > min))
    return {min, max};
  double q = percentile / 100.0;
  double lo = std::clamp(histogramQuantile(h, 1.0 - q), min, max);
  double hi = std::clamp(histogramQuantile(h, q), min, max);
  return {lo, hi};
}

//===----------------------------------------------------------------------===//
// Entropy (KL divergence)
//===----------------------------------------------------------------------===//

static double xlogx(double x) { return x > 0 ? x * std::log(x) : 0.0; }

double entropyThreshold(const Histogram &h, unsigned levels) {
  const unsigned n = h.counts.size();
  const double w = h.binWidth();
  // Prefix sums: counts, non-empty bins, and h*log(h).
  std::vector<double> count(n + 1, 0), plogp(n + 1, 0);
  std::vector<uint64_t> nonEmpty(n + 1, 0);
  for (unsigned k = 0; k < n; ++k) {
    double c = (double)h.counts[k];
    count[k + 1] = count[k] + c;
    nonEmpty[k + 1] = nonEmpty[k] + (h.counts[k] != 0);
    plogp[k + 1] = plogp[k] + xlogx(c);
  }
  const double total = count[n];
  if (total == 0 || levels == 0 || levels > n)
    return h.hi;

  // For a threshold at bin i: P is the histogram of bins [0, i) with the
  // outliers (bins >= i) added to bin i-1; Q merges bins [0, i) into
  // `levels` groups and spreads each group's mass evenly over its non-empty
  // bins. Both are normalized; KL(P||Q) = sum P log P - sum P log Q, where Q
  // is constant over a group's non-empty bins, so the second sum is
  // O(levels) with the prefix sums above.
  double best = std::numeric_limits<double>::infinity();
  unsigned bestI = n;
  for (unsigned i = levels; i <= n; ++i) {
    double outliers = total - count[i];
    double last = (double)h.counts[i - 1];
    if (last == 0 && outliers > 0)
      continue; // P > 0 where Q = 0: infinite divergence
    // With most elements folded into the last bin, P and Q both collapse
    // onto a few bins and KL tends to 0 for a meaningless threshold (a
    // distribution with little mass near 0): keep at least half inside.
    if (outliers > total / 2)
      continue;
    double sumPlogP =
        (plogp[i - 1] + xlogx(last + outliers)) / total - std::log(total);
    double massQ = count[i];
    double sumPlogQ = 0;
    for (unsigned j = 0; j < levels; ++j) {
      unsigned s = (uint64_t)j * i / levels;
      unsigned e = (uint64_t)(j + 1) * i / levels;
      double groupCount = count[e] - count[s];
      if (groupCount == 0)
        continue;
      double q = groupCount / ((double)(nonEmpty[e] - nonEmpty[s]) * massQ);
      double p = (groupCount + (e == i ? outliers : 0.0)) / total;
      sumPlogQ += p * std::log(q);
    }
    double kl = sumPlogP - sumPlogQ;
    // Ties go to the larger threshold (less clipping).
    if (kl <= best) {
      best = kl;
      bestI = i;
    }
  }
  return h.lo + bestI * w;
}

//===----------------------------------------------------------------------===//
// MSE
//===----------------------------------------------------------------------===//

Range mseRange(const Histogram &h, double min, double max, unsigned levels) {
  if (!(max > min) || levels < 2)
    return {min, max};
  const unsigned n = h.counts.size();
  const double w = h.binWidth();
  const double binVar = w * w / 12.0;
  auto center = [&](unsigned k) { return h.lo + (k + 0.5) * w; };
  // Prefix sums of n, n*c and n*c^2 over the bins.
  std::vector<double> s0(n + 1, 0), s1(n + 1, 0), s2(n + 1, 0);
  for (unsigned k = 0; k < n; ++k) {
    double c = (double)h.counts[k], x = center(k);
    s0[k + 1] = s0[k] + c;
    s1[k + 1] = s1[k] + c * x;
    s2[k + 1] = s2[k] + c * x * x;
  }
  // Bins [0, k) have their centers below `v`.
  auto binsBelow = [&](double v) {
    double pos = (v - h.lo) / w - 0.5;
    return (unsigned)std::clamp<double>(std::ceil(pos), 0, n);
  };
  // Candidate lower ends a <= 0 with the number of bins clipped below them,
  // and upper ends b >= 0 with the first bin clipped above them.
  struct Cut {
    double at;
    unsigned bin;
  };
  std::vector<Cut> lows = {{0.0, binsBelow(0.0)}};
  std::vector<Cut> highs = {{0.0, binsBelow(0.0)}};
  // A bin whose center is exactly 0 is inside [a, b] for a = b = 0 too.
  if (highs[0].bin < n && center(highs[0].bin) <= 0.0)
    ++highs[0].bin;
  // Both lists run outward from 0, so that ties go to the wider range.
  for (unsigned i = n + 1; i-- > 0;) {
    double edge = h.lo + i * w;
    if (edge < 0)
      lows.push_back({edge, i});
  }
  for (unsigned i = 0; i <= n; ++i) {
    double edge = h.lo + i * w;
    if (edge > 0)
      highs.push_back({edge, i});
  }
  const double zeros = (double)h.zeros;
  auto cost = [&](const Cut &a, const Cut &b) {
    if (b.bin < a.bin || !(b.at > a.at))
      return std::numeric_limits<double>::infinity();
    double clipLow = s2[a.bin] - 2 * a.at * s1[a.bin] +
                     a.at * a.at * s0[a.bin] + s0[a.bin] * binVar;
    double nAbove = s0[n] - s0[b.bin];
    double clipHigh = (s2[n] - s2[b.bin]) - 2 * b.at * (s1[n] - s1[b.bin]) +
                      b.at * b.at * nAbove + nAbove * binVar;
    double step = (b.at - a.at) / (levels - 1);
    double inside = std::max(s0[b.bin] - s0[a.bin] - zeros, 0.0);
    return inside * step * step / 12.0 + clipLow + clipHigh;
  };

  // Coarse to fine: every kStride-th candidate pair (and the outermost),
  // then every pair within kStride candidates of the best, re-centred while
  // the best lands on the window's edge. The cost of a dense histogram is
  // smooth at the scale of a few bins, so this finds the exhaustive search's
  // minimum at a fraction of its (bins/2)^2 evaluations. Ties go to the
  // wider range (candidates run outward from 0).
  constexpr int64_t kStride = 8;
  constexpr int64_t kDenseBins = 512;
  const int64_t numLows = lows.size(), numHighs = highs.size();
  double best = std::numeric_limits<double>::infinity();
  int64_t bestA = 0, bestB = 0;
  auto consider = [&](int64_t i, int64_t j) {
    double c = cost(lows[i], highs[j]);
    if (c <= best) {
      best = c;
      bestA = i;
      bestB = j;
    }
  };
  auto coarse = [&](int64_t count) {
    std::vector<int64_t> picks;
    for (int64_t i = 0; i < count; i += kStride)
      picks.push_back(i);
    if (picks.back() != count - 1)
      picks.push_back(count - 1);
    return picks;
  };
  // A sparse histogram (few elements) has a ragged cost: search it all.
  int64_t nonEmpty = llvm::count_if(h.counts, [](uint64_t c) { return c; });
  if (nonEmpty < kDenseBins) {
    for (int64_t i = 0; i < numLows; ++i)
      for (int64_t j = 0; j < numHighs; ++j)
        consider(i, j);
    return {std::max(lows[bestA].at, min), std::min(highs[bestB].at, max)};
  }
  for (int64_t i : coarse(numLows))
    for (int64_t j : coarse(numHighs))
      consider(i, j);
  for (int round = 0; round < 64; ++round) {
    int64_t centerA = bestA, centerB = bestB;
    int64_t a0 = std::max<int64_t>(centerA - kStride, 0);
    int64_t a1 = std::min<int64_t>(centerA + kStride, numLows - 1);
    int64_t b0 = std::max<int64_t>(centerB - kStride, 0);
    int64_t b1 = std::min<int64_t>(centerB + kStride, numHighs - 1);
    for (int64_t i = a0; i <= a1; ++i)
      for (int64_t j = b0; j <= b1; ++j)
        consider(i, j);
    bool onEdge = (bestA == a0 && a0 > 0) ||
                  (bestA == a1 && a1 < numLows - 1) ||
                  (bestB == b0 && b0 > 0) || (bestB == b1 && b1 < numHighs - 1);
    if (!onEdge || (bestA == centerA && bestB == centerB))
      break;
  }
  if (best == std::numeric_limits<double>::infinity())
    return {min, max};
  return {std::max(lows[bestA].at, min), std::min(highs[bestB].at, max)};
}

} // namespace qcc::calib
