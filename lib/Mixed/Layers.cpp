//===- Layers.cpp - the layers a mixed-precision plan covers --------------===//
//
// collectLayers finds the float conv/matmul layers with constant weights,
// numbers them, and records what the sensitivity engine, the cost model
// and the solver need about each: shape facts, allowed candidates (with the
// reason for each one ruled out), the layers feeding its input, and tie
// groups (layers joined by a residual Add or a Concat).
//
//===----------------------------------------------------------------------===//

#include "qcc/Mixed/Mixed.h"

#include "Qcc/ConstantData.h"
#include "Qcc/QccOps.h"
#include "qcc/Transforms/QuantMath.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/EquivalenceClasses.h"
#include "llvm/ADT/StringSwitch.h"

#include <cmath>

using namespace mlir;

namespace qcc::mixed {

ArrayRef<Precision> allCandidates() {
  static const Precision all[] = {Precision::f32, Precision::f16,
                                  Precision::bf16, Precision::w8a8,
                                  Precision::w4f};
  return all;
}

StringRef candidateName(Precision p) {
  switch (p) {
  case Precision::f32:
    return "fp32";
  case Precision::f16:
    return "fp16";
  case Precision::bf16:
    return "bf16";
  case Precision::w8a8:
    return "int8";
  case Precision::w4a8:
    return "w4a8";
  case Precision::w4f:
    return "int4w";
  }
  return "?";
}

std::optional<Precision> parseCandidate(StringRef name) {
  return llvm::StringSwitch<std::optional<Precision>>(name.lower())
      .Cases({"fp32", "f32"}, Precision::f32)
      .Cases({"fp16", "f16"}, Precision::f16)
      .Case("bf16", Precision::bf16)
      .Cases({"int8", "w8a8"}, Precision::w8a8)
      .Cases({"int4w", "w4f", "int4"}, Precision::w4f)
      .Default(std::nullopt);
}

int64_t layerBytes(const LayerShape &s, Precision p, int64_t int4Group) {
  int64_t w = s.weightElems, b = s.biasElems;
  switch (p) {
  case Precision::f32:
    return 4 * (w + b);
  case Precision::f16:
  case Precision::bf16:
    return 2 * w + 4 * b;
  case Precision::w8a8:
    // int8 weights and an i32 bias; the per-channel scales live in the
    // quantized type (the kernel's requantization constants), as the
    // quantization report counts them.
    return w + 4 * b;
  case Precision::w4a8:
  case Precision::w4f: {
    // As qcc-quantize-weights stores them: per output channel, K products
    // in groups of quant_math::int4GroupLength (the last group padded), two
    // nibbles per byte, one f16 scale per group.
    int64_t rows = std::max<int64_t>(s.outChannels, 1);
    int64_t k = w / rows;
    int64_t g = quant_math::int4GroupLength(k, std::max<int64_t>(int4Group, 2));
    int64_t groups = (k + g - 1) / g;
    return rows * groups * (g / 2) + 2 * rows * groups + 4 * b;
  }
  }
  return 4 * (w + b);
}

/// Same limit as qcc-quantize: the i32 accumulator of 8-bit products is
/// exact below this reduction depth.
constexpr int64_t kMaxExactDepth = (int64_t(1) << 31) / (255 * 255);

static bool isDataMovement(Operation *op) {
  if (auto pool = dyn_cast<Pool2DOp>(op))
    return pool.getKind() == PoolKind::max;
  return isa<ReshapeOp, TransposeOp, SliceOp>(op);
}

/// The ONNX node name a location carries (the first NameLoc), or "".
static std::string nodeName(Location loc) {
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location l : fused.getLocations()) {
      std::string n = nodeName(l);
      if (!n.empty())
        return n;
    }
    return "";
  }
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto callSite = dyn_cast<CallSiteLoc>(loc))
    return nodeName(callSite.getCallee());
  return "";
}

