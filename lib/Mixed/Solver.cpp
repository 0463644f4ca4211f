//===- Solver.cpp - budgeted precision assignment -------------------------===//
//
// This file implements the assignment step of `-quant=mixed`: choose one
// precision per tie group so that the summed predicted error is minimal
// subject to a size budget, a latency budget and an error budget (or, with
// only an error budget, so that the plan is smallest). It is a
// multiple-choice knapsack with up to two resource constraints; the sizes
// qcc sees (tens to a few hundred groups, at most five choices) make a
// dynamic program the better tool than an integer-programming library (see
// docs/MixedPrecision.md, "Assignment", for the decision).
//
// The dynamic program walks the groups in order. A state is a partial plan
// (one choice for each group so far) with its exact sums: bytes (int64),
// nanoseconds and error (doubles, summed in group order, so a complete
// plan's sums are bit-identical to summing its choices). Each step extends
// every state by every choice and then prunes:
//
//   1. Feasibility: a state whose sum plus the smallest possible remainder
//      (suffix minima) exceeds a budget can never meet it.
//   2. Dominance: a state is dropped when another state has no more of each
//      compared resource and no more error. The compared resources are the
//      budgeted ones plus the one being minimized.
//
// One resource: states form a Pareto list (sorted by the resource, error
// strictly decreasing) and a step is a k-way merge of the choices' shifted
// lists, O(states x choices), exact. Past SolveOptions::maxStates the run
// compares the resource in buckets of width q; a step that merged a state
// it did not dominate exactly can move the surviving plan by less than q,
// so the result is at least as good as any plan meeting the budgets with
// the summed widths (slackBytes / slackNs) to spare.
//
// Two resources (size and latency budgets): states sorted by bytes, a sweep
// with a prefix-minimum Fenwick tree over latency ranks finds the dominated
// ones, exact. Past maxStates2D buckets over two resources would bound
// nothing useful, so the solver searches the Lagrangian relaxation of the
// latency budget instead (one-resource runs ranking states by
// error + lambda * ns) and reports the Lagrangian dual lower bound on the
// error, which certifies every method's plan.
//
// Budgets are always checked on exact sums, so a returned plan always meets
// them.
//
//===----------------------------------------------------------------------===//

#include "qcc/Mixed/Solver.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <tuple>

using namespace llvm;

namespace qcc::mixed {
namespace {

/// A resource the dynamic program compares states on.
enum class Dim { None, Bytes, Ns };
/// What the final selection minimizes first.
enum class Objective { Error, Bytes, Ns };

std::string formatBytes(int64_t bytes) {
  std::string s;
  raw_string_ostream os(s);
  double b = static_cast<double>(bytes);
  if (std::fabs(b) < 1e3)
    os << bytes << " B";
  else if (std::fabs(b) < 1e6)
    os << format("%.2f KB", b / 1e3);
  else if (std::fabs(b) < 1e9)
    os << format("%.2f MB", b / 1e6);
  else
    os << format("%.2f GB", b / 1e9);
  return s;
}

std::string formatNs(double ns) {
  std::string s;
  raw_string_ostream os(s);
  if (std::fabs(ns) < 1e3)
    os << format("%.0f ns", ns);
  else if (std::fabs(ns) < 1e6)
    os << format("%.2f us", ns / 1e3);
  else if (std::fabs(ns) < 1e9)
    os << format("%.2f ms", ns / 1e6);
  else
    os << format("%.2f s", ns / 1e9);
  return s;
}

std::string formatError(double e) {
  std::string s;
  raw_string_ostream os(s);
  os << format("%.4g", e);
  return s;
}

/// Whether `v` exceeds `limit` by more than rounding can explain.
bool exceeds(double v, double limit) {
  return v > limit + 1e-9 * std::fabs(limit);
}

/// Whether a plan's exact sums meet `b`.
bool meets(int64_t bytes, double ns, double error, const Budgets &b) {
  return (!b.bytes || bytes <= *b.bytes) && (!b.ns || ns <= *b.ns) &&
         (!b.error || error <= *b.error);
}

/// The order select() uses, for complete plans.
std::tuple<double, double, double> rankOf(const PlanPoint &p,
                                          Objective objective) {
  switch (objective) {
  case Objective::Error:
    return {p.error, static_cast<double>(p.bytes), p.ns};
  case Objective::Bytes:
    return {static_cast<double>(p.bytes), p.ns, p.error};
  case Objective::Ns:
    return {p.ns, static_cast<double>(p.bytes), p.error};
  }
  return {0.0, 0.0, 0.0};
}

/// One partial plan.
struct State {
  int64_t bytes;
  double ns;
  double error;
  /// Index of the parent state in the previous step, and the choice taken.
  int32_t parent;
  uint8_t choice;
};

/// A prefix-minimum (Fenwick) tree: the least error among the states
/// inserted at a rank <= k.
class PrefixMin {
public:
  void reset(size_t n) {
    tree.assign(n + 1, std::numeric_limits<double>::infinity());
  }
  void insert(size_t k, double error) {
    for (size_t i = k + 1; i < tree.size(); i += i & (~i + 1))
      tree[i] = std::min(tree[i], error);
  }
  double query(size_t k) const {
    double best = std::numeric_limits<double>::infinity();
    for (size_t i = k + 1; i > 0; i -= i & (~i + 1))
      best = std::min(best, tree[i]);
    return best;
  }

private:
  std::vector<double> tree;
};

/// One run of the dynamic program.
struct DpSpec {
  Dim primary = Dim::None, secondary = Dim::None;
  std::optional<int64_t> maxBytes;
  std::optional<double> maxNs, maxError;
  /// A frontier run (its own state limit).
  bool frontier = false;
  /// The state limit; 0: the one SolveOptions gives for this kind of run.
  int64_t cap = 0;
  /// With one resource compared: what a bucket keeps the least of. Error:
  /// error + lambda * ns (lambda > 0: a Lagrangian relaxation of a latency
  /// budget; budgets are still checked exactly). Bytes or Ns: that
  /// resource (the least bytes within a latency budget, and so on).
  Objective merge = Objective::Error;
  double lambda = 0;
};

/// What a one-resource run minimizes per bucket.
double score(const DpSpec &spec, const State &s) {
  switch (spec.merge) {
  case Objective::Error:
    return s.error + spec.lambda * s.ns;
  case Objective::Bytes:
    return static_cast<double>(s.bytes);
  case Objective::Ns:
    return s.ns;
  }
  return s.error;
}

/// The surviving complete plans of one run (sums only; choices are
/// reconstructed on demand).
struct DpResult {
  std::vector<State> finals;
  /// finals' ancestry: per step, (parent, choice) of each kept state.
  std::vector<std::vector<std::pair<int32_t, uint8_t>>> trace;
  bool exact = true;
  int64_t slackBytes = 0;
  double slackNs = 0;
  /// The plan came from the Lagrangian search (no slack bound).
  bool lagrangian = false;
};

class Solver {
public:
  Solver(ArrayRef<Group> groups, int64_t fixedBytes,
         const SolveOptions &options)
      : groups(groups), fixedBytes(fixedBytes), options(options) {
    size_t n = groups.size();
    restBytes.assign(n + 1, 0);
    restNs.assign(n + 1, 0);
    restError.assign(n + 1, 0);
    maxRestBytes.assign(n + 1, 0);
    maxRestNs.assign(n + 1, 0);
    for (size_t g = n; g-- > 0;) {
      int64_t minB = std::numeric_limits<int64_t>::max(), maxB = 0;
      double minT = std::numeric_limits<double>::infinity(), maxT = 0;
      double minE = std::numeric_limits<double>::infinity();
      for (const Choice &c : groups[g].choices) {
        minB = std::min(minB, c.bytes);
        maxB = std::max(maxB, c.bytes);
        minT = std::min(minT, c.ns);
        maxT = std::max(maxT, c.ns);
        minE = std::min(minE, c.error);
      }
      restBytes[g] = restBytes[g + 1] + minB;
      restNs[g] = restNs[g + 1] + minT;
      restError[g] = restError[g + 1] + minE;
      maxRestBytes[g] = maxRestBytes[g + 1] + maxB;
      maxRestNs[g] = maxRestNs[g + 1] + maxT;
    }
  }

