//===- PlanReport.cpp - the mixed-precision plan report -------------------===//
//
// This file implements the three views of a mixed-precision plan: the JSON
// object of -report=FILE.json, the self-contained HTML page of
// -report=FILE.html and the terminal summary, plus explainChoices, which
// writes the one-line "why" of each layer's precision.
//
// Errors are additive (docs/MixedPrecision.md, "Conventions"), so the effect
// of changing one layer's precision on the plan is exact under the model:
// E' = E - e(chosen) + e(other). The "why" texts state that effect as the
// change of the plan's SQNR in dB (mse) or of its KL, next to the bytes and
// time the change buys or costs.
//
//===----------------------------------------------------------------------===//

#include "qcc/Mixed/PlanReport.h"
#include "PlanReportImpl.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <limits>
#include <set>

using namespace llvm;

namespace qcc::mixed {

//===----------------------------------------------------------------------===//
// Formatting
//===----------------------------------------------------------------------===//

std::string strf(const char *fmt, ...) {
  char buf[256];
  va_list args;
  va_start(args, fmt);
  int n = std::vsnprintf(buf, sizeof(buf), fmt, args);
  va_end(args);
  if (n < 0)
    return "";
  if (size_t(n) < sizeof(buf))
    return std::string(buf, n);
  std::string s(n, '\0');
  va_start(args, fmt);
  std::vsnprintf(s.data(), n + 1, fmt, args);
  va_end(args);
  return s;
}

bool isMse(StringRef metric) { return metric != "kl"; }

/// SQNR in dB of a relative noise power; nullopt for 0 (exact) or garbage.
static std::optional<double> sqnrDb(double error) {
  if (!(error > 0) || !std::isfinite(error))
    return std::nullopt;
  return -10.0 * std::log10(error);
}

std::string formatError(StringRef metric, double error) {
  if (!std::isfinite(error) || error < 0)
    return "n/a";
  if (isMse(metric)) {
    if (error == 0)
      return "exact";
    return strf("%.1f dB", *sqnrDb(error));
  }
  if (error == 0)
    return "KL 0";
  return strf("KL %.2e", error);
}

std::string formatBytes(int64_t bytes) {
  int64_t a = bytes < 0 ? -bytes : bytes;
  if (a >= (int64_t(1) << 20))
    return strf("%.2f MiB", bytes / 1048576.0);
  if (a >= 1024)
    return strf("%.1f KiB", bytes / 1024.0);
  return strf("%lld B", (long long)bytes);
}

std::string formatNs(double ns) {
  double a = std::fabs(ns);
  if (!std::isfinite(ns))
    return "n/a";
  if (a >= 1e9)
    return strf("%.2f s", ns / 1e9);
  if (a >= 1e6)
    return strf("%.2f ms", ns / 1e6);
  if (a >= 1e3)
    return strf("%.1f us", ns / 1e3);
  return strf("%.0f ns", ns);
}

std::string formatCount(int64_t n) {
  double a = double(n);
  if (a >= 1e9)
    return strf("%.2f G", a / 1e9);
  if (a >= 1e6)
    return strf("%.1f M", a / 1e6);
  if (a >= 1e3)
    return strf("%.1f k", a / 1e3);
  return strf("%lld", (long long)n);
}

/// Every precision a report may show, in report order.
ArrayRef<Precision> reportOrder() {
  static const Precision order[] = {Precision::f32,  Precision::f16,
                                    Precision::bf16, Precision::w8a8,
                                    Precision::w4a8, Precision::w4f};
  return order;
}

/// Layers per precision of `chosen`.
static std::map<Precision, int> countPlan(ArrayRef<Precision> chosen) {
  std::map<Precision, int> counts;
  for (Precision p : chosen)
    ++counts[p];
  return counts;
}

/// "12 fp32, 20 int8, 5 int4w".
std::string countsText(const std::map<Precision, int> &counts) {
  std::string s;
  for (Precision p : reportOrder()) {
    auto it = counts.find(p);
    if (it == counts.end() || it->second == 0)
      continue;
    if (!s.empty())
      s += ", ";
    s += strf("%d ", it->second) + candidateName(p).str();
  }
  return s.empty() ? "none" : s;
}

/// The chosen plan's counts: as given, or counted from `chosen`.
std::map<Precision, int> planCounts(const PlanReport &r) {
  return r.plan.counts.empty() ? countPlan(r.chosen) : r.plan.counts;
}

/// The reference whose label names `what` ("fp32", "int8"), or null.
const ReportPoint *findReference(const PlanReport &r, StringRef what) {
  for (const ReportPoint &p : r.references)
    if (StringRef(p.label).contains_insensitive(what))
      return &p;
  return nullptr;
}

//===----------------------------------------------------------------------===//
// explainChoices
//===----------------------------------------------------------------------===//

namespace {

/// A candidate's totals over a layer or a tie group.
struct Option {
  Precision p;
  double error = 0;
  int64_t bytes = 0;
  double ns = 0;
};

/// What explainChoices needs about the whole report.
struct Explainer {
  const PlanReport &r;
  bool bytesFirst;  ///< cost ordering: bytes (then ns) or ns (then bytes)
  double planError; ///< predicted error of the plan
  std::map<int64_t, std::vector<int64_t>> groups; ///< tie -> member ids
  std::vector<int> sensitivityRank; ///< 1 = most sensitive; 0 = no choice

