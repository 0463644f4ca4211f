#!/usr/bin/python3
"""half_conversions.py QCC_RUN TARGET WORKDIR - checks qcc's float casts.

Compiles ONNX Cast models for TARGET and compares, bit for bit, with numpy:
every f16 value -> f32 (exact), and ~600k f32 / f64 values (random bit
patterns, a dense range around the f16 limits, and specials) -> f16 and
f32 -> bf16 (round to nearest even; NaN stays NaN). Prints one line per
conversion with its mismatch count.
"""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper


def cast_model(path, src, dst, n):
    g = helper.make_graph(
        [helper.make_node("Cast", ["x"], ["y"], to=dst)], "cast",
        [helper.make_tensor_value_info("x", src, [n])],
        [helper.make_tensor_value_info("y", dst, [n])])
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
              path)


def run(qcc_run, target, work, name, src, dst, x):
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    cast_model(os.path.join(d, "m.onnx"), src, dst, x.size)
    np.save(os.path.join(d, "x.npy"), x)
    subprocess.check_call([qcc_run, os.path.join(d, "m.onnx"), "-target=" + target,
                           "--input=x=" + os.path.join(d, "x.npy"),
                           "--output-dir=" + os.path.join(d, "out")],
                          stdout=subprocess.DEVNULL)
    return np.load(os.path.join(d, "out", "y.npy"))


def main():
    qcc_run, target, work = sys.argv[1:4]
    rng = np.random.default_rng(0)
    h = np.arange(65536, dtype=np.uint32).astype(np.uint16).view(np.float16)
    got = run(qcc_run, target, work, "f16_f32", TensorProto.FLOAT16,
              TensorProto.FLOAT, h)
    want = h.astype(np.float32)
    bad = ~((got.view(np.uint32) == want.view(np.uint32)) |
            (np.isnan(got) & np.isnan(want)))
    print("f16->f32 mismatches: %d" % bad.sum())

    f = np.concatenate([
        rng.integers(0, 2**32, 400000, dtype=np.uint64).astype(np.uint32).view(np.float32),
        np.arange(-66000, 66000, 0.5, dtype=np.float32),
        np.linspace(-1e-4, 1e-4, 60001, dtype=np.float32),
        np.array([np.inf, -np.inf, np.nan, 0.0, -0.0, 65504, 65519.996, 65520,
                  5.9604645e-08, 2.9802322e-08, 2.9802326e-08, 6.1035156e-05],
                 np.float32)])
    for src, dtype, name in ((TensorProto.FLOAT, np.float32, "f32"),
                             (TensorProto.DOUBLE, np.float64, "f64")):
        x = f.astype(dtype)
        if dtype == np.float64:  # bits below f32 precision: no double rounding
            with np.errstate(invalid="ignore"):
                x = x + np.where(np.isfinite(x), x * 3e-9, 0)
        got = run(qcc_run, target, work, name + "_f16", src, TensorProto.FLOAT16, x)
        with np.errstate(all="ignore"):
            want = x.astype(np.float16)
        bad = ~((got.view(np.uint16) == want.view(np.uint16)) |
                (np.isnan(got) & np.isnan(want)))
        print("%s->f16 mismatches: %d" % (name, bad.sum()))

    got = run(qcc_run, target, work, "f32_bf16", TensorProto.FLOAT,
              TensorProto.BFLOAT16, f).view(np.uint16)
    u = f.view(np.uint32).astype(np.uint64)
    want = ((u + 0x7fff + ((u >> 16) & 1)) >> 16).astype(np.uint16)
    bad = ~((got == want) | (np.isnan(f) & ((got & 0x7fff) > 0x7f80)))
    print("f32->bf16 mismatches: %d" % bad.sum())


if __name__ == "__main__":
    main()
