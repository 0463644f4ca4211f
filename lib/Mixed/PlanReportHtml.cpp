//===- PlanReportHtml.cpp - the plan report as one HTML page --------------===//
//
// This file implements planReportHtml: one self-contained page (inline CSS
// and SVG; no scripts, fonts, images or URLs) with the chosen plan, the
// budgets, the precision mix, the reference plans, the two Pareto plots, a
// per-layer sensitivity chart and the per-layer table. The page is also
// well-formed XML: every name goes through esc() and every element is
// closed, which test/Unit/plan-report.test checks with an XML parser.
//
//===----------------------------------------------------------------------===//

#include "PlanReportImpl.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/JSON.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

using namespace llvm;

namespace qcc::mixed {

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
  for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
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
    pts.push_back(
        {xOf(p), p.error, PlotPoint::Frontier, "", tipOf("frontier plan", p)});
  for (const ReportPoint &p : r.references)
    pts.push_back(
        {xOf(p), p.error, PlotPoint::Reference, p.label, tipOf(p.label, p)});
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
    std::string label =
        mse ? tickLabel(10 * t) : strf("%.2g", std::pow(10, -t));
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
                : "output KL (log scale), smaller is up");

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
    taken.push_back(
        {right ? x + 3 : x - 3 - w, y - 10, right ? x + 3 + w : x - 3, y + 2});
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
      const Spot spots[] = {{gap, 4, 0},      {-gap, 4, 2},
                            {gap - 3, -8, 0}, {gap - 3, 16, 0},
                            {3 - gap, -8, 2}, {3 - gap, 16, 2},
                            {0, -gap - 2, 1}, {0, gap + 12, 1}};
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
                chosen                       ? "clabel"
                : kind == PlotPoint::Closest ? "xlabel"
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

  const double labelW = 250, chartW = 520, chosenW = 170,
               W = labelW + chartW + chosenW + 10;
  const double barH = 5, barGap = 1, rowPad = 8, top = 44;
  auto barX = [&](double e) {
    double f = (std::log10(e) - dlo) / (dhi - dlo);
    return std::clamp(f, 0.0, 1.0) * chartW;
  };

  // Rows: shading bands, then (after the grid) labels and bars.
  std::string bands, rows;
  double y = top;
  for (size_t i = 0; i < r.layers.size(); ++i) {
    const Layer &l = r.layers[i];
    std::vector<Precision> bars;
    for (Precision p : cands)
      if (llvm::is_contained(l.allowed, p))
        bars.push_back(p);
    double h = std::max<double>(16, bars.size() * (barH + barGap) + rowPad);
    if (i % 2)
      bands += strf("<rect x=\"0\" y=\"%.1f\" width=\"%.0f\" "
                    "height=\"%.1f\" class=\"band\"/>",
                    y, W, h);
    std::string name =
        clip(l.name.empty() ? strf("layer %lld", (long long)l.id) : l.name, 34);
    rows += strf("<text x=\"4\" y=\"%.1f\" class=\"lname\">", y + h / 2 + 4) +
            "<title>" + esc(l.name) + "</title>" +
            strf("%lld ", (long long)l.id) + esc(name) +
            " <tspan class=\"muted\">" + esc(l.opType) + "</tspan></text>";
    if (bars.empty()) {
      std::string why = "no quantized candidate";
      if (!l.excluded.empty())
        why += ": " + l.excluded.begin()->second;
      rows += strf("<text x=\"%.1f\" y=\"%.1f\" class=\"tick muted\">",
                   labelW + 4, y + h / 2 + 4) +
              esc(why) + "</text>";
    }
    Precision c = i < r.chosen.size() ? r.chosen[i] : Precision::f32;
    double by = y + (h - bars.size() * (barH + barGap)) / 2;
    for (Precision p : bars) {
      double e = i < r.error.size() && r.error[i].count(p) ? r.error[i].at(p)
                                                           : std::nan("");
      bool isChosen = i < r.chosen.size() && p == c;
      std::string tip = esc(l.name) + " " + candidateName(p).str() +
                        " alone: " + esc(formatError(m, e));
      if (std::isfinite(e))
        tip += strf(" (error %.3g)", e);
      if (isChosen)
        tip += " - chosen";
      double w = std::isfinite(e) && e > 0 ? std::max(2.0, barX(e)) : 2.0;
      rows +=
          strf("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
               "height=\"%.1f\" fill=\"%s\" class=\"%s\">",
               labelW, by, w, barH, colorOf(p), isChosen ? "bar on" : "bar") +
          "<title>" + tip + "</title></rect>";
      by += barH + barGap;
    }
    // The chosen precision and its error alone.
    if (i < r.chosen.size()) {
      double e = c == Precision::f32                         ? 0
                 : i < r.error.size() && r.error[i].count(c) ? r.error[i].at(c)
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
  // Decade grid under the bars, labels top and bottom.
  s += bands;
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
  s += rows;
  s += strf("<text x=\"%.1f\" y=\"%.1f\" class=\"axis\" "
            "text-anchor=\"middle\">%s of the output with only this layer "
            "quantized (log scale; longer bar = more error)</text>",
            labelW + chartW / 2, y + 28, mse ? "noise power (SQNR)" : "KL");
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
    s += strf("<text x=\"%.1f\" y=\"%.1f\" class=\"tick\">", x + 16, y + 11) +
         t + "</text>";
    x += w;
  }
  double H = y + 20;
  return strf("<svg width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f "
              "%.0f\" role=\"img\">",
              W, H, W, H) +
         "<title>Layers and weight bytes per precision</title>" + s + "</svg>";
}

