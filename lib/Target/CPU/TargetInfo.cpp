//===- TargetInfo.cpp - qcc hardware targets ------------------------------===//
//
// This file implements the mapping from `-target=` names to LLVM triples, CPUs
// and features, and the creation of the TargetMachine. The SIMD width used by
// vectorization is read back from the subtarget, so -mcpu/-mattr overrides
// change it consistently.
//
//===----------------------------------------------------------------------===//

#include "qcc/Target/TargetInfo.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace llvm;

namespace qcc {

const std::vector<std::pair<std::string, std::string>> &knownTargets() {
  static const std::vector<std::pair<std::string, std::string>> targets = {
      {"generic", "x86-64 baseline (SSE2), 128-bit vectors"},
      {"avx2", "x86-64-v3: AVX2 + FMA, 256-bit vectors (ymm)"},
      {"avx512", "x86-64-v4: AVX-512 F/BW/DQ/VL, 512-bit vectors (zmm)"},
      {"avx512-vnni", "x86-64-v4 + AVX-512 VNNI (Cascade Lake and later)"},
      {"amx", "Sapphire Rapids: AVX-512 VNNI/BF16/FP16 + AMX tiles"},
      {"aarch64", "AArch64 with NEON, 128-bit vectors"},
      {"neon", "same as aarch64: AArch64 with NEON (Armv8.0-A)"},
      {"neon-dotprod", "AArch64 NEON + dot product (sdot/udot, Armv8.2-A)"},
      {"neon-i8mm", "AArch64 NEON + dot product + int8 matrix multiply "
                    "(smmla, Armv8.6-A)"},
      {"host", "the CPU qcc runs on, with all its features"},
  };
  return targets;
}

Expected<TargetSpec> resolveTarget(StringRef name, StringRef triple,
                                   StringRef cpu, StringRef features) {
  TargetSpec spec;
  spec.name = name.str();
  if (name == "generic") {
    spec.triple = "x86_64-unknown-linux-gnu";
    spec.cpu = "x86-64";
  } else if (name == "avx2") {
    spec.triple = "x86_64-unknown-linux-gnu";
    spec.cpu = "x86-64-v3";
  } else if (name == "avx512") {
    spec.triple = "x86_64-unknown-linux-gnu";
    spec.cpu = "x86-64-v4";
  } else if (name == "avx512-vnni") {
    spec.triple = "x86_64-unknown-linux-gnu";
    spec.cpu = "x86-64-v4";
    spec.features = "+avx512vnni";
  } else if (name == "amx") {
    spec.triple = "x86_64-unknown-linux-gnu";
    spec.cpu = "sapphirerapids";
  } else if (name == "aarch64" || name == "neon") {
    spec.triple = "aarch64-unknown-linux-gnu";
    spec.cpu = "generic";
    spec.features = "+neon";
  } else if (name == "neon-dotprod") {
    spec.triple = "aarch64-unknown-linux-gnu";
    spec.cpu = "generic";
    spec.features = "+neon,+dotprod";
  } else if (name == "neon-i8mm") {
    spec.triple = "aarch64-unknown-linux-gnu";
    spec.cpu = "generic";
    spec.features = "+neon,+dotprod,+i8mm";
  } else if (name == "host") {
    spec.triple = sys::getDefaultTargetTriple();
    spec.cpu = sys::getHostCPUName().str();
    SmallVector<std::string> feats;
    for (auto &f : sys::getHostCPUFeatures())
      feats.push_back((f.second ? "+" : "-") + f.first().str());
    spec.features = join(feats, ",");
  } else {
    std::string names;
    for (auto &t : knownTargets())
      names += (names.empty() ? "" : ", ") + t.first;
    return createStringError(inconvertibleErrorCode(),
                             "unknown target '" + name.str() +
                                 "' (expected one of: " + names + ")");
  }
  if (!triple.empty())
    spec.triple = triple.str();
  if (!cpu.empty())
    spec.cpu = cpu.str();
  if (!features.empty())
    spec.features = spec.features.empty()
                        ? features.str()
                        : spec.features + "," + features.str();
  return spec;
}

Expected<std::unique_ptr<TargetMachine>>
createTargetMachine(TargetSpec &spec, unsigned optLevel) {
  static bool initialized = [] {
    InitializeAllTargetInfos();
    InitializeAllTargets();
    InitializeAllTargetMCs();
    InitializeAllAsmPrinters();
    InitializeAllAsmParsers();
    return true;
  }();
  (void)initialized;

  Triple triple(spec.triple);
  std::string error;
  const Target *target = TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return createStringError(inconvertibleErrorCode(),
                             "unsupported target triple '" + spec.triple +
                                 "': " + error);
  TargetOptions options;
  CodeGenOptLevel level = optLevel == 0   ? CodeGenOptLevel::None
                          : optLevel == 1 ? CodeGenOptLevel::Less
                          : optLevel == 2 ? CodeGenOptLevel::Default
                                          : CodeGenOptLevel::Aggressive;
  std::unique_ptr<TargetMachine> tm(
      target->createTargetMachine(triple, spec.cpu, spec.features, options,
                                  Reloc::PIC_, std::nullopt, level));
  if (!tm)
    return createStringError(inconvertibleErrorCode(),
                             "cannot create a target machine for '" +
                                 spec.triple + "' cpu '" + spec.cpu + "'");
  const MCSubtargetInfo *sti = tm->getMCSubtargetInfo();
  if (!sti->isCPUStringValid(spec.cpu))
    return createStringError(inconvertibleErrorCode(),
                             "unknown CPU '" + spec.cpu + "' for triple '" +
                                 spec.triple + "'");
  spec.hasRounding = !triple.isX86() || sti->checkFeatures("+sse4.1");
  spec.hasF16Conversion = !triple.isX86() || sti->checkFeatures("+f16c");
  if (triple.isX86()) {
    if (sti->checkFeatures("+avx512f"))
      spec.vectorBits = 512;
    else if (sti->checkFeatures("+avx"))
      spec.vectorBits = 256;
    else
      spec.vectorBits = 128;
    spec.pmaddwdBits = sti->checkFeatures("+avx512bw") ? 512
                       : sti->checkFeatures("+avx2")   ? 256
                       : sti->checkFeatures("+sse2")   ? 128
                                                       : 0;
  } else {
    spec.vectorBits = 128;
  }
  return tm;
}

} // namespace qcc
