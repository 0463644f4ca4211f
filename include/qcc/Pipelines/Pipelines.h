//===- Pipelines.h - qcc pass pipelines ------------------------*- C++ -*-===//
//
// This file declares the one place where qcc's pass pipelines are assembled,
// and the registration of every dialect and pass qcc uses.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_PIPELINES_PIPELINES_H
#define QCC_PIPELINES_PIPELINES_H

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"
#include <string>

namespace qcc {

/// Registers the qcc dialect and every upstream dialect, interface model and
/// extension that qcc's pipelines create or bufferize.
void registerAllQccDialects(mlir::DialectRegistry &registry);

/// Registers qcc's passes and the named pipelines below with the global
/// registry (for qcc-opt and --pass-pipeline).
void registerAllQccPasses();

/// Graph-level clean-up on the imported qcc dialect: constant folding,
/// BatchNorm folding, activation fusion, dead-code removal
/// (`qcc-graph-pipeline`).
void buildGraphPipeline(mlir::OpPassManager &pm);

/// Options of the quantization stage (qcc's own quantizer).
struct QuantizationOptions {
  /// fp16 | bf16 | int8 | int4w (every layer), or mixed: each layer as its
  /// `qcc.plan` attribute says (docs/MixedPrecision.md).
  std::string mode = "int8";
  std::string activationType = "u8"; ///< int8: u8 (asymmetric) or s8
  int64_t int4GroupSize = 32;        ///< int4w: weights per scale group
};

/// Quantization passes for a graph-level module whose activations carry
/// calibrated ranges (int8, mixed) or not (weight-only modes). mixed runs
/// qcc-quantize{follow-plan} -> qcc-fuse-qdq ->
/// qcc-quantize-weights{follow-plan}, then dead-code removal.
void buildQuantizationPipeline(mlir::OpPassManager &pm,
                               const QuantizationOptions &options);

/// Options of the CPU code generation pipeline.
struct CpuCodegenOptions {
  /// SIMD width in f32 lanes (8 = AVX2/ymm, 16 = AVX-512/zmm, 4 = SSE/NEON).
  int64_t vectorWidth = 8;
  /// i32 lanes of the widest x86 pmaddwd (4 SSE2, 8 AVX2, 16 AVX-512BW);
  /// 0 on other targets (see TargetSpec::pmaddwdBits).
  int64_t pmaddwdLanes = 0;
  /// Name of the entry function to lay out the scratch arena for.
  std::string entryName = "main";
  /// Skip tiling and vectorization (scalar loops only); for -O0.
  bool vectorize = true;
  /// The target rounds floats in hardware; otherwise floor/ceil are
  /// expanded (see TargetSpec::hasRounding).
  bool hasRounding = true;
  /// The target converts f16 <-> f32 in hardware; otherwise the conversions
  /// are expanded (see TargetSpec::hasF16Conversion).
  bool hasF16Conversion = true;
};

/// qcc dialect -> linalg on tensors -> tiled, vectorized -> bufferized into
/// caller buffers and one scratch arena -> LLVM dialect
/// (`qcc-cpu-codegen-pipeline`).
void buildCpuCodegenPipeline(mlir::OpPassManager &pm,
                             const CpuCodegenOptions &options);

} // namespace qcc

#endif // QCC_PIPELINES_PIPELINES_H
