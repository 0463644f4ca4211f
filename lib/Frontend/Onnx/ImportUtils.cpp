//===- ImportUtils.cpp - emission helpers of the ONNX importer ------------===//
//
// This file implements the helpers the op handlers share: reading ONNX
// tensors (raw, typed or external data) into constant attributes, attribute
// accessors of a node, and the qcc op builders that evaluate constant
// operands on the host before falling back to `createOrFold`.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cstring>

using namespace mlir;

namespace qcc::onnx_import {

//===----------------------------------------------------------------------===//
// Element types and tensors
//===----------------------------------------------------------------------===//

Type convertElementType(MLIRContext *ctx, int32_t dataType, bool &isUnsigned) {
  isUnsigned = false;
  Builder b(ctx);
  switch (dataType) {
  case onnx::TensorProto::FLOAT:
    return b.getF32Type();
  case onnx::TensorProto::DOUBLE:
    return b.getF64Type();
  case onnx::TensorProto::FLOAT16:
    return b.getF16Type();
  case onnx::TensorProto::BFLOAT16:
    return b.getBF16Type();
  case onnx::TensorProto::INT8:
    return b.getI8Type();
  case onnx::TensorProto::INT16:
    return b.getI16Type();
  case onnx::TensorProto::INT32:
    return b.getI32Type();
  case onnx::TensorProto::INT64:
    return b.getI64Type();
  case onnx::TensorProto::BOOL:
    return b.getI1Type();
  case onnx::TensorProto::UINT8:
    isUnsigned = true;
    return b.getI8Type();
  case onnx::TensorProto::UINT16:
    isUnsigned = true;
    return b.getI16Type();
  case onnx::TensorProto::UINT32:
    isUnsigned = true;
    return b.getI32Type();
  case onnx::TensorProto::UINT64:
    isUnsigned = true;
    return b.getI64Type();
  default:
    return {};
  }
}

int32_t onnxDataType(Type type, bool isUnsigned) {
  if (type.isF32())
    return onnx::TensorProto::FLOAT;
  if (type.isF64())
    return onnx::TensorProto::DOUBLE;
  if (type.isF16())
    return onnx::TensorProto::FLOAT16;
  if (type.isBF16())
    return onnx::TensorProto::BFLOAT16;
  if (type.isInteger(1))
    return onnx::TensorProto::BOOL;
  if (type.isInteger(8))
    return isUnsigned ? onnx::TensorProto::UINT8 : onnx::TensorProto::INT8;
  if (type.isInteger(16))
    return isUnsigned ? onnx::TensorProto::UINT16 : onnx::TensorProto::INT16;
  if (type.isInteger(32))
    return isUnsigned ? onnx::TensorProto::UINT32 : onnx::TensorProto::INT32;
  if (type.isInteger(64))
    return isUnsigned ? onnx::TensorProto::UINT64 : onnx::TensorProto::INT64;
  return 0;
}

std::string dataTypeName(int32_t dataType) {
  if (onnx::TensorProto_DataType_IsValid(dataType))
    return onnx::TensorProto_DataType_Name(
        (onnx::TensorProto_DataType)dataType);
  return "<" + std::to_string(dataType) + ">";
}

std::string sanitizeBlobName(StringRef name) {
  std::string out;
  for (char c : name)
    out.push_back(llvm::isAlnum(c) || c == '_' || c == '.' ? c : '_');
  if (out.empty())
    out = "tensor";
  if (llvm::isDigit(out[0]) || out[0] == '.')
    out.insert(out.begin(), '_');
  return out;
}

/// Reads the bytes of a tensor stored outside the model file, making sure the
/// file stays inside the model's folder.
static bool readExternalData(const onnx::TensorProto &tensor,
                             StringRef modelDir, int64_t expectedBytes,
                             std::vector<char> &raw, std::string &error) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto &kv : tensor.external_data()) {
    if (kv.key() == "location") {
      location = kv.value();
    } else if (kv.key() == "offset" || kv.key() == "length") {
      int64_t v;
      if (StringRef(kv.value()).getAsInteger(10, v) || v < 0) {
        error = "external data of tensor '" + tensor.name() + "' has an invalid " +
                kv.key() + " '" + kv.value() + "'";
        return false;
      }
      (kv.key() == "offset" ? offset : length) = v;
    }
  }
  std::string name = tensor.name();
  if (location.empty()) {
    error = "external data of tensor '" + name + "' has no location";
    return false;
  }
  if (llvm::sys::path::is_absolute(location) ||
      llvm::sys::path::has_root_name(location) ||
      llvm::sys::path::has_root_directory(location)) {
    error = "external data location '" + location + "' of tensor '" + name +
            "' is an absolute path; it must be relative to the model's folder";
    return false;
  }
  SmallString<256> rel(location);
  llvm::sys::path::remove_dots(rel, /*remove_dot_dot=*/true);
  auto first = llvm::sys::path::begin(rel);
  if (rel.empty() || first == llvm::sys::path::end(rel) || *first == "..") {
    error = "external data location '" + location + "' of tensor '" + name +
            "' escapes the model's folder";
    return false;
  }
  SmallString<256> path(modelDir);
  llvm::sys::path::append(path, rel);
  // Symbolic links must not lead outside the folder either.
  SmallString<256> realDir, realFile;
  if (llvm::sys::fs::real_path(modelDir.empty() ? "." : modelDir, realDir) ||
      llvm::sys::fs::real_path(path, realFile)) {
    error = "cannot open external data file '" + std::string(path) +
            "' of tensor '" + name + "'";
    return false;
  }
  StringRef fileRef = realFile;
  if (!fileRef.starts_with(realDir) || fileRef.size() <= realDir.size() ||
      !llvm::sys::path::is_separator(fileRef[realDir.size()])) {
    error = "external data location '" + location + "' of tensor '" + name +
            "' escapes the model's folder";
    return false;
  }
  auto buf = llvm::MemoryBuffer::getFile(realFile, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  if (!buf) {
    error = "cannot open external data file '" + std::string(path) +
            "' of tensor '" + name + "': " + buf.getError().message();
    return false;
  }
  int64_t size = (*buf)->getBufferSize();
  if (length < 0)
    length = expectedBytes;
  if (length != expectedBytes) {
    error = "external data of tensor '" + name + "' has length " +
            std::to_string(length) + ", expected " +
            std::to_string(expectedBytes) + " bytes";
    return false;
  }
  if (offset > size || length > size - offset) {
    error = "external data of tensor '" + name + "' (offset " +
            std::to_string(offset) + ", length " + std::to_string(length) +
            ") runs past the end of '" + std::string(path) + "'";
    return false;
  }
  const char *start = (*buf)->getBufferStart() + offset;
  raw.assign(start, start + length);
  return true;
}

