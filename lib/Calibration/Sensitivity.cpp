//===- Sensitivity.cpp - per-layer precision sensitivity ------------------===//
//
// This file implements the sensitivity engine (Sensitivity.h):
//   1. read the samples as calibration does (Samples.cpp);
//   2. clone the module and rewrite the clone's @main into the probe model:
//      - each layer's weight becomes an extra f32 argument, and so does the
//        bias of a layer that int8 can quantize;
//      - each int8-capable layer's input x becomes
//          x' = dequantize(quantize(x)) * on + x * off
//        with the per-tensor parameters qcc-quantize derives from x's
//        calibrated range, and (on, off) = (1, 0) or (0, 1) read from a
//        `gates` argument at run time; the output of a layer whose result a
//        plan can keep in int8 (read by another int8-capable layer, with an
//        integer epilogue) gets the same kind of gate;
//      - only the float outputs are kept, as f32;
//   3. JIT-compile it once (Jit.cpp);
//   4. run every sample with all layers in float for the reference outputs,
//      then, for each probe (layer, candidate), run every sample with that
//      layer's weight argument pointing at the weights the passes would
//      produce (QuantMath.h) and, for int8, its input gate on.
// Probes are spread over worker threads; each probe's error is summed over
// the runs in run order by one thread, so results do not depend on thread
// timing.
//
//===----------------------------------------------------------------------===//

#include "qcc/Calibration/Sensitivity.h"

#include "Qcc/ConstantData.h"
#include "Qcc/QccOps.h"
#include "qcc/Calibration/Calibrate.h"
#include "qcc/Calibration/Jit.h"
#include "qcc/Calibration/Samples.h"
#include "qcc/Transforms/QuantMath.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/raw_ostream.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <optional>
#include <thread>

using namespace mlir;

namespace qcc {

using namespace calib;
using mixed::Layer;
namespace qm = quant_math;

/// Symbol prefix of the JIT-compiled probe model.
static constexpr const char *kPrefix = "qcc_sens";

/// KL terms use kKlFloor for a probability the quantized model rounds to
/// zero, so that it gives a large, finite divergence.
static constexpr double kKlFloor = 1e-12;

namespace {

/// A layer as the probe model sees it.
struct ProbeLayer {
  Layer layer;
  std::vector<double> weight;   ///< float weights
  std::vector<float> weightF32; ///< the same as f32
  std::vector<int64_t> shape;   ///< weight shape
  int64_t axis = 0;             ///< output-channel axis of the weight
  std::vector<double> bias;     ///< float bias (empty: no bias argument)
  std::vector<float> biasF32;
  int biasArg = -1;              ///< argument index of the bias
  bool int8 = false;             ///< w8a8 is a candidate
  int inGate = -1, outGate = -1; ///< gate sites (-1: none)
  qm::ActivationParams inParams, outParams;
  std::vector<int64_t> consumers; ///< layers reading the output (as input)
};

/// A float output of the probe model.
struct Output {
  std::string name;
  int64_t elements = 0;
  /// Elements per batch slot when the leading dimension is the batch (so
  /// padded slots can be left out), else 0.
  int64_t slotElements = 0;
  /// Softmax geometry (KL): rows = outer * inner rows of `axisLen` values
  /// at stride `inner`.
  bool softmax = false;
  int64_t outer = 1, axisLen = 1, inner = 1;
};

/// Per-thread buffers.
struct Worker {
  std::vector<std::vector<char>> inputs; ///< the model's inputs
  std::vector<char *> inputPtrs;
  std::vector<const void *> args; ///< inputs, weights, biases, gates
  std::vector<std::vector<float>> outputs;
  std::vector<void *> outputPtrs;
  AlignedBuffer scratch;
  std::vector<float> gates;
  std::vector<float> weightBuffer, biasBuffer;
};

/// One configuration of the probe model: what each argument points at and
/// which gates are on.
struct Config {
  std::vector<const float *> weights; ///< per layer
  std::vector<const float *> biases;  ///< per layer (null: no argument)
  std::vector<bool> gatesOn;          ///< per gate site
};

} // namespace

struct SensitivityEngine::Impl {
  SensitivityOptions options;
  Location loc;
  std::vector<ProbeLayer> layers;
  std::vector<ModelInput> inputs;
  std::optional<SampleSet> samples;
  JitModel model;
  std::vector<Output> outputs;
  size_t weightArg0 = 0, gatesArg = 0, numArgs = 0;
  int numGates = 0;
  std::string metric;
  double compileSeconds = 0;

