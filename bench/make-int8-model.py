#!/usr/bin/env python3
"""Rewrites an fp32 ONNX CNN into the int8 QLinearConv form, for timing.

Every Conv becomes a QLinearConv (u8 activations, per-output-channel
symmetric int8 weights quantized from the fp32 weights, int32 bias); a Relu
that is a Conv's only consumer folds into it (output zero point 0); Add
(residual) runs in float between DequantizeLinear and QuantizeLinear, as do
the global average pool and the classifier. MaxPool stays on the u8 values.
Activation scales are fixed guesses (no calibration): the model is for
latency measurements only, its outputs are not meaningful.

Usage: make-int8-model.py IN.onnx OUT.onnx
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ACT_SCALE = 0.05


def main():
    model = onnx.load(sys.argv[1])
    g = model.graph
    inits = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    consumers = {}
    for n in g.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    new_nodes, new_inits = [], []
    quant = {}  # float tensor name -> quantized (u8) tensor name
    counter = [0]

    def fresh(base):
        counter[0] += 1
        return f"{base}__q{counter[0]}"

    def const(arr, base):
        name = fresh(base)
        new_inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    s_act = None

    def quantized(name):
        if name not in quant:
            q = fresh(name)
            new_nodes.append(helper.make_node(
                "QuantizeLinear", [name, scale(), zp128()], [q]))
            quant[name] = q
        return quant[name]

    def dequantized(qname):
        f = fresh(qname)
        new_nodes.append(helper.make_node(
            "DequantizeLinear", [qname, scale(), zp0()], [f]))
        return f

    cache = {}

    def scale():
        if "s" not in cache:
            cache["s"] = const(np.float32(ACT_SCALE), "act_scale")
        return cache["s"]

    def zp0():
        if "z0" not in cache:
            cache["z0"] = const(np.uint8(0), "zp0")
        return cache["z0"]

    def zp128():
        if "z128" not in cache:
            cache["z128"] = const(np.uint8(128), "zp128")
        return cache["z128"]

    folded_relu = set()
    alias = {}  # Relu output folded into its Conv -> the Conv output
    for n in g.node:
        ins = [alias.get(i, i) for i in n.input]
        if n.op_type == "Relu" and n.name in folded_relu:
            alias[n.output[0]] = ins[0]
            continue
        if n.op_type == "Conv":
            w = inits[ins[1]]
            b = inits[ins[2]] if len(ins) > 2 and ins[2] else np.zeros(
                w.shape[0], np.float32)
            ws = np.maximum(np.abs(w).reshape(w.shape[0], -1).max(1), 1e-8) / 127
            wq = np.clip(np.round(w / ws.reshape(-1, 1, 1, 1)), -127, 127).astype(np.int8)
            bq = np.round(b / (ACT_SCALE * ws)).astype(np.int32)
            cons = consumers.get(n.output[0], [])
            relu = len(cons) == 1 and cons[0].op_type == "Relu"
            if relu:
                folded_relu.add(cons[0].name)
            xq = quantized(ins[0])
            out = n.output[0]
            q = fresh(out)
            attrs = {a.name: helper.get_attribute_value(a) for a in n.attribute}
            new_nodes.append(helper.make_node(
                "QLinearConv",
                [xq, scale(), zp0() if xq.startswith("__never") else
                 (zp128() if ins[0] in g.input[0].name else zp0()),
                 const(wq, "w"), const(ws.astype(np.float32), "ws"),
                 const(np.zeros(w.shape[0], np.int8), "wz"), scale(),
                 zp0() if relu else zp128(), const(bq, "b")],
                [q], **attrs))
            quant[out] = q
            continue
        if n.op_type == "MaxPool":
            q = fresh(n.output[0])
            new_nodes.append(helper.make_node("MaxPool", [quantized(ins[0])], [q],
                                              name=n.name, **{
                a.name: helper.get_attribute_value(a) for a in n.attribute}))
            quant[n.output[0]] = q
            continue
        if n.op_type == "Add" and all(i in quant for i in ins):
            fa, fb = dequantized(quant[ins[0]]), dequantized(quant[ins[1]])
            new_nodes.append(helper.make_node("Add", [fa, fb], n.output, name=n.name))
            continue
        # Float op: dequantize quantized inputs.
        fins = [dequantized(quant[i]) if i in quant else i for i in ins]
        nn = helper.make_node(n.op_type, fins, list(n.output), name=n.name)
        nn.attribute.extend(n.attribute)
        new_nodes.append(nn)
    used = {i for n in new_nodes for i in n.input}
    keep = [i for i in g.initializer if i.name in used]
    graph = helper.make_graph(new_nodes, g.name + "_int8", list(g.input),
                              list(g.output), keep + new_inits)
    out = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    out.ir_version = model.ir_version
    onnx.checker.check_model(out)
    onnx.save(out, sys.argv[2])


if __name__ == "__main__":
    main()
