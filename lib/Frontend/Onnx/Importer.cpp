//===- Importer.cpp - ONNX to qcc dialect importer ------------------------===//
//
// This file implements the ONNX frontend's driver: it parses a binary or
// textual model, resolves the graph inputs' shapes (with `-input-shape`
// pins), orders the nodes topologically, and imports each node through the
// op handler table (ImportNN.cpp, ImportMath.cpp, ImportTensor.cpp) into one
// `func.func @main` of qcc ops with static shapes.
//
// Unsigned ONNX element types map to signless MLIR integers. The sign is
// recorded where it matters: `qcc.unsigned` unit attributes on `@main`'s
// arguments and results, and `unsigned_input` / `unsigned_result` unit
// attributes on `qcc.cast` ops whose source or destination ONNX type is
// unsigned (so a lowering picks extui/uitofp/fptoui over the signed forms),
// and `ui<N>` views (same-bits casts) around the ops whose result depends on
// the sign - orderings, division, max/min pooling and reductions - so that
// their folders and lowerings pick the unsigned arithmetic.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "Qcc/QccDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <queue>
#include <set>

using namespace mlir;
using namespace qcc;
using namespace qcc::onnx_import;

namespace {

/// Imports one parsed model.
class GraphImporter {
public:
  GraphImporter(MLIRContext *ctx, StringRef path,
                const OnnxImportOptions &options)
      : ctx(ctx), em(ctx), options(options) {
    fileName = llvm::sys::path::filename(path).str();
    em.modelDir = llvm::sys::path::parent_path(path).str();
    if (em.modelDir.empty())
      em.modelDir = ".";
    fileLoc = FileLineColLoc::get(ctx, fileName, 0, 0);
    registerNNOps(table);
    registerMathOps(table);
    registerTensorOps(table);
    registerQuantOps(table);
    registerQLinearOps(table);
    registerIndexingOps(table);
    registerSamplingOps(table);
    registerRNNOps(table);
  }

  OwningOpRef<ModuleOp> run(const onnx::ModelProto &model);

private:
  Location nameLoc(StringRef name) {
    return NameLoc::get(StringAttr::get(ctx, name), fileLoc);
  }
  /// Resolves the type of a graph input, applying `-input-shape` pins.
  FailureOr<RankedTensorType> inputType(const onnx::ValueInfoProto &info,
                                        bool &isUnsigned);
  /// Orders the nodes so that every value is defined before its uses.
  LogicalResult sortNodes(const onnx::GraphProto &graph,
                          SmallVectorImpl<int> &order);
  /// The value named `name`, creating an initializer's constant on first use.
  Value lookup(const std::string &name, Location useLoc, bool &failedLookup);
  /// Opset versions in effect by domain (the model's, or a function's).
  using OpsetMap = std::map<std::string, int64_t>;
  static std::string nodeName(const onnx::NodeProto &node, int index);
  /// Imports one node through its handler, or by expanding a model-local
  /// function, ONNX's function body for the op, or a constant If branch.
  LogicalResult importNode(const onnx::NodeProto &node, Location loc,
                           const OpsetMap &opsets, int depth);
  /// Imports `body` in place of `caller`, binding the formal inputs and
  /// outputs to the caller's and renaming the body's own values.
  LogicalResult
  inlineNodes(const onnx::NodeProto &caller,
              const google::protobuf::RepeatedPtrField<std::string> &formalIn,
              const google::protobuf::RepeatedPtrField<std::string> &formalOut,
              const google::protobuf::RepeatedPtrField<onnx::NodeProto> &body,
              const onnx::GraphProto *subgraph, Location loc,
              const OpsetMap &opsets, int depth);
  /// If with a condition known at import: imports the taken branch.
  LogicalResult importIf(const onnx::NodeProto &node, Location loc,
                         const OpsetMap &opsets, int depth);

  MLIRContext *ctx;
  Emitter em;
  std::string fileName;
  const OnnxImportOptions &options;
  Location fileLoc = UnknownLoc::get(ctx);
  OpTable table;
  OpsetMap domainVersions;
  std::map<std::pair<std::string, std::string>, const onnx::FunctionProto *>
      functions;
  int inlineCounter = 0;
  llvm::StringMap<Value> values;
  llvm::StringMap<const onnx::TensorProto *> initializers;
  llvm::StringSet<> usedNames;
  Operation *lastInitializer = nullptr;
};

} // namespace

