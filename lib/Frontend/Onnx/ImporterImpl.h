//===- ImporterImpl.h - internals of the ONNX importer ---------*- C++ -*-===//
//
// This file declares the pieces shared by the ONNX importer's translation
// units: the per-node import context handed to op handlers, the emission
// helpers that build (and constant-fold) qcc ops, and the small host-side
// tensor evaluator that resolves shape-computing subgraphs at import time.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_LIB_FRONTEND_ONNX_IMPORTERIMPL_H
#define QCC_LIB_FRONTEND_ONNX_IMPORTERIMPL_H

#include "Qcc/ConstantData.h"
#include "Qcc/QccOps.h"
#include "qcc/Frontend/Onnx/Importer.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/Twine.h"

#include "onnx/onnx_pb.h"

#include <optional>
#include <string>
#include <vector>

namespace qcc::onnx_import {

//===----------------------------------------------------------------------===//
// libonnx (LibOnnx.cpp, compiled with exceptions because libonnx throws)
//===----------------------------------------------------------------------===//

/// Parses a binary ModelProto from `data`. Returns an empty string on success,
/// otherwise the reason it failed.
std::string parseBinaryModel(llvm::StringRef data, onnx::ModelProto &model);

/// Parses ONNX textual syntax. Returns an empty string on success, otherwise
/// the parser's message.
std::string parseTextModel(const std::string &text, onnx::ModelProto &model);

/// The function body ONNX defines for `node`'s operator at `opset` (built
/// for the node's attributes and `inputTypes` when context-dependent), and
/// in `caller` the node completed with the schema's default attributes.
/// Returns false when the operator has none.
bool getSchemaFunction(const onnx::NodeProto &node, int64_t opset,
                       const std::vector<onnx::TypeProto> &inputTypes,
                       onnx::FunctionProto &function,
                       onnx::NodeProto &caller);

//===----------------------------------------------------------------------===//
// Host tensors
//===----------------------------------------------------------------------===//

/// A constant tensor evaluated on the host. Float element types keep their
/// values in `f` (as doubles, already rounded to the element type), integer
/// and boolean element types in `i` (zero-extended when `isUnsigned`).
struct HostTensor {
  llvm::SmallVector<int64_t> shape;
  mlir::Type elemType;
  bool isUnsigned = false;
  std::vector<double> f;
  std::vector<int64_t> i;

  bool isFloat() const { return llvm::isa<mlir::FloatType>(elemType); }
  int64_t size() const;
  double getD(int64_t k) const { return isFloat() ? f[k] : (double)i[k]; }
  int64_t getI(int64_t k) const;
  /// Allocates storage for `shape` with `elemType`.
  void resize();
  void set(int64_t k, double v);
  void setI(int64_t k, int64_t v);
};

/// Largest element count the host evaluator folds. Bigger computations on
/// constants are left to the qcc folders (or to run time).
constexpr int64_t kHostEvalLimit = 1 << 22;

/// Row-major strides of a shape.
llvm::SmallVector<int64_t> stridesOf(llvm::ArrayRef<int64_t> shape);

/// Product of the dims of a shape (INT64_MAX when it overflows).
int64_t numElementsOf(llvm::ArrayRef<int64_t> shape);

//===----------------------------------------------------------------------===//
// The importer state and emission helpers (ImportUtils.cpp)
//===----------------------------------------------------------------------===//

/// Holds the module being built and emits qcc ops. Every emission helper
/// first tries to evaluate the op on the host when its operands are
/// constants (so import never depends on the folders' coverage), and
/// otherwise builds the op with `createOrFold` so that the qcc folders fire.
class Emitter {
public:
  explicit Emitter(mlir::MLIRContext *ctx) : ctx(ctx), builder(ctx) {}

  mlir::MLIRContext *ctx;
  mlir::OpBuilder builder;
  /// Values whose ONNX element type is unsigned (uint8/16/32/64); qcc types
  /// are signless so the sign is tracked here and at the boundary.
  llvm::DenseSet<mlir::Value> unsignedValues;
  /// Folder holding the model; external tensor data resolves against it.
  std::string modelDir;

