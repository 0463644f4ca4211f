#!/usr/bin/python3
"""e2e_util.py - helpers for qcc's compile-link-run tests.

The C harness (Inputs/run_model.c) fills every input with the deterministic
generator below, runs the compiled model and prints a transcript:

    input 0 x float32 1x3x48x192
    output 0 y float32 1x2
    <one value per line, outputs in order>

Subcommands:
  make-inputs SOURCE DIR       writes DIR/<input>.npy with the same values the
                               harness feeds, for the inputs listed in a
                               transcript or declared by a model (symbolic
                               dims pinned with --input-shape NAME=DIMS), for
                               qcc-run and ONNX Runtime (scripts/ort_run.js)
  compare GOT (--reference-model=M [--input-dir=I] | --reference-dir=D)
          [--tol=T]            GOT is a transcript or a directory of .npy
                               outputs (qcc-run --output-dir). Checks every
                               output against a float64 numpy evaluation of
                               model M (onnx_ref.py; on the harness inputs, or
                               I/<input>.npy for a directory) or against
                               D/<output>.npy, by relative L2 error
                               ||out - ref|| / ||ref|| <= T; prints one line per
                               output and exits non-zero on a mismatch.
                               --max-abs-diff=X compares by the largest
                               absolute difference instead; --outputs=A,B
                               restricts the check to some outputs;
                               --argmax also requires the index of the
                               largest value along the last axis to agree
                               (classifier heads).
  check-model MODEL WORKDIR --qcc=Q --cc=C --ort-run=CMD [--qcc-arg=A]...
          [--tol=T] [--argmax]
                               the whole compile-link-run-compare pipeline of
                               a real-model test in one step: compiles MODEL
                               with Q (plus the --qcc-arg's) into
                               WORKDIR/model.o, links it with Inputs/
                               run_model.c by C, runs it, feeds the same
                               inputs to ONNX Runtime (CMD, scripts/
                               ort_run.js) and compares as `compare` does.
  add-outputs MODEL OUT NAME...
                               writes a copy of MODEL that also outputs the
                               named intermediate float tensors
"""

import argparse
import os
import re
import sys

import numpy as np

LCG_MUL = 1664525
LCG_INC = 1013904223
SEED_BASE = 0x12345678
SEED_STEP = 0x9E3779B9


def lcg_values(index, count):
    """The harness's generator: values in [-1, 1), exact in float32.

    state_0 = SEED_BASE + index * SEED_STEP; state' = state * 1664525 +
    1013904223 (mod 2^32); value = (state' >> 8) / 2^23 - 1.
    """
    state = (SEED_BASE + index * SEED_STEP) & 0xFFFFFFFF
    out = np.empty(count, dtype=np.float64)
    for i in range(count):
        state = (state * LCG_MUL + LCG_INC) & 0xFFFFFFFF
        out[i] = (state >> 8) / 8388608.0 - 1.0
    return out.astype(np.float32)


def sanitize(name):
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def parse_transcript(path):
    inputs, outputs, values = [], [], []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            if parts[0] in ("input", "output"):
                # "KIND INDEX NAME DTYPE SHAPE"; NAME may contain spaces
                # (ONNX allows any string, e.g. openWakeWord's timer model
                # names its output with a JSON object).
                name = line.split(None, 2)[2].rsplit(None, 2)[0]
                dtype, dims = parts[-2], parts[-1]
                shape = [int(d) for d in dims.split("x")] \
                    if dims != "scalar" else []
                (inputs if parts[0] == "input" else outputs).append(
                    (name, dtype, shape))
            else:
                values.append(float(parts[0]))
    arrays, pos = [], 0
    for name, dtype, shape in outputs:
        n = int(np.prod(shape)) if shape else 1
        if pos + n > len(values):
            sys.exit("e2e_util: transcript %s has %d values, output %s needs "
                     "%d more" % (path, len(values), name, pos + n - len(values)))
        arrays.append(np.array(values[pos:pos + n]).reshape(shape))
        pos += n
    if pos != len(values):
        sys.exit("e2e_util: transcript %s has %d extra values" %
                 (path, len(values) - pos))
    return inputs, outputs, arrays


def harness_inputs(inputs):
    feeds = {}
    for i, (name, dtype, shape) in enumerate(inputs):
        if dtype != "float32":
            sys.exit("e2e_util: input %s has dtype %s; only float32 inputs are "
                     "generated" % (name, dtype))
        n = int(np.prod(shape)) if shape else 1
        feeds[name] = lcg_values(i, n).reshape(shape)
    return feeds


