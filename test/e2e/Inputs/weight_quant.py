#!/usr/bin/env python3
"""Exactness test of qcc's weight-only quantization (-quant=fp16|bf16|int4w).

Builds small single-layer ONNX models (MatMul, Gemm with transB, convolutions:
plain, padded/strided, grouped, depthwise, pointwise, with reduction lengths
that are and are not multiples of the int4 group), quantizes their weights in
numpy exactly as qcc-quantize-weights does (an independent reimplementation of
the documented scheme), evaluates the layer in float64 with the dequantized
weights, and runs the model through qcc-run with the same -quant and -target.

The only difference between qcc's kernel and the reference is then the f32
accumulation order, so the check is a relative L2 error <= TOL (default 2e-6;
measured ~1e-7). Each case also checks that the result differs from the fp32
weights' result by more than 10 x TOL, so that a compiler ignoring -quant
fails.

Usage: weight_quant.py WORKDIR --target=T --quant=Q [--group=G] [--seed=S]
Prints "PASS <case>" or "FAIL <case>: ..." per model and a summary line.
"""

import argparse
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def round_f16(w):
    """f32 -> f16, nearest even, saturating at +-65504 (qcc's roundTo)."""
    return np.clip(w.astype(np.float64), -65504, 65504).astype(np.float16)


def round_bf16(w):
    """f32 -> bf16, nearest even (values are finite), returned as float32."""
    bits = np.asarray(w, dtype=np.float32).view(np.uint32).astype(np.uint64)
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16 << 16
    return bits.astype(np.uint32).view(np.float32)


