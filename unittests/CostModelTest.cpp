//===- CostModelTest.cpp - unit tests of the mixed-precision cost model ---===//
//
// Known layer shapes against the per-target tables: compute- vs
// memory-bound classification, the int8 speed-up with and without VNNI,
// int4 weights paying only in bytes, NEON's smlal kernel, conversion costs
// and the plan boundaries of planNs.
//
//===----------------------------------------------------------------------===//

#include "qcc/Mixed/CostModel.h"

#include <gtest/gtest.h>

#include <set>

using namespace qcc;
using namespace qcc::mixed;

namespace {

/// A dense NCHW convolution, batch 1.
LayerShape conv(int64_t cin, int64_t cout, int64_t k, int64_t h, int64_t w,
                int64_t stride = 1, int64_t groups = 1) {
  LayerShape s;
  int64_t oh = (h + stride - 1) / stride, ow = (w + stride - 1) / stride;
  s.outChannels = cout;
  s.groups = groups;
  s.reduction = cin / groups * k * k;
  s.weightElems = cout * s.reduction;
  s.biasElems = cout;
  s.inputElems = cin * h * w;
  s.outputElems = cout * oh * ow;
  s.macs = s.outputElems * s.reduction;
  s.outWidth = ow;
  return s;
}

/// A [rows, k] x [k, n] matmul with a bias.
LayerShape matmul(int64_t rows, int64_t k, int64_t n) {
  LayerShape s;
  s.isMatMul = true;
  s.outChannels = n;
  s.reduction = k;
  s.weightElems = k * n;
  s.biasElems = n;
  s.inputElems = rows * k;
  s.outputElems = rows * n;
  s.macs = rows * k * n;
  s.outWidth = n;
  return s;
}

const CostTable &tableOf(llvm::StringRef name) {
  const CostTable *t = lookupCostTable(name);
  EXPECT_NE(t, nullptr) << name.str();
  return *t;
}

bool computeBound(const CostTable &t, const LayerShape &s, Precision p) {
  return llvm::StringRef(explainCost(t, s, p, 32)).starts_with("compute-bound");
}

double speedup(const CostTable &t, const LayerShape &s, Precision p) {
  return layerNs(t, s, Precision::f32, 32) / layerNs(t, s, p, 32);
}

// ResNet-18's 3x3 conv at 56x56, the ImageNet classifier head and a
// MobileNet depthwise conv.
const LayerShape conv3x3 = conv(64, 64, 3, 56, 56);
const LayerShape fc = matmul(1, 512, 1000);
const LayerShape depthwise = conv(64, 64, 3, 56, 56, 1, /*groups=*/64);

} // namespace

TEST(CostModel, TablesForEveryTarget) {
  std::set<std::string> names;
  for (const CostTable &t : costTables()) {
    EXPECT_TRUE(names.insert(t.name).second) << "duplicate " << t.name;
    EXPECT_FALSE(t.description.empty()) << t.name;
    EXPECT_GT(t.ghz, 0) << t.name;
    EXPECT_GT(t.f32MacsPerCycle, 0) << t.name;
    EXPECT_GT(t.int8MacsPerCycle, 0) << t.name;
    EXPECT_GT(t.bytesPerCycle, 0) << t.name;
    EXPECT_GT(t.f32Efficiency, 0) << t.name;
    EXPECT_LE(t.f32Efficiency, 1) << t.name;
    EXPECT_GT(t.int8Efficiency, 0) << t.name;
    EXPECT_LE(t.int8Efficiency, 1) << t.name;
    EXPECT_FALSE(t.int8Kernel.empty()) << t.name;
    EXPECT_EQ(lookupCostTable(t.name), &t);
  }
  for (const char *name : {"generic", "avx2", "avx512", "avx512-vnni", "amx",
                           "aarch64", "neon", "neon-dotprod", "neon-i8mm"})
    EXPECT_TRUE(names.count(name)) << name;
  EXPECT_EQ(lookupCostTable("avx3"), nullptr);
  const CostTable *host = lookupCostTable("host");
  ASSERT_NE(host, nullptr);
  EXPECT_EQ(host->name, "host");
  EXPECT_GT(host->f32MacsPerCycle, 0);
  EXPECT_EQ(hostCostTable().name, "host");
}

