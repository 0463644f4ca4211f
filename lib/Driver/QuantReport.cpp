//===- QuantReport.cpp - the quantization report --------------------------===//
//
// Builds `-report=FILE.json` and the terminal summary from the IR after the
// quantization passes. Layers are the qcc.conv2d / qcc.matmul ops; their
// quantization parameters are read from the `!quant.uniform` types of their
// operands and results, looking through qcc.dequantize / qcc.quantize (the
// QDQ form) so that the report reads the same before and after
// qcc-fuse-qdq.
//
//===----------------------------------------------------------------------===//

#include "qcc/Driver/QuantReport.h"

#include "Qcc/QccOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"

#include <algorithm>

using namespace mlir;
namespace json = llvm::json;

namespace qcc {

static int64_t typeBytes(ShapedType type) {
  Type e = type.getElementType();
  if (auto q = llvm::dyn_cast<quant::QuantizedType>(e))
    e = q.getStorageType();
  int64_t bits = e.isIntOrFloat() ? e.getIntOrFloatBitWidth() : 8;
  if (bits == 1)
    bits = 8; // bools are stored one per byte
  return (type.getNumElements() * bits + 7) / 8;
}

int64_t constantBytes(ModuleOp module) {
  int64_t total = 0;
  module.walk([&](ConstantOp c) {
    total += typeBytes(llvm::cast<ShapedType>(c.getType()));
  });
  return total;
}

/// The ONNX node name a location carries (the first NameLoc), or "".
static std::string nodeName(Location loc) {
  if (auto fused = llvm::dyn_cast<FusedLoc>(loc)) {
    for (Location l : fused.getLocations()) {
      std::string n = nodeName(l);
      if (!n.empty())
        return n;
    }
    return "";
  }
  if (auto name = llvm::dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto callSite = llvm::dyn_cast<CallSiteLoc>(loc))
    return nodeName(callSite.getCallee());
  return "";
}

/// Bytes of the constants `v` is computed from (through any ops), each
/// counted once: what the layer's operand costs in .rodata.
static int64_t sourceConstantBytes(Value v,
                                   llvm::SmallPtrSetImpl<Operation *> &seen) {
  Operation *def = v.getDefiningOp();
  if (!def || !seen.insert(def).second)
    return 0;
  if (auto c = llvm::dyn_cast<ConstantOp>(def))
    return typeBytes(llvm::cast<ShapedType>(c.getType()));
  int64_t total = 0;
  for (Value operand : def->getOperands())
    total += sourceConstantBytes(operand, seen);
  return total;
}

/// Whether `v` is computed from constants alone.
static bool isConstantDerived(Value v) {
  Operation *def = v.getDefiningOp();
  if (!def)
    return false;
  if (llvm::isa<ConstantOp>(def))
    return true;
  return def->getNumOperands() > 0 &&
         llvm::all_of(def->getOperands(), isConstantDerived);
}

/// The quantized element type of `v`, looking through a dequantize.
static quant::QuantizedType quantTypeOf(Value v) {
  if (!v)
    return {};
  auto t = llvm::cast<ShapedType>(v.getType()).getElementType();
  if (auto q = llvm::dyn_cast<quant::QuantizedType>(t))
    return q;
  if (auto dq = v.getDefiningOp<DequantizeOp>())
    return quantTypeOf(dq.getInput());
  // A weight stored as integers and retyped.
  if (auto r = v.getDefiningOp<ReshapeOp>())
    return quantTypeOf(r.getInput());
  return {};
}

static std::string dtypeName(Type t) {
  if (auto q = llvm::dyn_cast<quant::QuantizedType>(t))
    return (q.isSigned() ? "i" : "u") +
           std::to_string(q.getStorageTypeIntegralWidth());
  std::string s;
  llvm::raw_string_ostream os(s);
  t.print(os);
  return s;
}

static json::Array rangeOf(Operation *op, StringRef attr, unsigned index = 0) {
  auto a = op->getAttrOfType<DenseF32ArrayAttr>(attr);
  if (!a || (int64_t)a.size() < 2 * (index + 1))
    return {};
  return json::Array{a[2 * index], a[2 * index + 1]};
}

/// Describes an activation (input or output) tensor.
static json::Object describeActivation(Value v, Type fallback) {
  json::Object o;
  quant::QuantizedType q = quantTypeOf(v);
  if (auto u = llvm::dyn_cast_if_present<quant::UniformQuantizedType>(q)) {
    o["dtype"] = dtypeName(u);
    o["scale"] = u.getScale();
    o["zero_point"] = u.getZeroPoint();
  } else if (q) {
    o["dtype"] = dtypeName(q);
    o["per_axis"] = true;
  } else {
    o["dtype"] = dtypeName(fallback);
  }
  return o;
}

static json::Object describeWeight(Value w) {
  json::Object o;
  quant::QuantizedType q = quantTypeOf(w);
  auto type = llvm::cast<ShapedType>(w.getType());
  if (auto pa = llvm::dyn_cast_if_present<quant::UniformQuantizedPerAxisType>(q)) {
    ArrayRef<double> scales = pa.getScales();
    o["dtype"] = dtypeName(pa);
    o["granularity"] = "per_channel";
    o["axis"] = pa.getQuantizedDimension();
    o["channels"] = (int64_t)scales.size();
    o["scale_min"] = *std::min_element(scales.begin(), scales.end());
    o["scale_max"] = *std::max_element(scales.begin(), scales.end());
    json::Array all;
    for (double s : scales)
      all.push_back(s);
    o["scales"] = std::move(all);
  } else if (auto u =
                 llvm::dyn_cast_if_present<quant::UniformQuantizedType>(q)) {
    o["dtype"] = dtypeName(u);
    o["granularity"] = "per_tensor";
    o["scale"] = u.getScale();
    o["zero_point"] = u.getZeroPoint();
  } else {
    // Float storage (f32, or f16/bf16 converted in the kernel) or a packed
    // format: report the stored element type of the source constants.
    Type stored = type.getElementType();
    if (Operation *def = w.getDefiningOp())
      for (Value operand : def->getOperands())
        if (auto c = operand.getDefiningOp<ConstantOp>()) {
          stored = llvm::cast<ShapedType>(c.getType()).getElementType();
          break;
        }
    o["dtype"] = dtypeName(stored);
  }
  return o;
}

static int64_t layerMacs(Operation *op) {
  auto result = llvm::cast<ShapedType>(op->getResult(0).getType());
  if (auto conv = llvm::dyn_cast<Conv2DOp>(op)) {
    auto w = llvm::cast<ShapedType>(conv.getWeight().getType());
    return result.getNumElements() * w.getDimSize(1) * w.getDimSize(2) *
           w.getDimSize(3);
  }
  auto lhs = llvm::cast<ShapedType>(op->getOperand(0).getType());
  return result.getNumElements() * lhs.getShape().back();
}

std::string buildQuantReport(ModuleOp module, StringRef modelPath,
                             StringRef target, StringRef mode,
                             QuantTotals &totals) {
  json::Array layers;
  module.walk([&](Operation *op) {
    if (!llvm::isa<Conv2DOp, MatMulOp>(op))
      return;
    Value input = op->getOperand(0), weight = op->getOperand(1);
    Value bias = op->getNumOperands() > 2 ? op->getOperand(2) : Value();
    Value result = op->getResult(0);
    json::Object l;
    std::string name = nodeName(op->getLoc());
    l["name"] = name;
    l["op"] = op->getName().stripDialect().str();
    std::string precision = "f32";
    if (auto p = op->getAttrOfType<PrecisionAttr>("precision"))
      precision = stringifyPrecision(p.getValue()).str();
    else if (quantTypeOf(input) && quantTypeOf(weight))
      precision = "w8a8"; // a pre-quantized (QDQ / QLinear) layer
    l["precision"] = precision;
    if (auto why = op->getAttrOfType<StringAttr>("qcc.quant_skipped")) {
      l["kept_float_because"] = why.getValue();
      ++totals.skipped[why.getValue().str()];
    }
    l["macs"] = layerMacs(op);

    json::Object in = describeActivation(
        input, llvm::cast<ShapedType>(input.getType()).getElementType());
    json::Array inRange = rangeOf(op, "qcc.input_range");
    if (!inRange.empty())
      in["calib_range"] = std::move(inRange);
    l["input"] = std::move(in);

    // The result, or the quantize that reads it.
    Value out = result;
    if (result.hasOneUse())
      if (auto q = llvm::dyn_cast<QuantizeOp>(*result.getUsers().begin()))
        out = q.getResult();
    json::Object o = describeActivation(
        out, llvm::cast<ShapedType>(result.getType()).getElementType());
    json::Array outRange = rangeOf(op, "qcc.calib_range");
    if (!outRange.empty())
      o["calib_range"] = std::move(outRange);
    l["output"] = std::move(o);

    bool constWeights = isConstantDerived(weight);
    if (constWeights) {
      l["weight"] = describeWeight(weight);
      auto wt = llvm::cast<ShapedType>(weight.getType());
      int64_t fp32 = wt.getNumElements() * 4;
      llvm::SmallPtrSet<Operation *, 8> seen;
      int64_t bytes = sourceConstantBytes(weight, seen);
      if (bias && isConstantDerived(bias)) {
        fp32 += llvm::cast<ShapedType>(bias.getType()).getNumElements() * 4;
        bytes += sourceConstantBytes(bias, seen);
        l["bias_dtype"] = dtypeName(quantTypeOf(bias)
                                        ? Type(quantTypeOf(bias))
                                        : llvm::cast<ShapedType>(bias.getType())
                                              .getElementType());
      }
      l["weight_bytes"] = bytes;
      l["fp32_weight_bytes"] = fp32;
      totals.weightBytes += bytes;
      totals.weightBytesFp32 += fp32;
    } else {
      l["weight"] = json::Object{{"dtype", "run-time tensor"}};
    }
    ++totals.layers;
    ++totals.byPrecision[precision];
    layers.push_back(std::move(l));
  });

  json::Object root;
  root["model"] = modelPath;
  root["target"] = target;
  root["quant"] = mode;
  if (auto calib = module->getAttrOfType<DictionaryAttr>("qcc.calibration")) {
    json::Object c;
    for (NamedAttribute a : calib) {
      if (auto s = llvm::dyn_cast<StringAttr>(a.getValue()))
        c[a.getName().getValue()] = s.getValue();
      else if (auto i = llvm::dyn_cast<IntegerAttr>(a.getValue()))
        c[a.getName().getValue()] = i.getInt();
      else if (auto f = llvm::dyn_cast<FloatAttr>(a.getValue()))
        c[a.getName().getValue()] = f.getValueAsDouble();
    }
    root["calibration"] = std::move(c);
  }
  json::Object t;
  t["layers"] = totals.layers;
  json::Object byP;
  for (auto &[p, n] : totals.byPrecision)
    byP[p] = n;
  t["layers_by_precision"] = std::move(byP);
  t["layer_weight_bytes_fp32"] = totals.weightBytesFp32;
  t["layer_weight_bytes"] = totals.weightBytes;
  t["constant_bytes_before"] = totals.constantBytesBefore;
  t["constant_bytes_after"] = totals.constantBytesAfter;
  root["totals"] = std::move(t);
  root["layers"] = std::move(layers);

  std::string s;
  llvm::raw_string_ostream os(s);
  os << llvm::formatv("{0:2}", json::Value(std::move(root))) << "\n";
  return s;
}

static std::string humanBytes(int64_t bytes) {
  std::string s;
  llvm::raw_string_ostream os(s);
  if (bytes >= (int64_t(1) << 20))
    os << llvm::format("%.2f MiB", bytes / 1048576.0);
  else if (bytes >= 1024)
    os << llvm::format("%.1f KiB", bytes / 1024.0);
  else
    os << bytes << " B";
  return s;
}

void printQuantSummary(raw_ostream &os, StringRef mode,
                       const QuantTotals &totals, int64_t objectBytes) {
  os << "qcc: -quant=" << mode << ": " << totals.layers << " layers:";
  for (auto &[p, n] : totals.byPrecision)
    os << " " << n << " " << p;
  os << "\n";
  for (auto &[why, n] : totals.skipped)
    os << "  " << n << " kept in float: " << why << "\n";
  auto ratio = [](int64_t a, int64_t b) {
    return b > 0 ? llvm::formatv("{0:F2}x", double(a) / double(b)).str()
                 : std::string("-");
  };
  os << "  layer weights: " << humanBytes(totals.weightBytesFp32) << " -> "
     << humanBytes(totals.weightBytes) << " ("
     << ratio(totals.weightBytes, totals.weightBytesFp32) << ")\n";
  os << "  all constants: " << humanBytes(totals.constantBytesBefore) << " -> "
     << humanBytes(totals.constantBytesAfter) << " ("
     << ratio(totals.constantBytesAfter, totals.constantBytesBefore) << ")";
  if (objectBytes >= 0)
    os << "; object " << humanBytes(objectBytes);
  os << "\n";
}

} // namespace qcc