  static mlir::RankedTensorType typeOf(mlir::Value v) {
    return llvm::cast<mlir::RankedTensorType>(v.getType());
  }
  static llvm::ArrayRef<int64_t> shapeOf(mlir::Value v) {
    return typeOf(v).getShape();
  }
  static mlir::Type elemOf(mlir::Value v) {
    return typeOf(v).getElementType();
  }
  mlir::RankedTensorType tensorType(llvm::ArrayRef<int64_t> shape,
                                    mlir::Type elem) const {
    return mlir::RankedTensorType::get(shape, elem);
  }
  bool isUnsigned(mlir::Value v) const { return unsignedValues.contains(v); }

  /// Host value of `v` when it is defined by a qcc.constant small enough to
  /// evaluate, else nullopt.
  std::optional<HostTensor> getConstant(mlir::Value v,
                                        int64_t limit = kHostEvalLimit) const;
  bool isConstant(mlir::Value v) const;

  /// Materializes a host tensor as qcc.constant (splats stay compact).
  mlir::Value createConstant(mlir::Location loc, const HostTensor &t,
                             llvm::StringRef name = "folded");
  mlir::Value createConstant(mlir::Location loc, mlir::ElementsAttr attr);
  /// A splat constant of `shape` holding `value`.
  mlir::Value splat(mlir::Location loc, double value, mlir::Type elem,
                    llvm::ArrayRef<int64_t> shape = {});
  /// A 1-D i64 constant.
  mlir::Value constI64(mlir::Location loc, llvm::ArrayRef<int64_t> values);

  mlir::Value reshape(mlir::Location loc, mlir::Value v,
                      llvm::ArrayRef<int64_t> shape);
  mlir::Value transpose(mlir::Location loc, mlir::Value v,
                        llvm::ArrayRef<int64_t> perm);
  /// Broadcasting binary op; fails (with an error at `loc`) when the shapes
  /// do not broadcast or the element types differ.
  mlir::FailureOr<mlir::Value> binary(mlir::Location loc, BinaryKind kind,
                                      mlir::Value lhs, mlir::Value rhs);
  mlir::Value unary(mlir::Location loc, UnaryKind kind, mlir::Value v,
                    llvm::ArrayRef<float> params = {});
  /// Normalized strided slice (`starts` in range, `sizes` the result dims).
  mlir::Value slice(mlir::Location loc, mlir::Value v,
                    llvm::ArrayRef<int64_t> starts,
                    llvm::ArrayRef<int64_t> steps,
                    llvm::ArrayRef<int64_t> sizes);
  /// Slice of `[start, start + size)` along one axis.
  mlir::Value sliceAxis(mlir::Location loc, mlir::Value v, int64_t axis,
                        int64_t start, int64_t size, int64_t step = 1);
  mlir::FailureOr<mlir::Value> concat(mlir::Location loc,
                                      llvm::ArrayRef<mlir::Value> inputs,
                                      int64_t axis);
  mlir::FailureOr<mlir::Value> gather(mlir::Location loc, mlir::Value data,
                                      mlir::Value indices, int64_t axis);
  /// Element type conversion with ONNX Cast semantics; `toUnsigned` marks
  /// an unsigned ONNX destination type.
  mlir::Value cast(mlir::Location loc, mlir::Value v, mlir::Type to,
                   bool toUnsigned = false);
  /// `axes` need not be sorted; they must be non-negative.
  mlir::Value reduce(mlir::Location loc, ReduceKind kind, mlir::Value v,
                     llvm::ArrayRef<int64_t> axes, bool keepdims);
  /// numpy broadcast_to(v, broadcast(shape(v), shape)).
  mlir::FailureOr<mlir::Value> expand(mlir::Location loc, mlir::Value v,
                                      llvm::ArrayRef<int64_t> shape);
  mlir::Value softmax(mlir::Location loc, mlir::Value v, int64_t axis,
                      bool log);
  /// The `ui<N>` view of a signless integer `v` (a same-bits qcc.cast);
  /// booleans and non-integers are returned unchanged. Ops whose result
  /// depends on the sign of unsigned operands (ordering, division, max/min
  /// pooling and reductions) are built on this view, since their lowering
  /// and folding pick the unsigned arithmetic from the `ui` element type;
  /// qcc values are otherwise signless.
  mlir::Value unsignedView(mlir::Location loc, mlir::Value v);
  /// The signless view of a `ui<N>` value built on unsignedView, marked
  /// unsigned; other values are returned unchanged.
  mlir::Value signlessView(mlir::Location loc, mlir::Value v);
  /// Whether `v` holds unsigned integers (not booleans) whose sign matters.
  bool isUnsignedInt(mlir::Value v) const {
    mlir::Type e = elemOf(v);
    return isUnsigned(v) && llvm::isa<mlir::IntegerType>(e) &&
           !e.isInteger(1);
  }

