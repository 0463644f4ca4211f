//===- Budgets.h - parsing -size-budget, -latency-budget, -max-error -*- C++ -*-===//
//
// The user states budgets relative to reference plans the compiler knows
// only after measuring (the all-fp32 and all-int8 plans' sizes and
// estimated times), so a budget is parsed into a spec first and resolved
// to absolute bytes / nanoseconds / error later. Syntax: docs/CLI.md.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_MIXED_BUDGETS_H
#define QCC_MIXED_BUDGETS_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>

namespace qcc::mixed {

/// What a size or latency budget is relative to.
enum class BudgetBase { Absolute, Fp32, Int8 };

/// -size-budget / -latency-budget as given: `value` bytes or nanoseconds
/// (Absolute) or a factor of the all-fp32 / all-int8 plan.
struct ResourceBudget {
  BudgetBase base = BudgetBase::Absolute;
  double value = 0;
  std::string text; ///< as the user wrote it

  /// The absolute bound given the reference plans' values.
  double resolve(double fp32, double int8) const {
    switch (base) {
    case BudgetBase::Absolute:
      return value;
    case BudgetBase::Fp32:
      return value * fp32;
    case BudgetBase::Int8:
      return value * int8;
    }
    return value;
  }
};

/// -max-error: a minimum output SQNR in dB, or a maximum KL divergence.
struct ErrorBudget {
  bool isKl = false;
  double value = 0; ///< dB (SQNR) or nats (KL)
  std::string text;

  /// The bound in the additive metric: relative noise power for "mse"
  /// (10^(-dB/10)), KL itself for "kl". An SQNR bound given for a KL model
  /// (or the reverse) cannot be converted: returns nullopt.
  std::optional<double> resolve(llvm::StringRef metric) const;
};

/// `123456`, `800KB`, `1.5MiB`, `2MB` (bytes); `0.3` or `0.3xfp32` (of the
/// fp32 constants); `0.6xint8` (of the all-int8 plan's constants).
std::optional<ResourceBudget> parseSizeBudget(llvm::StringRef text,
                                              std::string &error);

/// `0.7` or `0.7xfp32` (of the all-fp32 estimate), `1.2xint8` (of the
/// all-int8 estimate), `2.5ms`, `800us` (absolute).
std::optional<ResourceBudget> parseLatencyBudget(llvm::StringRef text,
                                                 std::string &error);

/// `30dB` or `30` (SQNR at least 30 dB), `0.01kl` (KL at most 0.01).
std::optional<ErrorBudget> parseErrorBudget(llvm::StringRef text,
                                            std::string &error);

/// Relative noise power <-> SQNR in dB.
double noiseToDb(double relativeNoise);
double dbToNoise(double db);

} // namespace qcc::mixed

#endif // QCC_MIXED_BUDGETS_H
