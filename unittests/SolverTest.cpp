//===- SolverTest.cpp - unit tests of the precision-assignment solver -----===//
//
// Checks the solver against brute-force enumeration on random small
// instances (exact optimum, exact frontiers, infeasibility), its guarantee
// when it has to merge states, its messages, and its speed on 200 groups.
//
//===----------------------------------------------------------------------===//

#include "qcc/Mixed/Solver.h"

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <limits>
#include <random>
#include <tuple>

using namespace qcc;
using namespace qcc::mixed;

namespace {

/// A random instance shaped like real layers: f32 costs no error and the
/// most bytes; lower precisions trade bytes (and on some targets time) for
/// error. `k` choices per group (1..5).
std::vector<Group> randomGroups(std::mt19937_64 &rng, int n, int k) {
  static const Precision order[] = {Precision::f32, Precision::f16,
                                    Precision::bf16, Precision::w8a8,
                                    Precision::w4f};
  static const double bytesPerWeight[] = {4, 2, 2, 1, 0.56};
  std::uniform_int_distribution<int64_t> weights(100, 300000);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<Group> groups(n);
  for (int g = 0; g < n; ++g) {
    groups[g].layers = {g};
    int64_t w = weights(rng);
    double sensitivity = std::pow(10.0, -6 + 4 * unit(rng));
    double baseNs = 1000 + 1e5 * unit(rng);
    for (int c = 0; c < k; ++c) {
      Choice ch;
      ch.precision = order[c];
      ch.bytes = static_cast<int64_t>(w * bytesPerWeight[c]) + 64;
      ch.error = c == 0 ? 0 : sensitivity * std::pow(4.0, c) * unit(rng);
      ch.ns = baseNs * (0.4 + 1.2 * unit(rng));
      groups[g].choices.push_back(ch);
    }
  }
  return groups;
}

/// A random instance with small integer costs: many exact ties.
std::vector<Group> tiedGroups(std::mt19937_64 &rng, int n, int k) {
  std::uniform_int_distribution<int> small(0, 4);
  std::vector<Group> groups(n);
  for (int g = 0; g < n; ++g)
    for (int c = 0; c < k; ++c)
      groups[g].choices.push_back(
          {Precision::f32, double(small(rng)), small(rng), double(small(rng))});
  return groups;
}

struct Plan {
  std::vector<int> choice;
  double error = 0;
  int64_t bytes = 0;
  double ns = 0;
};

/// All plans, sums in group order (as the solver sums them).
std::vector<Plan> enumerate(const std::vector<Group> &groups,
                            int64_t fixedBytes) {
  std::vector<Plan> plans;
  std::vector<int> idx(groups.size(), 0);
  while (true) {
    Plan p;
    p.choice = idx;
    p.bytes = fixedBytes;
    for (size_t g = 0; g < groups.size(); ++g) {
      const Choice &c = groups[g].choices[idx[g]];
      p.error += c.error;
      p.bytes += c.bytes;
      p.ns += c.ns;
    }
    plans.push_back(p);
    size_t g = 0;
    while (g < groups.size() && ++idx[g] == (int)groups[g].choices.size())
      idx[g++] = 0;
    if (g == groups.size())
      break;
  }
  return plans;
}

bool meets(const Plan &p, const Budgets &b) {
  return (!b.bytes || p.bytes <= *b.bytes) && (!b.ns || p.ns <= *b.ns) &&
         (!b.error || p.error <= *b.error);
}

/// The brute-force optimum under the solver's objective.
std::optional<Plan> bruteBest(const std::vector<Plan> &plans,
                              const Budgets &b) {
  bool minimizeBytes = !b.bytes && !b.ns && b.error;
  std::optional<Plan> best;
  for (const Plan &p : plans) {
    if (!meets(p, b))
      continue;
    auto key = [&](const Plan &q) {
      return minimizeBytes ? std::make_tuple(double(q.bytes), q.ns, q.error)
                           : std::make_tuple(q.error, double(q.bytes), q.ns);
    };
    if (!best || key(p) < key(*best))
      best = p;
  }
  return best;
}

/// Recomputes a returned plan's sums from its choices.
void checkSums(const std::vector<Group> &groups, int64_t fixedBytes,
               const PlanPoint &p) {
  ASSERT_EQ(p.choice.size(), groups.size());
  double error = 0, ns = 0;
  int64_t bytes = fixedBytes;
  for (size_t g = 0; g < groups.size(); ++g) {
    ASSERT_GE(p.choice[g], 0);
    ASSERT_LT(p.choice[g], (int)groups[g].choices.size());
    const Choice &c = groups[g].choices[p.choice[g]];
    error += c.error;
    bytes += c.bytes;
    ns += c.ns;
  }
  EXPECT_EQ(p.error, error);
  EXPECT_EQ(p.bytes, bytes);
  EXPECT_EQ(p.ns, ns);
}

/// Frontier invariants: resource strictly increasing, error strictly
/// decreasing (so no point dominates another).
void checkFrontier(const std::vector<PlanPoint> &f, bool byBytes) {
  for (size_t i = 1; i < f.size(); ++i) {
    if (byBytes)
      EXPECT_LT(f[i - 1].bytes, f[i].bytes);
    else
      EXPECT_LT(f[i - 1].ns, f[i].ns);
    EXPECT_GT(f[i - 1].error, f[i].error);
  }
}

/// The exact Pareto set of (resource, error) over `plans`.
std::vector<std::pair<double, double>> brutePareto(std::vector<Plan> plans,
                                                   bool byBytes) {
  auto res = [&](const Plan &p) { return byBytes ? double(p.bytes) : p.ns; };
  std::sort(plans.begin(), plans.end(), [&](const Plan &a, const Plan &b) {
    return std::make_pair(res(a), a.error) < std::make_pair(res(b), b.error);
  });
  std::vector<std::pair<double, double>> out;
  for (const Plan &p : plans)
    if (out.empty() || p.error < out.back().second)
      out.push_back({res(p), p.error});
  return out;
}

/// Budgets at a random fraction between the least and the most a plan uses.
Budgets randomBudgets(std::mt19937_64 &rng, const std::vector<Plan> &plans,
                      unsigned mask) {
  std::uniform_real_distribution<double> unit(-0.1, 1.0);
  int64_t minB = INT64_MAX, maxB = 0;
  double minT = 1e300, maxT = 0, maxE = 0;
  for (const Plan &p : plans) {
    minB = std::min(minB, p.bytes);
    maxB = std::max(maxB, p.bytes);
    minT = std::min(minT, p.ns);
    maxT = std::max(maxT, p.ns);
    maxE = std::max(maxE, p.error);
  }
  Budgets b;
  if (mask & 1)
    b.bytes = minB + int64_t(unit(rng) * double(maxB - minB));
  if (mask & 2)
    b.ns = minT + unit(rng) * (maxT - minT);
  if (mask & 4)
    b.error = std::max(0.0, unit(rng) * maxE * 0.5);
  return b;
}

} // namespace