def quantize_groups(rows):
    """rows: [R, Ng, G] float64 -> (q int [R, Ng, G], f16 scales [R, Ng]).

    Per group: s = f16(absmax / m) for m = 7, 7.25, ..., 10.75 (skipping
    scales that underflow to 0), q = clamp(round_half_away(w / s), -8, 7),
    the first m with the smallest sum of squared errors (accumulated in
    order, as qcc does) wins."""
    r, ng, g = rows.shape
    absmax = np.abs(rows).max(axis=2)
    best_s = np.zeros((r, ng))
    best_err = np.full((r, ng), np.inf)
    best_q = np.zeros(rows.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        for i in range(16):
            s = (absmax / (7.0 + 0.25 * i)).astype(np.float16).astype(np.float64)
            ok = s != 0
            ss = np.where(ok, s, 1.0)[:, :, None]
            x = rows / ss
            q = np.clip(np.sign(x) * np.floor(np.abs(x) + 0.5), -8, 7)
            d = q * ss - rows
            err = np.zeros((r, ng))
            for j in range(g):
                err = err + d[:, :, j] * d[:, :, j]
            better = ok & (err < best_err)
            best_err = np.where(better, err, best_err)
            best_s = np.where(better, s, best_s)
            best_q = np.where(better[:, :, None], q, best_q)
    best_q = np.where((best_s == 0)[:, :, None], 0, best_q)
    return best_q, best_s


def dequant_int4(w, axis, group):
    """Dequantized int4 weights, w grouped along the reduction of `axis`."""
    w = w.astype(np.float64)
    rows = w.shape[axis]
    mat = np.moveaxis(w, axis, 0).reshape(rows, -1) if axis == 0 else \
        w.reshape(-1, rows).T
    k = mat.shape[1]
    g = max(2, min(group, (k + 1) // 2 * 2))
    ng = (k + g - 1) // g
    padded = np.zeros((rows, ng * g))
    padded[:, :k] = mat
    q, s = quantize_groups(padded.reshape(rows, ng, g))
    deq = (q * s[:, :, None]).reshape(rows, ng * g)[:, :k]
    if axis == 0:
        return deq.reshape(w.shape)
    return deq.T.reshape(w.shape)


def quantize(w, mode, axis, group):
    if mode == "fp16":
        return round_f16(w).astype(np.float64)
    if mode == "bf16":
        return round_bf16(w).astype(np.float64)
    return dequant_int4(w, axis, group)


def conv_ref(x, w, b, strides, pads, group):
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    oh = (h + pads[0] + pads[2] - kh) // strides[0] + 1
    ow = (wd + pads[1] + pads[3] - kw) // strides[1] + 1
    out = np.zeros((n, m, oh, ow))
    mg = m // group
    for g in range(group):
        xs = xp[:, g * cg:(g + 1) * cg]
        ws = w[g * mg:(g + 1) * mg]
        for ky in range(kh):
            for kx in range(kw):
                patch = xs[:, :, ky:ky + strides[0] * (oh - 1) + 1:strides[0],
                           kx:kx + strides[1] * (ow - 1) + 1:strides[1]]
                out[:, g * mg:(g + 1) * mg] += np.einsum(
                    "nchw,mc->nmhw", patch, ws[:, :, ky, kx])
    return out + b.reshape(1, -1, 1, 1)


def save_model(path, node, inputs, output, inits):
    graph = helper.make_graph([node], "g", inputs, [output],
                              [numpy_helper.from_array(a, n) for n, a in inits])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.save(model, path)


def vi(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def cases(rng):
    """Yields (name, builder) where builder(path) returns (x, ref_fn)."""
    def matmul(m, k, n):
        def build(path):
            w = rng.standard_normal((k, n)).astype(np.float32)
            save_model(path, helper.make_node("MatMul", ["x", "w"], ["y"]),
                       [vi("x", [m, k])], vi("y", [m, n]), [("w", w)])
            x = rng.standard_normal((m, k)).astype(np.float32)
            return x, lambda mode, g: x.astype(np.float64) @ (
                w.astype(np.float64) if mode is None else quantize(w, mode, 1, g))
        return f"matmul {m}x{k}x{n}", build

    def gemm_tb(m, k, n):
        def build(path):
            w = rng.standard_normal((n, k)).astype(np.float32)
            b = rng.standard_normal(n).astype(np.float32)
            save_model(path, helper.make_node("Gemm", ["x", "w", "b"], ["y"],
                                              transB=1),
                       [vi("x", [m, k])], vi("y", [m, n]), [("w", w), ("b", b)])
            x = rng.standard_normal((m, k)).astype(np.float32)
            wt = np.ascontiguousarray(w.T)

            def ref(mode, g):
                wq = wt.astype(np.float64) if mode is None else quantize(wt, mode, 1, g)
                return x.astype(np.float64) @ wq + b
            return x, ref
        return f"gemm-transB {m}x{k}x{n}", build

    def conv(c, o, hw, k, stride=1, pad=0, group=1, relu=False):
        def build(path):
            w = (rng.standard_normal((o, c // group, k, k)) * 0.3).astype(np.float32)
            b = rng.standard_normal(o).astype(np.float32)
            pads = [pad] * 4
            node = helper.make_node("Conv", ["x", "w", "b"], ["y"],
                                    strides=[stride, stride], pads=pads,
                                    group=group, kernel_shape=[k, k])
            oh = (hw + 2 * pad - k) // stride + 1
            save_model(path, node, [vi("x", [1, c, hw, hw])],
                       vi("y", [1, o, oh, oh]), [("w", w), ("b", b)])
            x = rng.standard_normal((1, c, hw, hw)).astype(np.float32)

            def ref(mode, g):
                wq = w.astype(np.float64) if mode is None else quantize(w, mode, 0, g)
                return conv_ref(x.astype(np.float64), wq, b, [stride] * 2, pads, group)
            return x, ref
        kind = "depthwise" if group == c and group > 1 else (
            f"group{group}" if group > 1 else "conv")
        return f"{kind} {c}->{o} {k}x{k} s{stride} p{pad} {hw}x{hw}", build

    yield matmul(3, 40, 24)        # K = 40: one full group + a padded one
    yield matmul(1, 256, 100)      # K a multiple of every group size
    yield matmul(5, 7, 9)          # K shorter than a group, odd
    yield gemm_tb(4, 96, 33)       # transposed weights folded to [K, N]
    yield conv(6, 8, 10, 3, pad=1)                 # K = 54
    yield conv(16, 12, 9, 3, stride=2, pad=1)      # K = 144
    yield conv(8, 6, 7, 3, pad=1, group=2)         # grouped, K = 36
    yield conv(16, 16, 12, 3, pad=1, group=16)     # depthwise, K = 9
    yield conv(64, 24, 6, 1)                       # pointwise -> matmul path
    yield conv(3, 10, 17, 5, stride=2, pad=2)      # K = 75, odd


def rel_l2(got, ref):
    return float(np.linalg.norm(got - ref) / max(np.linalg.norm(ref), 1e-300))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("workdir")
    ap.add_argument("--target", default="generic")
    ap.add_argument("--quant", required=True, choices=["fp16", "bf16", "int4w"])
    ap.add_argument("--group", type=int, default=32)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--tol", type=float, default=2e-6)
    ap.add_argument("--qcc-run", default="qcc-run")
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    mode = {"fp16": "fp16", "bf16": "bf16", "int4w": "int4"}[args.quant]
    passed = total = 0
    for i, (name, build) in enumerate(cases(rng)):
        total += 1
        d = os.path.join(args.workdir, f"case{i}")
        os.makedirs(d, exist_ok=True)
        model = os.path.join(d, "model.onnx")
        x, ref_fn = build(model)
        np.save(os.path.join(d, "x.npy"), x)
        cmd = [args.qcc_run, model, f"-target={args.target}",
               f"-quant={args.quant}", f"-int4-group={args.group}",
               f"--input=x={os.path.join(d, 'x.npy')}",
               f"--output-dir={os.path.join(d, 'out')}"]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            print(f"FAIL {name}: qcc-run exited {r.returncode}: {r.stderr.strip()}")
            continue
        got = np.load(os.path.join(d, "out", "y.npy")).astype(np.float64)
        ref = ref_fn(mode, args.group)
        fp32 = ref_fn(None, args.group)
        err, moved = rel_l2(got, ref), rel_l2(got, fp32)
        if err > args.tol:
            print(f"FAIL {name}: relative L2 error {err:.3g} > {args.tol:g} "
                  f"(vs fp32 weights {moved:.3g})")
        elif moved <= 10 * args.tol:
            print(f"FAIL {name}: result equals the fp32 weights' "
                  f"({moved:.3g}); weights were not quantized")
        else:
            passed += 1
            print(f"PASS {name}: error {err:.2g}, vs fp32 weights {moved:.2g}")
    print(f"weight-quant {args.quant} g{args.group} {args.target}: "
          f"{passed} of {total} models within tolerance")
    return 0 if passed == total else 1


if __name__ == "__main__":
    sys.exit(main())
