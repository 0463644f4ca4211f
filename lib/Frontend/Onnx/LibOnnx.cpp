//===- LibOnnx.cpp - the importer's calls into libonnx and protobuf -------===//
//
// This file implements the importer's entry points into libonnx: turning
// bytes into an onnx::ModelProto (binary protobuf with the 64 MiB default
// size limit raised so large models load, or ONNX textual syntax), and
// fetching the function body ONNX defines for an operator. libonnx reports
// some malformed input by throwing, so this one file is compiled with
// exceptions and turns every failure into a message.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "onnx/defs/parser.h"
#include "onnx/defs/schema.h"
#include "llvm/ADT/StringExtras.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <climits>
#include <exception>

namespace qcc::onnx_import {

std::string parseBinaryModel(llvm::StringRef data, onnx::ModelProto &model) {
  try {
    if (data.size() > (size_t)INT_MAX)
      return "the file is larger than 2 GiB; store the weights as external "
             "data";
    google::protobuf::io::ArrayInputStream input(data.data(),
                                                 (int)data.size());
    google::protobuf::io::CodedInputStream coded(&input);
    coded.SetTotalBytesLimit(INT_MAX);
    if (!model.ParseFromCodedStream(&coded) || !coded.ConsumedEntireMessage())
      return "invalid or truncated protobuf data";
    return "";
  } catch (const std::exception &e) {
    return std::string("protobuf error: ") + e.what();
  } catch (...) {
    return "protobuf error";
  }
}

std::string parseTextModel(const std::string &text, onnx::ModelProto &model) {
  try {
    onnx::OnnxParser parser(text.c_str());
    auto status = parser.Parse(model);
    if (!status.IsOK()) {
      // libonnx reports "[ParseError at position (line: L column: C)]",
      // an "Error context:" line and the message; keep position + message.
      llvm::StringRef full(status.ErrorMessage());
      llvm::SmallVector<llvm::StringRef> lines;
      full.split(lines, '\n', -1, /*KeepEmpty=*/false);
      std::string position, message;
      for (llvm::StringRef line : lines) {
        line = line.trim();
        size_t at = line.find("(line: ");
        if (line.starts_with("[ParseError") && at != llvm::StringRef::npos) {
          auto [l, rest] = line.drop_front(at + 7).split(' ');
          llvm::StringRef col = rest.drop_until([](char c) {
                                      return llvm::isDigit(c);
                                    }).take_while([](char c) {
            return llvm::isDigit(c);
          });
          position = "line " + l.str() + ", column " + col.str() + ": ";
        } else if (!line.starts_with("Error context:") && !line.empty()) {
          message = line.str();
        }
      }
      if (message.empty())
        message = full.trim().str();
      return position + (message.empty() ? "syntax error" : message);
    }
    return "";
  } catch (const std::exception &e) {
    return e.what();
  } catch (...) {
    return "syntax error";
  }
}

bool getSchemaFunction(const onnx::NodeProto &node, int64_t opset,
                       const std::vector<onnx::TypeProto> &inputTypes,
                       onnx::FunctionProto &function,
                       onnx::NodeProto &caller) {
  try {
    const onnx::OpSchema *schema = onnx::OpSchemaRegistry::Schema(
        node.op_type(), (int)opset, node.domain());
    if (!schema)
      return false;
    // The body refers to attributes by name; give it the schema's defaults
    // for those the node leaves out.
    caller = node;
    for (const auto &[name, attr] : schema->attributes()) {
      if (attr.default_value.type() == onnx::AttributeProto::UNDEFINED)
        continue;
      bool present = false;
      for (const auto &a : node.attribute())
        present |= a.name() == name;
      if (present)
        continue;
      onnx::AttributeProto *copy = caller.add_attribute();
      *copy = attr.default_value;
      copy->set_name(name);
    }
    if (schema->HasFunction()) {
      const onnx::FunctionProto *body = schema->GetFunction();
      if (!body)
        return false;
      function = *body;
      return true;
    }
    if (schema->HasContextDependentFunction()) {
      onnx::FunctionBodyBuildContextImpl ctx(node, inputTypes);
      return schema->BuildContextDependentFunction(ctx, function);
    }
    return false;
  } catch (...) {
    return false;
  }
}

} // namespace qcc::onnx_import