  bool haveReference = false;
  std::vector<std::vector<std::vector<float>>> reference; ///< [run][output]
  /// Denominator of the metric over all samples: the outputs' power (mse)
  /// or the number of rows (kl).
  double denominator = 0;

  Impl(Location loc) : loc(loc) {}

  FailureOr<std::vector<Worker>> makeWorkers(int64_t items);
  LogicalResult runParallel(std::vector<Worker> &workers, int64_t items,
                            llvm::function_ref<int(Worker &, int64_t)> body,
                            StringRef unit);
  void bind(Worker &w, const Config &config);
  int runOnce(Worker &w, int64_t run);
  double runError(const Worker &w, int64_t run) const;
  double runDenominator(const Worker &w, int64_t run) const;
  Config floatConfig() const;
  LogicalResult computeReference(std::vector<Worker> &workers);
  Config planConfig(ArrayRef<Precision> plan,
                    std::vector<std::vector<float>> &weightStore,
                    std::vector<std::vector<float>> &biasStore) const;
};

SensitivityEngine::SensitivityEngine(std::unique_ptr<Impl> impl)
    : impl(std::move(impl)) {}
SensitivityEngine::~SensitivityEngine() = default;
double SensitivityEngine::compileSeconds() const {
  return impl->compileSeconds;
}
StringRef SensitivityEngine::metric() const { return impl->metric; }

/// The calibrated range of `v` (as qcc-quantize reads it), or none.
static std::optional<std::pair<double, double>> calibratedRange(Value v) {
  DenseF32ArrayAttr attr;
  unsigned index = 0;
  if (auto arg = dyn_cast<BlockArgument>(v)) {
    auto fn = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp());
    if (!fn)
      return std::nullopt;
    attr = fn.getArgAttrOfType<DenseF32ArrayAttr>(arg.getArgNumber(),
                                                  "qcc.calib_range");
  } else {
    attr =
        v.getDefiningOp()->getAttrOfType<DenseF32ArrayAttr>("qcc.calib_range");
    index = cast<OpResult>(v).getResultNumber();
  }
  if (!attr || (int64_t)attr.size() < 2 * (index + 1))
    return std::nullopt;
  double lo = attr[2 * index], hi = attr[2 * index + 1];
  if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi)
    return std::nullopt;
  return std::make_pair(lo, hi);
}

/// The values of a constant f32 operand, or none.
static std::optional<std::vector<double>> constantValues(Value v) {
  ElementsAttr attr;
  if (!v || !matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  return getElementsAsDouble(attr);
}

/// x' = dequantize(quantize(x)) * gates[2 * site] + x * gates[2 * site + 1].
static Value buildGate(OpBuilder &b, Location loc, Value x,
                       const qm::ActivationParams &p, Value gates, int site) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(x.getType());
  Type i8 = IntegerType::get(ctx, 8), f32 = Float32Type::get(ctx);
  auto qType = quant::UniformQuantizedType::get(
      p.isSigned ? quant::QuantizationFlags::Signed : 0, i8, f32, p.scale,
      p.zeroPoint, p.qmin, p.qmax);
  Value q = QuantizeOp::create(b, loc, type.clone(qType), x);
  Value dq = DequantizeOp::create(b, loc, type, q);
  auto scalar = RankedTensorType::get({1}, f32);
  auto slice = [&](int64_t i) -> Value {
    return SliceOp::create(b, loc, scalar, gates, b.getDenseI64ArrayAttr({i}),
                           b.getDenseI64ArrayAttr({1}));
  };
  auto mul = BinaryKindAttr::get(ctx, BinaryKind::mul);
  Value on = BinaryOp::create(b, loc, type, mul, dq, slice(2 * site));
  Value off = BinaryOp::create(b, loc, type, mul, x, slice(2 * site + 1));
  return BinaryOp::create(b, loc, type,
                          BinaryKindAttr::get(ctx, BinaryKind::add), on, off);
}

