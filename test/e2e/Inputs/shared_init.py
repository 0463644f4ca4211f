#!/usr/bin/python3
"""shared_init.py - two MatMuls that start from the same zero tensor.

`make DIR` writes DIR/model.onnx (y = A@W1 + B@W2 for several widths N that
are not multiples of the vector width, so tiles have remainders), random
inputs DIR/in/*.npy and float64 references DIR/ref/*.npy. `check DIR OUT`
compares OUT/*.npy with the references (max abs error <= 1e-4 * scale) and
prints PASS/FAIL per output. CSE merges the two zero fills; the compiled code
must still keep the two accumulations apart.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

WIDTHS = (18, 24, 40)


def make(d):
    rng = np.random.default_rng(7)
    nodes, inputs, outputs, inits, feeds, refs = [], [], [], [], {}, {}
    for n in WIDTHS:
        a = rng.standard_normal((3, 6)).astype(np.float32)
        b = rng.standard_normal((3, 4)).astype(np.float32)
        w1 = rng.standard_normal((6, n)).astype(np.float32)
        w2 = rng.standard_normal((4, n)).astype(np.float32)
        an, bn, yn = "a%d" % n, "b%d" % n, "y%d" % n
        inputs += [helper.make_tensor_value_info(an, TensorProto.FLOAT, [3, 6]),
                   helper.make_tensor_value_info(bn, TensorProto.FLOAT, [3, 4])]
        outputs.append(helper.make_tensor_value_info(yn, TensorProto.FLOAT, [3, n]))
        inits += [numpy_helper.from_array(w1, "w1_%d" % n),
                  numpy_helper.from_array(w2, "w2_%d" % n)]
        nodes += [helper.make_node("MatMul", [an, "w1_%d" % n], ["m1_%d" % n]),
                  helper.make_node("MatMul", [bn, "w2_%d" % n], ["m2_%d" % n]),
                  helper.make_node("Add", ["m1_%d" % n, "m2_%d" % n], [yn])]
        feeds[an], feeds[bn] = a, b
        refs[yn] = a.astype(np.float64) @ w1 + b.astype(np.float64) @ w2
    graph = helper.make_graph(nodes, "shared_init", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
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
    for n in WIDTHS:
        name = "y%d" % n
        ref = np.load(os.path.join(d, "ref", name + ".npy"))
        got = np.load(os.path.join(out, name + ".npy"))
        err = float(np.max(np.abs(got - ref)))
        good = err <= 1e-4 * max(1.0, float(np.max(np.abs(ref))))
        ok &= good
        print("%s %s max_abs_err=%.3g" % ("PASS" if good else "FAIL", name, err))
    return 0 if ok else 1


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        sys.exit(check(sys.argv[2], sys.argv[3]))