def cmd_make_inputs(args):
    if args.source.endswith((".onnx", ".onnxtxt")):
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import onnx_ref
        pinned = {}
        for spec in args.input_shape:
            name, _, dims = spec.rpartition("=")
            pinned[name] = [int(d) for d in dims.split("x")]
        inputs = [(name, dtype.name, pinned.get(name, shape))
                  for name, dtype, shape in
                  onnx_ref.graph_inputs(onnx_ref.load_model(args.source))]
        if any(d is None for _, _, shape in inputs for d in shape):
            sys.exit("e2e_util: %s has symbolic input dims; pin them with "
                     "--input-shape" % args.source)
    else:
        inputs, _, _ = parse_transcript(args.source)
    os.makedirs(args.dir, exist_ok=True)
    for name, arr in harness_inputs(inputs).items():
        path = os.path.join(args.dir, sanitize(name) + ".npy")
        np.save(path, arr)
        if args.print_args:
            print("--input=%s=%s" % (name, path))
    return 0


def _reference(args, feeds):
    """Returns [(name, reference array)] in graph order."""
    if args.reference_model:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import onnx_ref
        model = onnx_ref.load_model(args.reference_model)
        refs = onnx_ref.run(model, feeds())
        return [(o.name, r) for o, r in zip(model.graph.output, refs)]
    return None


def cmd_compare(args):
    if os.path.isdir(args.got):
        # A qcc-run output directory; inputs come from --input-dir.
        def feeds():
            if not args.input_dir:
                sys.exit("e2e_util: comparing a directory against a model "
                         "needs --input-dir")
            sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
            import onnx_ref
            model = onnx_ref.load_model(args.reference_model)
            return {name: np.load(os.path.join(args.input_dir,
                                               sanitize(name) + ".npy"))
                    for name, _, _ in onnx_ref.graph_inputs(model)}
        refs = _reference(args, feeds)
        if refs is None:
            refs = [(os.path.splitext(f)[0],
                     np.load(os.path.join(args.reference_dir, f)))
                    for f in sorted(os.listdir(args.reference_dir))
                    if f.endswith(".npy")]
        got = []
        for name, _ in refs:
            path = os.path.join(args.got, sanitize(name) + ".npy")
            if not os.path.isfile(path):
                print("FAIL %s: %s is missing" % (name, path))
                return 1
            got.append(np.load(path).astype(np.float64))
    else:
        inputs, outputs, got = parse_transcript(args.got)
        refs = _reference(args, lambda: harness_inputs(inputs))
        if refs is None:
            refs = []
            for o in outputs:
                path = os.path.join(args.reference_dir, sanitize(o[0]) + ".npy")
                if not os.path.isfile(path):
                    print("FAIL %s: reference %s is missing" % (o[0], path))
                    return 1
                refs.append((o[0], np.load(path)))
        if [r[0] for r in refs] != [o[0] for o in outputs]:
            print("FAIL: outputs %s, reference has %s" %
                  ([o[0] for o in outputs], [r[0] for r in refs]))
            return 1
    if not refs:
        print("FAIL: no outputs to compare")
        return 1
    if args.outputs:
        wanted = args.outputs.split(",")
        unknown = [w for w in wanted if w not in [r[0] for r in refs]]
        if unknown:
            print("FAIL: no output named %s" % ", ".join(unknown))
            return 1
        pairs = [(r, g) for r, g in zip(refs, got) if r[0] in wanted]
    else:
        pairs = list(zip(refs, got))
    failed = 0
    for (name, ref), out in pairs:
        ref = np.asarray(ref, dtype=np.float64)
        if out.shape != ref.shape:
            print("FAIL %s: shape %s, reference %s" %
                  (name, list(out.shape), list(ref.shape)))
            failed += 1
            continue
        denom = np.linalg.norm(ref)
        err = np.linalg.norm(out - ref) / (denom if denom > 0 else 1.0)
        max_abs = float(np.max(np.abs(out - ref))) if out.size else 0.0
        if args.max_abs_diff is not None:
            ok = bool(np.isfinite(max_abs)) and max_abs <= args.max_abs_diff
            print("%s %s: max abs diff %.3g (tolerance %g), relative L2 error "
                  "%.3g" % ("PASS" if ok else "FAIL", name, max_abs,
                            args.max_abs_diff, err))
        else:
            ok = bool(np.isfinite(err)) and err <= args.tol
            print("%s %s: relative L2 error %.3g (tolerance %g), max abs diff "
                  "%.3g" % ("PASS" if ok else "FAIL", name, err, args.tol,
                            max_abs))
        failed += not ok
        if args.argmax and out.size:
            # Classifiers: the top class along the last axis must agree too.
            got_top = np.argmax(out, axis=-1)
            ref_top = np.argmax(ref, axis=-1)
            same = bool(np.array_equal(got_top, ref_top))
            print("%s %s: argmax %s, reference %s" %
                  ("PASS" if same else "FAIL", name,
                   got_top.ravel().tolist(), ref_top.ravel().tolist()))
            failed += not same
    return 1 if failed else 0


