#!/usr/bin/env python3
"""Exactness test of integer max/min pooling and reductions against numpy.

Builds single-node ONNX models whose result depends on the order of integer
values - MaxPool (with and without padding, ceil_mode, dilations, odd sizes,
1-D), GlobalMaxPool, ReduceMax / ReduceMin, ArgMax / ArgMin and the
elementwise Max / Min / Less / Greater / Div / Clip - on uint8, int8, uint16,
int16, uint32 and int32 data that spans the whole range of the type (so that
an unsigned value >= 2^(bits-1), read as signed, would order wrongly), runs
each through qcc-run for one -target and -O level, and compares the outputs
with numpy for exact equality.

Usage: int_extrema.py WORKDIR --target=T [-O3] [--seed=S] [--only=SUBSTR]
Prints "PASS <case>" or "FAIL <case>: ..." per model and a summary line.
"""

import argparse
import math
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

ONNX_TYPE = {
    np.dtype(np.uint8): TensorProto.UINT8,
    np.dtype(np.int8): TensorProto.INT8,
    np.dtype(np.uint16): TensorProto.UINT16,
    np.dtype(np.int16): TensorProto.INT16,
    np.dtype(np.uint32): TensorProto.UINT32,
    np.dtype(np.int32): TensorProto.INT32,
    np.dtype(np.int64): TensorProto.INT64,
    np.dtype(np.bool_): TensorProto.BOOL,
}

UNSIGNED = [np.uint8, np.uint16, np.uint32]
SIGNED = [np.int8, np.int16, np.int32]


def full_range(rng, dtype, shape):
    """Random values over the whole range of `dtype`, both ends included."""
    info = np.iinfo(dtype)
    v = rng.integers(info.min, info.max, size=shape, dtype=np.int64,
                     endpoint=True)
    flat = v.reshape(-1)
    if flat.size >= 2:
        flat[0], flat[-1] = info.max, info.min
    return v.astype(dtype)


def short(dtype):
    return np.dtype(dtype).name.replace("int", "i")


class Case:
    """One single-node model with its inputs and numpy reference outputs."""

    def __init__(self, name, op, inputs, refs, opset=13, **attrs):
        self.name = name
        self.inputs = inputs  # list of (name, array)
        self.refs = refs  # list of (name, array)
        node = helper.make_node(op, [n for n, _ in inputs],
                                [n for n, _ in refs], **attrs)
        vi = [helper.make_tensor_value_info(n, ONNX_TYPE[a.dtype],
                                            list(a.shape))
              for n, a in inputs]
        vo = [helper.make_tensor_value_info(n, ONNX_TYPE[a.dtype],
                                            list(a.shape))
              for n, a in refs]
        graph = helper.make_graph([node], name, vi, vo)
        self.model = helper.make_model(
            graph, opset_imports=[helper.make_opsetid("", opset)])


