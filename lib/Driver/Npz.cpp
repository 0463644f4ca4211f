//===- Npz.cpp - numpy .npz archives --------------------------------------===//
//
// This file implements reading numpy's .npz archives: a zip file whose
// members are .npy images. The reader walks the zip central directory
// (including the zip64 records numpy writes with `force_zip64`), takes each
// member's bytes from behind its local header, and inflates deflated members
// (`np.savez_compressed`) with zlib when qcc is built with it. Member CRCs
// are checked when zlib is available.
//
//===----------------------------------------------------------------------===//

#include "qcc/Driver/Npy.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#ifdef QCC_HAVE_ZLIB
#include <zlib.h>
#endif

using namespace llvm;

namespace qcc {

namespace {
/// Little-endian reads from a byte range with bounds checks.
struct ByteReader {
  StringRef bytes;
  bool ok(uint64_t offset, uint64_t size) const {
    return offset <= bytes.size() && size <= bytes.size() - offset;
  }
  uint64_t read(uint64_t offset, unsigned size) const {
    uint64_t v = 0;
    for (unsigned i = 0; i < size; ++i)
      v |= (uint64_t)(unsigned char)bytes[offset + i] << (8 * i);
    return v;
  }
};
} // namespace

static Error npzError(StringRef path, const Twine &msg) {
  return createStringError(inconvertibleErrorCode(),
                           "'" + path +
                               "' is not a readable .npz file: " + msg);
}

/// Inflates a raw deflate stream (zip method 8) of known output size.
static Expected<std::string> inflateMember(StringRef path, StringRef member,
                                           StringRef data, uint64_t size) {
#ifdef QCC_HAVE_ZLIB
  std::string out(size, '\0');
  z_stream zs = {};
  if (inflateInit2(&zs, -MAX_WBITS) != Z_OK)
    return npzError(path, "zlib initialization failed");
  zs.next_in = (Bytef *)data.data();
  zs.avail_in = (uInt)data.size();
  zs.next_out = (Bytef *)out.data();
  zs.avail_out = (uInt)out.size();
  int rc = inflate(&zs, Z_FINISH);
  uint64_t produced = zs.total_out;
  inflateEnd(&zs);
  if (rc != Z_STREAM_END || produced != size)
    return npzError(path, "member '" + member + "' has corrupt deflate data");
  return out;
#else
  return npzError(path, "member '" + member +
                            "' is deflate-compressed (np.savez_compressed), "
                            "and this qcc was built without zlib; save the "
                            "samples with np.savez or as .npy files");
#endif
}

Expected<std::vector<NpzEntry>> readNpz(StringRef path) {
  auto bufOr = MemoryBuffer::getFile(path, /*IsText=*/false,
                                     /*RequiresNullTerminator=*/false);
  if (!bufOr)
    return createStringError(bufOr.getError(), "cannot open '" + path + "': " +
                                                   bufOr.getError().message());
  ByteReader r{(*bufOr)->getBuffer()};
  const uint64_t size = r.bytes.size();

  // End of central directory: 22 bytes plus a comment of up to 64 KiB.
  if (size < 22)
    return npzError(path, "too short for a zip archive");
  uint64_t eocd = UINT64_MAX;
  for (uint64_t pos = size - 22;; --pos) {
    if (r.read(pos, 4) == 0x06054b50 &&
        pos + 22 + r.read(pos + 20, 2) == size) {
      eocd = pos;
      break;
    }
    if (pos == 0 || size - pos > 22 + 0xffff)
      break;
  }
  if (eocd == UINT64_MAX)
    return npzError(path, "no zip end-of-central-directory record");
  uint64_t entries = r.read(eocd + 10, 2);
  uint64_t cdSize = r.read(eocd + 12, 4);
  uint64_t cdOffset = r.read(eocd + 16, 4);
  if (entries == 0xffff || cdSize == 0xffffffff || cdOffset == 0xffffffff) {
    // Zip64: the locator sits right before the classic record.
    if (eocd < 20 || r.read(eocd - 20, 4) != 0x07064b50)
      return npzError(path, "missing zip64 end-of-central-directory locator");
    uint64_t z64 = r.read(eocd - 20 + 8, 8);
    if (!r.ok(z64, 56) || r.read(z64, 4) != 0x06064b50)
      return npzError(path, "corrupt zip64 end-of-central-directory record");
    entries = r.read(z64 + 32, 8);
    cdSize = r.read(z64 + 40, 8);
    cdOffset = r.read(z64 + 48, 8);
  }
  if (!r.ok(cdOffset, cdSize))
    return npzError(path, "the central directory lies outside the file");

  std::vector<NpzEntry> result;
  uint64_t pos = cdOffset;
  for (uint64_t e = 0; e < entries; ++e) {
    if (!r.ok(pos, 46) || r.read(pos, 4) != 0x02014b50)
      return npzError(path, "corrupt central directory entry " + Twine(e));
    unsigned flags = r.read(pos + 8, 2);
    unsigned method = r.read(pos + 10, 2);
    uint32_t crc = r.read(pos + 16, 4);
    uint64_t csize = r.read(pos + 20, 4);
    uint64_t usize = r.read(pos + 24, 4);
    unsigned nameLen = r.read(pos + 28, 2);
    unsigned extraLen = r.read(pos + 30, 2);
    unsigned commentLen = r.read(pos + 32, 2);
    uint64_t local = r.read(pos + 42, 4);
    if (!r.ok(pos + 46, (uint64_t)nameLen + extraLen + commentLen))
      return npzError(path, "corrupt central directory entry " + Twine(e));
    std::string name = r.bytes.substr(pos + 46, nameLen).str();
    // Zip64 extended information: 64-bit sizes/offset for fields at max.
    uint64_t x = pos + 46 + nameLen, xEnd = x + extraLen;
    while (x + 4 <= xEnd) {
      unsigned id = r.read(x, 2), len = r.read(x + 2, 2);
      uint64_t f = x + 4, fEnd = f + len;
      if (fEnd > xEnd)
        break;
      if (id == 0x0001) {
        for (uint64_t *field : {&usize, &csize, &local}) {
          if (*field != 0xffffffff)
            continue;
          if (f + 8 > fEnd)
            return npzError(path, "corrupt zip64 field of '" + name + "'");
          *field = r.read(f, 8);
          f += 8;
        }
      }
      x = fEnd;
    }
    pos += 46 + nameLen + extraLen + commentLen;

    if (name.empty() || name.back() == '/')
      continue; // a directory entry
    if (flags & 1)
      return npzError(path, "member '" + name + "' is encrypted");
    if (!r.ok(local, 30) || r.read(local, 4) != 0x04034b50)
      return npzError(path, "corrupt local header of '" + name + "'");
    uint64_t dataStart =
        local + 30 + r.read(local + 26, 2) + r.read(local + 28, 2);
    if (!r.ok(dataStart, csize))
      return npzError(path, "member '" + name + "' is truncated");
    StringRef data = r.bytes.substr(dataStart, csize);
    std::string inflated;
    if (method == 8) {
      auto out = inflateMember(path, name, data, usize);
      if (!out)
        return out.takeError();
      inflated = std::move(*out);
      data = inflated;
    } else if (method != 0) {
      return npzError(path, "member '" + name +
                                "' uses unsupported zip compression method " +
                                Twine(method) + " (numpy writes 0 or 8)");
    } else if (csize != usize) {
      return npzError(path,
                      "stored member '" + name + "' has inconsistent sizes");
    }
#ifdef QCC_HAVE_ZLIB
    uint32_t actual =
        crc32_z(crc32(0L, Z_NULL, 0), (const Bytef *)data.data(), data.size());
    if (actual != crc)
      return npzError(path, "member '" + name + "' fails its CRC check");
#else
    (void)crc;
#endif
    std::string display = (path + ":" + name).str();
    auto array = parseNpy(data, display);
    if (!array)
      return array.takeError();
    StringRef key = name;
    key.consume_back(".npy");
    result.push_back({key.str(), std::move(*array)});
  }
  return result;
}

} // namespace qcc
