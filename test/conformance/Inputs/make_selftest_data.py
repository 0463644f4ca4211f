#!/usr/bin/python3
"""make_selftest_data.py - a tiny ONNX backend test tree for harness tests.

    make_selftest_data.py OUT

Writes OUT/node/<test>/model.onnx + test_data_set_0/{input,output}_N.pb in
the layout of libonnx-testdata, with one test per harness verdict:

  test_relu_right      Relu with the right expected output       -> PASS
  test_relu_wrong      Relu whose expected output is off by one  -> FAIL
  test_frobnicate      an op qcc does not know                   -> SKIP
  test_string_input    Identity of a STRING tensor (the harness
                       cannot write it as .npy; qcc decides)     -> SKIP
  test_range_folded    Range whose start/limit/delta are graph
                       inputs (folded into initializers)         -> PASS
  test_bf16_neg        bfloat16 in and out (uint16 bit patterns) -> PASS

and OUT/crash.sh / OUT/hang.sh, stand-ins for qcc-run that print an
`unsupported` diagnostic and then crash, or never finish.
"""

import os
import stat
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def save_test(root, name, model, inputs, outputs):
    d = os.path.join(root, "node", name)
    os.makedirs(os.path.join(d, "test_data_set_0"), exist_ok=True)
    onnx.save(model, os.path.join(d, "model.onnx"))
    for kind, values in (("input", inputs), ("output", outputs)):
        for i, t in enumerate(values):
            with open(os.path.join(d, "test_data_set_0", "%s_%d.pb" % (kind, i)),
                      "wb") as f:
                f.write(t.SerializeToString())


def single(op, inputs, outputs, domain="", opset=13, **attrs):
    node = helper.make_node(op, [i.name for i in inputs],
                            [o.name for o in outputs], domain=domain, **attrs)
    graph = helper.make_graph([node], "g", inputs, outputs)
    opsets = [helper.make_opsetid("", opset)]
    if domain:
        opsets.append(helper.make_opsetid(domain, 1))
    return helper.make_model(graph, opset_imports=opsets)


def tensor(name, arr):
    return numpy_helper.from_array(arr, name)


def main(out):
    x = np.array([[-1.5, 0.0, 2.0], [3.0, -4.0, 0.5]], np.float32)
    relu = single("Relu", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
                  [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])])
    save_test(out, "test_relu_right", relu, [tensor("x", x)],
              [tensor("y", np.maximum(x, 0))])
    save_test(out, "test_relu_wrong", relu, [tensor("x", x)],
              [tensor("y", np.maximum(x, 0) + 1)])

    frob = single("Frobnicate",
                  [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
                  [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])],
                  domain="com.example")
    save_test(out, "test_frobnicate", frob, [tensor("x", x)], [tensor("y", x)])

    s = np.array([b"a", b"bc"], dtype=object)
    ident = single("Identity",
                   [helper.make_tensor_value_info("s", TensorProto.STRING, [2])],
                   [helper.make_tensor_value_info("t", TensorProto.STRING, [2])])
    save_test(out, "test_string_input", ident,
              [helper.make_tensor("s", TensorProto.STRING, [2], s.tolist())],
              [helper.make_tensor("t", TensorProto.STRING, [2], s.tolist())])

    scalar = lambda n: helper.make_tensor_value_info(n, TensorProto.FLOAT, [])
    rng = single("Range", [scalar("start"), scalar("limit"), scalar("delta")],
                 [helper.make_tensor_value_info("r", TensorProto.FLOAT, [None])],
                 opset=11)
    save_test(out, "test_range_folded", rng,
              [tensor("start", np.array(1, np.float32)),
               tensor("limit", np.array(7, np.float32)),
               tensor("delta", np.array(2, np.float32))],
              [tensor("r", np.array([1, 3, 5], np.float32))])

    # bfloat16: exactly representable values, so rounding cannot matter.
    vals = np.array([1.0, -2.5, 0.375, 96.0], np.float32)
    bits = (vals.view(np.uint32) >> 16).astype(np.uint16)
    neg_bits = ((-vals).view(np.uint32) >> 16).astype(np.uint16)
    def bf(name, b):
        t = TensorProto(name=name, data_type=TensorProto.BFLOAT16, dims=[4])
        t.int32_data.extend(int(v) for v in b)  # the bit patterns
        return t
    nodes = [helper.make_node("Cast", ["a"], ["f"], to=TensorProto.FLOAT),
             helper.make_node("Neg", ["f"], ["n"]),
             helper.make_node("Cast", ["n"], ["b"], to=TensorProto.BFLOAT16)]
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("a", TensorProto.BFLOAT16, [4])],
        [helper.make_tensor_value_info("b", TensorProto.BFLOAT16, [4])])
    save_test(out, "test_bf16_neg",
              helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]),
              [bf("a", bits)], [bf("b", neg_bits)])

    scripts = {
        "crash.sh": "echo \"qcc: model.onnx: node 'x': error: unsupported: "
                    "printed before a crash\" >&2\nkill -SEGV $$\n",
        "hang.sh": "exec sleep 600\n",
    }
    for name, body in scripts.items():
        path = os.path.join(out, name)
        with open(path, "w") as f:
            f.write("#!/bin/sh\n" + body)
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)


if __name__ == "__main__":
    main(sys.argv[1])