template <typename T, typename Field>
static void copyTyped(const Field &field, int64_t width, std::vector<char> &raw) {
  raw.resize(field.size() * width);
  for (int k = 0; k < field.size(); ++k) {
    T v = (T)field.Get(k);
    std::memcpy(raw.data() + (size_t)k * width, &v, width);
  }
}

ElementsAttr convertTensor(MLIRContext *ctx, const onnx::TensorProto &tensor,
                           StringRef modelDir, StringRef blobName,
                           bool &isUnsigned, std::string &error) {
  Type elem = convertElementType(ctx, tensor.data_type(), isUnsigned);
  std::string name = tensor.name();
  if (!elem) {
    error = "unsupported: tensor '" + name + "' has element type " +
            dataTypeName(tensor.data_type());
    return {};
  }
  SmallVector<int64_t> shape;
  for (int64_t d : tensor.dims()) {
    if (d < 0) {
      error = "tensor '" + name + "' has a negative dimension";
      return {};
    }
    shape.push_back(d);
  }
  auto type = RankedTensorType::get(shape, elem);
  int64_t count = numElementsOf(shape);
  int64_t width = elem.isInteger(1) ? 1 : elem.getIntOrFloatBitWidth() / 8;
  if (count > (int64_t(1) << 40) / width) {
    error = "tensor '" + name + "' is too large";
    return {};
  }
  int64_t expected = count * width;
  std::vector<char> raw;
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    if (!readExternalData(tensor, modelDir, expected, raw, error))
      return {};
  } else if (tensor.has_raw_data()) {
    const std::string &data = tensor.raw_data();
    raw.assign(data.begin(), data.end());
  } else {
    switch (tensor.data_type()) {
    case onnx::TensorProto::FLOAT:
      copyTyped<float>(tensor.float_data(), 4, raw);
      break;
    case onnx::TensorProto::DOUBLE:
      copyTyped<double>(tensor.double_data(), 8, raw);
      break;
    case onnx::TensorProto::INT64:
      copyTyped<int64_t>(tensor.int64_data(), 8, raw);
      break;
    case onnx::TensorProto::UINT32:
      copyTyped<uint32_t>(tensor.uint64_data(), 4, raw);
      break;
    case onnx::TensorProto::UINT64:
      copyTyped<uint64_t>(tensor.uint64_data(), 8, raw);
      break;
    case onnx::TensorProto::INT32:
      copyTyped<int32_t>(tensor.int32_data(), 4, raw);
      break;
    case onnx::TensorProto::INT16:
    case onnx::TensorProto::UINT16:
    case onnx::TensorProto::FLOAT16:
    case onnx::TensorProto::BFLOAT16:
      copyTyped<uint16_t>(tensor.int32_data(), 2, raw);
      break;
    case onnx::TensorProto::INT8:
    case onnx::TensorProto::UINT8:
      copyTyped<uint8_t>(tensor.int32_data(), 1, raw);
      break;
    case onnx::TensorProto::BOOL:
      copyTyped<uint8_t>(tensor.int32_data(), 1, raw);
      for (char &c : raw)
        c = c != 0;
      break;
    default:
      break;
    }
  }
  if ((int64_t)raw.size() != expected) {
    error = "tensor '" + name + "' holds " + std::to_string(raw.size()) +
            " bytes of data, expected " + std::to_string(expected) +
            " for shape [" + llvm::join(llvm::map_range(shape, [](int64_t d) {
              return std::to_string(d);
            }), ", ") + "] of " + dataTypeName(tensor.data_type());
    return {};
  }
  ElementsAttr attr = makeElementsFromRaw(type, raw, blobName);
  if (!attr)
    error = "cannot build a constant for tensor '" + name + "'";
  return attr;
}

