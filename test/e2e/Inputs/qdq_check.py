#!/usr/bin/python3
"""qdq_check.py - pre-quantized (QDQ) ONNX models through qcc and ONNX Runtime.

  make WORKDIR
      Writes the QDQ models in onnxruntime's quantizer conventions into
      WORKDIR (u8 per-tensor activations through QuantizeLinear ->
      DequantizeLinear, s8 weights as DequantizeLinear of an int8 initializer
      with axis = 0 per output channel (MatMul: axis = 1), int32 biases as
      DequantizeLinear at scale x_scale * w_scale[c]), with their inputs:
        cnn.onnx   Conv+Relu, MaxPool, Conv, residual Add, GlobalAveragePool,
                   Flatten, Gemm (transB), in QDQ form;
        attn.onnx  a one-head attention block: Q/K/V MatMuls with biases,
                   Transpose, scaled QK^T, Softmax, AV, output projection,
                   residual Add.
        conv1d.onnx  two 1-D Conv branches sharing an output scale, Concat,
                   Pad with zeros;
        mobile.onnx  s8 symmetric activations: depthwise Conv (stride 2) +
                   Clip(0, 6), pointwise Conv, residual Add, Sigmoid,
                   GlobalAveragePool, Gemm;
        dynamic.onnx  DynamicQuantizeLinear, then ConvInteger (padded and
                   not) and MatMulInteger with its run-time zero point.
      The quantization parameters come from a float64 numpy run of the float
      model on a calibration input (min/max).

  check WORKDIR --qcc-run=QCC_RUN --ort-run="node .../ort_run.js" [--qcc-arg=A]
      Runs every model with qcc-run and ONNX Runtime on the same inputs and
      compares the outputs: every element within one quantization step of
      the model's last QuantizeLinear (the outputs are dequantized u8 values,
      so a difference is a whole number of steps; ONNX Runtime's integer
      kernels round their float requantization half to even, qcc's
      fixed-point one ties away from zero, which moves a value by at most one
      step), and at least 95% of the elements identical; the dynamic model's
      outputs (integers, and one float product of them) exactly. Prints
      `PASS model output (...)` or `FAIL ...`, then `N passed, N failed`.
"""

import argparse
import os
import shlex
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

RNG = np.random.default_rng(1234)

#===------------------------------------------------------------------------===#
# float64 numpy reference (for the calibration ranges)
#===------------------------------------------------------------------------===#


def conv2d(x, w, b, pad):
    n, c, h, wd = x.shape
    oc, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    win = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(2, 3))
    # win: n, c, oh, ow, kh, kw
    y = np.einsum("ncyxij,ocij->noyx", win, w)
    return y + b.reshape(1, oc, 1, 1)


def maxpool2(x):
    n, c, h, w = x.shape
    return x.reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


#===------------------------------------------------------------------------===#
# Quantization parameters in onnxruntime's conventions
#===------------------------------------------------------------------------===#


def act_params(t):
    """u8 asymmetric, range widened to include 0 (onnxruntime MinMax)."""
    lo, hi = min(float(t.min()), 0.0), max(float(t.max()), 0.0)
    scale = (hi - lo) / 255.0 if hi > lo else 1.0
    zp = int(np.clip(np.rint(-lo / scale), 0, 255))
    return np.float32(scale), np.uint8(zp)


def weight_params(w, axis):
    """s8 symmetric per channel along `axis`, range [-127, 127]."""
    red = tuple(d for d in range(w.ndim) if d != axis)
    amax = np.abs(w).max(axis=red)
    scale = (np.maximum(amax, 1e-8) / 127.0).astype(np.float32)
    shape = [1] * w.ndim
    shape[axis] = -1
    q = np.clip(np.rint(w / scale.reshape(shape)), -127, 127).astype(np.int8)
    return q, scale


def act_params_s8(t):
    """s8 symmetric (zero point 0), the other activation scheme."""
    amax = max(float(np.abs(t).max()), 1e-8)
    return np.float32(amax / 127.0), np.int8(0)


