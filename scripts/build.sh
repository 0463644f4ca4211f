#!/usr/bin/env bash
# build.sh - configures (once) and builds qcc in Release mode.
#
#   bash scripts/build.sh [BUILD_DIR] [ninja targets...]
#
# BUILD_DIR defaults to build/. Uses clang-22 and lld when installed (as
# scripts/setup.sh does), ccache when present (CMakeLists.txt picks it up),
# and all cores.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-$ROOT/build}"
shift || true

args=(-G Ninja -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release
      -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir)
if command -v clang-22 >/dev/null && command -v clang++-22 >/dev/null; then
  args+=(-DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22)
fi
if command -v ld.lld-22 >/dev/null || command -v ld.lld >/dev/null; then
  args+=(-DLLVM_ENABLE_LLD=ON)
fi
export CCACHE_BASEDIR="$ROOT"

if [ ! -f "$BUILD/build.ninja" ]; then
  echo "build: configuring $BUILD"
  cmake "${args[@]}" >/dev/null
fi
echo "build: ninja -C $BUILD ${*:-(all)}"
ninja -C "$BUILD" "$@"