// Every combination of budgets against brute force: same feasibility, the
// optimal objective value, budgets met on exact sums, exact frontiers.
TEST(Solver, MatchesBruteForce) {
  std::mt19937_64 rng(1234);
  int instances = 0;
  for (int trial = 0; trial < 300; ++trial) {
    int n = 1 + trial % 7;
    int k = 1 + (trial / 7) % 5;
    bool tied = trial % 3 == 2;
    std::vector<Group> groups =
        tied ? tiedGroups(rng, n, k) : randomGroups(rng, n, k);
    int64_t fixedBytes = trial % 2 ? 1000 : 0;
    std::vector<Plan> plans = enumerate(groups, fixedBytes);
    for (unsigned mask = 0; mask < 8; ++mask) {
      Budgets b = randomBudgets(rng, plans, mask);
      SolveResult r = solve(groups, b, fixedBytes);
      std::optional<Plan> expect = bruteBest(plans, b);
      ++instances;
      ASSERT_EQ(r.feasible, expect.has_value())
          << "trial " << trial << " mask " << mask;
      EXPECT_TRUE(r.exact);
      if (!expect) {
        EXPECT_FALSE(r.infeasible.empty());
        EXPECT_FALSE(r.closest.empty());
        continue;
      }
      EXPECT_TRUE(r.infeasible.empty());
      checkSums(groups, fixedBytes, r.best);
      EXPECT_TRUE(
          meets({r.best.choice, r.best.error, r.best.bytes, r.best.ns}, b));
      if (!b.bytes && !b.ns && b.error) {
        EXPECT_EQ(r.best.bytes, expect->bytes);
      } else {
        EXPECT_EQ(r.best.error, expect->error);
        // The dual bound is a lower bound.
        EXPECT_LE(r.errorLowerBound, expect->error * (1 + 1e-12) + 1e-300);
      }
    }
    // Frontiers (no budgets, not thinned): exactly the brute-force Pareto
    // sets.
    SolveOptions all;
    all.maxFrontier = 1 << 20;
    SolveResult r = solve(groups, Budgets(), fixedBytes, all);
    for (bool byBytes : {true, false}) {
      const auto &f = byBytes ? r.frontierBytes : r.frontierNs;
      auto expect = brutePareto(plans, byBytes);
      ASSERT_EQ(f.size(), expect.size()) << "trial " << trial;
      for (size_t i = 0; i < f.size(); ++i) {
        EXPECT_EQ(byBytes ? double(f[i].bytes) : f[i].ns, expect[i].first);
        EXPECT_EQ(f[i].error, expect[i].second);
        checkSums(groups, fixedBytes, f[i]);
      }
      checkFrontier(f, byBytes);
    }
  }
  EXPECT_EQ(instances, 2400);
}