def fake(t, p):
    s, z = float(p[0]), int(p[1])
    lo, hi = (-128, 127) if isinstance(p[1], np.int8) else (0, 255)
    return (np.clip(np.rint(t / s) + z, lo, hi) - z) * s


class Builder:
    def __init__(self):
        self.nodes = []
        self.inits = []
        self.count = 0

    def name(self, base):
        self.count += 1
        return f"{base}_{self.count}"

    def init(self, base, array):
        n = self.name(base)
        self.inits.append(numpy_helper.from_array(array, n))
        return n

    def node(self, op, inputs, base, **attrs):
        out = self.name(base)
        self.nodes.append(helper.make_node(op, inputs, [out], name=out, **attrs))
        return out

    def qdq(self, x, p, base):
        s = self.init(base + "_scale", np.array(p[0], np.float32))
        z = self.init(base + "_zp", np.array(p[1], type(p[1])))
        q = self.node("QuantizeLinear", [x, s, z], base + "_q")
        return self.node("DequantizeLinear", [q, s, z], base + "_dq")

    def weight(self, w, axis, base):
        q, scale = weight_params(w, axis)
        qn = self.init(base + "_q", q)
        sn = self.init(base + "_scale", scale)
        zn = self.init(base + "_zp", np.zeros(scale.shape, np.int8))
        dq = self.node("DequantizeLinear", [qn, sn, zn], base + "_dq",
                       axis=axis)
        shape = [1] * w.ndim
        shape[axis] = -1
        return dq, q.astype(np.float64) * scale.reshape(shape), scale

    def bias(self, b, x_scale, w_scale, base):
        s = (np.float32(x_scale) * w_scale).astype(np.float32)
        q = np.rint(b / s).astype(np.int32)
        qn = self.init(base + "_q", q)
        sn = self.init(base + "_scale", s)
        zn = self.init(base + "_zp", np.zeros(s.shape, np.int32))
        dq = self.node("DequantizeLinear", [qn, sn, zn], base + "_dq", axis=0)
        return dq, q.astype(np.float64) * s

    def model(self, inputs, outputs, path):
        graph = helper.make_graph(self.nodes, "qdq", inputs, outputs,
                                  self.inits)
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("",
                                                                         13)])
        m.ir_version = 8
        onnx.checker.check_model(m)
        onnx.save(m, path)


def make_cnn(workdir):
    x = RNG.uniform(-1, 1, (1, 3, 16, 16)).astype(np.float32)
    w1 = RNG.normal(0, 0.3, (8, 3, 3, 3))
    b1 = RNG.normal(0, 0.1, 8)
    w2 = RNG.normal(0, 0.2, (8, 8, 3, 3))
    b2 = RNG.normal(0, 0.1, 8)
    wf = RNG.normal(0, 0.4, (10, 8))
    bf = RNG.normal(0, 0.1, 10)
    g = Builder()
    # Calibration on the float model, stage by stage with fake quantization
    # of every stage's input (so the ranges fit what the QDQ model sees).
    px = act_params(x)
    xin = g.qdq("X", px, "x")
    w1d, w1f, w1s = g.weight(w1, 0, "w1")
    b1d, b1f = g.bias(b1, px[0], w1s, "b1")
    c1 = conv2d(fake(x, px), w1f, b1f, 1)
    p1 = act_params(c1)
    conv1 = g.node("Conv", [xin, w1d, b1d], "conv1", pads=[1, 1, 1, 1])
    # Conv -> Q -> DQ -> Relu -> Q -> DQ (relu after a quantized conv).
    conv1 = g.qdq(conv1, p1, "conv1")
    r1 = np.maximum(fake(c1, p1), 0)
    pr = act_params(r1)
    relu = g.qdq(g.node("Relu", [conv1], "relu1"), pr, "relu1")
    pool = g.qdq(g.node("MaxPool", [relu], "pool", kernel_shape=[2, 2],
                        strides=[2, 2]), pr, "pool")
    m1 = maxpool2(fake(r1, pr))
    w2d, w2f, w2s = g.weight(w2, 0, "w2")
    b2d, b2f = g.bias(b2, pr[0], w2s, "b2")
    # Conv -> Relu -> Q (onnxruntime's form: the relu inside the QDQ pair).
    c2 = np.maximum(conv2d(m1, w2f, b2f, 1), 0)
    p2 = act_params(c2)
    conv2 = g.node("Conv", [pool, w2d, b2d], "conv2", pads=[1, 1, 1, 1])
    conv2 = g.qdq(g.node("Relu", [conv2], "relu2"), p2, "conv2")
    s = fake(c2, p2) + m1
    ps = act_params(s)
    add = g.qdq(g.node("Add", [conv2, pool], "add"), ps, "add")
    gap = fake(s, ps).mean(axis=(2, 3))
    pg = act_params(gap)
    gapn = g.qdq(g.node("GlobalAveragePool", [add], "gap"), pg, "gap")
    flat = g.node("Flatten", [gapn], "flatten", axis=1)
    wfd, wff, wfs = g.weight(wf, 0, "wf")
    bfd, bff = g.bias(bf, pg[0], wfs, "bf")
    y = fake(gap, pg) @ wff.T + bff
    py = act_params(y)
    gemm = g.node("Gemm", [flat, wfd, bfd], "gemm", transB=1)
    g.qdq(gemm, py, "y")
    g.nodes[-1].output[0] = "Y"
    g.model([helper.make_tensor_value_info("X", TensorProto.FLOAT, x.shape)],
            [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [1, 10])],
            os.path.join(workdir, "cnn.onnx"))
    np.save(os.path.join(workdir, "cnn.X.npy"), x)
    return {"Y": float(py[0])}


