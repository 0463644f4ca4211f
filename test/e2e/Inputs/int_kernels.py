#!/usr/bin/env python3
"""Exactness test of qcc's integer kernels against a numpy integer reference.

Builds random single-node ONNX models (QLinearMatMul, QLinearConv,
MatMulInteger, ConvInteger) with random shapes (odd sizes included), random
full-range int8 / uint8 data, per-tensor and per-output-channel weight scales
and zero points, int32 biases, runs each through qcc-run for one -target, and
compares the outputs with a numpy reference for exact equality:

  * MatMulInteger / ConvInteger: int64 sums of (x - x_zp) * (w - w_zp),
    which must equal qcc's int32 result.
  * QLinearMatMul / QLinearConv: the ONNX requantization of the same sums,
    saturate(round_half_even(double(acc) * double(M)) + y_zp) with
    M = float32(float32(x_scale * w_scale) / y_scale), as the ONNX reference
    computes it (one case uses power-of-two scales so that ties occur).

Usage: int_kernels.py WORKDIR --target=T [--seed=S] [--count=N] [--large]
                       [--qcc-run=PATH | --runner=CMD]

--large builds register-tile-sized models for the pair-packed kernels:
QLinearConv / ConvInteger with channel counts up to 40 (odd ones included),
kernels up to 5x5, strides up to 3 and rows up to 47 wide, and
QLinearMatMul / MatMulInteger with constant weights up to 89 x 69, so that
the micro-kernel runs full register tiles, peeled remainders, zero channel
padding and grouped packing.
--runner runs the models with another command that takes qcc-run's
arguments, e.g. "scripts/qemu-run.py --qcc=build/bin/qcc" for -target=aarch64
under qemu-aarch64. Prints "PASS <case>" or "FAIL <case>: ..." per model, a
summary line and the median wall time of one compile-and-run.
"""

import argparse
import os
import shlex
import subprocess
import sys
import time

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

I8 = {np.dtype(np.int8): TensorProto.INT8, np.dtype(np.uint8): TensorProto.UINT8,
      np.dtype(np.int32): TensorProto.INT32, np.dtype(np.float32): TensorProto.FLOAT}


def rand_ints(rng, dtype, shape):
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max + 1, size=shape, dtype=np.int64).astype(dtype)


def rand_dtype(rng):
    return np.dtype(np.uint8) if rng.integers(2) else np.dtype(np.int8)


def rand_scales(rng, count):
    return (rng.uniform(0.002, 0.05, size=count)).astype(np.float32)


def conv_ref(x, w, strides, pads, dilations, group):
    """int64 NCHW convolution of zero-point-corrected values, zero padding."""
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    oh = (h + pads[0] + pads[2] - dilations[0] * (kh - 1) - 1) // strides[0] + 1
    ow = (wd + pads[1] + pads[3] - dilations[1] * (kw - 1) - 1) // strides[1] + 1
    out = np.zeros((n, m, oh, ow), dtype=np.int64)
    mg = m // group
    for g in range(group):
        xs = xp[:, g * cg:(g + 1) * cg]
        ws = w[g * mg:(g + 1) * mg]
        for ky in range(kh):
            for kx in range(kw):
                y0, x0 = ky * dilations[0], kx * dilations[1]
                patch = xs[:, :, y0:y0 + strides[0] * (oh - 1) + 1:strides[0],
                           x0:x0 + strides[1] * (ow - 1) + 1:strides[1]]
                out[:, g * mg:(g + 1) * mg] += np.einsum(
                    "nchw,mc->nmhw", patch, ws[:, :, ky, kx])
    return out


def onnx_requantize(acc, x_scale, w_scale, y_scale, y_zp, y_dtype, axis):
    """ONNX's float requantization, exactly as the reference computes it."""
    m = (np.float32(x_scale) * w_scale.astype(np.float32)).astype(np.float32)
    m = (m / np.float32(y_scale)).astype(np.float32)
    shape = [1] * acc.ndim
    shape[axis] = -1
    m = m.astype(np.float64).reshape(shape) if m.size > 1 else np.float64(m[0])
    y = np.rint(acc.astype(np.float64) * m) + float(y_zp)
    info = np.iinfo(y_dtype)
    return np.clip(y, info.min, info.max).astype(y_dtype)


