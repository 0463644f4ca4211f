//===- TargetInfo.h - qcc hardware targets ---------------------*- C++ -*-===//
//
// This file declares how a `-target=` name (plus -mtriple/-mcpu/-mattr
// overrides) becomes an LLVM TargetMachine and the facts codegen needs from
// it (SIMD width, function attributes).
//
//===----------------------------------------------------------------------===//

#ifndef QCC_TARGET_TARGETINFO_H
#define QCC_TARGET_TARGETINFO_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Target/TargetMachine.h"
#include <memory>
#include <string>
#include <vector>

namespace qcc {

/// A resolved code generation target.
struct TargetSpec {
  std::string name;     ///< -target value, e.g. "avx2"
  std::string triple;   ///< LLVM target triple
  std::string cpu;      ///< LLVM CPU name
  std::string features; ///< comma-separated LLVM feature string (+avx2,...)
  int64_t vectorBits = 128; ///< widest profitable SIMD register, in bits
  /// Widest x86 pmaddwd (16-bit pair multiply-add into i32), in bits: 128
  /// (SSE2), 256 (AVX2) or 512 (AVX-512BW); 0 on other architectures.
  int64_t pmaddwdBits = 0;
  /// The target rounds floats to integral values in hardware (SSE4.1
  /// roundps, NEON frintm); without it llvm.floor/ceil become libm calls.
  bool hasRounding = true;
  /// The target converts between f16 and f32 in hardware (x86 F16C, every
  /// AArch64); without it LLVM calls compiler-rt's __extendhfsf2 and
  /// __truncsfhf2, so the conversions are expanded to integer code.
  bool hasF16Conversion = true;
};

/// Names accepted by -target, with a one-line description each.
const std::vector<std::pair<std::string, std::string>> &knownTargets();

/// Resolves `-target=name` with optional overrides (empty = keep default).
/// "host" asks LLVM for the host CPU and its features.
llvm::Expected<TargetSpec> resolveTarget(llvm::StringRef name,
                                         llvm::StringRef triple,
                                         llvm::StringRef cpu,
                                         llvm::StringRef features);

/// Creates the TargetMachine for `spec` (position-independent code, so that
/// objects link into executables and shared objects alike) and sets
/// `spec.vectorBits` from the subtarget's features.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(TargetSpec &spec, unsigned optLevel);

} // namespace qcc

#endif // QCC_TARGET_TARGETINFO_H