// With few states allowed the solver merges; the result still meets the
// budgets and is at least as good as the optimum with the reported slack.
TEST(Solver, MergedStatesKeepTheGuarantee) {
  std::mt19937_64 rng(99);
  SolveOptions options;
  options.maxStates = 8;
  options.maxStates2D = 8;
  options.maxStatesFrontier = 8;
  int merged = 0;
  for (int trial = 0; trial < 40; ++trial) {
    std::vector<Group> groups = randomGroups(rng, 9, 4);
    std::vector<Plan> plans = enumerate(groups, 0);
    for (unsigned mask : {1u, 2u, 3u, 4u, 5u}) {
      Budgets b = randomBudgets(rng, plans, mask);
      SolveResult r = solve(groups, b, 0, options);
      if (!r.exact)
        ++merged;
      // One budget: feasible exactly when some plan meets it, merged or not
      // (the extreme plans are always candidates).
      if (mask == 1 || mask == 2 || mask == 4)
        EXPECT_EQ(r.feasible, bruteBest(plans, b).has_value());
      if (r.method == "lagrangian") {
        // Two resource budgets past the state limit: a heuristic with a
        // certificate. It meets the budgets, its sums are right and the
        // dual bound is below the optimum.
        auto expect = bruteBest(plans, b);
        if (r.feasible) {
          checkSums(groups, 0, r.best);
          EXPECT_TRUE(
              meets({r.best.choice, r.best.error, r.best.bytes, r.best.ns}, b));
          ASSERT_TRUE(expect);
          EXPECT_LE(r.errorLowerBound, expect->error * (1 + 1e-12));
          EXPECT_LE(expect->error, r.best.error);
        }
        continue;
      }
      if (!r.feasible) {
        // Merging never loses feasibility beyond the slack.
        Budgets tight = b;
        if (tight.bytes)
          *tight.bytes -= r.slackBytes;
        if (tight.ns)
          *tight.ns -= r.slackNs;
        EXPECT_FALSE(bruteBest(plans, tight).has_value());
        continue;
      }
      checkSums(groups, 0, r.best);
      EXPECT_TRUE(
          meets({r.best.choice, r.best.error, r.best.bytes, r.best.ns}, b));
      if (mask == 4) {
        // Only an error budget: at most slackBytes more than the optimum.
        auto expect = bruteBest(plans, b);
        ASSERT_TRUE(expect);
        EXPECT_LE(r.best.bytes, expect->bytes + r.slackBytes);
        continue;
      }
      Budgets tight = b;
      if (tight.bytes)
        *tight.bytes -= r.slackBytes;
      if (tight.ns)
        *tight.ns -= r.slackNs;
      if (auto expect = bruteBest(plans, tight))
        EXPECT_LE(r.best.error, expect->error);
    }
    SolveResult r = solve(groups, Budgets(), 0, options);
    checkFrontier(r.frontierBytes, true);
    checkFrontier(r.frontierNs, false);
    // A budget of exactly the smallest plan's size is met.
    Budgets smallest;
    smallest.bytes = r.frontierBytes.front().bytes;
    r = solve(groups, smallest, 0, options);
    ASSERT_TRUE(r.feasible);
    EXPECT_EQ(r.best.bytes, *smallest.bytes);
  }
  EXPECT_GT(merged, 0);
}

