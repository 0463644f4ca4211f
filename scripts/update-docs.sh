#!/usr/bin/env bash
# update-docs.sh - regenerates the generated documentation:
#   docs/generated/     dialect and pass references, from the ODS and
#                       Passes.td files with mlir-tblgen (the qcc-doc target);
#   docs/SupportedOps.md  from a run of the ONNX conformance harness
#                       (test/conformance/conformance.py --write-doc) over
#                       libonnx-testdata, when it and python3-onnx are there.
#
#   bash scripts/update-docs.sh [BUILD_DIR]
#
# QCC_DOC_JOBS sets the harness's parallelism (default: all cores).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-$ROOT/build}"
bash "$ROOT/scripts/build.sh" "$BUILD" qcc-doc qcc qcc-run
mkdir -p "$ROOT/docs/generated"
cp "$BUILD"/docs/generated/*.md "$ROOT/docs/generated/"
echo "update-docs: $(ls "$ROOT/docs/generated" | tr '\n' ' ')"

DATA=/usr/share/libonnx-testdata/data
if [ ! -d "$DATA/node" ] || ! /usr/bin/python3 -c "import onnx, numpy" 2>/dev/null; then
  echo "update-docs: no libonnx-testdata or python3-onnx: docs/SupportedOps.md left as is" >&2
  exit 0
fi
status=0
/usr/bin/python3 "$ROOT/test/conformance/conformance.py" --data-root "$DATA" \
  node pytorch-converted pytorch-operator simple \
  --qcc-run "$BUILD/bin/qcc-run" --qcc "$BUILD/bin/qcc" --qcc-flag=-target=avx2 \
  -j "${QCC_DOC_JOBS:-$(nproc)}" \
  --known-failures "$ROOT/test/conformance/known_failures.txt" \
  --quiet --write-doc "$ROOT/docs/SupportedOps.md" || status=$?
echo "update-docs: docs/SupportedOps.md"
if [ "$status" -ne 0 ]; then
  echo "update-docs: the conformance run has unexpected results (see above):" \
       "update test/conformance/known_failures.txt, then run this again" >&2
  exit "$status"
fi