def out_size(n, k, s, d, pb, pe, ceil):
    span = n + pb + pe - d * (k - 1) - 1
    o = (math.ceil(span / s) if ceil else span // s) + 1
    # ONNX: with ceil_mode the last window must start inside the input or
    # the begin padding.
    if ceil and (o - 1) * s >= n + pb:
        o -= 1
    return o


def maxpool_ref(x, kernel, strides, pads, dilations, ceil):
    """NC(H)W max pooling; padded taps never win."""
    spatial = x.ndim - 2
    info = np.iinfo(x.dtype)
    outs = [out_size(x.shape[2 + i], kernel[i], strides[i], dilations[i],
                     pads[i], pads[i + spatial], ceil) for i in range(spatial)]
    # Pad the end far enough for every window.
    ends = [max(0, (outs[i] - 1) * strides[i] + dilations[i] *
                (kernel[i] - 1) + 1 - x.shape[2 + i] - pads[i])
            for i in range(spatial)]
    xp = np.pad(x.astype(np.int64),
                [(0, 0), (0, 0)] + [(pads[i], ends[i]) for i in range(spatial)],
                constant_values=info.min - 1)
    y = np.full(x.shape[:2] + tuple(outs), info.min - 1, dtype=np.int64)
    for taps in np.ndindex(*kernel):
        sl = tuple(slice(taps[i] * dilations[i],
                         taps[i] * dilations[i] + strides[i] * (outs[i] - 1) + 1,
                         strides[i]) for i in range(spatial))
        y = np.maximum(y, xp[(slice(None), slice(None)) + sl])
    assert (y >= info.min).all()
    return y.astype(x.dtype)


def pool_cases(rng):
    cases = []
    configs = [
        # name, shape, kernel, strides, pads, dilations, ceil
        ("k2s2", (1, 3, 16, 16), (2, 2), (2, 2), (0, 0, 0, 0), (1, 1), 0),
        ("k3s2p1odd", (2, 5, 15, 13), (3, 3), (2, 2), (1, 1, 1, 1), (1, 1), 0),
        ("k3s2ceil", (1, 4, 14, 11), (3, 3), (2, 2), (0, 0, 0, 0), (1, 1), 1),
        ("k2s1p01ceil", (1, 3, 9, 7), (2, 3), (2, 2), (0, 1, 1, 0), (1, 1), 1),
        ("k3d2", (1, 2, 13, 17), (3, 2), (1, 2), (2, 0, 1, 1), (2, 3), 0),
        ("k5s1p2", (1, 8, 20, 20), (5, 5), (1, 1), (2, 2, 2, 2), (1, 1), 0),
        ("1d", (2, 3, 21), (4,), (3,), (1, 2), (1,), 1),
    ]
    for dtype in [np.uint8, np.int8, np.uint16, np.int16, np.uint32,
                  np.int32]:
        for name, shape, k, s, p, d, ceil in configs:
            x = full_range(rng, dtype, shape)
            y = maxpool_ref(x, k, s, p, d, ceil)
            cases.append(Case(
                f"maxpool_{name}_{short(dtype)}", "MaxPool", [("x", x)],
                [("y", y)], opset=12, kernel_shape=list(k),
                strides=list(s), pads=list(p), dilations=list(d),
                ceil_mode=ceil))
    # A larger one (wider than the vector tiles).
    x = full_range(rng, np.uint8, (1, 16, 56, 56))
    cases.append(Case("maxpool_k3s2p1_56_u8", "MaxPool", [("x", x)],
                      [("y", maxpool_ref(x, (3, 3), (2, 2), (1, 1, 1, 1),
                                         (1, 1), 0))],
                      opset=12, kernel_shape=[3, 3], strides=[2, 2],
                      pads=[1, 1, 1, 1]))
    for dtype in [np.uint8, np.int8, np.uint16, np.uint32, np.int32]:
        x = full_range(rng, dtype, (2, 3, 7, 9))
        cases.append(Case(f"globalmaxpool_{short(dtype)}", "GlobalMaxPool",
                          [("x", x)],
                          [("y", x.max(axis=(2, 3), keepdims=True))]))
    return cases


def reduce_cases(rng):
    cases = []
    shapes = [((3, 17, 5), [1]), ((4, 6, 33), [2]), ((37,), [0]),
              ((2, 9, 11), [0, 2]), ((5, 7, 3), None)]
    for dtype in UNSIGNED + SIGNED:
        for i, (shape, axes) in enumerate(shapes):
            x = full_range(rng, dtype, shape)
            ax = tuple(axes) if axes is not None else None
            kw = {"axes": axes} if axes is not None else {}
            for op, fn in [("ReduceMax", np.max), ("ReduceMin", np.min)]:
                for keep in (0, 1):
                    cases.append(Case(
                        f"{op.lower()}_{i}_k{keep}_{short(dtype)}", op,
                        [("x", x)], [("y", fn(x, axis=ax, keepdims=bool(keep)))],
                        keepdims=keep, **kw))
    for dtype in UNSIGNED + SIGNED:
        for i, (shape, axis) in enumerate([((3, 17, 5), 1), ((4, 6, 33), 2),
                                           ((40,), 0), ((8, 3), 0)]):
            # Few distinct values, so that ties test select_last_index.
            info = np.iinfo(dtype)
            pool = np.array([info.min, info.max, info.max - 1, info.min + 1,
                             0], dtype=np.int64)
            x = pool[rng.integers(0, len(pool), size=shape)].astype(dtype)
            for op, fn in [("ArgMax", np.argmax), ("ArgMin", np.argmin)]:
                for last in (0, 1):
                    if last:
                        flipped = np.flip(x, axis=axis)
                        ref = x.shape[axis] - 1 - fn(flipped, axis=axis)
                    else:
                        ref = fn(x, axis=axis)
                    ref = np.expand_dims(ref, axis).astype(np.int64)
                    cases.append(Case(
                        f"{op.lower()}_{i}_l{last}_{short(dtype)}", op,
                        [("x", x)], [("y", ref)], axis=axis, keepdims=1,
                        select_last_index=last))
    return cases


def elementwise_cases(rng):
    cases = []
    for dtype in UNSIGNED + SIGNED:
        a = full_range(rng, dtype, (5, 67))
        b = full_range(rng, dtype, (5, 67))
        s = short(dtype)
        cases.append(Case(f"max_{s}", "Max", [("a", a), ("b", b)],
                          [("y", np.maximum(a, b))]))
        cases.append(Case(f"min_{s}", "Min", [("a", a), ("b", b)],
                          [("y", np.minimum(a, b))]))
        cases.append(Case(f"less_{s}", "Less", [("a", a), ("b", b)],
                          [("y", a < b)]))
        cases.append(Case(f"greater_{s}", "Greater", [("a", a), ("b", b)],
                          [("y", a > b)]))
        nz = np.where(b == 0, 1, b).astype(dtype)
        if dtype in UNSIGNED:
            cases.append(Case(f"div_{s}", "Div", [("a", a), ("b", nz)],
                              [("y", (a // nz).astype(dtype))]))
    return cases


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("workdir")
    ap.add_argument("--target", required=True)
    ap.add_argument("--opt", default="-O3")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--only", default="")
    ap.add_argument("--qcc-run", default="qcc-run")
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    cases = pool_cases(rng) + reduce_cases(rng) + elementwise_cases(rng)
    cases = [c for c in cases if args.only in c.name]
    failed = 0
    for case in cases:
        d = os.path.join(args.workdir, case.name)
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, "model.onnx")
        onnx.save(case.model, path)
        cmd = [args.qcc_run, path, f"-target={args.target}", args.opt,
               f"--output-dir={d}/out"]
        for name, arr in case.inputs:
            np.save(os.path.join(d, name + ".npy"), arr)
            cmd.append(f"--input={name}={os.path.join(d, name + '.npy')}")
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            print(f"FAIL {case.name}: qcc-run exited {r.returncode}: "
                  f"{r.stderr.strip()[-400:]}")
            failed += 1
            continue
        bad = None
        for name, ref in case.refs:
            got = np.load(os.path.join(d, "out", name + ".npy"))
            if got.dtype != ref.dtype or got.shape != ref.shape:
                bad = (f"got {got.dtype}{list(got.shape)}, expected "
                       f"{ref.dtype}{list(ref.shape)}")
                break
            diff = np.count_nonzero(got != ref)
            if diff:
                where = tuple(np.argwhere(got != ref)[0])
                bad = (f"{diff} of {ref.size} elements differ, first at "
                       f"{list(map(int, where))}: {got[where]} != {ref[where]}")
                break
        if bad:
            print(f"FAIL {case.name}: {bad}")
            failed += 1
        else:
            print(f"PASS {case.name}")
    print(f"int-extrema {args.target} {args.opt}: {len(cases) - failed} of "
          f"{len(cases)} models exact")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
