//===- ConstantData.cpp - raw access to constant tensors ------------------===//
//
// This file implements uniform reading and building of constant tensors,
// whether they are DenseElementsAttr or dense_resource blobs. Weights live in
// dense_resource blobs (never printed as text); small folded shape constants
// stay DenseElementsAttr so tests can read them.
//
//===----------------------------------------------------------------------===//

#include "Qcc/ConstantData.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/APFloat.h"
#include <cmath>
#include <cstring>

using namespace mlir;

namespace qcc {

static int64_t storageBytes(Type elemType) {
  if (elemType.isInteger(1))
    return 1;
  return (elemType.getIntOrFloatBitWidth() + 7) / 8;
}

std::optional<std::vector<char>> getRawBytes(ElementsAttr attr) {
  auto type = llvm::cast<ShapedType>(attr.getType());
  Type elemType = type.getElementType();
  if (!elemType.isIntOrFloat())
    return std::nullopt;
  int64_t count = type.getNumElements();
  int64_t width = storageBytes(elemType);
  std::vector<char> out(count * width);

  if (auto res = llvm::dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = res.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    ArrayRef<char> data = blob->getData();
    if ((int64_t)data.size() != (int64_t)out.size())
      return std::nullopt;
    std::memcpy(out.data(), data.data(), out.size());
    return out;
  }
  auto dense = llvm::dyn_cast<DenseElementsAttr>(attr);
  if (!dense)
    return std::nullopt;
  if (elemType.isInteger(1)) {
    int64_t i = 0;
    for (bool b : dense.getValues<bool>())
      out[i++] = b ? 1 : 0;
    return out;
  }
  ArrayRef<char> data = dense.getRawData();
  if (dense.isSplat()) {
    for (int64_t i = 0; i < count; ++i)
      std::memcpy(out.data() + i * width, data.data(), width);
  } else {
    if ((int64_t)data.size() != (int64_t)out.size())
      return std::nullopt;
    std::memcpy(out.data(), data.data(), out.size());
  }
  return out;
}

static double decodeOne(Type elemType, const char *p) {
  if (auto ft = llvm::dyn_cast<FloatType>(elemType)) {
    unsigned bits = ft.getWidth();
    if (bits == 32) {
      float f;
      std::memcpy(&f, p, 4);
      return f;
    }
    if (bits == 64) {
      double d;
      std::memcpy(&d, p, 8);
      return d;
    }
    uint64_t raw = 0;
    std::memcpy(&raw, p, (bits + 7) / 8);
    llvm::APFloat v(ft.getFloatSemantics(), llvm::APInt(bits, raw));
    bool lost;
    v.convert(llvm::APFloat::IEEEdouble(), llvm::APFloat::rmNearestTiesToEven,
              &lost);
    return v.convertToDouble();
  }
  auto it = llvm::cast<IntegerType>(elemType);
  unsigned bits = it.getWidth();
  if (bits == 1)
    return *p ? 1.0 : 0.0;
  uint64_t raw = 0;
  std::memcpy(&raw, p, (bits + 7) / 8);
  llvm::APInt v(bits, raw);
  if (it.isUnsigned())
    return (double)v.getZExtValue();
  return (double)v.getSExtValue();
}

static int64_t decodeOneInt(Type elemType, const char *p) {
  auto it = llvm::cast<IntegerType>(elemType);
  unsigned bits = it.getWidth();
  if (bits == 1)
    return *p ? 1 : 0;
  uint64_t raw = 0;
  std::memcpy(&raw, p, (bits + 7) / 8);
  llvm::APInt v(bits, raw);
  if (it.isUnsigned())
    return (int64_t)v.getZExtValue();
  return v.getSExtValue();
}

std::optional<std::vector<double>> getElementsAsDouble(ElementsAttr attr) {
  auto raw = getRawBytes(attr);
  if (!raw)
    return std::nullopt;
  Type elemType = llvm::cast<ShapedType>(attr.getType()).getElementType();
  int64_t width = storageBytes(elemType);
  int64_t count = raw->size() / width;
  std::vector<double> out(count);
  for (int64_t i = 0; i < count; ++i)
    out[i] = decodeOne(elemType, raw->data() + i * width);
  return out;
}

std::optional<std::vector<int64_t>> getElementsAsInt64(ElementsAttr attr) {
  Type elemType = llvm::cast<ShapedType>(attr.getType()).getElementType();
  if (!llvm::isa<IntegerType>(elemType))
    return std::nullopt;
  auto raw = getRawBytes(attr);
  if (!raw)
    return std::nullopt;
  int64_t width = storageBytes(elemType);
  int64_t count = raw->size() / width;
  std::vector<int64_t> out(count);
  for (int64_t i = 0; i < count; ++i)
    out[i] = decodeOneInt(elemType, raw->data() + i * width);
  return out;
}

ElementsAttr makeElementsFromRaw(RankedTensorType type, ArrayRef<char> raw,
                                 StringRef blobName) {
  Type elemType = type.getElementType();
  if (elemType.isInteger(1)) {
    SmallVector<bool> bools;
    bools.reserve(raw.size());
    for (char c : raw)
      bools.push_back(c != 0);
    return DenseElementsAttr::get(type, ArrayRef<bool>(bools));
  }
  if (type.getNumElements() > kResourceThreshold) {
    AsmResourceBlob blob =
        HeapAsmResourceBlob::allocateAndCopyWithAlign(raw, /*align=*/64);
    return DenseResourceElementsAttr::get(type, blobName, std::move(blob));
  }
  bool detectedSplat = false;
  if (DenseElementsAttr::isValidRawBuffer(type, raw, detectedSplat))
    return DenseElementsAttr::getFromRawBuffer(type, raw);
  return {};
}

static void encodeOne(Type elemType, double v, char *p) {
  if (auto ft = llvm::dyn_cast<FloatType>(elemType)) {
    unsigned bits = ft.getWidth();
    if (bits == 32) {
      float f = (float)v;
      std::memcpy(p, &f, 4);
      return;
    }
    if (bits == 64) {
      std::memcpy(p, &v, 8);
      return;
    }
    llvm::APFloat a(v);
    bool lost;
    a.convert(ft.getFloatSemantics(), llvm::APFloat::rmNearestTiesToEven,
              &lost);
    uint64_t raw = a.bitcastToAPInt().getZExtValue();
    std::memcpy(p, &raw, (bits + 7) / 8);
    return;
  }
  auto it = llvm::cast<IntegerType>(elemType);
  unsigned bits = it.getWidth();
  if (bits == 1) {
    *p = v != 0.0 ? 1 : 0;
    return;
  }
  int64_t iv;
  if (std::isnan(v))
    iv = 0;
  else if (v >= 9.2e18)
    iv = INT64_MAX;
  else if (v <= -9.2e18)
    iv = INT64_MIN;
  else
    iv = (int64_t)std::trunc(v);
  uint64_t raw = (uint64_t)iv;
  std::memcpy(p, &raw, (bits + 7) / 8);
}

ElementsAttr makeElements(RankedTensorType type, ArrayRef<double> values,
                          StringRef blobName) {
  Type elemType = type.getElementType();
  int64_t width = storageBytes(elemType);
  std::vector<char> raw(values.size() * width);
  for (size_t i = 0; i < values.size(); ++i)
    encodeOne(elemType, values[i], raw.data() + i * width);
  return makeElementsFromRaw(type, raw, blobName);
}

ElementsAttr makeElementsInt(RankedTensorType type, ArrayRef<int64_t> values,
                             StringRef blobName) {
  Type elemType = type.getElementType();
  if (!llvm::isa<IntegerType>(elemType)) {
    std::vector<double> d(values.begin(), values.end());
    return makeElements(type, d, blobName);
  }
  int64_t width = storageBytes(elemType);
  std::vector<char> raw(values.size() * width);
  for (size_t i = 0; i < values.size(); ++i) {
    if (elemType.isInteger(1)) {
      raw[i] = values[i] != 0;
      continue;
    }
    uint64_t v = (uint64_t)values[i];
    std::memcpy(raw.data() + i * width, &v, width);
  }
  return makeElementsFromRaw(type, raw, blobName);
}

} // namespace qcc
