//===- CostModel.cpp - per-target latency estimates of layers -------------===//
//
// A roofline per layer plus qcc's run-time passes:
//
//   layerNs = max(compute, memory) + passes + overhead
//   compute = MACs / (peak MAC/cycle x kernel efficiency x GHz)
//   memory  = bytes the kernel streams / (bytes/cycle x GHz)
//   passes  = the per-call weight passes of the precision (f16/bf16
//             convolution widening, int4 unpacking, int8 pair packing)
//
// and, between layers, one conversion pass per float -> int8 (or int8 ->
// float) boundary. The numbers and where they come from are in
// docs/MixedPrecision.md ("Cost model"); bench/cost-layers.py measures the
// single-layer times the x86 tables were fitted to.
//
//===----------------------------------------------------------------------===//

#include "qcc/Mixed/CostModel.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallSet.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <algorithm>
#include <cmath>

using namespace llvm;

namespace qcc::mixed {

//===----------------------------------------------------------------------===//
// Tables
//===----------------------------------------------------------------------===//

namespace {
std::vector<CostTable> buildTables() {
  std::vector<CostTable> tables;

  // x86, measured on the development host (an AMD EPYC Zen 5 core at 3.8
  // GHz) with bench/cost-layers.py: peak rates are the ISA's, the
  // efficiencies, sustained rates, bandwidth and pass costs are fitted to
  // the single-layer times (docs/MixedPrecision.md lists them).
  CostTable avx2;
  avx2.name = "avx2";
  avx2.description = "x86-64-v3 (AVX2 + FMA): 2 ymm FMA pipes, int8 as "
                     "vpmaddwd ymm + vpaddd; measured on a Zen 5 core";
  avx2.ghz = 3.8;
  avx2.vectorLanes = 8;
  avx2.f32MacsPerCycle = 16;
  avx2.f32Efficiency = 0.77;
  avx2.f32DepthwiseMacsPerCycle = 7.2;
  avx2.int8MacsPerCycle = 32;
  avx2.int8Efficiency = 0.65;
  avx2.int8WidenedMacsPerCycle = 6.5;
  avx2.bytesPerCycle = 6.5;
  avx2.convertCyclesPerElem = 0.65;
  avx2.widenCyclesPerWeight = 0.35;
  avx2.unpackCyclesPerWeight = 0.5;
  avx2.packCyclesPerWeight = 0.2;
  avx2.requantCyclesPerElem = 1.27;
  avx2.layerOverheadNs = 200;
  avx2.int8Kernel = "vpmaddwd ymm + vpaddd";

  CostTable generic = avx2;
  generic.name = "generic";
  generic.description = "x86-64 baseline (SSE2: no FMA, F16C or SSE4.1 "
                        "rounding): int8 as pmaddwd xmm; measured on a Zen 5 "
                        "core";
  generic.vectorLanes = 4;
  generic.f32MacsPerCycle = 8;
  generic.f32Efficiency = 0.6;
  generic.f32DepthwiseMacsPerCycle = 5;
  generic.int8MacsPerCycle = 16;
  generic.int8Efficiency = 0.58;
  generic.int8WidenedMacsPerCycle = 1.8;
  generic.bytesPerCycle = 4;
  generic.convertCyclesPerElem = 10.5;
  generic.widenCyclesPerWeight = 0.6;
  generic.unpackCyclesPerWeight = 1.5;
  generic.packCyclesPerWeight = 0.6;
  generic.requantCyclesPerElem = 2.5;
  generic.hasF16Conversion = false;
  generic.softF16CyclesPerWeight = 2;
  generic.int8Kernel = "pmaddwd xmm + paddd";

  CostTable avx512 = avx2;
  avx512.name = "avx512";
  avx512.description = "x86-64-v4 (AVX-512 F/BW/DQ/VL): 2 zmm FMA pipes, "
                       "int8 as vpmaddwd zmm + vpaddd; measured on a Zen 5 "
                       "core";
  avx512.vectorLanes = 16;
  avx512.f32MacsPerCycle = 32;
  avx512.f32Efficiency = 0.8;
  avx512.f32DepthwiseMacsPerCycle = 11;
  avx512.int8MacsPerCycle = 64;
  avx512.int8Efficiency = 0.63;
  avx512.int8WidenedMacsPerCycle = 9;
  avx512.bytesPerCycle = 7.5;
  avx512.convertCyclesPerElem = 0.28;
  avx512.widenCyclesPerWeight = 0.4;
  avx512.unpackCyclesPerWeight = 0.4;
  avx512.packCyclesPerWeight = 0.14;
  avx512.requantCyclesPerElem = 0.52;
  avx512.int8Kernel = "vpmaddwd zmm + vpaddd";

  CostTable vnni = avx512;
  vnni.name = "avx512-vnni";
  vnni.description = "x86-64-v4 + AVX-512 VNNI: int8 as vpdpwssd zmm (the "
                     "pair multiply-add fused with the accumulation); "
                     "measured on a Zen 5 core";
  vnni.int8Efficiency = 0.75;
  vnni.int8Kernel = "vpdpwssd zmm";
  vnni.int8IsaMacsPerCycle = 128;
  vnni.int8Isa = "vpdpbusd zmm";

  // Sapphire Rapids: datasheet peaks and clock, the avx512 efficiencies
  // (LLVM's tuning for it keeps vpmaddwd + vpaddd, see
  // test/qcc/int8-conv-isa-targets.test).
  CostTable amx = avx512;
  amx.name = "amx";
  amx.description = "Sapphire Rapids (AVX-512 VNNI/FP16 + AMX): int8 as "
                    "vpmaddwd zmm + vpaddd, AMX tiles unused; datasheet "
                    "peaks with the avx512 efficiencies";
  amx.ghz = 3.0;
  amx.f16MacsPerCycle = 64;
  amx.bytesPerCycle = 6;
  amx.int8IsaMacsPerCycle = 1024;
  amx.int8Isa = "AMX tdpbusd";

  // AArch64: datasheet numbers of a Cortex-A76 / Neoverse-N1 class core at
  // 2.5 GHz (two 128-bit FMA pipes; SMLAL, which qcc's int8 kernel
  // becomes, on one pipe; ~15 GB/s per core); efficiencies as measured on
  // x86, pass costs scaled from avx2 by vector width. qcc's int8 kernel is
  // smlal on every NEON level: sdot / smmla are what the ISA offers.
  CostTable neon;
  neon.name = "neon";
  neon.description = "AArch64 NEON (Armv8.0): 2 x 128-bit fmla, int8 as "
                     "smlal; datasheet (Cortex-A76 / Neoverse-N1 class)";
  neon.ghz = 2.5;
  neon.vectorLanes = 4;
  neon.f32MacsPerCycle = 8;
  neon.f32Efficiency = 0.75;
  neon.f32DepthwiseMacsPerCycle = 3.3;
  neon.int8MacsPerCycle = 4;
  neon.int8Efficiency = 0.75;
  neon.int8WidenedMacsPerCycle = 2;
  neon.bytesPerCycle = 6;
  neon.convertCyclesPerElem = 1.3;
  neon.widenCyclesPerWeight = 0.7;
  neon.unpackCyclesPerWeight = 1.0;
  neon.packCyclesPerWeight = 0.4;
  neon.requantCyclesPerElem = 1.0;
  neon.layerOverheadNs = 300;
  neon.int8Kernel = "smlal .4s";

  CostTable aarch64 = neon;
  aarch64.name = "aarch64";
  CostTable dot = neon;
  dot.name = "neon-dotprod";
  dot.description = "AArch64 NEON + dotprod (Armv8.2): int8 still as smlal "
                    "(sdot unused); datasheet (Cortex-A76 / Neoverse-N1 "
                    "class)";
  dot.f16MacsPerCycle = 16;
  dot.int8IsaMacsPerCycle = 32;
  dot.int8Isa = "sdot";
  CostTable i8mm = dot;
  i8mm.name = "neon-i8mm";
  i8mm.description = "AArch64 NEON + dotprod + i8mm (Armv8.6): int8 still "
                     "as smlal (smmla unused); datasheet (Neoverse-N2 / V1 "
                     "class)";
  i8mm.int8IsaMacsPerCycle = 64;
  i8mm.int8Isa = "smmla";

  for (CostTable *t : {&generic, &avx2, &avx512, &vnni, &amx, &aarch64, &neon,
                       &dot, &i8mm})
    tables.push_back(*t);
  return tables;
}
} // namespace

ArrayRef<CostTable> costTables() {
  static const std::vector<CostTable> tables = buildTables();
  return tables;
}

CostTable hostCostTable() {
  Triple triple(sys::getDefaultTargetTriple());
  StringMap<bool> features = sys::getHostCPUFeatures();
  auto has = [&](StringRef f) {
    auto it = features.find(f);
    return it != features.end() && it->second;
  };
  StringRef base = "generic";
  if (triple.isAArch64())
    base = has("i8mm") ? "neon-i8mm" : has("dotprod") ? "neon-dotprod" : "neon";
  else if (has("amx-int8"))
    base = "amx";
  else if (has("avx512vnni"))
    base = "avx512-vnni";
  else if (has("avx512bw"))
    base = "avx512";
  else if (has("avx2") && has("fma"))
    base = "avx2";
  CostTable t = *lookupCostTable(base);
  t.description = ("the host CPU (" + sys::getHostCPUName() +
                   "), with the " + base + " table: " + t.description)
                      .str();
  t.name = "host";
  return t;
}

const CostTable *lookupCostTable(StringRef target) {
  if (target == "host") {
    static const CostTable host = hostCostTable();
    return &host;
  }
  for (const CostTable &t : costTables())
    if (t.name == target)
      return &t;
  return nullptr;
}

//===----------------------------------------------------------------------===//
// One layer
//===----------------------------------------------------------------------===//

bool usesWidenedInt8(const LayerShape &s) {
  // qcc's pair-packed kernel needs two input channels per group; a
  // depthwise convolution (one group per output channel, as the ONNX
  // exporters write it) has one and takes the widened i32 form.
  return !s.isMatMul && s.groups > 1 && s.groups == s.outChannels;
}

namespace {
/// The terms of one layer's estimate, in nanoseconds.
struct Terms {
  double macRate = 0;    ///< sustained MAC/cycle with full vectors
  double laneUse = 1;    ///< fraction of the vector lanes doing work
  double computeNs = 0;
  double bytes = 0;      ///< bytes the kernel streams
  double memoryNs = 0;
  double passNs = 0;     ///< per-call weight passes
  const char *pass = ""; ///< what the pass is
  double overheadNs = 0;
  bool widened = false;