TEST(Solver, SizeBudgetBelowSmallestPlan) {
  std::vector<Group> groups(2);
  groups[0].choices = {{Precision::f32, 0, 4000, 10},
                       {Precision::w8a8, 1, 1000, 5}};
  groups[1].choices = {{Precision::f32, 0, 8000, 20},
                       {Precision::w4f, 2, 1000, 30}};
  Budgets b;
  b.bytes = 2000;
  SolveResult r = solve(groups, b, 100);
  EXPECT_FALSE(r.feasible);
  ASSERT_EQ(r.infeasible.size(), 1u);
  EXPECT_EQ(r.infeasible[0], "size budget 2.00 KB (2000 B) is below the "
                             "smallest plan (2.10 KB, 2100 B)");
  ASSERT_EQ(r.closest.size(), 1u);
  EXPECT_EQ(r.closest[0].label, "smallest plan");
  EXPECT_EQ(r.closest[0].bytes, 2100);
  EXPECT_EQ(r.closest[0].choice, (std::vector<int>{1, 1}));
}

TEST(Solver, BudgetsFeasibleAloneButNotTogether) {
  // int8 is small and fast but inexact; f32 is exact; fp16 is small but
  // slow. Size <= 1500 and latency <= 12 need both groups at int8.
  std::vector<Group> groups(2);
  for (Group &g : groups)
    g.choices = {{Precision::f32, 0, 4000, 10},
                 {Precision::f16, 0.001, 2000, 20},
                 {Precision::w8a8, 0.01, 700, 6}};
  Budgets b;
  b.bytes = 1500;
  b.ns = 12;
  b.error = 0.005;
  SolveResult r = solve(groups, b, 0);
  EXPECT_FALSE(r.feasible);
  ASSERT_EQ(r.infeasible.size(), 2u);
  EXPECT_EQ(r.infeasible[0], "size budget 1.50 KB and error budget 0.005 "
                             "cannot both be met: within the size budget "
                             "the least error is 0.02");
  EXPECT_EQ(r.infeasible[1], "latency budget 12 ns and error budget 0.005 "
                             "cannot both be met: within the latency budget "
                             "the least error is 0.02");
  // Closest: smallest meeting latency+error (none: overall smallest, which
  // dedups with...), fastest meeting size+error (none), most accurate
  // meeting size+latency (int8 x2).
  ASSERT_FALSE(r.closest.empty());
  bool sawAccurate = false;
  for (const PlanPoint &p : r.closest)
    if (p.label == "most accurate plan meeting the size and latency budgets") {
      sawAccurate = true;
      EXPECT_EQ(p.choice, (std::vector<int>{2, 2}));
    }
  EXPECT_TRUE(sawAccurate);
}

TEST(Solver, ErrorBudgetAloneMessage) {
  std::vector<Group> groups(1);
  groups[0].choices = {{Precision::w8a8, 0.5, 10, 1},
                       {Precision::w4f, 1, 5, 1}};
  Budgets b;
  b.error = 0.25;
  SolveResult r = solve(groups, b, 0);
  EXPECT_FALSE(r.feasible);
  ASSERT_EQ(r.infeasible.size(), 1u);
  EXPECT_EQ(r.infeasible[0], "error budget 0.25 is below the most accurate "
                             "plan's error (0.5)");
  ASSERT_EQ(r.closest.size(), 1u);
  EXPECT_EQ(r.closest[0].label, "most accurate plan");
}