  /// Marks `result` unsigned when `like` is.
  mlir::Value propagateSign(mlir::Value result, mlir::Value like) {
    if (isUnsigned(like))
      unsignedValues.insert(result);
    return result;
  }
};

//===----------------------------------------------------------------------===//
// Host evaluation (HostEval.cpp)
//===----------------------------------------------------------------------===//

mlir::FailureOr<HostTensor> evalBinary(BinaryKind kind, const HostTensor &a,
                                       const HostTensor &b);
std::optional<HostTensor> evalUnary(UnaryKind kind, const HostTensor &a,
                                    llvm::ArrayRef<float> params);
HostTensor evalTranspose(const HostTensor &a, llvm::ArrayRef<int64_t> perm);
HostTensor evalSlice(const HostTensor &a, llvm::ArrayRef<int64_t> starts,
                     llvm::ArrayRef<int64_t> steps,
                     llvm::ArrayRef<int64_t> sizes);
HostTensor evalConcat(llvm::ArrayRef<HostTensor> inputs, int64_t axis);
std::optional<HostTensor> evalGather(const HostTensor &data,
                                     const HostTensor &indices, int64_t axis);
HostTensor evalCast(const HostTensor &a, mlir::Type to, bool toUnsigned);
HostTensor evalReduce(ReduceKind kind, const HostTensor &a,
                      llvm::ArrayRef<int64_t> axes, bool keepdims);
HostTensor evalBroadcastTo(const HostTensor &a, llvm::ArrayRef<int64_t> shape);
/// Rounds a double to the precision of a float element type.
double roundToFloatType(mlir::Type elemType, double v);

//===----------------------------------------------------------------------===//
// Per-node import context
//===----------------------------------------------------------------------===//

/// Everything an op handler sees of one ONNX node: its inputs as values
/// (null for absent optional inputs), attribute accessors, and the slots for
/// its results.
class NodeImport {
public:
  NodeImport(Emitter &em, const onnx::NodeProto &node, mlir::Location loc,
             int64_t opset, llvm::SmallVector<mlir::Value> inputs,
             llvm::SmallVector<bool> outputUsed)
      : em(em), node(node), loc(loc), opset(opset), inputs(std::move(inputs)),
        results(node.output_size()), used(std::move(outputUsed)) {}

  Emitter &em;
  const onnx::NodeProto &node;
  mlir::Location loc;
  /// Version of the default ONNX domain the model imports.
  int64_t opset;
  llvm::SmallVector<mlir::Value> inputs;
  llvm::SmallVector<mlir::Value> results;
  llvm::SmallVector<bool> used;

  mlir::OpBuilder &b() { return em.builder; }
  llvm::StringRef opType() const { return node.op_type(); }
  unsigned numInputs() const { return inputs.size(); }
  bool hasInput(unsigned i) const { return i < inputs.size() && inputs[i]; }
  mlir::Value input(unsigned i) const {
    return hasInput(i) ? inputs[i] : mlir::Value();
  }
  unsigned numOutputs() const { return results.size(); }
  /// True when output `i` exists and something consumes it.
  bool outputUsed(unsigned i) const { return i < used.size() && used[i]; }
  std::string outputName(unsigned i) const {
    return i < (unsigned)node.output_size() ? node.output(i) : std::string();
  }
  void setResult(unsigned i, mlir::Value v) {
    if (i < results.size())
      results[i] = v;
  }

  mlir::InFlightDiagnostic error() { return mlir::emitError(loc); }
  /// Emits "unsupported: <what>" and returns failure.
  mlir::LogicalResult unsupported(const llvm::Twine &what);
  /// Checks that input `i` is present, else reports it missing.
  mlir::LogicalResult require(unsigned i, llvm::StringRef what);

  const onnx::AttributeProto *attr(llvm::StringRef name) const;
  bool hasAttr(llvm::StringRef name) const { return attr(name) != nullptr; }
  int64_t attrInt(llvm::StringRef name, int64_t def) const;
  float attrFloat(llvm::StringRef name, float def) const;
  std::string attrString(llvm::StringRef name, llvm::StringRef def) const;
  std::optional<llvm::SmallVector<int64_t>>
  attrInts(llvm::StringRef name) const;
  std::optional<llvm::SmallVector<float>>
  attrFloats(llvm::StringRef name) const;

