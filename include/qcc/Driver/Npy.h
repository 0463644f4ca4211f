//===- Npy.h - numpy .npy files --------------------------------*- C++ -*-===//
//
// This file declares reading and writing of numpy .npy arrays (format 1.0 to
// 3.0, C order, little-endian), used by qcc-run and calibration.
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

/// Serializes `array` in .npy format 1.0.
std::string writeNpy(const NpyArray &array);

} // namespace qcc

#endif // QCC_DRIVER_NPY_H