TEST(Solver, OnlyErrorBudgetMinimizesBytesThenNs) {
  std::vector<Group> groups(2);
  // Errors are binary fractions so that sums are exact.
  groups[0].choices = {{Precision::f32, 0, 400, 10},
                       {Precision::f16, 0.125, 200, 30},
                       {Precision::bf16, 0.125, 200, 20},
                       {Precision::w8a8, 0.375, 100, 5}};
  groups[1].choices = {{Precision::f32, 0, 400, 10},
                       {Precision::w8a8, 0.25, 100, 5}};
  Budgets b;
  b.error = 0.375;
  SolveResult r = solve(groups, b, 0);
  ASSERT_TRUE(r.feasible);
  // {int8, f32} = 500 B error .375; {bf16, int8} = 300 B error .375 (f16
  // ties on bytes but is slower); {int8, int8} = .625 > .375.
  EXPECT_EQ(r.best.choice, (std::vector<int>{2, 1}));
  EXPECT_EQ(r.best.bytes, 300);
  EXPECT_EQ(r.best.ns, 25);
}

TEST(Solver, TiesPreferFewerBytesThenNs) {
  std::vector<Group> groups(1);
  groups[0].choices = {{Precision::f32, 0, 400, 10},
                       {Precision::f16, 0, 200, 30},
                       {Precision::bf16, 0, 200, 20}};
  Budgets b;
  b.bytes = 1000;
  SolveResult r = solve(groups, b, 0);
  ASSERT_TRUE(r.feasible);
  EXPECT_EQ(r.best.choice, (std::vector<int>{2}));
  // No budget at all: the same rule.
  r = solve(groups, Budgets(), 0);
  ASSERT_TRUE(r.feasible);
  EXPECT_EQ(r.best.choice, (std::vector<int>{2}));
  // A frontier of equal-error points is a single point.
  EXPECT_EQ(r.frontierBytes.size(), 1u);
  EXPECT_EQ(r.frontierBytes[0].bytes, 200);
}

TEST(Solver, FrontierThinnedToEvenlySpacedBudgets) {
  // Three equal groups: the frontier is 3 B/err 3, 6/2, 9/1, 12/0.
  std::vector<Group> groups(3);
  for (Group &g : groups)
    g.choices = {{Precision::f32, 0, 4, 2}, {Precision::w8a8, 1, 1, 1}};
  SolveResult all = solve(groups, Budgets(), 0);
  ASSERT_EQ(all.frontierBytes.size(), 4u);
  // Latency: int8 is also faster, so error vs ns is the same shape.
  ASSERT_EQ(all.frontierNs.size(), 4u);
  EXPECT_EQ(all.frontierNs[1].ns, 4);
  // Three points: the best plans within 3, 7.5 and 12 bytes.
  SolveOptions options;
  options.maxFrontier = 3;
  SolveResult r = solve(groups, Budgets(), 0, options);
  ASSERT_EQ(r.frontierBytes.size(), 3u);
  EXPECT_EQ(r.frontierBytes[0].bytes, 3);
  EXPECT_EQ(r.frontierBytes[1].bytes, 6);
  EXPECT_EQ(r.frontierBytes[1].error, 2);
  EXPECT_EQ(r.frontierBytes[2].bytes, 12);
  EXPECT_EQ(r.frontierBytes[2].error, 0);
}

TEST(Solver, BudgetMetExactlyAtTheBoundary) {
  // Sums that equal the budget exactly are allowed, including doubles that
  // do not round-trip through a different summation order.
  std::vector<Group> groups(3);
  double e[3] = {0.1, 0.2, 0.3};
  for (int g = 0; g < 3; ++g)
    groups[g].choices = {{Precision::f32, 0, 100, 1},
                         {Precision::w8a8, e[g], 25, 0.1 * (g + 1)}};
  double all = 0.1 + 0.2 + 0.3, allNs = 0.1 + 0.2 + 0.30000000000000004;
  (void)allNs;
  Budgets b;
  b.bytes = 75;
  b.error = all;
  SolveResult r = solve(groups, b, 0);
  ASSERT_TRUE(r.feasible) << (r.infeasible.empty() ? "" : r.infeasible[0]);
  EXPECT_EQ(r.best.bytes, 75);
  EXPECT_EQ(r.best.error, all);
}