TEST(CostModel, ComputeVsMemoryBound) {
  const CostTable &t = tableOf("avx2");
  // 116 MMAC on 147 KB of weights: compute-bound at every precision.
  for (Precision p : allCandidates())
    EXPECT_TRUE(computeBound(t, conv3x3, p)) << candidateName(p).str();
  // One row times a 2 MB weight: memory-bound in f32 and f16.
  EXPECT_FALSE(computeBound(t, fc, Precision::f32));
  EXPECT_FALSE(computeBound(t, fc, Precision::f16));
  EXPECT_NE(explainCost(t, fc, Precision::f32, 32).find("memory-bound"),
            std::string::npos);
  // The f32 time of the conv follows the MACs: 116 MMAC at 16 MAC/cycle x
  // 0.77 x 3.8 GHz = 2.47 ms (measured 2.46 ms on the development host).
  EXPECT_NEAR(layerNs(t, conv3x3, Precision::f32, 32) / 1e6, 2.47, 0.03);
  // Rows narrower than a whole number of vectors waste lanes: 7 of 16 on
  // avx512 for ResNet-18's last stage (measured 2.85 ms vs 1.29 ms at 56).
  const CostTable &z = tableOf("avx512");
  LayerShape conv7 = conv(512, 512, 3, 7, 7);
  EXPECT_EQ(conv7.macs, conv3x3.macs);
  EXPECT_NEAR(layerNs(z, conv7, Precision::f32, 32) /
                  layerNs(z, conv3x3, Precision::f32, 32),
              (56.0 / 64) / (7.0 / 16), 0.05);
  // The classifier head's time follows its bytes: 2 MB / (6.5 x 3.8 B/ns).
  double fcBytes = 4.0 * (512 * 1000 + 1000 + 512 + 1000);
  EXPECT_NEAR(layerNs(t, fc, Precision::f32, 32),
              fcBytes / (6.5 * 3.8) + t.layerOverheadNs, 1);
}

TEST(CostModel, Int8SpeedupOnX86) {
  // Without VNNI the pair kernel is at most 2x f32 (one vpmaddwd per 16
  // products vs one FMA per 8), and qcc's measured ~1.6x.
  double avx2 = speedup(tableOf("avx2"), conv3x3, Precision::w8a8);
  EXPECT_GT(avx2, 1.4);
  EXPECT_LT(avx2, 2.0);
  double avx512 = speedup(tableOf("avx512"), conv3x3, Precision::w8a8);
  EXPECT_GT(avx512, 1.3);
  EXPECT_LT(avx512, 2.0);
  // VNNI's vpdpwssd fuses the accumulation: faster than avx512's
  // vpmaddwd + vpaddd, and than avx2.
  double vnni = speedup(tableOf("avx512-vnni"), conv3x3, Precision::w8a8);
  EXPECT_GT(vnni, avx512 * 1.15);
  EXPECT_GT(vnni, avx2);
  // The explanation names the instruction, and VNNI's unused vpdpbusd.
  std::string why = explainCost(tableOf("avx512-vnni"), conv3x3,
                                Precision::w8a8, 32);
  EXPECT_NE(why.find("vpdpwssd"), std::string::npos) << why;
  EXPECT_NE(why.find("vpdpbusd"), std::string::npos) << why;
}

TEST(CostModel, WeightOnlyFormatsSaveBytesNotTime) {
  for (const CostTable &t : costTables()) {
    // Compute-bound conv: fp16/bf16/int4w weights are widened or unpacked
    // to f32 once per call, so they never beat f32.
    for (Precision p : {Precision::f16, Precision::bf16, Precision::w4f})
      EXPECT_GE(layerNs(t, conv3x3, p, 32),
                layerNs(t, conv3x3, Precision::f32, 32))
          << t.name << " " << candidateName(p).str();
    // int4 unpacks every matmul weight to f32 as well: no gain even where
    // the layer is memory-bound.
    EXPECT_GE(layerNs(t, fc, Precision::w4f, 32),
              layerNs(t, fc, Precision::f32, 32))
        << t.name;
    EXPECT_NE(explainCost(t, fc, Precision::w4f, 32).find("not time"),
              std::string::npos);
  }
  // A memory-bound matmul converts f16 weights in registers: half the bytes.
  const CostTable &t = tableOf("avx2");
  EXPECT_GT(speedup(t, fc, Precision::f16), 1.5);
  // ...which does not help a compute-bound matmul.
  LayerShape big = matmul(256, 512, 512);
  EXPECT_TRUE(computeBound(t, big, Precision::f32));
  EXPECT_NEAR(speedup(t, big, Precision::f16), 1.0, 0.02);
  // Without F16C (generic), f16 weights are converted in integer code.
  EXPECT_GT(layerNs(tableOf("generic"), fc, Precision::f16, 32),
            layerNs(tableOf("generic"), fc, Precision::bf16, 32));
}

