#!/usr/bin/env python3
"""Times single layers at each precision: the avx2 cost table's calibration.

    /usr/bin/python3 bench/cost-layers.py [--target avx2] [--runs 30]
        [--rounds 2] [--only SUBSTR] [--build build]

For each layer shape (dense 3x3 / 1x1 convolutions, depthwise convolutions,
squeeze-excite 1x1 convolutions on one pixel, matmuls with few and many rows)
a float ONNX model is compiled with qcc at -quant=none, int8 (-calib=random:
a mixed plan's int8 layer between float neighbours, i.e. with its input
quantization and dequantized float output), fp16, bf16 and int4w, linked with
bench/cpu-time-main.c and timed (median thread CPU time of RUNS calls, the
smallest of ROUNDS interleaved rounds). A "quantize" model times the
float -> u8 conversion pass alone. Prints one line per layer and mode with
the MACs and the milliseconds; docs/MixedPrecision.md ("Cost model") compares
them with the cost model's estimate (`qcc-unittests` does not run this: the
numbers depend on the machine and its load).
"""

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# name, kind, params
LAYERS = [
    ("conv3x3 64->64 56", "conv", (64, 64, 56, 56, 3, 1, 1)),
    ("conv3x3 256->256 14", "conv", (256, 256, 14, 14, 3, 1, 1)),
    ("conv3x3 512->512 7", "conv", (512, 512, 7, 7, 3, 1, 1)),
    ("conv1x1 256->256 14", "conv", (256, 256, 14, 14, 1, 1, 0)),
    ("conv1x1 16->48 24x96", "conv", (16, 48, 24, 96, 1, 1, 0)),
    ("conv3x3 3->16 48x192 s2", "conv", (3, 16, 48, 192, 3, 2, 1)),
    ("dw3x3 64 56", "conv", (64, 64, 56, 56, 3, 1, 1, 64)),
    ("dw3x3 96 12x48", "conv", (96, 96, 12, 48, 3, 1, 1, 96)),
    ("dw5x5 88 12x24", "conv", (88, 88, 12, 24, 5, 1, 2, 88)),
    ("dw5x5 200 8x24", "conv", (200, 200, 8, 24, 5, 1, 2, 200)),
    ("cls dw5x5 88 3x96", "conv", (88, 88, 3, 96, 5, 1, 2, 88)),
    ("cls dw5x5 200 2x96", "conv", (200, 200, 2, 96, 5, 1, 2, 200)),
    ("cls conv1x1 16->88 3x96", "conv", (16, 88, 3, 96, 1, 1, 0)),
    ("cls conv1x1 200->32 2x96", "conv", (200, 32, 2, 96, 1, 1, 0)),
    ("cls conv1x1 8->8 24x96", "conv", (8, 8, 24, 96, 1, 1, 0)),
    ("se1x1 96->24 1x1", "conv", (96, 24, 1, 1, 1, 1, 0)),
    ("se1x1 288->72 1x1", "conv", (288, 72, 1, 1, 1, 1, 0)),
    ("matmul 1x512x1000", "matmul", (1, 512, 1000)),
    ("matmul 1x2048x2048", "matmul", (1, 2048, 2048)),
    ("matmul 64x256x256", "matmul", (64, 256, 256)),
    ("quantize 64x56x56", "quant", (64, 56, 56)),
]
MODES = ["none", "int8", "fp16", "bf16", "int4w"]


def vi(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, list(shape))


def make(kind, p, rng):
    init = numpy_helper.from_array
    if kind == "conv":
        c, m, h, w, k, s, pad = p[:7]
        g = p[7] if len(p) > 7 else 1
        oh, ow = (h + 2 * pad - k) // s + 1, (w + 2 * pad - k) // s + 1
        wt = rng.standard_normal((m, c // g, k, k)).astype(np.float32) * 0.05
        b = rng.standard_normal(m).astype(np.float32) * 0.1
        node = helper.make_node("Conv", ["x", "w", "b"], ["y"],
                                kernel_shape=[k, k], strides=[s, s],
                                pads=[pad] * 4, group=g)
        return ([node], [vi("x", (1, c, h, w))], [vi("y", (1, m, oh, ow))],
                [init(wt, "w"), init(b, "b")]), c * h * w, m * oh * ow * (c // g) * k * k
    if kind == "matmul":
        r, k, n = p
        wt = rng.standard_normal((k, n)).astype(np.float32) * 0.05
        node = helper.make_node("MatMul", ["x", "w"], ["y"])
        return ([node], [vi("x", (r, k))], [vi("y", (r, n))],
                [init(wt, "w")]), r * k, r * k * n
    c, h, w = p
    node = helper.make_node("QuantizeLinear", ["x", "s", "z"], ["y"])
    out = helper.make_tensor_value_info("y", TensorProto.UINT8, [1, c, h, w])
    return ([node], [vi("x", (1, c, h, w))], [out],
            [init(np.float32(0.02), "s"), init(np.uint8(128), "z")]), c * h * w, 0


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=900)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", default="avx2")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--only", default="")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    args = ap.parse_args()
    qcc = os.path.join(args.build, "bin", "qcc")
    rng = np.random.default_rng(3)
    work = tempfile.mkdtemp(prefix="qcc-cost-")
    print(f"# target {args.target}, median thread CPU ms of {args.runs} "
          f"calls, best of {args.rounds} rounds")
    print(f"{'layer':26} {'mode':6} {'MACs':>10} {'ms':>9}")
    for name, kind, p in LAYERS:
        if args.only and args.only not in name:
            continue
        (nodes, ins, outs, inits), _, macs = make(kind, p, rng)
        g = helper.make_graph(nodes, "layer", ins, outs, inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
        m.ir_version = 8
        path = os.path.join(work, "m.onnx")
        onnx.save(m, path)
        modes = ["none"] if kind == "quant" else MODES
        bins = {}
        for mode in modes:
            d = os.path.join(work, mode)
            os.makedirs(d, exist_ok=True)
            obj = os.path.join(d, "bm.o")
            cmd = [qcc, path, f"-target={args.target}", "-O3", "-name=bm",
                   f"-quant={mode}", "-o", obj]
            if mode == "int8":
                cmd.append("-calib=random")
            r = run(cmd)
            if r.returncode != 0:
                print(f"{name:26} {mode:6} compile failed: {r.stderr.strip()[:200]}")
                continue
            exe = os.path.join(work, f"{mode}.bin")
            r = run(["cc", "-O2", "-I" + d,
                     os.path.join(ROOT, "bench", "cpu-time-main.c"), obj,
                     "-o", exe])
            if r.returncode != 0:
                print(f"{name:26} {mode:6} link failed: {r.stderr.strip()[:200]}")
                continue
            bins[mode] = exe
        best = {}
        for _ in range(args.rounds):
            for mode, exe in bins.items():
                r = run([exe, str(args.runs)])
                for line in r.stdout.splitlines():
                    if line.startswith("median_cpu_ms:"):
                        t = float(line.split()[1])
                        best[mode] = min(best.get(mode, t), t)
        for mode in modes:
            if mode in best:
                print(f"{name:26} {mode:6} {macs:>10} {best[mode]:9.4f}",
                      flush=True)


if __name__ == "__main__":
    sys.exit(main())