//===----------------------------------------------------------------------===//
// Emitter: constants
//===----------------------------------------------------------------------===//

bool Emitter::isConstant(Value v) const {
  return v && v.getDefiningOp<ConstantOp>();
}

std::optional<HostTensor> Emitter::getConstant(Value v, int64_t limit) const {
  if (!v)
    return std::nullopt;
  auto cst = v.getDefiningOp<ConstantOp>();
  if (!cst)
    return std::nullopt;
  auto type = typeOf(v);
  if (type.getNumElements() > limit)
    return std::nullopt;
  HostTensor t;
  t.shape.assign(type.getShape().begin(), type.getShape().end());
  t.elemType = type.getElementType();
  if (!t.elemType.isIntOrFloat())
    return std::nullopt;
  t.isUnsigned = isUnsigned(v) && !t.isFloat();
  if (t.isFloat()) {
    auto vals = getElementsAsDouble(cst.getValue());
    if (!vals)
      return std::nullopt;
    t.f = std::move(*vals);
  } else {
    auto vals = getElementsAsInt64(cst.getValue());
    if (!vals)
      return std::nullopt;
    t.i = std::move(*vals);
    unsigned bits = t.elemType.getIntOrFloatBitWidth();
    if (t.isUnsigned && bits < 64)
      for (int64_t &x : t.i)
        x &= (int64_t(1) << bits) - 1;
  }
  if ((int64_t)(t.isFloat() ? t.f.size() : t.i.size()) != t.size())
    return std::nullopt;
  return t;
}

/// A DenseElementsAttr splat of one value.
static ElementsAttr splatAttr(RankedTensorType type, double fv, int64_t iv,
                              bool useInt) {
  Type elem = type.getElementType();
  if (elem.isInteger(1))
    return DenseElementsAttr::get(type, useInt ? iv != 0 : fv != 0);
  if (auto ft = llvm::dyn_cast<FloatType>(elem))
    return DenseElementsAttr::get(type, Attribute(FloatAttr::get(ft, fv)));
  unsigned bits = elem.getIntOrFloatBitWidth();
  int64_t v = useInt ? iv : (int64_t)fv;
  return DenseElementsAttr::get(
      type, Attribute(IntegerAttr::get(
                elem, APInt(bits, (uint64_t)v, /*isSigned=*/false,
                            /*implicitTrunc=*/true))));
}

Value Emitter::createConstant(Location loc, ElementsAttr attr) {
  return ConstantOp::create(builder, loc, attr);
}