FailureOr<std::unique_ptr<SensitivityEngine>>
SensitivityEngine::create(ModuleOp module, ArrayRef<Layer> layers,
                          const SensitivityOptions &options) {
  MLIRContext *ctx = module.getContext();
  auto mainFn = module.lookupSymbol<func::FuncOp>("main");
  if (!mainFn)
    return emitError(module.getLoc()) << "sensitivity: the module has no main";
  auto impl = std::make_unique<Impl>(mainFn.getLoc());
  Location loc = mainFn.getLoc();
  impl->options = options;
  auto startTime = std::chrono::steady_clock::now();
  if (options.int4Group < 2 || options.int4Group % 2 != 0)
    return emitError(loc) << "sensitivity: the int4 group size must be a "
                             "positive even number, got "
                          << options.int4Group;

  // The model's inputs and the samples (as calibration reads them).
  auto modelIns = modelInputs(mainFn, "sensitivity");
  if (failed(modelIns))
    return failure();
  impl->inputs = std::move(*modelIns);
  llvm::Expected<SampleSet> samples = SampleSet::fromSource(
      *ctx, options.source, impl->inputs, options.maxSamples, options.seed,
      kDefaultRandomSamples);
  if (!samples)
    return emitError(loc) << llvm::toString(samples.takeError());
  impl->samples.emplace(std::move(*samples));

  // The layers, checked against the module.
  llvm::DenseMap<int64_t, Operation *> opOfId;
  mainFn.walk([&](Operation *op) {
    if (auto id = op->getAttrOfType<IntegerAttr>(mixed::kLayerIdAttr))
      opOfId[id.getInt()] = op;
  });
  for (size_t i = 0; i < layers.size(); ++i) {
    const Layer &l = layers[i];
    auto it = opOfId.find(l.id);
    if (l.id != (int64_t)i || it == opOfId.end() ||
        !isa<Conv2DOp, MatMulOp>(it->second))
      return emitError(loc) << "sensitivity: layer " << i
                            << " is not a conv2d/matmul stamped with "
                               "qcc.layer_id = "
                            << i << " (run collectLayers on this module)";
    Operation *op = it->second;
    ProbeLayer p;
    p.layer = l;
    p.layer.op = nullptr;
    auto weight = constantValues(op->getOperand(1));
    auto wType = cast<RankedTensorType>(op->getOperand(1).getType());
    if (!weight || !wType.getElementType().isF32() || !wType.hasStaticShape())
      return emitError(op->getLoc())
             << "sensitivity: layer " << i << " has no constant f32 weight";
    p.weight = std::move(*weight);
    p.weightF32.assign(p.weight.begin(), p.weight.end());
    p.shape.assign(wType.getShape().begin(), wType.getShape().end());
    p.axis = isa<MatMulOp>(op) ? 1 : 0;
    p.int8 = llvm::is_contained(l.allowed, Precision::w8a8);
    if (p.int8) {
      auto range = calibratedRange(op->getOperand(0));
      if (!range)
        return emitError(op->getLoc()) << "sensitivity: layer " << i
                                       << " allows int8 but its input has "
                                          "no calibrated range";
      p.inParams =
          qm::activationParams(range->first, range->second, options.asU8);
      if (op->getNumOperands() > 2) {
        auto bias = constantValues(op->getOperand(2));
        if (!bias || (int64_t)bias->size() != l.shape.outChannels)
          return emitError(op->getLoc())
                 << "sensitivity: layer " << i
                 << " allows int8 but its bias is not a per-channel constant";
        p.bias = std::move(*bias);
        p.biasF32.assign(p.bias.begin(), p.bias.end());
      }
    }
    impl->layers.push_back(std::move(p));
  }
  for (ProbeLayer &p : impl->layers)
    for (int64_t producer : p.layer.producers)
      if (producer >= 0 && producer < (int64_t)impl->layers.size())
        impl->layers[producer].consumers.push_back(p.layer.id);

  // Gate sites: inputs of int8-capable layers, and outputs that a plan can
  // keep in int8 (as qcc-quantize decides: an integer epilogue, a range,
  // and a reader that can be int8).
  int numGates = 0;
  for (ProbeLayer &p : impl->layers) {
    if (!p.int8)
      continue;
    p.inGate = numGates++;
    Operation *op = opOfId[p.layer.id];
    auto range = calibratedRange(op->getResult(0));
    bool int8Reader = llvm::any_of(
        p.consumers, [&](int64_t c) { return impl->layers[c].int8; });
    if (p.layer.intEpilogue && range && int8Reader) {
      p.outGate = numGates++;
      p.outParams =
          qm::activationParams(range->first, range->second, options.asU8);
    }
  }
  impl->numGates = numGates;

  // The outputs and the metric.
  auto ret = cast<func::ReturnOp>(mainFn.getBody().front().getTerminator());
  bool allSoftmax = true;
  SmallVector<unsigned> floatResults;
  for (unsigned i = 0; i < ret.getNumOperands(); ++i) {
    Value v = ret.getOperand(i);
    auto tt = dyn_cast<RankedTensorType>(v.getType());
    if (!tt || !tt.hasStaticShape() || !isa<FloatType>(tt.getElementType()))
      continue;
    floatResults.push_back(i);
    Output out;
    auto name = mainFn.getResultAttrOfType<StringAttr>(i, "qcc.name");
    out.name = name ? name.str() : "output" + std::to_string(i);
    out.elements = tt.getNumElements();
    int64_t batch = impl->samples->batch();
    if (tt.getRank() >= 1 && tt.getDimSize(0) == batch && batch > 1)
      out.slotElements = out.elements / batch;
    auto softmax = v.getDefiningOp<SoftmaxOp>();
    if (softmax && !softmax.getLog()) {
      int64_t axis = softmax.getAxis();
      if (axis < 0)
        axis += tt.getRank();
      if (axis >= 0 && axis < tt.getRank() &&
          !(axis == 0 && out.slotElements)) {
        out.softmax = true;
        for (int64_t d = 0; d < tt.getRank(); ++d) {
          int64_t n = tt.getDimSize(d);
          (d < axis ? out.outer : d == axis ? out.axisLen : out.inner) *= n;
        }
      }
    }
    if (!out.softmax) {
      allSoftmax = false;
      if (options.metric == SensitivityOptions::Metric::Kl)
        return emitError(loc) << "sensitivity: the KL metric needs "
                                 "probability outputs, but output '"
                              << out.name << "' is not a softmax";
    }
    impl->outputs.push_back(std::move(out));
  }
  if (impl->outputs.empty())
    return emitError(loc) << "sensitivity: the model has no statically "
                             "shaped float output to measure";
  bool kl = options.metric == SensitivityOptions::Metric::Kl ||
            (options.metric == SensitivityOptions::Metric::Auto && allSoftmax);
  impl->metric = kl ? "kl" : "mse";

  // The probe model.
  OwningOpRef<ModuleOp> clone(cast<ModuleOp>(module->clone()));
  auto fn = clone->lookupSymbol<func::FuncOp>("main");
  llvm::DenseMap<int64_t, Operation *> cloneOp;
  fn.walk([&](Operation *op) {
    if (auto id = op->getAttrOfType<IntegerAttr>(mixed::kLayerIdAttr))
      cloneOp[id.getInt()] = op;
  });
  Block &entry = fn.getBody().front();
  auto cloneRet = cast<func::ReturnOp>(entry.getTerminator());
  OpBuilder b(ctx);
  // Outputs: the float results once each, as f32.
  b.setInsertionPoint(cloneRet);
  SmallVector<Value> results;
  for (unsigned i : floatResults) {
    Value v = cloneRet.getOperand(i);
    auto tt = cast<RankedTensorType>(v.getType());
    if (!tt.getElementType().isF32())
      v = CastOp::create(b, cloneRet.getLoc(), tt.clone(b.getF32Type()), v);
    // A value returned twice would need two out-parameters for one buffer.
    if (llvm::is_contained(results, v))
      v = BinaryOp::create(
          b, cloneRet.getLoc(), v.getType(),
          BinaryKindAttr::get(ctx, BinaryKind::add), v,
          ConstantOp::create(
              b, cloneRet.getLoc(),
              DenseElementsAttr::get(RankedTensorType::get({1}, b.getF32Type()),
                                     0.0f)));
    results.push_back(v);
  }
  func::ReturnOp::create(b, cloneRet.getLoc(), results);
  cloneRet.erase();
  fn.setAllResultAttrs(
      SmallVector<DictionaryAttr>(results.size(), DictionaryAttr::get(ctx)));

  // Arguments: weights, biases, gates.
  auto addArg = [&](Type type, StringRef name) -> Value {
    unsigned index = fn.getNumArguments();
    (void)fn.insertArgument(
        index, type,
        DictionaryAttr::get(
            ctx, {b.getNamedAttr("qcc.name", b.getStringAttr(name))}),
        fn.getLoc());
    return fn.getArgument(index);
  };
  impl->weightArg0 = fn.getNumArguments();
  for (ProbeLayer &p : impl->layers) {
    Operation *op = cloneOp[p.layer.id];
    op->setOperand(1, addArg(op->getOperand(1).getType(),
                             "w" + std::to_string(p.layer.id)));
  }
  for (ProbeLayer &p : impl->layers) {
    Operation *op = cloneOp[p.layer.id];
    if (p.bias.empty())
      continue;
    p.biasArg = fn.getNumArguments();
    op->setOperand(2, addArg(op->getOperand(2).getType(),
                             "b" + std::to_string(p.layer.id)));
  }
  impl->gatesArg = fn.getNumArguments();
  Value gates =
      addArg(RankedTensorType::get({std::max(2 * numGates, 1)}, b.getF32Type()),
             "gates");
  impl->numArgs = fn.getNumArguments();
  // Output gates first, so that a consumer's input gate reads the gated
  // output (a plan turns on one or the other, as qcc-quantize would).
  for (ProbeLayer &p : impl->layers) {
    if (p.outGate < 0)
      continue;
    Operation *op = cloneOp[p.layer.id];
    Value y = op->getResult(0);
    SmallVector<OpOperand *> uses;
    for (OpOperand &use : y.getUses())
      uses.push_back(&use);
    b.setInsertionPointAfter(op);
    Value gated = buildGate(b, op->getLoc(), y, p.outParams, gates, p.outGate);
    for (OpOperand *use : uses)
      use->set(gated);
  }
  for (ProbeLayer &p : impl->layers) {
    if (p.inGate < 0)
      continue;
    Operation *op = cloneOp[p.layer.id];
    b.setInsertionPoint(op);
    op->setOperand(0, buildGate(b, op->getLoc(), op->getOperand(0), p.inParams,
                                gates, p.inGate));
  }
  if (failed(prepareJitEntry(fn, kPrefix)))
    return emitError(loc) << "sensitivity: building the probe model failed";
  auto jit = jitCompileForHost(*clone, kPrefix, loc, "sensitivity");
  if (failed(jit))
    return failure();
  impl->model = std::move(*jit);
  impl->compileSeconds = std::chrono::duration<double>(
                             std::chrono::steady_clock::now() - startTime)
                             .count();
  return std::unique_ptr<SensitivityEngine>(
      new SensitivityEngine(std::move(impl)));
}

