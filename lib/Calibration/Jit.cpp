//===- Jit.cpp - host JIT of instrumented models --------------------------===//
//
// This file implements the JIT path shared by calibration and the
// sensitivity engine (see Jit.h).
//
//===----------------------------------------------------------------------===//

#include "qcc/Calibration/Jit.h"

#include "Qcc/QccOps.h"
#include "qcc/Pipelines/Pipelines.h"
#include "qcc/Runtime/ModelSignature.h"
#include "qcc/Target/ObjectEmitter.h"
#include "qcc/Target/TargetInfo.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace qcc::calib {

size_t JitModel::scratchBytes() const {
  return llvm::alignTo(std::max<int64_t>(scratchSize, 64), 64);
}

int JitModel::run(void *scratch, const void *const *inputs,
                  void *const *outputs) const {
  // The ABI context: the scratch arena and its size.
  struct {
    void *scratch;
    size_t size;
  } context = {scratch, scratchBytes()};
  return runArray(&context, inputs, outputs);
}

AlignedBuffer allocateAligned(size_t bytes) {
  return AlignedBuffer(
      std::aligned_alloc(64, llvm::alignTo(std::max<size_t>(bytes, 64), 64)));
}

LogicalResult prepareJitEntry(func::FuncOp fn, StringRef prefix) {
  MLIRContext *ctx = fn.getContext();
  std::string implName = (prefix + "__impl").str();
  auto module = fn->getParentOfType<ModuleOp>();
  if (failed(SymbolTable::replaceAllSymbolUses(
          fn, StringAttr::get(ctx, implName), module)))
    return failure();
  Block &entry = fn.getBody().front();
  auto ret = cast<func::ReturnOp>(entry.getTerminator());

  // Bool tensors cross the ABI as one byte per element (as in the driver).
  OpBuilder b(ctx);
  b.setInsertionPointToStart(&entry);
  for (BlockArgument arg : entry.getArguments()) {
    auto tt = dyn_cast<RankedTensorType>(arg.getType());
    if (!tt || !tt.getElementType().isInteger(1))
      continue;
    arg.setType(tt.clone(b.getI8Type()));
    auto cast = CastOp::create(b, fn.getLoc(), tt, arg);
    arg.replaceAllUsesExcept(cast.getResult(), cast);
  }
  SmallVector<Type> argTypes(entry.getArgumentTypes());
  fn.setFunctionType(FunctionType::get(ctx, argTypes, ret.getOperandTypes()));
  SmallVector<DictionaryAttr> resultAttrs;
  for (unsigned i = 0; i < ret.getNumOperands(); ++i)
    resultAttrs.push_back(DictionaryAttr::get(
        ctx, {b.getNamedAttr("qcc.name", b.getStringAttr("t" + Twine(i)))}));
  fn.setAllResultAttrs(resultAttrs);
  for (unsigned i = 0; i < fn.getNumArguments(); ++i)
    fn.setArgAttr(i, bufferization::BufferizationDialect::kWritableAttrName,
                  BoolAttr::get(ctx, false));
  SymbolTable::setSymbolName(fn, implName);
  return success();
}

FailureOr<JitModel> jitCompileForHost(ModuleOp module, StringRef prefix,
                                      Location loc, StringRef what) {
  std::string implName = (prefix + "__impl").str();
  auto fn = module.lookupSymbol<func::FuncOp>(implName);
  if (!fn)
    return emitError(loc) << what << ": internal error: no entry " << implName;
  auto sig = extractSignature(fn, prefix);
  if (failed(sig))
    return failure();

  auto spec = resolveTarget("host", "", "", "");
  if (!spec)
    return emitError(loc) << what << ": " << llvm::toString(spec.takeError());
  // The kernels are already tiled and vectorized by the MLIR pipeline; LLVM
  // at -O1 runs them about as fast as at -O3 here and compiles the
  // instrumented models (every tensor an output, so little fusion) a third
  // faster, and compilation dominates calibration time for typical sample
  // counts.
  constexpr unsigned optLevel = 1;
  auto tm = createTargetMachine(*spec, optLevel);
  if (!tm)
    return emitError(loc) << what << ": " << llvm::toString(tm.takeError());
  auto jitTm = createTargetMachine(*spec, optLevel);
  if (!jitTm)
    return emitError(loc) << what << ": " << llvm::toString(jitTm.takeError());

  // The same CPU pipeline as the compiler's, for the host.
  CpuCodegenOptions codegen;
  codegen.vectorWidth = std::max<int64_t>(spec->vectorBits / 32, 1);
  codegen.entryName = implName;
  codegen.hasRounding = spec->hasRounding;
  codegen.hasF16Conversion = spec->hasF16Conversion;
  PassManager pm(module.getContext());
  buildCpuCodegenPipeline(pm, codegen);
  if (failed(pm.run(module)))
    return emitError(loc) << what << ": lowering the instrumented model failed";
  JitModel model;
  if (auto impl = module.lookupSymbol(implName))
    if (auto size = impl->getAttrOfType<IntegerAttr>("qcc.scratch_size"))
      model.scratchSize = size.getInt();

  // Translate with the driver's own LLVM path (entry points, target
  // attributes), then let the ExecutionEngine compile and link it.
  std::string buildError;
  auto buildLlvm =
      [&](Operation *op,
          llvm::LLVMContext &llvmContext) -> std::unique_ptr<llvm::Module> {
    auto llvmModule = translateAndOptimize(
        cast<ModuleOp>(op), llvmContext, **tm, *spec, *sig, implName, optLevel);
    if (!llvmModule) {
      buildError = llvm::toString(llvmModule.takeError());
      return nullptr;
    }
    return std::move(*llvmModule);
  };
  ExecutionEngineOptions engineOptions;
  engineOptions.llvmModuleBuilder = buildLlvm;
  engineOptions.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Less;
  engineOptions.enableGDBNotificationListener = false;
  engineOptions.enablePerfNotificationListener = false;
  auto engine =
      ExecutionEngine::create(module, engineOptions, std::move(*jitTm));
  if (!engine) {
    std::string message = llvm::toString(engine.takeError());
    return emitError(loc) << what << ": JIT compilation failed: "
                          << (buildError.empty() ? message : buildError);
  }
  model.engine = std::move(*engine);
  std::string entry = (prefix + "_run_array").str();
  auto symbol = model.engine->lookup(entry);
  if (!symbol)
    return emitError(loc) << what << ": JIT lookup of " << entry
                          << " failed: " << llvm::toString(symbol.takeError());
  model.runArray = reinterpret_cast<JitModel::RunArrayFn>(*symbol);
  return model;
}

} // namespace qcc::calib
