//===- PlanReportTest.cpp - unit tests of the mixed-precision report ------===//
//
// Tests the JSON, HTML and terminal views of a plan report and the "why"
// texts. syntheticReport() builds a realistic 40-layer report (a
// MobileNet-like stack with a toy roofline cost model and a Lagrangian
// sweep for the frontiers); PlanReport.Sample writes its HTML, JSON and
// summary to $QCC_PLAN_REPORT_DIR for inspection (test/Unit/plan-report.test
// parses the page as XML).
//
//===----------------------------------------------------------------------===//

#include "qcc/Mixed/PlanReport.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>

using namespace qcc;
using namespace qcc::mixed;

namespace {

/// A deterministic generator (the standard distributions differ between
/// library implementations).
struct Lcg {
  uint64_t state;
  double next() {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return double(state >> 11) / double(uint64_t(1) << 53);
  }
};

LayerShape convShape(int64_t cin, int64_t cout, int64_t k, int64_t hw,
                     int64_t groups) {
  LayerShape s;
  s.outChannels = cout;
  s.groups = groups;
  s.reduction = cin / groups * k * k;
  s.weightElems = cout * s.reduction;
  s.biasElems = cout;
  s.outputElems = cout * hw * hw;
  s.inputElems = cin * hw * hw;
  s.macs = s.outputElems * s.reduction;
  return s;
}

/// A toy roofline (3 GHz, 16 f32 / 32 int8 MACs per cycle, 8 B/cycle):
/// enough to give the synthetic report plausible, differing times.
double toyNs(const LayerShape &s, Precision p) {
  double macsPerCycle = p == Precision::w8a8 ? 32 : 16;
  double actBytes = p == Precision::w8a8 ? 1 : 4;
  double bytes =
      layerBytes(s, p, 32) + actBytes * (s.inputElems + s.outputElems);
  double cycles = std::max(double(s.macs) / macsPerCycle, bytes / 8);
  if (p == Precision::w4f || p == Precision::f16 || p == Precision::bf16)
    cycles += s.weightElems / 8.0; // widen the weights once per call
  return cycles / 3.0;
}

struct Point {
  std::vector<Precision> plan;
  double error = 0;
  int64_t bytes = 0;
  double ns = 0;
};

Point evaluate(const PlanReport &r, const std::vector<Precision> &plan,
               int64_t fixedBytes) {
  Point pt{plan, 0, fixedBytes, 0};
  for (size_t i = 0; i < plan.size(); ++i) {
    pt.error += r.error[i].at(plan[i]);
    pt.bytes += r.bytes[i].at(plan[i]);
    pt.ns += r.ns[i].at(plan[i]);
  }
  return pt;
}

ReportPoint toReport(const Point &p, std::string label = "") {
  ReportPoint rp{p.error, p.bytes, p.ns, std::move(label), {}};
  for (Precision q : p.plan)
    ++rp.counts[q];
  return rp;
}

/// Pareto filter: sorted by cost, strictly decreasing error.
std::vector<Point> pareto(std::vector<Point> pts, bool byBytes) {
  auto cost = [&](const Point &p) { return byBytes ? double(p.bytes) : p.ns; };
  std::sort(pts.begin(), pts.end(), [&](const Point &a, const Point &b) {
    return cost(a) != cost(b) ? cost(a) < cost(b) : a.error < b.error;
  });
  std::vector<Point> out;
  for (const Point &p : pts)
    if (out.empty() || p.error < out.back().error)
      out.push_back(p);
  return out;
}

/// Per tie group, the choice minimizing error + lambda * cost.
std::vector<Precision> lagrangian(const PlanReport &r, double lambda,
                                  bool byBytes) {
  std::vector<Precision> plan(r.layers.size(), Precision::f32);
  std::map<int64_t, std::vector<size_t>> groups;
  for (size_t i = 0; i < r.layers.size(); ++i)
    groups[r.layers[i].tie].push_back(i);
  for (auto &[tie, members] : groups) {
    double best = INFINITY;
    Precision bestP = Precision::f32;
    for (Precision p : r.layers[members[0]].allowed) {
      double v = 0;
      for (size_t i : members)
        v += r.error[i].at(p) +
             lambda * (byBytes ? double(r.bytes[i].at(p)) : r.ns[i].at(p));
      if (v < best)
        best = v, bestP = p;
    }
    for (size_t i : members)
      plan[i] = bestP;
  }
  return plan;
}

/// A realistic report: 40 layers of a MobileNet-like network (stem, 19
/// depthwise + pointwise pairs, classifier), a size budget of 0.8x the
/// all-int8 plan, frontiers from a Lagrangian sweep.
PlanReport syntheticReport(bool feasible = true) {
  PlanReport r;
  r.model = "mobilenet_like.onnx";
  r.target = "avx2";
  r.metric = "mse";
  r.samples = 32;
  r.sensitivitySeconds = 7.4;
  r.solveSeconds = 0.012;
  r.costTable = "avx2: 3.0 GHz, 16 f32 / 32 int8 MACs per cycle (vpmaddwd), "
                "8 B/cycle (toy numbers of the unit test)";
  Lcg rng{12345};

  std::vector<LayerShape> shapes;
  std::vector<std::string> names, ops;
  shapes.push_back(convShape(3, 32, 3, 112, 1));
  names.push_back("stem/conv");
  int64_t c = 32, hw = 112;
  const int64_t widths[] = {64,   128,  128,  256,  256,  512,  512,
                            512,  512,  512,  512,  1024, 1024, 1024,
                            1024, 1024, 1024, 1024, 1024};
  for (int b = 0; b < 19; ++b) {
    if (b == 1 || b == 3 || b == 5 || b == 11)
      hw /= 2;
    shapes.push_back(convShape(c, c, 3, hw, c));
    names.push_back("block" + std::to_string(b) + "/dw");
    shapes.push_back(convShape(c, widths[b], 1, hw, 1));
    names.push_back("block" + std::to_string(b) + "/pw");
    c = widths[b];
  }
  LayerShape fc;
  fc.isMatMul = true;
  fc.outChannels = 1000;
  fc.reduction = 1024;
  fc.weightElems = 1024 * 1000;
  fc.biasElems = 1000;
  fc.inputElems = 1024;
  fc.outputElems = 1000;
  fc.macs = 1024 * 1000;
  shapes.push_back(fc);
  names.push_back("classifier/fc");
  // A name that needs escaping everywhere.
  names[17] = "odd<\"x\" & 'y'>/conv";

  for (size_t i = 0; i < shapes.size(); ++i) {
    Layer l;
    l.id = i;
    l.name = names[i];
    l.opType = shapes[i].isMatMul ? "MatMul" : "Conv";
    l.shape = shapes[i];
    l.tie = i;
    l.allowed = {Precision::f32, Precision::f16, Precision::bf16,
                 Precision::w8a8, Precision::w4f};
    r.layers.push_back(l);
  }
  // The stem stays float (-keep-float=stem/conv); one layer has no
  // calibrated input range; blocks 9..11's pointwise layers feed one
  // residual Add.
  r.layers[0].allowed = {Precision::f32};
  for (Precision p :
       {Precision::f16, Precision::bf16, Precision::w8a8, Precision::w4f})
    r.layers[0].excluded[p] = "-keep-float";
  r.layers[5].allowed = {Precision::f32, Precision::f16, Precision::bf16,
                         Precision::w4f};
  r.layers[5].excluded[Precision::w8a8] = "no calibration range for the input";
  for (int i : {20, 22, 24})
    r.layers[i].tie = 20;

  size_t n = r.layers.size();
  r.error.resize(n);
  r.ns.resize(n);
  r.bytes.resize(n);
  r.costWhy.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const Layer &l = r.layers[i];
    // Sensitivity of int8 alone: 3e-8 .. 3e-5, the first and last layers
    // and depthwise layers more sensitive.
    double s = std::pow(10.0, -7.5 + 3 * rng.next());
    if (i < 3 || i + 1 == n)
      s *= 20;
    if (l.shape.groups > 1)
      s *= 3;
    for (Precision p : {Precision::f32, Precision::f16, Precision::bf16,
                        Precision::w8a8, Precision::w4f}) {
      double e = p == Precision::f32    ? 0
                 : p == Precision::f16  ? s * 2e-4
                 : p == Precision::bf16 ? s * 4e-2
                 : p == Precision::w8a8 ? s
                                        : s * (15 + 30 * rng.next());
      r.error[i][p] = e;
      r.bytes[i][p] = layerBytes(l.shape, p, 32);
      r.ns[i][p] = toyNs(l.shape, p);
      double ai = double(l.shape.macs) / layerBytes(l.shape, p, 32);
      r.costWhy[i][p] = (ai > 20 ? "compute-bound: " : "memory-bound: ") +
                        std::to_string(l.shape.macs / 1000) + "k MACs, " +
                        std::to_string(layerBytes(l.shape, p, 32)) +
                        " B of weights";
    }
  }
  // Tie groups share the candidates: the intersection.
  for (int i : {20, 22, 24})
    r.layers[i].allowed = r.layers[20].allowed;