FailureOr<std::vector<Worker>>
SensitivityEngine::Impl::makeWorkers(int64_t items) {
  unsigned threads = options.threads;
  if (threads == 0)
    threads = std::min(std::max(std::thread::hardware_concurrency(), 1u), 8u);
  threads = (unsigned)std::clamp<int64_t>(items, 1, threads);
  std::vector<Worker> workers(threads);
  for (Worker &w : workers) {
    for (const ModelInput &in : inputs) {
      int64_t bytes = in.batch() * in.sampleBytes();
      w.inputs.emplace_back(std::max<int64_t>(bytes, 1));
      w.inputPtrs.push_back(w.inputs.back().data());
    }
    w.args.assign(numArgs, nullptr);
    for (size_t i = 0; i < inputs.size(); ++i)
      w.args[i] = w.inputs[i].data();
    for (const Output &o : outputs) {
      w.outputs.emplace_back(std::max<int64_t>(o.elements, 1));
      w.outputPtrs.push_back(w.outputs.back().data());
    }
    w.scratch = allocateAligned(model.scratchBytes());
    if (!w.scratch)
      return emitError(loc) << "sensitivity: cannot allocate "
                            << model.scratchBytes() << " bytes of scratch";
    w.gates.assign(std::max(2 * numGates, 1), 0.0f);
  }
  return workers;
}