TEST(Solver, MalformedInput) {
  std::vector<Group> groups(2);
  groups[0].choices = {{Precision::f32, 0, 4, 1}};
  SolveResult r = solve(groups, Budgets(), 0);
  EXPECT_FALSE(r.feasible);
  ASSERT_EQ(r.infeasible.size(), 1u);
  EXPECT_EQ(r.infeasible[0], "group 1 has 0 choices (1 to 255 allowed)");
  groups[1].choices = {{Precision::w8a8, std::nan(""), 4, 1}};
  r = solve(groups, Budgets(), 0);
  EXPECT_FALSE(r.feasible);
  ASSERT_EQ(r.infeasible.size(), 1u);
  EXPECT_EQ(r.infeasible[0], "group 1 has a choice (int8) with a negative or "
                             "non-finite error, size or time");
}

TEST(Solver, MalformedBudgets) {
  std::vector<Group> groups(1);
  groups[0].choices = {{Precision::f32, 0, 4, 1}};
  Budgets b;
  b.ns = std::nan("");
  SolveResult r = solve(groups, b, 0);
  EXPECT_FALSE(r.feasible);
  ASSERT_EQ(r.infeasible.size(), 1u);
  EXPECT_EQ(r.infeasible[0],
            "budgets must be finite numbers and fixed bytes non-negative");
  b = Budgets();
  b.error = std::numeric_limits<double>::infinity();
  EXPECT_FALSE(solve(groups, b, 0).feasible);
  EXPECT_FALSE(solve(groups, Budgets(), -5).feasible);
  // A negative budget is below every plan: an ordinary message.
  b = Budgets();
  b.bytes = -1;
  r = solve(groups, b, 0);
  EXPECT_FALSE(r.feasible);
  ASSERT_EQ(r.infeasible.size(), 1u);
  EXPECT_EQ(r.infeasible[0], "size budget -1 B (-1 B) is below the smallest "
                             "plan (4 B, 4 B)");
  EXPECT_TRUE(solve(groups, Budgets(), 0).feasible);
}

TEST(Solver, NoGroups) {
  Budgets b;
  b.bytes = 10;
  SolveResult r = solve({}, b, 5);
  ASSERT_TRUE(r.feasible);
  EXPECT_EQ(r.best.bytes, 5);
  EXPECT_TRUE(r.best.choice.empty());
  b.bytes = 4;
  r = solve({}, b, 5);
  EXPECT_FALSE(r.feasible);
}