  /// The least bytes, ns and error any plan reaches (each on its own),
  /// summed in group order like the plans' own sums.
  int64_t minBytes() const { return fixedBytes + restBytes[0]; }
  double minNs() const { return forwardMin(&Choice::ns); }
  double minError() const { return forwardMin(&Choice::error); }

  DpResult run(const DpSpec &spec) const;
  PlanPoint reconstruct(const DpResult &r, size_t final) const;
  /// The final state meeting `budgets` on its exact sums that minimizes
  /// `objective` (ties: the other criteria).
  std::optional<size_t> select(const DpResult &r, const Budgets &budgets,
                               Objective objective) const;
  /// Runs the program for `budgets` and returns the plan minimizing
  /// `objective`, if any plan meets them.
  std::optional<PlanPoint> best(const Budgets &budgets, Objective objective,
                                DpResult *out = nullptr) const;
  /// The best plan the Lagrangian relaxation of the latency budget finds
  /// (one-resource runs over bytes ranking states by error + lambda * ns,
  /// lambda searched for the least value that meets the budget).
  std::optional<PlanPoint> lagrangian(const Budgets &budgets,
                                      Objective objective) const;
  /// A lower bound on the error of every plan meeting the size and latency
  /// budgets: the Lagrangian dual max over mu, lambda >= 0 of
  /// sum_g min_c (error + mu * bytes + lambda * ns) - mu * B - lambda * T,
  /// maximized by nested ternary search (the dual is concave).
  double dualBound(const Budgets &budgets) const;
  /// The plan with the least of `o` (per group the choice ranked first by
  /// rankOf's order for `o`), with exact sums.
  PlanPoint extreme(Objective o) const;
  /// The Pareto frontier of error against `dim`, thinned.
  std::vector<PlanPoint> frontier(Dim dim, DpResult *out) const;

private:
  double forwardMin(double Choice::*field) const {
    double sum = 0;
    for (const Group &g : groups) {
      double m = std::numeric_limits<double>::infinity();
      for (const Choice &c : g.choices)
        m = std::min(m, c.*field);
      sum += m;
    }
    return sum;
  }
  double value(const State &s, Dim d) const {
    return d == Dim::Bytes ? static_cast<double>(s.bytes)
           : d == Dim::Ns  ? s.ns
                           : 0.0;
  }
  /// The range of `d` over all complete plans.
  double range(Dim d) const {
    return d == Dim::Bytes ? static_cast<double>(maxRestBytes[0] - restBytes[0])
           : d == Dim::Ns  ? maxRestNs[0] - restNs[0]
                           : 0.0;
  }
  /// The least value of `d` a state after step g can have (bucket origin).
  double base(Dim d, size_t g) const {
    return d == Dim::Bytes ? static_cast<double>(fixedBytes + restBytes[0] -
                                                 restBytes[g + 1])
           : d == Dim::Ns  ? restNs[0] - restNs[g + 1]
                           : 0.0;
  }
  /// Drops the dominated states of `in` (sorted by the primary resource)
  /// comparing both resources exactly; `out` keeps the primary order.
  void prune2D(const DpSpec &spec, const std::vector<State> &in,
               std::vector<State> &out) const;
  /// Keeps, per bucket of width qP (0: per exact value) of the resource
  /// `in` is sorted by, the best state, if it beats every earlier bucket.
  /// Returns false when a state was replaced by one with more resource.
  bool prune1D(const DpSpec &spec, size_t g, double qP,
               const std::vector<State> &in, std::vector<State> &out) const;
  /// Extends `cur` by group g's choices straight into primary buckets of
  /// width qP (> 0, one resource only), keeping the best state per bucket
  /// and dropping dominated buckets. Returns false when a state was
  /// replaced by one with more of the resource.
  bool extendBucketed(const DpSpec &spec, size_t g, double qP,
                      const std::vector<State> &cur,
                      std::vector<State> &out) const;
  /// Extends `cur` (a Pareto list over one resource: sorted by it, error
  /// strictly decreasing) by group g's choices into the Pareto list of the
  /// results: a k-way merge of the shifted lists that drops each state
  /// dominated by the last kept one. Exact.
  void extendExact1D(const DpSpec &spec, size_t g,
                     const std::vector<State> &cur,
                     std::vector<State> &out) const;
  /// Whether `t` (after group g) can still meet every budget: its sums plus
  /// the least the remaining groups add. The suffix minima are summed in
  /// another order than the plan's own sums; a relative margin keeps
  /// rounding from pruning a plan that meets a budget exactly (the final
  /// check is exact).
  bool admissible(const DpSpec &spec, size_t g, const State &t) const {
    if (spec.maxBytes && t.bytes + restBytes[g + 1] > *spec.maxBytes)
      return false;
    if (spec.maxNs && exceeds(t.ns + restNs[g + 1], *spec.maxNs))
      return false;
    if (spec.maxError && exceeds(t.error + restError[g + 1], *spec.maxError))
      return false;
    return true;
  }
  /// The most of `d` a state after step g can have.
  double top(Dim d, size_t g) const {
    return d == Dim::Bytes ? static_cast<double>(fixedBytes + maxRestBytes[0] -
                                                 maxRestBytes[g + 1])
           : d == Dim::Ns  ? maxRestNs[0] - maxRestNs[g + 1]
                           : 0.0;
  }

