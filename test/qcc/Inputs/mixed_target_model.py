"""Writes a small CNN for the per-target mixed-precision test: four 3x3
convs (compute-bound: int8's speed differs most between targets) and two
fully connected layers (memory-bound). Weights are seeded normal draws."""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(7)
nodes, inits = [], []


def weight(name, shape, fan_in):
    inits.append(numpy_helper.from_array(
        (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32),
        name))


def conv(name, x, cin, cout, stride):
    weight(name + "_w", (cout, cin, 3, 3), cin * 9)
    inits.append(numpy_helper.from_array(
        (rng.standard_normal(cout) * 0.1).astype(np.float32), name + "_b"))
    nodes.append(helper.make_node("Conv", [x, name + "_w", name + "_b"],
                                  [name + "_y"], name=name, pads=[1, 1, 1, 1],
                                  strides=[stride, stride]))
    nodes.append(helper.make_node("Relu", [name + "_y"], [name + "_r"],
                                  name=name + "_relu"))
    return name + "_r"


def gemm(name, x, k, n, relu):
    weight(name + "_w", (n, k), k)
    inits.append(numpy_helper.from_array(
        (rng.standard_normal(n) * 0.1).astype(np.float32), name + "_b"))
    nodes.append(helper.make_node("Gemm", [x, name + "_w", name + "_b"],
                                  [name + "_y"], name=name, transB=1))
    if not relu:
        return name + "_y"
    nodes.append(helper.make_node("Relu", [name + "_y"], [name + "_r"],
                                  name=name + "_relu"))
    return name + "_r"


x = conv("conv1", "x", 16, 32, 1)
x = conv("conv2", x, 32, 32, 1)
x = conv("conv3", x, 32, 64, 2)
x = conv("conv4", x, 64, 64, 1)
nodes.append(helper.make_node("GlobalAveragePool", [x], ["pooled"], name="gap"))
nodes.append(helper.make_node("Flatten", ["pooled"], ["flat"], name="flatten"))
x = gemm("fc1", "flat", 64, 512, True)
x = gemm("fc2", x, 512, 10, False)
graph = helper.make_graph(
    nodes, "mixed_targets",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16, 32, 32])],
    [helper.make_tensor_value_info(x, TensorProto.FLOAT, [1, 10])], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
onnx.checker.check_model(model)
onnx.save(model, sys.argv[1])