  const int64_t fixedBytes = 12000; // constants outside the layers
  auto uniform = [&](Precision p) {
    std::vector<Precision> plan(n);
    for (size_t i = 0; i < n; ++i)
      plan[i] =
          std::find(r.layers[i].allowed.begin(), r.layers[i].allowed.end(),
                    p) != r.layers[i].allowed.end()
              ? p
              : Precision::f32;
    return evaluate(r, plan, fixedBytes);
  };
  Point fp32 = uniform(Precision::f32), int8 = uniform(Precision::w8a8),
        int4 = uniform(Precision::w4f);
  r.budgetBytes = int64_t(0.8 * int8.bytes);
  r.budgetText = "-size-budget=0.8xint8";
  if (!feasible) {
    r.budgetBytes = int64_t(0.3 * int8.bytes);
    r.budgetText = "-size-budget=0.3xint8 -max-error=40dB";
    r.budgetError = 1e-4;
  }

  // Naive: the largest layers to int4w until the budget holds.
  std::vector<size_t> bySize(n);
  for (size_t i = 0; i < n; ++i)
    bySize[i] = i;
  std::sort(bySize.begin(), bySize.end(), [&](size_t a, size_t b) {
    return r.layers[a].shape.weightElems > r.layers[b].shape.weightElems;
  });
  std::vector<Precision> naive = int8.plan;
  for (size_t i : bySize) {
    if (evaluate(r, naive, fixedBytes).bytes <= *r.budgetBytes)
      break;
    if (std::find(r.layers[i].allowed.begin(), r.layers[i].allowed.end(),
                  Precision::w4f) != r.layers[i].allowed.end())
      naive[i] = Precision::w4f;
  }
  r.references = {toReport(fp32, "all fp32"), toReport(int8, "all int8"),
                  toReport(int4, "all int4w"),
                  toReport(evaluate(r, naive, fixedBytes), "naive")};