// 200 groups x 5 choices, every budget combination: fast, budgets met,
// frontiers non-dominated and thinned to the limit.
TEST(Solver, TwoHundredGroupsIsFast) {
  std::mt19937_64 rng(7);
  std::vector<Group> groups = randomGroups(rng, 200, 5);
  int64_t maxB = 0, minB = 0;
  double maxT = 0, minT = 0;
  for (const Group &g : groups) {
    int64_t lo = INT64_MAX, hi = 0;
    double tlo = 1e300, thi = 0;
    for (const Choice &c : g.choices) {
      lo = std::min(lo, c.bytes);
      hi = std::max(hi, c.bytes);
      tlo = std::min(tlo, c.ns);
      thi = std::max(thi, c.ns);
    }
    minB += lo, maxB += hi, minT += tlo, maxT += thi;
  }
  // An error budget twice the least error the size budget allows.
  Budgets sizeOnly;
  sizeOnly.bytes = minB + (maxB - minB) * 3 / 10;
  SolveResult ref = solve(groups, sizeOnly, 0);
  ASSERT_TRUE(ref.feasible);
  // Every combination, then one the budgets cannot meet together (each
  // alone can: 1% of the size range, 10% of the latency range).
  for (unsigned mask = 0; mask < 9; ++mask) {
    Budgets b;
    if (mask == 8) {
      b.bytes = minB + (maxB - minB) / 100;
      b.ns = minT + (maxT - minT) * 0.1;
      std::clock_t start = std::clock();
      SolveResult r = solve(groups, b, 0);
      double s = double(std::clock() - start) / CLOCKS_PER_SEC;
      EXPECT_LT(s, 0.5);
      EXPECT_FALSE(r.feasible);
      ASSERT_EQ(r.infeasible.size(), 1u);
      EXPECT_NE(r.infeasible[0].find("cannot both be met: within the size "
                                     "budget the fastest plan takes"),
                std::string::npos)
          << r.infeasible[0];
      // The fastest plan within the size budget and the smallest within
      // the latency budget.
      ASSERT_EQ(r.closest.size(), 2u);
      EXPECT_EQ(r.closest[0].label, "smallest plan meeting the latency budget");
      EXPECT_LE(r.closest[0].ns, *b.ns);
      EXPECT_GT(r.closest[0].bytes, *b.bytes);
      EXPECT_EQ(r.closest[1].label, "fastest plan meeting the size budget");
      EXPECT_LE(r.closest[1].bytes, *b.bytes);
      EXPECT_GT(r.closest[1].ns, *b.ns);
      std::printf("infeasible: %.1f ms: %s\n", s * 1e3,
                  r.infeasible[0].c_str());
      continue;
    }
    if (mask & 1)
      b.bytes = minB + (maxB - minB) * 3 / 10;
    if (mask & 2)
      b.ns = minT + (maxT - minT) * 0.6;
    if (mask & 4)
      b.error = 2 * ref.best.error;
    // CPU time: the machine running the tests may be shared.
    std::clock_t start = std::clock();
    SolveResult r = solve(groups, b, 0);
    double s = double(std::clock() - start) / CLOCKS_PER_SEC;
    EXPECT_LT(s, 0.5) << "mask " << mask;
    EXPECT_GT(r.seconds, 0);
    ASSERT_TRUE(r.feasible) << "mask " << mask << ": "
                            << (r.infeasible.empty() ? "" : r.infeasible[0]);
    checkSums(groups, 0, r.best);
    std::printf("mask %u: %.1f ms, exact %d, slack %lld B %.0f ns, error "
                "%.4g (lower bound %.4g), frontiers %zu/%zu\n",
                mask, s * 1e3, r.exact, (long long)r.slackBytes, r.slackNs,
                r.best.error, r.errorLowerBound, r.frontierBytes.size(),
                r.frontierNs.size());
    if (b.bytes || b.ns) {
      // Near-optimal: within one group's largest error of the dual bound
      // (the LP relaxation leaves at most two groups fractional).
      double largest = 0;
      for (const Group &g : groups)
        for (const Choice &c : g.choices)
          largest = std::max(largest, c.error);
      EXPECT_LE(r.errorLowerBound, r.best.error);
      EXPECT_LE(r.best.error - r.errorLowerBound, 2 * largest)
          << "mask " << mask;
    }
    EXPECT_TRUE(
        meets({r.best.choice, r.best.error, r.best.bytes, r.best.ns}, b));
    EXPECT_LE(r.frontierBytes.size(), 64u);
    EXPECT_GE(r.frontierBytes.size(), 2u);
    checkFrontier(r.frontierBytes, true);
    checkFrontier(r.frontierNs, false);
    // The ends of the frontiers are the extreme plans.
    EXPECT_EQ(r.frontierBytes.front().bytes, minB);
    EXPECT_EQ(r.frontierNs.front().ns, [&] {
      double t = 0;
      for (const Group &g : groups) {
        double lo = 1e300;
        for (const Choice &c : g.choices)
          lo = std::min(lo, c.ns);
        t += lo;
      }
      return t;
    }());
    EXPECT_EQ(r.frontierBytes.back().error, 0);
    // The chosen plan is not beaten by a frontier point that meets the
    // budgets (beyond the reported slack).
    if (b.bytes && !b.ns && !b.error)
      for (const PlanPoint &p : r.frontierBytes)
        if (p.bytes + r.slackBytes <= *b.bytes)
          EXPECT_LE(r.best.error, p.error);
  }
}