  ArrayRef<Group> groups;
  int64_t fixedBytes;
  const SolveOptions &options;
  /// Suffix sums from group g on: least bytes, ns, error; most bytes, ns.
  std::vector<int64_t> restBytes, maxRestBytes;
  std::vector<double> restNs, restError, maxRestNs;
};

void Solver::prune2D(const DpSpec &spec, const std::vector<State> &in,
                     std::vector<State> &out) const {
  out.clear();
  // Secondary values compared by rank among the distinct ones.
  std::vector<double> distinct;
  distinct.reserve(in.size());
  for (const State &s : in)
    distinct.push_back(value(s, spec.secondary));
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  auto rank = [&](const State &s) {
    return static_cast<size_t>(std::lower_bound(distinct.begin(),
                                                distinct.end(),
                                                value(s, spec.secondary)) -
                               distinct.begin());
  };
  PrefixMin tree;
  tree.reset(std::max<size_t>(distinct.size(), 1));
  std::vector<size_t> order, ranks(in.size());
  for (size_t i = 0; i < in.size(); ++i)
    ranks[i] = rank(in[i]);
  for (size_t lo = 0; lo < in.size();) {
    // One primary value: [lo, hi).
    double v = value(in[lo], spec.primary);
    size_t hi = lo + 1;
    while (hi < in.size() && value(in[hi], spec.primary) == v)
      ++hi;
    order.resize(hi - lo);
    std::iota(order.begin(), order.end(), lo);
    // By secondary rank, then error, then the exact resources (so that of
    // equal states the cheapest survives).
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      const State &x = in[a], &y = in[b];
      return std::make_tuple(ranks[a], x.error, x.bytes, x.ns, a) <
             std::make_tuple(ranks[b], y.error, y.bytes, y.ns, b);
    });
    // A state survives if it has less error than every state with no more
    // of either resource: those of earlier primary values (in the tree)
    // and those of this value accepted before it (sorted by rank, so all
    // have no more of the secondary).
    size_t first = out.size();
    double runMin = std::numeric_limits<double>::infinity();
    for (size_t i : order) {
      const State &s = in[i];
      if (runMin <= s.error || tree.query(ranks[i]) <= s.error)
        continue;
      runMin = s.error;
      out.push_back(s);
    }
    for (size_t i = first; i < out.size(); ++i)
      tree.insert(rank(out[i]), out[i].error);
    lo = hi;
  }
}

bool Solver::prune1D(const DpSpec &spec, size_t g, double qP,
                     const std::vector<State> &in,
                     std::vector<State> &out) const {
  // One resource: `in` is sorted by it, so buckets are runs. Keep each
  // run's best state (least error, then bytes, then ns) if it has less
  // error than every state kept before it.
  out.clear();
  bool exact = true;
  double baseP = base(spec.primary, g);
  auto keyP = [&](double v) {
    return qP > 0 ? std::floor((v - baseP) / qP) : v;
  };
  auto better = [&](const State &x, const State &y) {
    double sx = score(spec, x), sy = score(spec, y);
    if (sx != sy)
      return sx < sy;
    if (x.bytes != y.bytes)
      return x.bytes < y.bytes;
    return x.ns < y.ns;
  };
  for (size_t lo = 0; lo < in.size();) {
    double v = value(in[lo], spec.primary);
    double k = keyP(v);
    size_t best = lo, hi = lo + 1;
    for (; hi < in.size(); ++hi) {
      if (keyP(value(in[hi], spec.primary)) != k)
        break;
      if (better(in[hi], in[best]))
        best = hi;
    }
    // Merging within a bucket loses exactness when the survivor has more
    // of the resource than a state it replaces.
    if (exact && hi - lo > 1 && value(in[best], spec.primary) > v)
      exact = false;
    if (out.empty() || score(spec, in[best]) < score(spec, out.back()))
      out.push_back(in[best]);
    lo = hi;
  }
  return exact;
}

