"""onnx_ref.py - a small float64 numpy interpreter for ONNX graphs.

The independent reference for qcc's hand-written end-to-end models: it reads a
binary .onnx or textual .onnxtxt model with python3-onnx and evaluates it node
by node in float64, so the only error left in a comparison is qcc's own fp32
rounding. It covers the ops the hand-made models use (and a few more), with
the ONNX semantics written out directly rather than through any library that
qcc might share assumptions with.
"""

import numpy as np
import onnx
import onnx.numpy_helper
import onnx.parser


def load_model(path):
    """Loads a binary ModelProto, or ONNX textual syntax for .onnxtxt/.txt."""
    if path.endswith(".onnxtxt") or path.endswith(".txt"):
        with open(path) as f:
            return onnx.parser.parse_model(f.read())
    return onnx.load(path)


def graph_inputs(model):
    """(name, dtype, shape) of the graph inputs that are not initializers."""
    inits = {t.name for t in model.graph.initializer}
    out = []
    for vi in model.graph.input:
        if vi.name in inits:
            continue
        tt = vi.type.tensor_type
        if hasattr(onnx.helper, "tensor_dtype_to_np_dtype"):  # onnx >= 1.13
            dtype = onnx.helper.tensor_dtype_to_np_dtype(tt.elem_type)
        else:
            dtype = onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[tt.elem_type]
        shape = [d.dim_value if d.HasField("dim_value") else None
                 for d in tt.shape.dim]
        out.append((vi.name, np.dtype(dtype), shape))
    return out


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _str_attr(a, key, default):
    val = a.get(key, default)
    return val.decode() if isinstance(val, bytes) else val