  explicit Explainer(const PlanReport &report) : r(report) {
    // The solver minimizes error under size and/or latency budgets; with
    // only a latency budget time is what a cheaper candidate saves.
    bytesFirst = !(r.budgetNs && !r.budgetBytes);
    planError = r.plan.error;
    if (!(planError > 0)) {
      double sum = 0;
      for (size_t i = 0; i < r.layers.size() && i < r.chosen.size(); ++i)
        sum += errorOf(i, r.chosen[i]);
      planError = sum;
    }
    for (size_t i = 0; i < r.layers.size(); ++i)
      groups[r.layers[i].tie].push_back(i);
    rankLayers();
  }

  double errorOf(size_t i, Precision p) const {
    if (i >= r.error.size())
      return p == Precision::f32 ? 0 : std::nan("");
    auto it = r.error[i].find(p);
    if (it != r.error[i].end())
      return it->second;
    return p == Precision::f32 ? 0 : std::nan("");
  }
  int64_t bytesOf(size_t i, Precision p) const {
    if (i < r.bytes.size()) {
      auto it = r.bytes[i].find(p);
      if (it != r.bytes[i].end())
        return it->second;
    }
    // Not in the report: qcc's default int4 group size.
    return layerBytes(r.layers[i].shape, p, 32);
  }
  double nsOf(size_t i, Precision p) const {
    if (i < r.ns.size()) {
      auto it = r.ns[i].find(p);
      if (it != r.ns[i].end())
        return it->second;
    }
    return std::nan("");
  }

  /// The candidate that ranks a layer's sensitivity: int8 when allowed
  /// (the usual first step down from float), else the most accurate
  /// quantized candidate (so a layer int8 cannot take is not ranked by its
  /// worst option).
  std::optional<Precision> probe(size_t i) const {
    const Layer &l = r.layers[i];
    if (llvm::is_contained(l.allowed, Precision::w8a8) &&
        std::isfinite(errorOf(i, Precision::w8a8)))
      return Precision::w8a8;
    std::optional<Precision> best;
    for (Precision p : l.allowed) {
      double e = errorOf(i, p);
      if (p != Precision::f32 && std::isfinite(e) &&
          (!best || e < errorOf(i, *best)))
        best = p;
    }
    return best;
  }
  std::optional<double> sensitivity(size_t i) const {
    if (auto p = probe(i))
      return errorOf(i, *p);
    return std::nullopt;
  }