  // Frontiers from a sweep of the multiplier.
  for (bool byBytes : {true, false}) {
    std::vector<Point> pts;
    for (int k = -60; k <= 40; ++k) {
      double lambda = std::pow(10.0, k / 8.0) * (byBytes ? 1e-9 : 1e-8);
      pts.push_back(evaluate(r, lagrangian(r, lambda, byBytes), fixedBytes));
    }
    std::vector<Point> front = pareto(pts, byBytes);
    auto &out = byBytes ? r.frontierBytes : r.frontierNs;
    for (const Point &p : front)
      out.push_back(toReport(p));
    if (byBytes) {
      // The chosen plan: the most accurate frontier plan within budget.
      const Point *best = nullptr;
      for (const Point &p : front)
        if (p.bytes <= *r.budgetBytes &&
            (!r.budgetError || p.error <= *r.budgetError) &&
            (!best || p.error < best->error))
          best = &p;
      if (best) {
        r.chosen = best->plan;
        r.plan = toReport(*best);
      } else {
        r.feasible = false;
        r.infeasible.push_back(
            "size budget " + formatBytes(*r.budgetBytes) +
            " with error <= 40.0 dB: the smallest plan within the error "
            "budget has " +
            formatBytes(front.back().bytes));
        r.closest = {toReport(front.front(), "smallest"),
                     toReport(front.back(), "most accurate")};
        for (const Point &p : front)
          if (p.error <= *r.budgetError) {
            r.closest.push_back(toReport(p, "within error"));
            break;
          }
      }
    }
  }
  if (r.feasible)
    r.simulatedError = r.plan.error * 1.07;
  explainChoices(r);
  return r;
}

