//===- Budgets.cpp - parsing the mixed-precision budgets ------------------===//

#include "qcc/Mixed/Budgets.h"

#include "llvm/ADT/StringExtras.h"

#include <cmath>
#include <limits>

using namespace llvm;

namespace qcc::mixed {

/// Parses a positive finite number that is all of `text`.
static std::optional<double> parsePositive(StringRef text) {
  double v;
  if (text.empty() || text.trim() != text || text.getAsDouble(v) ||
      !std::isfinite(v) || !(v > 0))
    return std::nullopt;
  return v;
}

/// Splits `0.6xint8` into (0.6, Int8); nullopt when there is no `x` suffix.
static std::optional<std::pair<StringRef, BudgetBase>>
splitRelative(StringRef text) {
  std::string lower = text.lower();
  StringRef l(lower);
  if (l.ends_with("xfp32"))
    return std::make_pair(text.drop_back(5), BudgetBase::Fp32);
  if (l.ends_with("xint8"))
    return std::make_pair(text.drop_back(5), BudgetBase::Int8);
  return std::nullopt;
}

/// The forms both resource budgets share: `<factor>xfp32`, `<factor>xint8`
/// and `<number><unit>` with a unit of `units` (matched case-insensitively).
/// Returns whether `text` has one of them; then `b` is set, or `why` says
/// what is wrong with the number.
static bool parseRelativeOrUnits(
    StringRef text, ArrayRef<std::pair<const char *, double>> units,
    ResourceBudget &b, std::string &why) {
  if (auto rel = splitRelative(text)) {
    auto v = parsePositive(rel->first);
    if (!v) {
      why = "expected a positive factor before 'x'";
    } else {
      b.base = rel->second;
      b.value = *v;
    }
    return true;
  }
  std::string lower = text.lower();
  for (auto [suffix, scale] : units) {
    if (!StringRef(lower).ends_with(suffix))
      continue;
    auto v = parsePositive(text.drop_back(strlen(suffix)));
    if (!v)
      why = "expected a positive number before the unit";
    else
      b.value = *v * scale;
    return true;
  }
  return false;
}

std::optional<ResourceBudget> parseSizeBudget(StringRef text,
                                              std::string &error) {
  ResourceBudget b;
  b.text = text.str();
  auto bad = [&](StringRef why) -> std::optional<ResourceBudget> {
    error = ("invalid -size-budget '" + text + "': " + why).str();
    return std::nullopt;
  };
  static const std::pair<const char *, double> units[] = {
      {"kib", 1024.0}, {"mib", 1024.0 * 1024},  {"gib", 1024.0 * 1024 * 1024},
      {"kb", 1e3},     {"mb", 1e6},             {"gb", 1e9},
      {"b", 1.0}};
  std::string why;
  if (parseRelativeOrUnits(text, units, b, why))
    return why.empty() ? std::optional<ResourceBudget>(b) : bad(why);
  auto v = parsePositive(text);
  if (!v)
    return bad("expected bytes (e.g. 800KB, 1.5MiB, 250000), a fraction of "
               "the fp32 weights (0.3) or of the int8 plan (0.6xint8)");
  // A number up to 1 is a fraction of the fp32 constants; a larger one is
  // bytes (and must be whole).
  if (*v <= 1.0) {
    b.base = BudgetBase::Fp32;
    b.value = *v;
    return b;
  }
  if (*v != std::floor(*v))
    return bad("a byte count must be whole (fractions are at most 1)");
  b.value = *v;
  return b;
}

std::optional<ResourceBudget> parseLatencyBudget(StringRef text,
                                                 std::string &error) {
  ResourceBudget b;
  b.text = text.str();
  auto bad = [&](StringRef why) -> std::optional<ResourceBudget> {
    error = ("invalid -latency-budget '" + text + "': " + why).str();
    return std::nullopt;
  };
  static const std::pair<const char *, double> units[] = {
      {"ms", 1e6}, {"us", 1e3}, {"ns", 1.0}};
  std::string why;
  if (parseRelativeOrUnits(text, units, b, why))
    return why.empty() ? std::optional<ResourceBudget>(b) : bad(why);
  auto v = parsePositive(text);
  if (!v)
    return bad("expected a factor of the all-fp32 estimate (0.7 or 0.7xfp32), "
               "of the all-int8 estimate (1.2xint8), or a time (2.5ms, 800us)");
  b.base = BudgetBase::Fp32;
  b.value = *v;
  return b;
}

std::optional<ErrorBudget> parseErrorBudget(StringRef text,
                                            std::string &error) {
  ErrorBudget e;
  e.text = text.str();
  std::string lower = text.lower();
  StringRef l(lower);
  StringRef number = text;
  if (l.ends_with("kl")) {
    e.isKl = true;
    number = text.drop_back(2);
  } else if (l.ends_with("db")) {
    number = text.drop_back(2);
  }
  double v;
  if (number.empty() || number.getAsDouble(v) || !std::isfinite(v) ||
      (e.isKl && !(v > 0))) {
    error = ("invalid -max-error '" + text +
             "': expected an output SQNR in dB (30dB or 30) or a KL "
             "divergence (0.01kl)")
                .str();
    return std::nullopt;
  }
  e.value = v;
  return e;
}

std::optional<double> ErrorBudget::resolve(StringRef metric) const {
  if (isKl)
    return metric == "kl" ? std::optional<double>(value) : std::nullopt;
  return metric == "mse" ? std::optional<double>(dbToNoise(value))
                         : std::nullopt;
}

double noiseToDb(double relativeNoise) {
  if (!(relativeNoise > 0))
    return std::numeric_limits<double>::infinity();
  return -10.0 * std::log10(relativeNoise);
}

double dbToNoise(double db) { return std::pow(10.0, -db / 10.0); }

} // namespace qcc::mixed
