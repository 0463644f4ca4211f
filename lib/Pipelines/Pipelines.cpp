//===- Pipelines.cpp - qcc pass pipelines ---------------------------------===//
//
// This file implements the one place where qcc's pass pipelines are
// assembled, and the registration of every dialect and pass qcc uses.
//
//===----------------------------------------------------------------------===//

#include "qcc/Pipelines/Pipelines.h"

#include "Qcc/QccDialect.h"
#include "qcc/Conversion/Passes.h"
#include "qcc/Target/BufferizableOpInterfaceImpl.h"
#include "qcc/Target/Passes.h"
#include "qcc/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace qcc {

void registerAllQccDialects(DialectRegistry &registry) {
  registry.insert<QccDialect>();
  // Before the upstream extensions: the first model attached to an op wins.
  registerBufferizableOpInterfaceExternalModels(registry);
  registerAllDialects(registry);
  registerAllExtensions(registry);
}

void buildGraphPipeline(OpPassManager &pm) {
  OpPassManager &fpm = pm.nest<func::FuncOp>();
  fpm.addPass(createQccFoldConstantsPass());
  fpm.addPass(createQccFoldBatchNormPass());
  fpm.addPass(createQccFoldConstantsPass());
  fpm.addPass(createQccFuseActivationsPass());
  fpm.addPass(createQccFuseQDQPass());
  pm.addPass(createQccDeadCodeEliminationPass());
}

void buildQuantizationPipeline(OpPassManager &pm,
                               const QuantizationOptions &options) {
  if (options.mode == "int8" || options.mode == "mixed") {
    bool mixed = options.mode == "mixed";
    QccQuantizePassOptions qo;
    qo.activationType = options.activationType;
    qo.followPlan = mixed;
    pm.addNestedPass<func::FuncOp>(createQccQuantizePass(qo));
    pm.addNestedPass<func::FuncOp>(createQccFuseQDQPass());
    if (mixed) {
      // The plan's f16 / bf16 / int4 layers keep float activations.
      QccQuantizeWeightsPassOptions wq;
      wq.followPlan = true;
      wq.groupSize = options.int4GroupSize;
      pm.addNestedPass<func::FuncOp>(createQccQuantizeWeightsPass(wq));
    }
  } else {
    // Weight-only modes: narrow weight storage, f32 activations.
    QccQuantizeWeightsPassOptions wq;
    wq.mode = options.mode == "fp16"   ? "f16"
              : options.mode == "bf16" ? "bf16"
                                       : "int4";
    wq.groupSize = options.int4GroupSize;
    pm.addNestedPass<func::FuncOp>(createQccQuantizeWeightsPass(wq));
  }
  pm.addPass(createQccDeadCodeEliminationPass());
}

void buildCpuCodegenPipeline(OpPassManager &pm,
                             const CpuCodegenOptions &options) {
  // qcc -> linalg on tensors.
  pm.addPass(createConvertQccToLinalgPass());
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createQccFuseElementwisePass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  // Register tiles and vectors, sized for the target's SIMD width.
  if (options.vectorize) {
    QccTileAndVectorizePassOptions tv;
    tv.vectorWidth = options.vectorWidth;
    tv.pmaddwdLanes = options.pmaddwdLanes;
    pm.addNestedPass<func::FuncOp>(createQccTileAndVectorizePass(tv));
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
  }

  // Bufferize into caller-provided buffers plus one scratch arena.
  bufferization::OneShotBufferizePassOptions bo;
  bo.bufferizeFunctionBoundaries = true;
  bo.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  bo.bufferAlignment = 64;
  pm.addPass(bufferization::createOneShotBufferizePass(bo));
  // Canonicalize first so results produced by loops are recognized as the
  // returned allocation and written straight into the out parameter.
  pm.addPass(createCanonicalizerPass());
  // Each result becomes its own out parameter, written exactly once: a
  // buffer returned twice (one value named as two graph outputs) is copied
  // first. Upstream's allocation hoisting would otherwise replace and erase
  // the same memref.alloc once per result (a use-after-free crash).
  pm.addPass(createQccDistinctReturnBuffersPass());
  bufferization::BufferResultsToOutParamsPassOptions ro;
  ro.modifyPublicFunctions = true;
  ro.hoistStaticAllocs = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(ro));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  QccAllocateScratchPassOptions so;
  so.entryName = options.entryName;
  pm.addPass(createQccAllocateScratchPass(so));

  // Loops, vectors and math down to the LLVM dialect.
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createQccDropEmptyBuffersPass());
  pm.addPass(createQccWidenBoolMemrefsPass());
  pm.addPass(createQccLowerStridedTransfersPass());
  QccExpandMathPassOptions mo;
  mo.expandRounding = !options.hasRounding;
  pm.addPass(createQccExpandMathPass(mo));
  // bf16 <-> f32 conversions as integer ops (round to nearest even): LLVM
  // would otherwise call compiler-rt's __truncsfbf2 on targets without
  // native bf16 conversion, and the object links no runtime library.
  arith::ArithExpandOpsPassOptions eo;
  eo.includeBf16 = true;
  pm.addPass(arith::createArithExpandOpsPass(eo));
  if (!options.hasF16Conversion)
    pm.addPass(createQccExpandF16ConversionsPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  // Integer powers become loops in helper functions; they may unroll vector
  // operands with vector.extract/insert, so this runs before vector lowering.
  pm.addPass(createConvertMathToFuncs());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  ConvertFuncToLLVMPassOptions fo;
  fo.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(fo));
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
}

void registerAllQccPasses() {
  registerQccTransformsPasses();
  registerQccConversionPasses();
  registerQccTargetPasses();

  PassPipelineRegistration<>(
      "qcc-graph-pipeline",
      "Graph clean-up: fold constants and BatchNorm, fuse activations, DCE",
      [](OpPassManager &pm) { buildGraphPipeline(pm); });

  struct CodegenPipelineOptions
      : public PassPipelineOptions<CodegenPipelineOptions> {
    Option<int64_t> vectorWidth{*this, "vector-width",
                                llvm::cl::desc("SIMD width in f32 lanes"),
                                llvm::cl::init(8)};
    Option<int64_t> pmaddwdLanes{
        *this, "pmaddwd-lanes",
        llvm::cl::desc("i32 lanes of the target's x86 pmaddwd (0: none)"),
        llvm::cl::init(0)};
    Option<std::string> entry{*this, "entry",
                              llvm::cl::desc("entry function name"),
                              llvm::cl::init("main")};
    Option<bool> vectorize{*this, "vectorize",
                           llvm::cl::desc("tile and vectorize"),
                           llvm::cl::init(true)};
  };
  PassPipelineRegistration<CodegenPipelineOptions>(
      "qcc-cpu-codegen-pipeline",
      "qcc dialect to the LLVM dialect for CPUs (bufferized, scratch arena)",
      [](OpPassManager &pm, const CodegenPipelineOptions &o) {
        CpuCodegenOptions options;
        options.vectorWidth = o.vectorWidth;
        options.pmaddwdLanes = o.pmaddwdLanes;
        options.entryName = o.entry;
        options.vectorize = o.vectorize;
        buildCpuCodegenPipeline(pm, options);
      });
}

} // namespace qcc
