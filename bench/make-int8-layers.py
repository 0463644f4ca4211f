#!/usr/bin/env python3
"""Writes the single-layer models of bench/int8-kernels.sh.

For each ResNet-18-shaped layer, an fp32 model (Conv with bias, or a
MatMul + Add) and the int8 model of the same layer (QLinearConv with u8
activations, per-output-channel symmetric int8 weights and an int32 bias;
QLinearMatMul), plus an input .npy for each. Weights and data are
pseudo-random (fixed seed); the timing does not depend on the values.

Usage: make-int8-layers.py OUT_DIR   (prints "name|fp32.onnx|int8.onnx|
fp32_input.npy|int8_input.npy" per layer)
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# name, C, M, H, kernel, stride, pad
CONVS = [
    ("conv7x7 3->64 224 s2", 3, 64, 224, 7, 2, 3),
    ("conv3x3 64->64 56", 64, 64, 56, 3, 1, 1),
    ("conv3x3 64->128 56 s2", 64, 128, 56, 3, 2, 1),
    ("conv3x3 128->128 28", 128, 128, 28, 3, 1, 1),
    ("conv3x3 256->256 14", 256, 256, 14, 3, 1, 1),
    ("conv3x3 512->512 7", 512, 512, 7, 3, 1, 1),
    ("conv1x1 64->128 56 s2", 64, 128, 56, 1, 2, 0),
    ("conv1x1 256->256 14", 256, 256, 14, 1, 1, 0),
]
MATMULS = [("matmul 1x512 * 512x1000", 1, 512, 1000)]


def model(nodes, inputs, outputs, inits):
    g = helper.make_graph(nodes, "layer", inputs, outputs, inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    return m


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, list(shape))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(7)
    init = numpy_helper.from_array
    for name, c, m, h, k, s, p in CONVS:
        tag = "".join(ch if ch.isalnum() else "_" for ch in name)
        oh = (h + 2 * p - k) // s + 1
        attrs = dict(kernel_shape=[k, k], strides=[s, s], pads=[p] * 4)
        w = rng.standard_normal((m, c, k, k)).astype(np.float32) * 0.05
        b = rng.standard_normal(m).astype(np.float32) * 0.1
        x = rng.standard_normal((1, c, h, h)).astype(np.float32)
        f = model([helper.make_node("Conv", ["x", "w", "b"], ["y"], **attrs)],
                  [vi("x", TensorProto.FLOAT, x.shape)],
                  [vi("y", TensorProto.FLOAT, (1, m, oh, oh))],
                  [init(w, "w"), init(b, "b")])
        wq = rng.integers(-127, 128, size=w.shape).astype(np.int8)
        xq = rng.integers(0, 256, size=x.shape).astype(np.uint8)
        ws = rng.uniform(0.001, 0.004, size=m).astype(np.float32)
        bq = rng.integers(-20000, 20000, size=m).astype(np.int32)
        q = model([helper.make_node(
            "QLinearConv", ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz", "b"],
            ["y"], **attrs)],
            [vi("x", TensorProto.UINT8, x.shape)],
            [vi("y", TensorProto.UINT8, (1, m, oh, oh))],
            [init(np.float32(0.02), "xs"), init(np.uint8(128), "xz"),
             init(wq, "w"), init(ws, "ws"), init(np.zeros(m, np.int8), "wz"),
             init(np.float32(0.05 * np.sqrt(c * k * k)), "ys"),
             init(np.uint8(100), "yz"), init(bq, "b")])
        emit(out, name, tag, f, q, x, xq)
    for name, mm, kk, n in MATMULS:
        tag = "".join(ch if ch.isalnum() else "_" for ch in name)
        w = rng.standard_normal((kk, n)).astype(np.float32) * 0.05
        b = rng.standard_normal(n).astype(np.float32) * 0.1
        x = rng.standard_normal((mm, kk)).astype(np.float32)
        f = model([helper.make_node("Gemm", ["x", "w", "b"], ["y"])],
                  [vi("x", TensorProto.FLOAT, x.shape)],
                  [vi("y", TensorProto.FLOAT, (mm, n))],
                  [init(w, "w"), init(b, "b")])
        wq = rng.integers(-127, 128, size=w.shape).astype(np.int8)
        xq = rng.integers(0, 256, size=x.shape).astype(np.uint8)
        q = model([helper.make_node(
            "QLinearMatMul", ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz"],
            ["y"])],
            [vi("x", TensorProto.UINT8, x.shape)],
            [vi("y", TensorProto.UINT8, (mm, n))],
            [init(np.float32(0.02), "xs"), init(np.uint8(128), "xz"),
             init(wq, "w"),
             init(rng.uniform(0.001, 0.004, size=n).astype(np.float32), "ws"),
             init(np.zeros(n, np.int8), "wz"),
             init(np.float32(1.0), "ys"), init(np.uint8(100), "yz")])
        emit(out, name, tag, f, q, x, xq)


def emit(out, name, tag, f, q, x, xq):
    paths = [os.path.join(out, tag + s) for s in
             (".fp32.onnx", ".int8.onnx", ".fp32.x.npy", ".int8.x.npy")]
    onnx.save(f, paths[0])
    onnx.save(q, paths[1])
    np.save(paths[2], x)
    np.save(paths[3], xq)
    print("|".join([name] + paths))


if __name__ == "__main__":
    main()
