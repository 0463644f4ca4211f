#!/usr/bin/env bash
# bench/int8-kernels.sh - qcc int8 layer kernels against qcc's own fp32.
#
#   bash bench/int8-kernels.sh [-n RUNS] [-k ROUNDS] [-t TARGET] [-b BUILD_DIR] [-r] [-w]
#
# Compiles ResNet-18-shaped layers (bench/make-int8-layers.py: 3x3
# convolutions at 56/28/14/7, the 7x7 stem, 1x1 convolutions, the 512x1000
# classifier) once as fp32 Conv / Gemm and once as QLinearConv /
# QLinearMatMul (u8 activations, per-channel symmetric int8 weights), runs
# each on one thread (compiled with qcc and linked with
# bench/cpu-time-main.c: median thread CPU time per run; -w: median wall time
# of `qcc-run --benchmark=RUNS` instead) and prints the median milliseconds
# and the ratio fp32 / int8 (above 1: int8 is faster). The two
# variants are timed alternately ROUNDS times (default 3) and the smallest
# median of each is kept, which filters out other load on a shared machine.
# The
# "ResNet-18 layers" line weights each layer by how often ResNet-18 uses it
# (conv3x3 56: 4, 28: 3, 14: 3, 7: 3; the strided 3x3 at 56 stands for the
# three 3x3 stride-2 convs; 1x1 s2: 3 downsample convs; stem and classifier
# once). -r also times the whole ResNet-18 export
# (${QCC_CACHE:-~/.cache/qcc}/models/torch/resnet18.onnx) in fp32 and in the
# QLinearConv form of bench/make-int8-model.py. Models are cached
# under ${QCC_CACHE:-~/.cache/qcc}/bench-int8. Not a test: numbers depend on
# the machine and its load.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RUNS=30
ROUNDS=3
TARGET=host
RESNET=0
BUILD="${QCC_BUILD_DIR:-$ROOT/build}"
WALL=0
while getopts "n:k:t:b:rwh" opt; do
  case "$opt" in
    n) RUNS="$OPTARG" ;;
    k) ROUNDS="$OPTARG" ;;
    t) TARGET="$OPTARG" ;;
    b) BUILD="$OPTARG" ;;
    r) RESNET=1 ;;
    w) WALL=1 ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
  esac
done

PY=/usr/bin/python3
QCC_RUN="$BUILD/bin/qcc-run"
QCC="$BUILD/bin/qcc"
CACHE="${QCC_CACHE:-$HOME/.cache/qcc}"
MODELS="$CACHE/bench-int8"
if [ ! -x "$QCC_RUN" ]; then
  echo "bench: $QCC_RUN not found; build first" >&2
  exit 1
fi
mkdir -p "$MODELS"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mapfile -t LAYERS < <($PY "$ROOT/bench/make-int8-layers.py" "$MODELS")

