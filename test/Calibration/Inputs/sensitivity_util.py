#!/usr/bin/env python3
"""Models and a numpy reference for the sensitivity tests.

  sensitivity_util.py model KIND DIR
      writes DIR/KIND.onnx and DIR/samples.npy (KIND: mse, kl, noint)
  sensitivity_util.py check KIND DIR DUMP.json [N]
      recomputes every probe of the -dump-sensitivity output DUMP.json (and
      the uniform plans) with numpy from the rules of docs/Quantization.md
      and prints one line per layer and candidate, "ok" when qcc's value is
      within the tolerance (1%: qcc computes in f32, the reference in
      float64); N: the first N samples only (-calib-max-samples).
  sensitivity_util.py compare DUMP.json OUT_DIR OUTPUT
      compares the dump's uniform plans with the outputs of models compiled
      with -quant=MODE (OUT_DIR/MODE/OUTPUT.npy; MODE none: float).

The model: x[1,4,8,8] -> Conv 3x3 (8 channels, bias) + Relu -> Conv 1x1
(6 channels, bias) -> Flatten -> Gemm (10, bias) -> y, and for KIND=kl a
Softmax after the Gemm. The reference calibrates with min/max (the test runs
qcc with -calib-method=minmax), then simulates each (layer, candidate) with
only that layer changed, as the quantization passes would change it.
"""

import json
import os
import sys

import numpy as np

SAMPLES = 12
SEED = 5


def weights():
    rng = np.random.default_rng(SEED)
    w0 = rng.normal(0, 0.4, (8, 4, 3, 3)).astype(np.float32)
    b0 = rng.normal(0, 0.2, (8,)).astype(np.float32)
    w1 = rng.normal(0, 0.5, (6, 8, 1, 1)).astype(np.float32)
    b1 = rng.normal(0, 0.2, (6,)).astype(np.float32)
    w2 = rng.normal(0, 0.15, (384, 10)).astype(np.float32)
    b2 = rng.normal(0, 0.2, (10,)).astype(np.float32)
    # One outlier per layer, so that int4's clipping and int8's per-channel
    # scales have something to do.
    w0[3, 1, 1, 1] = 2.5
    w2[17, 4] = -1.2
    return w0, b0, w1, b1, w2, b2


def samples():
    rng = np.random.default_rng(SEED + 1)
    return rng.normal(0, 1, (SAMPLES, 4, 8, 8)).astype(np.float32)


def make_model(kind, path):
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    w0, b0, w1, b1, w2, b2 = weights()
    inits = [numpy_helper.from_array(a, n) for a, n in
             [(w0, "w0"), (b0, "b0"), (w1, "w1"), (b1, "b1"), (w2, "w2"),
              (b2, "b2")]]
    nodes = [
        helper.make_node("Conv", ["x", "w0", "b0"], ["c0"], name="conv0",
                         pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c0"], ["r0"], name="relu0"),
        helper.make_node("Conv", ["r0", "w1", "b1"], ["c1"], name="conv1"),
        helper.make_node("Flatten", ["c1"], ["f"], name="flatten", axis=1),
        helper.make_node("Gemm", ["f", "w2", "b2"],
                         ["y" if kind == "mse" else "g"], name="fc"),
    ]
    out_type = TensorProto.FLOAT
    if kind == "kl":
        nodes.append(helper.make_node("Softmax", ["g"], ["y"], name="softmax",
                                      axis=1))
    if kind == "noint":
        nodes[-1].output[0] = "g"
        nodes.append(helper.make_node("ArgMax", ["g"], ["y"], name="argmax",
                                      axis=1, keepdims=0))
        out_type = TensorProto.INT64
    graph = helper.make_graph(
        nodes, "sensitivity_" + kind,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 8, 8])],
        [helper.make_tensor_value_info("y", out_type,
                                       [1] if kind == "noint" else [1, 10])],
        inits)
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, path)


# ----------------------------------------------------------------------------
# Reference arithmetic (docs/Quantization.md), float64 unless stated
# ----------------------------------------------------------------------------

def conv(x, w, b, pad):
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((n, o, h + 2 * pad - kh + 1, wd + 2 * pad - kw + 1))
    for i in range(kh):
        for j in range(kw):
            win = xp[:, :, i:i + out.shape[2], j:j + out.shape[3]]
            out += np.einsum("nchw,oc->nohw", win, w[:, :, i, j])
    return out + b[None, :, None, None]