FailureOr<RankedTensorType>
GraphImporter::inputType(const onnx::ValueInfoProto &info, bool &isUnsigned) {
  const std::string &name = info.name();
  Location loc = nameLoc(name);
  if (!info.type().has_tensor_type())
    return emitError(loc) << "unsupported: graph input '" << name
                          << "' is not a tensor";
  const auto &tt = info.type().tensor_type();
  Type elem = convertElementType(ctx, tt.elem_type(), isUnsigned);
  if (!elem)
    return emitError(loc) << "unsupported: graph input '" << name
                          << "' has element type "
                          << dataTypeName(tt.elem_type());
  auto pin = options.inputShapes.find(name);
  bool hasShape = tt.has_shape();
  if (pin != options.inputShapes.end()) {
    const std::vector<int64_t> &dims = pin->second;
    if (hasShape && tt.shape().dim_size() != (int)dims.size())
      return emitError(loc) << "-input-shape for '" << name << "' has rank "
                            << dims.size() << ", but the input has rank "
                            << tt.shape().dim_size();
    for (int64_t d : dims)
      if (d < 0)
        return emitError(loc) << "-input-shape for '" << name
                              << "' has a negative dimension";
    return RankedTensorType::get(dims, elem);
  }
  // Suggest a pin with every unknown dimension set to 1.
  auto suggestion = [&]() {
    std::string s = name + "=";
    if (!hasShape || tt.shape().dim_size() == 0)
      return s + "1x3x224x224";
    for (int i = 0; i < tt.shape().dim_size(); ++i) {
      const auto &d = tt.shape().dim(i);
      if (i)
        s += "x";
      s += std::to_string(d.has_dim_value() && d.dim_value() >= 0
                              ? d.dim_value()
                              : 1);
    }
    return s;
  };
  if (!hasShape)
    return emitError(loc) << "input '" << name
                          << "' has no declared shape; pin it with "
                             "-input-shape "
                          << suggestion();
  SmallVector<int64_t> dims;
  for (int i = 0; i < tt.shape().dim_size(); ++i) {
    const auto &d = tt.shape().dim(i);
    // dim_value 0 is a real, static 0 (an empty tensor); only dim_param
    // and missing dims are unknown.
    if (d.has_dim_value() && d.dim_value() >= 0) {
      dims.push_back(d.dim_value());
      continue;
    }
    std::string what = d.has_dim_param() && !d.dim_param().empty()
                           ? d.dim_param()
                           : (d.has_dim_value()
                                  ? std::to_string(d.dim_value())
                                  : std::string("?"));
    return emitError(loc) << "input '" << name
                          << "' has unresolved dimension '" << what
                          << "' (dim " << i << "); pin it with -input-shape "
                          << suggestion();
  }
  return RankedTensorType::get(dims, elem);
}

/// Names a subgraph reads from enclosing scopes: used by its nodes (or
/// nested subgraphs) but defined by none of its nodes, inputs or
/// initializers.
static void collectOuterNames(const onnx::GraphProto &graph,
                              std::set<std::string> &out) {
  std::set<std::string> defined;
  for (const auto &in : graph.input())
    defined.insert(in.name());
  for (const auto &init : graph.initializer())
    defined.insert(init.name());
  for (const auto &node : graph.node())
    for (const std::string &o : node.output())
      defined.insert(o);
  std::set<std::string> used;
  for (const auto &node : graph.node()) {
    for (const std::string &in : node.input())
      if (!in.empty())
        used.insert(in);
    for (const auto &attr : node.attribute()) {
      if (attr.has_g())
        collectOuterNames(attr.g(), used);
      for (const auto &g : attr.graphs())
        collectOuterNames(g, used);
    }
  }
  for (const auto &out : graph.output())
    used.insert(out.name());
  for (const std::string &name : used)
    if (!defined.count(name))
      out.insert(name);
}