void SensitivityEngine::Impl::bind(Worker &w, const Config &config) {
  for (size_t l = 0; l < layers.size(); ++l) {
    w.args[weightArg0 + l] = config.weights[l];
    if (layers[l].biasArg >= 0)
      w.args[layers[l].biasArg] = config.biases[l];
  }
  for (int g = 0; g < numGates; ++g) {
    w.gates[2 * g] = config.gatesOn[g] ? 1.0f : 0.0f;
    w.gates[2 * g + 1] = config.gatesOn[g] ? 0.0f : 1.0f;
  }
  w.args[gatesArg] = w.gates.data();
}

int SensitivityEngine::Impl::runOnce(Worker &w, int64_t run) {
  samples->fillRun(run, w.inputPtrs);
  return model.run(w.scratch.get(), w.args.data(), w.outputPtrs.data());
}

/// Calls `f(begin, end)` for each element range of `o` that belongs to a
/// real sample of run `run` (padded batch slots left out).
template <typename F>
static void forEachValidRange(const Output &o, int64_t run, int64_t batch,
                              int64_t numSamples, F f) {
  if (!o.slotElements) {
    f(0, o.elements);
    return;
  }
  for (int64_t s = 0; s < batch; ++s)
    if (run * batch + s < numSamples)
      f(s * o.slotElements, (s + 1) * o.slotElements);
}

