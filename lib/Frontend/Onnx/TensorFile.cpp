//===- TensorFile.cpp - ONNX TensorProto files ----------------------------===//
//
// This file implements reading a serialized onnx.TensorProto file. The data
// is decoded by the importer's own initializer decoding (convertTensor), so
// .pb samples accept exactly the encodings that model initializers do.
// protobuf may report malformed input by throwing, so this file is compiled
// with exceptions and turns every failure into a message.
//
//===----------------------------------------------------------------------===//

#include "qcc/Frontend/Onnx/TensorFile.h"

#include "ImporterImpl.h"
#include "Qcc/ConstantData.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <climits>
#include <exception>

using namespace llvm;

namespace qcc {

/// Parses `bytes` as a TensorProto; returns an error message or "".
static std::string parseTensorProto(StringRef bytes,
                                    onnx::TensorProto &tensor) {
  try {
    if (bytes.size() > (size_t)INT_MAX)
      return "the file is larger than 2 GiB";
    if (!tensor.ParseFromArray(bytes.data(), (int)bytes.size()))
      return "invalid or truncated protobuf data";
    return "";
  } catch (const std::exception &e) {
    return std::string("protobuf error: ") + e.what();
  } catch (...) {
    return "protobuf error";
  }
}

Expected<OnnxTensorFile> readOnnxTensorFile(mlir::MLIRContext &context,
                                            StringRef path) {
  auto fail = [&](const Twine &msg) {
    return createStringError(
        inconvertibleErrorCode(),
        "'" + path + "' is not a readable TensorProto file: " + msg);
  };
  auto bufOr = MemoryBuffer::getFile(path, /*IsText=*/false,
                                     /*RequiresNullTerminator=*/false);
  if (!bufOr)
    return createStringError(bufOr.getError(), "cannot open '" + path + "': " +
                                                   bufOr.getError().message());
  onnx::TensorProto tensor;
  std::string error = parseTensorProto((*bufOr)->getBuffer(), tensor);
  if (!error.empty())
    return fail(error);
  if (tensor.data_type() == onnx::TensorProto::UNDEFINED)
    return fail("no data_type (is it a TensorProto?)");

  OnnxTensorFile out;
  out.name = tensor.name();
  bool isUnsigned = false;
  mlir::ElementsAttr attr =
      onnx_import::convertTensor(&context, tensor, sys::path::parent_path(path),
                                 "calibration_sample", isUnsigned, error);
  if (!attr)
    return fail(error);
  auto raw = getRawBytes(attr);
  if (!raw)
    return fail("cannot read the tensor's data");
  auto type = cast<mlir::ShapedType>(attr.getType());
  out.elementType = type.getElementType();
  out.isUnsigned = isUnsigned;
  out.shape.assign(type.getShape().begin(), type.getShape().end());
  out.data = std::move(*raw);
  return out;
}

} // namespace qcc
