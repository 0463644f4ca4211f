//===- Compiler.cpp - the qcc compilation driver --------------------------===//
//
// This file implements the compile flow shared by qcc and qcc-run:
//   import ONNX -> graph pipeline -> read the model signature -> CPU codegen
//   pipeline -> LLVM IR + entry points -> optimized object / assembly
// plus the shared command-line options and one-line diagnostics that name
// the model file and the ONNX node.
//
//===----------------------------------------------------------------------===//

#include "qcc/Driver/Compiler.h"

#include "Qcc/QccDialect.h"
#include "Qcc/QccOps.h"
#include "qcc/Driver/MixedPrecision.h"
#include "qcc/Calibration/Sensitivity.h"
#include "qcc/Driver/QuantReport.h"
#include "qcc/Frontend/Onnx/Importer.h"
#include "qcc/Mixed/Mixed.h"
#include "qcc/Mixed/PlanFile.h"
#include "qcc/Pipelines/Pipelines.h"
#include "qcc/Target/ObjectEmitter.h"
#include "qcc/Target/TargetInfo.h"
#include "qcc/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/TargetParser/Triple.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/ManagedStatic.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace qcc {

//===----------------------------------------------------------------------===//
// Command-line options
//===----------------------------------------------------------------------===//

namespace {
namespace cl = llvm::cl;

struct CompilerCLOptions {
  cl::OptionCategory category{"qcc compilation options"};
  cl::opt<std::string> input{cl::Positional, cl::desc("<model.onnx>"),
                             cl::cat(category)};
  cl::opt<std::string> output{"o", cl::desc("Output file ('-' for stdout)"),
                              cl::value_desc("file"), cl::cat(category)};
  cl::opt<EmitKind> emit{
      "emit", cl::desc("What to produce"), cl::init(EmitKind::Obj),
      cl::values(
          clEnumValN(EmitKind::Import, "import",
                     "qcc dialect right after ONNX import"),
          clEnumValN(EmitKind::Mlir, "mlir",
                     "qcc dialect after graph optimization"),
          clEnumValN(EmitKind::Linalg, "linalg",
                     "after lowering to the LLVM dialect (MLIR text)"),
          clEnumValN(EmitKind::Llvm, "llvm", "optimized LLVM IR"),
          clEnumValN(EmitKind::Asm, "asm", "target assembly"),
          clEnumValN(EmitKind::Obj, "obj",
                     "ELF object plus the C header next to it (default)"),
          clEnumValN(EmitKind::Header, "header", "only the C header")),
      cl::cat(category)};
  cl::opt<std::string> target{
      "target",
      cl::desc("Target: generic|avx2|avx512|avx512-vnni|amx|aarch64|neon|"
               "neon-dotprod|neon-i8mm|host (default generic)"),
      cl::init("generic"), cl::cat(category)};
  cl::opt<std::string> mtriple{"mtriple", cl::desc("Override the target triple"),
                               cl::cat(category)};
  cl::opt<std::string> mcpu{"mcpu", cl::desc("Override the target CPU"),
                            cl::cat(category)};
  cl::opt<std::string> mattr{
      "mattr", cl::desc("Extra target features, e.g. +avx512f,-fma"),
      cl::cat(category)};
  cl::opt<unsigned> optLevel{
      "O", cl::desc("Optimization level 0-3 (default 3)"), cl::Prefix,
      cl::init(3), cl::cat(category)};
  cl::opt<std::string> name{
      "name",
      cl::desc("Symbol prefix of the generated functions (default: output "
               "file stem)"),
      cl::cat(category)};
  cl::list<std::string> inputShape{
      "input-shape",
      cl::desc("Pin an input's shape, e.g. x=1x3x224x224 (repeatable, or "
               "comma-separated)"),
      cl::value_desc("name=DxDx..."), cl::cat(category)};
  cl::opt<std::string> quant{
      "quant",
      cl::desc("Precision of the conv/matmul layers: none (default), int8 "
               "(per-channel int8 weights, calibrated int8 activations: "
               "needs -calib), fp16, bf16 (weights; f32 arithmetic) or int4w "
               "(4-bit group-wise weights, f32 activations)"),
      cl::init("none"), cl::cat(category)};
  cl::opt<std::string> report{
      "report",
      cl::desc("Write the per-layer quantization report (JSON) to this file"),
      cl::value_desc("file.json"), cl::cat(category)};
  cl::opt<std::string> int8Activations{
      "int8-activations",
      cl::desc("int8: activation storage, auto (u8 on x86, s8 on AArch64), "
               "u8 (asymmetric) or s8 (symmetric)"),
      cl::init("auto"), cl::cat(category)};
  cl::opt<int64_t> int4Group{
      "int4-group",
      cl::desc("int4w: weights per scale group, 32, 64 or 128 (default 32)"),
      cl::init(32), cl::cat(category)};
  // Mixed precision (docs/MixedPrecision.md).
  cl::opt<std::string> quantCandidates{
      "quant-candidates",
      cl::desc("-quant=mixed: precisions a layer may take, comma-separated "
               "from fp32,fp16,bf16,int8,int4w (default: all the target "
               "supports)"),
      cl::value_desc("list"), cl::cat(category)};
  cl::opt<std::string> sizeBudget{
      "size-budget",
      cl::desc("-quant=mixed: bound on the constants' bytes: 800KB, 1.5MiB, "
               "250000, a fraction of fp32 (0.3) or of the all-int8 plan "
               "(0.6xint8)"),
      cl::value_desc("size"), cl::cat(category)};
  cl::opt<std::string> latencyBudget{
      "latency-budget",
      cl::desc("-quant=mixed: bound on the estimated time: a fraction of the "
               "all-fp32 estimate (0.7), of the all-int8 one (1.2xint8), or "
               "2.5ms"),
      cl::value_desc("time"), cl::cat(category)};
  cl::opt<std::string> maxError{
      "max-error",
      cl::desc("-quant=mixed: bound on the output error: SQNR at least "
               "30dB, or KL divergence at most 0.01kl"),
      cl::value_desc("error"), cl::cat(category)};
  cl::list<std::string> keepFloat{
      "keep-float",
      cl::desc("-quant=mixed: layers kept fp32, by ONNX node name or op type "
               "(Conv, MatMul, Gemm); comma-separated, repeatable"),
      cl::value_desc("name,..."), cl::CommaSeparated, cl::cat(category)};
  cl::opt<std::string> costModel{
      "cost-model",
      cl::desc("-quant=mixed: where layer times come from: table (the "
               "target's cost table, the default)"),
      cl::init("table"), cl::cat(category)};
  cl::opt<int64_t> sensitivitySamples{
      "sensitivity-samples",
      cl::desc("-quant=mixed: calibration samples each sensitivity probe "
               "runs (default 32)"),
      cl::init(32), cl::cat(category)};
  cl::opt<std::string> plan{
      "plan",
      cl::desc("Apply a mixed-precision plan: a JSON file giving layers "
               "(ONNX node names) fp32, fp16, bf16, int8 or int4w "
               "(docs/MixedPrecision.md); needs -calib"),
      cl::value_desc("file.json"), cl::cat(category)};
  cl::opt<bool> text{"x-onnx-text",
                     cl::desc("Read the model as ONNX textual syntax"),
                     cl::cat(category)};
  // Calibration (docs/Calibration.md).
  cl::opt<std::string> calib{
      "calib",
      cl::desc("Calibrate on samples: a folder of .npy/.pb files, an .npz, "
               "or 'random'"),
      cl::value_desc("path|random"), cl::cat(category)};
  cl::opt<std::string> calibMethod{
      "calib-method",
      cl::desc("Range choice: minmax|percentile|entropy|mse (default percentile)"),
      cl::init("percentile"), cl::cat(category)};
  cl::opt<double> calibPercentile{
      "calib-percentile",
      cl::desc("Percentile kept in each tail by -calib-method=percentile, in "
               "(50, 100] (default 99.99)"),
      cl::init(kDefaultCalibPercentile), cl::cat(category)};
  cl::opt<int64_t> calibMaxSamples{
      "calib-max-samples",
      cl::desc("Use at most N samples (default: all; -calib=random: 16)"),
      cl::init(0), cl::cat(category)};
  cl::opt<uint64_t> calibSeed{"calib-seed",
                              cl::desc("Seed of -calib=random (default 0)"),
                              cl::init(0), cl::cat(category)};
  // Developer option: per-layer sensitivities (docs/MixedPrecision.md).
  cl::opt<std::string> dumpSensitivity{
      "dump-sensitivity",
      cl::desc("Measure per-layer precision sensitivity on the -calib "
               "samples and write it to FILE.json"),
      cl::value_desc("FILE.json"), cl::Hidden, cl::cat(category)};
};

llvm::ManagedStatic<CompilerCLOptions> clOptions;
} // namespace