Value Emitter::createConstant(Location loc, const HostTensor &t,
                              StringRef name) {
  auto type = tensorType(t.shape, t.elemType);
  int64_t n = t.size();
  bool isSplat = n > 1;
  for (int64_t k = 1; k < n && isSplat; ++k)
    isSplat = t.isFloat() ? (t.f[k] == t.f[0] &&
                             std::signbit(t.f[k]) == std::signbit(t.f[0]))
                          : t.i[k] == t.i[0];
  ElementsAttr attr;
  if (isSplat && n > kResourceThreshold)
    attr = splatAttr(type, t.isFloat() ? t.f[0] : 0.0,
                     t.isFloat() ? 0 : t.i[0], !t.isFloat());
  else if (t.isFloat())
    attr = makeElements(type, t.f, sanitizeBlobName(name));
  else
    attr = makeElementsInt(type, t.i, sanitizeBlobName(name));
  Value v = createConstant(loc, attr);
  if (t.isUnsigned)
    unsignedValues.insert(v);
  return v;
}

Value Emitter::splat(Location loc, double value, Type elem,
                     ArrayRef<int64_t> shape) {
  auto type = tensorType(shape, elem);
  return createConstant(loc, splatAttr(type, value, (int64_t)value,
                                       /*useInt=*/false));
}

Value Emitter::constI64(Location loc, ArrayRef<int64_t> values) {
  HostTensor t;
  t.shape = {(int64_t)values.size()};
  t.elemType = builder.getI64Type();
  t.i.assign(values.begin(), values.end());
  return createConstant(loc, t, "shape");
}

//===----------------------------------------------------------------------===//
// Emitter: data movement
//===----------------------------------------------------------------------===//

/// Blob name for a constant derived from `v`.
static std::string derivedBlobName(ConstantOp cst) {
  if (auto res = llvm::dyn_cast<DenseResourceElementsAttr>(cst.getValue()))
    return res.getRawHandle().getKey().str();
  return "folded";
}

Value Emitter::reshape(Location loc, Value v, ArrayRef<int64_t> shape) {
  auto inTy = typeOf(v);
  if (inTy.getShape() == shape)
    return v;
  auto outTy = tensorType(shape, inTy.getElementType());
  if (auto cst = v.getDefiningOp<ConstantOp>()) {
    ElementsAttr attr = cst.getValue();
    ElementsAttr result;
    if (auto dense = llvm::dyn_cast<DenseElementsAttr>(attr))
      result = dense.reshape(outTy);
    else if (auto raw = getRawBytes(attr))
      result = makeElementsFromRaw(outTy, *raw, derivedBlobName(cst));
    if (result)
      return propagateSign(createConstant(loc, result), v);
  }
  return propagateSign(builder.createOrFold<ReshapeOp>(loc, outTy, v), v);
}

Value Emitter::transpose(Location loc, Value v, ArrayRef<int64_t> perm) {
  bool identity = true;
  for (auto [i, p] : llvm::enumerate(perm))
    identity &= (int64_t)i == p;
  if (identity)
    return v;
  auto inTy = typeOf(v);
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(inTy.getDimSize(p));
  auto outTy = tensorType(shape, inTy.getElementType());
  if (auto cst = v.getDefiningOp<ConstantOp>()) {
    if (auto raw = getRawBytes(cst.getValue())) {
      Type elem = inTy.getElementType();
      int64_t width = elem.isInteger(1) ? 1 : elem.getIntOrFloatBitWidth() / 8;
      std::vector<char> out(raw->size());
      SmallVector<int64_t> inStrides = stridesOf(inTy.getShape());
      int64_t n = outTy.getNumElements(), rank = perm.size();
      for (int64_t k = 0; k < n; ++k) {
        int64_t flat = k, src = 0;
        for (int64_t d = rank - 1; d >= 0; --d) {
          int64_t c = flat % shape[d];
          flat /= shape[d];
          src += c * inStrides[perm[d]];
        }
        std::memcpy(out.data() + k * width, raw->data() + src * width, width);
      }
      if (ElementsAttr attr =
              makeElementsFromRaw(outTy, out, derivedBlobName(cst)))
        return propagateSign(createConstant(loc, attr), v);
    }
  }
  return propagateSign(
      builder.createOrFold<TransposeOp>(loc, outTy, v, perm), v);
}