void Solver::extendExact1D(const DpSpec &spec, size_t g,
                           const std::vector<State> &cur,
                           std::vector<State> &out) const {
  out.clear();
  const auto &choices = groups[g].choices;
  size_t k = choices.size();
  // Per choice: the next state of `cur` to extend, and its extension.
  std::vector<size_t> head(k, 0);
  std::vector<State> next(k);
  std::vector<double> key(k);
  std::vector<bool> done(k, false);
  auto advance = [&](size_t c) {
    const Choice &ch = choices[c];
    for (size_t &i = head[c]; i < cur.size(); ++i) {
      const State &s = cur[i];
      State t{s.bytes + ch.bytes, s.ns + ch.ns, s.error + ch.error,
              static_cast<int32_t>(i), static_cast<uint8_t>(c)};
      if (admissible(spec, g, t)) {
        next[c] = t;
        key[c] = value(t, spec.primary);
        ++i;
        return;
      }
    }
    done[c] = true;
  };
  for (size_t c = 0; c < k; ++c)
    advance(c);
  while (true) {
    int pick = -1;
    for (size_t c = 0; c < k; ++c)
      if (!done[c] && (pick < 0 || key[c] < key[pick]))
        pick = static_cast<int>(c);
    if (pick < 0)
      break;
    const State t = next[pick];
    double v = key[pick];
    advance(pick);
    if (out.empty()) {
      out.push_back(t);
      continue;
    }
    State &last = out.back();
    double lv = value(last, spec.primary);
    double st = score(spec, t), sl = score(spec, last);
    bool better =
        st < sl || (st == sl && (t.bytes < last.bytes ||
                                 (t.bytes == last.bytes && t.ns < last.ns)));
    if (v == lv) {
      // Same resource: keep the better one; it still has less error than
      // the state before `last` (which had more than `last`).
      if (better)
        last = t;
    } else if (st < sl) {
      out.push_back(t);
    }
  }
}

bool Solver::extendBucketed(const DpSpec &spec, size_t g, double qP,
                            const std::vector<State> &cur,
                            std::vector<State> &out) const {
  out.clear();
  double baseP = base(spec.primary, g);
  size_t num = static_cast<size_t>(std::max(
                   0.0, std::floor((top(spec.primary, g) - baseP) / qP))) +
               2;
  struct Slot {
    State best;
    double least; ///< the least resource of any state in the slot
    bool used;
  };
  std::vector<Slot> slots(num, Slot{State(), 0.0, false});
  const auto &choices = groups[g].choices;
  for (size_t c = 0; c < choices.size(); ++c) {
    const Choice &ch = choices[c];
    for (size_t i = 0; i < cur.size(); ++i) {
      const State &s = cur[i];
      State t{s.bytes + ch.bytes, s.ns + ch.ns, s.error + ch.error,
              static_cast<int32_t>(i), static_cast<uint8_t>(c)};
      if (!admissible(spec, g, t))
        continue;
      double v = value(t, spec.primary);
      double k = std::floor((v - baseP) / qP);
      size_t slot = k < 0 ? 0 : std::min(static_cast<size_t>(k), num - 1);
      Slot &sl = slots[slot];
      if (!sl.used) {
        sl = {t, v, true};
        continue;
      }
      sl.least = std::min(sl.least, v);
      const State &b = sl.best;
      double st = score(spec, t), sb = score(spec, b);
      if (st < sb || (st == sb && (t.bytes < b.bytes ||
                                   (t.bytes == b.bytes && t.ns < b.ns))))
        sl.best = t;
    }
  }
  bool exact = true;
  for (const Slot &sl : slots) {
    if (!sl.used)
      continue;
    if (!out.empty() && score(spec, sl.best) >= score(spec, out.back()))
      continue; // dominated by a state in a lower bucket
    if (value(sl.best, spec.primary) > sl.least)
      exact = false;
    out.push_back(sl.best);
  }
  return exact;
}

