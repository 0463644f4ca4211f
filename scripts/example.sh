#!/usr/bin/env bash
# example.sh - installs what qcc needs, builds it, compiles the bundled example
# model (examples/classifier.onnxtxt) to an object + header, links it with
# examples/app.c and runs it.
#
#   bash scripts/example.sh
#
# Works on a fresh Debian 12 machine as root (or a user with sudo).
# Environment: QCC_BUILD_DIR (default build/).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

BUILD="${QCC_BUILD_DIR:-build}"
bash scripts/setup.sh
bash scripts/build.sh "$BUILD" qcc

OUT="$BUILD/example"
mkdir -p "$OUT"
echo "example: $BUILD/bin/qcc examples/classifier.onnxtxt -name=classifier -o $OUT/classifier.o"
"$BUILD/bin/qcc" examples/classifier.onnxtxt -name=classifier -o "$OUT/classifier.o"
CC="$(command -v clang-22 || command -v cc)"
echo "example: $(basename "$CC") -I$OUT examples/app.c $OUT/classifier.o -lm -o $OUT/app"
"$CC" -O2 -I"$OUT" examples/app.c "$OUT/classifier.o" -lm -o "$OUT/app"
echo "example: running $OUT/app"
"$OUT/app"
