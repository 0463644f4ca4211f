//===- Npy.h - numpy .npy files --------------------------------*- C++ -*-===//
//
// This file declares reading and writing of numpy .npy arrays (format 1.0 to
// 3.0, C order, little-endian) and reading of .npz archives, used by qcc-run
// and calibration.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_DRIVER_NPY_H
#define QCC_DRIVER_NPY_H

#include "qcc/Runtime/ModelSignature.h"
#include "llvm/Support/Error.h"
#include <string>
#include <vector>

namespace qcc {

struct NpyArray {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::vector<char> data; ///< C-order little-endian element bytes
  int64_t numElements() const;
};

/// Reads an .npy file; errors name the file and the problem.
llvm::Expected<NpyArray> readNpy(llvm::StringRef path);

/// Parses the bytes of an .npy file held in memory; `name` is used in errors.
llvm::Expected<NpyArray> parseNpy(llvm::StringRef bytes, llvm::StringRef name);

/// One array of an .npz archive: the member name without `.npy`, as numpy's
/// `np.load(f)[key]` spells it.
struct NpzEntry {
  std::string key;
  NpyArray array;
};

/// Reads every array of an .npz archive (a zip of .npy members), in archive
/// order. Members stored without compression (`np.savez`) are always
/// readable; deflated members (`np.savez_compressed`) need qcc built with
/// zlib, and give a clear error otherwise.
llvm::Expected<std::vector<NpzEntry>> readNpz(llvm::StringRef path);

/// Serializes `array` in .npy format 1.0.
std::string writeNpy(const NpyArray &array);

} // namespace qcc

#endif // QCC_DRIVER_NPY_H