def cmd_check_model(args):
    import shlex
    import subprocess

    os.makedirs(args.workdir, exist_ok=True)
    obj = os.path.join(args.workdir, "model.o")
    for stale in (obj, os.path.join(args.workdir, "model.h")):
        if os.path.exists(stale):
            os.unlink(stale)

    def run(cmd, **kw):
        print("e2e_util: running %s" % " ".join(shlex.quote(c) for c in cmd),
              file=sys.stderr)
        return subprocess.run(cmd, **kw)

    qcc = run([args.qcc, args.model] + args.qcc_arg + ["-name=model", "-o", obj],
              stderr=subprocess.PIPE, universal_newlines=True)
    if qcc.returncode != 0:
        sys.stderr.write(qcc.stderr)
        print("FAIL: qcc exited with %d" % qcc.returncode)
        return 1
    harness = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "Inputs", "run_model.c")
    exe = os.path.join(args.workdir, "run")
    if run(shlex.split(args.cc) + ["-I" + args.workdir, harness, obj, "-lm",
                                   "-o", exe]).returncode != 0:
        print("FAIL: linking the harness failed")
        return 1
    transcript = os.path.join(args.workdir, "out.txt")
    with open(transcript, "w") as f:
        if run([exe], stdout=f).returncode != 0:
            print("FAIL: the harness failed")
            return 1
    in_dir = os.path.join(args.workdir, "in")
    inputs, _, _ = parse_transcript(transcript)
    os.makedirs(in_dir, exist_ok=True)
    in_args = []
    for name, arr in harness_inputs(inputs).items():
        path = os.path.join(in_dir, sanitize(name) + ".npy")
        np.save(path, arr)
        in_args.append("--input=%s=%s" % (name, path))
    ort_dir = os.path.join(args.workdir, "ort")
    if run(shlex.split(args.ort_run) + [args.model] + in_args +
           ["--output-dir=" + ort_dir]).returncode != 0:
        print("FAIL: ONNX Runtime failed")
        return 1
    args.got = transcript
    args.reference_model = None
    args.reference_dir = ort_dir
    args.max_abs_diff = None
    args.outputs = None
    return cmd_compare(args)


def cmd_add_outputs(args):
    """Copies a model, adding intermediate tensors as graph outputs."""
    import onnx
    model = onnx.load(args.model)
    produced = {o for n in model.graph.node for o in n.output}
    for name in args.names:
        if name not in produced:
            sys.exit("e2e_util: %s has no tensor named %s" % (args.model, name))
        model.graph.output.append(onnx.helper.make_tensor_value_info(
            name, onnx.TensorProto.FLOAT, None))
    onnx.save(model, args.out)
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make-inputs")
    m.add_argument("source", help="harness transcript, or a model "
                   "(.onnx/.onnxtxt) with static input shapes")
    m.add_argument("dir")
    m.add_argument("--input-shape", action="append", default=[],
                   metavar="NAME=DIMS", help="shape for a model input with "
                   "symbolic dims, e.g. x=1x3x48x192 (as qcc -input-shape)")
    m.add_argument("--print-args", action="store_true", help="print one "
                   "--input=NAME=FILE argument per line (for qcc-run, ort_run.js)")
    c = sub.add_parser("compare")
    c.add_argument("got", help="harness transcript, or a directory of .npy "
                   "outputs (qcc-run --output-dir)")
    g = c.add_mutually_exclusive_group(required=True)
    g.add_argument("--reference-model")
    g.add_argument("--reference-dir")
    c.add_argument("--input-dir", help="inputs (.npy) for --reference-model "
                   "when GOT is a directory")
    c.add_argument("--tol", type=float, default=1e-4,
                   help="relative L2 tolerance (default %(default)g)")
    c.add_argument("--max-abs-diff", type=float, help="compare by the largest "
                   "absolute difference instead of relative L2")
    c.add_argument("--outputs", help="comma-separated output names to compare "
                   "(default: all)")
    c.add_argument("--argmax", action="store_true", help="also require the "
                   "argmax along the last axis to agree")
    k = sub.add_parser("check-model")
    k.add_argument("model")
    k.add_argument("workdir")
    k.add_argument("--qcc", required=True, help="the qcc driver")
    k.add_argument("--qcc-arg", action="append", default=[],
                   help="extra qcc argument (repeatable)")
    k.add_argument("--cc", required=True, help="C compiler command")
    k.add_argument("--ort-run", required=True,
                   help="ONNX Runtime command (node scripts/ort_run.js)")
    k.add_argument("--tol", type=float, default=1e-4)
    k.add_argument("--argmax", action="store_true")
    a = sub.add_parser("add-outputs")
    a.add_argument("model")
    a.add_argument("out")
    a.add_argument("names", nargs="+", help="float tensors to expose")
    args = p.parse_args()
    return {"make-inputs": cmd_make_inputs, "compare": cmd_compare,
            "check-model": cmd_check_model,
            "add-outputs": cmd_add_outputs}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
