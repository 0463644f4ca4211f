//===- qcc-run.cpp - compile and run a model from .npy inputs -------------===//
//
// This file implements `qcc-run`, the way to try a model without writing C:
//   qcc-run model.onnx [qcc flags] --input=x=x.npy --output-dir=out
// It compiles through the same AOT path as qcc (an object with the C ABI),
// links it into a temporary shared object, loads it, runs it on the inputs
// and writes every output as out/<name>.npy. --benchmark=N also times N runs
// and prints `median_ms: <value>` as the last line. numpy has no bfloat16, so
// bfloat16 tensors travel as uint16 .npy arrays of their bit patterns.
//
//===----------------------------------------------------------------------===//

#include "qcc/Driver/Compiler.h"
#include "qcc/Driver/Npy.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>

using namespace qcc;
namespace cl = llvm::cl;

static cl::OptionCategory runCategory("qcc-run options");
static cl::list<std::string>
    inputFiles("input", cl::desc("Input tensor: NAME=FILE.npy (repeatable)"),
               cl::value_desc("name=file.npy"), cl::cat(runCategory));
static cl::opt<std::string>
    outputDir("output-dir",
              cl::desc("Write each output as DIR/<output name>.npy"),
              cl::value_desc("dir"), cl::cat(runCategory));
static cl::opt<unsigned>
    benchmark("benchmark",
              cl::desc("Also run N times and print 'median_ms: <value>'"),
              cl::init(0), cl::cat(runCategory));

static int fail(const llvm::Twine &msg) {
  llvm::WithColor::error(llvm::errs(), "qcc-run") << msg << "\n";
  return 1;
}

/// Output file name: characters outside [A-Za-z0-9_.-] become '_'.
static std::string outputFileName(llvm::StringRef name) {
  std::string out;
  for (char c : name)
    out += (isalnum((unsigned char)c) || c == '_' || c == '.' || c == '-') ? c
                                                                           : '_';
  if (out.empty() || out == "." || out == "..")
    out = "_" + out;
  return out + ".npy";
}