static bool hasCalibratedRange(Value v) {
  DenseF32ArrayAttr attr;
  unsigned index = 0;
  if (auto arg = dyn_cast<BlockArgument>(v)) {
    auto fn = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp());
    if (!fn)
      return false;
    attr = fn.getArgAttrOfType<DenseF32ArrayAttr>(arg.getArgNumber(),
                                                  "qcc.calib_range");
  } else {
    attr = v.getDefiningOp()->getAttrOfType<DenseF32ArrayAttr>(
        "qcc.calib_range");
    index = cast<OpResult>(v).getResultNumber();
  }
  if (!attr || (int64_t)attr.size() < 2 * (index + 1))
    return false;
  float lo = attr[2 * index], hi = attr[2 * index + 1];
  return std::isfinite(lo) && std::isfinite(hi) && lo <= hi;
}

static int64_t elems(Value v) {
  return cast<ShapedType>(v.getType()).getNumElements();
}

std::vector<Layer> collectLayers(ModuleOp module, const LayerOptions &options,
                                 std::vector<std::string> *unmatched) {
  std::vector<Layer> layers;
  auto fn = module.lookupSymbol<func::FuncOp>("main");
  if (!fn)
    return layers;
  llvm::DenseMap<Operation *, int64_t> idOf;
  std::vector<bool> keepUsed(options.keepFloat.size(), false);
  MLIRContext *ctx = module.getContext();

  fn.walk([&](Operation *op) {
    if (!isa<Conv2DOp, MatMulOp>(op))
      return;
    Value input = op->getOperand(0), weight = op->getOperand(1);
    Value bias = op->getNumOperands() > 2 ? op->getOperand(2) : Value();
    auto rt = cast<RankedTensorType>(op->getResult(0).getType());
    auto it = cast<RankedTensorType>(input.getType());
    auto wt = cast<RankedTensorType>(weight.getType());
    if (!rt.getElementType().isF32() || !it.getElementType().isF32() ||
        !wt.getElementType().isF32() || !rt.hasStaticShape() ||
        !it.hasStaticShape() || !wt.hasStaticShape())
      return;
    if (auto p = op->getAttrOfType<PrecisionAttr>("precision"))
      if (p.getValue() != Precision::f32)
        return;
    ElementsAttr wAttr;
    if (!matchPattern(weight, m_Constant(&wAttr)))
      return;
    bool isMatMul = isa<MatMulOp>(op);
    if (isMatMul && wt.getRank() != 2)
      return;

    Layer l;
    l.id = (int64_t)layers.size();
    l.tie = l.id;
    l.op = op;
    l.name = nodeName(op->getLoc());
    l.opType = isMatMul ? "MatMul" : "Conv";
    LayerShape &s = l.shape;
    s.isMatMul = isMatMul;
    s.weightElems = wt.getNumElements();
    s.biasElems = bias ? elems(bias) : 0;
    s.inputElems = it.getNumElements();
    s.outputElems = rt.getNumElements();
    if (isMatMul) {
      s.outChannels = wt.getDimSize(1);
      s.outWidth = s.outChannels;
      s.reduction = wt.getDimSize(0);
    } else {
      auto conv = cast<Conv2DOp>(op);
      s.outChannels = wt.getDimSize(0);
      s.outWidth = rt.getDimSize(rt.getRank() - 1);
      s.reduction = wt.getDimSize(1) * wt.getDimSize(2) * wt.getDimSize(3);
      s.groups = conv.getGroup();
    }
    s.macs = s.outputElems * s.reduction;

    // Candidates and the reasons some are ruled out.
    bool keep = false;
    for (size_t k = 0; k < options.keepFloat.size(); ++k) {
      const std::string &key = options.keepFloat[k];
      bool typeMatch = key == l.opType || (key == "Gemm" && isMatMul);
      if ((!l.name.empty() && key == l.name) || typeMatch) {
        keep = true;
        keepUsed[k] = true;
      }
    }
    // getElementsAsDouble reads dense_resource blobs too (ElementsAttr's
    // getValues<APFloat> does not iterate them).
    std::optional<std::vector<double>> values = getElementsAsDouble(wAttr);
    bool finite = values && llvm::all_of(*values, [](double v) {
                    return std::isfinite(v);
                  });
    l.allowed.push_back(Precision::f32);
    for (Precision p : allCandidates()) {
      if (p == Precision::f32)
        continue;
      bool requested = llvm::is_contained(options.candidates, p);
      if (!requested)
        continue;
      std::string why;
      if (keep)
        why = "-keep-float";
      else if (p == Precision::f16 && !options.hasF16)
        why = "the target has no f16 conversion";
      else if (p == Precision::bf16 && !options.hasBF16)
        why = "the target has no bf16 support";
      else if (p == Precision::w4f && !finite)
        why = "non-finite weights";
      else if (p == Precision::w8a8) {
        if (s.reduction >= kMaxExactDepth)
          why = "reduction too deep for an exact i32 accumulator";
        else if (!finite)
          why = "non-finite weights";
        else if (!hasCalibratedRange(input))
          why = "no calibration range for the input";
        else if (bias) {
          auto bt = cast<RankedTensorType>(bias.getType());
          if (!matchPattern(bias, m_Constant()) ||
              !bt.getElementType().isF32() || bt.getRank() != 1 ||
              bt.getDimSize(0) != s.outChannels)
            why = "bias is not a per-channel f32 constant";
        }
      }
      if (why.empty())
        l.allowed.push_back(p);
      else
        l.excluded[p] = why;
    }
    auto act = op->getAttrOfType<UnaryKindAttr>("activation");
    l.intEpilogue = !act || act.getValue() == UnaryKind::relu ||
                    act.getValue() == UnaryKind::clip;
    op->setAttr(kLayerIdAttr,
                IntegerAttr::get(IntegerType::get(ctx, 64), l.id));
    idOf[op] = l.id;
    layers.push_back(std::move(l));
  });

  // The layer whose result reaches `v` through data movement, or -1.
  auto producerOf = [&](Value v) -> int64_t {
    while (Operation *def = v.getDefiningOp()) {
      auto it = idOf.find(def);
      if (it != idOf.end())
        return it->second;
      if (!isDataMovement(def))
        return -1;
      v = def->getOperand(0);
    }
    return -1;
  };
  // Whether every reader of `v` (through data movement) is a layer's input.
  std::function<bool(Value)> onlyLayers = [&](Value v) {
    for (OpOperand &use : v.getUses()) {
      Operation *user = use.getOwner();
      if (idOf.count(user) && use.getOperandNumber() == 0)
        continue;
      if (isDataMovement(user) && use.getOperandNumber() == 0 &&
          onlyLayers(user->getResult(0)))
        continue;
      return false;
    }
    return !v.use_empty();
  };
  for (Layer &l : layers) {
    int64_t p = producerOf(l.op->getOperand(0));
    if (p >= 0)
      l.producers.push_back(p);
    l.onlyLayerConsumers = onlyLayers(l.op->getResult(0));
  }

  // Tie groups: the layers feeding one Add or one Concat.
  llvm::EquivalenceClasses<int64_t> ties;
  for (Layer &l : layers)
    ties.insert(l.id);
  fn.walk([&](Operation *op) {
    bool join = isa<ConcatOp>(op);
    if (auto bin = dyn_cast<BinaryOp>(op))
      join = bin.getKind() == BinaryKind::add;
    if (!join)
      return;
    int64_t first = -1;
    for (Value operand : op->getOperands()) {
      int64_t p = producerOf(operand);
      if (p < 0)
        continue;
      if (first < 0)
        first = p;
      else
        ties.unionSets(first, p);
    }
  });
  for (Layer &l : layers)
    l.tie = *ties.findLeader(l.id);
  // A tie group shares one candidate set: the intersection.
  std::map<int64_t, std::vector<Precision>> common;
  for (Layer &l : layers) {
    auto [it, inserted] = common.try_emplace(l.tie, l.allowed);
    if (!inserted) {
      std::vector<Precision> both;
      for (Precision p : it->second)
        if (llvm::is_contained(l.allowed, p))
          both.push_back(p);
      it->second = both;
    }
  }
  for (Layer &l : layers) {
    const std::vector<Precision> &shared = common[l.tie];
    for (Precision p : l.allowed)
      if (!llvm::is_contained(shared, p))
        l.excluded[p] = "tied to a layer that cannot take it";
    l.allowed = shared;
  }

  if (unmatched)
    for (size_t k = 0; k < options.keepFloat.size(); ++k)
      if (!keepUsed[k])
        unmatched->push_back(options.keepFloat[k]);
  return layers;
}

} // namespace qcc::mixed