/// A hand-made three-layer report with known numbers.
PlanReport smallReport() {
  PlanReport r;
  r.model = "tiny.onnx";
  r.target = "avx2";
  r.metric = "mse";
  r.samples = 8;
  LayerShape s = convShape(16, 32, 3, 8, 1);
  for (int i = 0; i < 3; ++i) {
    Layer l;
    l.id = i;
    l.name = "conv" + std::to_string(i);
    l.opType = "Conv";
    l.shape = s;
    l.tie = i;
    l.allowed = {Precision::f32, Precision::f16, Precision::w8a8,
                 Precision::w4f};
    r.layers.push_back(l);
  }
  r.layers[2].allowed = {Precision::f32};
  r.layers[2].excluded = {{Precision::f16, "-keep-float"},
                          {Precision::w8a8, "-keep-float"},
                          {Precision::w4f, "-keep-float"}};
  r.error.resize(3);
  r.ns.resize(3);
  r.bytes.resize(3);
  r.costWhy.resize(3);
  // Layer 0: int8 chosen, fp16 more accurate, int4w cheaper.
  r.error[0] = {{Precision::f32, 0},
                {Precision::f16, 1e-6},
                {Precision::w8a8, 1e-4},
                {Precision::w4f, 2e-3}};
  // Layer 1: very sensitive, kept fp32.
  r.error[1] = {{Precision::f32, 0},
                {Precision::f16, 1e-5},
                {Precision::w8a8, 0.05},
                {Precision::w4f, 0.5}};
  r.error[2] = {{Precision::f32, 0}};
  for (int i = 0; i < 3; ++i)
    for (Precision p : r.layers[i].allowed) {
      r.bytes[i][p] = layerBytes(s, p, 32);
      r.ns[i][p] = p == Precision::w8a8 ? 1000 : 1600;
      r.costWhy[i][p] = "compute-bound";
    }
  r.chosen = {Precision::w8a8, Precision::f32, Precision::f32};
  // The plan's error: layer 0's int8 plus 9e-4 of nothing else, so that
  // the expected dB changes are easy: E = 1e-3.
  r.plan.error = 1e-3;
  r.plan.bytes = r.bytes[0][Precision::w8a8] + 2 * r.bytes[1][Precision::f32];
  r.plan.ns = 1000 + 1600 + 1600;
  r.budgetBytes = r.plan.bytes + 100;
  r.budgetText = "-size-budget=0.7";
  r.references = {{0, 3 * r.bytes[1][Precision::f32], 4800, "all fp32", {}}};
  r.frontierBytes = {r.plan};
  r.frontierNs = {r.plan};
  r.simulatedError = 1.1e-3;
  return r;
}

/// Whether an SVG coordinate or size came out as nan or inf.
bool hasBadNumber(const std::string &html) {
  for (const char *bad :
       {"=\"nan", "=\"-nan", "=\"inf", "=\"-inf", "Mnan", "Lnan", "Hnan",
        "Vnan", "Minf", "Linf", "Hinf", "Vinf", "M-", "nan)", "inf)"})
    if (html.find(bad) != std::string::npos)
      return true;
  return false;
}

size_t countLines(const std::string &s) {
  return std::count(s.begin(), s.end(), '\n');
}

size_t countOf(const std::string &s, llvm::StringRef what) {
  size_t n = 0;
  for (size_t at = s.find(what.str()); at != std::string::npos;
       at = s.find(what.str(), at + 1))
    ++n;
  return n;
}

} // namespace

TEST(PlanReport, Formatting) {
  EXPECT_EQ(formatError("mse", 1e-3), "30.0 dB");
  EXPECT_EQ(formatError("mse", 0), "exact");
  EXPECT_EQ(formatError("kl", 1.5e-4), "KL 1.50e-04");
  EXPECT_EQ(formatError("mse", NAN), "n/a");
  EXPECT_EQ(formatBytes(812), "812 B");
  EXPECT_EQ(formatBytes(12595), "12.3 KiB");
  EXPECT_EQ(formatBytes(1310720), "1.25 MiB");
  EXPECT_EQ(formatNs(850), "850 ns");
  EXPECT_EQ(formatNs(12300), "12.3 us");
  EXPECT_EQ(formatNs(1.234e6), "1.23 ms");
}

