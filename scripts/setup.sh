#!/usr/bin/env bash
# setup.sh - installs everything qcc needs to build and test, idempotently.
#
# Debian 12 packages: LLVM/MLIR 22 toolchain, ONNX (protobuf model, parser,
# shape inference, backend test data), build tools, PyTorch + torchvision (CPU;
# scripts/export-torch-models.py exports the real models of
# test/e2e/torch-*.test with them), and what the AArch64 tests need to run
# -target=aarch64 code under QEMU user-mode emulation (scripts/qemu-run.py:
# qemu-user, and Debian's AArch64 cross C library and libgcc, which clang-22
# --target=aarch64-linux-gnu links statically; about 25 MB of downloads).
# Safe to run repeatedly: packages already present are skipped without
# touching apt.
set -euo pipefail

PKGS=(
  build-essential cmake ninja-build ccache pkg-config git
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools clang-22 lld-22
  libonnx-dev libonnx-testdata protobuf-compiler libprotobuf-dev libgtest-dev
  python3 python3-numpy python3-onnx python3-psutil
  python3-torch python3-torchvision python3-pil fonts-dejavu-core
  qemu-user libc6-dev-arm64-cross libgcc-12-dev-arm64-cross
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all Debian packages present"
fi

# Node.js + npm fetch the peers (ONNX Runtime) and real models used by tests and
# benchmarks. Many machines ship a newer Node than Debian's; only install
# Debian's when none is on PATH (Debian's nodejs conflicts with other npms).
if ! command -v npm >/dev/null 2>&1; then
  echo "setup: installing nodejs npm"
  $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi
