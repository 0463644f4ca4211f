//===- QuantMathTest.cpp - unit tests of the quantizers' arithmetic -------===//
//
// Checks the rules of docs/Quantization.md on values worked out by hand:
// activation parameters, per-channel int8 weights, int32 biases, f16/bf16
// rounding with saturation, int4 groups and their simulation in f32.
//
//===----------------------------------------------------------------------===//

#include "qcc/Transforms/QuantMath.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace qcc;
using namespace qcc::quant_math;

TEST(QuantMath, ActivationParamsU8) {
  // [-1, 3]: scale 4/255 (as f32), zero point round(1 / scale) = 64.
  ActivationParams p = activationParams(-1.0, 3.0, /*asU8=*/true);
  EXPECT_EQ(p.scale, (double)(float)(4.0 / 255.0));
  EXPECT_EQ(p.zeroPoint, 64);
  EXPECT_EQ(p.qmin, 0);
  EXPECT_EQ(p.qmax, 255);
  EXPECT_FALSE(p.isSigned);
  // A positive range is widened to contain 0: zero point 0.
  ActivationParams q = activationParams(2.0, 6.0, true);
  EXPECT_EQ(q.zeroPoint, 0);
  EXPECT_EQ(q.scale, (double)(float)(6.0 / 255.0));
  // A degenerate range gets scale 1.
  EXPECT_EQ(activationParams(0.0, 0.0, true).scale, 1.0);
}

TEST(QuantMath, ActivationParamsS8) {
  ActivationParams p = activationParams(-2.0, 1.0, /*asU8=*/false);
  EXPECT_EQ(p.scale, (double)(float)(2.0 / 127.0));
  EXPECT_EQ(p.zeroPoint, 0);
  EXPECT_EQ(p.qmin, -128);
  EXPECT_EQ(p.qmax, 127);
  EXPECT_TRUE(p.isSigned);
}

TEST(QuantMath, FakeQuantActivation) {
  ActivationParams p = activationParams(0.0, 2.55, true); // scale ~0.01
  float s = (float)p.scale;
  EXPECT_EQ(fakeQuantActivation(0.0f, p), 0.0f);
  EXPECT_EQ(fakeQuantActivation(1.0f * s, p), 1.0f * s);
  // Half-way rounds to even; out-of-range values clamp.
  EXPECT_EQ(fakeQuantActivation(2.5f * s, p), 2.0f * s);
  EXPECT_EQ(fakeQuantActivation(100.0f, p), 255.0f * s);
  EXPECT_EQ(fakeQuantActivation(-1.0f, p), 0.0f);
}

TEST(QuantMath, Int8PerChannel) {
  // Two channels (axis 0) of three weights; channel 1 all zero. absmax 127
  // makes channel 0's scale exactly 1.
  std::vector<double> w = {127, -63.5, 0.5, 0, 0, 0};
  Int8Weights q = quantizeInt8PerChannel(w, /*channels=*/2, /*inner=*/3);
  ASSERT_EQ(q.scales.size(), 2u);
  EXPECT_EQ(q.scales[0], 1.0);
  EXPECT_EQ(q.scales[1], 1.0);
  EXPECT_EQ(q.values[0], 127);
  EXPECT_EQ(q.values[1], -64); // half to even
  EXPECT_EQ(q.values[2], 0);   // half to even
  EXPECT_EQ(q.values[3], 0);
  // Channels along the last axis of a [K, N] matmul weight: inner = 1.
  std::vector<double> m = {1, -4, 2, 8}; // [[1, -4], [2, 8]]
  Int8Weights qm = quantizeInt8PerChannel(m, 2, 1);
  EXPECT_EQ(qm.scales[0], (double)(float)(2.0 / 127.0));
  EXPECT_EQ(qm.scales[1], (double)(float)(8.0 / 127.0));
  EXPECT_EQ(qm.values[2], 127);
  EXPECT_EQ(qm.values[3], 127);
}