def make_attn(workdir):
    seq, dim = 8, 16
    x = RNG.uniform(-1, 1, (1, seq, dim)).astype(np.float32)
    ws = {k: RNG.normal(0, 0.25, (dim, dim)) for k in "qkvo"}
    bs = {k: RNG.normal(0, 0.1, dim) for k in "qkvo"}
    g = Builder()
    px = act_params(x)
    xin = g.qdq("X", px, "x")
    xf = fake(x, px)
    proj, projf, projp = {}, {}, {}
    for k in "qkv":
        wd, wf, wsc = g.weight(ws[k], 1, "w" + k)
        mm = g.node("MatMul", [xin, wd], "mm" + k)
        pm = act_params(xf @ wf)
        mm = g.qdq(mm, pm, "mm" + k)
        bd, bf = g.bias(bs[k], pm[0], np.float32([1.0]), "b" + k)
        # The bias Add stays float (onnxruntime: QLinearAdd); its constant is
        # an int32 DequantizeLinear here, folded by qcc.
        v = fake(xf @ wf, pm) + bf
        pv = act_params(v)
        proj[k] = g.qdq(g.node("Add", [mm, bd], "add" + k), pv, "proj" + k)
        projf[k] = fake(v, pv)
        projp[k] = pv
    kt = g.node("Transpose", [proj["k"]], "kt", perm=[0, 2, 1])
    kt = g.qdq(kt, projp["k"], "kt")
    sc = projf["q"] @ projf["k"].transpose(0, 2, 1)
    psc = act_params(sc)
    scores = g.qdq(g.node("MatMul", [proj["q"], kt], "scores"), psc, "scores")
    scale = g.init("inv_sqrt_d", np.array(1 / np.sqrt(dim), np.float32))
    scaled = g.node("Mul", [scores, scale], "scaled")
    att = softmax(fake(sc, psc) / np.sqrt(dim))
    pa = (np.float32(1 / 255.0), np.uint8(0))
    att_n = g.qdq(g.node("Softmax", [scaled], "softmax", axis=-1), pa, "att")
    ctx = fake(att, pa) @ projf["v"]
    pc = act_params(ctx)
    ctx_n = g.qdq(g.node("MatMul", [att_n, proj["v"]], "ctx"), pc, "ctx")
    wod, wof, wos = g.weight(ws["o"], 1, "wo")
    o = fake(ctx, pc) @ wof
    po = act_params(o)
    out = g.qdq(g.node("MatMul", [ctx_n, wod], "out"), po, "out")
    res = fake(o, po) + xf
    pr = act_params(res)
    g.qdq(g.node("Add", [out, xin], "res"), pr, "y")
    g.nodes[-1].output[0] = "Y"
    g.model([helper.make_tensor_value_info("X", TensorProto.FLOAT, x.shape)],
            [helper.make_tensor_value_info("Y", TensorProto.FLOAT,
                                           [1, seq, dim])],
            os.path.join(workdir, "attn.onnx"))
    np.save(os.path.join(workdir, "attn.X.npy"), x)
    return {"Y": float(pr[0])}


