#!/usr/bin/python3
"""lstm_gates.py - one-directional ONNX LSTMs checked against numpy.

`make DIR` writes DIR/model.onnx: LSTMs (batch 3, input 4, hidden 6, so 4
gates x 6 = 24 gate columns, a full vector tile plus a remainder at 8 and 16
lanes) with initial_h/initial_c for 3 and 5 time steps, random inputs
DIR/in/*.npy and float64 references DIR/ref/*.npy (numpy implementation of
the ONNX LSTM equations, gate order i, o, f, c). `check DIR OUT` compares
OUT/*.npy with the references (max abs error <= 1e-4: the values are O(1),
fp32 rounding over a few steps stays far below) and prints PASS/FAIL per
output.

The importer unrolls the LSTM into matmuls whose accumulator starts from a
row slice of the input projection; the matmul's first vector tile write
covers only part of that slice, and the remainder tile then reads the slice's
old contents.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

STEPS = (3, 5)
BATCH, INPUT, HIDDEN = 3, 4, 6


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def reference(x, w, r, b, h, c):
    hs = HIDDEN
    ys = []
    for t in range(x.shape[0]):
        g = x[t] @ w[0].T + h @ r[0].T + b[0, :4 * hs] + b[0, 4 * hs:]
        i, o, f, cc = (g[:, k * hs:(k + 1) * hs] for k in range(4))
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(cc)
        h = sigmoid(o) * np.tanh(c)
        ys.append(h)
    return np.stack(ys)[:, None], h[None], c[None]


def make(d):
    rng = np.random.default_rng(11)
    nodes, inputs, outputs, inits, feeds, refs = [], [], [], [], {}, {}
    for s in STEPS:
        x = rng.standard_normal((s, BATCH, INPUT)).astype(np.float32)
        h0 = rng.standard_normal((1, BATCH, HIDDEN)).astype(np.float32)
        c0 = rng.standard_normal((1, BATCH, HIDDEN)).astype(np.float32)
        w = (0.5 * rng.standard_normal((1, 4 * HIDDEN, INPUT))).astype(np.float32)
        r = (0.5 * rng.standard_normal((1, 4 * HIDDEN, HIDDEN))).astype(np.float32)
        b = (0.5 * rng.standard_normal((1, 8 * HIDDEN))).astype(np.float32)
        names = ["%s%d" % (n, s) for n in ("x", "h", "c", "w", "r", "b",
                                             "y", "yh", "yc")]
        xn, hn, cn, wn, rn, bn, yn, yhn, ycn = names
        inputs += [
            helper.make_tensor_value_info(xn, TensorProto.FLOAT, list(x.shape)),
            helper.make_tensor_value_info(hn, TensorProto.FLOAT, list(h0.shape)),
            helper.make_tensor_value_info(cn, TensorProto.FLOAT, list(c0.shape))]
        outputs += [helper.make_tensor_value_info(n, TensorProto.FLOAT, None)
                    for n in (yn, yhn, ycn)]
        inits += [numpy_helper.from_array(w, wn), numpy_helper.from_array(r, rn),
                  numpy_helper.from_array(b, bn)]
        nodes.append(helper.make_node("LSTM", [xn, wn, rn, bn, "", hn, cn],
                                      [yn, yhn, ycn], hidden_size=HIDDEN))
        feeds[xn], feeds[hn], feeds[cn] = x, h0, c0
        f64 = [a.astype(np.float64) for a in (x, w, r, b, h0[0], c0[0])]
        refs[yn], refs[yhn], refs[ycn] = reference(*f64)
    graph = helper.make_graph(nodes, "lstm_gates", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    os.makedirs(os.path.join(d, "in"), exist_ok=True)
    os.makedirs(os.path.join(d, "ref"), exist_ok=True)
    onnx.save(model, os.path.join(d, "model.onnx"))
    for k, v in feeds.items():
        np.save(os.path.join(d, "in", k + ".npy"), v)
    for k, v in refs.items():
        np.save(os.path.join(d, "ref", k + ".npy"), v)
    print(" ".join("--input=%s=%s" % (k, os.path.join(d, "in", k + ".npy"))
                   for k in feeds))


def check(d, out):
    ok = True
    for s in STEPS:
        for name in ("y%d" % s, "yh%d" % s, "yc%d" % s):
            ref = np.load(os.path.join(d, "ref", name + ".npy"))
            got = np.load(os.path.join(out, name + ".npy"))
            err = float(np.max(np.abs(got.astype(np.float64) - ref)))
            good = got.shape == ref.shape and err <= 1e-4
            ok &= good
            print("%s %s max_abs_err=%.3g" % ("PASS" if good else "FAIL", name,
                                              err))
    return 0 if ok else 1


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        sys.exit(check(sys.argv[2], sys.argv[3]))