Value Emitter::slice(Location loc, Value v, ArrayRef<int64_t> starts,
                     ArrayRef<int64_t> steps, ArrayRef<int64_t> sizes) {
  auto inTy = typeOf(v);
  SmallVector<int64_t> st(starts);
  for (size_t d = 0; d < st.size(); ++d)
    if (sizes[d] == 0)
      st[d] = 0;
  if (auto t = getConstant(v)) {
    if (numElementsOf(sizes) <= kHostEvalLimit)
      return createConstant(loc, evalSlice(*t, st, steps, sizes));
  }
  auto outTy = tensorType(sizes, inTy.getElementType());
  return propagateSign(
      builder.createOrFold<SliceOp>(loc, outTy, v, st, steps), v);
}

Value Emitter::sliceAxis(Location loc, Value v, int64_t axis, int64_t start,
                         int64_t size, int64_t step) {
  auto shape = shapeOf(v);
  SmallVector<int64_t> starts(shape.size(), 0), steps(shape.size(), 1),
      sizes(shape);
  starts[axis] = start;
  steps[axis] = step;
  sizes[axis] = size;
  return slice(loc, v, starts, steps, sizes);
}

FailureOr<Value> Emitter::concat(Location loc, ArrayRef<Value> inputs,
                                 int64_t axis) {
  if (inputs.empty())
    return emitError(loc) << "concat of no inputs";
  auto first = typeOf(inputs[0]);
  SmallVector<int64_t> shape(first.getShape());
  shape[axis] = 0;
  SmallVector<Value> nonEmpty;
  for (Value v : inputs) {
    auto t = typeOf(v);
    if (t.getRank() != first.getRank())
      return emitError(loc) << "concat inputs have different ranks ("
                            << first.getRank() << " and " << t.getRank()
                            << ")";
    if (t.getElementType() != first.getElementType())
      return emitError(loc) << "concat inputs have different element types ("
                            << first.getElementType() << " and "
                            << t.getElementType() << ")";
    for (int64_t d = 0; d < t.getRank(); ++d)
      if (d != axis && t.getDimSize(d) != first.getDimSize(d))
        return emitError(loc)
               << "concat inputs differ in dimension " << d << " ("
               << first.getDimSize(d) << " vs " << t.getDimSize(d) << ")";
    shape[axis] += t.getDimSize(axis);
    if (t.getDimSize(axis) != 0)
      nonEmpty.push_back(v);
  }
  if (nonEmpty.empty())
    nonEmpty.push_back(inputs[0]);
  if (nonEmpty.size() == 1 && shapeOf(nonEmpty[0]) == ArrayRef(shape))
    return nonEmpty[0];
  SmallVector<HostTensor> hosts;
  if (llvm::all_of(nonEmpty, [&](Value v) { return isConstant(v); }))
    for (Value v : nonEmpty)
      if (auto t = getConstant(v))
        hosts.push_back(std::move(*t));
  if (hosts.size() == nonEmpty.size() && numElementsOf(shape) <= kHostEvalLimit)
    return createConstant(loc, evalConcat(hosts, axis));
  auto outTy = tensorType(shape, first.getElementType());
  return propagateSign(
      builder.createOrFold<ConcatOp>(loc, outTy, nonEmpty, axis), inputs[0]);
}

FailureOr<Value> Emitter::gather(Location loc, Value data, Value indices,
                                 int64_t axis) {
  auto dTy = typeOf(data);
  auto iTy = typeOf(indices);
  if (!llvm::isa<IntegerType>(iTy.getElementType()) ||
      iTy.getElementType().isInteger(1))
    return emitError(loc) << "gather indices must be integers, got "
                          << iTy.getElementType();
  SmallVector<int64_t> shape(dTy.getShape().take_front(axis));
  llvm::append_range(shape, iTy.getShape());
  llvm::append_range(shape, dTy.getShape().drop_front(axis + 1));
  int64_t dim = dTy.getDimSize(axis);
  if (auto idx = getConstant(indices)) {
    for (int64_t k = 0; k < idx->size(); ++k) {
      int64_t i = idx->getI(k);
      if (i < -dim || i >= dim)
        return emitError(loc) << "gather index " << i
                              << " is out of range for a dimension of size "
                              << dim;
    }
    if (auto d = getConstant(data)) {
      if (numElementsOf(shape) <= kHostEvalLimit)
        if (auto r = evalGather(*d, *idx, axis))
          return createConstant(loc, *r);
    }
  }
  auto outTy = tensorType(shape, dTy.getElementType());
  return propagateSign(
      builder.createOrFold<GatherOp>(loc, outTy, data, indices, axis), data);
}

