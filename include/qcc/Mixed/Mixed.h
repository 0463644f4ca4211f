//===- Mixed.h - per-layer mixed precision: shared types --------*- C++ -*-===//
//
// The types the parts of `-quant=mixed` share (docs/MixedPrecision.md):
//
//   collectLayers      the layers a plan assigns a precision to, their shape
//                      facts, allowed candidates and tie groups (Layers.cpp)
//   SensitivityEngine  measured output error per layer and candidate
//                      (lib/Calibration/Sensitivity.cpp)
//   cost model         estimated time per layer, precision and target
//                      (CostModel.cpp)
//   solver             budgeted assignment and Pareto frontiers (Solver.cpp)
//   plan report        JSON, HTML and the terminal summary (PlanReport.cpp)
//
// A layer is a float qcc.conv2d or 2-D qcc.matmul with constant f32
// weights. Its id is its index in walk order; collectLayers stores it on the
// op as `qcc.layer_id` so that clones (the sensitivity model) can find it.
// The plan is applied by writing `qcc.plan = #qcc.precision<...>` on each
// layer op; qcc-quantize and qcc-quantize-weights with `follow-plan` then
// convert exactly the layers the plan names.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_MIXED_MIXED_H
#define QCC_MIXED_MIXED_H

#include "Qcc/QccOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace qcc::mixed {

/// Attribute names.
constexpr const char *kLayerIdAttr = "qcc.layer_id";
constexpr const char *kPlanAttr = "qcc.plan";

/// The precisions a plan can give a layer, in the order reports list them:
/// f32, f16, bf16, w8a8 (int8), w4f (int4 weights, float activations).
/// (w4a8 has no kernel yet and is not a candidate.)
llvm::ArrayRef<Precision> allCandidates();

/// User-facing names: fp32, fp16, bf16, int8, int4w.
llvm::StringRef candidateName(Precision p);

/// Parses a user-facing name (also accepts the dialect spellings f32, f16,
/// w8a8, w4f).
std::optional<Precision> parseCandidate(llvm::StringRef name);

/// Shape facts of a layer: what the cost model needs.
struct LayerShape {
  bool isMatMul = false;
  int64_t macs = 0;        ///< multiply-accumulates per call
  int64_t weightElems = 0; ///< elements of the weight constant
  int64_t biasElems = 0;   ///< elements of the bias (0: none)
  int64_t inputElems = 0;  ///< elements of the activation input
  int64_t outputElems = 0; ///< elements of the result
  int64_t outChannels = 0; ///< output channels (conv) / columns (matmul)
  int64_t reduction = 0;   ///< products summed per output element
  int64_t groups = 1;      ///< convolution groups (depthwise: = channels)
  /// Innermost output dimension, the one qcc's kernels vectorize: the
  /// conv output width, the matmul columns (0: unknown).
  int64_t outWidth = 0;
};

/// A layer a plan assigns a precision to.
struct Layer {
  int64_t id = 0;
  std::string name;   ///< ONNX node name ("" when the model has none)
  std::string opType; ///< "Conv" or "MatMul"
  LayerShape shape;
  /// Candidates this layer may take; always starts with f32.
  std::vector<Precision> allowed;
  /// Candidates ruled out for this layer, with the reason.
  std::map<Precision, std::string> excluded;
  /// Layers with the same `tie` take the same precision: they feed one
  /// residual Add or one Concat, so they share the quantizer (and the join
  /// needs no conversion of one branch). `tie` is the smallest id of the
  /// group.
  int64_t tie = 0;
  /// Layers whose result reaches this layer's input through data movement
  /// (reshape, transpose, slice, max pooling) only: what decides whether the
  /// input needs a conversion.
  std::vector<int64_t> producers;
  /// Whether this layer's result is read only by layers (through data
  /// movement): its output can stay int8 when its consumers are int8.
  bool onlyLayerConsumers = false;
  /// The layer's fused activation lets an integer epilogue apply it
  /// (none, relu, clip).
  bool intEpilogue = true;
  mlir::Operation *op = nullptr;
};

/// Options of collectLayers.
struct LayerOptions {
  /// Candidates the user allows (-quant-candidates); f32 is always added.
  std::vector<Precision> candidates;
  /// -keep-float: ONNX node names or op types (Conv, MatMul, Gemm) that
  /// stay f32.
  std::vector<std::string> keepFloat;
  /// Whether the target converts f16 in hardware (fp16 is offered only
  /// then) and has bf16 support worth offering.
  bool hasF16 = true;
  bool hasBF16 = true;
};

/// Finds the layers of `module`'s @main, numbers them (`qcc.layer_id`) and
/// fills shape facts, allowed candidates (a layer int8 cannot quantize
/// exactly gets the same reason qcc-quantize would give), producers and
/// tie groups. Entries of `keepFloat` that match nothing are returned in
/// `unmatched`.
std::vector<Layer> collectLayers(mlir::ModuleOp module,
                                 const LayerOptions &options,
                                 std::vector<std::string> *unmatched = nullptr);

/// Stored weight bytes of a layer at a precision (weights + bias), as qcc's
/// passes store them: f32 4 B, f16/bf16 2 B, int8 1 B + per-channel f32
/// scale + i32 bias, int4 0.5 B + one f16 scale per `int4Group` products.
int64_t layerBytes(const LayerShape &shape, Precision p, int64_t int4Group);

} // namespace qcc::mixed

#endif // QCC_MIXED_MIXED_H