median() { sed -n 's/^median_ms: *//p' "$1" | tail -n 1; }
# time MODEL -> median ms (or "fail"): the model compiled with qcc and
# linked with bench/cpu-time-main.c, which reports the median thread CPU time
# per run (steady on a shared machine, where the wall time also counts the
# waits for a core), or with -w the median wall time of `qcc-run --benchmark`.
time_model() {
  local log="$WORK/run.log"
  if [ "$WALL" = 1 ]; then
    if timeout 900 "$QCC_RUN" "$1" -target="$TARGET" -O3 --input="$2"="$3" \
         --output-dir="$WORK/out" --benchmark="$RUNS" > "$log" 2>&1; then
      median "$log"
    else
      echo fail
    fi
    return
  fi
  # Compiled once per model; the rounds only run it.
  local bin="$WORK/$(basename "$1" .onnx).bin"
  if [ ! -x "$bin" ]; then
    timeout 900 "$QCC" "$1" -target="$TARGET" -O3 -name=bm -o "$WORK/bm.o" \
      > "$log" 2>&1 &&
      cc -O2 -I"$WORK" "$ROOT/bench/cpu-time-main.c" "$WORK/bm.o" \
        -o "$bin" >> "$log" 2>&1 || { echo fail; return; }
  fi
  if timeout 900 "$bin" "$RUNS" > "$WORK/bm.log" 2>> "$log"; then
    sed -n 's/^median_cpu_ms: *//p' "$WORK/bm.log"
  else
    echo fail
  fi
}
# time_pair A_MODEL A_INPUT B_MODEL B_INPUT [INPUT_NAME] -> "a_ms b_ms": the
# smallest median of each over ROUNDS alternating rounds.
time_pair() {
  local a=fail b=fail r x
  for ((r = 0; r < ROUNDS; ++r)); do
    x="$(time_model "$1" "${5:-x}" "$2")"
    if [ "$x" != fail ]; then
      a="$(awk -v a="$a" -v x="$x" 'BEGIN { print (a == "fail" || x < a) ? x : a }')"
    fi
    x="$(time_model "$3" "${5:-x}" "$4")"
    if [ "$x" != fail ]; then
      b="$(awk -v a="$b" -v x="$x" 'BEGIN { print (a == "fail" || x < a) ? x : a }')"
    fi
  done
  echo "$a $b"
}
weight() {
  case "$1" in
    "conv3x3 64->64 56") echo 4 ;;
    "conv3x3 128->128 28"|"conv3x3 256->256 14"|"conv3x3 512->512 7") echo 3 ;;
    "conv3x3 64->128 56 s2") echo 3 ;;
    "conv1x1 64->128 56 s2") echo 3 ;;
    "conv7x7 3->64 224 s2"|"matmul 1x512 * 512x1000") echo 1 ;;
    *) echo 0 ;;
  esac
}

what="thread CPU time"
[ "$WALL" = 1 ] && what="wall time"
echo "qcc int8 vs qcc fp32, 1 thread, $what, best of $ROUNDS medians of $RUNS runs, -target=$TARGET"
printf '%-26s %10s %10s %10s\n' layer "fp32 ms" "int8 ms" "fp32/int8"
tf=0; ti=0
for entry in "${LAYERS[@]}"; do
  IFS='|' read -r name fm qm fx qx <<< "$entry"
  read -r f q < <(time_pair "$fm" "$fx" "$qm" "$qx")
  if [ "$f" = fail ] || [ "$q" = fail ]; then
    printf '%-26s %10s %10s\n' "$name" "$f" "$q"
    continue
  fi
  printf '%-26s %10.4f %10.4f %10s\n' "$name" "$f" "$q" \
    "$(awk -v a="$f" -v b="$q" 'BEGIN { printf "%.2f", a / b }')"
  wgt="$(weight "$name")"
  tf="$(awk -v t="$tf" -v a="$f" -v w="$wgt" 'BEGIN { print t + a * w }')"
  ti="$(awk -v t="$ti" -v a="$q" -v w="$wgt" 'BEGIN { print t + a * w }')"
done
printf '%-26s %10.4f %10.4f %10s\n' "ResNet-18 layers (sum)" "$tf" "$ti" \
  "$(awk -v a="$tf" -v b="$ti" 'BEGIN { printf "%.2f", a / b }')"
if [ "$RESNET" = 1 ]; then
  R="$CACHE/models/torch/resnet18"
  if [ -f "$R.onnx" ]; then
    $PY "$ROOT/bench/make-int8-model.py" "$R.onnx" "$MODELS/resnet18.int8.onnx"
    read -r f q < <(time_pair "$R.onnx" "$R.input.npy" \
      "$MODELS/resnet18.int8.onnx" "$R.input.npy" input)
    printf '%-26s %10s %10s %10s\n' "ResNet-18 (whole)" "$f" "$q" \
      "$(awk -v a="$f" -v b="$q" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b }')"
  else
    echo "ResNet-18: $R.onnx not cached (scripts/export-torch-models.py)"
  fi
fi