void registerCompilerCLOptions() { *clOptions; }

LogicalResult
parseInputShape(StringRef spec,
                std::map<std::string, std::vector<int64_t>> &shapes,
                std::string &error) {
  auto [name, dims] = spec.rsplit('=');
  if (name.empty() || dims.empty() || !spec.contains('=')) {
    error = "invalid -input-shape '" + spec.str() +
            "': expected name=DxDx... (e.g. x=1x3x224x224)";
    return failure();
  }
  std::vector<int64_t> shape;
  if (dims != "scalar") {
    SmallVector<StringRef> parts;
    dims.split(parts, 'x');
    for (StringRef p : parts) {
      int64_t v;
      if (p.getAsInteger(10, v) || v <= 0) {
        error = "invalid -input-shape '" + spec.str() + "': dimension '" +
                p.str() + "' is not a positive integer";
        return failure();
      }
      shape.push_back(v);
    }
  }
  if (shapes.count(name.str())) {
    error = "-input-shape given twice for '" + name.str() + "'";
    return failure();
  }
  shapes[name.str()] = std::move(shape);
  return success();
}

/// Reads and checks the -quant=mixed flags.
template <typename Fail>
static LogicalResult readMixedOptions(CompilerCLOptions &cl, CompileOptions &o,
                                      Fail fail) {
  bool mixed = o.quant == QuantMode::Mixed;
  for (cl::Option *opt :
       std::initializer_list<cl::Option *>{
           &cl.quantCandidates, &cl.sizeBudget, &cl.latencyBudget,
           &cl.maxError, std::addressof(cl.keepFloat), &cl.sensitivitySamples,
           &cl.costModel})
    if (opt->getNumOccurrences() && !mixed)
      return fail("-" + opt->ArgStr + " needs -quant=mixed");
  if (!mixed)
    return success();
  if (cl.quantCandidates.getNumOccurrences()) {
    SmallVector<StringRef> names;
    StringRef(cl.quantCandidates).split(names, ',', -1, /*KeepEmpty=*/false);
    for (StringRef name : names) {
      auto p = mixed::parseCandidate(name.trim());
      if (!p)
        return fail("invalid -quant-candidates entry '" + name.trim() +
                    "' (expected fp32, fp16, bf16, int8 or int4w)");
      if (!llvm::is_contained(o.quantCandidates, *p))
        o.quantCandidates.push_back(*p);
    }
    if (o.quantCandidates.empty())
      return fail("-quant-candidates is empty");
  } else {
    for (Precision p : mixed::allCandidates())
      o.quantCandidates.push_back(p);
  }
  std::string error;
  if (cl.sizeBudget.getNumOccurrences()) {
    o.sizeBudget = mixed::parseSizeBudget(cl.sizeBudget, error);
    if (!o.sizeBudget)
      return fail(error);
  }
  if (cl.latencyBudget.getNumOccurrences()) {
    o.latencyBudget = mixed::parseLatencyBudget(cl.latencyBudget, error);
    if (!o.latencyBudget)
      return fail(error);
  }
  if (cl.maxError.getNumOccurrences()) {
    o.maxError = mixed::parseErrorBudget(cl.maxError, error);
    if (!o.maxError)
      return fail(error);
  }
  for (const std::string &k : cl.keepFloat)
    if (!StringRef(k).trim().empty())
      o.keepFloat.push_back(StringRef(k).trim().str());
  if (cl.costModel == "measure")
    return fail("-cost-model=measure (timing the compiled candidate kernels "
                "on this machine) is not available: qcc estimates layer "
                "times from the target's cost table (-cost-model=table, the "
                "default; docs/MixedPrecision.md, \"Cost model\")");
  if (cl.costModel != "table")
    return fail("invalid -cost-model '" + cl.costModel +
                "' (expected table)");
  if (cl.sensitivitySamples < 1)
    return fail("invalid -sensitivity-samples " +
                Twine((int64_t)cl.sensitivitySamples) +
                " (expected a positive count)");
  o.sensitivitySamples = cl.sensitivitySamples;
  return success();
}