def conv1d(x, w, b, pad):
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad)))
    win = np.lib.stride_tricks.sliding_window_view(xp, w.shape[2], axis=2)
    return np.einsum("ncyj,ocj->noy", win, w) + b.reshape(1, -1, 1)


def make_conv1d(workdir):
    """Two 1-D convolution branches (qcc reshapes them to 2-D) quantized to
    one shared scale, concatenated and zero-padded on the integers."""
    x = RNG.uniform(-1, 1, (1, 4, 20)).astype(np.float32)
    g = Builder()
    px = act_params(x)
    xin = g.qdq("X", px, "x")
    outs, branches = [], []
    for i in range(2):
        w = RNG.normal(0, 0.3, (6, 4, 3))
        b = RNG.normal(0, 0.1, 6)
        wd, wf, ws = g.weight(w, 0, f"w{i}")
        bd, bf = g.bias(b, px[0], ws, f"b{i}")
        outs.append(conv1d(fake(x, px), wf, bf, 1))
        branches.append(g.node("Conv", [xin, wd, bd], f"conv{i}",
                               pads=[1, 1]))
    pc = act_params(np.concatenate(outs, axis=1))
    qb = [g.qdq(b, pc, f"branch{i}") for i, b in enumerate(branches)]
    cat = g.qdq(g.node("Concat", qb, "concat", axis=1), pc, "cat")
    # Pad with zeros (the zero point) on the integers.
    pads = g.init("pads", np.array([0, 0, 2, 0, 0, 1], np.int64))
    g.qdq(g.node("Pad", [cat, pads], "pad"), pc, "y")
    g.nodes[-1].output[0] = "Y"
    g.model([helper.make_tensor_value_info("X", TensorProto.FLOAT, x.shape)],
            [helper.make_tensor_value_info("Y", TensorProto.FLOAT,
                                           [1, 12, 23])],
            os.path.join(workdir, "conv1d.onnx"))
    np.save(os.path.join(workdir, "conv1d.X.npy"), x)
    return {"Y": float(pc[0])}