LogicalResult GraphImporter::sortNodes(const onnx::GraphProto &graph,
                                       SmallVectorImpl<int> &order) {
  int n = graph.node_size();
  llvm::StringMap<int> producer;
  for (int i = 0; i < n; ++i) {
    for (const std::string &out : graph.node(i).output()) {
      if (out.empty())
        continue;
      if (values.count(out) || initializers.count(out) ||
          !producer.try_emplace(out, i).second)
        return emitError(nameLoc(out))
               << "value '" << out << "' is defined more than once";
    }
  }
  std::vector<std::vector<int>> users(n);
  std::vector<int> pending(n, 0);
  for (int i = 0; i < n; ++i) {
    const auto &node = graph.node(i);
    llvm::SmallDenseSet<int> deps;
    // Subgraphs (If branches) read values of this scope implicitly.
    std::set<std::string> implicit;
    for (const auto &attr : node.attribute()) {
      if (attr.has_g())
        collectOuterNames(attr.g(), implicit);
      for (const auto &g : attr.graphs())
        collectOuterNames(g, implicit);
    }
    SmallVector<std::string> ins(node.input().begin(), node.input().end());
    ins.append(implicit.begin(), implicit.end());
    for (const std::string &in : ins) {
      if (in.empty())
        continue;
      usedNames.insert(in);
      auto it = producer.find(in);
      if (it != producer.end()) {
        if (deps.insert(it->second).second) {
          users[it->second].push_back(i);
          ++pending[i];
        }
        continue;
      }
      if (!values.count(in) && !initializers.count(in) &&
          !implicit.count(in)) {
        std::string name = nodeName(node, i);
        return emitError(nameLoc(name))
               << "node '" << name << "' (" << node.op_type()
               << ") uses undefined value '" << in << "'";
      }
    }
  }
  // Kahn's algorithm, preferring the file's order among ready nodes.
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (int i = 0; i < n; ++i)
    if (pending[i] == 0)
      ready.push(i);
  while (!ready.empty()) {
    int i = ready.top();
    ready.pop();
    order.push_back(i);
    for (int u : users[i])
      if (--pending[u] == 0)
        ready.push(u);
  }
  if ((int)order.size() != n) {
    for (int i = 0; i < n; ++i) {
      if (pending[i] == 0)
        continue;
      const auto &node = graph.node(i);
      std::string name = nodeName(node, i);
      return emitError(nameLoc(name))
             << "the graph has a cycle through node '" << name << "' ("
             << node.op_type() << ")";
    }
  }
  return success();
}

Value GraphImporter::lookup(const std::string &name, Location useLoc,
                            bool &failedLookup) {
  auto it = values.find(name);
  if (it != values.end())
    return it->second;
  auto init = initializers.find(name);
  if (init == initializers.end()) {
    emitError(useLoc) << "use of undefined value '" << name << "'";
    failedLookup = true;
    return {};
  }
  std::string error;
  bool isUnsigned = false;
  ElementsAttr attr = convertTensor(ctx, *init->second, em.modelDir,
                                    sanitizeBlobName(name), isUnsigned, error);
  if (!attr) {
    emitError(nameLoc(name)) << error;
    failedLookup = true;
    return {};
  }
  // Initializers live at the top of the body in order of first use, so any
  // node can use them.
  OpBuilder::InsertionGuard guard(em.builder);
  if (lastInitializer)
    em.builder.setInsertionPointAfter(lastInitializer);
  else
    em.builder.setInsertionPointToStart(em.builder.getInsertionBlock());
  Value v = em.createConstant(nameLoc(name), attr);
  lastInitializer = v.getDefiningOp();
  if (isUnsigned)
    em.unsignedValues.insert(v);
  values[name] = v;
  return v;
}