/// Reads and checks the -calib* flags.
static LogicalResult
readCalibrationOptions(CompilerCLOptions &flags, CompileOptions &o,
                       function_ref<LogicalResult(const Twine &)> fail) {
  o.calibPath = flags.calib;
  auto method = calib::parseCalibMethod(flags.calibMethod);
  if (!method)
    return fail("unknown -calib-method '" + flags.calibMethod +
                "' (expected one of: minmax, percentile, entropy, mse)");
  o.calibMethod = *method;
  o.calibPercentile = flags.calibPercentile;
  if (!(o.calibPercentile > 50.0 && o.calibPercentile <= 100.0)) {
    char text[32];
    snprintf(text, sizeof(text), "%g", o.calibPercentile);
    return fail("invalid -calib-percentile " + Twine(text) +
                " (expected a value in (50, 100], e.g. 99.99)");
  }
  if (flags.calibMaxSamples < 0)
    return fail("invalid -calib-max-samples " +
                Twine((int64_t)flags.calibMaxSamples) +
                " (expected a positive count, or 0 for all)");
  o.calibMaxSamples = flags.calibMaxSamples;
  o.calibSeed = flags.calibSeed;
  o.dumpSensitivityPath = flags.dumpSensitivity;
  if (!o.dumpSensitivityPath.empty() && o.calibPath.empty())
    return fail("-dump-sensitivity needs -calib=PATH|random");
  if (o.calibPath.empty()) {
    for (const cl::Option *opt :
         std::initializer_list<const cl::Option *>{
             &flags.calibMethod, &flags.calibPercentile, &flags.calibMaxSamples,
             &flags.calibSeed})
      if (opt->getNumOccurrences())
        return fail("-" + opt->ArgStr + " needs -calib=PATH|random");
  } else if (o.emit == EmitKind::Import) {
    return fail("-calib has no effect with --emit=import (calibration runs "
                "after the graph pipeline; use --emit=mlir to see the ranges)");
  } else if (flags.calibPercentile.getNumOccurrences() &&
             o.calibMethod != CalibMethod::Percentile) {
    return fail("-calib-percentile needs -calib-method=percentile");
  } else if (flags.calibSeed.getNumOccurrences() && o.calibPath != "random") {
    return fail("-calib-seed needs -calib=random");
  }
  return success();
}

