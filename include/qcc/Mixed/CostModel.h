//===- CostModel.h - per-target latency estimates of layers -----*- C++ -*-===//
//
// The cost model of `-quant=mixed` (docs/MixedPrecision.md, "Cost model"):
// the estimated time of one layer at one precision on one target, from its
// multiply-accumulates and bytes against a per-target table of peak rates,
// kernel efficiencies and memory bandwidth, plus the run-time passes qcc's
// kernels add for each precision (the f16/bf16 weight widening of a
// convolution, the int4 unpacking, the int8 weight packing) and the
// float <-> int8 activation conversions at precision boundaries.
//
// The model describes qcc's kernels as they are, not what the ISA could do:
// int8 contracts 16-bit pairs (pmaddwd / vpdpwssd / smlal), fp16 and bf16
// are weight storage (the arithmetic is f32 on every target), and int4
// weights are unpacked to f32 once per call, so on every target they save
// bytes but never time.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_MIXED_COSTMODEL_H
#define QCC_MIXED_COSTMODEL_H

#include "qcc/Mixed/Mixed.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace qcc::mixed {

/// The cost facts of one target: one core, qcc's kernels. Rates are per
/// core per cycle; times come out in nanoseconds.
struct CostTable {
  std::string name;        ///< the -target name ("avx2", ...)
  std::string description; ///< one line: the core it models, the source
  double ghz = 1;          ///< sustained clock of one core
  /// f32 (= i32) lanes of the vectors qcc's kernels use: rows narrower
  /// than a whole number of vectors waste the rest (LayerShape::outWidth).
  int64_t vectorLanes = 1;
  /// Peak f32 multiply-accumulates per cycle (FMA pipes x lanes).
  double f32MacsPerCycle = 0;
  /// Peak native f16 multiply-accumulates per cycle (0: none). qcc's fp16
  /// and bf16 layers compute in f32 on every target, so the estimate does
  /// not use it; it is listed so that the tables say what the hardware has.
  double f16MacsPerCycle = 0;
  /// Peak multiply-accumulates per cycle of the instruction qcc's int8
  /// kernel uses (the 16-bit pair multiply-add: pmaddwd, vpmaddwd,
  /// vpdpwssd; smlal on AArch64).
  double int8MacsPerCycle = 0;
  /// Sustained MAC/cycle of int8 layers qcc lowers in the widened i32 form
  /// (depthwise convolutions: i32 multiply + add, no pair instruction).
  double int8WidenedMacsPerCycle = 0;
  /// Sustained MAC/cycle of a float depthwise convolution (few products
  /// per output, far from the FMA peak).
  double f32DepthwiseMacsPerCycle = 0;
  /// The best 8-bit instruction of the ISA (vpdpbusd, sdot, smmla, AMX
  /// tiles), for the explanation only: qcc's kernels do not use it yet.
  double int8IsaMacsPerCycle = 0;
  /// Sustained bytes per cycle one core streams (weights and activations
  /// that are not in registers).
  double bytesPerCycle = 0;
  /// Fraction of the f32 / int8 peak qcc's dense convolution and matmul
  /// kernels sustain on compute-bound layers with full vectors.
  double f32Efficiency = 1;
  double int8Efficiency = 1;
  /// Cycles per element of the run-time passes (one vectorized elementwise
  /// pass each, measured or scaled by vector width):
  double convertCyclesPerElem = 0;  ///< f32 <-> int8 activation conversion
  double widenCyclesPerWeight = 0;  ///< f16 / bf16 conv weights -> f32
  double unpackCyclesPerWeight = 0; ///< int4 weights -> f32 (any layer)
  double packCyclesPerWeight = 0;   ///< int8 weights -> 16-bit pairs
  /// Cycles per element of the fixed-point requantization of an int8
  /// layer whose result stays int8 (i64 multiply and shift; AVX2 emulates
  /// the 64-bit arithmetic shift). planNs charges it where a plan keeps a
  /// result in int8.
  double requantCyclesPerElem = 0;
  /// Fixed cost of one layer call (loop setup, scratch, small tails).
  double layerOverheadNs = 0;
  /// The target converts f16 in hardware (F16C, AArch64); without it each
  /// f16 weight costs `softF16CyclesPerWeight` more to widen (per 4-row
  /// register tile in a matmul, which converts in registers).
  bool hasF16Conversion = true;
  double softF16CyclesPerWeight = 0;
  /// Instruction names for explanations: qcc's int8 kernel, the ISA's best.
  std::string int8Kernel, int8Isa;
};

/// The built-in tables, in -target order: generic, avx2, avx512,
/// avx512-vnni, amx, aarch64, neon, neon-dotprod, neon-i8mm.
llvm::ArrayRef<CostTable> costTables();

/// The table of a -target name ("host": hostCostTable()); nullptr if none.
const CostTable *lookupCostTable(llvm::StringRef target);

/// The table for the CPU qcc runs on: the built-in table of its best
/// feature level (AMX, AVX-512 VNNI, AVX-512, AVX2, SSE2; NEON with i8mm or
/// dotprod), named "host".
CostTable hostCostTable();

/// Whether qcc lowers the int8 form of this layer in the widened i32 form
/// (a depthwise convolution) rather than the pair-packed kernel.
bool usesWidenedInt8(const LayerShape &s);

/// Estimated time of one layer at a precision, excluding conversions at its
/// input: max(compute, memory) + run-time weight passes + a fixed overhead.
double layerNs(const CostTable &t, const LayerShape &s, Precision p,
               int64_t int4Group);

/// Time to convert `elems` activations between float and int8 (a separate
/// pass over memory).
double convertNs(const CostTable &t, int64_t elems);

/// Separable cost for the solver: layerNs + the input conversion a w8a8
/// layer pays when its producer is not an int8 layer.
double separableNs(const CostTable &t, const Layer &l, Precision p,
                   int64_t int4Group);

/// Whole-plan estimate (`plan[layer id]`): every layer's layerNs plus the
/// conversions the plan's boundaries need, from the neighbours' actual
/// precisions (an int8 layer whose producer emits int8 pays no input
/// conversion; an int8 output read by a float consumer is converted back
/// once).
double planNs(const CostTable &t, llvm::ArrayRef<Layer> layers,
              llvm::ArrayRef<Precision> plan, int64_t int4Group);

/// One line on why a precision costs what it does on this target, e.g.
/// "compute-bound: 116 MMAC at 32 MAC/cycle (vpmaddwd ymm) x 0.60".
std::string explainCost(const CostTable &t, const LayerShape &s, Precision p,
                        int64_t int4Group);

} // namespace qcc::mixed

#endif // QCC_MIXED_COSTMODEL_H
