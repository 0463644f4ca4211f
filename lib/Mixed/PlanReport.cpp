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

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

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

/// printf into a std::string.
static std::string strf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static std::string strf(const char *fmt, ...) {
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

static bool isMse(StringRef metric) { return metric != "kl"; }

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

static std::string formatCount(int64_t n) {
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
static ArrayRef<Precision> reportOrder() {
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
static std::string countsText(const std::map<Precision, int> &counts) {
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
static std::map<Precision, int> planCounts(const PlanReport &r) {
  return r.plan.counts.empty() ? countPlan(r.chosen) : r.plan.counts;
}

/// The reference whose label names `what` ("fp32", "int8"), or null.
static const ReportPoint *findReference(const PlanReport &r, StringRef what) {
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
    if (!bytesFirst && std::fabs(ka.first - kb.first) <=
                           0.005 * std::max(ka.first, kb.first))
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

  /// Excluded candidates other than those excluded by the tie, "int8 (no
  /// calibration range for the input)".
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
      bool keep = llvm::all_of(l.excluded, [](auto &e) {
        return e.second == "-keep-float";
      });
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
                        : " " + ordinal(rank) + " most sensitive layer") +
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

static json::Array jsonPoints(StringRef metric,
                              ArrayRef<ReportPoint> points) {
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

/// `s` cut to `width` characters (with "..."), padded on the right.
static std::string cell(StringRef s, size_t width, bool right = false) {
  std::string t = s.str();
  if (t.size() > width)
    t = t.substr(0, width > 3 ? width - 3 : 0) + "...";
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

static bool samePoint(const ReportPoint &a, const ReportPoint &b) {
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
  os << "qcc: -quant=mixed plan for " << (r.model.empty() ? "model" : r.model)
     << " on " << r.target << " (" << (isMse(m) ? "SQNR" : "KL") << ", "
     << r.samples << " samples; sensitivity "
     << strf("%.1f s", r.sensitivitySeconds) << ", solve "
     << strf("%.3f s", r.solveSeconds) << ")\n";
  if (!r.costTable.empty())
    os << "  cost model: " << cell(r.costTable, 100) << "\n";

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
    os << "  layers: " << r.layers.size() << " = "
       << countsText(planCounts(r)) << "\n";
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
      std::string name = l.name.empty() ? strf("layer %lld", (long long)l.id)
                                        : l.name;
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

//===----------------------------------------------------------------------===//
// HTML
//===----------------------------------------------------------------------===//

/// Text for HTML content, attribute values and SVG text: escapes the
/// markup characters, drops control characters (not allowed in XML) and
/// repairs invalid UTF-8.
static std::string esc(StringRef raw) {
  std::string fixed = json::isUTF8(raw) ? raw.str() : json::fixUTF8(raw);
  std::string s;
  s.reserve(fixed.size());
  for (char ch : fixed) {
    switch (ch) {
    case '&':
      s += "&amp;";
      break;
    case '<':
      s += "&lt;";
      break;
    case '>':
      s += "&gt;";
      break;
    case '"':
      s += "&quot;";
      break;
    case '\'':
      s += "&#39;";
      break;
    default:
      if ((unsigned char)ch < 0x20 && ch != '\n' && ch != '\t')
        s += ' ';
      else
        s += ch;
    }
  }
  return s;
}

/// The colour of a precision in charts, legends and chips.
static const char *colorOf(Precision p) {
  switch (p) {
  case Precision::f32:
    return "#4e79a7";
  case Precision::f16:
    return "#59a14f";
  case Precision::bf16:
    return "#76b7b2";
  case Precision::w8a8:
    return "#f28e2b";
  case Precision::w4a8:
    return "#b07aa1";
  case Precision::w4f:
    return "#e15759";
  }
  return "#888888";
}

static std::string chip(Precision p) {
  return strf("<span class=\"chip\" style=\"background:%s\">", colorOf(p)) +
         candidateName(p).str() + "</span>";
}

/// Round "nice" tick positions (1, 2, 5 x 10^k) covering [lo, hi].
static std::vector<double> niceTicks(double lo, double hi, int want = 6) {
  std::vector<double> ticks;
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi))
    return ticks;
  double raw = (hi - lo) / want;
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double f : {1.0, 2.0, 5.0, 10.0})
    if (f * mag >= raw) {
      step = f * mag;
      break;
    }
  for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9;
       t += step)
    ticks.push_back(std::fabs(t) < step * 1e-9 ? 0 : t);
  return ticks;
}

namespace {

/// A point of a Pareto plot.
struct PlotPoint {
  double x;
  double error;
  enum Kind { Frontier, Reference, Chosen, Closest } kind;
  std::string label, tip;
};

/// A unit for an axis of bytes or time: divisor and suffix.
struct Unit {
  double div;
  const char *suffix;
};

} // namespace

static Unit bytesUnit(double max) {
  if (max >= 1048576.0 * 2)
    return {1048576.0, "MiB"};
  if (max >= 1024.0 * 2)
    return {1024.0, "KiB"};
  return {1.0, "B"};
}

static Unit nsUnit(double max) {
  if (max >= 2e9)
    return {1e9, "s"};
  if (max >= 2e6)
    return {1e6, "ms"};
  if (max >= 2e3)
    return {1e3, "&#181;s"};
  return {1.0, "ns"};
}

static std::string tickLabel(double v) {
  if (v == 0)
    return "0";
  double a = std::fabs(v);
  if (a >= 100 || std::fabs(v - std::round(v)) < 1e-9)
    return strf("%.0f", v);
  if (a >= 10)
    return strf("%.1f", v);
  return strf("%.3g", v);
}

/// One Pareto plot: error (up = more accurate: SQNR dB, or -log10 KL)
/// against bytes or time, the frontier as the staircase of what each cost
/// can buy, references, the chosen plan, the closest plans and the budgets.
static std::string paretoSvg(const PlanReport &r, bool byBytes) {
  const std::string &m = r.metric;
  bool mse = isMse(m);
  std::vector<PlotPoint> pts;
  auto xOf = [&](const ReportPoint &p) {
    return byBytes ? double(p.bytes) : p.ns;
  };
  auto tipOf = [&](StringRef what, const ReportPoint &p) {
    std::string t = what.str() + ": " + formatError(m, p.error) + ", " +
                    formatBytes(p.bytes) + ", " + formatNs(p.ns);
    if (!p.counts.empty())
      t += " (" + countsText(p.counts) + ")";
    return t;
  };
  const std::vector<ReportPoint> &front =
      byBytes ? r.frontierBytes : r.frontierNs;
  for (const ReportPoint &p : front)
    pts.push_back({xOf(p), p.error, PlotPoint::Frontier, "",
                   tipOf("frontier plan", p)});
  for (const ReportPoint &p : r.references)
    pts.push_back({xOf(p), p.error, PlotPoint::Reference, p.label,
                   tipOf(p.label, p)});
  for (const ReportPoint &p : r.closest)
    pts.push_back({xOf(p), p.error, PlotPoint::Closest,
                   p.label.empty() ? "closest" : p.label,
                   tipOf(p.label.empty() ? "closest plan" : p.label, p)});
  if (r.feasible)
    pts.push_back({xOf(r.plan), r.plan.error, PlotPoint::Chosen, "chosen",
                   tipOf("chosen plan", r.plan)});
  llvm::erase_if(pts, [](const PlotPoint &p) {
    return !std::isfinite(p.x) || !std::isfinite(p.error) || p.error < 0;
  });

  const double W = 560, H = 360, L = 64, R = 20, T = 28, B = 48;
  const double pw = W - L - R, ph = H - T - B;
  std::string title = byBytes ? "Error vs size" : "Error vs estimated time";
  std::string s =
      strf("<svg class=\"plot\" "
           "width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
           "role=\"img\">",
           W, H, W, H);
  s += "<title>" + esc(title) + "</title>";
  s += strf("<text x=\"%.0f\" y=\"18\" class=\"ptitle\">%s</text>", L,
            esc(title).c_str());
  if (pts.empty()) {
    s += strf("<text x=\"%.0f\" y=\"%.0f\" class=\"muted\">no plans to "
              "plot</text></svg>",
              L, T + ph / 2);
    return s;
  }

  // Axes ranges. x starts at 0 when that does not squash the points.
  double xmin = pts[0].x, xmax = pts[0].x;
  for (const PlotPoint &p : pts)
    xmin = std::min(xmin, p.x), xmax = std::max(xmax, p.x);
  std::optional<double> budgetX =
      byBytes ? (r.budgetBytes ? std::optional<double>(*r.budgetBytes)
                               : std::nullopt)
              : r.budgetNs;
  if (budgetX && std::isfinite(*budgetX))
    xmin = std::min(xmin, *budgetX), xmax = std::max(xmax, *budgetX);
  if (xmin < 0.35 * xmax)
    xmin = 0;
  if (!(xmax > xmin))
    xmax = xmin + std::max(1.0, std::fabs(xmin) * 0.1);
  double pad = (xmax - xmin) * 0.04;
  xmin = std::max(0.0, xmin - pad);
  xmax += pad;

  // y = -log10(error): up is more accurate; errors of 0 go to a band at the
  // top labelled "exact".
  auto yval = [](double e) { return -std::log10(e); };
  double ymin = std::numeric_limits<double>::infinity(), ymax = -ymin;
  bool anyExact = false;
  for (const PlotPoint &p : pts) {
    if (p.error == 0) {
      anyExact = true;
      continue;
    }
    ymin = std::min(ymin, yval(p.error)), ymax = std::max(ymax, yval(p.error));
  }
  if (r.budgetError && *r.budgetError > 0)
    ymin = std::min(ymin, yval(*r.budgetError)),
    ymax = std::max(ymax, yval(*r.budgetError));
  if (!std::isfinite(ymin))
    ymin = 0, ymax = 1;
  if (ymax - ymin < 0.2)
    ymin -= 0.1, ymax += 0.1;
  double ypad = (ymax - ymin) * 0.06;
  ymin -= ypad, ymax += ypad;
  double exactBand = anyExact ? 22 : 0;

  Unit unit = byBytes ? bytesUnit(xmax) : nsUnit(xmax);
  auto px = [&](double x) { return L + (x - xmin) / (xmax - xmin) * pw; };
  auto py = [&](double e) {
    if (e == 0)
      return T + 8.0;
    return T + exactBand + (ymax - yval(e)) / (ymax - ymin) * (ph - exactBand);
  };

  // Frame, grid and ticks.
  s += strf("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
            "class=\"frame\"/>",
            L, T, pw, ph);
  for (double t : niceTicks(xmin / unit.div, xmax / unit.div)) {
    double x = px(t * unit.div);
    s += strf("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
              "class=\"grid\"/>",
              x, T, x, T + ph);
    s += strf("<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" "
              "text-anchor=\"middle\">%s</text>",
              x, T + ph + 14, tickLabel(t).c_str());
  }
  s += strf("<text x=\"%.1f\" y=\"%.1f\" class=\"axis\" "
            "text-anchor=\"middle\">%s (%s)</text>",
            L + pw / 2, H - 8, byBytes ? "stored constants" : "estimated time",
            unit.suffix);
  // y ticks in dB (mse) or decades of KL.
  std::vector<double> yt;
  if (mse) {
    for (double t : niceTicks(10 * ymin, 10 * ymax, 6))
      yt.push_back(t / 10);
  } else {
    for (double t = std::ceil(ymin); t <= ymax; t += 1)
      yt.push_back(t);
    if (yt.size() < 2)
      for (double t : niceTicks(ymin, ymax, 4))
        yt.push_back(t);
  }
  for (double t : yt) {
    double y = T + exactBand + (ymax - t) / (ymax - ymin) * (ph - exactBand);
    s += strf("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
              "class=\"grid\"/>",
              L, y, L + pw, y);
    std::string label = mse ? tickLabel(10 * t) : strf("%.2g", std::pow(10, -t));
    s += strf("<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" "
              "text-anchor=\"end\">%s</text>",
              L - 5, y + 4, label.c_str());
  }
  if (anyExact) {
    s += strf("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
              "class=\"cut\"/>",
              L, T + exactBand, L + pw, T + exactBand);
    s += strf("<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" "
              "text-anchor=\"end\">exact</text>",
              L - 5, T + 12);
  }
  s += strf("<text transform=\"translate(14 %.1f) rotate(-90)\" "
            "class=\"axis\" text-anchor=\"middle\">%s</text>",
            T + ph / 2,
            mse ? "output SQNR (dB), higher is better"
                : "output KL (log), higher is better");

  // Budgets, labelled where error-vs-cost plots are empty: top left of the
  // cost line, left end of the error line.
  struct Box {
    double x0, y0, x1, y1;
  };
  std::vector<Box> taken;
  if (budgetX && std::isfinite(*budgetX)) {
    double x = px(*budgetX);
    s += strf("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
              "class=\"budget\"/>",
              x, T, x, T + ph);
    const char *text = byBytes ? "size budget" : "latency budget";
    double w = 6.3 * std::strlen(text);
    bool right = x + 3 + w <= L + pw;
    double y = T + exactBand + 14;
    s += strf("<text x=\"%.1f\" y=\"%.1f\" class=\"blabel\" "
              "text-anchor=\"%s\">%s</text>",
              right ? x + 3 : x - 3, y, right ? "start" : "end", text);
    taken.push_back({right ? x + 3 : x - 3 - w, y - 10, right ? x + 3 + w : x - 3,
                     y + 2});
  }
  if (r.budgetError && *r.budgetError > 0) {
    double y = py(*r.budgetError);
    s += strf("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
              "class=\"budget\"/>",
              L, y, L + pw, y);
    s += strf("<text x=\"%.1f\" y=\"%.1f\" class=\"blabel\">error "
              "budget</text>",
              L + 4, y - 4);
    taken.push_back({L + 4, y - 14, L + 4 + 6.3 * 12, y - 2});
  }

  // The frontier staircase: what the best plan of each cost achieves.
  std::vector<std::pair<double, double>> stairs;
  for (const PlotPoint &p : pts)
    if (p.kind == PlotPoint::Frontier)
      stairs.push_back({px(p.x), py(p.error)});
  llvm::sort(stairs);
  if (stairs.size() > 1) {
    std::string d = strf("M%.1f %.1f", stairs[0].first, stairs[0].second);
    for (size_t i = 1; i < stairs.size(); ++i)
      d += strf(" H%.1f V%.1f", stairs[i].first, stairs[i].second);
    d += strf(" H%.1f", L + pw);
    s += "<path d=\"" + d + "\" class=\"stairs\"/>";
  }

  // Markers: frontier first, then closest, references and the chosen plan
  // on top. Every marker is an obstacle for the labels placed after.
  auto starPath = [](double x, double y) {
    std::string d;
    for (int k = 0; k < 10; ++k) {
      double a = -M_PI / 2 + k * M_PI / 5, rad = k % 2 ? 4.0 : 9.5;
      d += strf("%s%.1f %.1f", k ? " L" : "M", x + rad * std::cos(a),
                y + rad * std::sin(a));
    }
    return d + " Z";
  };
  const PlotPoint::Kind order[] = {PlotPoint::Frontier, PlotPoint::Closest,
                                   PlotPoint::Reference, PlotPoint::Chosen};
  for (PlotPoint::Kind kind : order) {
    for (const PlotPoint &p : pts) {
      if (p.kind != kind)
        continue;
      double x = px(p.x), y = py(p.error);
      std::string tip = "<title>" + esc(p.tip) + "</title>";
      double half = 4;
      switch (kind) {
      case PlotPoint::Frontier:
        s += strf("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" class=\"fp\">", x,
                  y) +
             tip + "</circle>";
        break;
      case PlotPoint::Closest:
        s += strf("<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\" "
                  "class=\"cl\">",
                  x - 4, y - 4) +
             tip + "</rect>";
        break;
      case PlotPoint::Reference:
        s += strf("<path d=\"M%.1f %.1f l5 5 l-5 5 l-5 -5 z\" class=\"ref\">",
                  x, y - 5) +
             tip + "</path>";
        half = 5;
        break;
      case PlotPoint::Chosen:
        s += "<path d=\"" + starPath(x, y) + "\" class=\"chosen\">" + tip +
             "</path>";
        half = 9;
        break;
      }
      taken.push_back({x - half, y - half, x + half, y + half});
    }
  }

  // Labels, the chosen plan's first: the first of eight positions around
  // the marker that stays inside the plot and overlaps no marker or label
  // (else the one that overlaps least).
  auto overlap = [&](const Box &b) {
    double area = 0;
    for (const Box &t : taken) {
      double w = std::min(b.x1, t.x1) - std::max(b.x0, t.x0);
      double h = std::min(b.y1, t.y1) - std::max(b.y0, t.y0);
      if (w > 0 && h > 0)
        area += w * h;
    }
    return area;
  };
  for (PlotPoint::Kind kind :
       {PlotPoint::Chosen, PlotPoint::Reference, PlotPoint::Closest}) {
    for (const PlotPoint &p : pts) {
      if (p.kind != kind || p.label.empty())
        continue;
      double x = px(p.x), y = py(p.error);
      bool chosen = kind == PlotPoint::Chosen;
      double gap = chosen ? 12 : 8;
      double w = (chosen ? 7.4 : 6.3) * p.label.size(), h = chosen ? 13 : 11;
      struct Spot {
        double dx, dy;
        int anchor; // 0 start, 1 middle, 2 end
      };
      const Spot spots[] = {{gap, 4, 0},       {-gap, 4, 2},
                            {gap - 3, -8, 0},  {gap - 3, 16, 0},
                            {3 - gap, -8, 2},  {3 - gap, 16, 2},
                            {0, -gap - 2, 1},  {0, gap + 12, 1}};
      double bestScore = std::numeric_limits<double>::infinity();
      Box best{};
      Spot bestSpot = spots[0];
      for (const Spot &sp : spots) {
        double tx = x + sp.dx, ty = y + sp.dy;
        double x0 = sp.anchor == 0 ? tx : sp.anchor == 1 ? tx - w / 2 : tx - w;
        Box b{x0, ty - h + 2, x0 + w, ty + 2};
        double score = overlap(b);
        // Outside the plot area counts as a large overlap.
        if (b.x0 < L || b.x1 > L + pw || b.y0 < T || b.y1 > T + ph)
          score += 1e6;
        if (score < bestScore)
          bestScore = score, best = b, bestSpot = sp;
        if (score == 0)
          break;
      }
      taken.push_back(best);
      static const char *anchors[] = {"start", "middle", "end"};
      s += strf("<text x=\"%.1f\" y=\"%.1f\" class=\"%s\" "
                "text-anchor=\"%s\">",
                x + bestSpot.dx, y + bestSpot.dy,
                chosen ? "clabel" : kind == PlotPoint::Closest ? "xlabel"
                                                               : "rlabel",
                anchors[bestSpot.anchor]) +
           esc(p.label) + "</text>";
    }
  }

  // Legend, right-aligned on the title line.
  struct Key {
    const char *text;
    PlotPoint::Kind kind;
    bool shown;
  };
  bool anyClosest = llvm::any_of(
      pts, [](const PlotPoint &p) { return p.kind == PlotPoint::Closest; });
  Key keys[] = {{"frontier", PlotPoint::Frontier, !front.empty()},
                {"reference", PlotPoint::Reference, !r.references.empty()},
                {"chosen", PlotPoint::Chosen, r.feasible},
                {"closest", PlotPoint::Closest, anyClosest}};
  double kx = W - R;
  for (int k = 3; k >= 0; --k) {
    if (!keys[k].shown)
      continue;
    kx -= 6.3 * std::strlen(keys[k].text) + 26;
    double mx = kx + 7, my = 14;
    switch (keys[k].kind) {
    case PlotPoint::Frontier:
      s += strf("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" class=\"fp\"/>", mx,
                my);
      break;
    case PlotPoint::Reference:
      s += strf("<path d=\"M%.1f %.1f l5 5 l-5 5 l-5 -5 z\" class=\"ref\"/>",
                mx, my - 5);
      break;
    case PlotPoint::Chosen:
      s += "<path d=\"" + starPath(mx, my) + "\" class=\"chosen\"/>";
      break;
    case PlotPoint::Closest:
      s += strf("<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\" "
                "class=\"cl\"/>",
                mx - 4, my - 4);
      break;
    }
    s += strf("<text x=\"%.1f\" y=\"%.1f\" class=\"tick\">%s</text>", mx + 12,
              my + 4, keys[k].text);
  }

  s += "</svg>";
  return s;
}

/// The per-layer sensitivity chart: one group of horizontal bars per layer,
/// one bar per quantized candidate, length = log10 of the layer's error
/// alone (longer = worse), the chosen candidate solid and outlined.
static std::string sensitivitySvg(const PlanReport &r) {
  const std::string &m = r.metric;
  bool mse = isMse(m);
  // Candidates that appear, and the log range of the errors.
  std::vector<Precision> cands;
  double lo = std::numeric_limits<double>::infinity(), hi = 0;
  for (Precision p : reportOrder()) {
    if (p == Precision::f32)
      continue;
    bool used = false;
    for (size_t i = 0; i < r.layers.size(); ++i) {
      if (!llvm::is_contained(r.layers[i].allowed, p))
        continue;
      used = true;
      if (i < r.error.size() && r.error[i].count(p)) {
        double e = r.error[i].at(p);
        if (e > 0 && std::isfinite(e))
          lo = std::min(lo, e), hi = std::max(hi, e);
      }
    }
    if (used)
      cands.push_back(p);
  }
  if (!(hi > 0))
    lo = 1e-6, hi = 1e-1;
  double dlo = std::floor(std::log10(lo)), dhi = std::ceil(std::log10(hi));
  if (dhi - dlo > 12)
    dlo = dhi - 12; // errors below 1e-12 of the worst are all "tiny"
  if (dhi <= dlo)
    dhi = dlo + 1;

  const double labelW = 250, chartW = 520, chosenW = 170, W =
      labelW + chartW + chosenW + 10;
  const double barH = 5, barGap = 1, rowPad = 8, top = 44;
  auto barX = [&](double e) {
    double f = (std::log10(e) - dlo) / (dhi - dlo);
    return std::clamp(f, 0.0, 1.0) * chartW;
  };

  // Rows.
  std::string rows;
  double y = top;
  for (size_t i = 0; i < r.layers.size(); ++i) {
    const Layer &l = r.layers[i];
    std::vector<Precision> bars;
    for (Precision p : cands)
      if (llvm::is_contained(l.allowed, p))
        bars.push_back(p);
    double h = std::max<double>(16, bars.size() * (barH + barGap) + rowPad);
    if (i % 2)
      rows += strf("<rect x=\"0\" y=\"%.1f\" width=\"%.0f\" height=\"%.1f\" "
                   "class=\"band\"/>",
                   y, W, h);
    std::string name =
        l.name.empty() ? strf("layer %lld", (long long)l.id) : l.name;
    if (name.size() > 34)
      name = name.substr(0, 31) + "...";
    rows += strf("<text x=\"4\" y=\"%.1f\" class=\"lname\">", y + h / 2 + 4) +
            "<title>" + esc(l.name) + "</title>" +
            strf("%lld ", (long long)l.id) + esc(name) +
            " <tspan class=\"muted\">" + esc(l.opType) + "</tspan></text>";
    Precision c = i < r.chosen.size() ? r.chosen[i] : Precision::f32;
    double by = y + (h - bars.size() * (barH + barGap)) / 2;
    for (Precision p : bars) {
      double e = i < r.error.size() && r.error[i].count(p)
                     ? r.error[i].at(p)
                     : std::nan("");
      bool isChosen = i < r.chosen.size() && p == c;
      std::string tip = esc(l.name) + " " + candidateName(p).str() +
                        " alone: " + esc(formatError(m, e));
      if (std::isfinite(e))
        tip += strf(" (error %.3g)", e);
      if (isChosen)
        tip += " - chosen";
      double w = std::isfinite(e) && e > 0 ? std::max(2.0, barX(e)) : 2.0;
      rows += strf("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                   "height=\"%.1f\" fill=\"%s\" class=\"%s\">",
                   labelW, by, w, barH, colorOf(p),
                   isChosen ? "bar on" : "bar") +
              "<title>" + tip + "</title></rect>";
      by += barH + barGap;
    }
    // The chosen precision and its error alone.
    if (i < r.chosen.size()) {
      double e = c == Precision::f32 ? 0
                 : i < r.error.size() && r.error[i].count(c)
                     ? r.error[i].at(c)
                     : std::nan("");
      rows += strf("<rect x=\"%.1f\" y=\"%.1f\" width=\"46\" height=\"14\" "
                   "rx=\"3\" fill=\"%s\"/>",
                   labelW + chartW + 12, y + h / 2 - 7, colorOf(c)) +
              strf("<text x=\"%.1f\" y=\"%.1f\" class=\"ctext\" "
                   "text-anchor=\"middle\">",
                   labelW + chartW + 35, y + h / 2 + 4) +
              candidateName(c).str() + "</text>" +
              strf("<text x=\"%.1f\" y=\"%.1f\" class=\"tick\">",
                   labelW + chartW + 64, y + h / 2 + 4) +
              esc(formatError(m, e)) + "</text>";
    }
    y += h;
  }
  double H = y + 30;

  std::string s =
      strf("<svg class=\"sens\" "
           "width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
           "role=\"img\">",
           W, H, W, H);
  s += "<title>Sensitivity per layer and candidate</title>";
  // Legend.
  double lx = labelW;
  for (Precision p : cands) {
    s += strf("<rect x=\"%.1f\" y=\"6\" width=\"12\" height=\"10\" "
              "fill=\"%s\"/>",
              lx, colorOf(p));
    s += strf("<text x=\"%.1f\" y=\"15\" class=\"tick\">", lx + 16) +
         candidateName(p).str() + "</text>";
    lx += 70;
  }
  s += strf("<rect x=\"%.1f\" y=\"6\" width=\"12\" height=\"10\" "
            "class=\"bar on\" fill=\"#ffffff\"/>",
            lx);
  s += strf("<text x=\"%.1f\" y=\"15\" class=\"tick\">chosen</text>", lx + 16);
  s += strf("<text x=\"%.1f\" y=\"15\" class=\"tick\">chosen, %s "
            "alone</text>",
            labelW + chartW + 12, mse ? "SQNR" : "KL");
  s += rows;
  // Decade grid and labels, top and bottom.
  for (double d = dlo; d <= dhi + 1e-9; d += 1) {
    double x = labelW + (d - dlo) / (dhi - dlo) * chartW;
    s += strf("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
              "class=\"grid\"/>",
              x, top - 4, x, y);
    std::string label = mse ? strf("%.0f dB", -10 * d) : strf("1e%.0f", d);
    for (double ty : {top - 8, y + 14})
      s += strf("<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" "
                "text-anchor=\"middle\">%s</text>",
                x, ty, label.c_str());
  }
  s += strf("<text x=\"%.1f\" y=\"%.1f\" class=\"axis\" "
            "text-anchor=\"middle\">%s of the output with only this layer "
            "quantized (log scale; longer bar = more error)</text>",
            labelW + chartW / 2, y + 28,
            mse ? "noise power (SQNR)" : "KL");
  s += "</svg>";
  return s;
}

/// Two stacked bars: the chosen plan's layers per precision and its layer
/// weight bytes per precision, with a legend.
static std::string countsSvg(const PlanReport &r) {
  std::map<Precision, int> counts = planCounts(r);
  std::map<Precision, double> bytes;
  for (size_t i = 0; i < r.chosen.size() && i < r.layers.size(); ++i) {
    Precision p = r.chosen[i];
    bool known = i < r.bytes.size() && r.bytes[i].count(p);
    bytes[p] += known ? r.bytes[i].at(p) : layerBytes(r.layers[i].shape, p, 32);
  }
  const double W = 760, labelW = 110, barW = W - labelW, barH = 20;
  std::string s; // the body; the header needs the legend's height

  auto bar = [&](double y, const char *label, auto valueOf, auto textOf) {
    double total = 0;
    for (Precision p : reportOrder())
      total += valueOf(p);
    s += strf("<text x=\"0\" y=\"%.1f\" class=\"axis\">%s</text>", y + 14,
              label);
    double x = labelW;
    for (Precision p : reportOrder()) {
      double v = valueOf(p);
      if (!(v > 0) || !(total > 0))
        continue;
      double w = barW * v / total;
      std::string text = textOf(p);
      s += strf("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.0f\" "
                "fill=\"%s\">",
                x, y, w, barH, colorOf(p)) +
           "<title>" + candidateName(p).str() + ": " + text + "</title></rect>";
      if (w > 6.5 * text.size() + 8)
        s += strf("<text x=\"%.1f\" y=\"%.1f\" class=\"ctext\" "
                  "text-anchor=\"middle\">",
                  x + w / 2, y + 14) +
             text + "</text>";
      x += w;
    }
  };
  bar(
      0, "layers",
      [&](Precision p) { return counts.count(p) ? double(counts[p]) : 0.0; },
      [&](Precision p) { return strf("%d", counts[p]); });
  bar(
      26, "weight bytes",
      [&](Precision p) { return bytes.count(p) ? bytes[p] : 0.0; },
      [&](Precision p) { return formatBytes(int64_t(bytes[p])); });
  // The legend, wrapped to the width.
  double x = 0, y = 62;
  for (Precision p : reportOrder()) {
    if (!counts.count(p) || !counts[p])
      continue;
    std::string t = candidateName(p).str() + strf(": %d layers, ", counts[p]) +
                    formatBytes(int64_t(bytes[p]));
    double w = 16 + 6.2 * t.size() + 18;
    if (x > 0 && x + w > W)
      x = 0, y += 18;
    s += strf("<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" "
              "fill=\"%s\"/>",
              x, y, colorOf(p));
    s += strf("<text x=\"%.1f\" y=\"%.1f\" class=\"tick\">", x + 16,
              y + 11) +
         t + "</text>";
    x += w;
  }
  double H = y + 20;
  return strf("<svg width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f "
              "%.0f\" role=\"img\">",
              W, H, W, H) +
         "<title>Layers and weight bytes per precision</title>" + s +
         "</svg>";
}

static const char *kCss = R"css(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1280px;padding:0 16px;color:#222;background:#fff;line-height:1.4}
h1{font-size:1.5em;margin:0 0 4px}
h2{font-size:1.15em;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.sub,.muted{color:#666;fill:#777}
table{border-collapse:collapse;font-size:13px}
th,td{border:1px solid #ddd;padding:3px 7px;vertical-align:top}
th{background:#f4f4f4;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.me td{background:#fff3e0;font-weight:600}
.kv th{width:170px}
.chip{display:inline-block;color:#fff;border-radius:3px;padding:0 6px;font-size:12px;font-weight:600}
.bad{background:#fdecea;border:1px solid #e15759;padding:8px 12px;border-radius:4px}
.ok{color:#2e7d32;font-weight:600}.over{color:#c62828;font-weight:600}
.plots{display:flex;flex-wrap:wrap;gap:16px}
svg text{font-family:system-ui,sans-serif}
.ptitle{font-size:14px;font-weight:600}
.tick{font-size:11px;fill:#444}.axis{font-size:12px;fill:#333}
.frame{fill:none;stroke:#999}.grid{stroke:#e8e8e8}.cut{stroke:#bbb;stroke-dasharray:2 3}
.stairs{fill:none;stroke:#4e79a7;stroke-width:1.5;opacity:.7}
.fp{fill:#4e79a7}.ref{fill:#555}.cl{fill:none;stroke:#c62828;stroke-width:1.5}
.chosen{fill:#d62728;stroke:#fff;stroke-width:1}
.rlabel{font-size:11px;fill:#333}.xlabel{font-size:11px;fill:#c62828}.clabel{font-size:12px;font-weight:700;fill:#d62728}
.budget{stroke:#c62828;stroke-dasharray:5 4}.blabel{font-size:11px;fill:#c62828}
.band{fill:#f6f6f6}.lname{font-size:12px;fill:#222}
.bar{opacity:.4}.bar.on{opacity:1;stroke:#000;stroke-width:1.2}
.ctext{font-size:11px;font-weight:700;fill:#fff}
.layers td.why{max-width:420px;font-size:12px}
.layers td.c{font-size:11px;white-space:nowrap;text-align:right;font-variant-numeric:tabular-nums}
.layers td.on{background:#fff3e0;outline:2px solid #f28e2b;outline-offset:-2px}
.layers td.x{color:#aaa;text-align:center}
details{margin:8px 0}
)css";

static std::string pointRow(const PlanReport &r, const ReportPoint &p,
                            StringRef label, bool me) {
  const ReportPoint *fp32 = findReference(r, "fp32");
  std::string s = me ? "<tr class=\"me\">" : "<tr>";
  s += "<td>" + esc(label) + "</td>";
  s += "<td class=\"n\">" + esc(formatError(r.metric, p.error)) + "</td>";
  s += "<td class=\"n\">" + formatBytes(p.bytes);
  if (fp32 && fp32->bytes > 0)
    s += strf(" <span class=\"muted\">(%.0f%%)</span>",
              100.0 * p.bytes / fp32->bytes);
  s += "</td><td class=\"n\">" + esc(formatNs(p.ns));
  if (fp32 && fp32->ns > 0)
    s += strf(" <span class=\"muted\">(%.2fx)</span>", p.ns / fp32->ns);
  s += "</td><td>" + (p.counts.empty() ? std::string() : esc(countsText(p.counts))) +
       "</td></tr>\n";
  return s;
}

static std::string pointTable(const PlanReport &r,
                              ArrayRef<ReportPoint> points, bool withChosen,
                              StringRef firstHeader) {
  std::string s = "<table><tr><th>" + esc(firstHeader) +
                  "</th><th>error</th><th>size (of fp32)</th>"
                  "<th>time (vs fp32)</th><th>layers</th></tr>\n";
  if (withChosen && r.feasible) {
    ReportPoint p = r.plan;
    if (p.counts.empty())
      p.counts = planCounts(r);
    s += pointRow(r, p, "chosen plan", true);
  }
  for (size_t i = 0; i < points.size(); ++i) {
    bool me = !withChosen && r.feasible && samePoint(points[i], r.plan);
    s += pointRow(r, points[i],
                  points[i].label.empty() ? strf("%zu", i + 1)
                                          : points[i].label,
                  me);
  }
  return s + "</table>\n";
}

std::string planReportHtml(const PlanReport &r) {
  const std::string &m = r.metric;
  std::string title = "qcc mixed-precision plan: " +
                      (r.model.empty() ? std::string("model") : r.model);
  std::string s = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
                  "charset=\"utf-8\"/>\n<meta name=\"viewport\" "
                  "content=\"width=device-width, initial-scale=1\"/>\n<title>" +
                  esc(title) + "</title>\n<style>" + kCss +
                  "</style></head><body>\n";

  // Header.
  s += "<h1>" + esc(title) + "</h1>\n";
  s += "<p class=\"sub\">target <b>" + esc(r.target) + "</b>";
  if (!r.costTable.empty())
    s += " &#183; cost model: " + esc(r.costTable);
  s += strf(" &#183; metric %s &#183; %lld samples &#183; sensitivity "
            "%.1f s &#183; solve %.3f s",
            isMse(m) ? "mse (shown as output SQNR)" : "KL",
            (long long)r.samples, r.sensitivitySeconds, r.solveSeconds);
  s += "</p>\n";

  if (!r.feasible) {
    s += "<div class=\"bad\"><b>No plan meets the budgets.</b><ul>";
    for (const std::string &msg : r.infeasible)
      s += "<li>" + esc(msg) + "</li>";
    s += "</ul>";
    if (!r.closest.empty())
      s += "Closest plans:" + pointTable(r, r.closest, false, "plan");
    s += "</div>\n";
  }

  // The chosen point and the budgets.
  const ReportPoint *fp32 = findReference(r, "fp32");
  s += "<h2>Chosen plan</h2>\n<table class=\"kv\">";
  s += "<tr><th>predicted error</th><td>" + esc(formatError(m, r.plan.error)) +
       strf(" <span class=\"muted\">(sum of per-layer errors: %.3g)</span>",
            r.plan.error) +
       "</td></tr>";
  s += "<tr><th>simulated error</th><td>" +
       (r.simulatedError
            ? esc(formatError(m, *r.simulatedError)) +
                  strf(" <span class=\"muted\">(the whole plan run on the "
                       "samples: %.3g)</span>",
                       *r.simulatedError)
            : std::string("not measured")) +
       "</td></tr>";
  s += "<tr><th>stored constants</th><td>" + formatBytes(r.plan.bytes);
  if (fp32 && fp32->bytes > 0)
    s += strf(" (%.1f%% of fp32, %s)", 100.0 * r.plan.bytes / fp32->bytes,
              formatBytes(fp32->bytes).c_str());
  s += "</td></tr><tr><th>estimated time</th><td>" + esc(formatNs(r.plan.ns));
  if (fp32 && fp32->ns > 0)
    s += strf(" (%.2fx fp32, ", r.plan.ns / fp32->ns) +
         esc(formatNs(fp32->ns)) + ")";
  s += "</td></tr><tr><th>layers</th><td>";
  for (Precision p : reportOrder()) {
    std::map<Precision, int> counts = planCounts(r);
    if (counts.count(p) && counts[p])
      s += chip(p) + strf(" %d &#160; ", counts[p]);
  }
  s += strf("(%zu layers)</td></tr></table>\n", r.layers.size());

  s += "<h2>Budgets</h2>\n<p>Flags: <code>" +
       esc(r.budgetText.empty() ? "(none: size budget = the all-int8 plan)"
                                : r.budgetText) +
       "</code></p>\n<table><tr><th>budget</th><th>limit</th><th>chosen "
       "plan</th><th>use</th></tr>";
  auto budgetRow = [&](StringRef what, bool has, std::string limit,
                       std::string value, double used, bool met) {
    s += "<tr><td>" + what.str() + "</td><td class=\"n\">" +
         (has ? esc(limit) : std::string("none")) + "</td><td class=\"n\">" +
         esc(value) + "</td><td>";
    if (has)
      s += strf("<span class=\"%s\">%s</span> ", met ? "ok" : "over",
                met ? "met" : "exceeded") +
           (std::isfinite(used) ? strf("(%.0f%%)", 100 * used) : "");
    s += "</td></tr>";
  };
  budgetRow("size", bool(r.budgetBytes),
            r.budgetBytes ? formatBytes(*r.budgetBytes) : "",
            formatBytes(r.plan.bytes),
            r.budgetBytes && *r.budgetBytes > 0
                ? double(r.plan.bytes) / *r.budgetBytes
                : NAN,
            !r.budgetBytes || r.plan.bytes <= *r.budgetBytes);
  budgetRow("latency", bool(r.budgetNs),
            r.budgetNs ? formatNs(*r.budgetNs) : "", formatNs(r.plan.ns),
            r.budgetNs && *r.budgetNs > 0 ? r.plan.ns / *r.budgetNs : NAN,
            !r.budgetNs || r.plan.ns <= *r.budgetNs * (1 + 1e-9));
  budgetRow("error", bool(r.budgetError),
            r.budgetError ? formatError(m, *r.budgetError) : "",
            formatError(m, r.plan.error),
            r.budgetError && *r.budgetError > 0 ? r.plan.error / *r.budgetError
                                                : NAN,
            !r.budgetError || r.plan.error <= *r.budgetError * (1 + 1e-9));
  s += "</table>\n";

  s += "<h2>Precision per layer</h2>\n" + countsSvg(r) + "\n";

  s += "<h2>Plans compared</h2>\n" +
       pointTable(r, r.references, true, "plan");

  s += "<h2>Pareto frontiers</h2>\n<p class=\"muted\">Each dot is a plan no "
       "other plan beats on both axes; the line is the best error each "
       "budget can buy. Diamonds: reference plans; star: the chosen plan; "
       "red squares: the closest plans when no plan meets the budgets; "
       "dashed: budgets. Hover for details.</p>\n<div class=\"plots\">" +
       paretoSvg(r, true) + paretoSvg(r, false) + "</div>\n";
  s += "<details><summary>Frontier error vs size (" +
       strf("%zu plans", r.frontierBytes.size()) + ")</summary>" +
       pointTable(r, r.frontierBytes, false, "#") + "</details>\n";
  s += "<details><summary>Frontier error vs time (" +
       strf("%zu plans", r.frontierNs.size()) + ")</summary>" +
       pointTable(r, r.frontierNs, false, "#") + "</details>\n";

  s += "<h2>Sensitivity per layer</h2>\n<p class=\"muted\">The output error "
       "with only that layer at that candidate, all others float, on the "
       "calibration samples. Solid outlined bar: the chosen candidate; fp32 "
       "is exact and not drawn.</p>\n" +
       sensitivitySvg(r) + "\n";

  // The per-layer table.
  std::vector<Precision> cands;
  for (Precision p : reportOrder())
    if (llvm::any_of(r.layers, [&](const Layer &l) {
          return llvm::is_contained(l.allowed, p) || l.excluded.count(p);
        }))
      cands.push_back(p);
  std::map<int64_t, int> groupSize;
  for (const Layer &l : r.layers)
    ++groupSize[l.tie];
  s += "<h2>Layers</h2>\n<p class=\"muted\">Per candidate: error of the layer "
       "alone, estimated time, stored bytes (hover for the cost model's "
       "reason). The highlighted cell is the chosen one.</p>\n";
  s += "<table class=\"layers\"><tr><th>#</th><th>layer</th><th>op</th>"
       "<th>MACs</th><th>tie</th><th>chosen</th><th>why</th>";
  for (Precision p : cands)
    s += strf("<th style=\"border-bottom:3px solid %s\">", colorOf(p)) +
         candidateName(p).str() + "</th>";
  s += "</tr>\n";
  for (size_t i = 0; i < r.layers.size(); ++i) {
    const Layer &l = r.layers[i];
    s += strf("<tr><td class=\"n\">%lld</td>", (long long)l.id);
    s += "<td>" + esc(l.name.empty() ? "(unnamed)" : l.name) + "</td>";
    s += "<td>" + esc(l.opType) + "</td>";
    s += "<td class=\"n\">" + formatCount(l.shape.macs) + "</td>";
    s += "<td class=\"n\">" +
         (groupSize[l.tie] > 1 ? strf("%lld", (long long)l.tie)
                               : std::string()) +
         "</td>";
    s += "<td>" +
         (i < r.chosen.size() ? chip(r.chosen[i]) : std::string("-")) +
         "</td>";
    s += "<td class=\"why\">" + (i < r.why.size() ? esc(r.why[i]) : "") +
         "</td>";
    for (Precision p : cands) {
      if (!llvm::is_contained(l.allowed, p)) {
        auto ex = l.excluded.find(p);
        s += "<td class=\"x\"" +
             (ex != l.excluded.end() ? " title=\"" + esc(ex->second) + "\""
                                     : std::string()) +
             ">" + (ex != l.excluded.end() ? "excluded" : "-") + "</td>";
        continue;
      }
      bool on = i < r.chosen.size() && r.chosen[i] == p;
      std::string tip;
      if (i < r.costWhy.size() && r.costWhy[i].count(p))
        tip = " title=\"" + esc(r.costWhy[i].at(p)) + "\"";
      double e = p == Precision::f32 ? 0 : std::nan("");
      if (i < r.error.size() && r.error[i].count(p))
        e = r.error[i].at(p);
      s += std::string("<td class=\"c") + (on ? " on\"" : "\"") + tip + ">" +
           esc(formatError(m, e)) + "<br/>" +
           (i < r.ns.size() && r.ns[i].count(p) ? esc(formatNs(r.ns[i].at(p)))
                                                 : "-") +
           "<br/>" +
           (i < r.bytes.size() && r.bytes[i].count(p)
                ? formatBytes(r.bytes[i].at(p))
                : "-") +
           "</td>";
    }
    s += "</tr>\n";
  }
  s += "</table>\n";
  s += "<p class=\"muted\">Generated by qcc -quant=mixed. Errors: " +
       std::string(isMse(m) ? "output SQNR = -10 log10(sum |y'-y|^2 / sum "
                              "|y|^2); per-layer errors add up to the "
                              "predicted plan error."
                            : "mean KL(p_ref || p_quantized) of the output "
                              "rows; per-layer errors add up to the "
                              "predicted plan error.") +
       "</p>\n</body></html>\n";
  return s;
}

} // namespace qcc::mixed