TEST(PlanReport, WhyTexts) {
  PlanReport r = smallReport();
  r.why = {"", "", ""};
  explainChoices(r);
  ASSERT_EQ(r.why.size(), 3u);
  // Layer 0 against fp16: E = 1e-3 with int8, 9.01e-4 with fp16:
  // 10 log10(1e-3 / 9.01e-4) = 0.45 dB; int4w: 2.9e-3 / 1e-3 = 4.62 dB.
  int64_t f16 = layerBytes(r.layers[0].shape, Precision::f16, 32);
  int64_t i8 = layerBytes(r.layers[0].shape, Precision::w8a8, 32);
  EXPECT_EQ(
      r.why[0],
      "int8: vs fp16 saves " + formatBytes(f16 - i8) + " (-" +
          std::to_string(int(std::lround(100.0 * (f16 - i8) / f16))) +
          "%), 1.60x faster, and costs 0.45 dB; int4w would further "
          "save " +
          formatBytes(i8 - layerBytes(r.layers[0].shape, Precision::w4f, 32)) +
          " (-" +
          std::to_string(int(std::lround(
              100.0 * (i8 - layerBytes(r.layers[0].shape, Precision::w4f, 32)) /
              i8))) +
          "%), 1.60x slower, but cost 4.62 dB more");
  // Layer 1: the most sensitive; fp16 (the next cheaper) would cost
  // 10 log10((1e-3 + 1e-5) / 1e-3) = 0.04 dB.
  EXPECT_TRUE(llvm::StringRef(r.why[1]).starts_with(
      "fp32: the most sensitive layer of 2; fp16 would save"))
      << r.why[1];
  EXPECT_NE(r.why[1].find("but cost 0.04 dB"), std::string::npos) << r.why[1];
  EXPECT_EQ(r.why[2], "kept float: -keep-float");

  // A float layer with only int8 as the alternative: ranked 2nd; int8
  // would take E = 1e-3 to 1.1e-3: 0.41 dB.
  r.layers[0].allowed = {Precision::f32, Precision::w8a8};
  r.chosen[0] = Precision::f32;
  r.why.clear();
  explainChoices(r);
  int64_t f32 = layerBytes(r.layers[0].shape, Precision::f32, 32);
  EXPECT_EQ(r.why[0],
            "fp32: the 2nd most sensitive layer of 2; int8 would save " +
                formatBytes(f32 - i8) + " (-" +
                std::to_string(int(std::lround(100.0 * (f32 - i8) / f32))) +
                "%), 1.60x faster, but cost 0.41 dB");

  // Given texts are kept.
  r = smallReport();
  r.why = {"from plan.json", "", ""};
  explainChoices(r);
  EXPECT_EQ(r.why[0], "from plan.json");
  EXPECT_FALSE(r.why[1].empty());
}

TEST(PlanReport, WhyTiesExclusionsAndLatency) {
  PlanReport r = syntheticReport();
  // The tied layers are explained as a group.
  EXPECT_NE(r.why[20].find("tie group of 3 layers"), std::string::npos)
      << r.why[20];
  EXPECT_EQ(r.chosen[20], r.chosen[22]);
  // The excluded reason shows up.
  EXPECT_NE(r.why[5].find("int8: no calibration range for the input"),
            std::string::npos)
      << r.why[5];
  EXPECT_EQ(r.why[0], "kept float: -keep-float");
  // Every layer got a text naming its precision first.
  for (size_t i = 1; i < r.layers.size(); ++i)
    EXPECT_TRUE(
        llvm::StringRef(r.why[i]).starts_with(candidateName(r.chosen[i])))
        << i << ": " << r.why[i];

  // With only a latency budget, "cheaper" means faster: int4w is not
  // faster than int8 in the toy model, so an int8 layer's next cheaper
  // candidate does not exist and it is the cheapest.
  PlanReport t = smallReport();
  t.budgetBytes.reset();
  t.budgetNs = 5000;
  t.why.clear();
  explainChoices(t);
  EXPECT_NE(t.why[0].find("the cheapest candidate"), std::string::npos)
      << t.why[0];
}