FailureOr<CompileOptions> getCompilerOptionsFromCL() {
  CompilerCLOptions &cl = *clOptions;
  CompileOptions o;
  auto fail = [](const Twine &msg) {
    llvm::WithColor::error(llvm::errs(), "qcc") << msg << "\n";
    return failure();
  };
  if (cl.input.empty())
    return fail("no input model given (usage: qcc model.onnx -o model.o)");
  o.inputPath = cl.input;
  o.outputPath = cl.output;
  o.emit = cl.emit;
  o.target = cl.target;
  o.mtriple = cl.mtriple;
  o.mcpu = cl.mcpu;
  o.mattr = cl.mattr;
  if (cl.optLevel > 3)
    return fail("invalid optimization level -O" + Twine(cl.optLevel) +
                " (expected 0-3)");
  o.optLevel = cl.optLevel;
  o.name = cl.name;
  if (!o.name.empty() && sanitizeIdentifier(o.name) != o.name)
    return fail("invalid -name '" + o.name +
                "': must be a C identifier ([A-Za-z_][A-Za-z0-9_]*)");
  o.forceText = cl.text;
  {
    auto mode = llvm::StringSwitch<std::optional<QuantMode>>(cl.quant)
                    .Case("none", QuantMode::None)
                    .Case("int8", QuantMode::Int8)
                    .Case("fp16", QuantMode::FP16)
                    .Case("bf16", QuantMode::BF16)
                    .Case("int4w", QuantMode::Int4W)
                    .Case("mixed", QuantMode::Mixed)
                    .Default(std::nullopt);
    if (!mode)
      return fail("invalid -quant '" + cl.quant +
                  "' (expected none, int8, fp16, bf16, int4w or mixed)");
    o.quant = *mode;
  }
  if (failed(readMixedOptions(cl, o, fail)))
    return failure();
  o.reportPath = cl.report;
  if (StringRef(o.reportPath).ends_with_insensitive(".html") &&
      o.quant != QuantMode::Mixed)
    return fail("-report=" + o.reportPath +
                ": the HTML page describes a mixed-precision plan and needs "
                "-quant=mixed (other modes write a .json report)");
  if (cl.int4Group != 32 && cl.int4Group != 64 && cl.int4Group != 128)
    return fail("invalid -int4-group " + Twine(cl.int4Group) +
                " (expected 32, 64 or 128)");
  o.int4Group = cl.int4Group;
  if (cl.int8Activations != "auto" && cl.int8Activations != "u8" &&
      cl.int8Activations != "s8")
    return fail("invalid -int8-activations '" + cl.int8Activations +
                "' (expected auto, u8 or s8)");
  o.planPath = cl.plan;
  if (!o.planPath.empty() && o.quant != QuantMode::None)
    return fail("-plan cannot be combined with -quant=" + cl.quant +
                " (the plan gives each layer its precision)");
  if (cl.int8Activations.getNumOccurrences() && o.quant != QuantMode::Int8 &&
      o.quant != QuantMode::Mixed && o.planPath.empty())
    return fail("-int8-activations needs -quant=int8, -quant=mixed or -plan");
  o.int8Activations = cl.int8Activations;
  for (const std::string &s : cl.inputShape) {
    SmallVector<StringRef> specs;
    StringRef(s).split(specs, ',');
    for (StringRef spec : specs) {
      std::string error;
      if (failed(parseInputShape(spec.trim(), o.inputShapes, error)))
        return fail(error);
    }
  }
  if (failed(readCalibrationOptions(cl, o, fail)))
    return failure();
  if (o.quant == QuantMode::Mixed && o.calibPath.empty())
    return fail("-quant=mixed measures each layer's sensitivity on "
                "calibration samples: pass -calib=DIR|FILE.npz|FILE.npy|FILE.pb "
                "with representative inputs (docs/Calibration.md), or "
                "-calib=random to accept a plan chosen on random data");
  if (o.quant == QuantMode::Int8 && o.calibPath.empty())
    return fail("-quant=int8 quantizes activations, which needs calibration "
                "samples: pass -calib=DIR|FILE.npz|FILE.npy|FILE.pb with "
                "representative inputs (docs/Calibration.md), or "
                "-calib=random to accept ranges from random data");
  if (!o.planPath.empty() && o.calibPath.empty())
    return fail("-plan needs calibration samples for its int8 layers' "
                "activation ranges: pass -calib=DIR|FILE.npz|FILE.npy|FILE.pb "
                "(docs/Calibration.md), or -calib=random");
  if (!o.planPath.empty() && o.emit == EmitKind::Import)
    return fail("-plan has no effect with --emit=import (plans apply after "
                "the graph pipeline; use --emit=mlir to see the result)");
  bool known = false;
  for (auto &t : knownTargets())
    known |= t.first == o.target;
  if (!known) {
    std::string names;
    for (auto &t : knownTargets())
      names += (names.empty() ? "" : ", ") + t.first;
    return fail("unknown target '" + o.target + "' (expected one of: " +
                names + ")");
  }
  return o;
}