def make_mobile(workdir):
    """A MobileNet-style block with s8 symmetric activations: depthwise
    Conv (group = channels, stride 2) + Clip(0, 6), pointwise Conv, residual
    Add, Sigmoid, GlobalAveragePool, Gemm."""
    x = RNG.uniform(-1, 1, (1, 8, 12, 12)).astype(np.float32)
    wdw = RNG.normal(0, 0.5, (8, 1, 3, 3))
    bdw = RNG.normal(0, 0.1, 8)
    wpw = RNG.normal(0, 0.3, (8, 8, 1, 1))
    bpw = RNG.normal(0, 0.1, 8)
    wf = RNG.normal(0, 0.4, (5, 8))
    bf = RNG.normal(0, 0.1, 5)
    g = Builder()
    px = act_params_s8(x)
    xin = g.qdq("X", px, "x")
    xf = fake(x, px)
    d1, w1f, w1s = g.weight(wdw, 0, "wdw")
    b1, b1f = g.bias(bdw, px[0], w1s, "bdw")
    # Depthwise: one input channel per output channel, stride 2.
    xp = np.pad(xf, ((0, 0), (0, 0), (1, 1), (1, 1)))
    win = np.lib.stride_tricks.sliding_window_view(xp, (3, 3), axis=(2, 3))
    dw = np.einsum("ncyxij,cij->ncyx", win[:, :, ::2, ::2], w1f[:, 0]) + \
        b1f.reshape(1, -1, 1, 1)
    dw = np.clip(dw, 0, 6)
    pd = act_params_s8(dw)
    conv = g.node("Conv", [xin, d1, b1], "dw", pads=[1, 1, 1, 1],
                  strides=[2, 2], group=8)
    lo = g.init("lo", np.array(0, np.float32))
    hi = g.init("hi", np.array(6, np.float32))
    dwn = g.qdq(g.node("Clip", [conv, lo, hi], "relu6"), pd, "dw")
    dwf = fake(dw, pd)
    d2, w2f, w2s = g.weight(wpw, 0, "wpw")
    b2, b2f = g.bias(bpw, pd[0], w2s, "bpw")
    pw = conv2d(dwf, w2f, b2f, 0)
    pp = act_params_s8(pw)
    pwn = g.qdq(g.node("Conv", [dwn, d2, b2], "pw"), pp, "pw")
    s = fake(pw, pp) + dwf
    ps = act_params_s8(s)
    addn = g.qdq(g.node("Add", [pwn, dwn], "add"), ps, "add")
    sg = 1 / (1 + np.exp(-fake(s, ps)))
    psg = act_params_s8(sg)
    sgn = g.qdq(g.node("Sigmoid", [addn], "sigmoid"), psg, "sig")
    gap = fake(sg, psg).mean(axis=(2, 3))
    pg = act_params_s8(gap)
    gapn = g.qdq(g.node("GlobalAveragePool", [sgn], "gap"), pg, "gap")
    flat = g.node("Flatten", [gapn], "flatten", axis=1)
    wfd, wff, wfs = g.weight(wf, 0, "wf")
    bfd, bff = g.bias(bf, pg[0], wfs, "bf")
    y = fake(gap, pg) @ wff.T + bff
    py = act_params_s8(y)
    g.qdq(g.node("Gemm", [flat, wfd, bfd], "gemm", transB=1), py, "y")
    g.nodes[-1].output[0] = "Y"
    g.model([helper.make_tensor_value_info("X", TensorProto.FLOAT, x.shape)],
            [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [1, 5])],
            os.path.join(workdir, "mobile.onnx"))
    np.save(os.path.join(workdir, "mobile.X.npy"), x)
    return {"Y": float(py[0])}


def make_dynamic(workdir):
    """Dynamic quantization (onnxruntime's quantize_dynamic form):
    DynamicQuantizeLinear of the input, then MatMulInteger / ConvInteger with
    its run-time zero point (u8 data, s8 weights with zero points)."""
    x = RNG.uniform(-1.5, 0.7, (1, 4, 6, 6)).astype(np.float32)
    g = Builder()
    g.nodes.append(helper.make_node("DynamicQuantizeLinear", ["X"],
                                    ["XQ", "XS", "XZ"], name="dql"))
    w = RNG.integers(-128, 128, (5, 4, 3, 3)).astype(np.int8)
    wz = np.array(2, np.int8)  # onnxruntime: per-tensor only
    wn, wzn = g.init("w", w), g.init("wz", wz)
    g.nodes.append(helper.make_node("ConvInteger", ["XQ", wn, "XZ", wzn],
                                    ["CP"], pads=[1, 1, 1, 1], name="convp"))
    g.nodes.append(helper.make_node("ConvInteger", ["XQ", wn, "XZ", wzn],
                                    ["CV"], strides=[2, 2], name="convv"))
    flat = g.node("Reshape", ["XQ", g.init("shape", np.array([4, 36]))],
                  "flat")
    b = RNG.integers(-128, 128, (36, 7)).astype(np.int8)
    bz = RNG.integers(-2, 3, 7).astype(np.int8)
    g.nodes.append(helper.make_node(
        "MatMulInteger", [flat, g.init("b", b), "XZ", g.init("bz", bz)],
        ["MM"], name="mm"))
    mf = g.node("Cast", ["MM"], "mmf", to=TensorProto.FLOAT)
    g.nodes.append(helper.make_node("Mul", [mf, "XS"], ["Y"], name="y"))
    i32 = TensorProto.INT32
    outs = [helper.make_tensor_value_info("XQ", TensorProto.UINT8, x.shape),
            helper.make_tensor_value_info("XS", TensorProto.FLOAT, []),
            helper.make_tensor_value_info("XZ", TensorProto.UINT8, []),
            helper.make_tensor_value_info("CP", i32, [1, 5, 6, 6]),
            helper.make_tensor_value_info("CV", i32, [1, 5, 2, 2]),
            helper.make_tensor_value_info("MM", i32, [4, 7]),
            helper.make_tensor_value_info("Y", TensorProto.FLOAT, [4, 7])]
    g.model([helper.make_tensor_value_info("X", TensorProto.FLOAT, x.shape)],
            outs, os.path.join(workdir, "dynamic.onnx"))
    np.save(os.path.join(workdir, "dynamic.X.npy"), x)
    # Exact: the integers, and the float product of the same values.
    return {o.name: 0.0 for o in outs}


