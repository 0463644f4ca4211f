#!/usr/bin/python3
"""rnn_check.py - numeric checks of qcc's unrolled ONNX RNN/GRU/LSTM.

Subcommands (each writes its models into WORKDIR, never into the source tree):

  onnx WORKDIR --qcc-run=QCC_RUN --ort-run="node .../ort_run.js"
      Builds one ONNX model per attribute combination (directions, layouts,
      sequence_lens constant / run time, initial states, peepholes,
      input_forget, linear_before_reset, clip, every activation function with
      alpha/beta, absent B, subsets of the outputs), runs it with qcc-run and
      with ONNX Runtime on the same seeded inputs and compares every output.

  torch WORKDIR --qcc-run=QCC_RUN
      Exports torch.nn.LSTM and torch.nn.GRU (2 layers, bidirectional,
      batch_first True and False) at fixed seeds with torch.onnx.export and
      compares qcc-run's outputs with torch's own.

Outputs are compared by relative L2 error ||got - ref|| / ||ref|| <= 1e-4
(fp32 against fp32: only summation order and the polynomial tanh/sigmoid
differ). Prints `PASS case output` or `FAIL case output: reason` per output
and a closing `N passed, N failed`; exits non-zero on any failure.
"""

import argparse
import os
import shlex
import subprocess
import sys
import zlib

import numpy as np

TOL = 1e-4


def rel_l2(got, ref):
    ref = ref.astype(np.float64)
    got = got.astype(np.float64)
    if got.shape != ref.shape:
        return None
    denom = np.linalg.norm(ref)
    num = np.linalg.norm(got - ref)
    return num / denom if denom > 0 else num


class Checker:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, case, name, got, ref):
        err = rel_l2(got, ref)
        if err is None:
            print(f"FAIL {case} {name}: shape {got.shape} != {ref.shape}")
            self.failed += 1
        elif not err <= TOL:
            print(f"FAIL {case} {name}: rel L2 {err:.3g} > {TOL}")
            self.failed += 1
        else:
            print(f"PASS {case} {name} (rel L2 {err:.2g})")
            self.passed += 1

    def fail(self, case, reason):
        print(f"FAIL {case}: {reason}")
        self.failed += 1


def run_qcc(qcc_run, model, inputs, outdir, extra=()):
    """Runs qcc-run on {name: array}; returns the directory of its outputs."""
    args = [qcc_run, model, f"--output-dir={outdir}"] + list(extra)
    os.makedirs(outdir, exist_ok=True)
    for name, arr in inputs.items():
        path = os.path.join(outdir, f"in_{name}.npy")
        np.save(path, arr)
        args.append(f"--input={name}={path}")
    proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.strip().splitlines()[-1:]
                           or [f"exit {proc.returncode}"])
    return outdir


# ---------------------------------------------------------------------------
# ONNX attribute cases against ONNX Runtime
# ---------------------------------------------------------------------------

