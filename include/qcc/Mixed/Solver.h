//===- Solver.h - budgeted precision assignment -----------------*- C++ -*-===//
//
// The assignment step of `-quant=mixed` (docs/MixedPrecision.md,
// "Assignment"): a multiple-choice knapsack with up to two resource budgets
// (stored bytes, estimated nanoseconds) and an error budget. Every tie group
// takes exactly one of its choices; a plan's error, bytes and time are the
// sums over its groups' choices (plus `fixedBytes` for constants outside the
// plan).
//
// Objective (docs/MixedPrecision.md, "Conventions"):
//   - a size and/or latency budget: minimize the summed error subject to all
//     budgets;
//   - only an error budget: minimize bytes (then nanoseconds) subject to it;
//   - no budget: the minimum-error plan (the driver normally turns "no
//     budget" into the all-int8 plan's size first).
//
// The solver is a dynamic program over partial plans that keeps exact sums
// and prunes dominated states (Solver.cpp explains it). It is exact while
// the set of non-dominated partial plans stays below the state limits; past
// them it merges states in buckets (one resource budget: the result carries
// the slack this can lose) or, with both a size and a latency budget,
// searches the Lagrangian relaxation of the latency budget. Every
// error-minimizing result carries a lower bound on the optimal error, so
// its distance from optimal is known whatever the method. A returned plan
// always meets every budget on its exact sums.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_MIXED_SOLVER_H
#define QCC_MIXED_SOLVER_H

#include "qcc/Mixed/Mixed.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qcc::mixed {

/// One precision a tie group may take, with its costs summed over the
/// group's members: predicted output error (additive), stored bytes and
/// estimated nanoseconds.
struct Choice {
  Precision precision;
  double error = 0;
  int64_t bytes = 0;
  double ns = 0;
};

/// One tie group: its members take one precision; choices are summed over
/// members.
struct Group {
  std::vector<int64_t> layers;
  std::vector<Choice> choices;
};

/// Budgets; an unset budget is no constraint. `bytes` bounds the whole
/// plan's stored constants including the solver's `fixedBytes`.
struct Budgets {
  std::optional<int64_t> bytes;
  std::optional<double> ns;
  std::optional<double> error;
};

/// A complete plan and its exact sums (summed in group order).
struct PlanPoint {
  /// Index into groups[g].choices, per group.
  std::vector<int> choice;
  double error = 0;
  /// Stored bytes including the `fixedBytes` passed to solve().
  int64_t bytes = 0;
  double ns = 0;
  /// What the point is, for closest plans ("smallest plan meeting the
  /// latency budget"); empty for the plan and frontier points.
  std::string label;
};

struct SolveResult {
  bool feasible = false;
  /// The chosen plan (when feasible).
  PlanPoint best;
  /// One message per violated budget (or combination of budgets), e.g.
  /// "size budget 1.20 MB (1200000 B) is below the smallest plan (1.50 MB,
  /// 1500000 B)", "size budget 1.50 KB and error budget 0.005 cannot both
  /// be met: within the size budget the least error is 0.02".
  std::vector<std::string> infeasible;
  /// When infeasible: the nearest plans, one per budget: the plan with the
  /// least of that resource (or error) that meets the other budgets, or, if
  /// none does, the plan with the least of it overall. Labelled.
  std::vector<PlanPoint> closest;
  /// Pareto frontier error vs bytes, sorted by bytes ascending (error then
  /// strictly descending); no budgets applied. At most
  /// SolveOptions::maxFrontier points: the best plan within each of that
  /// many evenly spaced sizes from the smallest plan to the largest
  /// (duplicates dropped), so both ends are always included.
  std::vector<PlanPoint> frontierBytes;
  /// Pareto frontier error vs ns, sorted by ns ascending.
  std::vector<PlanPoint> frontierNs;
  /// True when no states were merged: `best` is optimal. Otherwise `best`
  /// is at least as good as every plan that meets the budgets with
  /// slackBytes bytes and slackNs ns to spare (for the only-error
  /// objective: has at most slackBytes more bytes than the optimum).
  bool exact = true;
  int64_t slackBytes = 0;
  double slackNs = 0;
  /// How `best` was found: "exact" (optimal), "merged" (states merged in
  /// buckets; the slack bound above holds) or "lagrangian" (size and
  /// latency budgets with too many non-dominated partial plans: the best
  /// plan found by Lagrangian relaxation of the latency budget; no slack
  /// bound, slackBytes = slackNs = 0, see errorLowerBound for its gap).
  std::string method = "exact";
  /// When minimizing error: no plan meeting the size and latency budgets
  /// has less error than this (the Lagrangian dual bound; equal to
  /// best.error when no resource budget is set). best.error minus it
  /// bounds how far from optimal `best` can be. 0 for the only-error
  /// objective (which minimizes bytes).
  double errorLowerBound = 0;
  /// True when the frontiers are the exact Pareto sets (before thinning);
  /// otherwise each point is still a real plan with exact sums, and no
  /// point dominates another.
  bool frontiersExact = true;
  /// Wall time of solve().
  double seconds = 0;
};

/// Tuning knobs; with the defaults 200 groups x 5 choices take 10 to 150 ms
/// of CPU here (docs/MixedPrecision.md, "Assignment").
struct SolveOptions {
  /// Non-dominated partial plans kept per step before merging starts, with
  /// one resource compared (a size or a latency budget, or only an error
  /// budget), with two (size and latency budgets), and for the frontiers
  /// (which show at most maxFrontier points anyway).
  int64_t maxStates = 1 << 14;
  int64_t maxStates2D = 1 << 12;
  int64_t maxStatesFrontier = 1 << 11;
  /// Most points per returned frontier (>= 2).
  int64_t maxFrontier = 64;
  /// Whether to compute the frontiers.
  bool frontiers = true;
};

/// Assigns one choice per group. `fixedBytes` (constants outside the plan)
/// is added to every plan's bytes. Groups without choices, or choices with
/// a negative or non-finite cost, make the result infeasible with a message.
SolveResult solve(llvm::ArrayRef<Group> groups, const Budgets &budgets,
                  int64_t fixedBytes, const SolveOptions &options = {});

} // namespace qcc::mixed

#endif // QCC_MIXED_SOLVER_H
