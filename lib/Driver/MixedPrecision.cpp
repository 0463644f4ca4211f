//===- MixedPrecision.cpp - -quant=mixed: planning a model ----------------===//
//
// The planning half of -quant=mixed (docs/MixedPrecision.md):
//
//   1. collectLayers: the float conv/matmul layers with constant weights,
//      their candidates and tie groups;
//   2. the sensitivity engine: the output error when only one layer is at
//      one candidate precision, on the calibration samples;
//   3. the target's cost table: estimated time per layer and precision;
//   4. the solver: minimum summed error under the budgets, over tie groups,
//      plus the Pareto frontiers;
//   5. the chosen plan is simulated on the samples as a whole, stamped on
//      the layer ops (`qcc.plan`) and described in the plan report.
//
//===----------------------------------------------------------------------===//

#include "qcc/Driver/MixedPrecision.h"

#include "Qcc/QccOps.h"
#include "qcc/Calibration/Sensitivity.h"
#include "qcc/Driver/QuantReport.h"
#include "qcc/Mixed/CostModel.h"
#include "qcc/Mixed/Solver.h"
#include "qcc/Target/TargetInfo.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Process.h"

#include <chrono>
#include <map>

using namespace mlir;
using namespace qcc::mixed;

namespace qcc {

namespace {
/// A plan as one precision per layer, with its totals.
struct Totals {
  double error = 0;
  int64_t bytes = 0;
  double ns = 0;
};
} // namespace

LogicalResult planMixedPrecision(ModuleOp module, const MixedOptions &options,
                                 const TargetSpec &spec, Location loc,
                                 PlanReport &report) {
  MLIRContext *ctx = module.getContext();

  // 1. Layers.
  LayerOptions layerOptions;
  layerOptions.candidates = options.candidates;
  layerOptions.keepFloat = options.keepFloat;
  layerOptions.hasF16 = spec.hasF16Conversion;
  std::vector<std::string> unmatched;
  std::vector<Layer> layers = collectLayers(module, layerOptions, &unmatched);
  if (!unmatched.empty()) {
    std::string names;
    for (const Layer &l : layers)
      if (!l.name.empty() && names.size() < 300)
        names += (names.empty() ? "" : ", ") + l.name;
    return emitError(loc) << "-keep-float: no layer is named or has op type '"
                          << llvm::join(unmatched, "', '")
                          << "' (op types: Conv, MatMul, Gemm; layers: "
                          << names << (names.size() >= 300 ? ", ..." : "")
                          << ")";
  }

  // 2. The target's costs.
  CostTable table;
  if (spec.name == "host") {
    table = hostCostTable();
  } else if (const CostTable *t = lookupCostTable(spec.name)) {
    table = *t;
  } else {
    return emitError(loc) << "-quant=mixed: no cost table for target '"
                          << spec.name << "'";
  }

  report.target = spec.name;
  report.costTable = table.name + ": " + table.description;
  if (layers.empty()) {
    emitWarning(loc) << "-quant=mixed: the model has no float conv/matmul "
                        "layer with constant weights; nothing to plan";
    return success();
  }

  // 3. Sensitivity.
  SensitivityOptions so;
  so.source = options.calibPath;
  so.maxSamples = options.sensitivitySamples;
  so.seed = options.calibSeed;
  so.asU8 = options.activationsU8;
  so.int4Group = options.int4Group;
  so.progress = llvm::sys::Process::StandardErrIsDisplayed();
  auto engine = SensitivityEngine::create(module, layers, so);
  if (failed(engine))
    return failure();
  auto sens = (*engine)->measure();
  if (failed(sens))
    return failure();
  const std::string metric = sens->metric;

  // 4. Per layer and candidate: error, time, bytes.
  const size_t n = layers.size();
  report.layers = layers;
  report.metric = metric;
  report.samples = sens->samples;
  report.sensitivitySeconds = sens->seconds;
  report.error.assign(n, {});
  report.ns.assign(n, {});
  report.bytes.assign(n, {});
  report.costWhy.assign(n, {});
  for (const Layer &l : layers) {
    for (Precision p : l.allowed) {
      auto it = sens->error[l.id].find(p);
      report.error[l.id][p] = it == sens->error[l.id].end() ? 0.0 : it->second;
      report.ns[l.id][p] = layerNs(table, l.shape, p, options.int4Group);
      report.bytes[l.id][p] = layerBytes(l.shape, p, options.int4Group);
      report.costWhy[l.id][p] =
          explainCost(table, l.shape, p, options.int4Group);
    }
  }

  // Tie groups, in the order of their first layer.
  std::vector<Group> groups;
  std::map<int64_t, size_t> groupOf;
  for (const Layer &l : layers) {
    auto [it, inserted] = groupOf.try_emplace(l.tie, groups.size());
    if (inserted) {
      Group g;
      for (Precision p : l.allowed)
        g.choices.push_back(Choice{p, 0.0, 0, 0.0});
      groups.push_back(std::move(g));
    }
    Group &g = groups[it->second];
    g.layers.push_back(l.id);
    for (Choice &c : g.choices) {
      c.error += report.error[l.id][c.precision];
      c.bytes += report.bytes[l.id][c.precision];
      c.ns += separableNs(table, l, c.precision, options.int4Group);
    }
  }

  // Constants outside the plan (everything but the layers' weights/biases).
  int64_t planBytesF32 = 0;
  for (const Layer &l : layers)
    planBytesF32 += layerBytes(l.shape, Precision::f32, options.int4Group);
  int64_t fixedBytes =
      std::max<int64_t>(0, constantBytes(module) - planBytesF32);

  auto planOf = [&](ArrayRef<int> choice) {
    std::vector<Precision> plan(n, Precision::f32);
    for (size_t g = 0; g < groups.size(); ++g)
      for (int64_t id : groups[g].layers)
        plan[id] = groups[g].choices[choice[g]].precision;
    return plan;
  };
  auto totalsOf = [&](const std::vector<Precision> &plan) {
    Totals t;
    t.bytes = fixedBytes;
    for (const Layer &l : layers) {
      t.error += report.error[l.id][plan[l.id]];
      t.bytes += report.bytes[l.id][plan[l.id]];
    }
    t.ns = planNs(table, layers, plan, options.int4Group);
    return t;
  };
  auto pointOf = [&](const std::vector<Precision> &plan, StringRef label) {
    Totals t = totalsOf(plan);
    ReportPoint r;
    r.error = t.error;
    r.bytes = t.bytes;
    r.ns = t.ns;
    r.label = label.str();
    for (Precision p : plan)
      ++r.counts[p];
    return r;
  };
  // Uniform reference plans: every layer that allows `p` takes it.
  auto uniform = [&](Precision p) {
    std::vector<int> choice(groups.size(), 0);
    for (size_t g = 0; g < groups.size(); ++g)
      for (size_t c = 0; c < groups[g].choices.size(); ++c)
        if (groups[g].choices[c].precision == p)
          choice[g] = (int)c;
    return planOf(choice);
  };
  std::vector<Precision> fp32Plan = uniform(Precision::f32);
  std::vector<Precision> int8Plan = uniform(Precision::w8a8);
  Totals fp32 = totalsOf(fp32Plan), int8 = totalsOf(int8Plan);
  report.references.push_back(pointOf(fp32Plan, "all fp32"));
  for (Precision p : {Precision::f16, Precision::bf16, Precision::w8a8,
                      Precision::w4f})
    if (llvm::is_contained(options.candidates, p))
      report.references.push_back(
          pointOf(uniform(p), ("all " + candidateName(p)).str()));

  // 5. Budgets, resolved against the reference plans.
  Budgets budgets;
  std::vector<std::string> given;
  if (options.size) {
    budgets.bytes = (int64_t)options.size->resolve(fp32.bytes, int8.bytes);
    given.push_back("-size-budget=" + options.size->text);
  }
  if (options.latency) {
    budgets.ns = options.latency->resolve(fp32.ns, int8.ns);
    given.push_back("-latency-budget=" + options.latency->text);
  }
  if (options.error) {
    auto bound = options.error->resolve(metric);
    if (!bound)
      return emitError(loc)
             << "-max-error=" << options.error->text << " bounds "
             << (options.error->isKl ? "a KL divergence" : "an SQNR")
             << ", but this model's output is measured by "
             << (metric == "kl" ? "KL divergence (it is a softmax): use e.g. "
                                  "-max-error=0.01kl"
                                : "SQNR (it is not a probability "
                                  "distribution): use e.g. -max-error=30dB");
    budgets.error = *bound;
    given.push_back("-max-error=" + options.error->text);
  }
  if (!budgets.bytes && !budgets.ns && !budgets.error) {
    // The default: the most accurate plan no larger than uniform int8.
    budgets.bytes = int8.bytes;
    given.push_back("default: the size of the all-int8 plan");
  }
  report.budgetBytes = budgets.bytes;
  report.budgetNs = budgets.ns;
  report.budgetError = budgets.error;
  report.budgetText = llvm::join(given, " ");

  // 6. Assignment.
  SolveResult solved = solve(groups, budgets, fixedBytes);
  report.solveSeconds = solved.seconds;
  for (const PlanPoint &p : solved.frontierBytes)
    report.frontierBytes.push_back(pointOf(planOf(p.choice), ""));
  for (const PlanPoint &p : solved.frontierNs)
    report.frontierNs.push_back(pointOf(planOf(p.choice), ""));
  for (const PlanPoint &p : solved.closest)
    report.closest.push_back(pointOf(planOf(p.choice), ""));
  report.feasible = solved.feasible;
  report.infeasible = solved.infeasible;
  if (!solved.feasible) {
    InFlightDiagnostic diag = emitError(loc)
                              << "-quant=mixed: no plan meets the budgets ("
                              << report.budgetText << "): "
                              << llvm::join(solved.infeasible, "; ");
    for (const ReportPoint &p : report.closest)
      diag.attachNote(loc) << "closest plan: " << formatError(metric, p.error)
                           << ", " << formatBytes(p.bytes) << ", "
                           << formatNs(p.ns) << " (estimated)";
    return failure();
  }

  std::vector<Precision> plan = planOf(solved.best.choice);
  report.chosen = plan;
  report.plan = pointOf(plan, "chosen");
  auto simulated = (*engine)->evaluate(plan);
  if (failed(simulated))
    return failure();
  report.simulatedError = *simulated;
  explainChoices(report);

  for (const Layer &l : layers)
    l.op->setAttr(kPlanAttr, PrecisionAttr::get(ctx, plan[l.id]));
  return success();
}

} // namespace qcc