//===----------------------------------------------------------------------===//
// Paths and output
//===----------------------------------------------------------------------===//

static const char *defaultExtension(EmitKind k) {
  switch (k) {
  case EmitKind::Obj: return ".o";
  case EmitKind::Asm: return ".s";
  case EmitKind::Llvm: return ".ll";
  case EmitKind::Header: return ".h";
  default: return nullptr;
  }
}

std::string defaultOutputPath(const CompileOptions &options) {
  if (!options.outputPath.empty())
    return options.outputPath;
  const char *ext = defaultExtension(options.emit);
  if (!ext)
    return "-";
  return (llvm::sys::path::stem(options.inputPath) + ext).str();
}

std::string defaultModelName(const CompileOptions &options,
                             StringRef outputPath) {
  if (!options.name.empty())
    return options.name;
  StringRef base = outputPath == "-" ? StringRef(options.inputPath) : outputPath;
  return sanitizeIdentifier(llvm::sys::path::stem(base));
}

LogicalResult writeOutputAtomically(StringRef path, StringRef contents) {
  llvm::Error err = llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
    os << contents;
    return llvm::Error::success();
  });
  if (err) {
    llvm::WithColor::error(llvm::errs(), "qcc")
        << "cannot write '" << path << "': " << llvm::toString(std::move(err))
        << "\n";
    return failure();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Diagnostics
//===----------------------------------------------------------------------===//

/// Formats a location as "file: node 'name'" (ONNX nodes) or "file:line:col".
static std::string describeLocation(Location loc) {
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    if (!fused.getLocations().empty())
      return describeLocation(fused.getLocations().front());
  }
  if (auto nameLoc = dyn_cast<NameLoc>(loc)) {
    std::string child = describeLocation(nameLoc.getChildLoc());
    std::string node = "node '" + nameLoc.getName().str() + "'";
    return child.empty() ? node : child + ": " + node;
  }
  if (auto file = dyn_cast<FileLineColLoc>(loc)) {
    if (file.getLine() == 0)
      return file.getFilename().str();
    return (file.getFilename().getValue() + ":" + Twine(file.getLine()) + ":" +
            Twine(file.getColumn()))
        .str();
  }
  if (auto callSite = dyn_cast<CallSiteLoc>(loc))
    return describeLocation(callSite.getCallee());
  return "";
}

static void printDiagnostic(Diagnostic &diag) {
  llvm::raw_ostream &os = llvm::errs();
  std::string where = describeLocation(diag.getLocation());
  os << "qcc: ";
  if (!where.empty())
    os << where << ": ";
  switch (diag.getSeverity()) {
  case DiagnosticSeverity::Error:
    llvm::WithColor(os, llvm::HighlightColor::Error) << "error: ";
    break;
  case DiagnosticSeverity::Warning:
    llvm::WithColor(os, llvm::HighlightColor::Warning) << "warning: ";
    break;
  case DiagnosticSeverity::Note:
    llvm::WithColor(os, llvm::HighlightColor::Note) << "note: ";
    break;
  case DiagnosticSeverity::Remark:
    llvm::WithColor(os, llvm::HighlightColor::Remark) << "remark: ";
    break;
  }
  os << diag.str() << "\n";
  for (Diagnostic &note : diag.getNotes())
    printDiagnostic(note);
}

//===----------------------------------------------------------------------===//
// Compilation
//===----------------------------------------------------------------------===//

/// Rewrites i1 tensors in the entry's signature to i8 (0/1 bytes, the ABI's
/// bool) with qcc.cast at the boundary.
static void widenBoolInterface(func::FuncOp fn) {
  MLIRContext *ctx = fn.getContext();
  auto i8 = IntegerType::get(ctx, 8);
  auto widen = [&](Type t) -> Type {
    auto tt = dyn_cast<RankedTensorType>(t);
    if (tt && tt.getElementType().isInteger(1))
      return tt.clone(i8);
    return t;
  };
  Block &entry = fn.getBody().front();
  OpBuilder b(ctx);
  b.setInsertionPointToStart(&entry);
  for (BlockArgument arg : entry.getArguments()) {
    Type wide = widen(arg.getType());
    if (wide == arg.getType())
      continue;
    Type narrow = arg.getType();
    arg.setType(wide);
    auto cast = CastOp::create(b, fn.getLoc(), narrow, arg);
    arg.replaceAllUsesExcept(cast.getResult(), cast);
  }
  fn.walk([&](func::ReturnOp ret) {
    b.setInsertionPoint(ret);
    for (OpOperand &operand : ret->getOpOperands()) {
      Type wide = widen(operand.get().getType());
      if (wide != operand.get().getType())
        operand.set(CastOp::create(b, ret.getLoc(), wide, operand.get()));
    }
  });
  SmallVector<Type> inputs, results;
  for (Type t : fn.getArgumentTypes())
    inputs.push_back(widen(t));
  for (Type t : fn.getResultTypes())
    results.push_back(widen(t));
  fn.setFunctionType(FunctionType::get(ctx, inputs, results));
}