static const char *kCss = R"css(
body{
  font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
  margin:24px auto;max-width:1280px;padding:0 16px;color:#222;background:#fff;
  line-height:1.4}
h1{font-size:1.5em;margin:0 0 4px}
h2{
  font-size:1.15em;margin:28px 0 8px;border-bottom:1px solid #ddd;
  padding-bottom:4px}
.sub,.muted{color:#666;fill:#777}
table{border-collapse:collapse;font-size:13px}
th,td{border:1px solid #ddd;padding:3px 7px;vertical-align:top}
th{background:#f4f4f4;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.me td{background:#fff3e0;font-weight:600}
.kv th{width:170px}
.chip{
  display:inline-block;color:#fff;border-radius:3px;padding:0 6px;
  font-size:12px;font-weight:600}
.bad{
  background:#fdecea;border:1px solid #e15759;padding:8px 12px;
  border-radius:4px}
.ok{color:#2e7d32;font-weight:600}
.over{color:#c62828;font-weight:600}
.plots{display:flex;flex-wrap:wrap;gap:16px}
svg text{font-family:system-ui,sans-serif}
.ptitle{font-size:14px;font-weight:600}
.tick{font-size:11px;fill:#444}
.axis{font-size:12px;fill:#333}
.frame{fill:none;stroke:#999}
.grid{stroke:#e8e8e8}
.cut{stroke:#bbb;stroke-dasharray:2 3}
.stairs{fill:none;stroke:#4e79a7;stroke-width:1.5;opacity:.7}
.fp{fill:#4e79a7}
.ref{fill:#555}
.cl{fill:none;stroke:#c62828;stroke-width:1.5}
.chosen{fill:#d62728;stroke:#fff;stroke-width:1}
.rlabel{font-size:11px;fill:#333}
.xlabel{font-size:11px;fill:#c62828}
.clabel{font-size:12px;font-weight:700;fill:#d62728}
.budget{stroke:#c62828;stroke-dasharray:5 4}
.blabel{font-size:11px;fill:#c62828}
.band{fill:#f6f6f6}
.lname{font-size:12px;fill:#222}
.bar{opacity:.4}
.bar.on{opacity:1;stroke:#000;stroke-width:1.2}
.ctext{font-size:11px;font-weight:700;fill:#fff}
.layers td.why{max-width:420px;font-size:12px}
.layers td.c{
  font-size:11px;white-space:nowrap;text-align:right;
  font-variant-numeric:tabular-nums}
.layers td.on{
  background:#fff3e0;outline:2px solid #f28e2b;outline-offset:-2px}
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
  s += "</td><td>" +
       (p.counts.empty() ? std::string() : esc(countsText(p.counts))) +
       "</td></tr>\n";
  return s;
}

static std::string pointTable(const PlanReport &r, ArrayRef<ReportPoint> points,
                              bool withChosen, StringRef firstHeader) {
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
    s += pointRow(
        r, points[i],
        points[i].label.empty() ? strf("%zu", i + 1) : points[i].label, me);
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
  s += "<br/>budgets <code>" +
       esc(r.budgetText.empty() ? "(default)" : r.budgetText) + "</code>";
  std::vector<std::string> limits;
  if (r.budgetBytes)
    limits.push_back("size &#8804; " + formatBytes(*r.budgetBytes));
  if (r.budgetNs)
    limits.push_back("time &#8804; " + esc(formatNs(*r.budgetNs)));
  if (r.budgetError)
    limits.push_back("error &#8804; " + esc(formatError(m, *r.budgetError)));
  if (!limits.empty())
    s += ": " + join(limits, ", ");
  if (r.feasible) {
    s += " &#183; chosen plan <b>" + esc(formatError(m, r.plan.error)) +
         "</b> predicted";
    if (r.simulatedError)
      s += ", <b>" + esc(formatError(m, *r.simulatedError)) + "</b> simulated";
    s += ", " + formatBytes(r.plan.bytes) + ", " + esc(formatNs(r.plan.ns));
  }
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

  s += "<h2>Plans compared</h2>\n" + pointTable(r, r.references, true, "plan");

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
    s += "<td>" + (i < r.chosen.size() ? chip(r.chosen[i]) : std::string("-")) +
         "</td>";
    s += "<td class=\"why\">" + (i < r.why.size() ? esc(r.why[i]) : "");
    // The cost model's reason for the chosen candidate's cost.
    if (i < r.chosen.size() && i < r.costWhy.size() &&
        r.costWhy[i].count(r.chosen[i]))
      s += "<br/><span class=\"muted\">cost: " +
           esc(r.costWhy[i].at(r.chosen[i])) + "</span>";
    s += "</td>";
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