Value Emitter::cast(Location loc, Value v, Type to, bool toUnsigned) {
  auto inTy = typeOf(v);
  bool fromUnsigned = isUnsigned(v);
  bool toU = toUnsigned && llvm::isa<IntegerType>(to) && !to.isInteger(1);
  if (inTy.getElementType() == to && fromUnsigned == toU)
    return v;
  if (auto t = getConstant(v)) {
    HostTensor r = evalCast(*t, to, toU);
    return createConstant(loc, r);
  }
  auto outTy = tensorType(inTy.getShape(), to);
  Value result;
  if (inTy.getElementType() == to) {
    // Same bits, different ONNX signedness: keep a distinct value so that the
    // two signs can be tracked separately.
    result = CastOp::create(builder, loc, outTy, v);
  } else {
    result = builder.createOrFold<CastOp>(loc, outTy, v);
  }
  if (auto op = result.getDefiningOp<CastOp>()) {
    if (fromUnsigned)
      op->setAttr("unsigned_input", builder.getUnitAttr());
    if (toU)
      op->setAttr("unsigned_result", builder.getUnitAttr());
  }
  if (toU)
    unsignedValues.insert(result);
  return result;
}

FailureOr<Value> Emitter::expand(Location loc, Value v,
                                 ArrayRef<int64_t> shape) {
  auto target = broadcastShapes(shapeOf(v), shape);
  if (failed(target))
    return emitError(loc) << "cannot broadcast shape [" << shapeOf(v)
                          << "] to [" << shape << "]";
  if (ArrayRef<int64_t>(*target) == shapeOf(v))
    return v;
  if (auto t = getConstant(v))
    if (numElementsOf(*target) <= kHostEvalLimit)
      return createConstant(loc, evalBroadcastTo(*t, *target));
  Type elem = elemOf(v);
  if (elem.isInteger(1))
    return binary(loc, BinaryKind::logical_or, v, splat(loc, 0, elem, *target));
  auto r = binary(loc, BinaryKind::mul, v, splat(loc, 1, elem, *target));
  if (succeeded(r))
    propagateSign(*r, v);
  return r;
}

//===----------------------------------------------------------------------===//
// Emitter: computation
//===----------------------------------------------------------------------===//

Value Emitter::unsignedView(Location loc, Value v) {
  auto it = llvm::dyn_cast<IntegerType>(elemOf(v));
  if (!it || !it.isSignless() || it.getWidth() == 1)
    return v;
  Type ui = IntegerType::get(ctx, it.getWidth(), IntegerType::Unsigned);
  return builder.createOrFold<CastOp>(loc, tensorType(shapeOf(v), ui), v);
}

Value Emitter::signlessView(Location loc, Value v) {
  auto it = llvm::dyn_cast<IntegerType>(elemOf(v));
  if (!it || !it.isUnsigned())
    return v;
  Type signless = IntegerType::get(ctx, it.getWidth());
  Value result =
      builder.createOrFold<CastOp>(loc, tensorType(shapeOf(v), signless), v);
  unsignedValues.insert(result);
  return result;
}

/// Binary kinds whose integer result depends on the operands' sign.
static bool isSignSensitive(BinaryKind k) {
  switch (k) {
  case BinaryKind::less:
  case BinaryKind::less_equal:
  case BinaryKind::greater:
  case BinaryKind::greater_equal:
  case BinaryKind::div:
  case BinaryKind::mod:
  case BinaryKind::fmod:
  case BinaryKind::max:
  case BinaryKind::min:
    return true;
  default:
    return false;
  }
}

/// Unary kinds whose integer result depends on the operand's sign.
static bool isSignSensitive(UnaryKind k) {
  switch (k) {
  case UnaryKind::relu:
  case UnaryKind::clip:
  case UnaryKind::abs:
  case UnaryKind::sign:
    return true;
  default:
    return false;
  }
}

