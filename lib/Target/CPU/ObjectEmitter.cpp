//===- ObjectEmitter.cpp - LLVM dialect to machine code -------------------===//
//
// This file implements translation of the lowered module to LLVM IR, the
// addition of the C entry points, LLVM optimization, workarounds for LLVM
// code generation bugs and object emission through llvm::TargetMachine.
//
//===----------------------------------------------------------------------===//

#include "qcc/Target/ObjectEmitter.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Verifier.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/OptimizationLevel.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Triple.h"

using namespace llvm;

namespace qcc {

/// Works around an AArch64 instruction selection bug of LLVM 22: a store of
/// `trunc <3 x i64> %x to <3 x i8>` is combined into byte stores that read
/// the wrong lanes, writing element 0 at offset 0, element 2 at offset 1 and
/// nothing at offset 2 (other lane counts, and sources of 16 or 32 bits, are
/// compiled correctly). Vectorization produces exactly this for a dimension
/// of size 3 whose values are narrowed from i64 to 8 bits, e.g. the
/// `fptosi f64 -> i64, trunci -> i8` of a QLinear requantization or a Cast.
/// Each such store is rewritten into three scalar byte stores of the
/// truncated elements, which instruction selection handles correctly. Runs
/// after the optimization pipeline, which would re-form the vector store.
static void avoidAArch64TruncStoreBug(Module &module) {
  SmallVector<StoreInst *> stores;
  for (Function &fn : module)
    for (Instruction &inst : instructions(fn))
      if (auto *store = dyn_cast<StoreInst>(&inst)) {
        auto *type =
            dyn_cast<FixedVectorType>(store->getValueOperand()->getType());
        auto *trunc = dyn_cast<TruncInst>(store->getValueOperand());
        if (type && type->getNumElements() == 3 &&
            type->getElementType()->isIntegerTy(8) && trunc &&
            trunc->getSrcTy()->getScalarSizeInBits() > 32 &&
            !store->isVolatile() && store->isSimple())
          stores.push_back(store);
      }
  for (StoreInst *store : stores) {
    auto *trunc = cast<TruncInst>(store->getValueOperand());
    IRBuilder<> b(store);
    Value *wide = trunc->getOperand(0);
    for (unsigned i = 0; i < 3; ++i) {
      Value *element =
          b.CreateTrunc(b.CreateExtractElement(wide, i), b.getInt8Ty());
      Value *address = b.CreateConstInBoundsGEP1_64(
          b.getInt8Ty(), store->getPointerOperand(), i);
      b.CreateAlignedStore(element, address,
                           commonAlignment(store->getAlign(), i));
    }
    store->eraseFromParent();
    if (trunc->use_empty())
      trunc->eraseFromParent();
  }
}

Expected<std::unique_ptr<Module>>
translateAndOptimize(mlir::ModuleOp module, LLVMContext &context,
                     TargetMachine &tm, const TargetSpec &spec,
                     const ModelSignature &sig, StringRef implName,
                     unsigned optLevel) {
  mlir::DialectRegistry registry;
  mlir::registerBuiltinDialectTranslation(registry);
  mlir::registerLLVMDialectTranslation(registry);
  module->getContext()->appendDialectRegistry(registry);

  // qcc's own argument annotations (ONNX names, the arena marker) have no
  // LLVM meaning; drop them so translation does not warn about them.
  module.walk([](mlir::LLVM::LLVMFuncOp fn) {
    auto strip = [](mlir::DictionaryAttr dict) -> mlir::DictionaryAttr {
      if (!dict)
        return dict;
      SmallVector<mlir::NamedAttribute> kept;
      for (mlir::NamedAttribute a : dict)
        if (!a.getName().getValue().starts_with("qcc."))
          kept.push_back(a);
      return mlir::DictionaryAttr::get(dict.getContext(), kept);
    };
    for (unsigned i = 0; i < fn.getNumArguments(); ++i)
      fn.setArgAttrs(i, strip(fn.getArgAttrDict(i)));
    for (unsigned i = 0; i < fn.getNumResults(); ++i)
      fn.setResultAttrs(i, strip(fn.getResultAttrDict(i)));
  });
  std::unique_ptr<Module> llvmModule =
      mlir::translateModuleToLLVMIR(module, context, sig.prefix);
  if (!llvmModule)
    return createStringError(inconvertibleErrorCode(),
                             "translation to LLVM IR failed");
  llvmModule->setTargetTriple(tm.getTargetTriple());
  llvmModule->setDataLayout(tm.createDataLayout());

  Function *impl = llvmModule->getFunction(implName);
  if (!impl)
    return createStringError(inconvertibleErrorCode(),
                             "internal error: entry '" + implName +
                                 "' missing after lowering");
  if (Error err = addEntryPoints(*llvmModule, impl, sig))
    return std::move(err);

  std::string vectorWidth = std::to_string(spec.vectorBits);
  for (Function &fn : *llvmModule) {
    if (fn.isDeclaration())
      continue;
    fn.addFnAttr("target-cpu", spec.cpu);
    if (!spec.features.empty())
      fn.addFnAttr("target-features", spec.features);
    fn.addFnAttr("prefer-vector-width", vectorWidth);
    fn.addFnAttr("min-legal-vector-width", vectorWidth);
    fn.addFnAttr(Attribute::NoUnwind);
  }
  if (verifyModule(*llvmModule, &errs()))
    return createStringError(inconvertibleErrorCode(),
                             "internal error: invalid LLVM IR generated");

  if (optLevel > 0) {
    LoopAnalysisManager lam;
    FunctionAnalysisManager fam;
    CGSCCAnalysisManager cgam;
    ModuleAnalysisManager mam;
    PipelineTuningOptions pto;
    pto.LoopVectorization = true;
    pto.SLPVectorization = true;
    PassBuilder pb(&tm, pto);
    pb.registerModuleAnalyses(mam);
    pb.registerCGSCCAnalyses(cgam);
    pb.registerFunctionAnalyses(fam);
    pb.registerLoopAnalyses(lam);
    pb.crossRegisterProxies(lam, fam, cgam, mam);
    OptimizationLevel level = optLevel == 1   ? OptimizationLevel::O1
                              : optLevel == 2 ? OptimizationLevel::O2
                                              : OptimizationLevel::O3;
    ModulePassManager mpm = pb.buildPerModuleDefaultPipeline(level);
    mpm.run(*llvmModule, mam);
  }
  if (Triple(spec.triple).isAArch64())
    avoidAArch64TruncStoreBug(*llvmModule);
  return llvmModule;
}

Expected<std::string> emitMachineCode(Module &module, TargetMachine &tm,
                                      bool assembly) {
  SmallString<0> buffer;
  raw_svector_ostream os(buffer);
  legacy::PassManager pm;
  if (tm.addPassesToEmitFile(pm, os, nullptr,
                             assembly ? CodeGenFileType::AssemblyFile
                                      : CodeGenFileType::ObjectFile))
    return createStringError(inconvertibleErrorCode(),
                             "the target cannot emit this file type");
  pm.run(module);
  return std::string(buffer.str());
}

} // namespace qcc
