//===- MixedPrecision.h - -quant=mixed: planning a model --------*- C++ -*-===//
//
// planMixedPrecision runs the planning half of -quant=mixed on a calibrated
// module: layers, sensitivity, the target's costs, the budgeted assignment,
// and the plan report. It stamps `qcc.plan` on every layer op; the caller
// then runs the follow-plan quantization pipeline. docs/MixedPrecision.md.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_DRIVER_MIXEDPRECISION_H
#define QCC_DRIVER_MIXEDPRECISION_H

#include "qcc/Mixed/Budgets.h"
#include "qcc/Mixed/Mixed.h"
#include "qcc/Mixed/PlanReport.h"

#include "mlir/IR/BuiltinOps.h"

#include <optional>
#include <string>
#include <vector>

namespace qcc {

struct TargetSpec;

struct MixedOptions {
  std::vector<Precision> candidates;
  std::optional<mixed::ResourceBudget> size, latency;
  std::optional<mixed::ErrorBudget> error;
  std::vector<std::string> keepFloat;
  /// -calib source and seed (the sensitivity samples are calibration
  /// samples), and how many of them the probes run.
  std::string calibPath;
  uint64_t calibSeed = 0;
  int64_t sensitivitySamples = 32;
  int64_t int4Group = 32;
  bool activationsU8 = true;
};

/// Plans the precision of every layer of `module` (calibrated) for `spec`'s
/// costs under the budgets, writes `qcc.plan` on the layer ops, and fills
/// `report`. Fails with a diagnostic at `loc` (the model file) when the
/// budgets cannot be met (saying which and the closest plans) or a flag
/// names no layer.
mlir::LogicalResult planMixedPrecision(mlir::ModuleOp module,
                                       const MixedOptions &options,
                                       const TargetSpec &spec,
                                       mlir::Location loc,
                                       mixed::PlanReport &report);

} // namespace qcc

#endif // QCC_DRIVER_MIXEDPRECISION_H