TEST(PlanReport, KlMetric) {
  PlanReport r = smallReport();
  r.metric = "kl";
  r.why.clear();
  explainChoices(r);
  EXPECT_NE(r.why[0].find("costs KL 9.90e-05"), std::string::npos) << r.why[0];
  llvm::json::Object o = planReportJson(r);
  EXPECT_EQ(o.getString("metric"), "kl");
  EXPECT_EQ(o.getObject("plan")->get("sqnr_db")->kind(),
            llvm::json::Value::Null);
  std::string html = planReportHtml(r);
  EXPECT_NE(html.find("KL 1.00e-03"), std::string::npos);
}

TEST(PlanReport, JsonKeysAndValues) {
  PlanReport r = smallReport();
  explainChoices(r);
  llvm::json::Object o = planReportJson(r);
  for (const char *key :
       {"model", "target", "metric", "samples", "sensitivity_seconds",
        "solve_seconds", "cost_table", "feasible", "infeasible", "budgets",
        "plan", "layers", "references", "frontier_bytes", "frontier_ns",
        "closest", "simulated_error", "simulated_sqnr_db"})
    EXPECT_TRUE(o.get(key)) << key;
  EXPECT_EQ(o.getString("target"), "avx2");
  EXPECT_EQ(o.getBoolean("feasible"), true);
  const llvm::json::Object *plan = o.getObject("plan");
  ASSERT_TRUE(plan);
  EXPECT_NEAR(*plan->getNumber("sqnr_db"), 30.0, 1e-9);
  EXPECT_EQ(*plan->getInteger("bytes"), r.plan.bytes);
  EXPECT_EQ(*plan->getObject("counts")->getInteger("fp32"), 2);
  EXPECT_NEAR(*o.getNumber("simulated_sqnr_db"), 29.586, 1e-3);
  const llvm::json::Object *budgets = o.getObject("budgets");
  EXPECT_EQ(*budgets->getInteger("bytes"), *r.budgetBytes);
  EXPECT_EQ(budgets->get("ns")->kind(), llvm::json::Value::Null);
  EXPECT_EQ(budgets->getString("text"), "-size-budget=0.7");

  const llvm::json::Array *layers = o.getArray("layers");
  ASSERT_TRUE(layers);
  ASSERT_EQ(layers->size(), 3u);
  const llvm::json::Object *l0 = (*layers)[0].getAsObject();
  EXPECT_EQ(l0->getString("name"), "conv0");
  EXPECT_EQ(l0->getString("op"), "Conv");
  EXPECT_EQ(*l0->getInteger("id"), 0);
  EXPECT_EQ(l0->getString("chosen"), "int8");
  EXPECT_EQ(l0->getString("why"), r.why[0]);
  const llvm::json::Object *c8 = l0->getObject("candidates")->getObject("int8");
  ASSERT_TRUE(c8);
  EXPECT_EQ(*c8->getInteger("bytes"),
            layerBytes(r.layers[0].shape, Precision::w8a8, 32));
  EXPECT_EQ(*c8->getNumber("ns"), 1000);
  EXPECT_NEAR(*c8->getNumber("sqnr_db"), 40.0, 1e-9);
  EXPECT_EQ(c8->getString("cost_why"), "compute-bound");
  // fp32 is exact: error 0, SQNR null (JSON has no infinity).
  const llvm::json::Object *c32 =
      l0->getObject("candidates")->getObject("fp32");
  EXPECT_EQ(*c32->getNumber("error"), 0);
  EXPECT_EQ(c32->get("sqnr_db")->kind(), llvm::json::Value::Null);
  const llvm::json::Object *l2 = (*layers)[2].getAsObject();
  EXPECT_EQ(l2->getObject("excluded")->getString("int8"), "-keep-float");
  EXPECT_FALSE(l2->getObject("candidates")->get("int8"));
  const llvm::json::Object *ref = (*o.getArray("references"))[0].getAsObject();
  EXPECT_EQ(ref->getString("label"), "all fp32");

  // The text is valid JSON that parses back, also with invalid UTF-8 in a
  // name.
  r.layers[1].name = "bad\xff name";
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::json::Value(planReportJson(r));
  auto parsed = llvm::json::parse(text);
  ASSERT_TRUE(bool(parsed)) << llvm::toString(parsed.takeError());
}