MODELS = {"cnn": make_cnn, "attn": make_attn, "conv1d": make_conv1d,
          "mobile": make_mobile, "dynamic": make_dynamic}


def cmd_make(args):
    os.makedirs(args.workdir, exist_ok=True)
    steps = {}
    for name, make in MODELS.items():
        steps[name] = make(args.workdir)
    with open(os.path.join(args.workdir, "steps.txt"), "w") as f:
        for name, outs in steps.items():
            for out, step in outs.items():
                f.write(f"{name} {out} {step!r}\n")
    return 0


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.stderr.write(r.stdout + r.stderr)
    return r.returncode == 0


def cmd_check(args):
    steps = {}
    with open(os.path.join(args.workdir, "steps.txt")) as f:
        for line in f:
            model, out, step = line.split()
            steps.setdefault(model, {})[out] = float(step)
    passed = failed = 0
    for model, outs in steps.items():
        path = os.path.join(args.workdir, model + ".onnx")
        inp = f"X={os.path.join(args.workdir, model + '.X.npy')}"
        qdir = os.path.join(args.workdir, model + ".qcc")
        odir = os.path.join(args.workdir, model + ".ort")
        ok = run([args.qcc_run, path, f"--input={inp}", f"--output-dir={qdir}"]
                 + args.qcc_arg)
        ok = run(shlex.split(args.ort_run) +
                 [path, f"--input={inp}", f"--output-dir={odir}"]) and ok
        for out, step in outs.items():
            if not ok:
                print(f"FAIL {model} {out}: a run failed")
                failed += 1
                continue
            got = np.load(os.path.join(qdir, out + ".npy")).astype(np.float64)
            ref = np.load(os.path.join(odir, out + ".npy")).astype(np.float64)
            if got.shape != ref.shape:
                print(f"FAIL {model} {out}: shape {got.shape} != {ref.shape}")
                failed += 1
                continue
            if step == 0:
                worst = float(np.abs(got - ref).max()) if got.size else 0.0
                msg = f"max difference {worst}"
                good = worst == 0
            else:
                steps_off = np.rint(np.abs(got - ref) / step)
                worst = int(steps_off.max())
                same = float((steps_off == 0).mean())
                msg = f"max {worst} step(s), {100 * same:.1f}% identical"
                good = worst <= 1 and same >= 0.95
            if good:
                print(f"PASS {model} {out} ({msg})")
                passed += 1
            else:
                print(f"FAIL {model} {out}: {msg}")
                failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make")
    m.add_argument("workdir")
    c = sub.add_parser("check")
    c.add_argument("workdir")
    c.add_argument("--qcc-run", required=True)
    c.add_argument("--ort-run", required=True)
    c.add_argument("--qcc-arg", action="append", default=[])
    args = ap.parse_args()
    return cmd_make(args) if args.cmd == "make" else cmd_check(args)


if __name__ == "__main__":
    sys.exit(main())