  void rankLayers() {
    std::vector<std::pair<double, size_t>> order;
    for (size_t i = 0; i < r.layers.size(); ++i)
      if (auto s = sensitivity(i))
        order.push_back({*s, i});
    llvm::sort(order, [](auto &a, auto &b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    sensitivityRank.assign(r.layers.size(), 0);
    for (size_t k = 0; k < order.size(); ++k)
      sensitivityRank[order[k].second] = k + 1;
  }

  /// Totals of `p` over `members`.
  Option option(ArrayRef<int64_t> members, Precision p) const {
    Option o{p};
    for (int64_t m : members) {
      o.error += errorOf(m, p);
      o.bytes += bytesOf(m, p);
      o.ns += nsOf(m, p);
    }
    return o;
  }

  /// Whether `a` costs less than `b` in the order the budgets care about.
  bool cheaper(const Option &a, const Option &b) const {
    auto key = [&](const Option &o) {
      double ns = std::isfinite(o.ns) ? o.ns : 0;
      return bytesFirst ? std::make_pair(double(o.bytes), ns)
                        : std::make_pair(ns, double(o.bytes));
    };
    auto ka = key(a), kb = key(b);
    // Differences under 0.5% of time are noise of the model, not a saving.
    if (!bytesFirst &&
        std::fabs(ka.first - kb.first) <= 0.005 * std::max(ka.first, kb.first))
      return ka.second < kb.second;
    return ka < kb;
  }

  /// The change of the plan's error when the group at `chosen` in the plan
  /// is compared at `from` and at `to` (all other layers as planned).
  /// `base`: the verb in base form ("cost", after "would").
  std::string errorChange(const Option &chosen, const Option &from,
                          const Option &to, bool base = false) const {
    const char *costs = base ? "cost" : "costs";
    const char *gains = base ? "gain" : "gains";
    if (!isMse(r.metric)) {
      double d = to.error - from.error;
      if (!std::isfinite(d))
        return "an unknown error change";
      if (d == 0)
        return "no error change";
      return strf("%s KL %.2e", d > 0 ? costs : gains, std::fabs(d));
    }
    double rest = std::max(0.0, planError - chosen.error);
    double before = rest + from.error, after = rest + to.error;
    if (!std::isfinite(before) || !std::isfinite(after))
      return "an unknown error change";
    if (before > 0 && after > 0) {
      double db = 10.0 * std::log10(after / before);
      if (std::fabs(db) < 0.005)
        return std::string(db > 0 ? costs : gains) + " < 0.01 dB";
      return strf("%s %.2f dB", db > 0 ? costs : gains, std::fabs(db));
    }
    if (after > 0)
      return std::string(costs) + " the plan its exactness (" +
             formatError(r.metric, after) + ")";
    if (before > 0)
      return std::string(gains) + " exactness";
    return "no error change";
  }

  /// "saves 9.0 KiB (-75%), 1.6x faster": the cost side of `from` -> `to`.
  std::string costChange(const Option &from, const Option &to,
                         bool base = false) const {
    std::string s;
    int64_t db = to.bytes - from.bytes;
    if (db == 0)
      s = "same size";
    else
      s = strf("%s %s (%+.0f%%)",
               db < 0 ? (base ? "save" : "saves") : (base ? "add" : "adds"),
               formatBytes(db < 0 ? -db : db).c_str(),
               from.bytes ? 100.0 * db / from.bytes : 0.0);
    if (std::isfinite(from.ns) && std::isfinite(to.ns) && from.ns > 0 &&
        to.ns > 0) {
      double ratio = from.ns / to.ns;
      if (ratio > 1.01)
        s += strf(", %.2fx faster", ratio);
      else if (ratio < 1 / 1.01)
        s += strf(", %.2fx slower", 1 / ratio);
      else
        s += ", same time";
    }
    return s;
  }

  std::string ordinal(int n) const {
    const char *suffix = "th";
    if (n % 100 < 11 || n % 100 > 13) {
      if (n % 10 == 1)
        suffix = "st";
      else if (n % 10 == 2)
        suffix = "nd";
      else if (n % 10 == 3)
        suffix = "rd";
    }
    return strf("%d%s", n, suffix);
  }

  /// The excluded candidates grouped by reason: "int8, int4w: -keep-float;
  /// fp16: the target has no f16 conversion".
  std::string exclusions(const Layer &l) const {
    std::map<std::string, std::vector<std::string>> byReason;
    for (auto &[p, why] : l.excluded)
      byReason[why].push_back(candidateName(p).str());
    std::string s;
    for (auto &[why, names] : byReason) {
      if (!s.empty())
        s += "; ";
      s += join(names, ", ") + ": " + why;
    }
    return s;
  }

  std::string explain(size_t i) const {
    const Layer &l = r.layers[i];
    if (i >= r.chosen.size())
      return "no plan";
    Precision c = r.chosen[i];
    std::string name = candidateName(c).str();

    // No choice at all.
    bool onlyFloat = llvm::all_of(
        l.allowed, [](Precision p) { return p == Precision::f32; });
    if (onlyFloat && c == Precision::f32) {
      if (l.excluded.empty())
        return "fp32: the only candidate";
      bool keep = llvm::all_of(
          l.excluded, [](auto &e) { return e.second == "-keep-float"; });
      if (keep)
        return "kept float: -keep-float";
      return "fp32: no other candidate (" + exclusions(l) + ")";
    }
    if (!llvm::is_contained(l.allowed, c))
      return name + ": set by the plan (not a candidate of this layer)";

    const std::vector<int64_t> &members = groups.at(l.tie);
    bool tied = members.size() > 1;
    Option chosen = option(members, c);
    std::optional<Option> lessCost, lessError;
    for (Precision p : l.allowed) {
      if (p == c)
        continue;
      Option o = option(members, p);
      if (!std::isfinite(o.error))
        continue;
      // The next cheaper: the most accurate of those that cost less.
      if (cheaper(o, chosen) &&
          (!lessCost || o.error < lessCost->error ||
           (o.error == lessCost->error && cheaper(*lessCost, o))))
        lessCost = o;
      // The next more accurate: the cheapest of those with less error.
      if (o.error < chosen.error &&
          (!lessError || cheaper(o, *lessError) ||
           (!cheaper(*lessError, o) && o.error < lessError->error)))
        lessError = o;
    }

    std::string s = name + ":";
    if (!lessError) {
      // The most accurate option (usually fp32): a sensitive layer.
      if (int rank = sensitivityRank[i])
        s += (rank == 1 ? " the most sensitive layer"
                        : " the " + ordinal(rank) + " most sensitive layer") +
             strf(" of %d", int(llvm::count_if(sensitivityRank,
                                               [](int k) { return k > 0; })));
      else
        s += " the most accurate candidate";
      if (lessCost)
        s += "; " + candidateName(lessCost->p).str() + " would " +
             costChange(chosen, *lessCost, true) + ", but " +
             errorChange(chosen, chosen, *lessCost, true);
    } else {
      s += " vs " + candidateName(lessError->p).str() + " " +
           costChange(*lessError, chosen) + ", and " +
           errorChange(chosen, *lessError, chosen);
      if (lessCost)
        s += "; " + candidateName(lessCost->p).str() + " would further " +
             costChange(chosen, *lessCost, true) + ", but " +
             errorChange(chosen, chosen, *lessCost, true) + " more";
      else
        s += "; the cheapest candidate";
    }
    if (tied)
      s += strf(" (tie group of %zu layers sharing one quantizer; totals)",
                members.size());
    if (!l.excluded.empty())
      s += "; excluded " + exclusions(l);
    return s;
  }
};

} // namespace

void explainChoices(PlanReport &report) {
  report.why.resize(report.layers.size());
  Explainer ex(report);
  for (size_t i = 0; i < report.layers.size(); ++i)
    if (report.why[i].empty())
      report.why[i] = ex.explain(i);
}

//===----------------------------------------------------------------------===//
// JSON
//===----------------------------------------------------------------------===//

static json::Value jsonString(StringRef s) {
  return json::isUTF8(s) ? json::Value(s.str()) : json::Value(json::fixUTF8(s));
}

/// A double, or null when it is not finite (JSON has no inf/nan).
static json::Value jsonNumber(double v) {
  if (!std::isfinite(v))
    return nullptr;
  return v;
}

static json::Value jsonSqnr(StringRef metric, double error) {
  if (!isMse(metric))
    return nullptr;
  if (auto db = sqnrDb(error))
    return *db;
  return nullptr;
}

static json::Object jsonCounts(const std::map<Precision, int> &counts) {
  json::Object o;
  for (auto &[p, n] : counts)
    o[candidateName(p)] = n;
  return o;
}

static json::Value jsonPoint(StringRef metric, const ReportPoint &p) {
  json::Object o{{"label", jsonString(p.label)},
                 {"error", jsonNumber(p.error)},
                 {"sqnr_db", jsonSqnr(metric, p.error)},
                 {"bytes", p.bytes},
                 {"ns", jsonNumber(p.ns)}};
  if (!p.counts.empty())
    o["counts"] = jsonCounts(p.counts);
  return o;
}

static json::Array jsonPoints(StringRef metric, ArrayRef<ReportPoint> points) {
  json::Array a;
  for (const ReportPoint &p : points)
    a.push_back(jsonPoint(metric, p));
  return a;
}

json::Object planReportJson(const PlanReport &r) {
  json::Array layers;
  for (size_t i = 0; i < r.layers.size(); ++i) {
    const Layer &l = r.layers[i];
    json::Object candidates;
    for (Precision p : l.allowed) {
      json::Object c;
      if (i < r.error.size() && r.error[i].count(p)) {
        double e = r.error[i].at(p);
        c["error"] = jsonNumber(e);
        c["sqnr_db"] = jsonSqnr(r.metric, e);
      }
      if (i < r.ns.size() && r.ns[i].count(p))
        c["ns"] = jsonNumber(r.ns[i].at(p));
      if (i < r.bytes.size() && r.bytes[i].count(p))
        c["bytes"] = r.bytes[i].at(p);
      if (i < r.costWhy.size() && r.costWhy[i].count(p))
        c["cost_why"] = jsonString(r.costWhy[i].at(p));
      candidates[candidateName(p)] = std::move(c);
    }
    json::Object excluded;
    for (auto &[p, why] : l.excluded)
      excluded[candidateName(p)] = jsonString(why);
    json::Object o{{"id", l.id},
                   {"name", jsonString(l.name)},
                   {"op", jsonString(l.opType)},
                   {"macs", l.shape.macs},
                   {"tie", l.tie},
                   {"candidates", std::move(candidates)},
                   {"excluded", std::move(excluded)}};
    if (i < r.chosen.size())
      o["chosen"] = candidateName(r.chosen[i]);
    if (i < r.why.size())
      o["why"] = jsonString(r.why[i]);
    layers.push_back(std::move(o));
  }

  json::Object budgets{{"text", jsonString(r.budgetText)}};
  budgets["bytes"] = r.budgetBytes ? json::Value(*r.budgetBytes) : nullptr;
  budgets["ns"] = r.budgetNs ? jsonNumber(*r.budgetNs) : nullptr;
  budgets["error"] = r.budgetError ? jsonNumber(*r.budgetError) : nullptr;
  budgets["sqnr_db"] =
      r.budgetError ? jsonSqnr(r.metric, *r.budgetError) : nullptr;

  json::Object plan{{"error", jsonNumber(r.plan.error)},
                    {"sqnr_db", jsonSqnr(r.metric, r.plan.error)},
                    {"bytes", r.plan.bytes},
                    {"ns", jsonNumber(r.plan.ns)},
                    {"counts", jsonCounts(planCounts(r))}};

  json::Array infeasible;
  for (const std::string &m : r.infeasible)
    infeasible.push_back(jsonString(m));

  json::Object o{{"model", jsonString(r.model)},
                 {"target", jsonString(r.target)},
                 {"metric", jsonString(r.metric)},
                 {"samples", r.samples},
                 {"sensitivity_seconds", jsonNumber(r.sensitivitySeconds)},
                 {"solve_seconds", jsonNumber(r.solveSeconds)},
                 {"cost_table", jsonString(r.costTable)},
                 {"feasible", r.feasible},
                 {"infeasible", std::move(infeasible)},
                 {"budgets", std::move(budgets)},
                 {"plan", std::move(plan)},
                 {"layers", std::move(layers)},
                 {"references", jsonPoints(r.metric, r.references)},
                 {"frontier_bytes", jsonPoints(r.metric, r.frontierBytes)},
                 {"frontier_ns", jsonPoints(r.metric, r.frontierNs)},
                 {"closest", jsonPoints(r.metric, r.closest)}};
  o["simulated_error"] =
      r.simulatedError ? jsonNumber(*r.simulatedError) : nullptr;
  o["simulated_sqnr_db"] =
      r.simulatedError ? jsonSqnr(r.metric, *r.simulatedError) : nullptr;
  return o;
}

//===----------------------------------------------------------------------===//
// Terminal summary
//===----------------------------------------------------------------------===//

std::string clip(StringRef s, size_t width) {
  if (s.size() <= width)
    return s.str();
  // Cut at a UTF-8 character boundary.
  size_t n = width > 3 ? width - 3 : 0;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80)
    --n;
  return s.take_front(n).str() + "...";
}

/// `s` cut to `width` characters (ending in "..."), padded to `width`.
static std::string cell(StringRef s, size_t width, bool right = false) {
  std::string t = clip(s, width);
  if (t.size() < width) {
    std::string pad(width - t.size(), ' ');
    t = right ? pad + t : t + pad;
  }
  return t;
}

/// At most `k` of `n` indices spread evenly, always containing `keep`
/// (when < n).
static std::vector<size_t> spread(size_t n, size_t k, size_t keep) {
  std::vector<size_t> idx;
  if (n <= k) {
    for (size_t i = 0; i < n; ++i)
      idx.push_back(i);
    return idx;
  }
  std::set<size_t> chosen;
  for (size_t j = 0; j < k; ++j)
    chosen.insert((j * (n - 1) + (k - 1) / 2) / (k - 1));
  if (keep < n && !chosen.count(keep)) {
    // Replace the nearest picked index that is not an end.
    size_t best = 0, bestDist = SIZE_MAX;
    for (size_t c : chosen) {
      if (c == 0 || c == n - 1)
        continue;
      size_t d = c > keep ? c - keep : keep - c;
      if (d < bestDist)
        bestDist = d, best = c;
    }
    if (bestDist != SIZE_MAX)
      chosen.erase(best);
    chosen.insert(keep);
  }
  idx.assign(chosen.begin(), chosen.end());
  return idx;
}

bool samePoint(const ReportPoint &a, const ReportPoint &b) {
  return a.bytes == b.bytes &&
         std::fabs(a.ns - b.ns) <= 1e-6 * std::max(1.0, std::fabs(b.ns)) &&
         std::fabs(a.error - b.error) <=
             1e-9 * std::max(1e-30, std::fabs(b.error));
}

static void printSummaryLines(raw_ostream &os, const PlanReport &r);

/// The index of the point of `points` nearest to `p` in the frontier's
/// coordinate (bytes or ns), or SIZE_MAX.
static size_t nearest(ArrayRef<ReportPoint> points, const ReportPoint &p,
                      bool byBytes) {
  size_t best = SIZE_MAX;
  double bestDist = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < points.size(); ++i) {
    double d = byBytes ? std::fabs(double(points[i].bytes - p.bytes))
                       : std::fabs(points[i].ns - p.ns);
    if (samePoint(points[i], p))
      return i;
    if (d < bestDist)
      bestDist = d, best = i;
  }
  return best;
}

void printPlanSummary(raw_ostream &out, const PlanReport &r) {
  std::string text;
  raw_string_ostream os(text);
  printSummaryLines(os, r);
  // Columns are padded; lines are not.
  for (StringRef line : split(text, '\n'))
    if (!line.empty())
      out << line.rtrim(' ') << "\n";
}

static void printSummaryLines(raw_ostream &os, const PlanReport &r) {
  const std::string &m = r.metric;
  StringRef model = sys::path::filename(r.model);
  os << "qcc: -quant=mixed plan for "
     << (model.empty() ? std::string("the model") : clip(model, 50)) << " on "
     << clip(r.target, 20) << ", " << r.layers.size() << " layers\n";
  std::string facts = strf("  %s on %lld samples (%.1f s), solve %.3f s",
                           isMse(m) ? "SQNR" : "KL", (long long)r.samples,
                           r.sensitivitySeconds, r.solveSeconds);
  if (!r.costTable.empty())
    facts += "; cost model " + r.costTable;
  os << clip(facts, 118) << "\n";

  // Budgets as given and as resolved.
  std::vector<std::string> resolved;
  if (r.budgetBytes)
    resolved.push_back("size <= " + formatBytes(*r.budgetBytes));
  if (r.budgetNs)
    resolved.push_back("time <= " + formatNs(*r.budgetNs));
  if (r.budgetError)
    resolved.push_back("error <= " + formatError(m, *r.budgetError));
  os << "  budgets: "
     << (r.budgetText.empty() ? std::string("(default)") : r.budgetText)
     << " => " << (resolved.empty() ? "none" : join(resolved, ", ")) << "\n";

  const ReportPoint *fp32 = findReference(r, "fp32");
  if (r.feasible || !r.chosen.empty()) {
    os << "  chosen: " << formatError(m, r.plan.error) << " predicted";
    if (r.simulatedError)
      os << ", " << formatError(m, *r.simulatedError) << " simulated";
    os << " | " << formatBytes(r.plan.bytes);
    if (fp32 && fp32->bytes > 0)
      os << strf(" (%.0f%% of fp32)", 100.0 * r.plan.bytes / fp32->bytes);
    os << " | " << formatNs(r.plan.ns);
    if (fp32 && fp32->ns > 0)
      os << strf(" (%.2fx fp32)", r.plan.ns / fp32->ns);
    os << "\n";
    os << "  layers: " << r.layers.size() << " = " << countsText(planCounts(r))
       << "\n";
  }

  if (!r.feasible) {
    os << "  no plan meets the budgets:\n";
    for (size_t i = 0; i < r.infeasible.size() && i < 3; ++i)
      os << "    " << cell(r.infeasible[i], 110) << "\n";
    if (!r.closest.empty()) {
      os << "  " << cell("closest plans", 18) << cell("error", 12, true)
         << cell("size", 12, true) << cell("time", 12, true) << "\n";
      for (size_t i = 0; i < r.closest.size() && i < 4; ++i) {
        const ReportPoint &p = r.closest[i];
        os << "    " << cell(p.label.empty() ? "-" : p.label, 16)
           << cell(formatError(m, p.error), 12, true)
           << cell(formatBytes(p.bytes), 12, true)
           << cell(formatNs(p.ns), 12, true) << "\n";
      }
    }
  }

  // The chosen plan against the references.
  if (!r.references.empty()) {
    os << "  " << cell("plan", 18) << cell("error", 12, true)
       << cell("size", 12, true) << cell("time", 12, true) << "\n";
    if (r.feasible)
      os << "  " << cell("* chosen", 18)
         << cell(formatError(m, r.plan.error), 12, true)
         << cell(formatBytes(r.plan.bytes), 12, true)
         << cell(formatNs(r.plan.ns), 12, true) << "\n";
    for (size_t i = 0; i < r.references.size() && i < 6; ++i) {
      const ReportPoint &p = r.references[i];
      os << "    " << cell(p.label, 16)
         << cell(formatError(m, p.error), 12, true)
         << cell(formatBytes(p.bytes), 12, true)
         << cell(formatNs(p.ns), 12, true) << "\n";
    }
  }

  // A compact frontier along the resource the budgets constrain.
  bool byBytes = !(r.budgetNs && !r.budgetBytes);
  const std::vector<ReportPoint> &front =
      byBytes || r.frontierNs.empty() ? r.frontierBytes : r.frontierNs;
  if (&front == &r.frontierBytes && !r.frontierBytes.empty())
    byBytes = true;
  if (!front.empty()) {
    size_t rows = r.feasible ? 8 : 5;
    size_t keep = r.feasible ? nearest(front, r.plan, byBytes) : SIZE_MAX;
    std::vector<size_t> idx = spread(front.size(), rows, keep);
    os << "  Pareto frontier, error vs " << (byBytes ? "size" : "time") << " ("
       << front.size() << " plans";
    if (idx.size() < front.size())
      os << ", " << idx.size() << " shown";
    os << "):\n";
    os << "    " << cell(byBytes ? "size" : "time", 12, true)
       << cell("error", 12, true) << cell(byBytes ? "time" : "size", 12, true)
       << "   layers\n";
    for (size_t i : idx) {
      const ReportPoint &p = front[i];
      bool isChosen = r.feasible && samePoint(p, r.plan);
      os << "  " << (isChosen ? "* " : "  ")
         << cell(byBytes ? formatBytes(p.bytes) : formatNs(p.ns), 12, true)
         << cell(formatError(m, p.error), 12, true)
         << cell(byBytes ? formatNs(p.ns) : formatBytes(p.bytes), 12, true)
         << "   " << cell(p.counts.empty() ? "" : countsText(p.counts), 50)
         << "\n";
    }
  }

  // The most sensitive layers.
  Explainer ex(r);
  std::vector<std::pair<int, size_t>> ranked;
  for (size_t i = 0; i < r.layers.size(); ++i)
    if (int k = ex.sensitivityRank[i])
      ranked.push_back({k, i});
  llvm::sort(ranked);
  if (!ranked.empty()) {
    os << "  most sensitive layers (output error with only that layer "
          "quantized):\n";
    for (size_t k = 0; k < ranked.size() && k < 5; ++k) {
      size_t i = ranked[k].second;
      const Layer &l = r.layers[i];
      std::string name =
          l.name.empty() ? strf("layer %lld", (long long)l.id) : l.name;
      Precision p = *ex.probe(i);
      os << "    " << cell(name + " (" + l.opType + ")", 40) << " "
         << cell(candidateName(p).str() + " " +
                     formatError(m, ex.errorOf(i, p)),
                 16);
      if (i < r.chosen.size())
        os << " -> " << candidateName(r.chosen[i]) << " ("
           << formatError(m, ex.errorOf(i, r.chosen[i])) << ")";
      os << "\n";
    }
  }
}

} // namespace qcc::mixed