class Case:
    def __init__(self, name):
        self.name = name
        self.inits = []
        self.inputs = []  # (name, array)
        self.feeds = {}

    def init(self, name, arr):
        self.inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    def inp(self, name, arr):
        self.inputs.append(helper.make_tensor_value_info(
            name, I8[arr.dtype], list(arr.shape)))
        self.feeds[name] = arr
        return name

    def model(self, node, out_dtype, out_shape):
        out = helper.make_tensor_value_info("y", I8[np.dtype(out_dtype)],
                                            list(out_shape))
        graph = helper.make_graph([node], self.name, self.inputs, [out],
                                  self.inits)
        return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def make_matmul(rng, idx, qlinear, ties=False, large=False):
    c = Case(f"{'qlinearmatmul' if qlinear else 'matmulinteger'}_{idx}")
    batch = [] if rng.integers(2) else [int(rng.integers(1, 4))]
    m, k, n = (int(rng.integers(1, 10)), int(rng.integers(1, 40)),
               int(rng.integers(1, 14)))
    if large:
        # Rows of whole vectors plus remainders, odd and even depths.
        m, k, n = (int(rng.integers(1, 13)), int(rng.integers(2, 90)),
                   int(rng.integers(1, 70)))
    if ties:
        m, k, n = (int(rng.integers(4, 10)), int(rng.integers(1, 5)),
                   int(rng.integers(4, 10)))
    adt, bdt = rand_dtype(rng), rand_dtype(rng)
    a = rand_ints(rng, adt, batch + [m, k])
    b = rand_ints(rng, bdt, [k, n])
    a_zp = rand_ints(rng, adt, [])
    per_col = bool(rng.integers(2)) and n > 1
    b_zp = rand_ints(rng, bdt, [n] if per_col else [])
    if ties:
        # Values within 3 of the zero points and M = 1/2: every odd sum is a
        # tie that round-half-to-even must resolve.
        def near(zp, shape, dtype):
            info = np.iinfo(dtype)
            v = zp.astype(np.int64) + rng.integers(-3, 4, size=shape)
            return np.clip(v, info.min, info.max).astype(dtype)
        a = near(a_zp, a.shape, adt)
        b = near(b_zp, b.shape, bdt)
    acc = np.matmul(a.astype(np.int64) - int(a_zp),
                    b.astype(np.int64) - b_zp.astype(np.int64))
    b_const = bool(rng.integers(2)) or large
    names = [c.inp("a", a)]
    if qlinear:
        if ties:
            a_scale, b_scale = np.float32(0.5), np.full(
                [n] if per_col else [], 0.25, np.float32)
            y_scale = np.float32(0.25)
        else:
            a_scale = rand_scales(rng, 1)[0]
            b_scale = rand_scales(rng, n)[:n] if per_col else rand_scales(rng, 1)[0]
            y_scale = np.float32(np.float32(a_scale) * np.float32(np.max(b_scale)) *
                                 np.sqrt(k) * rng.uniform(150, 600))
        ydt = rand_dtype(rng)
        y_zp = rand_ints(rng, ydt, [])
        names += [c.init("a_scale", np.float32(a_scale)), c.init("a_zp", a_zp)]
        names += [c.init("b", b) if b_const else c.inp("b", b),
                  c.init("b_scale", np.asarray(b_scale, np.float32)),
                  c.init("b_zp", b_zp)]
        names += [c.init("y_scale", np.float32(y_scale)), c.init("y_zp", y_zp)]
        node = helper.make_node("QLinearMatMul", names, ["y"])
        ref = onnx_requantize(acc, a_scale, np.atleast_1d(np.float32(b_scale)),
                              y_scale, y_zp, ydt, acc.ndim - 1)
        if ties:
            c.name += f"_ties{np.count_nonzero(acc % 2)}"
        return c, c.model(node, ydt, ref.shape), ref
    names += [c.init("b", b) if b_const else c.inp("b", b),
              c.init("a_zp", a_zp), c.init("b_zp", b_zp)]
    node = helper.make_node("MatMulInteger", names, ["y"])
    ref = acc.astype(np.int32)
    return c, c.model(node, np.int32, ref.shape), ref