double SensitivityEngine::Impl::runError(const Worker &w, int64_t run) const {
  double sum = 0;
  int64_t batch = samples->batch(), n = samples->numSamples();
  for (size_t o = 0; o < outputs.size(); ++o) {
    const Output &out = outputs[o];
    const float *y = reference[run][o].data(), *q = w.outputs[o].data();
    if (metric == "mse") {
      forEachValidRange(out, run, batch, n, [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; ++i) {
          double d = (double)q[i] - (double)y[i];
          sum += d * d;
        }
      });
      continue;
    }
    // KL(p || q) per row of the softmax axis.
    int64_t rowBlock = out.axisLen * out.inner;
    for (int64_t a = 0; a < out.outer; ++a)
      for (int64_t c = 0; c < out.inner; ++c) {
        int64_t base = a * rowBlock + c;
        if (out.slotElements && run * batch + base / out.slotElements >= n)
          continue;
        for (int64_t j = 0; j < out.axisLen; ++j) {
          double p = y[base + j * out.inner];
          if (!(p > 0))
            continue;
          double qv = q[base + j * out.inner];
          // p log(p/q) - p + q: the same sum as KL for normalized rows, but
          // each term is >= 0 and second order in q - p, so the f32
          // rounding of the outputs (rows summing to 1 +- 1e-7) does not
          // swamp the small divergences of nearly exact candidates.
          double r = (qv > 0 ? qv : kKlFloor) / p;
          sum += p * (r - 1 - std::log(r));
        }
      }
  }
  return sum;
}

double SensitivityEngine::Impl::runDenominator(const Worker &w,
                                               int64_t run) const {
  double sum = 0;
  int64_t batch = samples->batch(), n = samples->numSamples();
  for (size_t o = 0; o < outputs.size(); ++o) {
    const Output &out = outputs[o];
    const float *y = w.outputs[o].data();
    if (metric == "mse") {
      forEachValidRange(out, run, batch, n, [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; ++i)
          sum += (double)y[i] * (double)y[i];
      });
      continue;
    }
    int64_t rowBlock = out.axisLen * out.inner;
    for (int64_t a = 0; a < out.outer; ++a)
      for (int64_t c = 0; c < out.inner; ++c)
        if (!out.slotElements ||
            run * batch + (a * rowBlock + c) / out.slotElements < n)
          sum += 1;
  }
  return sum;
}

/// Draws `sensitivity [#####     ] 120/240 probes` on stderr.
static void drawProgress(int64_t done, int64_t total, StringRef unit) {
  constexpr int width = 30;
  int filled = total ? (int)(width * done / total) : width;
  llvm::errs() << "\rsensitivity [" << std::string(filled, '#')
               << std::string(width - filled, ' ') << "] " << done << "/"
               << total << " " << unit;
  llvm::errs().flush();
}