def forward(x, p, taps=None):
    """The model in float64 on (possibly simulated) parameters p; `taps`
    maps a layer index to a function applied to that layer's input."""
    taps = taps or {}
    t = lambda i, v: taps[i](v) if i in taps else v
    w0, b0, w1, b1, w2, b2 = p
    r0 = np.maximum(conv(t(0, x), w0, b0, 1), 0)
    c1 = conv(t(1, r0), w1, b1, 0)
    f = c1.reshape(c1.shape[0], -1)
    return r0, c1, t(2, f) @ w2 + b2


def act_params(lo, hi):
    """u8 asymmetric parameters of a range (scale rounded to f32)."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    scale = (hi - lo) / 255.0
    if not scale > 0:
        scale = 1.0
    scale = float(np.float32(scale))
    zp = int(np.clip(np.round(-lo / scale), 0, 255))
    return scale, zp


def fake_quant(v, scale, zp):
    s = np.float32(scale)
    q = np.clip(np.round(v.astype(np.float32) / s) + zp, 0, 255)
    return ((q - zp).astype(np.float32) * s).astype(np.float64)


def int8_weights(w, axis):
    """Per-channel symmetric int8, dequantized in f32; returns (w', scales)."""
    wm = np.moveaxis(w.astype(np.float64), axis, 0)
    absmax = np.abs(wm.reshape(wm.shape[0], -1)).max(axis=1)
    scales = np.where(absmax > 0, (absmax / 127).astype(np.float32), 1.0)
    scales = scales.astype(np.float64)
    shape = [-1] + [1] * (wm.ndim - 1)
    q = np.clip(np.round(wm / scales.reshape(shape)), -127, 127)
    deq = (q.astype(np.float32) * scales.astype(np.float32).reshape(shape))
    return np.moveaxis(deq, 0, axis).astype(np.float64), scales


def int8_bias(b, sx, scales):
    bs = sx * scales
    q = np.round(b.astype(np.float64) / bs)
    return (q.astype(np.float32) * bs.astype(np.float32)).astype(np.float64)


def bf16(w):
    bits = w.astype(np.float32).view(np.uint32).astype(np.uint64)
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    return bits.astype(np.uint32).view(np.float32).astype(np.float64)


def int4_group(g):
    absmax = np.abs(g).max()
    if absmax == 0:
        return np.zeros_like(g)
    best, best_err = None, None
    for i in range(16):
        s = float(np.float16(absmax / (7.0 + 0.25 * i)))
        if s == 0:
            continue
        r = g / s
        q = np.clip(np.sign(r) * np.floor(np.abs(r) + 0.5), -8, 7)
        err = ((q * s - g) ** 2).sum()
        if best is None or err < best_err:
            best, best_err = (q.astype(np.float32) * np.float32(s)), err
    return best.astype(np.float64)


def int4(w, axis, group=32):
    wm = np.moveaxis(w.astype(np.float64), axis, 0)
    rows = wm.reshape(wm.shape[0], -1)
    k = rows.shape[1]
    g = max(min(group, (k + 1) // 2 * 2), 2)
    out = np.zeros_like(rows)
    for c in range(rows.shape[0]):
        for start in range(0, k, g):
            chunk = np.zeros(g)
            n = min(g, k - start)
            chunk[:n] = rows[c, start:start + n]
            out[c, start:start + n] = int4_group(chunk)[:n]
    return np.moveaxis(out.reshape(wm.shape), 0, axis)


def simulate(w, axis, cand):
    if cand == "fp16":
        return w.astype(np.float16).astype(np.float64)
    if cand == "bf16":
        return bf16(w)
    if cand == "int4w":
        return int4(w, axis)
    raise ValueError(cand)


def metric(kind, ref, out):
    if kind == "kl":
        def softmax(v):
            e = np.exp(v - v.max(axis=1, keepdims=True))
            return e / e.sum(axis=1, keepdims=True)
        p, q = softmax(ref), softmax(out)
        return float((p * (np.log(p) - np.log(q))).sum(axis=1).mean())
    return float(((out - ref) ** 2).sum() / (ref ** 2).sum())


def check(kind, dump_path, count=SAMPLES):
    dump = json.load(open(dump_path))
    x = samples()[:count].astype(np.float64)
    base = [a.astype(np.float64) for a in weights()]
    axes = [0, 0, 1]  # output-channel axis of w0, w1, w2
    # Min/max calibration in f32, as qcc observes it.
    r0, c1, ref = forward(x, base)
    ranges = [(x.min(), x.max()), (r0.min(), r0.max()), (c1.min(), c1.max())]
    params = [act_params(np.float32(lo), np.float32(hi)) for lo, hi in ranges]

    def plan_params(plan):
        p = list(base)
        taps = {}
        for l, cand in enumerate(plan):
            if cand == "fp32":
                continue
            if cand == "int8":
                p[2 * l], scales = int8_weights(base[2 * l], axes[l])
                p[2 * l + 1] = int8_bias(base[2 * l + 1], params[l][0], scales)
                taps[l] = (lambda s, z: lambda v: fake_quant(v, s, z))(
                    *params[l])
            else:
                p[2 * l] = simulate(base[2 * l], axes[l], cand)
        return p, taps

    tol = 0.01
    failures = 0
    print("metric", dump["metric"], "samples", dump["samples"])
    for layer in dump["layers"]:
        l = layer["id"]
        for cand, got in sorted(layer["errors"].items()):
            if cand == "fp32":
                print(f"layer {l} fp32 {'zero' if got == 0 else got}")
                continue
            plan = ["fp32"] * 3
            plan[l] = cand
            p, taps = plan_params(plan)
            want = metric(kind, ref, forward(x, p, taps)[2])
            ok = abs(got - want) <= tol * abs(want)
            failures += not ok
            print(f"layer {l} {cand} {'ok' if ok else 'MISMATCH'} "
                  f"qcc {got:.6g} numpy {want:.6g}")
    for cand, got in sorted(dump["uniform"].items()):
        if cand == "fp32":
            print(f"uniform fp32 {'zero' if got == 0 else got}")
            continue
        p, taps = plan_params([cand] * 3)
        want = metric(kind, ref, forward(x, p, taps)[2])
        ok = abs(got - want) <= tol * abs(want)
        failures += not ok
        print(f"uniform {cand} {'ok' if ok else 'MISMATCH'} "
              f"qcc {got:.6g} numpy {want:.6g}")
    # The sensitivities order the candidates as their precision does.
    for layer in dump["layers"]:
        e = layer["errors"]
        ordered = 0 < e["fp16"] < e["bf16"] and e["int8"] < e["int4w"]
        print(f"layer {layer['id']} order {'ok' if ordered else 'WRONG'}")
    print("failures", failures)


def compare(dump_path, out_dir, output):
    """Compares the dump's simulated uniform plans with the outputs of the
    models the quantization passes compiled (OUT_DIR/MODE/OUTPUT.npy, MODE
    none for float), in the dump's metric."""
    dump = json.load(open(dump_path))
    load = lambda m: np.load(os.path.join(out_dir, m, output + ".npy")).astype(
        np.float64)
    ref = load("none")
    for mode, tol in [("fp16", 0.01), ("int4w", 0.01), ("int8", 0.02)]:
        out = load(mode)
        if dump["metric"] == "kl":
            # sum p log(p/q) - p + q (= KL for rows summing to 1): robust
            # to the f32 rounding of both outputs.
            p = np.where(ref > 0, ref, 1)
            r = np.where(out > 0, out, 1e-12) / p
            got = float(np.where(ref > 0, p * (r - 1 - np.log(r)), 0).sum()
                        / ref.shape[0])
        else:
            got = float(((out - ref) ** 2).sum() / (ref ** 2).sum())
        sim = dump["uniform"][mode]
        ok = abs(sim - got) <= tol * abs(got)
        print(f"{mode} {'ok' if ok else 'MISMATCH'} simulated {sim:.6g} "
              f"compiled {got:.6g}")


def main():
    if sys.argv[1] == "model":
        kind, d = sys.argv[2], sys.argv[3]
        os.makedirs(d, exist_ok=True)
        make_model(kind, os.path.join(d, kind + ".onnx"))
        np.save(os.path.join(d, "samples.npy"), samples())
    elif sys.argv[1] == "compare":
        compare(sys.argv[2], sys.argv[3], sys.argv[4])
    elif sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[4],
              int(sys.argv[5]) if len(sys.argv) > 5 else SAMPLES)
    else:
        sys.exit("usage: sensitivity_util.py model|check ...")


if __name__ == "__main__":
    main()