static bool isPredicateKind(BinaryKind k) {
  switch (k) {
  case BinaryKind::equal:
  case BinaryKind::less:
  case BinaryKind::less_equal:
  case BinaryKind::greater:
  case BinaryKind::greater_equal:
    return true;
  default:
    return false;
  }
}

FailureOr<Value> Emitter::binary(Location loc, BinaryKind kind, Value lhs,
                                 Value rhs) {
  auto lTy = typeOf(lhs), rTy = typeOf(rhs);
  if (lTy.getElementType() != rTy.getElementType())
    return emitError(loc) << "operand element types differ ("
                          << lTy.getElementType() << " and "
                          << rTy.getElementType() << ")";
  auto shape = broadcastShapes(lTy.getShape(), rTy.getShape());
  if (failed(shape))
    return emitError(loc) << "operand shapes [" << lTy.getShape() << "] and ["
                          << rTy.getShape() << "] do not broadcast";
  if (numElementsOf(*shape) <= kHostEvalLimit && isConstant(lhs) &&
      isConstant(rhs)) {
    auto a = getConstant(lhs), b = getConstant(rhs);
    if (a && b) {
      auto r = evalBinary(kind, *a, *b);
      if (succeeded(r))
        return createConstant(loc, *r);
    }
  }
  bool asUnsigned = isSignSensitive(kind) &&
                    (isUnsignedInt(lhs) || isUnsignedInt(rhs));
  if (asUnsigned) {
    // ONNX gives both operands the same type, so one unsigned operand makes
    // both unsigned (a splat the importer built for the other is unmarked).
    lhs = unsignedView(loc, lhs);
    rhs = unsignedView(loc, rhs);
  }
  Type elem = isPredicateKind(kind) ? builder.getI1Type() : elemOf(lhs);
  auto outTy = tensorType(*shape, elem);
  Value result = builder.createOrFold<BinaryOp>(
      loc, outTy, BinaryKindAttr::get(ctx, kind), lhs, rhs);
  if (asUnsigned)
    return signlessView(loc, result);
  if (!isPredicateKind(kind))
    propagateSign(result, lhs);
  return result;
}

Value Emitter::unary(Location loc, UnaryKind kind, Value v,
                     ArrayRef<float> params) {
  if (auto t = getConstant(v))
    if (auto r = evalUnary(kind, *t, params))
      return createConstant(loc, *r);
  DenseF32ArrayAttr paramsAttr;
  if (!params.empty())
    paramsAttr = builder.getDenseF32ArrayAttr(params);
  if (isSignSensitive(kind) && isUnsignedInt(v)) {
    Value u = unsignedView(loc, v);
    Value result = builder.createOrFold<UnaryOp>(
        loc, typeOf(u), UnaryKindAttr::get(ctx, kind), u, paramsAttr);
    return signlessView(loc, result);
  }
  Value result = builder.createOrFold<UnaryOp>(
      loc, typeOf(v), UnaryKindAttr::get(ctx, kind), v, paramsAttr);
  return propagateSign(result, v);
}

Value Emitter::reduce(Location loc, ReduceKind kind, Value v,
                      ArrayRef<int64_t> axes, bool keepdims) {
  if (axes.empty())
    return v;
  SmallVector<int64_t> sorted(axes);
  llvm::sort(sorted);
  sorted.erase(llvm::unique(sorted), sorted.end());
  if (auto t = getConstant(v))
    return createConstant(loc, evalReduce(kind, *t, sorted, keepdims));
  auto inTy = typeOf(v);
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < inTy.getRank(); ++d) {
    bool reduced = llvm::is_contained(sorted, d);
    if (!reduced)
      shape.push_back(inTy.getDimSize(d));
    else if (keepdims)
      shape.push_back(1);
  }
  if ((kind == ReduceKind::max || kind == ReduceKind::min) &&
      isUnsignedInt(v)) {
    Value u = unsignedView(loc, v);
    Value result = builder.createOrFold<ReduceOp>(
        loc, tensorType(shape, elemOf(u)), kind, u, ArrayRef<int64_t>(sorted),
        keepdims);
    return signlessView(loc, result);
  }
  auto outTy = tensorType(shape, inTy.getElementType());
  Value result = builder.createOrFold<ReduceOp>(
      loc, outTy, kind, v, ArrayRef<int64_t>(sorted), keepdims);
  return propagateSign(result, v);
}

