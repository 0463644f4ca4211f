//===- qcc.cpp - the qcc compiler driver ----------------------------------===//
//
// This file implements the `qcc` tool: `qcc model.onnx -target=avx2 -o
// model.o` writes model.o and model.h. All logic lives in lib/Driver.
//
//===----------------------------------------------------------------------===//

#include "qcc/Driver/Compiler.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"

using namespace qcc;

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  registerCompilerCLOptions();
  mlir::registerPassManagerCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerAsmPrinterCLOptions();
  llvm::cl::ParseCommandLineOptions(
      argc, argv,
      "qcc: compiles an ONNX model into a linkable object and a C header\n\n"
      "  qcc model.onnx -target=avx2 -o model.o    # writes model.o and "
      "model.h\n");

  auto options = getCompilerOptionsFromCL();
  if (mlir::failed(options))
    return 1;
  CompileArtifacts artifacts;
  if (mlir::failed(compileModel(*options, artifacts)))
    return 1;

  std::string out = defaultOutputPath(*options);
  if (options->emit == EmitKind::Header)
    return mlir::failed(writeOutputAtomically(out, artifacts.header)) ? 1 : 0;
  if (mlir::failed(writeOutputAtomically(out, artifacts.output)))
    return 1;
  if (options->emit == EmitKind::Obj && out != "-") {
    llvm::SmallString<256> headerPath(out);
    llvm::sys::path::replace_extension(headerPath, ".h");
    if (mlir::failed(writeOutputAtomically(headerPath, artifacts.header))) {
      llvm::sys::fs::remove(out);
      return 1;
    }
  }
  // The report last: a failed write removes what this run wrote.
  if (!options->reportPath.empty() &&
      mlir::failed(writeOutputAtomically(options->reportPath, artifacts.report))) {
    if (out != "-") {
      llvm::sys::fs::remove(out);
      if (options->emit == EmitKind::Obj) {
        llvm::SmallString<256> headerPath(out);
        llvm::sys::path::replace_extension(headerPath, ".h");
        llvm::sys::fs::remove(headerPath);
      }
    }
    return 1;
  }
  return 0;
}
