#!/usr/bin/python3
"""Writes an ONNX QDQ model with the quantization that qcc chose.

    qdq-from-report.py MODEL.onnx REPORT.json OUT.onnx

REPORT.json is `qcc MODEL.onnx -quant=int8 -report=REPORT.json`. For every
layer the report lists as w8a8 (matched by ONNX node name), the float model
gets ONNX QDQ nodes with the same scheme and the same numbers:

  - input 0: QuantizeLinear/DequantizeLinear with the report's input scale
    and zero point;
  - weights: int8 initializer, symmetric per output channel, scale
    max|w_c| / 127, values rounded half to even and clipped to [-127, 127]
    (computed here from the model's float weights, exactly as qcc does);
  - bias: int32 initializer at scale input_scale * weight_scale[c];
  - output: QuantizeLinear/DequantizeLinear with the report's output scale
    and zero point, placed after a Relu/Clip that qcc fused into the layer.

ONNX Runtime then runs this as its own int8 (QDQ-fused) model, which is what
bench/quant.py compares qcc's int8 object against. Conv, MatMul and Gemm
(transB either way) nodes with initializer weights are handled; a layer
whose node cannot be found is reported and left in float.
"""
import json
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper


def upgrade_to_13(model):
    """Per-axis DequantizeLinear needs opset 13. ONNX's version converter is
    tried first; it needs static shapes for some adapters (Softmax 12->13),
    so on failure the few opset changes that matter for CNN classifiers are
    applied by hand: attributes that became inputs (Slice 10, Clip 11,
    Squeeze/Unsqueeze/ReduceSum/Split 13) and Softmax/LogSoftmax on their
    last axis (unchanged semantics). Anything else is an error."""
    opset = max((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), default=0)
    if opset >= 13:
        return model
    from onnx import version_converter
    try:
        return version_converter.convert_version(model, 13)
    except Exception:
        pass
    g = model.graph
    extra = []

    def const(name, values, dtype):
        t = numpy_helper.from_array(np.array(values, dtype), name)
        extra.append(t)
        return name

    for n in g.node:
        attrs = {a.name: helper.get_attribute_value(a) for a in n.attribute}
        keep = []
        if n.op_type == "Slice" and "starts" in attrs:
            n.input.extend([const(n.name + "_starts", attrs["starts"], np.int64),
                            const(n.name + "_ends", attrs["ends"], np.int64)])
            if "axes" in attrs:
                n.input.append(const(n.name + "_axes", attrs["axes"], np.int64))
            keep = []
        elif n.op_type == "Clip" and ("min" in attrs or "max" in attrs):
            lo = attrs.get("min", -3.4028234663852886e38)
            hi = attrs.get("max", 3.4028234663852886e38)
            n.input.extend([const(n.name + "_min", lo, np.float32),
                            const(n.name + "_max", hi, np.float32)])
        elif n.op_type in ("Squeeze", "Unsqueeze", "ReduceSum") and "axes" in attrs:
            n.input.append(const(n.name + "_axes", attrs["axes"], np.int64))
            keep = [a for a in n.attribute if a.name != "axes"]
        elif n.op_type == "Split" and "split" in attrs:
            n.input.append(const(n.name + "_split", attrs["split"], np.int64))
            keep = [a for a in n.attribute if a.name != "split"]
        elif n.op_type in ("Softmax", "LogSoftmax", "Hardmax"):
            # Same semantics when the axis is the last one; the classifiers
            # here apply it to [N, classes] logits.
            keep = list(n.attribute)
        else:
            continue
        if n.op_type in ("Slice", "Clip"):
            keep = []
        del n.attribute[:]
        n.attribute.extend(keep)
    g.initializer.extend(extra)
    for o in model.opset_import:
        if o.domain in ("", "ai.onnx"):
            o.version = 13
    return model


def constants_to_initializers(model):
    """Constant nodes holding a tensor become initializers (paddle2onnx
    stores weights this way)."""
    g = model.graph
    for n in list(g.node):
        if n.op_type == "Constant" and len(n.attribute) == 1 and n.attribute[0].name == "value":
            t = onnx.TensorProto()
            t.CopyFrom(n.attribute[0].t)
            t.name = n.output[0]
            g.initializer.append(t)
            g.node.remove(n)


