//===- ModelSignature.cpp - the compiled model's C interface --------------===//
//
// This file implements reading the model signature from the qcc-level entry
// function and the small dtype tables shared by the header and entry points.
//
//===----------------------------------------------------------------------===//

#include "qcc/Runtime/ModelSignature.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;

namespace qcc {

int64_t TensorSignature::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

int64_t TensorSignature::byteSize() const {
  return numElements() * dtypeSize(dtype);
}

const char *dtypeName(DType t) {
  switch (t) {
  case DType::F32: return "float32";
  case DType::F16: return "float16";
  case DType::BF16: return "bfloat16";
  case DType::F64: return "float64";
  case DType::I8: return "int8";
  case DType::U8: return "uint8";
  case DType::I16: return "int16";
  case DType::U16: return "uint16";
  case DType::I32: return "int32";
  case DType::U32: return "uint32";
  case DType::I64: return "int64";
  case DType::U64: return "uint64";
  case DType::Bool: return "bool";
  }
  return "unknown";
}

int64_t dtypeSize(DType t) {
  switch (t) {
  case DType::F64: case DType::I64: case DType::U64: return 8;
  case DType::F32: case DType::I32: case DType::U32: return 4;
  case DType::F16: case DType::BF16: case DType::I16: case DType::U16: return 2;
  case DType::I8: case DType::U8: case DType::Bool: return 1;
  }
  return 0;
}

const char *dtypeCType(DType t) {
  switch (t) {
  case DType::F32: return "float";
  case DType::F64: return "double";
  case DType::F16: case DType::BF16: case DType::U16: return "uint16_t";
  case DType::I8: return "int8_t";
  case DType::U8: case DType::Bool: return "uint8_t";
  case DType::I16: return "int16_t";
  case DType::I32: return "int32_t";
  case DType::U32: return "uint32_t";
  case DType::I64: return "int64_t";
  case DType::U64: return "uint64_t";
  }
  return "void";
}

std::string sanitizeIdentifier(StringRef name) {
  std::string out;
  for (char c : name)
    out += (isalnum((unsigned char)c) || c == '_') ? c : '_';
  if (out.empty() || isdigit((unsigned char)out[0]))
    out = "_" + out;
  return out;
}

static FailureOr<DType> toDType(Type t, bool isUnsigned, Location loc) {
  if (t.isF32()) return DType::F32;
  if (t.isF16()) return DType::F16;
  if (t.isBF16()) return DType::BF16;
  if (t.isF64()) return DType::F64;
  if (t.isInteger(1)) return DType::Bool;
  if (auto it = dyn_cast<IntegerType>(t)) {
    bool u = isUnsigned || it.isUnsigned();
    switch (it.getWidth()) {
    case 8: return u ? DType::U8 : DType::I8;
    case 16: return u ? DType::U16 : DType::I16;
    case 32: return u ? DType::U32 : DType::I32;
    case 64: return u ? DType::U64 : DType::I64;
    default: break;
    }
  }
  emitError(loc) << "unsupported element type " << t
                 << " at the model's interface";
  return failure();
}

FailureOr<ModelSignature> extractSignature(func::FuncOp func,
                                           StringRef prefix) {
  ModelSignature sig;
  sig.prefix = prefix.str();
  llvm::StringSet<> used;
  // C keywords and the context parameter cannot name a tensor parameter.
  for (const char *kw :
       {"ctx", "auto", "break", "case", "char", "const", "continue", "default",
        "do", "double", "else", "enum", "extern", "float", "for", "goto", "if",
        "inline", "int", "long", "register", "restrict", "return", "short",
        "signed", "sizeof", "static", "struct", "switch", "typedef", "union",
        "unsigned", "void", "volatile", "while", "bool", "true", "false"})
    used.insert(kw);
  auto add = [&](std::vector<TensorSignature> &list, Type type,
                 DictionaryAttr attrs, unsigned index,
                 const char *kind) -> LogicalResult {
    auto tt = dyn_cast<RankedTensorType>(type);
    if (!tt || !tt.hasStaticShape())
      return emitError(func.getLoc())
             << kind << " " << index << " must be a statically shaped tensor";
    TensorSignature t;
    StringAttr name = attrs ? attrs.getAs<StringAttr>("qcc.name") : nullptr;
    t.name = name ? name.str() : (std::string(kind) + std::to_string(index));
    bool isUnsigned = attrs && attrs.get("qcc.unsigned");
    auto dt = toDType(tt.getElementType(), isUnsigned, func.getLoc());
    if (failed(dt))
      return failure();
    t.dtype = *dt;
    t.shape.assign(tt.getShape().begin(), tt.getShape().end());
    std::string c = sanitizeIdentifier(t.name);
    std::string base = c;
    for (int i = 1; used.contains(c); ++i)
      c = base + "_" + std::to_string(i);
    used.insert(c);
    t.cName = c;
    list.push_back(std::move(t));
    return success();
  };
  FunctionType ft = func.getFunctionType();
  for (unsigned i = 0; i < ft.getNumInputs(); ++i)
    if (failed(add(sig.inputs, ft.getInput(i), func.getArgAttrDict(i), i,
                   "input")))
      return failure();
  for (unsigned i = 0; i < ft.getNumResults(); ++i)
    if (failed(add(sig.outputs, ft.getResult(i), func.getResultAttrDict(i), i,
                   "output")))
      return failure();
  return sig;
}

} // namespace qcc
