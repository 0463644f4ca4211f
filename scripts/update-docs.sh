#!/usr/bin/env bash
# update-docs.sh - regenerates docs/generated/ (dialect and pass references)
# from the ODS and Passes.td files with mlir-tblgen (the qcc-doc target).
#
#   bash scripts/update-docs.sh [BUILD_DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-$ROOT/build}"
bash "$ROOT/scripts/build.sh" "$BUILD" qcc-doc
mkdir -p "$ROOT/docs/generated"
cp "$BUILD"/docs/generated/*.md "$ROOT/docs/generated/"
echo "update-docs: $(ls "$ROOT/docs/generated" | tr '\n' ' ')"