Value Emitter::softmax(Location loc, Value v, int64_t axis, bool log) {
  return builder.createOrFold<SoftmaxOp>(loc, typeOf(v), v, axis, log);
}

//===----------------------------------------------------------------------===//
// NodeImport
//===----------------------------------------------------------------------===//

LogicalResult NodeImport::unsupported(const Twine &what) {
  error() << "unsupported: " << what;
  return failure();
}

LogicalResult NodeImport::require(unsigned i, StringRef what) {
  if (hasInput(i))
    return success();
  error() << opType() << " requires input " << i << " (" << what << ")";
  return failure();
}

const onnx::AttributeProto *NodeImport::attr(StringRef name) const {
  for (const auto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t NodeImport::attrInt(StringRef name, int64_t def) const {
  const auto *a = attr(name);
  if (!a)
    return def;
  if (a->type() == onnx::AttributeProto::FLOAT)
    return (int64_t)a->f();
  return a->i();
}

float NodeImport::attrFloat(StringRef name, float def) const {
  const auto *a = attr(name);
  if (!a)
    return def;
  if (a->type() == onnx::AttributeProto::INT)
    return (float)a->i();
  return a->f();
}

std::string NodeImport::attrString(StringRef name, StringRef def) const {
  const auto *a = attr(name);
  if (!a)
    return def.str();
  return a->s();
}

std::optional<SmallVector<int64_t>> NodeImport::attrInts(StringRef name) const {
  const auto *a = attr(name);
  if (!a)
    return std::nullopt;
  SmallVector<int64_t> out(a->ints().begin(), a->ints().end());
  if (a->type() == onnx::AttributeProto::INT)
    out.push_back(a->i());
  return out;
}

std::optional<SmallVector<float>> NodeImport::attrFloats(StringRef name) const {
  const auto *a = attr(name);
  if (!a)
    return std::nullopt;
  SmallVector<float> out(a->floats().begin(), a->floats().end());
  if (a->type() == onnx::AttributeProto::FLOAT)
    out.push_back(a->f());
  return out;
}

FailureOr<SmallVector<int64_t>> NodeImport::constInts(unsigned i,
                                                      StringRef what) {
  if (failed(require(i, what)))
    return failure();
  auto t = em.getConstant(inputs[i]);
  if (!t) {
    (void)unsupported(Twine(what) + " of " + opType() +
                " must be a constant (input '" + node.input(i) +
                "' is computed at run time)");
    return failure();
  }
  SmallVector<int64_t> out;
  for (int64_t k = 0; k < t->size(); ++k)
    out.push_back(t->getI(k));
  return out;
}

FailureOr<SmallVector<double>> NodeImport::constDoubles(unsigned i,
                                                        StringRef what) {
  if (failed(require(i, what)))
    return failure();
  auto t = em.getConstant(inputs[i]);
  if (!t) {
    (void)unsupported(Twine(what) + " of " + opType() +
                " must be a constant (input '" + node.input(i) +
                "' is computed at run time)");
    return failure();
  }
  SmallVector<double> out;
  for (int64_t k = 0; k < t->size(); ++k)
    out.push_back(t->getD(k));
  return out;
}

FailureOr<int64_t> NodeImport::normalizeAxis(int64_t axis, int64_t rank,
                                             StringRef what) {
  if (axis < -rank || axis >= rank) {
    error() << what << " " << axis << " is out of range for rank " << rank;
    return failure();
  }
  return axis < 0 ? axis + rank : axis;
}

FailureOr<SmallVector<int64_t>>
NodeImport::normalizeAxes(ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<int64_t> out;
  for (int64_t a : axes) {
    auto n = normalizeAxis(a, rank);
    if (failed(n))
      return failure();
    out.push_back(*n);
  }
  llvm::sort(out);
  out.erase(llvm::unique(out), out.end());
  return out;
}

LogicalResult NodeImport::requireFloat(unsigned i) {
  Value v = input(i);
  if (v && !llvm::isa<FloatType>(Emitter::elemOf(v)))
    return unsupported(Twine(opType()) + " on element type " +
                       [&] {
                         std::string s;
                         llvm::raw_string_ostream os(s);
                         os << Emitter::elemOf(v);
                         return s;
                       }() +
                       " (input '" + node.input(i) + "')");
  return success();
}

} // namespace qcc::onnx_import