TEST(CostModel, Int4OnlyPaysInBytes) {
  // int4 weights take 0.14x the bytes of f32 ...
  EXPECT_LT(layerBytes(fc, Precision::w4f, 32),
            layerBytes(fc, Precision::f32, 32) / 6);
  // ... and more time than fp16 on the memory-bound layer (unpacking to f32
  // scratch costs more than the bytes save).
  const CostTable &t = tableOf("avx2");
  EXPECT_GT(layerNs(t, fc, Precision::w4f, 32),
            layerNs(t, fc, Precision::f16, 32));
  // The unpack is O(weights): relatively cheap on the compute-bound conv.
  EXPECT_LT(layerNs(t, conv3x3, Precision::w4f, 32),
            1.05 * layerNs(t, conv3x3, Precision::f32, 32));
}

TEST(CostModel, DepthwiseInt8IsWidened) {
  EXPECT_TRUE(usesWidenedInt8(depthwise));
  EXPECT_FALSE(usesWidenedInt8(conv3x3));
  EXPECT_FALSE(usesWidenedInt8(fc));
  // Grouped (not depthwise) convs keep the pair kernel.
  EXPECT_FALSE(usesWidenedInt8(conv(64, 64, 3, 28, 28, 1, 4)));
  // The widened i32 form gives int8 no speed-up over float on depthwise
  // layers (measured on the x86 tables), unlike dense ones.
  for (const char *name : {"generic", "avx2", "avx512", "avx512-vnni",
                           "neon", "neon-dotprod", "neon-i8mm"})
    EXPECT_LT(speedup(tableOf(name), depthwise, Precision::w8a8), 1.0)
        << name;
  for (const char *name : {"generic", "avx2", "avx512", "avx512-vnni", "amx"})
    EXPECT_GT(speedup(tableOf(name), conv3x3, Precision::w8a8), 1.3) << name;
  EXPECT_NE(explainCost(tableOf("avx2"), depthwise, Precision::w8a8, 32)
                .find("widened"),
            std::string::npos);
}

TEST(CostModel, NeonDiffersFromX86) {
  // qcc's NEON int8 kernel is smlal (4 MACs per instruction on one pipe):
  // slower than f32 on a compute-bound conv, unlike x86; the penalty is
  // smaller where the layer is memory-bound (a quarter of the bytes).
  for (const char *name : {"neon", "neon-dotprod", "neon-i8mm", "aarch64"}) {
    const CostTable &t = tableOf(name);
    EXPECT_LT(speedup(t, conv3x3, Precision::w8a8), 0.7) << name;
    EXPECT_GT(speedup(t, fc, Precision::w8a8),
              speedup(t, conv3x3, Precision::w8a8) + 0.2)
        << name;
  }
  EXPECT_GT(speedup(tableOf("avx2"), conv3x3, Precision::w8a8), 1.4);
  EXPECT_GT(speedup(tableOf("avx2"), fc, Precision::w8a8), 1.2);
  // The three NEON levels run the same kernel today; the explanation says
  // what the ISA would offer.
  EXPECT_DOUBLE_EQ(layerNs(tableOf("neon"), conv3x3, Precision::w8a8, 32),
                   layerNs(tableOf("neon-i8mm"), conv3x3, Precision::w8a8, 32));
  std::string why =
      explainCost(tableOf("neon-dotprod"), conv3x3, Precision::w8a8, 32);
  EXPECT_NE(why.find("smlal"), std::string::npos) << why;
  EXPECT_NE(why.find("sdot"), std::string::npos) << why;
  EXPECT_NE(explainCost(tableOf("neon-i8mm"), conv3x3, Precision::w8a8, 32)
                .find("smmla"),
            std::string::npos);
  EXPECT_EQ(explainCost(tableOf("neon"), conv3x3, Precision::w8a8, 32)
                .find("sdot"),
            std::string::npos);
}