DpResult Solver::run(const DpSpec &spec) const {
  DpResult r;
  std::vector<State> cur = {{fixedBytes, 0.0, 0.0, -1, 0}};
  std::vector<State> cand, next;
  std::vector<std::vector<State>> lists;
  // Bucket width over the (one) resource; 0: exact comparison.
  double qP = 0;
  int64_t cap =
      std::max<int64_t>(spec.cap > 0    ? spec.cap
                        : spec.frontier ? options.maxStatesFrontier
                        : spec.secondary != Dim::None ? options.maxStates2D
                                                      : options.maxStates,
                        2);
  r.trace.resize(groups.size());
  for (size_t g = 0; g < groups.size(); ++g) {
    const auto &choices = groups[g].choices;
    bool stepExact;
    if (spec.secondary == Dim::None && qP > 0) {
      stepExact = extendBucketed(spec, g, qP, cur, next);
    } else if (spec.secondary == Dim::None) {
      extendExact1D(spec, g, cur, next);
      stepExact = true;
    } else {
      // Extend every state by every choice, dropping those that cannot
      // meet a budget; each choice's list stays sorted by the primary
      // resource, and a k-way merge keeps the union sorted.
      lists.resize(choices.size());
      for (size_t c = 0; c < choices.size(); ++c) {
        const Choice &ch = choices[c];
        auto &list = lists[c];
        list.clear();
        for (size_t i = 0; i < cur.size(); ++i) {
          const State &s = cur[i];
          State t{s.bytes + ch.bytes, s.ns + ch.ns, s.error + ch.error,
                  static_cast<int32_t>(i), static_cast<uint8_t>(c)};
          if (admissible(spec, g, t))
            list.push_back(t);
        }
      }
      cand.clear();
      std::vector<size_t> head(choices.size(), 0);
      while (true) {
        int pick = -1;
        double least = 0;
        for (size_t c = 0; c < choices.size(); ++c) {
          if (head[c] == lists[c].size())
            continue;
          double v = value(lists[c][head[c]], spec.primary);
          if (pick < 0 || v < least) {
            pick = static_cast<int>(c);
            least = v;
          }
        }
        if (pick < 0)
          break;
        cand.push_back(lists[pick][head[pick]++]);
      }
      prune2D(spec, cand, next);
      stepExact = true;
      // Past the limit with two resources, buckets would be too coarse to
      // bound anything: give up (best() searches the Lagrangian instead).
      if (static_cast<int64_t>(next.size()) > cap) {
        r.exact = false;
        r.finals.clear();
        return r;
      }
    }
    // Too many non-dominated states: merge by buckets, coarser until the
    // count fits.
    while (static_cast<int64_t>(next.size()) > cap) {
      qP = qP == 0 ? std::max(range(spec.primary), 1.0) /
                         static_cast<double>(std::max<int64_t>(cap / 2, 1))
                   : 2 * qP;
      if (spec.primary == Dim::Bytes)
        qP = std::max(qP, 1.0);
      cand.swap(next);
      next.clear();
      prune1D(spec, g, qP, cand, next);
      stepExact = false;
    }
    if (!stepExact) {
      r.exact = false;
      if (spec.primary == Dim::Bytes)
        r.slackBytes += static_cast<int64_t>(std::ceil(qP));
      else if (spec.primary == Dim::Ns)
        r.slackNs += qP;
    }
    auto &trace = r.trace[g];
    trace.reserve(next.size());
    for (State &s : next)
      trace.push_back({s.parent, s.choice});
    cur.swap(next);
    if (cur.empty())
      break;
  }
  if (groups.empty() || !r.trace.back().empty())
    r.finals = std::move(cur);
  return r;
}

PlanPoint Solver::reconstruct(const DpResult &r, size_t final) const {
  PlanPoint p;
  p.choice.assign(groups.size(), 0);
  int32_t idx = static_cast<int32_t>(final);
  for (size_t g = groups.size(); g-- > 0;) {
    auto [parent, choice] = r.trace[g][idx];
    p.choice[g] = choice;
    idx = parent;
  }
  // Exact sums in group order (bit-identical to the program's).
  p.bytes = fixedBytes;
  for (size_t g = 0; g < groups.size(); ++g) {
    const Choice &c = groups[g].choices[p.choice[g]];
    p.bytes += c.bytes;
    p.ns += c.ns;
    p.error += c.error;
  }
  return p;
}

std::optional<size_t> Solver::select(const DpResult &r, const Budgets &budgets,
                                     Objective objective) const {
  auto rank = [&](const State &s) {
    switch (objective) {
    case Objective::Error:
      return std::make_tuple(s.error, static_cast<double>(s.bytes), s.ns);
    case Objective::Bytes:
      return std::make_tuple(static_cast<double>(s.bytes), s.ns, s.error);
    case Objective::Ns:
      return std::make_tuple(s.ns, static_cast<double>(s.bytes), s.error);
    }
    return std::make_tuple(0.0, 0.0, 0.0);
  };
  std::optional<size_t> best;
  for (size_t i = 0; i < r.finals.size(); ++i) {
    const State &s = r.finals[i];
    if (!meets(s.bytes, s.ns, s.error, budgets))
      continue;
    if (!best || rank(s) < rank(r.finals[*best]))
      best = i;
  }
  return best;
}

std::optional<PlanPoint>
Solver::best(const Budgets &budgets, Objective objective, DpResult *out) const {
  DpSpec spec;
  spec.maxBytes = budgets.bytes;
  spec.maxNs = budgets.ns;
  spec.maxError = budgets.error;
  bool useBytes = budgets.bytes || objective == Objective::Bytes;
  bool useNs = budgets.ns || objective == Objective::Ns;
  if (objective != Objective::Error && !budgets.error) {
    // The least of one resource within a budget on the other (or none):
    // compare states on the budgeted resource and keep the least of the
    // objective's per bucket. One resource, so exact up to the state
    // limit.
    Dim other = objective == Objective::Bytes ? Dim::Ns : Dim::Bytes;
    bool budgeted =
        other == Dim::Ns ? budgets.ns.has_value() : budgets.bytes.has_value();
    spec.primary = budgeted ? other : Dim::None;
    spec.merge = objective;
  } else if (useBytes) {
    spec.primary = Dim::Bytes;
    spec.secondary = useNs ? Dim::Ns : Dim::None;
  } else if (useNs) {
    spec.primary = Dim::Ns;
  }
  DpResult local;
  DpResult &r = out ? *out : local;
  r = run(spec);
  std::optional<PlanPoint> p;
  if (std::optional<size_t> i = select(r, budgets, objective))
    p = reconstruct(r, *i);
  // Two resources and too many non-dominated states: buckets over two
  // resources would be coarse (their slack bound vacuous), so search the
  // Lagrangian relaxation of the latency budget instead.
  if (spec.secondary != Dim::None && !r.exact) {
    r.lagrangian = true;
    p = lagrangian(budgets, objective);
  }
  // Merging can drop an extreme plan; the separable ones (least bytes,
  // least ns, least error per group) are always candidates, so that a
  // single budget is met whenever any plan meets it.
  for (Objective o : {Objective::Bytes, Objective::Ns, Objective::Error}) {
    PlanPoint q = extreme(o);
    if (meets(q.bytes, q.ns, q.error, budgets) &&
        (!p || rankOf(q, objective) < rankOf(*p, objective)))
      p = std::move(q);
  }
  // The reconstructed sums are the state's (same order); checked again so
  // that a returned plan meets the budgets whatever happened above.
  if (p && !meets(p->bytes, p->ns, p->error, budgets))
    return std::nullopt;
  return p;
}