def onnx_cases():
    """(name, op, attrs, dims, options) for every checked combination."""
    lstm_acts = ["HardSigmoid", "LeakyRelu", "Softsign",
                 "Sigmoid", "ScaledTanh", "Elu"]
    return [
        ("lstm_fwd", "LSTM", {}, dict(T=5, B=3, I=4, H=6),
         dict(bias=True, init=True)),
        ("lstm_bidi_peep_clip", "LSTM",
         {"direction": "bidirectional", "clip": 1.5},
         dict(T=4, B=2, I=3, H=5), dict(bias=True, init=True, peep=True)),
        ("lstm_rev_forget_layout1", "LSTM",
         {"direction": "reverse", "input_forget": 1, "layout": 1},
         dict(T=6, B=2, I=3, H=4), dict(bias=True, init=True, peep=True)),
        ("lstm_nobias_yh_only", "LSTM", {}, dict(T=3, B=2, I=3, H=4),
         dict(outputs=["", "Y_h"])),
        ("lstm_yc_only", "LSTM", {"direction": "bidirectional"},
         dict(T=3, B=2, I=3, H=4), dict(bias=True, outputs=["", "", "Y_c"])),
        ("lstm_activations", "LSTM",
         {"direction": "bidirectional", "activations": lstm_acts,
          "activation_alpha": [0.3, 0.05, 0.8, 0.9],
          "activation_beta": [0.4, 0.7]},
         dict(T=4, B=2, I=3, H=4), dict(bias=True, init=True)),
        ("lstm_seqlens_const", "LSTM", {"direction": "bidirectional"},
         dict(T=5, B=3, I=3, H=4),
         dict(bias=True, init=True, peep=True, lens=[5, 2, 3])),
        ("lstm_seqlens_runtime_layout1", "LSTM",
         {"direction": "bidirectional", "layout": 1},
         dict(T=5, B=3, I=3, H=4),
         dict(bias=True, init=True, lens=[4, 5, 1], lens_runtime=True)),
        ("lstm_runtime_weights", "LSTM", {"direction": "reverse"},
         dict(T=4, B=2, I=3, H=4),
         dict(bias=True, init=True, weights_runtime=True)),
        ("gru_fwd", "GRU", {}, dict(T=5, B=3, I=4, H=6),
         dict(bias=True, init=True)),
        ("gru_lbr_bidi", "GRU",
         {"direction": "bidirectional", "linear_before_reset": 1},
         dict(T=4, B=2, I=3, H=5), dict(bias=True, init=True)),
        ("gru_lbr_noinit", "GRU", {"linear_before_reset": 1},
         dict(T=4, B=2, I=3, H=5), dict(bias=True)),
        ("gru_rev_layout1_clip", "GRU",
         {"direction": "reverse", "layout": 1, "clip": 0.7},
         dict(T=4, B=3, I=2, H=4), dict(bias=True, init=True)),
        ("gru_activations", "GRU",
         {"direction": "bidirectional",
          "activations": ["HardSigmoid", "Affine", "Sigmoid", "Softplus"],
          "activation_alpha": [0.25, 0.6], "activation_beta": [0.45, 0.1]},
         dict(T=3, B=2, I=3, H=4), dict(bias=True, init=True)),
        ("lstm_seqlens_zero", "LSTM", {"direction": "bidirectional"},
         dict(T=4, B=3, I=3, H=4),
         dict(bias=True, init=True, lens=[4, 0, 2])),
        ("gru_seqlens_lbr", "GRU",
         {"direction": "bidirectional", "linear_before_reset": 1},
         dict(T=5, B=3, I=3, H=4), dict(bias=True, lens=[3, 5, 1])),
        ("rnn_bidi_relu", "RNN",
         {"direction": "bidirectional", "activations": ["Relu", "Tanh"]},
         dict(T=5, B=2, I=3, H=4), dict(bias=True, init=True)),
        ("rnn_thresholded_elu", "RNN",
         {"direction": "bidirectional",
          "activations": ["ThresholdedRelu", "Elu"],
          "activation_alpha": [0.1, 0.5]},
         dict(T=4, B=2, I=3, H=4), dict(bias=True, init=True)),
        ("rnn_clip_layout1_lens", "RNN",
         {"direction": "reverse", "clip": 0.5, "layout": 1},
         dict(T=4, B=3, I=3, H=4),
         dict(bias=True, init=True, lens=[2, 4, 3])),
    ]


def build_onnx_case(name, op, attrs, dims, opts, workdir, suffix=""):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(zlib.crc32(name.encode()))
    T, B, I, H = dims["T"], dims["B"], dims["I"], dims["H"]
    D = 2 if attrs.get("direction") == "bidirectional" else 1
    G = {"RNN": 1, "GRU": 3, "LSTM": 4}[op]
    layout = attrs.get("layout", 0)

    def rand(*shape, scale=0.5):
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    inputs, inits, feeds = [], [], {}

    def add(idx_name, arr, runtime):
        if runtime:
            dtype = (TensorProto.INT32 if arr.dtype == np.int32
                     else TensorProto.FLOAT)
            inputs.append(helper.make_tensor_value_info(idx_name, dtype,
                                                        list(arr.shape)))
            feeds[idx_name] = arr
        else:
            inits.append(numpy_helper.from_array(arr, idx_name))
        return idx_name

    xshape = (B, T, I) if layout else (T, B, I)
    sshape = (B, D, H) if layout else (D, B, H)
    wr = opts.get("weights_runtime", False)
    names = [add("X", rand(*xshape, scale=1.0), True),
             add("W", rand(D, G * H, I), wr),
             add("R", rand(D, G * H, H), wr)]
    names.append(add("B", rand(D, 2 * G * H), wr) if opts.get("bias") else "")
    if "lens" in opts:
        names.append(add("sequence_lens", np.array(opts["lens"], np.int32),
                         opts.get("lens_runtime", False)))
    else:
        names.append("")
    names.append(add("initial_h", rand(*sshape), True)
                 if opts.get("init") else "")
    if op == "LSTM":
        names.append(add("initial_c", rand(*sshape), True)
                     if opts.get("init") else "")
        names.append(add("P", rand(D, 3 * H), wr) if opts.get("peep") else "")
    while names and names[-1] == "":
        names.pop()

    outs = opts.get("outputs",
                    ["Y", "Y_h", "Y_c"] if op == "LSTM" else ["Y", "Y_h"])
    yshape = (B, T, D, H) if layout else (T, D, B, H)
    out_vi = []
    for o in outs:
        if o:
            out_vi.append(helper.make_tensor_value_info(
                o, TensorProto.FLOAT, list(yshape if o == "Y" else sshape)))
    node = helper.make_node(op, names, outs, hidden_size=H, **attrs)
    graph = helper.make_graph([node], name, inputs, out_vi, inits)
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 14)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    path = os.path.join(workdir, name + suffix + ".onnx")
    onnx.save(model, path)
    return path, feeds, [o for o in outs if o]


