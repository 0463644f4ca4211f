//===- EntryPoints.cpp - the object's C entry points ----------------------===//
//
// This file implements the C entry points added to the LLVM module after
// translation (docs/ABI.md): argument checks, unpacking of the context and the
// pointer arrays, the scratch size, and the static info struct. They wrap the
// generated implementation function, which takes every input, output and the
// scratch arena as a bare pointer.
//
//===----------------------------------------------------------------------===//

#include "qcc/Runtime/ModelSignature.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"

using namespace llvm;

namespace qcc {

enum ErrorCode { kOk = 0, kNullArgument = 1, kAlignment = 2, kSize = 3 };

/// Builds the qcc_tensor_info array for `tensors` as a private constant.
static Constant *buildTensorInfos(Module &m, StructType *infoTy,
                                  ArrayRef<TensorSignature> tensors,
                                  StringRef what, StringRef prefix) {
  LLVMContext &ctx = m.getContext();
  auto *i32 = Type::getInt32Ty(ctx);
  auto *i64 = Type::getInt64Ty(ctx);
  auto *ptr = PointerType::getUnqual(ctx);
  SmallVector<Constant *> entries;
  for (auto [i, t] : llvm::enumerate(tensors)) {
    std::string base = (prefix + "_" + what + "_" + Twine(i)).str();
    auto *nameInit = ConstantDataArray::getString(ctx, t.name);
    auto *nameGv = new GlobalVariable(m, nameInit->getType(), true,
                                      GlobalValue::PrivateLinkage, nameInit,
                                      base + "_name");
    SmallVector<uint64_t> dims(t.shape.begin(), t.shape.end());
    Constant *shapeInit = ConstantDataArray::get(ctx, ArrayRef<uint64_t>(dims));
    Constant *shapePtr = ConstantPointerNull::get(ptr);
    if (!dims.empty())
      shapePtr = new GlobalVariable(m, shapeInit->getType(), true,
                                    GlobalValue::PrivateLinkage, shapeInit,
                                    base + "_shape");
    entries.push_back(ConstantStruct::get(
        infoTy, {nameGv, ConstantInt::get(i32, (int)t.dtype),
                 ConstantInt::get(i32, t.shape.size()), shapePtr,
                 ConstantInt::get(i64, t.numElements())}));
  }
  if (entries.empty())
    return ConstantPointerNull::get(ptr);
  auto *arrTy = ArrayType::get(infoTy, entries.size());
  return new GlobalVariable(m, arrTy, true, GlobalValue::PrivateLinkage,
                            ConstantArray::get(arrTy, entries),
                            (prefix + "_" + what + "_info").str());
}

Error addEntryPoints(Module &m, Function *impl, const ModelSignature &sig) {
  LLVMContext &ctx = m.getContext();
  auto *i32 = Type::getInt32Ty(ctx);
  auto *i64 = Type::getInt64Ty(ctx);
  auto *ptr = PointerType::getUnqual(ctx);
  const std::string &p = sig.prefix;
  unsigned numIn = sig.inputs.size(), numOut = sig.outputs.size();
  if (impl->arg_size() != numIn + numOut + 1)
    return createStringError(
        inconvertibleErrorCode(),
        "internal error: generated entry takes " + Twine(impl->arg_size()) +
            " pointers, expected " + Twine(numIn + numOut + 1));
  impl->setLinkage(GlobalValue::InternalLinkage);
  for (StringRef name :
       {p + "_run", p + "_run_array", p + "_scratch_size", p + "_info"})
    if (m.getNamedValue(name))
      return createStringError(inconvertibleErrorCode(),
                               "symbol '" + name + "' already defined");

  // size_t P_scratch_size(void)
  {
    auto *fn =
        Function::Create(FunctionType::get(i64, false),
                         GlobalValue::ExternalLinkage, p + "_scratch_size", m);
    IRBuilder<> b(BasicBlock::Create(ctx, "entry", fn));
    b.CreateRet(ConstantInt::get(i64, sig.scratchSize));
  }

  // int P_run(const P_context *ctx, inputs..., outputs...)
  SmallVector<Type *> params(1 + numIn + numOut, ptr);
  auto *runTy = FunctionType::get(i32, params, false);
  auto *run =
      Function::Create(runTy, GlobalValue::ExternalLinkage, p + "_run", m);
  {
    auto *entry = BasicBlock::Create(ctx, "entry", run);
    auto *fail = BasicBlock::Create(ctx, "fail", run);
    IRBuilder<> b(entry);
    PHINode *code = nullptr;
    {
      IRBuilder<> fb(fail);
      code = fb.CreatePHI(i32, 4, "code");
      fb.CreateRet(code);
    }
    auto check = [&](Value *bad, ErrorCode err, const Twine &name) {
      auto *next = BasicBlock::Create(ctx, name, run);
      b.CreateCondBr(bad, fail, next);
      code->addIncoming(ConstantInt::get(i32, err), b.GetInsertBlock());
      b.SetInsertPoint(next);
    };
    // Zero-element tensors carry no data: their pointers may be NULL (the
    // generated code never dereferences them).
    for (unsigned i = 0; i < params.size(); ++i) {
      const TensorSignature *t = nullptr;
      if (i >= 1 && i <= numIn)
        t = &sig.inputs[i - 1];
      else if (i > numIn)
        t = &sig.outputs[i - 1 - numIn];
      if (t && t->numElements() == 0)
        continue;
      check(b.CreateIsNull(run->getArg(i)), kNullArgument, "arg.ok");
    }
    Value *ctxArg = run->getArg(0);
    auto *ctxTy = StructType::get(ctx, {ptr, i64});
    Value *scratch =
        b.CreateLoad(ptr, b.CreateStructGEP(ctxTy, ctxArg, 0), "scratch");
    if (sig.scratchSize > 0) {
      Value *size =
          b.CreateLoad(i64, b.CreateStructGEP(ctxTy, ctxArg, 1), "size");
      check(b.CreateIsNull(scratch), kNullArgument, "scratch.ok");
      Value *low = b.CreateAnd(b.CreatePtrToInt(scratch, i64), 63);
      check(b.CreateICmpNE(low, ConstantInt::get(i64, 0)), kAlignment,
            "align.ok");
      check(b.CreateICmpULT(size, ConstantInt::get(i64, sig.scratchSize)),
            kSize, "size.ok");
    }
    SmallVector<Value *> args;
    for (unsigned i = 1; i < params.size(); ++i)
      args.push_back(run->getArg(i));
    args.push_back(scratch);
    b.CreateCall(impl, args);
    b.CreateRet(ConstantInt::get(i32, kOk));
  }

  // int P_run_array(const P_context *ctx, const void *const *inputs,
  //                 void *const *outputs)
  {
    auto *fn =
        Function::Create(FunctionType::get(i32, {ptr, ptr, ptr}, false),
                         GlobalValue::ExternalLinkage, p + "_run_array", m);
    auto *entry = BasicBlock::Create(ctx, "entry", fn);
    auto *fail = BasicBlock::Create(ctx, "fail", fn);
    auto *body = BasicBlock::Create(ctx, "body", fn);
    IRBuilder<> b(entry);
    // An empty pointer array may be NULL (a model without inputs).
    Value *bad = b.getFalse();
    if (numIn > 0)
      bad = b.CreateOr(bad, b.CreateIsNull(fn->getArg(1)));
    if (numOut > 0)
      bad = b.CreateOr(bad, b.CreateIsNull(fn->getArg(2)));
    b.CreateCondBr(bad, fail, body);
    IRBuilder<>(fail).CreateRet(ConstantInt::get(i32, kNullArgument));
    b.SetInsertPoint(body);
    SmallVector<Value *> args = {fn->getArg(0)};
    for (unsigned i = 0; i < numIn; ++i)
      args.push_back(
          b.CreateLoad(ptr, b.CreateConstGEP1_64(ptr, fn->getArg(1), i)));
    for (unsigned i = 0; i < numOut; ++i)
      args.push_back(
          b.CreateLoad(ptr, b.CreateConstGEP1_64(ptr, fn->getArg(2), i)));
    b.CreateRet(b.CreateCall(run, args));
  }

  // const qcc_model_info *P_info(void)
  {
    auto *tensorTy = StructType::get(ctx, {ptr, i32, i32, ptr, i64});
    auto *modelTy = StructType::get(ctx, {i32, i32, i32, ptr, ptr, i64});
    Constant *ins = buildTensorInfos(m, tensorTy, sig.inputs, "input", p);
    Constant *outs = buildTensorInfos(m, tensorTy, sig.outputs, "output", p);
    auto *info = new GlobalVariable(
        m, modelTy, true, GlobalValue::PrivateLinkage,
        ConstantStruct::get(modelTy, {ConstantInt::get(i32, kAbiVersion),
                                      ConstantInt::get(i32, numIn),
                                      ConstantInt::get(i32, numOut), ins, outs,
                                      ConstantInt::get(i64, sig.scratchSize)}),
        p + "_model_info");
    auto *fn = Function::Create(FunctionType::get(ptr, false),
                                GlobalValue::ExternalLinkage, p + "_info", m);
    IRBuilder<> b(BasicBlock::Create(ctx, "entry", fn));
    b.CreateRet(info);
  }
  return Error::success();
}

} // namespace qcc