std::optional<PlanPoint> Solver::lagrangian(const Budgets &budgets,
                                            Objective objective) const {
  DpSpec spec;
  spec.primary = Dim::Bytes;
  spec.maxBytes = budgets.bytes;
  // Not spec.maxNs: pruning on a resource the buckets do not compare would
  // drop the states that could meet it (their bucket's survivor is chosen
  // on error + lambda * ns alone). The latency budget is checked at the end.
  spec.maxError = budgets.error;
  spec.cap = options.maxStates2D;
  std::optional<PlanPoint> best;
  // Runs the program for one multiplier, keeps the best plan meeting all
  // budgets among its survivors, and says whether the relaxation's own
  // solution (least error + lambda * ns within the other budgets) meets
  // the latency budget, i.e. whether lambda is large enough.
  Budgets others = budgets;
  others.ns.reset();
  auto attempt = [&](double lambda) {
    spec.lambda = lambda;
    DpResult r = run(spec);
    if (std::optional<size_t> i = select(r, budgets, objective)) {
      PlanPoint p = reconstruct(r, *i);
      if (!best || rankOf(p, objective) < rankOf(*best, objective))
        best = std::move(p);
    }
    const State *relaxed = nullptr;
    for (const State &s : r.finals)
      if (meets(s.bytes, s.ns, s.error, others) &&
          (!relaxed || score(spec, s) < score(spec, *relaxed)))
        relaxed = &s;
    return relaxed && relaxed->ns <= *budgets.ns;
  };
  if (attempt(0))
    return best;
  // Feasibility witnesses (one resource each, exact up to the state
  // limit): the fastest plan within the size budget and the smallest
  // within the latency budget, so that a plan meeting both is not missed
  // when the multiplier search finds none. If the first run is exact and
  // nothing in it meets the latency budget, no plan meets both budgets.
  for (Objective o : {Objective::Ns, Objective::Bytes}) {
    DpSpec w;
    w.primary = o == Objective::Ns ? Dim::Bytes : Dim::Ns;
    if (o == Objective::Ns)
      w.maxBytes = budgets.bytes;
    else
      w.maxNs = budgets.ns;
    w.merge = o;
    DpResult r = run(w);
    if (std::optional<size_t> i = select(r, budgets, objective)) {
      PlanPoint p = reconstruct(r, *i);
      if (!best || rankOf(p, objective) < rankOf(*best, objective))
        best = std::move(p);
    }
    if (o == Objective::Ns && r.exact &&
        std::none_of(r.finals.begin(), r.finals.end(), [&](const State &s) {
          return s.bytes <= *budgets.bytes && s.ns <= *budgets.ns;
        }))
      return std::nullopt;
  }
  // Error per nanosecond at which trading one for the other breaks even,
  // roughly; search geometrically for a multiplier that meets the latency
  // budget, then bisect towards the least such multiplier.
  double errorRange = 0;
  for (const Group &g : groups) {
    double lo = std::numeric_limits<double>::infinity(), hi = 0;
    for (const Choice &c : g.choices) {
      lo = std::min(lo, c.error);
      hi = std::max(hi, c.error);
    }
    errorRange += hi - lo;
  }
  double scale = std::max(errorRange, 1e-30) / std::max(range(Dim::Ns), 1e-30);
  double lo = 0, hi = scale / 64;
  int tries = 0;
  while (!attempt(hi)) {
    lo = hi;
    hi *= 8;
    if (++tries == 12)
      return best;
  }
  for (int it = 0; it < 8; ++it) {
    double mid = lo > 0 ? std::sqrt(lo * hi) : hi / 8;
    if (attempt(mid))
      hi = mid;
    else
      lo = mid;
  }
  return best;
}

double Solver::dualBound(const Budgets &budgets) const {
  double budgetB =
      budgets.bytes ? static_cast<double>(*budgets.bytes - fixedBytes) : 0;
  double budgetT = budgets.ns ? *budgets.ns : 0;
  auto dual = [&](double mu, double lambda) {
    double sum = -mu * budgetB - lambda * budgetT;
    for (const Group &g : groups) {
      double m = std::numeric_limits<double>::infinity();
      for (const Choice &c : g.choices)
        m = std::min(m, c.error + mu * static_cast<double>(c.bytes) +
                            lambda * c.ns);
      sum += m;
    }
    return sum;
  };
  // Past the largest error saved per unit of a resource by any choice in
  // any group, every group takes its cheapest choice and the dual only
  // falls: the maximum lies below it.
  auto limit = [&](bool bytes) {
    double most = 0;
    for (const Group &g : groups)
      for (const Choice &a : g.choices)
        for (const Choice &b : g.choices) {
          double da = bytes ? static_cast<double>(a.bytes) : a.ns;
          double db = bytes ? static_cast<double>(b.bytes) : b.ns;
          if (da < db && b.error < a.error)
            most = std::max(most, (a.error - b.error) / (db - da));
        }
    return most;
  };
  auto ternary = [](double hi, auto f) {
    double lo = 0;
    for (int it = 0; it < 40 && hi > lo; ++it) {
      double m1 = lo + (hi - lo) / 3, m2 = hi - (hi - lo) / 3;
      if (f(m1) < f(m2))
        lo = m1;
      else
        hi = m2;
    }
    return std::max(f(0.0), f((lo + hi) / 2));
  };
  double muMax = budgets.bytes ? limit(true) : 0;
  double lambdaMax = budgets.ns ? limit(false) : 0;
  auto overLambda = [&](double mu) {
    return ternary(lambdaMax, [&](double lambda) { return dual(mu, lambda); });
  };
  return std::max(0.0, ternary(muMax, overLambda));
}