LogicalResult SensitivityEngine::Impl::runParallel(
    std::vector<Worker> &workers, int64_t items,
    llvm::function_ref<int(Worker &, int64_t)> body, StringRef unit) {
  std::atomic<int64_t> next{0}, done{0};
  std::atomic<int> status{0};
  auto work = [&](Worker &worker) {
    for (int64_t i; status == 0 && (i = next++) < items;) {
      if (int rc = body(worker, i)) {
        status = rc;
        break;
      }
      ++done;
    }
  };
  bool progress = options.progress && !unit.empty();
  std::vector<std::thread> threads;
  for (size_t w = progress ? 0 : 1; w < workers.size(); ++w)
    threads.emplace_back(work, std::ref(workers[w]));
  if (progress) {
    while (done < items && status == 0) {
      drawProgress(done, items, unit);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  } else {
    work(workers.front());
  }
  for (std::thread &t : threads)
    t.join();
  if (progress) {
    drawProgress(done, items, unit);
    llvm::errs() << "\n";
  }
  if (status != 0)
    return emitError(loc) << "sensitivity: the probe model returned error "
                          << status.load();
  return success();
}

Config SensitivityEngine::Impl::floatConfig() const {
  Config c;
  for (const ProbeLayer &p : layers) {
    c.weights.push_back(p.weightF32.data());
    c.biases.push_back(p.bias.empty() ? nullptr : p.biasF32.data());
  }
  c.gatesOn.assign(numGates, false);
  return c;
}

LogicalResult
SensitivityEngine::Impl::computeReference(std::vector<Worker> &workers) {
  if (haveReference)
    return success();
  int64_t runs = samples->numRuns();
  reference.assign(runs, {});
  std::vector<double> denominators(runs, 0.0);
  Config config = floatConfig();
  for (Worker &w : workers)
    bind(w, config);
  if (failed(runParallel(
          workers, runs,
          [&](Worker &w, int64_t run) {
            if (int rc = runOnce(w, run))
              return rc;
            reference[run] = w.outputs;
            denominators[run] = runDenominator(w, run);
            return 0;
          },
          "")))
    return failure();
  denominator = 0;
  for (double d : denominators)
    denominator += d;
  haveReference = true;
  return success();
}

/// The final error from the summed numerator.
static double finish(double numerator, double denominator) {
  if (denominator > 0)
    return numerator / denominator;
  // An all-zero reference: any difference is infinitely large relative to it.
  return numerator > 0 ? std::numeric_limits<double>::infinity() : 0.0;
}

FailureOr<SensitivityResult> SensitivityEngine::measure() {
  Impl &m = *impl;
  auto startTime = std::chrono::steady_clock::now();
  struct Probe {
    int64_t layer;
    Precision precision;
  };
  std::vector<Probe> probes;
  for (const ProbeLayer &p : m.layers)
    for (Precision c : p.layer.allowed)
      if (c != Precision::f32)
        probes.push_back({p.layer.id, c});
  int64_t runs = m.samples->numRuns();
  auto workers = m.makeWorkers(std::max<int64_t>(probes.size(), runs));
  if (failed(workers))
    return failure();
  if (failed(m.computeReference(*workers)))
    return failure();

  std::vector<double> numerators(probes.size(), 0.0);
  Config base = m.floatConfig();
  auto probeOne = [&](Worker &w, int64_t i) -> int {
    const Probe &probe = probes[i];
    const ProbeLayer &p = m.layers[probe.layer];
    Config config = base;
    std::vector<double> scales;
    w.weightBuffer =
        qm::simulateWeights(p.weight, p.shape, p.axis, probe.precision,
                            m.options.int4Group, &scales);
    config.weights[probe.layer] = w.weightBuffer.data();
    if (probe.precision == Precision::w8a8) {
      config.gatesOn[p.inGate] = true;
      if (!p.bias.empty()) {
        w.biasBuffer = qm::simulateInt8Bias(p.bias, p.inParams.scale, scales);
        config.biases[probe.layer] = w.biasBuffer.data();
      }
    }
    m.bind(w, config);
    double sum = 0;
    for (int64_t run = 0; run < runs; ++run) {
      if (int rc = m.runOnce(w, run))
        return rc;
      sum += m.runError(w, run);
    }
    numerators[i] = sum;
    return 0;
  };
  if (failed(m.runParallel(*workers, probes.size(), probeOne, "probes")))
    return failure();

  SensitivityResult result;
  result.metric = m.metric;
  result.samples = m.samples->numSamples();
  result.probes = probes.size();
  result.error.resize(m.layers.size());
  for (const ProbeLayer &p : m.layers)
    result.error[p.layer.id][Precision::f32] = 0.0;
  for (size_t i = 0; i < probes.size(); ++i)
    result.error[probes[i].layer][probes[i].precision] =
        finish(numerators[i], m.denominator);
  result.seconds = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - startTime)
                       .count();
  return result;
}

