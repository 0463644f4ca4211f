//===- MixedTest.cpp - unit tests of the mixed-precision shared types -----===//

#include "qcc/Mixed/Mixed.h"

#include <gtest/gtest.h>

using namespace qcc;
using namespace qcc::mixed;

TEST(Candidates, NamesRoundTrip) {
  for (Precision p : allCandidates()) {
    auto parsed = parseCandidate(candidateName(p));
    ASSERT_TRUE(parsed.has_value()) << candidateName(p).str();
    EXPECT_EQ(*parsed, p);
  }
  EXPECT_EQ(parseCandidate("W8A8"), Precision::w8a8);
  EXPECT_FALSE(parseCandidate("int2").has_value());
}

TEST(LayerBytes, PerPrecision) {
  // A 3x3 conv, 16 -> 32 channels: 32*16*9 = 4608 weights, 32 biases.
  LayerShape s;
  s.weightElems = 4608;
  s.biasElems = 32;
  s.outChannels = 32;
  s.reduction = 144;
  EXPECT_EQ(layerBytes(s, Precision::f32, 32), 4 * (4608 + 32));
  EXPECT_EQ(layerBytes(s, Precision::f16, 32), 2 * 4608 + 4 * 32);
  EXPECT_EQ(layerBytes(s, Precision::bf16, 32), 2 * 4608 + 4 * 32);
  EXPECT_EQ(layerBytes(s, Precision::w8a8, 32), 4608 + 4 * 32);
  // 144 products per channel in groups of 32: 5 groups (the last padded to
  // 32), 16 bytes of nibbles and one f16 scale each.
  EXPECT_EQ(layerBytes(s, Precision::w4f, 32), 32 * 5 * (16 + 2) + 4 * 32);
  // A depthwise 3x3 filter: one group of 10 (9 rounded up to even).
  LayerShape dw;
  dw.weightElems = 32 * 9;
  dw.outChannels = 32;
  dw.reduction = 9;
  EXPECT_EQ(layerBytes(dw, Precision::w4f, 32), 32 * (5 + 2));
}
