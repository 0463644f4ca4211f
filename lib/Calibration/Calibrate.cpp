//===- Calibrate.cpp - post-training quantization calibration -------------===//
//
// This file implements calibration:
//   1. read the samples and match them to @main's inputs (Samples.cpp);
//   2. clone the module and make every float tensor of @main (arguments and
//      op results, constants excepted) a result of the clone, as f32;
//   3. lower the clone with the normal CPU pipeline for the host, add the
//      usual C entry points, and JIT it with MLIR's ExecutionEngine;
//   4. run all samples through `<prefix>_run_array`, keeping per-tensor
//      statistics only: min/max in a first pass and, for the histogram
//      methods, a fixed-range histogram in a second pass over the same runs;
//   5. choose each tensor's range (Observers.cpp) and annotate the IR.
// Runs are spread over worker threads with their own buffers and
// statistics, merged at the end, so the result does not depend on the
// thread count.
//
//===----------------------------------------------------------------------===//

#include "qcc/Calibration/Calibrate.h"
#include "qcc/Calibration/Jit.h"

#include "Qcc/QccDialect.h"
#include "Qcc/QccOps.h"
#include "qcc/Calibration/Samples.h"
#include "qcc/Pipelines/Pipelines.h"
#include "qcc/Runtime/ModelSignature.h"
#include "qcc/Target/ObjectEmitter.h"
#include "qcc/Target/TargetInfo.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <mutex>
#include <thread>

using namespace mlir;