def cmd_onnx(args):
    chk = Checker()
    ort = shlex.split(args.ort_run)
    for name, op, attrs, dims, opts in onnx_cases():
        case_dir = os.path.join(args.workdir, name)
        os.makedirs(case_dir, exist_ok=True)
        path, feeds, outs = build_onnx_case(name, op, attrs, dims, opts,
                                            case_dir)
        try:
            qdir = run_qcc(args.qcc_run, path, feeds,
                           os.path.join(case_dir, "qcc"), args.qcc_arg)
        except Exception as e:  # noqa: BLE001 - reported as a failure
            chk.fail(name, f"qcc-run failed: {e}")
            continue
        # ONNX Runtime's CPU kernels reject layout=1: the reference runs the
        # layout-0 model on transposed inputs and transposes its outputs.
        layout1 = attrs.get("layout", 0) == 1
        ref_path, ref_feeds = path, feeds
        if layout1:
            attrs0 = dict(attrs, layout=0)
            ref_path, _, _ = build_onnx_case(name, op, attrs0, dims, opts,
                                             case_dir, suffix="_layout0")
            ref_feeds = {k: (np.swapaxes(v, 0, 1) if v.ndim == 3 else v)
                         for k, v in feeds.items()}
        odir = os.path.join(case_dir, "ort")
        os.makedirs(odir, exist_ok=True)
        cmd = ort + [ref_path, f"--output-dir={odir}"]
        for k, v in ref_feeds.items():
            np.save(os.path.join(odir, "in_" + k + ".npy"), v)
            cmd.append(f"--input={k}={os.path.join(odir, 'in_' + k + '.npy')}")
        proc = subprocess.run(cmd, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, timeout=300)
        if proc.returncode != 0:
            chk.fail(name, "ort_run failed: " + proc.stderr.strip())
            continue
        for o in outs:
            ref = np.load(os.path.join(odir, o + ".npy"))
            if layout1:
                ref = (ref.transpose(2, 0, 1, 3) if o == "Y"
                       else np.swapaxes(ref, 0, 1))
            chk.check(name, o, np.load(os.path.join(qdir, o + ".npy")), ref)
    return chk


# ---------------------------------------------------------------------------
# torch.nn.LSTM / GRU exports against torch
# ---------------------------------------------------------------------------

def cmd_torch(args):
    import torch

    chk = Checker()
    T, B, I, H = 7, 3, 5, 8
    for cls in (torch.nn.LSTM, torch.nn.GRU):
        for batch_first in (False, True):
            name = f"{cls.__name__.lower()}_bf{int(batch_first)}"
            torch.manual_seed(1234 + batch_first)
            net = cls(I, H, num_layers=2, bidirectional=True,
                      batch_first=batch_first).eval()
            xshape = (B, T, I) if batch_first else (T, B, I)
            x = torch.randn(*xshape)
            h0 = torch.randn(4, B, H) * 0.5
            lstm = cls is torch.nn.LSTM
            state = (h0, torch.randn(4, B, H) * 0.5) if lstm else h0
            with torch.no_grad():
                y, final = net(x, state)
            refs = {"y": y, "h": final[0] if lstm else final}
            if lstm:
                refs["c"] = final[1]
            case_dir = os.path.join(args.workdir, name)
            os.makedirs(case_dir, exist_ok=True)
            path = os.path.join(case_dir, name + ".onnx")
            in_names = ["x", "h0"] + (["c0"] if lstm else [])
            torch.onnx.export(net, (x, state), path, input_names=in_names,
                              output_names=list(refs), opset_version=14)
            feeds = {"x": x.numpy(), "h0": h0.numpy()}
            if lstm:
                feeds["c0"] = state[1].numpy()
            try:
                qdir = run_qcc(args.qcc_run, path, feeds,
                               os.path.join(case_dir, "qcc"), args.qcc_arg)
            except Exception as e:  # noqa: BLE001
                chk.fail(name, f"qcc-run failed: {e}")
                continue
            for o, ref in refs.items():
                chk.check(name, o, np.load(os.path.join(qdir, o + ".npy")),
                          ref.numpy())
    return chk


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    po = sub.add_parser("onnx")
    po.add_argument("workdir")
    po.add_argument("--qcc-run", required=True)
    po.add_argument("--ort-run", required=True)
    pt = sub.add_parser("torch")
    pt.add_argument("workdir")
    pt.add_argument("--qcc-run", required=True)
    for sp in (po, pt):
        sp.add_argument("--qcc-arg", action="append", default=[],
                        help="extra qcc-run option (repeatable)")
    args = p.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    chk = cmd_onnx(args) if args.cmd == "onnx" else cmd_torch(args)
    print(f"{chk.passed} passed, {chk.failed} failed")
    return 1 if chk.failed else 0


if __name__ == "__main__":
    sys.exit(main())