PlanPoint Solver::extreme(Objective o) const {
  PlanPoint p;
  p.bytes = fixedBytes;
  for (const Group &g : groups) {
    auto key = [&](const Choice &c) {
      PlanPoint one;
      one.bytes = c.bytes;
      one.ns = c.ns;
      one.error = c.error;
      return rankOf(one, o);
    };
    size_t best = 0;
    for (size_t c = 1; c < g.choices.size(); ++c)
      if (key(g.choices[c]) < key(g.choices[best]))
        best = c;
    const Choice &c = g.choices[best];
    p.choice.push_back(static_cast<int>(best));
    p.bytes += c.bytes;
    p.ns += c.ns;
    p.error += c.error;
  }
  return p;
}

std::vector<PlanPoint> Solver::frontier(Dim dim, DpResult *out) const {
  DpSpec spec;
  spec.primary = dim;
  spec.frontier = true;
  *out = run(spec);
  const DpResult &r = *out;
  // Candidates: the surviving plans plus the plan with the least of the
  // resource (separable: per group the cheapest choice),
  // which merging could have dropped; it is the frontier's first point.
  PlanPoint cheapest =
      extreme(dim == Dim::Bytes ? Objective::Bytes : Objective::Ns);
  State extra{cheapest.bytes, cheapest.ns, cheapest.error, -1, 0};
  size_t numFinals = r.finals.size();
  auto state = [&](size_t i) -> const State & {
    return i < numFinals ? r.finals[i] : extra;
  };
  std::vector<size_t> idx(numFinals + 1);
  std::iota(idx.begin(), idx.end(), 0);
  auto other = [&](const State &s) {
    return dim == Dim::Bytes ? s.ns : static_cast<double>(s.bytes);
  };
  std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
    const State &x = state(a), &y = state(b);
    double vx = value(x, dim), vy = value(y, dim);
    if (vx != vy)
      return vx < vy;
    if (x.error != y.error)
      return x.error < y.error;
    if (other(x) != other(y))
      return other(x) < other(y);
    return a < b;
  });
  // Non-dominated: error strictly decreasing as the resource grows.
  std::vector<size_t> keep;
  for (size_t i : idx)
    if (keep.empty() || state(i).error < state(keep.back()).error)
      keep.push_back(i);
  auto point = [&](size_t i) {
    return i < numFinals ? reconstruct(r, i) : cheapest;
  };
  // Thin to evenly spaced budgets: for each of `limit` resource values
  // from the least to the most, the best frontier plan within it (the last
  // point at or below it). Both ends are kept.
  size_t limit = static_cast<size_t>(std::max<int64_t>(options.maxFrontier, 2));
  std::vector<PlanPoint> points;
  if (keep.size() <= limit) {
    for (size_t i : keep)
      points.push_back(point(i));
    return points;
  }
  double least = value(state(keep.front()), dim);
  double most = value(state(keep.back()), dim);
  size_t at = 0, last = keep.size();
  for (size_t j = 0; j < limit; ++j) {
    double budget = j + 1 == limit
                        ? most
                        : least + (most - least) * static_cast<double>(j) /
                                      static_cast<double>(limit - 1);
    while (at + 1 < keep.size() && value(state(keep[at + 1]), dim) <= budget)
      ++at;
    if (at != last)
      points.push_back(point(keep[at]));
    last = at;
  }
  return points;
}

const char *budgetName(int k) {
  return k == 0 ? "size" : k == 1 ? "latency" : "error";
}

} // namespace