TEST(CostModel, ConversionCost) {
  const CostTable &t = tableOf("avx2");
  // Linear in the elements: 64x56x56 f32 -> u8 measured 34 us on avx2.
  EXPECT_DOUBLE_EQ(convertNs(t, 0), 0);
  EXPECT_NEAR(convertNs(t, 64 * 56 * 56) / 1e3, 34.4, 1.0);
  EXPECT_DOUBLE_EQ(convertNs(t, 2000), 2 * convertNs(t, 1000));
  // Without SSE4.1 rounding (generic) the conversion is much slower.
  EXPECT_GT(convertNs(tableOf("generic"), 1000), 5 * convertNs(t, 1000));

  // The separable cost charges an int8 layer its input conversion.
  Layer l;
  l.shape = conv3x3;
  EXPECT_DOUBLE_EQ(separableNs(t, l, Precision::w8a8, 32),
                   layerNs(t, conv3x3, Precision::w8a8, 32) +
                       convertNs(t, conv3x3.inputElems));
  EXPECT_DOUBLE_EQ(separableNs(t, l, Precision::f32, 32),
                   layerNs(t, conv3x3, Precision::f32, 32));
  EXPECT_DOUBLE_EQ(separableNs(t, l, Precision::w4f, 32),
                   layerNs(t, conv3x3, Precision::w4f, 32));
  // A small layer can lose its int8 gain to the conversion.
  Layer small;
  small.shape = conv(16, 16, 1, 24, 96);
  EXPECT_GT(separableNs(t, small, Precision::w8a8, 32),
            0.9 * separableNs(t, small, Precision::f32, 32));
}

TEST(CostModel, PlanBoundaries) {
  const CostTable &t = tableOf("avx2");
  // A chain conv0 -> conv1 -> conv2; conv2's result is the model output.
  std::vector<Layer> layers(3);
  for (int i = 0; i < 3; ++i) {
    layers[i].id = i;
    layers[i].shape = conv3x3;
    layers[i].allowed = {Precision::f32, Precision::w8a8};
    if (i > 0)
      layers[i].producers = {i - 1};
    layers[i].onlyLayerConsumers = i < 2;
  }
  const Precision F = Precision::f32, Q = Precision::w8a8;
  double f = layerNs(t, conv3x3, F, 32), q = layerNs(t, conv3x3, Q, 32);
  // Input and output have the same element count here: one conversion
  // pass `c`, one requantizing epilogue `r` per int8 result kept in int8.
  double c = convertNs(t, conv3x3.inputElems);
  double r = conv3x3.outputElems * t.requantCyclesPerElem / t.ghz;
  ASSERT_GT(r, 0);
  auto plan = [&](std::vector<Precision> p) {
    return planNs(t, layers, p, 32);
  };
  EXPECT_DOUBLE_EQ(plan({F, F, F}), 3 * f);
  // All int8: one conversion at the input; int8 flows between the layers,
  // requantized by conv0 and conv1.
  EXPECT_DOUBLE_EQ(plan({Q, Q, Q}), 3 * q + c + 2 * r);
  // An int8 layer between float ones converts its input; its float output
  // needs nothing (the epilogue dequantizes).
  EXPECT_DOUBLE_EQ(plan({F, Q, F}), 2 * f + q + c);
  // conv0 emits int8 only for an int8 reader.
  EXPECT_DOUBLE_EQ(plan({Q, F, Q}), f + 2 * q + 2 * c);
  EXPECT_DOUBLE_EQ(plan({Q, Q, F}), f + 2 * q + c + r);
  // The separable cost charges every int8 layer its input conversion, and
  // matches the plan wherever no int8 result is kept.
  for (auto p : {std::vector<Precision>{F, Q, F}, {Q, F, Q}, {F, F, Q}}) {
    double sep = 0;
    for (int i = 0; i < 3; ++i)
      sep += separableNs(t, layers[i], p[i], 32);
    EXPECT_DOUBLE_EQ(plan(p), sep);
  }
  // A layer whose activation the integer epilogue cannot apply emits float,
  // so its int8 consumer converts again.
  layers[0].intEpilogue = false;
  EXPECT_DOUBLE_EQ(plan({Q, Q, Q}), 3 * q + 2 * c + r);
  layers[0].intEpilogue = true;
  // An int8 result also read by a float op (not only layers) is converted
  // back once for it.
  layers[0].onlyLayerConsumers = false;
  EXPECT_DOUBLE_EQ(plan({Q, Q, F}), 2 * q + f + c + r + c);
  layers[0].onlyLayerConsumers = true;
  // Two int8 layers reading one float result share its conversion.
  layers[2].producers = {0};
  EXPECT_DOUBLE_EQ(plan({F, Q, Q}), f + 2 * q + c);
  // Missing plan entries count as f32.
  EXPECT_DOUBLE_EQ(plan({}), 3 * f);
}