def make_conv(rng, idx, qlinear, large=False):
    c = Case(f"{'qlinearconv' if qlinear else 'convinteger'}_{idx}")
    n = int(rng.integers(1, 3))
    kind = rng.integers(3)  # 0: dense, 1: depthwise, 2: groups
    group = 1
    if large:
        # Register-tile-sized layers: channel counts with odd and even
        # halves, rows of whole vectors plus remainders (up to 2 x 16 + 7),
        # groups with an odd channel count per group.
        if kind == 1:
            ch = int(rng.integers(1, 20))
            group, m = ch, ch
        elif kind == 2:
            group = int(rng.integers(2, 4))
            ch = group * int(rng.integers(1, 8))
            m = group * int(rng.integers(1, 6))
        else:
            ch, m = int(rng.integers(1, 41)), int(rng.integers(1, 41))
        kh, kw = int(rng.integers(1, 6)), int(rng.integers(1, 6))
        strides = [int(rng.integers(1, 4)), int(rng.integers(1, 4))]
        dilations = [int(rng.integers(1, 3)), int(rng.integers(1, 3))]
        pads = [int(rng.integers(0, 4)) for _ in range(4)]
        h = int(rng.integers(dilations[0] * (kh - 1) + 1, 24))
        w = int(rng.integers(dilations[1] * (kw - 1) + 1, 48))
    else:
        if kind == 1:
            ch = int(rng.integers(1, 9))
            group, m = ch, ch
        elif kind == 2:
            group = 2
            ch, m = 2 * int(rng.integers(1, 4)), 2 * int(rng.integers(1, 5))
        else:
            ch, m = int(rng.integers(1, 7)), int(rng.integers(1, 9))
        kh, kw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        strides = [int(rng.integers(1, 3)), int(rng.integers(1, 3))]
        dilations = [int(rng.integers(1, 3)), int(rng.integers(1, 3))]
        pads = [int(rng.integers(0, 3)) for _ in range(4)]
        h = int(rng.integers(dilations[0] * (kh - 1) + 1, 12))
        w = int(rng.integers(dilations[1] * (kw - 1) + 1, 12))
    xdt, wdt = rand_dtype(rng), rand_dtype(rng)
    x = rand_ints(rng, xdt, [n, ch, h, w])
    wt = rand_ints(rng, wdt, [m, ch // group, kh, kw])
    x_zp = rand_ints(rng, xdt, [])
    per_ch = bool(rng.integers(2)) and m > 1
    w_zp = rand_ints(rng, wdt, [m] if per_ch else [])
    wzp = w_zp.astype(np.int64).reshape(-1, 1, 1, 1) if per_ch else int(w_zp)
    acc = conv_ref(x.astype(np.int64) - int(x_zp), wt.astype(np.int64) - wzp,
                   strides, pads, dilations, group)
    attrs = dict(strides=strides, pads=pads, dilations=dilations, group=group,
                 kernel_shape=[kh, kw])
    names = [c.inp("x", x)]
    if qlinear:
        x_scale = rand_scales(rng, 1)[0]
        w_scale = rand_scales(rng, m) if per_ch else rand_scales(rng, 1)
        depth = (ch // group) * kh * kw
        y_scale = np.float32(x_scale * np.max(w_scale) * np.sqrt(depth) *
                             rng.uniform(150, 600))
        ydt = rand_dtype(rng)
        y_zp = rand_ints(rng, ydt, [])
        bias = rng.integers(-20000, 20001, size=[m]).astype(np.int32)
        names += [c.init("x_scale", np.float32(x_scale)), c.init("x_zp", x_zp),
                  c.init("w", wt),
                  c.init("w_scale", w_scale if per_ch else np.float32(w_scale[0])),
                  c.init("w_zp", w_zp), c.init("y_scale", y_scale),
                  c.init("y_zp", y_zp), c.init("bias", bias)]
        node = helper.make_node("QLinearConv", names, ["y"], **attrs)
        ref = onnx_requantize(acc + bias.astype(np.int64).reshape(1, -1, 1, 1),
                              x_scale, w_scale, y_scale, y_zp, ydt, 1)
        return c, c.model(node, ydt, ref.shape), ref
    names += [c.init("w", wt), c.init("x_zp", x_zp), c.init("w_zp", w_zp)]
    node = helper.make_node("ConvInteger", names, ["y"], **attrs)
    ref = acc.astype(np.int32)
    return c, c.model(node, np.int32, ref.shape), ref


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("workdir")
    ap.add_argument("--target", required=True)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--count", type=int, default=6,
                    help="models per operator")
    ap.add_argument("--qcc-run", default="qcc-run")
    ap.add_argument("--large", action="store_true",
                    help="register-tile-sized convolutions and matmuls")
    ap.add_argument("--runner", help="command line (split as a shell would) "
                    "used instead of --qcc-run; it gets qcc-run's arguments")
    args = ap.parse_args()
    runner = shlex.split(args.runner) if args.runner else [args.qcc_run]
    rng = np.random.default_rng(args.seed)
    cases = []
    for i in range(args.count):
        if args.large:
            cases.append(make_matmul(rng, i, qlinear=True, large=True))
            cases.append(make_matmul(rng, i, qlinear=False, large=True))
            cases.append(make_conv(rng, i, qlinear=True, large=True))
            cases.append(make_conv(rng, i, qlinear=False, large=True))
            continue
        cases.append(make_matmul(rng, i, qlinear=True, ties=(i == 0)))
        cases.append(make_matmul(rng, i, qlinear=False))
        cases.append(make_conv(rng, i, qlinear=True))
        cases.append(make_conv(rng, i, qlinear=False))
    failed = 0
    seconds = []
    for case, model, ref in cases:
        d = os.path.join(args.workdir, case.name)
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, "model.onnx")
        onnx.save(model, path)
        cmd = runner + [path, f"-target={args.target}",
                        f"--output-dir={d}/out"]
        for name, arr in case.feeds.items():
            np.save(os.path.join(d, name + ".npy"), arr)
            cmd.append(f"--input={name}={os.path.join(d, name + '.npy')}")
        start = time.monotonic()
        r = subprocess.run(cmd, capture_output=True, text=True)
        seconds.append(time.monotonic() - start)
        if r.returncode != 0:
            print(f"FAIL {case.name}: qcc-run exited {r.returncode}: "
                  f"{r.stderr.strip()[-400:]}")
            failed += 1
            continue
        got = np.load(os.path.join(d, "out", "y.npy"))
        if got.dtype != ref.dtype or got.shape != ref.shape:
            print(f"FAIL {case.name}: got {got.dtype}{list(got.shape)}, "
                  f"expected {ref.dtype}{list(ref.shape)}")
            failed += 1
            continue
        diff = np.count_nonzero(got != ref)
        if diff:
            where = np.argwhere(got != ref)[0]
            print(f"FAIL {case.name}: {diff} of {ref.size} elements differ, "
                  f"first at {where.tolist()}: {got[tuple(where)]} != "
                  f"{ref[tuple(where)]}")
            failed += 1
            continue
        print(f"PASS {case.name} ({ref.size} elements)")
    print(f"int-kernels {args.target}: {len(cases) - failed} of {len(cases)} "
          f"models exact")
    print(f"int-kernels {args.target}: median {np.median(seconds):.2f} s per "
          f"model (compile and run), {sum(seconds):.1f} s in all")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
