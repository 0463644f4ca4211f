//===- PlanFile.h - reading and applying mixed-precision plans --*- C++ -*-===//
//
// A plan gives each layer (see Mixed.h) one precision. It comes from the
// solver, or from a JSON file (`qcc -plan=FILE.json`, docs/MixedPrecision.md
// "Applying a plan"):
//
//   {"default": "int8",                       (optional; else fp32)
//    "layers": [{"name": "conv1", "precision": "fp32"},
//               {"id": 7, "precision": "int4w"}, ...]}
//
// The plan object of a `-report=FILE.json` (`"plan": {"layers": [{"id",
// "name", "chosen", ...}]}`) is read as well, so a report can be edited and
// fed back. The plan is applied by stamping `qcc.plan` on each layer op and
// running the quantization pipeline in mode "mixed".
//
//===----------------------------------------------------------------------===//

#ifndef QCC_MIXED_PLANFILE_H
#define QCC_MIXED_PLANFILE_H

#include "qcc/Mixed/Mixed.h"

#include "mlir/Support/LLVM.h"
#include "llvm/Support/JSON.h"

#include <string>
#include <vector>

namespace qcc::mixed {

/// Parses the JSON text of a plan for `layers` into `plan` (indexed by layer
/// id). Entries are matched to layers by "name" (the ONNX node name); an
/// entry without a name, or with an empty one, is matched by "id". The
/// precision is "precision" or, in a report's plan object, "chosen" (fp32,
/// fp16, bf16, int8, int4w, or the dialect spellings f32, f16, w8a8, w4f).
/// Layers the file does not list take "default" (fp32 when absent). Other
/// keys are ignored. On failure `error` says what is wrong, naming
/// `fileName` and the layer: malformed JSON, an unknown layer name or id, a
/// layer listed twice, an unknown precision, or one the layer cannot take
/// (with the reason collectLayers recorded).
mlir::LogicalResult parsePlan(llvm::StringRef text, llvm::StringRef fileName,
                              llvm::ArrayRef<Layer> layers,
                              std::vector<Precision> &plan,
                              std::string &error);

/// Reads the plan file at `path` (see parsePlan).
mlir::LogicalResult readPlanFile(llvm::StringRef path,
                                 llvm::ArrayRef<Layer> layers,
                                 std::vector<Precision> &plan,
                                 std::string &error);

/// The plan in the file format above (every layer listed with its id, name,
/// op type and precision), for writing a plan that parsePlan reads back.
llvm::json::Object planToJson(llvm::ArrayRef<Layer> layers,
                              llvm::ArrayRef<Precision> plan);

/// Writes `qcc.plan = #qcc.precision<plan[i]>` on each layer's op (f32
/// included, so that every layer says what the plan chose). `plan` has one
/// entry per layer.
void stampPlan(llvm::ArrayRef<Layer> layers, llvm::ArrayRef<Precision> plan);

} // namespace qcc::mixed

#endif // QCC_MIXED_PLANFILE_H