std::string GraphImporter::nodeName(const onnx::NodeProto &node, int index) {
  return node.name().empty() ? node.op_type() + "_" + std::to_string(index)
                             : node.name();
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node,
                                        Location loc, const OpsetMap &opsets,
                                        int depth) {
  std::string domain = node.domain() == "ai.onnx" ? "" : node.domain();
  auto dv = opsets.find(domain);
  int64_t version = dv == opsets.end() ? 0 : dv->second;
  auto unsupportedOp = [&]() {
    return emitError(loc) << "unsupported ONNX op '" << node.op_type()
                          << "' (domain '" << node.domain() << "', opset "
                          << version << ")";
  };
  if (depth > 32)
    return emitError(loc) << "functions nest more than 32 levels deep";

  OpHandler handler = nullptr;
  if (domain.empty()) {
    auto it = table.find(node.op_type());
    if (it != table.end())
      handler = it->second;
  }
  if (!handler) {
    // A function of the model, then a function body ONNX defines for the op.
    auto fn = functions.find({node.domain(), node.op_type()});
    if (fn != functions.end()) {
      OpsetMap fnOpsets = opsets;
      for (const auto &op : fn->second->opset_import())
        fnOpsets[op.domain() == "ai.onnx" ? "" : op.domain()] = op.version();
      return inlineNodes(node, fn->second->input(), fn->second->output(),
                         fn->second->node(), nullptr, loc, fnOpsets,
                         depth + 1);
    }
    if (node.op_type() == "If" && domain.empty())
      return importIf(node, loc, opsets, depth);
    onnx::FunctionProto body;
    if (domain.empty() && version > 0) {
      std::vector<onnx::TypeProto> types;
      bool allKnown = true;
      for (const std::string &in : node.input()) {
        onnx::TypeProto t;
        auto it = values.find(in);
        if (!in.empty() && it == values.end() && !initializers.count(in))
          allKnown = false;
        if (!in.empty() && it != values.end()) {
          auto type = Emitter::typeOf(it->second);
          auto *tt = t.mutable_tensor_type();
          tt->set_elem_type(onnxDataType(type.getElementType(),
                                         em.isUnsigned(it->second)));
          for (int64_t d : type.getShape())
            tt->mutable_shape()->add_dim()->set_dim_value(d);
        } else if (!in.empty()) {
          const onnx::TensorProto *init = initializers.lookup(in);
          auto *tt = t.mutable_tensor_type();
          tt->set_elem_type(init ? init->data_type() : 0);
          for (int64_t d : init ? init->dims()
                                : google::protobuf::RepeatedField<int64_t>())
            tt->mutable_shape()->add_dim()->set_dim_value(d);
        }
        types.push_back(t);
      }
      onnx::NodeProto caller;
      if (allKnown && getSchemaFunction(node, version, types, body, caller)) {
        OpsetMap fnOpsets = opsets;
        for (const auto &op : body.opset_import())
          fnOpsets[op.domain() == "ai.onnx" ? "" : op.domain()] =
              op.version();
        if (failed(inlineNodes(caller, body.input(), body.output(),
                               body.node(), nullptr, loc, fnOpsets,
                               depth + 1))) {
          emitRemark(loc) << "while expanding ONNX op '" << node.op_type()
                          << "' into its function body";
          return failure();
        }
        return success();
      }
    }
    return unsupportedOp();
  }

  SmallVector<Value> inputs;
  bool failedLookup = false;
  for (const std::string &in : node.input())
    inputs.push_back(in.empty() ? Value() : lookup(in, loc, failedLookup));
  if (failedLookup)
    return failure();
  SmallVector<bool> used;
  for (const std::string &out : node.output())
    used.push_back(!out.empty() && usedNames.contains(out));
  NodeImport ni(em, node, loc, version, std::move(inputs), std::move(used));
  if (failed(handler(ni)))
    return failure();
  for (int i = 0; i < node.output_size(); ++i) {
    const std::string &out = node.output(i);
    if (out.empty())
      continue;
    if (!ni.results[i]) {
      if (!ni.used[i])
        continue;
      return emitError(loc) << "unsupported: output " << i << " ('" << out
                            << "') of " << node.op_type();
    }
    values[out] = ni.results[i];
  }
  return success();
}