namespace qcc {

using namespace calib;

/// Symbol prefix of the JIT-compiled observer model.
static constexpr const char *kPrefix = "qcc_calib";

/// A float tensor calibration observes: statically shaped, float elements.
static bool isObservable(Type type) {
  auto tt = dyn_cast<RankedTensorType>(type);
  return tt && tt.hasStaticShape() && isa<FloatType>(tt.getElementType());
}

/// The observed values of `fn` in a fixed order: float arguments, then the
/// float results of every non-constant op in block order. The original and
/// its clone yield corresponding lists.
static SmallVector<Value> observedValues(func::FuncOp fn) {
  SmallVector<Value> values;
  for (BlockArgument arg : fn.getArguments())
    if (isObservable(arg.getType()))
      values.push_back(arg);
  for (Operation &op : fn.getBody().front()) {
    if (op.hasTrait<OpTrait::ConstantLike>() || isa<func::ReturnOp>(op))
      continue;
    for (Value result : op.getResults())
      if (isObservable(result.getType()))
        values.push_back(result);
  }
  return values;
}

/// The observer model, JIT-compiled.
namespace {
struct ObserverModel : JitModel {
  std::vector<int64_t> outputElements; ///< per output
  /// The output holding each observed value (values that CSE merged share
  /// one output).
  std::vector<size_t> outputOf;
};
} // namespace

/// Turns the clone's @main into the observer entry: it returns the observed
/// values (as f32) once each, and it is prepared as the JIT entry
/// (prepareJitEntry). Returns the output index of each observed value.
static FailureOr<std::vector<size_t>> instrument(func::FuncOp fn,
                                                 ArrayRef<Value> observed) {
  MLIRContext *ctx = fn.getContext();
  OpBuilder b(ctx);
  Block &entry = fn.getBody().front();
  auto ret = cast<func::ReturnOp>(entry.getTerminator());
  b.setInsertionPoint(ret);
  SmallVector<Value> results;
  for (Value v : observed) {
    auto tt = cast<RankedTensorType>(v.getType());
    if (!tt.getElementType().isF32())
      v = CastOp::create(b, ret.getLoc(), tt.clone(b.getF32Type()), v);
    results.push_back(v);
  }
  auto newRet = func::ReturnOp::create(b, ret.getLoc(), results);
  ret.erase();
  fn.setFunctionType(
      FunctionType::get(ctx, fn.getArgumentTypes(), newRet.getOperandTypes()));
  fn.setAllResultAttrs(SmallVector<DictionaryAttr>(newRet.getNumOperands(),
                                                   DictionaryAttr::get(ctx)));

  // Merge equal values now (the casts added above, equal ops), so that no
  // value is returned twice: the bufferized entry writes each result into
  // its own out-parameter and cannot alias two of them. Ops that only fed
  // the old results (integer outputs) go away too.
  PassManager pm(ctx, func::FuncOp::getOperationName());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  if (failed(pm.run(fn)))
    return failure();
  newRet = cast<func::ReturnOp>(entry.getTerminator());
  std::vector<size_t> outputOf;
  SmallVector<Value> unique;
  llvm::DenseMap<Value, size_t> index;
  for (Value v : newRet.getOperands()) {
    auto [it, inserted] = index.try_emplace(v, unique.size());
    if (inserted)
      unique.push_back(v);
    outputOf.push_back(it->second);
  }
  newRet->setOperands(unique);

  if (failed(prepareJitEntry(fn, kPrefix)))
    return failure();
  return outputOf;
}

/// Builds the observer model from a clone of `module` and JIT-compiles it
/// for the host.
static FailureOr<ObserverModel> buildObserverModel(ModuleOp module,
                                                   Location loc) {
  OwningOpRef<ModuleOp> clone(cast<ModuleOp>(module->clone()));
  auto fn = clone->lookupSymbol<func::FuncOp>("main");
  SmallVector<Value> observed = observedValues(fn);
  ObserverModel model;
  auto outputOf = instrument(fn, observed);
  if (failed(outputOf))
    return emitError(loc) << "calibration: building the observer model failed";
  model.outputOf = std::move(*outputOf);
  for (Type t : fn.getResultTypes())
    model.outputElements.push_back(cast<RankedTensorType>(t).getNumElements());
  auto jit = jitCompileForHost(*clone, kPrefix, loc, "calibration");
  if (failed(jit))
    return failure();
  static_cast<JitModel &>(model) = std::move(*jit);
  return model;
}

/// Per-thread buffers and statistics.
namespace {
struct Worker {
  std::vector<std::vector<char>> inputs;
  std::vector<char *> inputPtrs;
  std::vector<std::vector<float>> outputs;
  std::vector<void *> outputPtrs;
  AlignedBuffer scratch;
  std::vector<MinMaxStats> minMax;
  std::vector<Histogram> histograms;
};
} // namespace

/// Draws `calibrating [#####     ] 32/64` (samples) on stderr (a terminal).
static void drawProgress(StringRef label, int64_t done, int64_t total) {
  constexpr int width = 30;
  int filled = total ? (int)(width * done / total) : width;
  llvm::errs() << "\rcalibrating " << label << (label.empty() ? "" : " ") << "["
               << std::string(filled, '#') << std::string(width - filled, ' ')
               << "] " << done << "/" << total;
  llvm::errs().flush();
}

/// Runs every batch of `samples` through `model` on `workers` (one thread
/// each), calling `observe(worker)` after each run. Returns the first
/// non-zero status of the model.
static int runAll(const ObserverModel &model, const SampleSet &samples,
                  std::vector<Worker> &workers, bool progress, StringRef label,
                  llvm::function_ref<void(Worker &)> observe) {
  const int64_t runs = samples.numRuns();
  std::atomic<int64_t> next{0}, done{0};
  std::atomic<int> status{0};
  auto work = [&](Worker &worker) {
    for (int64_t r; status == 0 && (r = next++) < runs;) {
      samples.fillRun(r, worker.inputPtrs);
      int rc = model.run(
          worker.scratch.get(),
          reinterpret_cast<const void *const *>(worker.inputPtrs.data()),
          worker.outputPtrs.data());
      if (rc != 0) {
        status = rc;
        break;
      }
      observe(worker);
      ++done;
    }
  };
  std::vector<std::thread> threads;
  for (size_t w = progress ? 0 : 1; w < workers.size(); ++w)
    threads.emplace_back(work, std::ref(workers[w]));
  // Progress counts samples: runs times the batch, the padding excluded.
  auto drawn = [&] {
    drawProgress(label, std::min(done * samples.batch(), samples.numSamples()),
                 samples.numSamples());
  };
  if (progress) {
    // The main thread draws while the workers run.
    while (done < runs && status == 0) {
      drawn();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  } else {
    work(workers.front());
  }
  for (std::thread &t : threads)
    t.join();
  if (progress) {
    drawn();
    llvm::errs() << "\n";
  }
  return status;
}

LogicalResult calibrateModule(ModuleOp module,
                              const CalibrationOptions &options) {
  MLIRContext *ctx = module.getContext();
  auto mainFn = module.lookupSymbol<func::FuncOp>("main");
  if (!mainFn)
    return emitError(module.getLoc()) << "calibration: the module has no main";
  Location loc = mainFn.getLoc();

  // The model's inputs, as the samples must provide them, and the samples.
  auto modelIns = modelInputs(mainFn, "calibration");
  if (failed(modelIns))
    return failure();
  std::vector<ModelInput> &inputs = *modelIns;
  bool isRandom = options.source == "random";
  llvm::Expected<SampleSet> samples =
      SampleSet::fromSource(*ctx, options.source, inputs, options.maxSamples,
                            options.seed, kDefaultRandomSamples);
  if (!samples)
    return emitError(loc) << llvm::toString(samples.takeError());
  if (isRandom)
    emitWarning(loc)
        << "-calib=random: calibrating on " << samples->numSamples()
        << " random standard-normal samples, not on real data; the "
           "quantized model's accuracy is not meaningful (give -calib=DIR "
           "with real inputs)";

  // Observer model.
  auto startTime = std::chrono::steady_clock::now();
  SmallVector<Value> observed = observedValues(mainFn);
  auto model = buildObserverModel(module, loc);
  if (failed(model))
    return failure();
  auto builtTime = std::chrono::steady_clock::now();
  const size_t numObserved = observed.size();
  const size_t numOutputs = model->outputElements.size();

  bool progress = llvm::sys::Process::StandardErrIsDisplayed();
  unsigned threads = options.threads;
  if (threads == 0)
    threads = std::min(std::max(std::thread::hardware_concurrency(), 1u), 8u);
  threads = (unsigned)std::clamp<int64_t>(samples->numRuns(), 1, threads);
  std::vector<Worker> workers(threads);
  for (Worker &w : workers) {
    for (const ModelInput &in : inputs) {
      int64_t bytes = in.batch() * in.sampleBytes();
      w.inputs.emplace_back(std::max<int64_t>(bytes, 1));
      w.inputPtrs.push_back(w.inputs.back().data());
    }
    for (int64_t n : model->outputElements) {
      w.outputs.emplace_back(std::max<int64_t>(n, 1));
      w.outputPtrs.push_back(w.outputs.back().data());
    }
    w.scratch = allocateAligned(model->scratchBytes());
    w.minMax.resize(numOutputs);
  }

  // Pass 1: min/max.
  bool twoPasses = options.method != CalibMethod::MinMax &&
                   !(options.method == CalibMethod::Percentile &&
                     options.percentile >= 100.0);
  auto observeMinMax = [&](Worker &w) {
    for (size_t t = 0; t < numOutputs; ++t)
      w.minMax[t].update(w.outputs[t].data(), model->outputElements[t]);
  };
  if (int rc = runAll(*model, *samples, workers, progress,
                      twoPasses ? "(1/2: ranges)" : "", observeMinMax))
    return emitError(loc) << "calibration: the observer model returned error "
                          << rc;
  std::vector<MinMaxStats> minMax(numOutputs);
  for (Worker &w : workers)
    for (size_t t = 0; t < numOutputs; ++t)
      minMax[t].merge(w.minMax[t]);

  // Pass 2: histograms over the ranges of pass 1.
  std::vector<Histogram> histograms(numOutputs);
  if (twoPasses) {
    bool magnitude = options.method == CalibMethod::Entropy;
    for (Worker &w : workers) {
      w.histograms.resize(numOutputs);
      for (size_t t = 0; t < numOutputs; ++t) {
        const MinMaxStats &m = minMax[t];
        if (m.count == 0)
          continue; // never finite: nothing to bin
        double amax =
            std::max(std::fabs((double)m.min), std::fabs((double)m.max));
        w.histograms[t].reset(magnitude ? 0.0 : m.min, magnitude ? amax : m.max,
                              magnitude);
      }
    }
    auto observeHistogram = [&](Worker &w) {
      for (size_t t = 0; t < numOutputs; ++t)
        if (!w.histograms[t].counts.empty())
          w.histograms[t].update(w.outputs[t].data(), model->outputElements[t]);
    };
    if (int rc = runAll(*model, *samples, workers, progress,
                        "(2/2: histograms)", observeHistogram))
      return emitError(loc)
             << "calibration: the observer model returned error " << rc;
    histograms = std::move(workers.front().histograms);
    for (size_t w = 1; w < workers.size(); ++w)
      for (size_t t = 0; t < numOutputs; ++t)
        if (!histograms[t].counts.empty())
          histograms[t].merge(workers[w].histograms[t]);
  }

  // Ranges.
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<std::pair<float, float>> ranges;
  Value firstNonFinite, firstNeverFinite;
  unsigned numNonFinite = 0, numNeverFinite = 0;
  for (size_t t = 0; t < numObserved; ++t) {
    size_t u = model->outputOf[t];
    const MinMaxStats &m = minMax[u];
    if (m.nonFinite) {
      ++numNonFinite;
      if (!firstNonFinite)
        firstNonFinite = observed[t];
    }
    if (m.count == 0) {
      ++numNeverFinite;
      if (!firstNeverFinite)
        firstNeverFinite = observed[t];
      ranges.push_back({nan, nan});
      continue;
    }
    Range r{m.min, m.max};
    switch (options.method) {
    case CalibMethod::MinMax:
      break;
    case CalibMethod::Percentile:
      if (twoPasses)
        r = percentileRange(histograms[u], m.min, m.max, options.percentile);
      break;
    case CalibMethod::Entropy: {
      double threshold = entropyThreshold(histograms[u], m.min < 0 ? 128 : 256);
      r = {std::max<double>(m.min, -threshold),
           std::min<double>(m.max, threshold)};
      break;
    }
    case CalibMethod::Mse:
      r = mseRange(histograms[u], m.min, m.max, 256);
      break;
    }
    ranges.push_back({(float)r.lo, (float)r.hi});
  }
  auto describe = [](Value v) -> Location {
    if (auto arg = dyn_cast<BlockArgument>(v))
      return arg.getOwner()->getParentOp()->getLoc();
    return v.getDefiningOp()->getLoc();
  };
  if (numNeverFinite)
    emitWarning(describe(firstNeverFinite))
        << "calibration: " << numNeverFinite
        << " tensor(s) had no finite value on any sample (the first is "
           "here); their range is NaN, so they stay in float";
  else if (numNonFinite)
    emitWarning(describe(firstNonFinite))
        << "calibration: " << numNonFinite
        << " tensor(s) had NaN or Inf elements (the first is here); they "
           "were left out of the statistics";

  // Annotations.
  size_t t = 0;
  for (unsigned i = 0; i < mainFn.getNumArguments(); ++i) {
    if (!isObservable(mainFn.getArgument(i).getType()))
      continue;
    auto [lo, hi] = ranges[t++];
    mainFn.setArgAttr(i, "qcc.calib_range",
                      DenseF32ArrayAttr::get(ctx, {lo, hi}));
  }
  for (Operation &op : mainFn.getBody().front()) {
    if (op.hasTrait<OpTrait::ConstantLike>() || isa<func::ReturnOp>(op))
      continue;
    SmallVector<float> values;
    bool any = false;
    for (Value result : op.getResults()) {
      if (isObservable(result.getType())) {
        auto [lo, hi] = ranges[t++];
        values.append({lo, hi});
        any = true;
      } else {
        values.append({nan, nan});
      }
    }
    if (any)
      op.setAttr("qcc.calib_range", DenseF32ArrayAttr::get(ctx, values));
  }
  Builder b(ctx);
  module->setAttr(
      "qcc.calibration",
      b.getDictionaryAttr(
          {b.getNamedAttr("samples",
                          b.getI64IntegerAttr(samples->numSamples())),
           b.getNamedAttr("method",
                          b.getStringAttr(calibMethodName(options.method))),
           b.getNamedAttr("source", b.getStringAttr(options.source))}));

  if (progress) {
    auto seconds = [](auto from, auto to) {
      return std::chrono::duration<double>(to - from).count();
    };
    auto now = std::chrono::steady_clock::now();
    llvm::errs() << llvm::format(
        "calibrated %lld samples (%zu tensors, %s) in %.1f s: JIT %.1f s, "
        "runs %.1f s\n",
        (long long)samples->numSamples(), numObserved,
        calibMethodName(options.method).data(), seconds(startTime, now),
        seconds(startTime, builtTime), seconds(builtTime, now));
  }
  return success();
}

} // namespace qcc