/// Links `object` into the shared object `library` with the first linker
/// found on PATH.
static bool linkSharedObject(llvm::StringRef object, llvm::StringRef library,
                             std::string &error) {
  for (const char *linker : {"ld.lld-22", "ld.lld", "clang-22", "cc", "gcc"}) {
    auto path = llvm::sys::findProgramByName(linker);
    if (!path)
      continue;
    bool isLld = llvm::StringRef(linker).starts_with("ld.lld");
    llvm::SmallVector<llvm::StringRef> args = {*path, "-shared", "-o",
                                               library, object};
    if (!isLld)
      args.push_back("-lm");
    std::string message;
    int rc = llvm::sys::ExecuteAndWait(*path, args, std::nullopt, {}, 0, 0,
                                       &message);
    if (rc == 0)
      return true;
    error = std::string(linker) + " failed" +
            (message.empty() ? "" : ": " + message);
    return false;
  }
  error = "no linker found on PATH (need ld.lld, clang or cc)";
  return false;
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  registerCompilerCLOptions();
  mlir::registerPassManagerCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerAsmPrinterCLOptions();
  // qcc-run executes what it compiles, so it targets the host by default.
  auto &registered = cl::getRegisteredOptions();
  if (auto *target =
          static_cast<cl::opt<std::string> *>(registered.lookup("target")))
    target->setInitialValue("host");
  cl::ParseCommandLineOptions(
      argc, argv,
      "qcc-run: compiles an ONNX model with qcc and runs it on .npy inputs\n\n"
      "  qcc-run model.onnx --input=x=x.npy --output-dir=out "
      "[--benchmark=N]\n");

  auto options = getCompilerOptionsFromCL();
  if (mlir::failed(options))
    return 1;
  options->emit = EmitKind::Obj;
  if (options->name.empty())
    options->name = "model";

  // Read the inputs first: a bad path should not wait for a compile.
  std::map<std::string, NpyArray> given;
  for (const std::string &spec : inputFiles) {
    auto [name, file] = llvm::StringRef(spec).split('=');
    if (name.empty() || file.empty())
      return fail("invalid --input '" + spec + "': expected NAME=FILE.npy");
    auto array = readNpy(file);
    if (!array)
      return fail(llvm::toString(array.takeError()));
    if (!given.emplace(name.str(), std::move(*array)).second)
      return fail("input '" + name + "' given twice");
  }

  CompileArtifacts artifacts;
  if (mlir::failed(compileModel(*options, artifacts)))
    return 1;
  const ModelSignature &sig = artifacts.signature;

  // Match inputs to the signature (a single-input model takes any name).
  std::vector<const NpyArray *> inputs;
  for (const TensorSignature &t : sig.inputs) {
    auto it = given.find(t.name);
    if (it == given.end() && sig.inputs.size() == 1 && given.size() == 1)
      it = given.begin();
    if (it == given.end())
      return fail("missing --input for model input '" + t.name + "' (" +
                  dtypeName(t.dtype) + ")");
    NpyArray &a = it->second;
    // numpy has no bfloat16: a uint16 array holds a bfloat16 input's bit
    // patterns (bfloat16 outputs are written the same way).
    if (t.dtype == DType::BF16 && a.dtype == DType::U16)
      a.dtype = DType::BF16;
    if (a.dtype != t.dtype)
      return fail("input '" + t.name + "' must be " + dtypeName(t.dtype) +
                  ", the .npy file holds " + dtypeName(a.dtype));
    if (a.shape != t.shape) {
      std::string want, have;
      for (int64_t d : t.shape)
        want += (want.empty() ? "" : "x") + std::to_string(d);
      for (int64_t d : a.shape)
        have += (have.empty() ? "" : "x") + std::to_string(d);
      return fail("input '" + t.name + "' must have shape [" + want +
                  "], the .npy file has [" + have + "]");
    }
    inputs.push_back(&a);
  }
  for (auto &entry : given) {
    const NpyArray *a = &entry.second;
    if (!llvm::is_contained(inputs, a))
      return fail("--input '" + entry.first + "' is not an input of the model");
  }

  // Link and load.
  llvm::SmallString<128> dir;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueDirectory("qcc-run", dir))
    return fail("cannot create a temporary directory: " + ec.message());
  llvm::scope_exit cleanup([&] { llvm::sys::fs::remove_directories(dir); });
  llvm::SmallString<128> objPath(dir), soPath(dir);
  llvm::sys::path::append(objPath, "model.o");
  llvm::sys::path::append(soPath, "model.so");
  if (mlir::failed(writeOutputAtomically(objPath, artifacts.output)))
    return 1;
  std::string error;
  if (!linkSharedObject(objPath, soPath, error))
    return fail(error);
  void *lib = dlopen(soPath.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib)
    return fail(llvm::Twine("cannot load the compiled model: ") + dlerror());
  using RunArrayFn = int (*)(const void *, const void *const *, void *const *);
  auto runArray = reinterpret_cast<RunArrayFn>(
      dlsym(lib, (sig.prefix + "_run_array").c_str()));
  if (!runArray)
    return fail("compiled model lacks " + sig.prefix + "_run_array");

  // Scratch arena and outputs.
  struct Context {
    void *scratch;
    size_t scratchSize;
  } ctx;
  size_t scratchBytes = llvm::alignTo(std::max<int64_t>(sig.scratchSize, 64), 64);
  ctx.scratch = std::aligned_alloc(64, scratchBytes);
  ctx.scratchSize = scratchBytes;
  llvm::scope_exit freeScratch([&] { std::free(ctx.scratch); });
  std::vector<NpyArray> outputs(sig.outputs.size());
  std::vector<const void *> inPtrs;
  std::vector<void *> outPtrs;
  for (const NpyArray *a : inputs)
    inPtrs.push_back(a->data.data());
  for (auto [i, t] : llvm::enumerate(sig.outputs)) {
    outputs[i].dtype = t.dtype;
    outputs[i].shape = t.shape;
    outputs[i].data.assign(std::max<int64_t>(t.byteSize(), 1), 0);
    outPtrs.push_back(outputs[i].data.data());
  }
  int rc = runArray(&ctx, inPtrs.data(), outPtrs.data());
  if (rc != 0)
    return fail("the compiled model returned error code " + llvm::Twine(rc));
  for (auto [i, t] : llvm::enumerate(sig.outputs))
    outputs[i].data.resize(t.byteSize());

  if (!outputDir.empty()) {
    if (std::error_code ec = llvm::sys::fs::create_directories(outputDir))
      return fail("cannot create '" + outputDir + "': " + ec.message());
    for (auto [i, t] : llvm::enumerate(sig.outputs)) {
      llvm::SmallString<256> path(outputDir);
      llvm::sys::path::append(path, outputFileName(t.name));
      if (mlir::failed(writeOutputAtomically(path, writeNpy(outputs[i]))))
        return 1;
    }
  } else {
    for (auto [i, t] : llvm::enumerate(sig.outputs)) {
      llvm::outs() << t.name << ": " << dtypeName(t.dtype) << " [";
      llvm::interleave(t.shape, llvm::outs(), ", ");
      llvm::outs() << "]";
      if (t.dtype == DType::F32) {
        const float *v = reinterpret_cast<const float *>(outputs[i].data.data());
        int64_t n = std::min<int64_t>(t.numElements(), 8);
        llvm::outs() << " =";
        for (int64_t k = 0; k < n; ++k)
          llvm::outs() << " " << v[k];
        if (t.numElements() > n)
          llvm::outs() << " ...";
      }
      llvm::outs() << "\n";
    }
  }

  if (benchmark > 0) {
    std::vector<double> ms;
    for (unsigned i = 0; i < benchmark; ++i) {
      auto start = std::chrono::steady_clock::now();
      runArray(&ctx, inPtrs.data(), outPtrs.data());
      auto end = std::chrono::steady_clock::now();
      ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
    }
    std::sort(ms.begin(), ms.end());
    double median = ms.size() % 2 ? ms[ms.size() / 2]
                                  : 0.5 * (ms[ms.size() / 2 - 1] + ms[ms.size() / 2]);
    llvm::outs() << "runs: " << benchmark << "\n";
    llvm::outs() << llvm::format("median_ms: %.4f\n", median);
  }
  dlclose(lib);
  return 0;
}
