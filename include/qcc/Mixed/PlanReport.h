//===- PlanReport.h - the mixed-precision plan report -----------*- C++ -*-===//
//
// What `-quant=mixed` tells the user about the plan it chose: the JSON
// object embedded under "plan" in `-report=FILE.json`, the self-contained
// HTML page of `-report=FILE.html`, and the terminal summary. The report is
// plain data (no IR): the driver fills it from the layers, the sensitivity
// engine, the cost model and the solver (docs/MixedPrecision.md, "Report").
//
//===----------------------------------------------------------------------===//

#ifndef QCC_MIXED_PLANREPORT_H
#define QCC_MIXED_PLANREPORT_H

#include "qcc/Mixed/Mixed.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace qcc::mixed {

/// One whole plan as a point in (error, bytes, time).
struct ReportPoint {
  double error = 0;  ///< predicted output error (sum of per-layer errors)
  int64_t bytes = 0; ///< stored bytes of all constants
  double ns = 0;     ///< estimated time of one call
  std::string label; ///< "all fp32", "all int8", "naive", ... ("" on frontiers)
  std::map<Precision, int> counts; ///< layers per precision (may be empty)
};

/// Everything the report shows. Per-layer vectors are indexed by layer id
/// (= position in `layers`); the per-candidate maps hold the allowed
/// candidates of that layer.
struct PlanReport {
  std::string model, target;
  std::string metric; ///< "mse" (shown as SQNR dB) or "kl"
  int64_t samples = 0;
  double sensitivitySeconds = 0, solveSeconds = 0;
  std::string costTable;     ///< cost table name + one-line description
  std::vector<Layer> layers; ///< (op pointers unused)
  std::vector<std::map<Precision, double>> error;        ///< sensitivity
  std::vector<std::map<Precision, double>> ns;           ///< estimated time
  std::vector<std::map<Precision, int64_t>> bytes;       ///< stored bytes
  std::vector<std::map<Precision, std::string>> costWhy; ///< explainCost
  std::vector<Precision> chosen;
  /// Why each layer got its precision; entries left empty are filled by
  /// explainChoices.
  std::vector<std::string> why;
  /// Budgets as resolved (absolute units).
  std::optional<int64_t> budgetBytes;
  std::optional<double> budgetNs, budgetError;
  std::string budgetText; ///< the user's flags as given
  bool feasible = true;
  std::vector<std::string> infeasible;  ///< one message per violated budget
  ReportPoint plan;                     ///< the chosen plan, predicted
  std::optional<double> simulatedError; ///< the chosen plan, measured
  /// Uniform and baseline plans ("all fp32", "all int8", "all int4w",
  /// "naive", ...).
  std::vector<ReportPoint> references;
  /// Pareto frontiers error vs bytes (sorted by bytes) and error vs time
  /// (sorted by time); `closest`: the nearest plans when infeasible.
  std::vector<ReportPoint> frontierBytes, frontierNs, closest;
};

/// Fills every empty `report.why[i]` with one line explaining layer i's
/// precision: the chosen candidate against the next cheaper candidate (the
/// most accurate one that costs less) and the next more accurate one (the
/// cheapest one with less error), as the change each would make to the
/// plan's error (dB for mse, KL otherwise), bytes and time; or why the layer
/// had no choice (-keep-float, excluded candidates). Tied layers are
/// explained as their group, which takes one precision.
void explainChoices(PlanReport &report);

/// The report as JSON (embedded under "plan" in -report=FILE.json):
/// {"model","target","metric","samples","sensitivity_seconds",
///  "solve_seconds","cost_table","feasible","infeasible":[..],
///  "budgets":{"text","bytes","ns","error","sqnr_db"},
///  "plan":{"error","sqnr_db","bytes","ns","counts"},
///  "simulated_error","simulated_sqnr_db",
///  "layers":[{"id","name","op","macs","tie","chosen","why",
///             "candidates":{"int8":{"error","sqnr_db","ns","bytes",
///                                   "cost_why"},..},
///             "excluded":{"int4w":"reason",..}}],
///  "references":[point],"frontier_bytes":[point],"frontier_ns":[point],
///  "closest":[point]}
/// with point = {"label","error","sqnr_db","bytes","ns","counts"}.
/// sqnr_db is null when the error is 0 (exact) or the metric is not mse.
llvm::json::Object planReportJson(const PlanReport &report);

/// One self-contained HTML page (inline CSS and SVG, no scripts, fonts or
/// URLs): header, budget table, precision counts, reference plans, the two
/// Pareto plots, a per-layer sensitivity chart and a per-layer table.
std::string planReportHtml(const PlanReport &report);

/// The terminal summary (at most 40 lines): budgets, the chosen point
/// (predicted and simulated), precision counts, references, a compact
/// frontier (<= 8 rows), the most sensitive layers (<= 5) and, when no plan
/// meets the budgets, why and the closest plans.
void printPlanSummary(llvm::raw_ostream &os, const PlanReport &report);

/// An error as users read it: "31.2 dB" (mse: SQNR, "exact" for 0) or
/// "KL 1.3e-04".
std::string formatError(llvm::StringRef metric, double error);

/// "812 B", "12.3 KiB", "1.25 MiB".
std::string formatBytes(int64_t bytes);

/// "850 ns", "12.3 us", "1.23 ms", "1.20 s".
std::string formatNs(double ns);

} // namespace qcc::mixed

#endif // QCC_MIXED_PLANREPORT_H