Config SensitivityEngine::Impl::planConfig(
    ArrayRef<Precision> plan, std::vector<std::vector<float>> &weightStore,
    std::vector<std::vector<float>> &biasStore) const {
  Config config = floatConfig();
  size_t n = layers.size();
  weightStore.assign(n, {});
  biasStore.assign(n, {});
  // As qcc-quantize: an int8 layer's output is quantized when another int8
  // layer reads it (through data movement); that layer then reuses those
  // parameters for its input instead of quantizing it again.
  auto chosen = [&](int64_t l) { return plan[l] == Precision::w8a8; };
  std::vector<bool> outOn(n, false);
  for (const ProbeLayer &p : layers)
    outOn[p.layer.id] = chosen(p.layer.id) && p.outGate >= 0 &&
                        llvm::any_of(p.consumers, chosen);
  for (const ProbeLayer &p : layers) {
    int64_t l = p.layer.id;
    if (plan[l] == Precision::f32)
      continue;
    std::vector<double> scales;
    weightStore[l] = qm::simulateWeights(p.weight, p.shape, p.axis, plan[l],
                                         options.int4Group, &scales);
    config.weights[l] = weightStore[l].data();
    if (!chosen(l))
      continue;
    double inputScale = p.inParams.scale;
    int64_t producer = p.layer.producers.empty() ? -1 : p.layer.producers[0];
    if (producer >= 0 && outOn[producer])
      inputScale = layers[producer].outParams.scale;
    else
      config.gatesOn[p.inGate] = true;
    if (outOn[l])
      config.gatesOn[p.outGate] = true;
    if (!p.bias.empty()) {
      biasStore[l] = qm::simulateInt8Bias(p.bias, inputScale, scales);
      config.biases[l] = biasStore[l].data();
    }
  }
  return config;
}

FailureOr<double> SensitivityEngine::evaluate(ArrayRef<Precision> plan) {
  Impl &m = *impl;
  if (plan.size() != m.layers.size())
    return emitError(m.loc) << "sensitivity: the plan has " << plan.size()
                            << " entries for " << m.layers.size() << " layers";
  for (const ProbeLayer &p : m.layers)
    if (!llvm::is_contained(p.layer.allowed, plan[p.layer.id]))
      return emitError(m.loc)
             << "sensitivity: the plan gives layer " << p.layer.id << " ('"
             << p.layer.name << "') " << mixed::candidateName(plan[p.layer.id])
             << ", which is not one of its candidates";
  int64_t runs = m.samples->numRuns();
  auto workers = m.makeWorkers(runs);
  if (failed(workers))
    return failure();
  if (failed(m.computeReference(*workers)))
    return failure();
  std::vector<std::vector<float>> weightStore, biasStore;
  Config config = m.planConfig(plan, weightStore, biasStore);
  for (Worker &w : *workers)
    m.bind(w, config);
  std::vector<double> numerators(runs, 0.0);
  if (failed(m.runParallel(
          *workers, runs,
          [&](Worker &w, int64_t run) {
            if (int rc = m.runOnce(w, run))
              return rc;
            numerators[run] = m.runError(w, run);
            return 0;
          },
          "")))
    return failure();
  double sum = 0;
  for (double d : numerators)
    sum += d;
  return finish(sum, m.denominator);
}

} // namespace qcc