  double total() const {
    return std::max(computeNs, memoryNs) + passNs + overheadNs;
  }
};

bool isInt8Compute(Precision p) {
  return p == Precision::w8a8 || p == Precision::w4a8;
}

Terms terms(const CostTable &t, const LayerShape &s, Precision p,
            int64_t int4Group) {
  Terms r;
  double ghz = std::max(t.ghz, 1e-3);
  double w = (double)s.weightElems;
  if (isInt8Compute(p)) {
    r.widened = usesWidenedInt8(s);
    r.macRate = r.widened ? t.int8WidenedMacsPerCycle
                          : t.int8MacsPerCycle * t.int8Efficiency;
  } else if (usesWidenedInt8(s)) {
    r.macRate = t.f32DepthwiseMacsPerCycle;
  } else {
    r.macRate = t.f32MacsPerCycle * t.f32Efficiency;
  }
  // Rows are vectorized along the innermost output dimension; a partial
  // last vector wastes its remaining lanes (7-wide rows in 16 lanes).
  if (s.outWidth > 0 && t.vectorLanes > 1) {
    int64_t lanes = t.vectorLanes;
    r.laneUse = (double)s.outWidth / (double)((s.outWidth + lanes - 1) /
                                              lanes * lanes);
  }
  r.computeNs = (double)s.macs / std::max(r.macRate * r.laneUse * ghz, 1e-9);

  // Stored weights (+ bias, scales) as the object keeps them; a weight pass
  // that writes f32 scratch makes the kernel read f32 weights as well.
  double weightBytes = (double)layerBytes(s, p, int4Group);
  double passCycles = 0;
  switch (p) {
  case Precision::f32:
    break;
  case Precision::f16:
  case Precision::bf16: {
    double soft =
        p == Precision::f16 && !t.hasF16Conversion ? t.softF16CyclesPerWeight
                                                   : 0;
    if (s.isMatMul) {
      // Converted in registers by the matmul kernel: only the narrow
      // weights are streamed (without hardware f16 conversion, the integer
      // expansion runs once per weight and register tile of 4 rows).
      double rows = s.outChannels ? (double)s.outputElems / s.outChannels : 1;
      passCycles = soft * w * std::ceil(rows / 4);
      r.pass = soft ? "software f16 conversion" : "";
    } else {
      weightBytes += 4 * w;
      passCycles = (t.widenCyclesPerWeight + soft) * w;
      r.pass = "widening the weights to f32";
    }
    break;
  }
  case Precision::w4f:
    weightBytes += 4 * w;
    passCycles = t.unpackCyclesPerWeight * w;
    r.pass = "unpacking int4 to f32";
    break;
  case Precision::w4a8:
    passCycles = (t.unpackCyclesPerWeight + t.packCyclesPerWeight) * w;
    r.pass = "unpacking int4";
    break;
  case Precision::w8a8:
    if (!r.widened) {
      passCycles = t.packCyclesPerWeight * w;
      r.pass = "packing weight pairs";
    }
    break;
  }
  double inBytes = isInt8Compute(p) ? 1 : 4;
  r.bytes = weightBytes + inBytes * (double)s.inputElems +
            4 * (double)s.outputElems;
  r.memoryNs = r.bytes / std::max(t.bytesPerCycle * ghz, 1e-9);
  r.passNs = passCycles / ghz;
  r.overheadNs = t.layerOverheadNs;
  return r;
}
} // namespace

double layerNs(const CostTable &t, const LayerShape &s, Precision p,
               int64_t int4Group) {
  return terms(t, s, p, int4Group).total();
}

double convertNs(const CostTable &t, int64_t elems) {
  return (double)elems * t.convertCyclesPerElem / std::max(t.ghz, 1e-3);
}

double separableNs(const CostTable &t, const Layer &l, Precision p,
                   int64_t int4Group) {
  double ns = layerNs(t, l.shape, p, int4Group);
  if (isInt8Compute(p))
    ns += convertNs(t, l.shape.inputElems);
  return ns;
}

double planNs(const CostTable &t, ArrayRef<Layer> layers,
              ArrayRef<Precision> plan, int64_t int4Group) {
  // Layers are indexed by id; plan[id] is the layer's precision.
  DenseMap<int64_t, size_t> index;
  for (size_t i = 0; i < layers.size(); ++i)
    index[layers[i].id] = i;
  auto precisionOf = [&](size_t i) {
    int64_t id = layers[i].id;
    return id >= 0 && (size_t)id < plan.size() ? plan[id] : Precision::f32;
  };
  // Consumers of each layer (the layers whose input it produces).
  std::vector<SmallVector<size_t, 2>> consumers(layers.size());
  for (size_t i = 0; i < layers.size(); ++i)
    for (int64_t prod : layers[i].producers) {
      auto it = index.find(prod);
      if (it != index.end())
        consumers[it->second].push_back(i);
    }
  // A layer emits int8 when it is int8, its epilogue can requantize, and
  // an int8 layer reads it (qcc-quantize's rule).
  std::vector<bool> emitsInt8(layers.size(), false);
  for (size_t j = 0; j < layers.size(); ++j)
    emitsInt8[j] = isInt8Compute(precisionOf(j)) && layers[j].intEpilogue &&
                   llvm::any_of(consumers[j], [&](size_t k) {
                     return isInt8Compute(precisionOf(k));
                   });

  double ns = 0;
  SmallSet<size_t, 16> quantizedProducers;
  for (size_t i = 0; i < layers.size(); ++i) {
    const Layer &l = layers[i];
    Precision p = precisionOf(i);
    ns += layerNs(t, l.shape, p, int4Group);
    if (isInt8Compute(p)) {
      // The input conversion: none when the producer emits int8; one per
      // producer when several int8 layers read the same float result.
      std::optional<size_t> prod;
      if (!l.producers.empty()) {
        auto it = index.find(l.producers.front());
        if (it != index.end())
          prod = it->second;
      }
      if (prod && emitsInt8[*prod])
        ;
      else if (!prod || quantizedProducers.insert(*prod).second)
        ns += convertNs(t, l.shape.inputElems);
    }
    // The integer epilogue of an int8 result requantizes each element.
    if (emitsInt8[i])
      ns += (double)l.shape.outputElems * t.requantCyclesPerElem /
            std::max(t.ghz, 1e-3);
    // An int8 result read by anything float is converted back once.
    if (emitsInt8[i] &&
        (!l.onlyLayerConsumers ||
         llvm::any_of(consumers[i], [&](size_t k) {
           return !isInt8Compute(precisionOf(k));
         })))
      ns += convertNs(t, l.shape.outputElems);
  }
  return ns;
}

//===----------------------------------------------------------------------===//
// Explanations
//===----------------------------------------------------------------------===//

namespace {
std::string fmtNs(double ns) {
  std::string s;
  raw_string_ostream os(s);
  if (ns >= 1e6)
    os << format("%.2f ms", ns / 1e6);
  else if (ns >= 1e3)
    os << format("%.1f us", ns / 1e3);
  else
    os << format("%.0f ns", ns);
  return s;
}

std::string fmtCount(double v, StringRef unit) {
  std::string s;
  raw_string_ostream os(s);
  if (v >= 1e9)
    os << format("%.2f G", v / 1e9);
  else if (v >= 1e6)
    os << format("%.2f M", v / 1e6);
  else if (v >= 1e3)
    os << format("%.1f K", v / 1e3);
  else
    os << format("%.0f ", v);
  os << unit;
  return s;
}

std::string fmtRate(double v) {
  std::string s;
  raw_string_ostream os(s);
  os << format(v == std::floor(v) ? "%.0f" : "%.1f", v);
  return s;
}
} // namespace

std::string explainCost(const CostTable &t, const LayerShape &s, Precision p,
                        int64_t int4Group) {
  Terms r = terms(t, s, p, int4Group);
  std::string out;
  raw_string_ostream os(out);
  bool int8 = isInt8Compute(p);
  if (r.computeNs >= r.memoryNs) {
    os << "compute-bound: " << fmtCount((double)s.macs, "MAC") << " at "
       << fmtRate(r.macRate * r.laneUse) << " MAC/cycle (";
    if (int8 && r.widened)
      os << "depthwise: widened i32 form";
    else if (int8)
      os << t.int8Kernel;
    else
      os << "f32 FMA";
    os << ") = " << fmtNs(r.computeNs);
  } else {
    os << "memory-bound: " << fmtCount(r.bytes, "B") << " at "
       << fmtRate(t.bytesPerCycle) << " B/cycle = " << fmtNs(r.memoryNs);
  }
  if (r.passNs > 0 && *r.pass)
    os << "; + " << r.pass << " " << fmtNs(r.passNs);
  if (p == Precision::f16 || p == Precision::bf16)
    os << " (storage only: f32 arithmetic)";
  else if (p == Precision::w4f)
    os << " (saves bytes, not time)";
  else if (int8 && !r.widened && t.int8IsaMacsPerCycle > t.int8MacsPerCycle)
    os << " (" << t.int8Isa << ", " << fmtRate(t.int8IsaMacsPerCycle)
       << " MAC/cycle, not used by qcc yet)";
  if (int8)
    os << "; input conversion " << fmtNs(convertNs(t, s.inputElems))
       << " unless the producer is int8";
  return out;
}

} // namespace qcc::mixed