TEST(PlanReport, HtmlSelfContainedAndEscaped) {
  PlanReport r = syntheticReport();
  std::string html = planReportHtml(r);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("</html>"), std::string::npos);
  // The counts bar, two Pareto plots and the sensitivity chart.
  EXPECT_EQ(countOf(html, "<svg "), 4u);
  EXPECT_EQ(countOf(html, "<svg "), countOf(html, "</svg>"));
  EXPECT_FALSE(hasBadNumber(html));
  // Nothing is fetched: no scripts, links, URLs, external fonts or images.
  for (const char *bad : {"http:", "https:", "<script", "<link", "src=", "url(",
                          "@import", "@font-face", "<img", "<iframe"})
    EXPECT_EQ(html.find(bad), std::string::npos) << bad;
  // The nasty name appears only escaped.
  EXPECT_EQ(html.find("odd<"), std::string::npos);
  EXPECT_NE(html.find("odd&lt;&quot;x&quot; &amp; &#39;y&#39;&gt;/conv"),
            std::string::npos);
  // Header facts, the chosen point and the references are on the page.
  EXPECT_NE(html.find("mobilenet_like.onnx"), std::string::npos);
  EXPECT_NE(html.find("avx2"), std::string::npos);
  EXPECT_NE(html.find(formatError("mse", r.plan.error) + " "),
            std::string::npos);
  EXPECT_NE(html.find(formatError("mse", *r.simulatedError)),
            std::string::npos);
  for (const char *label : {"all fp32", "all int8", "all int4w", "naive"})
    EXPECT_GE(countOf(html, label), 2u) << label; // table and plots
  EXPECT_NE(html.find("class=\"chosen\""), std::string::npos);
  EXPECT_NE(html.find("class=\"budget\""), std::string::npos);
  // One table row per layer, each with its why text.
  EXPECT_EQ(countOf(html, "<td class=\"why\">"), r.layers.size());
  EXPECT_NE(html.find(r.why[3].substr(0, 20)), std::string::npos);
  // One outlined (chosen) bar per layer that has a quantized candidate and
  // is not fp32.
  size_t quantized = 0;
  for (Precision p : r.chosen)
    quantized += p != Precision::f32;
  EXPECT_EQ(countOf(html, "class=\"bar on\" >"), 0u);
  EXPECT_EQ(countOf(html, "class=\"bar on\">"), quantized);
  // Control characters never reach the page (not even XML allows them).
  r.layers[3].name = std::string("ctl\x01name", 8);
  html = planReportHtml(r);
  EXPECT_EQ(html.find('\x01'), std::string::npos);
}

TEST(PlanReport, HtmlInfeasible) {
  PlanReport r = syntheticReport(/*feasible=*/false);
  ASSERT_FALSE(r.feasible);
  std::string html = planReportHtml(r);
  EXPECT_NE(html.find("No plan meets the budgets."), std::string::npos);
  EXPECT_NE(html.find("class=\"cl\""), std::string::npos);
  EXPECT_NE(html.find("the smallest plan within the error budget"),
            std::string::npos);
}

TEST(PlanReport, SummaryFitsOneScreen) {
  for (bool feasible : {true, false}) {
    PlanReport r = syntheticReport(feasible);
    // More references and a long frontier than fit.
    for (int k = 0; k < 4; ++k)
      r.references.push_back(r.references[k]);
    while (r.frontierBytes.size() < 90)
      r.frontierBytes.push_back(r.frontierBytes.back());
    // Long names with multi-byte characters are cut at a character.
    r.model = "/very/long/path/to/models/" + std::string(60, 'm') + ".onnx";
    r.layers[1].name = std::string(30, 'x') + "\xc3\xa9\xc3\xa9\xc3\xa9/conv";
    std::string text;
    llvm::raw_string_ostream os(text);
    printPlanSummary(os, r);
    EXPECT_LE(countLines(text), 40u) << text;
    EXPECT_TRUE(llvm::json::isUTF8(text)) << text;
    EXPECT_EQ(text.find("/very/long"), std::string::npos);
    for (llvm::StringRef line : llvm::split(text, '\n'))
      EXPECT_LE(line.size(), 120u) << line.str();
    EXPECT_NE(text.find("budgets: " + r.budgetText), std::string::npos);
    if (feasible) {
      EXPECT_NE(text.find(formatError("mse", r.plan.error) + " predicted"),
                std::string::npos)
          << text;
      EXPECT_NE(text.find(formatError("mse", *r.simulatedError) + " simulated"),
                std::string::npos);
      EXPECT_NE(text.find("Pareto frontier, error vs size (90 plans, 8 shown)"),
                std::string::npos)
          << text;
      EXPECT_NE(text.find("most sensitive layers"), std::string::npos);
    } else {
      EXPECT_NE(text.find("no plan meets the budgets"), std::string::npos);
      EXPECT_NE(text.find("closest plans"), std::string::npos);
    }
  }
}