/// Quantized results (a QuantizeLinear at the end of the graph) cross the
/// ABI as their storage integers: the entry returns the raw u8/i8 values, as
/// ONNX does, and the result is marked `qcc.unsigned` for unsigned storage.
static void storeQuantizedResultsAsIntegers(func::FuncOp fn) {
  auto storageOf = [](Type t) -> std::pair<Type, bool> {
    auto tt = dyn_cast<RankedTensorType>(t);
    auto q = tt ? dyn_cast<quant::QuantizedType>(tt.getElementType())
                : quant::QuantizedType();
    if (!q)
      return {t, false};
    Type storage = IntegerType::get(t.getContext(), q.getStorageTypeIntegralWidth());
    return {tt.clone(storage), !q.isSigned()};
  };
  OpBuilder b(fn.getContext());
  fn.walk([&](func::ReturnOp ret) {
    b.setInsertionPoint(ret);
    for (OpOperand &operand : ret->getOpOperands()) {
      auto [storage, isUnsigned] = storageOf(operand.get().getType());
      if (storage != operand.get().getType())
        operand.set(ReshapeOp::create(b, ret.getLoc(), storage, operand.get()));
    }
  });
  SmallVector<Type> results;
  for (auto [i, t] : llvm::enumerate(fn.getResultTypes())) {
    auto [storage, isUnsigned] = storageOf(t);
    if (storage != t && isUnsigned)
      fn.setResultAttr(i, "qcc.unsigned", UnitAttr::get(fn.getContext()));
    results.push_back(storage);
  }
  fn.setFunctionType(
      FunctionType::get(fn.getContext(), fn.getArgumentTypes(), results));
}

static std::string printModule(ModuleOp module) {
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os, OpPrintingFlags().elideLargeResourceString());
  return text;
}

static LogicalResult runPipeline(ModuleOp module,
                                 function_ref<void(OpPassManager &)> build) {
  PassManager pm(module->getContext());
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  build(pm);
  return pm.run(module);
}

/// Applies a mixed-precision plan (docs/MixedPrecision.md): stamps
/// `qcc.plan` on each layer op and runs the quantization pipeline in mode
/// "mixed" (qcc-quantize and qcc-quantize-weights with follow-plan).
/// `module` has calibrated ranges; `layers` come from collectLayers on it;
/// `plan[i]` is layer i's precision.
static LogicalResult applyPlan(ModuleOp module, ArrayRef<mixed::Layer> layers,
                               ArrayRef<Precision> plan,
                               const QuantizationOptions &options) {
  mixed::stampPlan(layers, plan);
  QuantizationOptions qo = options;
  qo.mode = "mixed";
  return runPipeline(
      module, [&](OpPassManager &pm) { buildQuantizationPipeline(pm, qo); });
}

/// -dump-sensitivity: collects the layers (all candidates), measures their
/// sensitivity on the calibration samples and writes
/// {metric, samples, probes, compile_seconds, seconds, uniform: {candidate:
/// error of the plan with every layer at it}, layers: [{id, name, op,
/// errors: {candidate: error}}]}.
static LogicalResult dumpSensitivity(ModuleOp module,
                                     const CompileOptions &options,
                                     const TargetSpec &spec) {
  mixed::LayerOptions layerOptions;
  layerOptions.candidates.assign(mixed::allCandidates().begin(),
                                 mixed::allCandidates().end());
  std::vector<mixed::Layer> layers = mixed::collectLayers(module, layerOptions);
  SensitivityOptions so;
  so.source = options.calibPath;
  so.maxSamples = options.calibMaxSamples;
  so.seed = options.calibSeed;
  so.int4Group = options.int4Group;
  so.asU8 = options.int8Activations == "auto"
                ? !llvm::Triple(spec.triple).isAArch64()
                : options.int8Activations == "u8";
  so.progress = llvm::sys::Process::StandardErrIsDisplayed();
  auto engine = SensitivityEngine::create(module, layers, so);
  if (failed(engine))
    return failure();
  auto result = (*engine)->measure();
  if (failed(result))
    return failure();
  llvm::json::Array jsonLayers;
  for (const mixed::Layer &l : layers) {
    llvm::json::Object errors;
    for (auto &[p, e] : result->error[l.id])
      errors[mixed::candidateName(p)] = e;
    jsonLayers.push_back(llvm::json::Object{{"id", l.id},
                                            {"name", l.name},
                                            {"op", l.opType},
                                            {"errors", std::move(errors)}});
  }
  // Uniform plans (each layer at the precision where it is allowed, else
  // fp32), simulated whole.
  llvm::json::Object uniform;
  for (Precision p : mixed::allCandidates()) {
    std::vector<Precision> plan;
    for (const mixed::Layer &l : layers)
      plan.push_back(llvm::is_contained(l.allowed, p) ? p : Precision::f32);
    auto error = (*engine)->evaluate(plan);
    if (failed(error))
      return failure();
    uniform[mixed::candidateName(p)] = *error;
  }
  llvm::json::Object root{{"metric", result->metric},
                          {"uniform", std::move(uniform)},
                          {"samples", result->samples},
                          {"probes", result->probes},
                          {"compile_seconds", (*engine)->compileSeconds()},
                          {"seconds", result->seconds},
                          {"layers", std::move(jsonLayers)}};
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
  return writeOutputAtomically(options.dumpSensitivityPath, text);
}

