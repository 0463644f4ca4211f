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
/// Builds one table; the fields are listed in CostTable's order.
CostTable table(StringRef name, StringRef description, double ghz,
                double f32, double f16, double int8, double int8Widened,
                double int8Isa, double bytes, double f32Eff, double int8Eff,
                double convert, double widen, double unpack, double pack,
                double overheadNs, bool hasF16, double softF16,
                StringRef int8Kernel, StringRef int8IsaName) {
  CostTable t;
  t.name = name.str();
  t.description = description.str();
  t.ghz = ghz;
  t.f32MacsPerCycle = f32;
  t.f16MacsPerCycle = f16;
  t.int8MacsPerCycle = int8;
  t.int8WidenedMacsPerCycle = int8Widened;
  t.int8IsaMacsPerCycle = int8Isa;
  t.bytesPerCycle = bytes;
  t.f32Efficiency = f32Eff;
  t.int8Efficiency = int8Eff;
  t.convertCyclesPerElem = convert;
  t.widenCyclesPerWeight = widen;
  t.unpackCyclesPerWeight = unpack;
  t.packCyclesPerWeight = pack;
  t.layerOverheadNs = overheadNs;
  t.hasF16Conversion = hasF16;
  t.softF16CyclesPerWeight = softF16;
  t.int8Kernel = int8Kernel.str();
  t.int8Isa = int8IsaName.str();
  return t;
}

std::vector<CostTable> buildTables() {
  std::vector<CostTable> t;
  // x86: measured on the development host (AMD EPYC Zen 5 at 3.8 GHz, one
  // core) with bench/cost-layers.py for generic, avx2, avx512 and
  // avx512-vnni; amx is the avx512 measurement with Sapphire Rapids' peak
  // numbers (datasheet). Columns: GHz, f32, f16, int8 (qcc), int8 widened,
  // int8 (ISA best), B/cycle, f32 eff., int8 eff., convert, widen, unpack,
  // pack (cycles per element), overhead ns.
  t.push_back(table(
      "generic",
      "x86-64 baseline (SSE2, no FMA, no F16C): mulps + addps, pmaddwd xmm; "
      "measured on this host",
      3.8, 8, 0, 16, 2, 0, 6.0, 0.75, 0.6, 1.0, 0.5, 0.8, 0.3, 200,
      /*hasF16=*/false, 12, "pmaddwd xmm + paddd", ""));
  t.push_back(table(
      "avx2",
      "x86-64-v3 (AVX2 + FMA): 2 ymm FMA pipes, vpmaddwd ymm + vpaddd; "
      "measured on this host",
      3.8, 16, 0, 32, 8, 0, 6.5, 0.75, 0.62, 0.65, 0.35, 0.5, 0.2, 200, true,
      0, "vpmaddwd ymm + vpaddd", ""));
  t.push_back(table(
      "avx512",
      "x86-64-v4 (AVX-512 F/BW/DQ/VL): 2 zmm FMA pipes, vpmaddwd zmm + "
      "vpaddd; measured on this host",
      3.8, 32, 0, 64, 16, 0, 7.5, 0.72, 0.55, 0.28, 0.4, 0.4, 0.14, 200, true,
      0, "vpmaddwd zmm + vpaddd", ""));
  t.push_back(table(
      "avx512-vnni",
      "x86-64-v4 + AVX-512 VNNI: vpdpwssd zmm (fused pair multiply-add); "
      "measured on this host",
      3.8, 32, 0, 64, 16, 128, 7.5, 0.72, 0.70, 0.28, 0.4, 0.4, 0.14, 200,
      true, 0, "vpdpwssd zmm", "vpdpbusd zmm"));
  t.push_back(table(
      "amx",
      "Sapphire Rapids (AVX-512 VNNI/FP16, AMX): qcc's int8 kernel is "
      "vpmaddwd zmm + vpaddd (LLVM's tuning), AMX tiles unused; datasheet "
      "peaks, avx512 efficiencies",
      3.0, 32, 64, 64, 16, 1024, 6.0, 0.72, 0.55, 0.28, 0.4, 0.4, 0.14, 200,
      true, 0, "vpmaddwd zmm + vpaddd", "AMX tdpbusd"));
  // AArch64: datasheet (a Cortex-A76 / Neoverse-N1 class core at 2.5 GHz:
  // two 128-bit FMA pipes, SMLAL on one pipe, ~15 GB/s per core); pass
  // costs scaled from avx2 by vector width. qcc's int8 kernel is smlal on
  // every NEON level: sdot / smmla are listed as what the ISA offers.
  auto neon = [&](StringRef name, StringRef what, double f16,
                  double isa, StringRef isaName) {
    t.push_back(table(name,
                      ("AArch64 NEON" + what +
                       ": 2 x 128-bit fmla, int8 as smlal (16-bit pairs); "
                       "datasheet (Cortex-A76 / Neoverse-N1 class)")
                          .str(),
                      2.5, 8, f16, 4, 2, isa, 6.0, 0.7, 0.7, 1.3, 0.7, 1.0,
                      0.4, 300, true, 0, "smlal .4s", isaName));
  };
  neon("aarch64", "", 0, 0, "");
  neon("neon", "", 0, 0, "");
  neon("neon-dotprod", " + dotprod", 16, 32, "sdot");
  neon("neon-i8mm", " + dotprod + i8mm", 16, 64, "smmla");
  return t;
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
  double macRate = 0;    ///< sustained MAC/cycle
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
    r.macRate = (r.widened ? t.int8WidenedMacsPerCycle : t.int8MacsPerCycle) *
                t.int8Efficiency;
  } else {
    r.macRate = t.f32MacsPerCycle * t.f32Efficiency;
  }
  r.computeNs = (double)s.macs / std::max(r.macRate * ghz, 1e-9);

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
      // weights are streamed (without hardware f16 conversion, each weight
      // costs the integer expansion once per call).
      passCycles = soft * w;
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
       << fmtRate(r.macRate) << " MAC/cycle (";
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