TEST(PlanReport, DegenerateReports) {
  // Nothing at all: every view still works.
  PlanReport empty;
  explainChoices(empty);
  std::string html = planReportHtml(empty);
  EXPECT_EQ(countOf(html, "<svg "), 4u);
  EXPECT_FALSE(hasBadNumber(html));
  empty.feasible = false;
  html = planReportHtml(empty);
  EXPECT_EQ(countOf(html, "no plans to plot"), 2u);
  std::string text;
  llvm::raw_string_ostream os(text);
  printPlanSummary(os, empty);
  EXPECT_LE(countLines(text), 40u);
  EXPECT_TRUE(planReportJson(empty).getArray("layers")->empty());

  // Missing and non-finite numbers: "n/a", JSON null, no crash; all plans
  // exact (a float-only model).
  PlanReport r = smallReport();
  r.error[0][Precision::w8a8] = NAN;
  r.ns[0].erase(Precision::f16);
  r.error.resize(1);
  r.plan.error = 0;
  r.references = {r.plan};
  r.references[0].label = "all fp32";
  r.frontierBytes = {r.plan};
  r.why.clear();
  explainChoices(r);
  EXPECT_FALSE(r.why[0].empty());
  html = planReportHtml(r);
  EXPECT_NE(html.find("n/a"), std::string::npos);
  EXPECT_FALSE(hasBadNumber(html));
  llvm::json::Object o = planReportJson(r);
  const llvm::json::Object *c8 = (*o.getArray("layers"))[0]
                                     .getAsObject()
                                     ->getObject("candidates")
                                     ->getObject("int8");
  EXPECT_EQ(c8->get("error")->kind(), llvm::json::Value::Null);
  EXPECT_EQ(o.getObject("plan")->get("sqnr_db")->kind(),
            llvm::json::Value::Null);
  text.clear();
  printPlanSummary(os, r);
  EXPECT_NE(text.find("chosen: exact predicted"), std::string::npos) << text;
}

TEST(PlanReport, SummaryMarksChosenOnFrontier) {
  PlanReport r = syntheticReport();
  std::string text;
  llvm::raw_string_ostream os(text);
  printPlanSummary(os, r);
  // The chosen plan is a frontier plan here: its row is starred.
  EXPECT_NE(text.find("  * " +
                      std::string(12 - formatBytes(r.plan.bytes).size(), ' ') +
                      formatBytes(r.plan.bytes)),
            std::string::npos)
      << text;
}

/// Writes the synthetic report's HTML, JSON and summary to
/// $QCC_PLAN_REPORT_DIR (a no-op without it).
TEST(PlanReport, Sample) {
  const char *dir = std::getenv("QCC_PLAN_REPORT_DIR");
  PlanReport r = syntheticReport();
  PlanReport bad = syntheticReport(false);
  if (!dir)
    GTEST_SKIP() << "QCC_PLAN_REPORT_DIR not set";
  ASSERT_FALSE(llvm::sys::fs::create_directories(dir));
  auto write = [&](llvm::StringRef name, const std::string &text) {
    llvm::SmallString<256> path(dir);
    llvm::sys::path::append(path, name);
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    ASSERT_FALSE(ec) << path.str().str();
    os << text;
  };
  write("plan.html", planReportHtml(r));
  write("infeasible.html", planReportHtml(bad));
  // The same numbers read as KL (a softmax output).
  PlanReport kl = r;
  kl.metric = "kl";
  kl.why.clear();
  explainChoices(kl);
  write("kl.html", planReportHtml(kl));
  std::string json, summary, badSummary;
  llvm::raw_string_ostream js(json), ss(summary), bs(badSummary);
  js << llvm::formatv("{0:2}", llvm::json::Value(planReportJson(r)));
  printPlanSummary(ss, r);
  printPlanSummary(bs, bad);
  write("plan.json", json);
  write("summary.txt", summary);
  write("infeasible.txt", badSummary);
}