  /// Integer values of constant input `i` (must be present), or an error
  /// saying that `what` must be a constant.
  mlir::FailureOr<llvm::SmallVector<int64_t>> constInts(unsigned i,
                                                        llvm::StringRef what);
  /// Float values of a constant input.
  mlir::FailureOr<llvm::SmallVector<double>>
  constDoubles(unsigned i, llvm::StringRef what);

  /// Normalizes a possibly negative axis against `rank`, reporting errors.
  mlir::FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank,
                                         llvm::StringRef what = "axis");
  /// Normalizes, sorts and deduplicates axes.
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  normalizeAxes(llvm::ArrayRef<int64_t> axes, int64_t rank);

  /// Requires a float element type on input `i`.
  mlir::LogicalResult requireFloat(unsigned i);
};

/// An op handler: reads the node, emits qcc ops, sets the node's results.
using OpHandler = mlir::LogicalResult (*)(NodeImport &);
using OpTable = llvm::StringMap<OpHandler>;

void registerNNOps(OpTable &table);
void registerMathOps(OpTable &table);
void registerTensorOps(OpTable &table);
void registerQuantOps(OpTable &table);
void registerQLinearOps(OpTable &table);

/// Called by `buildMatMul` with the operands after 1-D operands became
/// matrices, before the qcc.matmul is built; may replace them (QLinear ops
/// attach their quantization types here).
using MatMulOperandFn =
    llvm::function_ref<mlir::LogicalResult(mlir::Value &, mlir::Value &)>;

/// ONNX MatMul semantics (1-D operands, numpy batch broadcasting) as a
/// qcc.matmul with result element type `resultElem` (ImportNN.cpp).
mlir::FailureOr<mlir::Value> buildMatMul(NodeImport &n, mlir::Value a,
                                         mlir::Value b, mlir::Type resultElem,
                                         MatMulOperandFn prepare);

/// ONNX Conv semantics (attributes of the node, 1-D or 2-D, groups) as a
/// qcc.conv2d of `x` and `w` plus `bias` (may be null) with result element
/// type `resultElem` (ImportNN.cpp).
mlir::FailureOr<mlir::Value> buildConv(NodeImport &n, mlir::Value x,
                                       mlir::Value w, mlir::Value bias,
                                       mlir::Type resultElem);
void registerIndexingOps(OpTable &table);
void registerSamplingOps(OpTable &table);

/// Indices as i64 with negative ones counted from the end of a dimension
/// of size `dim`: idx + dim * (idx < 0). Constant indices fold, and must be
/// in range (ImportTensor.cpp).
mlir::FailureOr<mlir::Value> normalizeIndices(NodeImport &n, mlir::Value idx,
                                              int64_t dim);
/// GatherElements / ScatterElements addressing: the flat index into data of
/// shape `ds` (row-major) of every position of `indices` (same rank), with
/// the `axis` coordinate taken from the index value. The part that does not
/// depend on the index values is a constant (ImportTensor.cpp).
mlir::FailureOr<mlir::Value> elementwiseFlatIndices(NodeImport &n,
                                                    llvm::ArrayRef<int64_t> ds,
                                                    mlir::Value indices,
                                                    int64_t axis);
void registerRNNOps(OpTable &table);

/// Maps an ONNX TensorProto data type to a signless MLIR element type;
/// returns null for unsupported types. Sets `isUnsigned` for uint types.
mlir::Type convertElementType(mlir::MLIRContext *ctx, int32_t dataType,
                              bool &isUnsigned);
/// The ONNX data type of an element type (0 when it has none).
int32_t onnxDataType(mlir::Type type, bool isUnsigned);
/// Name of an ONNX data type for diagnostics.
std::string dataTypeName(int32_t dataType);

/// Decodes a TensorProto (raw, typed fields or external data resolved
/// against `modelDir`) into an ElementsAttr. On failure returns null and sets
/// `error`.
mlir::ElementsAttr convertTensor(mlir::MLIRContext *ctx,
                                 const onnx::TensorProto &tensor,
                                 llvm::StringRef modelDir,
                                 llvm::StringRef blobName, bool &isUnsigned,
                                 std::string &error);

/// A blob name derived from an ONNX name (letters, digits, `_` and `.`).
std::string sanitizeBlobName(llvm::StringRef name);

} // namespace qcc::onnx_import

#endif // QCC_LIB_FRONTEND_ONNX_IMPORTERIMPL_H