def _pads_for(auto_pad, in_sz, k, s, d, pads):
    """Returns [begin..., end...] pads for one spatial config."""
    n = len(in_sz)
    if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        begin, end = [], []
        for i in range(n):
            out = -(-in_sz[i] // s[i])
            total = max((out - 1) * s[i] + (k[i] - 1) * d[i] + 1 - in_sz[i], 0)
            small, big = total // 2, total - total // 2
            if auto_pad == "SAME_UPPER":
                begin.append(small), end.append(big)
            else:
                begin.append(big), end.append(small)
        return begin + end
    if auto_pad == "VALID":
        return [0] * (2 * n)
    return list(pads) if pads else [0] * (2 * n)


def _windows(x, k, s, d, pads, fill):
    """Pads NC... `x` and returns strided windows [N, C, out..., k...]."""
    n = len(k)
    pad_width = [(0, 0), (0, 0)] + [(pads[i], pads[i + n]) for i in range(n)]
    xp = np.pad(x, pad_width, constant_values=fill)
    out = [(xp.shape[2 + i] - ((k[i] - 1) * d[i] + 1)) // s[i] + 1
           for i in range(n)]
    idx = []
    for i in range(n):
        o = np.arange(out[i]) * s[i]
        w = np.arange(k[i]) * d[i]
        idx.append(o[:, None] + w[None, :])
    if n == 1:
        return xp[:, :, idx[0]]
    if n == 2:
        return xp[:, :, idx[0][:, None, :, None], idx[1][None, :, None, :]]
    raise NotImplementedError("only 1-D and 2-D windows are supported")


def _conv(x, w, b, a):
    n = x.ndim - 2
    k = list(a.get("kernel_shape", w.shape[2:]))
    s = list(a.get("strides", [1] * n))
    d = list(a.get("dilations", [1] * n))
    g = a.get("group", 1)
    pads = _pads_for(_str_attr(a, "auto_pad", "NOTSET"), x.shape[2:], k, s, d,
                     a.get("pads"))
    win = _windows(x, k, s, d, pads, 0.0)  # N, C, O..., K...
    cin_g = x.shape[1] // g
    cout_g = w.shape[0] // g
    outs = []
    for gi in range(g):
        wg = win[:, gi * cin_g:(gi + 1) * cin_g]
        kg = w[gi * cout_g:(gi + 1) * cout_g]
        if n == 2:
            outs.append(np.einsum("ncxyij,ocij->noxy", wg, kg))
        else:
            outs.append(np.einsum("ncxi,oci->nox", wg, kg))
    y = np.concatenate(outs, axis=1)
    if b is not None:
        y = y + b.reshape([1, -1] + [1] * n)
    return y


def _pool(x, a, kind):
    n = x.ndim - 2
    k = list(a["kernel_shape"])
    s = list(a.get("strides", [1] * n))
    d = list(a.get("dilations", [1] * n))
    pads = _pads_for(_str_attr(a, "auto_pad", "NOTSET"), x.shape[2:], k, s, d,
                     a.get("pads"))
    if a.get("ceil_mode", 0):
        raise NotImplementedError("ceil_mode")
    axes = tuple(range(2 + n, 2 + 2 * n))
    if kind == "max":
        return _windows(x, k, s, d, pads, -np.inf).max(axis=axes)
    total = _windows(x, k, s, d, pads, 0.0).sum(axis=axes)
    if a.get("count_include_pad", 0):
        return total / np.prod(k)
    ones = np.ones((1, 1) + x.shape[2:])
    count = _windows(ones, k, s, d, pads, 0.0).sum(axis=axes)
    return total / count


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _run_node(node, v, opset):
    op = node.op_type
    a = _attrs(node)
    ins = [v[i] if i else None for i in node.input]
    x = ins[0] if ins else None
    if op == "Constant":
        return [onnx.numpy_helper.to_array(a["value"]).astype(np.float64)
                if a["value"].data_type in (1, 10, 11)
                else onnx.numpy_helper.to_array(a["value"])]
    if op == "Identity":
        return [x]
    if op in ("Add", "Sub", "Mul", "Div", "Pow"):
        f = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply,
             "Div": np.divide, "Pow": np.power}[op]
        return [f(ins[0], ins[1])]
    if op == "Relu":
        return [np.maximum(x, 0)]
    if op == "LeakyRelu":
        return [np.where(x >= 0, x, a.get("alpha", 0.01) * x)]
    if op == "Sigmoid":
        return [1 / (1 + np.exp(-x))]
    if op == "Tanh":
        return [np.tanh(x)]
    if op == "Sqrt":
        return [np.sqrt(x)]
    if op == "Exp":
        return [np.exp(x)]
    if op == "HardSigmoid":
        return [np.clip(a.get("alpha", 0.2) * x + a.get("beta", 0.5), 0, 1)]
    if op == "HardSwish":
        return [x * np.clip(x / 6 + 0.5, 0, 1)]
    if op == "Clip":
        if opset >= 11:
            lo = ins[1] if len(ins) > 1 and ins[1] is not None else -np.inf
            hi = ins[2] if len(ins) > 2 and ins[2] is not None else np.inf
        else:
            lo, hi = a.get("min", -np.inf), a.get("max", np.inf)
        return [np.minimum(np.maximum(x, lo), hi)]
    if op == "Conv":
        return [_conv(x, ins[1], ins[2] if len(ins) > 2 else None, a)]
    if op == "BatchNormalization":
        scale, bias, mean, var = ins[1:5]
        shp = [1, -1] + [1] * (x.ndim - 2)
        eps = a.get("epsilon", 1e-5)
        return [(x - mean.reshape(shp)) / np.sqrt(var.reshape(shp) + eps) *
                scale.reshape(shp) + bias.reshape(shp)]
    if op == "MaxPool":
        return [_pool(x, a, "max")]
    if op == "AveragePool":
        return [_pool(x, a, "avg")]
    if op == "GlobalAveragePool":
        return [x.mean(axis=tuple(range(2, x.ndim)), keepdims=True)]
    if op == "Flatten":
        axis = a.get("axis", 1) % max(x.ndim, 1)
        return [x.reshape(int(np.prod(x.shape[:axis])), -1)]
    if op == "Reshape":
        shape = [int(s) for s in ins[1]]
        if not a.get("allowzero", 0):
            shape = [x.shape[i] if s == 0 else s for i, s in enumerate(shape)]
        return [x.reshape(shape)]
    if op == "Transpose":
        return [np.transpose(x, a.get("perm"))]
    if op == "Concat":
        return [np.concatenate(ins, axis=a["axis"])]
    if op == "MatMul":
        return [np.matmul(ins[0], ins[1])]
    if op == "Gemm":
        A = ins[0].T if a.get("transA", 0) else ins[0]
        B = ins[1].T if a.get("transB", 0) else ins[1]
        y = a.get("alpha", 1.0) * (A @ B)
        if len(ins) > 2 and ins[2] is not None:
            y = y + a.get("beta", 1.0) * ins[2]
        return [y]
    if op == "Softmax":
        return [_softmax(x, a.get("axis", -1 if opset >= 13 else 1))]
    if op == "ReduceMean":
        axes = a.get("axes")
        keep = bool(a.get("keepdims", 1))
        return [x.mean(axis=tuple(axes) if axes is not None else None,
                       keepdims=keep)]
    raise NotImplementedError("onnx_ref: op %s is not implemented" % op)


def run(model, feeds):
    """Evaluates `model` on `feeds` (name -> array) in float64.

    Returns the graph outputs as a list of arrays, in graph order.
    """
    opset = next((o.version for o in model.opset_import
                  if o.domain in ("", "ai.onnx")), 13)
    v = {}
    for t in model.graph.initializer:
        arr = onnx.numpy_helper.to_array(t)
        v[t.name] = arr.astype(np.float64) if arr.dtype.kind == "f" else arr
    for name, arr in feeds.items():
        v[name] = arr.astype(np.float64) if arr.dtype.kind == "f" else arr
    for node in model.graph.node:
        outs = _run_node(node, v, opset)
        for name, val in zip(node.output, outs):
            if name:
                v[name] = np.asarray(val)
    return [v[o.name] for o in model.graph.output]