TEST(QuantMath, BiasInt32) {
  std::vector<double> scales;
  auto q = quantizeBiasInt32({1.0, -0.5}, 0.5, {0.01, 0.1}, scales);
  ASSERT_TRUE(q.has_value());
  EXPECT_DOUBLE_EQ(scales[0], 0.005);
  EXPECT_EQ((*q)[0], 200);
  EXPECT_EQ((*q)[1], -10);
  // A bias that does not fit in int32 keeps the layer's float bias.
  EXPECT_FALSE(quantizeBiasInt32({1e9}, 1e-3, {1e-3}, scales).has_value());
  std::vector<float> kept = simulateInt8Bias({1e9}, 1e-3, {1e-3});
  EXPECT_EQ(kept[0], 1e9f);
}

TEST(QuantMath, RoundToFormat) {
  const auto &half = llvm::APFloat::IEEEhalf();
  EXPECT_EQ(roundToFormat(1.0 + 1.0 / 2048, half), 1.0); // tie to even
  EXPECT_EQ(roundToFormat(1.0 + 3.0 / 2048, half), 1.0 + 2.0 / 1024);
  EXPECT_EQ(roundToFormat(1e6, half), 65504.0); // saturates
  EXPECT_TRUE(std::isinf(roundToFormat(INFINITY, half)));
  EXPECT_EQ(roundToFormat(1.0 + 1.0 / 256, llvm::APFloat::BFloat()), 1.0);
}

TEST(QuantMath, Int4Group) {
  // absmax 7: m = 7 gives scale 1 and represents the group exactly.
  std::vector<double> w = {7, -7, 3, 0};
  std::vector<int8_t> q(4);
  EXPECT_EQ(quantizeInt4Group(w, q), 1.0);
  EXPECT_EQ(q[0], 7);
  EXPECT_EQ(q[1], -7);
  EXPECT_EQ(q[2], 3);
  std::vector<double> zeros(4, 0.0);
  EXPECT_EQ(quantizeInt4Group(zeros, q), 0.0);
  EXPECT_EQ(int4GroupLength(9, 32), 10); // a 3x3 depthwise filter
  EXPECT_EQ(int4GroupLength(144, 32), 32);
  EXPECT_EQ(int4GroupLength(1, 32), 2);
}

TEST(QuantMath, SimulateWeights) {
  // A [K=2, N=2] matmul weight (channels along axis 1).
  std::vector<double> w = {0.1, -0.2, 0.3, 0.4};
  std::vector<int64_t> shape = {2, 2};
  std::vector<float> f32 = simulateWeights(w, shape, 1, Precision::f32, 32);
  EXPECT_EQ(f32[1], -0.2f);
  std::vector<double> scales;
  std::vector<float> i8 =
      simulateWeights(w, shape, 1, Precision::w8a8, 32, &scales);
  ASSERT_EQ(scales.size(), 2u);
  EXPECT_EQ(i8[2], 127.0f * (float)scales[0]); // 0.3: channel 0's absmax
  EXPECT_EQ(i8[3], 127.0f * (float)scales[1]); // 0.4: channel 1's absmax
  std::vector<float> h = simulateWeights(w, shape, 1, Precision::f16, 32);
  EXPECT_EQ(h[0], (float)roundToFormat(0.1, llvm::APFloat::IEEEhalf()));
  // int4: each column (a reduction vector of K = 2) is one group of 2,
  // dequantized as q * s with the group's f16 scale.
  std::vector<float> i4 = simulateWeights(w, shape, 1, Precision::w4f, 32);
  std::vector<int8_t> q(2);
  double s1 = quantizeInt4Group({-0.2, 0.4}, q);
  EXPECT_EQ(i4[1], (float)q[0] * (float)s1);
  EXPECT_EQ(i4[3], (float)q[1] * (float)s1);
  EXPECT_LE(std::fabs(i4[3] - 0.4f), 0.4f / 7);
}
