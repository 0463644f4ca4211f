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
// unsigned (so a lowering picks extui/uitofp/fptoui over the signed forms).
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
      : ctx(ctx), em(ctx), path(path.str()), options(options) {
    fileName = llvm::sys::path::filename(path).str();
    em.modelDir = llvm::sys::path::parent_path(path).str();
    if (em.modelDir.empty())
      em.modelDir = ".";
    fileLoc = FileLineColLoc::get(ctx, fileName, 0, 0);
    registerNNOps(table);
    registerMathOps(table);
    registerTensorOps(table);
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
  LogicalResult importNode(const onnx::NodeProto &node, int index);

  MLIRContext *ctx;
  Emitter em;
  std::string path;
  std::string fileName;
  const OnnxImportOptions &options;
  Location fileLoc = UnknownLoc::get(ctx);
  OpTable table;
  int64_t opset = 1;
  llvm::StringMap<int64_t> domainVersions;
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
      s += std::to_string(d.has_dim_value() && d.dim_value() > 0
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
    if (d.has_dim_value() && d.dim_value() > 0) {
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
    for (const std::string &in : node.input()) {
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
      if (!values.count(in) && !initializers.count(in)) {
        std::string nodeName = node.name().empty()
                                   ? node.op_type() + "_" + std::to_string(i)
                                   : node.name();
        return emitError(nameLoc(nodeName))
               << "node '" << nodeName << "' (" << node.op_type()
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
      std::string nodeName = node.name().empty()
                                 ? node.op_type() + "_" + std::to_string(i)
                                 : node.name();
      return emitError(nameLoc(nodeName))
             << "the graph has a cycle through node '" << nodeName << "' ("
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

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node,
                                        int index) {
  std::string nodeName = node.name().empty()
                             ? node.op_type() + "_" + std::to_string(index)
                             : node.name();
  Location loc = nameLoc(nodeName);
  std::string domain = node.domain();
  if (domain == "ai.onnx")
    domain = "";
  OpHandler handler = nullptr;
  if (domain.empty()) {
    auto it = table.find(node.op_type());
    if (it != table.end())
      handler = it->second;
  }
  if (!handler) {
    auto dv = domainVersions.find(domain);
    int64_t version = dv == domainVersions.end() ? 0 : dv->second;
    return emitError(loc) << "unsupported ONNX op '" << node.op_type()
                          << "' (domain '" << node.domain() << "', opset "
                          << version << ")";
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
  NodeImport ni(em, node, loc, opset, std::move(inputs), std::move(used));
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

OwningOpRef<ModuleOp> GraphImporter::run(const onnx::ModelProto &model) {
  const onnx::GraphProto &graph = model.graph();
  bool haveDefault = false;
  for (const auto &op : model.opset_import()) {
    std::string domain = op.domain() == "ai.onnx" ? "" : op.domain();
    domainVersions[domain] = op.version();
    if (domain.empty()) {
      opset = op.version();
      haveDefault = true;
    }
  }
  if (!haveDefault)
    domainVersions[""] = opset;

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
  for (int i : order)
    if (failed(importNode(graph.node(i), i)))
      return nullptr;

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