LogicalResult GraphImporter::inlineNodes(
    const onnx::NodeProto &caller,
    const google::protobuf::RepeatedPtrField<std::string> &formalInputs,
    const google::protobuf::RepeatedPtrField<std::string> &formalOutputs,
    const google::protobuf::RepeatedPtrField<onnx::NodeProto> &body,
    const onnx::GraphProto *subgraph, Location loc, const OpsetMap &opsets,
    int depth) {
  // Names defined inside the body get a unique prefix; formal parameters map
  // to the caller's values; anything else refers to the enclosing scope.
  std::string prefix = caller.name().empty() ? caller.op_type() : caller.name();
  prefix += "/" + std::to_string(inlineCounter++) + "/";
  std::map<std::string, std::string> rename;
  for (int i = 0; i < formalInputs.size(); ++i)
    rename[formalInputs[i]] = i < caller.input_size() ? caller.input(i) : "";
  for (int i = 0; i < formalOutputs.size(); ++i) {
    bool bound = i < caller.output_size() && !caller.output(i).empty();
    rename[formalOutputs[i]] =
        bound ? caller.output(i) : prefix + formalOutputs[i];
  }
  if (subgraph) {
    for (const auto &init : subgraph->initializer()) {
      std::string name = prefix + init.name();
      rename[init.name()] = name;
      initializers[name] = &init;
    }
  }
  auto mapName = [&](const std::string &name) -> std::string {
    if (name.empty())
      return name;
    auto it = rename.find(name);
    return it == rename.end() ? name : it->second;
  };
  std::vector<onnx::NodeProto> nodes;
  for (const auto &bodyNode : body) {
    onnx::NodeProto node = bodyNode;
    for (int i = 0; i < node.input_size(); ++i) {
      node.set_input(i, mapName(node.input(i)));
      if (!node.input(i).empty())
        usedNames.insert(node.input(i));
    }
    for (int i = 0; i < node.output_size(); ++i) {
      const std::string &out = node.output(i);
      if (out.empty())
        continue;
      if (!rename.count(out))
        rename[out] = prefix + out;
      node.set_output(i, rename[out]);
    }
    // Attributes that refer to the caller's attributes take their values.
    node.clear_attribute();
    for (const auto &attr : bodyNode.attribute()) {
      if (attr.ref_attr_name().empty()) {
        *node.add_attribute() = attr;
        continue;
      }
      for (const auto &callerAttr : caller.attribute()) {
        if (callerAttr.name() != attr.ref_attr_name())
          continue;
        onnx::AttributeProto copy = callerAttr;
        copy.set_name(attr.name());
        *node.add_attribute() = copy;
      }
    }
    nodes.push_back(std::move(node));
  }
  for (const auto &node : nodes)
    if (failed(importNode(node, loc, opsets, depth)))
      return failure();
  // Outputs the caller names must now be defined.
  for (int i = 0; i < formalOutputs.size() && i < caller.output_size(); ++i) {
    const std::string &out = caller.output(i);
    if (out.empty())
      continue;
    bool failedLookup = false;
    Value v = lookup(mapName(formalOutputs[i]), loc, failedLookup);
    if (failedLookup)
      return failure();
    values[out] = v;
  }
  return success();
}

LogicalResult GraphImporter::importIf(const onnx::NodeProto &node,
                                      Location loc, const OpsetMap &opsets,
                                      int depth) {
  bool failedLookup = false;
  Value cond = node.input_size() ? lookup(node.input(0), loc, failedLookup)
                                 : Value();
  if (failedLookup)
    return failure();
  auto c = cond ? em.getConstant(cond) : std::nullopt;
  if (!c || c->size() != 1)
    return emitError(loc)
           << "unsupported: If whose condition is computed at run time";
  const onnx::GraphProto *branch = nullptr;
  for (const auto &attr : node.attribute())
    if (attr.name() == (c->getI(0) ? "then_branch" : "else_branch"))
      branch = &attr.g();
  if (!branch)
    return emitError(loc) << "If has no "
                          << (c->getI(0) ? "then_branch" : "else_branch");
  google::protobuf::RepeatedPtrField<std::string> outputs;
  for (const auto &out : branch->output())
    *outputs.Add() = out.name();
  return inlineNodes(node, {}, outputs, branch->node(), branch, loc, opsets,
                     depth + 1);
}

