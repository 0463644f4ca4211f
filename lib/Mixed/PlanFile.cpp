//===- PlanFile.cpp - reading and applying mixed-precision plans ----------===//
//
// This file implements plan files (PlanFile.h): parsing a JSON plan against
// the model's layers with one clear error per mistake, writing one, and
// stamping a plan on the layer ops for the follow-plan quantization passes.
//
//===----------------------------------------------------------------------===//

#include "qcc/Mixed/PlanFile.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace mlir;
namespace json = llvm::json;

namespace qcc::mixed {

/// How errors name a layer: its ONNX name, or its id when it has none.
static std::string describe(const Layer &l) {
  std::string s = l.name.empty() ? "#" + std::to_string(l.id)
                                 : "'" + l.name + "'";
  return s + " (" + l.opType + ")";
}

/// The list of accepted precision spellings, for error messages.
static std::string candidateList() {
  std::string s;
  for (Precision p : allCandidates())
    s += (s.empty() ? "" : ", ") + candidateName(p).str();
  return s;
}

/// Parses a precision name, or says why it is not one.
static std::optional<Precision>
parsePrecision(const json::Value *v, StringRef what, std::string &error) {
  std::optional<StringRef> s = v ? v->getAsString() : std::nullopt;
  if (!s) {
    error = what.str() + ": the precision must be a string (one of " +
            candidateList() + ")";
    return std::nullopt;
  }
  std::optional<Precision> p = parseCandidate(*s);
  if (!p || !llvm::is_contained(allCandidates(), *p)) {
    error = what.str() + ": unknown precision '" + s->str() +
            "' (expected one of " + candidateList() + ")";
    return std::nullopt;
  }
  return p;
}

/// Checks that `layer` may take `p`; otherwise says why not.
static bool allowed(const Layer &layer, Precision p, StringRef where,
                    std::string &error) {
  if (llvm::is_contained(layer.allowed, p))
    return true;
  auto why = layer.excluded.find(p);
  error = where.str() + ": layer " + describe(layer) + " cannot be " +
          candidateName(p).str() + ": " +
          (why != layer.excluded.end() ? why->second
                                       : std::string("not a candidate"));
  return false;
}

LogicalResult parsePlan(StringRef text, StringRef fileName,
                        ArrayRef<Layer> layers, std::vector<Precision> &plan,
                        std::string &error) {
  llvm::Expected<json::Value> root = json::parse(text);
  if (!root) {
    error = fileName.str() + ": not valid JSON: " +
            llvm::toString(root.takeError());
    return failure();
  }
  const json::Object *obj = root->getAsObject();
  if (!obj) {
    error = fileName.str() + ": expected a JSON object with a \"layers\" list";
    return failure();
  }
  // A report's plan object, or a plain plan.
  const json::Object *planObj = obj;
  if (const json::Object *nested = obj->getObject("plan"))
    if (nested->getArray("layers"))
      planObj = nested;
  const json::Array *entries = planObj->getArray("layers");
  if (!entries) {
    error = fileName.str() + ": expected a \"layers\" list (of {\"name\", "
                             "\"precision\"} objects)";
    return failure();
  }

  Precision fallback = Precision::f32;
  if (const json::Value *d = planObj->get("default")) {
    auto p = parsePrecision(d, fileName.str() + ": \"default\"", error);
    if (!p)
      return failure();
    fallback = *p;
  }

  llvm::StringMap<SmallVector<int64_t, 1>> byName;
  for (const Layer &l : layers)
    if (!l.name.empty())
      byName[l.name].push_back(l.id);

  std::vector<std::optional<Precision>> given(layers.size());
  for (auto [index, entryValue] : llvm::enumerate(*entries)) {
    std::string where =
        fileName.str() + ": layers[" + std::to_string(index) + "]";
    const json::Object *entry = entryValue.getAsObject();
    if (!entry) {
      error = where + ": expected an object with \"name\" (or \"id\") and "
                      "\"precision\"";
      return failure();
    }
    std::optional<StringRef> name = entry->getString("name");
    std::optional<int64_t> id = entry->getInteger("id");
    if (entry->get("name") && !name) {
      error = where + ": \"name\" must be a string";
      return failure();
    }
    if (entry->get("id") && !id) {
      error = where + ": \"id\" must be an integer";
      return failure();
    }
    int64_t layerId = -1;
    if (name && !name->empty()) {
      auto it = byName.find(*name);
      if (it == byName.end()) {
        error = where + ": the model has no layer named '" + name->str() +
                "' (layers are the Conv, MatMul and Gemm nodes with constant "
                "weights)";
        return failure();
      }
      const SmallVector<int64_t, 1> &ids = it->second;
      if (ids.size() == 1)
        layerId = ids.front();
      else if (id && llvm::is_contained(ids, *id))
        layerId = *id;
      else {
        error = where + ": " + std::to_string(ids.size()) +
                " layers are named '" + name->str() +
                "': give the \"id\" of the one meant";
        return failure();
      }
    } else if (id) {
      if (*id < 0 || *id >= (int64_t)layers.size()) {
        error = where + ": no layer has id " + std::to_string(*id) +
                " (the model has " + std::to_string(layers.size()) +
                " layers, ids 0 to " +
                std::to_string((int64_t)layers.size() - 1) + ")";
        return failure();
      }
      layerId = *id;
    } else {
      error = where + ": the entry has neither a \"name\" nor an \"id\"";
      return failure();
    }
    const Layer &layer = layers[layerId];
    const json::Value *p = entry->get("precision");
    if (!p)
      p = entry->get("chosen");
    if (!p) {
      error = where + ": layer " + describe(layer) +
              " has no \"precision\" (or \"chosen\")";
      return failure();
    }
    auto precision =
        parsePrecision(p, where + ": layer " + describe(layer), error);
    if (!precision)
      return failure();
    if (given[layerId]) {
      error = where + ": layer " + describe(layer) + " is listed twice";
      return failure();
    }
    if (!allowed(layer, *precision, where, error))
      return failure();
    given[layerId] = *precision;
  }

  plan.assign(layers.size(), Precision::f32);
  for (const Layer &l : layers) {
    if (given[l.id]) {
      plan[l.id] = *given[l.id];
      continue;
    }
    // An unlisted layer that cannot take the default stays fp32: the
    // default is a convenience, not a promise for every layer.
    plan[l.id] = llvm::is_contained(l.allowed, fallback) ? fallback
                                                         : Precision::f32;
  }
  return success();
}

LogicalResult readPlanFile(StringRef path, ArrayRef<Layer> layers,
                           std::vector<Precision> &plan, std::string &error) {
  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/true);
  if (!buffer) {
    error = "cannot read plan file '" + path.str() +
            "': " + buffer.getError().message();
    return failure();
  }
  return parsePlan((*buffer)->getBuffer(), path, layers, plan, error);
}

json::Object planToJson(ArrayRef<Layer> layers, ArrayRef<Precision> plan) {
  json::Array entries;
  for (const Layer &l : layers) {
    json::Object e;
    e["id"] = l.id;
    e["name"] = l.name;
    e["op"] = l.opType;
    e["precision"] = candidateName(plan[l.id]);
    entries.push_back(std::move(e));
  }
  return json::Object{{"layers", std::move(entries)}};
}

void stampPlan(ArrayRef<Layer> layers, ArrayRef<Precision> plan) {
  for (const Layer &l : layers)
    if (l.op)
      l.op->setAttr(kPlanAttr,
                    PrecisionAttr::get(l.op->getContext(), plan[l.id]));
}

} // namespace qcc::mixed
