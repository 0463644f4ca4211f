//===- Npy.cpp - numpy .npy files -----------------------------------------===//
//
// This file implements a small reader and writer for numpy's .npy format: a
// magic string, a version, a Python-dict header ('descr', 'fortran_order',
// 'shape') and the raw little-endian data.
//
//===----------------------------------------------------------------------===//

#include "qcc/Driver/Npy.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include <cstring>

using namespace llvm;

namespace qcc {

int64_t NpyArray::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

static Error npyError(StringRef path, const Twine &msg) {
  return createStringError(inconvertibleErrorCode(),
                           "'" + path + "' is not a readable .npy file: " + msg);
}

static std::optional<DType> parseDescr(StringRef d) {
  if (d.size() < 3)
    return std::nullopt;
  char order = d[0];
  StringRef code = d.drop_front();
  bool single = code == "u1" || code == "i1" || code == "b1";
  if (order == '>' && !single)
    return std::nullopt; // big-endian data
  static const std::pair<const char *, DType> table[] = {
      {"f4", DType::F32},  {"f2", DType::F16}, {"f8", DType::F64},
      {"i1", DType::I8},   {"u1", DType::U8},  {"i2", DType::I16},
      {"u2", DType::U16},  {"i4", DType::I32}, {"u4", DType::U32},
      {"i8", DType::I64},  {"u8", DType::U64}, {"b1", DType::Bool}};
  for (auto &[c, t] : table)
    if (code == c)
      return t;
  return std::nullopt;
}

static const char *descrOf(DType t) {
  switch (t) {
  case DType::F32: return "<f4";
  case DType::F16: return "<f2";
  case DType::BF16: return "<u2"; // numpy has no bfloat16: raw bits
  case DType::F64: return "<f8";
  case DType::I8: return "|i1";
  case DType::U8: return "|u1";
  case DType::I16: return "<i2";
  case DType::U16: return "<u2";
  case DType::I32: return "<i4";
  case DType::U32: return "<u4";
  case DType::I64: return "<i8";
  case DType::U64: return "<u8";
  case DType::Bool: return "|b1";
  }
  return "|u1";
}

/// Returns the value text after `'key':` in a Python dict literal.
static std::optional<StringRef> dictValue(StringRef header, StringRef key) {
  size_t pos = header.find(("'" + key + "'").str());
  if (pos == StringRef::npos)
    return std::nullopt;
  StringRef rest = header.drop_front(pos + key.size() + 2).ltrim();
  if (!rest.consume_front(":"))
    return std::nullopt;
  return rest.ltrim();
}

Expected<NpyArray> readNpy(StringRef path) {
  auto bufOr = MemoryBuffer::getFile(path, /*IsText=*/false,
                                     /*RequiresNullTerminator=*/false);
  if (!bufOr)
    return createStringError(bufOr.getError(),
                             "cannot open '" + path + "': " +
                                 bufOr.getError().message());
  return parseNpy((*bufOr)->getBuffer(), path);
}

Expected<NpyArray> parseNpy(StringRef all, StringRef path) {
  if (!all.starts_with("\x93NUMPY") || all.size() < 10)
    return npyError(path, "missing the \\x93NUMPY magic");
  unsigned major = (unsigned char)all[6];
  size_t headerLen, start;
  if (major == 1) {
    headerLen = (unsigned char)all[8] | ((unsigned char)all[9] << 8);
    start = 10;
  } else if (major == 2 || major == 3) {
    if (all.size() < 12)
      return npyError(path, "truncated header");
    headerLen = 0;
    for (int i = 0; i < 4; ++i)
      headerLen |= (size_t)(unsigned char)all[8 + i] << (8 * i);
    start = 12;
  } else {
    return npyError(path, "unsupported format version " + Twine(major));
  }
  if (start + headerLen > all.size())
    return npyError(path, "truncated header");
  StringRef header = all.substr(start, headerLen);

  NpyArray array;
  auto descr = dictValue(header, "descr");
  if (!descr || descr->size() < 2 || (*descr)[0] != '\'')
    return npyError(path, "no 'descr' in header");
  StringRef d = descr->drop_front().split('\'').first;
  auto dtype = parseDescr(d);
  if (!dtype)
    return npyError(path, "unsupported dtype '" + d + "'");
  array.dtype = *dtype;
  auto fortran = dictValue(header, "fortran_order");
  if (fortran && fortran->starts_with("True"))
    return npyError(path, "Fortran-ordered arrays are not supported; save "
                          "with np.ascontiguousarray");
  auto shape = dictValue(header, "shape");
  if (!shape || !shape->starts_with("("))
    return npyError(path, "no 'shape' in header");
  StringRef dims = shape->drop_front().split(')').first;
  SmallVector<StringRef> parts;
  dims.split(parts, ',');
  for (StringRef p : parts) {
    p = p.trim();
    if (p.empty())
      continue;
    int64_t v;
    if (p.getAsInteger(10, v) || v < 0)
      return npyError(path, "bad shape entry '" + p + "'");
    array.shape.push_back(v);
  }
  size_t bytes = array.numElements() * dtypeSize(array.dtype);
  size_t dataStart = start + headerLen;
  if (all.size() - dataStart < bytes)
    return npyError(path, "data is truncated (" +
                              Twine(all.size() - dataStart) + " of " +
                              Twine(bytes) + " bytes)");
  array.data.assign(all.begin() + dataStart, all.begin() + dataStart + bytes);
  return array;
}

std::string writeNpy(const NpyArray &array) {
  std::string header = "{'descr': '";
  header += descrOf(array.dtype);
  header += "', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < array.shape.size(); ++i)
    header += (i ? ", " : "") + std::to_string(array.shape[i]);
  if (array.shape.size() == 1)
    header += ",";
  header += "), }";
  // Pad so that the data starts on a 64-byte boundary, ending with '\n'.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string out = "\x93NUMPY";
  out += (char)1;
  out += (char)0;
  out += (char)(header.size() & 0xff);
  out += (char)((header.size() >> 8) & 0xff);
  out += header;
  out.append(array.data.begin(), array.data.end());
  return out;
}

} // namespace qcc