SolveResult solve(ArrayRef<Group> groups, const Budgets &budgets,
                  int64_t fixedBytes, const SolveOptions &options) {
  auto start = std::chrono::steady_clock::now();
  SolveResult result;
  auto finish = [&]() {
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    return result;
  };

  // Malformed input: say what is wrong rather than guess.
  for (size_t g = 0; g < groups.size(); ++g) {
    if (groups[g].choices.empty() || groups[g].choices.size() > 255) {
      result.infeasible.push_back("group " + std::to_string(g) + " has " +
                                  std::to_string(groups[g].choices.size()) +
                                  " choices (1 to 255 allowed)");
      return finish();
    }
    for (const Choice &c : groups[g].choices)
      if (!(c.error >= 0) || !(c.ns >= 0) || c.bytes < 0 ||
          !std::isfinite(c.error) || !std::isfinite(c.ns)) {
        result.infeasible.push_back(
            "group " + std::to_string(g) + " has a choice (" +
            candidateName(c.precision).str() +
            ") with a negative or non-finite error, size or time");
        return finish();
      }
  }

  // A budget below every plan (even a negative one) is a normal
  // infeasibility with a message; NaN or infinite budgets are malformed.
  if ((budgets.ns && !std::isfinite(*budgets.ns)) ||
      (budgets.error && !std::isfinite(*budgets.error)) || fixedBytes < 0) {
    result.infeasible.push_back(
        "budgets must be finite numbers and fixed bytes non-negative");
    return finish();
  }

  Solver solver(groups, fixedBytes, options);
  bool anyResource = budgets.bytes || budgets.ns;
  Objective objective = anyResource     ? Objective::Error
                        : budgets.error ? Objective::Bytes
                                        : Objective::Error;

  auto noteSlack = [&](const DpResult &r) {
    if (r.lagrangian)
      result.method = "lagrangian";
    else if (!r.exact)
      result.method = "merged";
    if (!r.exact) {
      result.exact = false;
      result.slackBytes = std::max(result.slackBytes, r.slackBytes);
      result.slackNs = std::max(result.slackNs, r.slackNs);
    }
  };

  DpResult r;
  if (std::optional<PlanPoint> p = solver.best(budgets, objective, &r)) {
    result.feasible = true;
    result.best = std::move(*p);
    noteSlack(r);
    if (objective == Objective::Error)
      result.errorLowerBound =
          anyResource ? std::min(solver.dualBound(budgets), result.best.error)
                      : result.best.error;
  } else {
    // Infeasible: exact unless states were merged, in which case no plan
    // meets the budgets with the slack to spare.
    noteSlack(r);
    // Which budgets fail on their own (below the least the plan can reach).
    int64_t minBytes = solver.minBytes();
    double minNs = solver.minNs(), minError = solver.minError();
    bool alone[3] = {budgets.bytes && *budgets.bytes < minBytes,
                     budgets.ns && *budgets.ns < minNs,
                     budgets.error && *budgets.error < minError};
    if (alone[0])
      result.infeasible.push_back(
          "size budget " + formatBytes(*budgets.bytes) + " (" +
          std::to_string(*budgets.bytes) + " B) is below the smallest plan (" +
          formatBytes(minBytes) + ", " + std::to_string(minBytes) + " B)");
    if (alone[1])
      result.infeasible.push_back("latency budget " + formatNs(*budgets.ns) +
                                  " is below the fastest plan (" +
                                  formatNs(minNs) + ")");
    if (alone[2])
      result.infeasible.push_back("error budget " +
                                  formatError(*budgets.error) +
                                  " is below the most accurate plan's error (" +
                                  formatError(minError) + ")");
    if (!alone[0] && !alone[1] && !alone[2]) {
      // Each budget is reachable alone; name the pairs that are not.
      auto only = [&](int k) {
        Budgets b;
        if (k == 0)
          b.bytes = budgets.bytes;
        else if (k == 1)
          b.ns = budgets.ns;
        else
          b.error = budgets.error;
        return b;
      };
      auto describe = [&](int k) {
        return k == 0   ? "size budget " + formatBytes(*budgets.bytes)
               : k == 1 ? "latency budget " + formatNs(*budgets.ns)
                        : "error budget " + formatError(*budgets.error);
      };
      std::vector<int> present;
      for (int k = 0; k < 3; ++k)
        if (k == 0   ? budgets.bytes.has_value()
            : k == 1 ? budgets.ns.has_value()
                     : budgets.error.has_value())
          present.push_back(k);
      // "A and B cannot both be met: within the A budget the fastest plan
      // takes ..." (the least of B's quantity that budget A allows).
      auto pairMessage = [&](int a, int b) {
        std::optional<PlanPoint> p =
            solver.best(only(a), b == 1 ? Objective::Ns : Objective::Error);
        std::string msg =
            describe(a) + " and " + describe(b) + " cannot both be met";
        if (p)
          msg += std::string(": within the ") + budgetName(a) + " budget the " +
                 (b == 1 ? "fastest plan takes " + formatNs(p->ns)
                         : "least error is " + formatError(p->error));
        result.infeasible.push_back(msg);
      };
      if (present.size() == 1) {
        // Only after merging, which the extreme plans above rule out for a
        // single budget; kept so that no infeasible result goes unexplained.
        result.infeasible.push_back("no plan found within the " +
                                    describe(present[0]));
      } else if (present.size() == 2) {
        pairMessage(present[0], present[1]);
      } else {
        bool foundPair = false;
        for (size_t x = 0; x < present.size(); ++x)
          for (size_t y = x + 1; y < present.size(); ++y) {
            int a = present[x], b = present[y];
            Budgets pair = only(a);
            if (b == 1)
              pair.ns = budgets.ns;
            else
              pair.error = budgets.error;
            if (solver.best(pair, Objective::Error))
              continue;
            foundPair = true;
            pairMessage(a, b);
          }
        if (!foundPair)
          result.infeasible.push_back(
              "the size, latency and error budgets cannot all be met at once");
      }
    }
    // Closest plans: per budget, the least of its quantity meeting the
    // other budgets (or, if they cannot be met either, overall).
    static const char *what[3] = {"smallest", "fastest", "most accurate"};
    const Objective objs[3] = {Objective::Bytes, Objective::Ns,
                               Objective::Error};
    bool has[3] = {budgets.bytes.has_value(), budgets.ns.has_value(),
                   budgets.error.has_value()};
    // First the plans meeting the other budgets, then, for budgets where
    // none does, the overall extreme (unless already listed).
    bool found[3] = {false, false, false};
    for (int k = 0; k < 3; ++k) {
      if (!has[k])
        continue;
      Budgets rest = budgets;
      if (k == 0)
        rest.bytes.reset();
      if (k == 1)
        rest.ns.reset();
      if (k == 2)
        rest.error.reset();
      std::vector<std::string> others;
      for (int j = 0; j < 3; ++j)
        if (j != k && has[j])
          others.push_back(budgetName(j));
      if (others.empty())
        continue;
      std::optional<PlanPoint> p = solver.best(rest, objs[k]);
      if (!p)
        continue;
      found[k] = true;
      p->label = std::string(what[k]) + " plan meeting the " + others[0] +
                 (others.size() > 1 ? " and " + others[1] + " budgets"
                                    : std::string(" budget"));
      result.closest.push_back(std::move(*p));
    }
    for (int k = 0; k < 3; ++k) {
      if (!has[k] || found[k])
        continue;
      std::optional<PlanPoint> p = solver.best(Budgets(), objs[k]);
      if (!p)
        continue;
      bool dup = false;
      for (const PlanPoint &q : result.closest)
        dup |= q.choice == p->choice;
      if (dup)
        continue;
      p->label = std::string(what[k]) + " plan";
      result.closest.push_back(std::move(*p));
    }
  }

  if (options.frontiers) {
    DpResult fr;
    result.frontierBytes = solver.frontier(Dim::Bytes, &fr);
    result.frontiersExact = fr.exact;
    result.frontierNs = solver.frontier(Dim::Ns, &fr);
    result.frontiersExact &= fr.exact;
  }
  return finish();
}

} // namespace qcc::mixed