def fold_batchnorm(model):
    """Folds BatchNormalization into the Conv before it, as qcc does before
    quantizing, so that the QDQ weights are the same folded weights."""
    g = model.graph
    inits = {t.name: t for t in g.initializer}
    users = {}
    for n in g.node:
        for i in n.input:
            users.setdefault(i, []).append(n)
    remove = []
    for n in list(g.node):
        if n.op_type != "BatchNormalization":
            continue
        prod = [p for p in g.node if n.input[0] in p.output]
        if len(prod) != 1 or prod[0].op_type != "Conv" or len(users.get(n.input[0], [])) != 1:
            continue
        conv = prod[0]
        if conv.input[1] not in inits or not all(i in inits for i in n.input[1:5]):
            continue
        gamma, beta, mean, var = (numpy_helper.to_array(inits[i]).astype(np.float64) for i in n.input[1:5])
        eps = next((a.f for a in n.attribute if a.name == "epsilon"), 1e-5)
        scale = gamma / np.sqrt(var + eps)
        w = numpy_helper.to_array(inits[conv.input[1]]).astype(np.float64)
        b = (numpy_helper.to_array(inits[conv.input[2]]).astype(np.float64)
             if len(conv.input) > 2 and conv.input[2] else np.zeros(w.shape[0]))
        wn, bn = conv.name + "_wfold", conv.name + "_bfold"
        g.initializer.extend([
            numpy_helper.from_array((w * scale.reshape(-1, 1, 1, 1)).astype(np.float32), wn),
            numpy_helper.from_array(((b - mean) * scale + beta).astype(np.float32), bn)])
        conv.input[1] = wn
        if len(conv.input) > 2:
            conv.input[2] = bn
        else:
            conv.input.append(bn)
        conv.output[0] = n.output[0]
        remove.append(n)
    for n in remove:
        g.node.remove(n)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    model = onnx.load(sys.argv[1])
    constants_to_initializers(model)
    model = upgrade_to_13(model)
    fold_batchnorm(model)
    report = json.load(open(sys.argv[2]))
    g = model.graph
    inits = {t.name: t for t in g.initializer}
    nodes = {n.name: n for n in g.node}
    consumers = {}
    for n in g.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    new_inits, new_nodes = [], []
    counter = [0]

    def fresh(base):
        counter[0] += 1
        return "%s__qdq%d" % (base, counter[0])

    def qdq(tensor, scale, zp, signed):
        s = fresh(tensor + "_scale")
        z = fresh(tensor + "_zp")
        new_inits.append(numpy_helper.from_array(np.array(scale, np.float32), s))
        new_inits.append(numpy_helper.from_array(
            np.array(zp, np.int8 if signed else np.uint8), z))
        q, d = fresh(tensor + "_q"), fresh(tensor + "_dq")
        new_nodes.append(helper.make_node("QuantizeLinear", [tensor, s, z], [q], name=q))
        new_nodes.append(helper.make_node("DequantizeLinear", [q, s, z], [d], name=d))
        return d

    def rewire(old, new):
        # The new Q/DQ nodes are still in new_nodes, so only the model's own
        # consumers are rewired (graph outputs are never passed here).
        for n in g.node:
            for k, i in enumerate(n.input):
                if i == old:
                    n.input[k] = new

    missing = []
    for layer in report["layers"]:
        if layer.get("precision") != "w8a8":
            continue
        node = nodes.get(layer["name"])
        if node is None or node.op_type not in ("Conv", "MatMul", "Gemm") or \
                len(node.input) < 2 or node.input[1] not in inits:
            missing.append(layer["name"])
            continue
        inp = layer["input"]
        signed = inp["dtype"] == "i8"
        node.input[0] = qdq(node.input[0], inp["scale"], inp["zero_point"], signed)

        w = numpy_helper.to_array(inits[node.input[1]]).astype(np.float64)
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        if node.op_type == "Conv":
            axis = 0
        elif node.op_type == "Gemm" and attrs.get("transB", 0):
            axis = 0
        else:
            axis = 1
        red = tuple(d for d in range(w.ndim) if d != axis)
        amax = np.abs(w).max(axis=red)
        scale = np.where(amax > 0, (amax / 127.0).astype(np.float32), 1.0).astype(np.float32)
        shape = [1] * w.ndim
        shape[axis] = -1
        wq = np.clip(np.rint(w / scale.astype(np.float64).reshape(shape)), -127, 127).astype(np.int8)
        wn, sn, zn = fresh(node.input[1] + "_i8"), fresh("w_scale"), fresh("w_zp")
        new_inits += [numpy_helper.from_array(wq, wn),
                      numpy_helper.from_array(scale, sn),
                      numpy_helper.from_array(np.zeros(scale.shape, np.int8), zn)]
        wd = fresh(node.input[1] + "_dq")
        new_nodes.append(helper.make_node("DequantizeLinear", [wn, sn, zn], [wd], name=wd, axis=axis))
        node.input[1] = wd

        if len(node.input) > 2 and node.input[2] in inits:
            b = numpy_helper.to_array(inits[node.input[2]]).astype(np.float64)
            bs = (np.float32(inp["scale"]) * scale).astype(np.float32)
            bq = np.rint(b / bs.astype(np.float64)).astype(np.int32)
            bn, bsn, bzn = fresh("b_i32"), fresh("b_scale"), fresh("b_zp")
            new_inits += [numpy_helper.from_array(bq, bn),
                          numpy_helper.from_array(bs, bsn),
                          numpy_helper.from_array(np.zeros(bs.shape, np.int32), bzn)]
            bd = fresh("b_dq")
            new_nodes.append(helper.make_node("DequantizeLinear", [bn, bsn, bzn], [bd], name=bd, axis=0))
            node.input[2] = bd

        out = layer["output"]
        if out.get("dtype") in ("u8", "i8") and "scale" in out:
            tail = node
            users = consumers.get(node.output[0], [])
            if len(users) == 1 and users[0].op_type in ("Relu", "Clip"):
                tail = users[0]
            y = tail.output[0]
            if any(o.name == y for o in g.output):
                continue
            d = qdq(y, out["scale"], out["zero_point"], out["dtype"] == "i8")
            rewire(y, d)

    g.initializer.extend(new_inits)
    g.node.extend(new_nodes)
    # Restore a topological order (the new nodes were appended).
    produced = {i.name for i in g.input} | {t.name for t in g.initializer}
    order, pending = [], list(g.node)
    while pending:
        rest = []
        for n in pending:
            if all(i == "" or i in produced for i in n.input):
                order.append(n)
                produced.update(n.output)
            else:
                rest.append(n)
        if len(rest) == len(pending):
            sys.exit("qdq-from-report: could not order the graph")
        pending = rest
    del g.node[:]
    g.node.extend(order)
    onnx.checker.check_model(model)
    onnx.save(model, sys.argv[3])
    if missing:
        print("qdq-from-report: left in float (node not found or not Conv/MatMul/Gemm "
              "with initializer weights): " + ", ".join(missing), file=sys.stderr)


if __name__ == "__main__":
    main()