LogicalResult compileModel(const CompileOptions &options,
                           CompileArtifacts &artifacts) {
  DialectRegistry registry;
  registerAllQccDialects(registry);
  MLIRContext context(registry);
  context.loadDialect<QccDialect, func::FuncDialect>();
  ScopedDiagnosticHandler handler(&context, [](Diagnostic &diag) {
    printDiagnostic(diag);
    return success();
  });
  // Errors that have no location of their own name the model file.
  Location fileLoc = FileLineColLoc::get(
      &context, llvm::sys::path::filename(options.inputPath), 0, 0);

  // Resolve the target before the (slow) import so flag errors come first.
  auto spec = resolveTarget(options.target, options.mtriple, options.mcpu,
                            options.mattr);
  if (!spec)
    return emitError(fileLoc) << llvm::toString(spec.takeError());
  auto tm = createTargetMachine(*spec, options.optLevel);
  if (!tm)
    return emitError(fileLoc) << llvm::toString(tm.takeError());

  OnnxImportOptions importOptions;
  importOptions.inputShapes = options.inputShapes;
  importOptions.forceText = options.forceText;
  OwningOpRef<ModuleOp> module =
      importOnnxFile(context, options.inputPath, importOptions);
  if (!module)
    return failure();
  auto mainFn = module->lookupSymbol<func::FuncOp>("main");
  if (!mainFn)
    return emitError(fileLoc) << "internal error: import produced no main";
  if (options.emit == EmitKind::Import) {
    artifacts.output = printModule(*module);
    return success();
  }

  if (failed(runPipeline(*module,
                         [](OpPassManager &pm) { buildGraphPipeline(pm); })))
    return failure();

  if (!options.calibPath.empty()) {
    CalibrationOptions calibration{
        options.calibPath, options.calibMethod, options.calibPercentile,
        options.calibMaxSamples, options.calibSeed};
    if (failed(calibrateModule(*module, calibration)))
      return failure();
    if (!options.dumpSensitivityPath.empty() &&
        failed(dumpSensitivity(*module, options, *spec)))
      return failure();
  }

  // Quantization (docs/Quantization.md): after the graph passes (BatchNorm
  // folded, activations fused) so that ranges and weights are final.
  QuantTotals quantTotals;
  bool hasPlan = !options.planPath.empty();
  bool quantizes = options.quant != QuantMode::None || hasPlan;
  StringRef quantName = hasPlan ? "mixed" : quantModeName(options.quant);
  bool wantsReport = quantizes || !options.reportPath.empty();
  if (wantsReport)
    quantTotals.constantBytesBefore = constantBytes(*module);
  // Activations: asymmetric u8 on x86 (its u8 x s8 dot products), symmetric
  // s8 on AArch64 (sdot/smmla multiply signed bytes with no zero point).
  std::string activationType = options.int8Activations;
  if (activationType == "auto")
    activationType = llvm::Triple(spec->triple).isAArch64() ? "s8" : "u8";
  mixed::PlanReport planReport;
  bool mixed = options.quant == QuantMode::Mixed;
  if (mixed) {
    MixedOptions mo;
    mo.candidates = options.quantCandidates;
    mo.size = options.sizeBudget;
    mo.latency = options.latencyBudget;
    mo.error = options.maxError;
    mo.keepFloat = options.keepFloat;
    mo.calibPath = options.calibPath;
    mo.calibSeed = options.calibSeed;
    mo.sensitivitySamples = options.sensitivitySamples;
    mo.int4Group = options.int4Group;
    mo.activationsU8 = activationType == "u8";
    planReport.model = options.inputPath;
    if (failed(planMixedPrecision(*module, mo, *spec, fileLoc, planReport)))
      return failure();
  }
  if (quantizes) {
    QuantizationOptions qo;
    qo.mode = quantModeName(options.quant);
    qo.int4GroupSize = options.int4Group;
    qo.activationType = activationType;
    if (hasPlan) {
      // Every candidate: the plan file, not the target, decides.
      mixed::LayerOptions lo;
      lo.candidates.assign(mixed::allCandidates().begin(),
                           mixed::allCandidates().end());
      std::vector<mixed::Layer> layers = mixed::collectLayers(*module, lo);
      std::vector<Precision> plan;
      std::string error;
      if (failed(mixed::readPlanFile(options.planPath, layers, plan, error)))
        return emitError(fileLoc) << error;
      if (failed(applyPlan(*module, layers, plan, qo)))
        return failure();
    } else if (failed(runPipeline(*module, [&](OpPassManager &pm) {
                 // -quant=mixed: the planner stamped `qcc.plan` on every
                 // layer; mode "mixed" follows it.
                 buildQuantizationPipeline(pm, qo);
               }))) {
      return failure();
    }
  }
  if (wantsReport) {
    quantTotals.constantBytesAfter = constantBytes(*module);
    artifacts.report = buildQuantReport(*module, options.inputPath,
                                        spec->name, quantName, quantTotals);
    if (mixed && StringRef(options.reportPath).ends_with_insensitive(".html")) {
      artifacts.report = mixed::planReportHtml(planReport);
    } else if (mixed) {
      // The plan goes into the quantization report under "plan".
      auto parsed = llvm::json::parse(artifacts.report);
      if (!parsed)
        return emitError(fileLoc) << "internal error: report JSON: "
                                  << llvm::toString(parsed.takeError());
      if (auto *obj = parsed->getAsObject())
        (*obj)["plan"] = mixed::planReportJson(planReport);
      std::string text;
      llvm::raw_string_ostream os(text);
      os << llvm::formatv("{0:2}", *parsed) << "\n";
      artifacts.report = std::move(text);
    }
  }
  auto printSummary = [&](int64_t objectBytes) {
    if (mixed)
      mixed::printPlanSummary(llvm::errs(), planReport);
    if (quantizes)
      printQuantSummary(llvm::errs(), quantName, quantTotals, objectBytes);
  };

  if (options.emit == EmitKind::Mlir) {
    printSummary(-1);
    artifacts.output = printModule(*module);
    return success();
  }

  std::string outputPath = defaultOutputPath(options);
  std::string prefix = defaultModelName(options, outputPath);
  storeQuantizedResultsAsIntegers(mainFn);
  auto sig = extractSignature(mainFn, prefix);
  if (failed(sig))
    return failure();
  artifacts.signature = *sig;

  // Bool tensors cross the ABI as one byte per element. Inside, i1 vectors
  // are bit-packed in memory, so convert at the boundary.
  widenBoolInterface(mainFn);

  // The entry becomes an internal function wrapped by the C entry points;
  // inputs are read-only for bufferization (the ABI never writes them).
  std::string implName = prefix + "__impl";
  if (failed(SymbolTable::replaceAllSymbolUses(
          mainFn, StringAttr::get(&context, implName), *module)))
    return failure();
  SymbolTable::setSymbolName(mainFn, implName);
  for (unsigned i = 0; i < mainFn.getNumArguments(); ++i)
    mainFn.setArgAttr(i, bufferization::BufferizationDialect::kWritableAttrName,
                      BoolAttr::get(&context, false));

  CpuCodegenOptions codegen;
  codegen.vectorWidth = std::max<int64_t>(spec->vectorBits / 32, 1);
  codegen.pmaddwdLanes =
      std::min<int64_t>(spec->pmaddwdBits, spec->vectorBits) / 32;
  codegen.entryName = implName;
  codegen.vectorize = options.optLevel > 0;
  codegen.hasRounding = spec->hasRounding;
  codegen.hasF16Conversion = spec->hasF16Conversion;
  if (failed(runPipeline(*module, [&](OpPassManager &pm) {
        buildCpuCodegenPipeline(pm, codegen);
      })))
    return failure();
  auto implFn = module->lookupSymbol(implName);
  if (auto size =
          implFn ? implFn->getAttrOfType<IntegerAttr>("qcc.scratch_size")
                 : IntegerAttr())
    artifacts.signature.scratchSize = size.getInt();
  if (options.emit == EmitKind::Linalg) {
    artifacts.output = printModule(*module);
    return success();
  }

  llvm::LLVMContext llvmContext;
  auto llvmModule =
      translateAndOptimize(*module, llvmContext, **tm, *spec,
                           artifacts.signature, implName, options.optLevel);
  if (!llvmModule)
    return emitError(fileLoc) << llvm::toString(llvmModule.takeError());

  if (options.emit == EmitKind::Header || options.emit == EmitKind::Obj)
    artifacts.header = emitHeader(artifacts.signature);
  if (options.emit == EmitKind::Header)
    return success();
  if (options.emit == EmitKind::Llvm) {
    llvm::raw_string_ostream os(artifacts.output);
    (*llvmModule)->print(os, nullptr);
    return success();
  }
  auto code = emitMachineCode(**llvmModule, **tm,
                              options.emit == EmitKind::Asm);
  if (!code)
    return emitError(fileLoc) << llvm::toString(code.takeError());
  artifacts.output = std::move(*code);
  printSummary(options.emit == EmitKind::Obj ? (int64_t)artifacts.output.size()
                                             : -1);
  return success();
}

StringRef quantModeName(QuantMode mode) {
  switch (mode) {
  case QuantMode::None:
    return "none";
  case QuantMode::FP16:
    return "fp16";
  case QuantMode::BF16:
    return "bf16";
  case QuantMode::Int8:
    return "int8";
  case QuantMode::Int4W:
    return "int4w";
  case QuantMode::Mixed:
    return "mixed";
  }
  llvm_unreachable("unknown quantization mode");
}

} // namespace qcc