OwningOpRef<ModuleOp> GraphImporter::run(const onnx::ModelProto &model) {
  const onnx::GraphProto &graph = model.graph();
  for (const auto &op : model.opset_import())
    domainVersions[op.domain() == "ai.onnx" ? "" : op.domain()] = op.version();
  // Models before IR version 3 imply opset 1 of the default domain.
  domainVersions.try_emplace("", 1);
  for (const auto &fn : model.functions())
    functions[{fn.domain(), fn.name()}] = &fn;

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  OpBuilder &b = em.builder;
  b.setInsertionPointToEnd(module->getBody());

  for (const auto &init : graph.initializer())
    initializers[init.name()] = &init;
  for (const auto &sparse : graph.sparse_initializer()) {
    emitError(nameLoc(sparse.values().name()))
        << "unsupported: sparse initializer '" << sparse.values().name()
        << "'";
    return nullptr;
  }

  // Graph inputs that are not initializers become @main's arguments.
  SmallVector<Type> argTypes;
  SmallVector<const onnx::ValueInfoProto *> argInfos;
  SmallVector<bool> argUnsigned;
  std::set<std::string> inputNames;
  bool inputsFailed = false;
  for (const auto &input : graph.input()) {
    if (initializers.count(input.name()))
      continue;
    inputNames.insert(input.name());
    bool isUnsigned = false;
    auto type = inputType(input, isUnsigned);
    if (failed(type)) {
      inputsFailed = true;
      continue;
    }
    argTypes.push_back(*type);
    argInfos.push_back(&input);
    argUnsigned.push_back(isUnsigned);
  }
  for (const auto &pin : options.inputShapes) {
    if (inputNames.count(pin.first))
      continue;
    std::string list;
    for (const std::string &n : inputNames)
      list += (list.empty() ? "'" : ", '") + n + "'";
    emitError(fileLoc) << "-input-shape names '" << pin.first
                       << "', which is not an input of the graph (inputs: "
                       << (list.empty() ? std::string("none") : list) << ")";
    inputsFailed = true;
  }
  if (inputsFailed)
    return nullptr;

  auto func = func::FuncOp::create(b, fileLoc, "main",
                                   b.getFunctionType(argTypes, {}));
  Block *body = func.addEntryBlock();
  for (auto [i, info] : llvm::enumerate(argInfos)) {
    func.setArgAttr(i, "qcc.name", b.getStringAttr(info->name()));
    if (argUnsigned[i])
      func.setArgAttr(i, "qcc.unsigned", b.getUnitAttr());
    BlockArgument arg = body->getArgument(i);
    arg.setLoc(nameLoc(info->name()));
    values[info->name()] = arg;
    if (argUnsigned[i])
      em.unsignedValues.insert(arg);
  }
  b.setInsertionPointToEnd(body);

  for (const auto &out : graph.output())
    usedNames.insert(out.name());
  SmallVector<int> order;
  if (failed(sortNodes(graph, order)))
    return nullptr;
  for (int i : order) {
    const onnx::NodeProto &node = graph.node(i);
    if (failed(importNode(node, nameLoc(nodeName(node, i)), domainVersions,
                          /*depth=*/0)))
      return nullptr;
  }

  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  bool outputsFailed = false;
  for (const auto &out : graph.output()) {
    bool failedLookup = false;
    Value v = lookup(out.name(), nameLoc(out.name()), failedLookup);
    if (failedLookup) {
      outputsFailed = true;
      continue;
    }
    results.push_back(v);
    resultTypes.push_back(v.getType());
  }
  if (outputsFailed)
    return nullptr;
  func::ReturnOp::create(b, fileLoc, results);
  func.setType(b.getFunctionType(argTypes, resultTypes));
  for (auto [i, out] : llvm::enumerate(graph.output())) {
    func.setResultAttr(i, "qcc.name", b.getStringAttr(out.name()));
    bool declaredUnsigned = false;
    if (out.type().has_tensor_type())
      convertElementType(ctx, out.type().tensor_type().elem_type(),
                         declaredUnsigned);
    if (declaredUnsigned || em.isUnsigned(results[i]))
      func.setResultAttr(i, "qcc.unsigned", b.getUnitAttr());
  }

  // Shape subgraphs folded to constants leave their inputs unused; drop
  // every side-effect-free op whose results nothing reads.
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(*body)))
    if (isOpTriviallyDead(&op))
      op.erase();

  if (failed(mlir::verify(*module)))
    return nullptr;
  return module;
}

OwningOpRef<ModuleOp> qcc::importOnnxFile(MLIRContext &context,
                                          StringRef path,
                                          const OnnxImportOptions &options) {
  context.loadDialect<QccDialect, func::FuncDialect>();
  Location fileLoc =
      FileLineColLoc::get(&context, llvm::sys::path::filename(path), 0, 0);
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    emitError(fileLoc) << "cannot open '" << path
                       << "': " << buffer.getError().message();
    return nullptr;
  }
  StringRef ext = llvm::sys::path::extension(path);
  bool isText = options.forceText || ext == ".onnxtxt" || ext == ".txt";
  onnx::ModelProto model;
  std::string error =
      isText ? parseTextModel((*buffer)->getBuffer().str(), model)
             : parseBinaryModel((*buffer)->getBuffer(), model);
  if (error.empty() && !model.has_graph())
    error = "the model has no graph";
  if (!error.empty()) {
    emitError(fileLoc) << "failed to parse '" << path
                       << "' as an ONNX model: " << error;
    return nullptr;
  }
  GraphImporter importer(&context, path, options);
  return importer.run(model);
}
