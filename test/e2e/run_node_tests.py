#!/usr/bin/python3
"""run_node_tests.py - runs ONNX backend node tests through qcc-run.

For every test named in a list file (one name per line, `#` comments; a line
`test_x  # xfail: reason` marks a known qcc bug), the script takes
DATA/<name>/model.onnx and test_data_set_*/input_*.pb from the ONNX backend
test data (Debian's libonnx-testdata), converts the inputs to .npy, compiles
and runs the model with `qcc-run`, and compares every output with
output_*.pb the way ONNX's backend test runner does
(numpy.testing.assert_allclose, rtol=1e-3, atol=1e-7; exact for integers).

ONNX feeds some operands that static-shape compilers need as constants
(Reshape's shape, Slice's starts/ends/axes/steps, Squeeze/Unsqueeze axes,
Clip's min/max, ...) as graph inputs. Real models always produce them from
constants, so the script turns those inputs into initializers (with the test's
own values) before compiling; everything else stays a run-time input.

Prints `PASS name`, `FAIL name: reason`, `XFAIL name`, `XPASS name` (a
listed known failure that now passes: remove its marker) or `SKIP name:
reason` per test, then a summary line `N passed, N failed, N skipped`.
Exits non-zero when any test failed or unexpectedly passed.
"""

import argparse
import concurrent.futures
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

DEFAULT_DATA = "/usr/share/libonnx-testdata/data/node"
RTOL, ATOL = 1e-3, 1e-7

# (op type, operand index) pairs that are folded into initializers.
CONSTANT_OPERANDS = {
    "Reshape": (1,),
    "Slice": (1, 2, 3, 4),
    "Trilu": (1,),
    "Dropout": (1, 2),
    "Squeeze": (1,),
    "Unsqueeze": (1,),
    "Clip": (1, 2),
    "Expand": (1,),
    "Tile": (1,),
    "Pad": (1, 2),
    "ReduceMean": (1,),
    "ReduceSum": (1,),
    "Resize": (1, 2, 3),
    "Split": (1,),
    "ConstantOfShape": (0,),
}


def sanitize(name):
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def read_list(path):
    tests = []
    with open(path) as f:
        for line in f:
            text, _, comment = line.partition("#")
            name = text.strip()
            if not name:
                continue
            m = re.match(r"\s*xfail:\s*(.*)", comment)
            tests.append((name, m.group(1).strip() if m else None))
    return tests


def load_pb(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return numpy_helper.to_array(t)


def prepare_model(model, inputs):
    """Folds constant-operand inputs into initializers.

    Returns (model, run-time inputs as [(name, array)], folded names).
    """
    inits = {t.name for t in model.graph.initializer}
    graph_inputs = [vi for vi in model.graph.input if vi.name not in inits]
    if len(graph_inputs) != len(inputs):
        raise ValueError("model has %d inputs, test data %d" %
                         (len(graph_inputs), len(inputs)))
    const_names = set()
    for node in model.graph.node:
        for idx in CONSTANT_OPERANDS.get(node.op_type, ()):
            if idx < len(node.input) and node.input[idx]:
                const_names.add(node.input[idx])
    runtime, folded = [], []
    for vi, arr in zip(graph_inputs, inputs):
        if vi.name in const_names:
            model.graph.initializer.append(numpy_helper.from_array(arr, vi.name))
            folded.append(vi.name)
        else:
            runtime.append((vi.name, arr))
    keep = [vi for vi in model.graph.input if vi.name not in folded]
    del model.graph.input[:]
    model.graph.input.extend(keep)
    return model, runtime, folded


def compare(name, got, want):
    if got.shape != want.shape:
        return "output %s: shape %s, expected %s" % (name, got.shape, want.shape)
    if want.dtype.kind in "iub":
        if got.dtype.kind not in "iub" or not np.array_equal(got, want):
            return "output %s: integer values differ (dtype %s, expected %s)" % (
                name, got.dtype, want.dtype)
        return None
    if got.dtype != want.dtype:
        return "output %s: dtype %s, expected %s" % (name, got.dtype, want.dtype)
    try:
        np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL)
    except AssertionError as e:
        lines = [l.strip() for l in str(e).strip().splitlines() if l.strip()]
        return "output %s: %s" % (name, "; ".join(lines[1:4]))
    return None


def run_one(name, args, work):
    """Returns (status, message) with status in PASS/FAIL/SKIP."""
    tdir = os.path.join(args.data, name)
    model_path = os.path.join(tdir, "model.onnx")
    if not os.path.isfile(model_path):
        return "SKIP", "not in this version of the ONNX test data"
    sets = sorted(glob.glob(os.path.join(tdir, "test_data_set_*")))
    if not sets:
        return "SKIP", "no test_data_set_* directory"
    out_root = os.path.join(work, name)
    os.makedirs(out_root, exist_ok=True)
    for set_dir in sets:
        inputs = [load_pb(p) for p in
                  sorted(glob.glob(os.path.join(set_dir, "input_*.pb")),
                         key=lambda p: int(re.findall(r"\d+", os.path.basename(p))[0]))]
        outputs = [load_pb(p) for p in
                   sorted(glob.glob(os.path.join(set_dir, "output_*.pb")),
                          key=lambda p: int(re.findall(r"\d+", os.path.basename(p))[0]))]
        model = onnx.load(model_path)
        try:
            model, runtime, _ = prepare_model(model, inputs)
        except ValueError as e:
            return "FAIL", str(e)
        sdir = os.path.join(out_root, os.path.basename(set_dir))
        os.makedirs(sdir, exist_ok=True)
        mpath = os.path.join(sdir, "model.onnx")
        onnx.save(model, mpath)
        cmd = [args.qcc_run, mpath] + args.qcc_flag
        for iname, arr in runtime:
            npy = os.path.join(sdir, "in_" + sanitize(iname) + ".npy")
            np.save(npy, arr)
            cmd.append("--input=%s=%s" % (iname, npy))
        odir = os.path.join(sdir, "out")
        cmd.append("--output-dir=" + odir)
        try:
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=args.timeout)
        except subprocess.TimeoutExpired:
            return "FAIL", "qcc-run timed out after %ds" % args.timeout
        if p.returncode != 0:
            msg = p.stdout.decode(errors="replace").strip().splitlines()
            return "FAIL", "qcc-run exited %d: %s" % (
                p.returncode, " | ".join(msg[-3:]) if msg else "(no output)")
        for vi, want in zip(model.graph.output, outputs):
            path = os.path.join(odir, sanitize(vi.name) + ".npy")
            if not os.path.isfile(path):
                return "FAIL", "qcc-run wrote no %s" % os.path.basename(path)
            err = compare(vi.name, np.load(path), want)
            if err:
                return "FAIL", err
    return "PASS", None


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("list", help="file with one node test name per line")
    ap.add_argument("--data", default=DEFAULT_DATA,
                    help="ONNX backend node test directory (default: %(default)s)")
    ap.add_argument("--qcc-run", default="qcc-run", help="qcc-run executable")
    ap.add_argument("--qcc-flag", action="append", default=[],
                    help="extra flag for qcc-run (repeatable), e.g. -target=avx2")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=300, help="seconds per test")
    ap.add_argument("--work-dir", help="keep per-test files here")
    ap.add_argument("--filter", help="only tests whose name matches this regex")
    args = ap.parse_args()

    tests = read_list(args.list)
    if args.filter:
        tests = [t for t in tests if re.search(args.filter, t[0])]
    if args.qcc_run == "qcc-run" and not shutil.which("qcc-run"):
        sys.exit("run_node_tests: qcc-run not found on PATH (use --qcc-run)")
    work = args.work_dir or tempfile.mkdtemp(prefix="qcc-node-tests-")
    os.makedirs(work, exist_ok=True)

    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0, "XFAIL": 0, "XPASS": 0}
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = [(name, xfail, pool.submit(run_one, name, args, work))
                   for name, xfail in tests]
        for name, xfail, fut in futures:
            try:
                status, msg = fut.result()
            except Exception as e:  # a broken test file must not hide others
                status, msg = "FAIL", "runner error: %r" % e
            if xfail is not None and status == "FAIL":
                status, msg = "XFAIL", "%s (%s)" % (xfail, msg)
            elif xfail is not None and status == "PASS":
                status, msg = "XPASS", "listed as xfail (%s) but passes" % xfail
            counts[status] += 1
            print("%s %s%s" % (status, name, ": " + msg if msg else ""), flush=True)

    if not args.work_dir:
        shutil.rmtree(work, ignore_errors=True)
    if counts["XFAIL"] or counts["XPASS"]:
        print("%d expected failures (known qcc bugs), %d unexpected passes" %
              (counts["XFAIL"], counts["XPASS"]))
    failed = counts["FAIL"] + counts["XPASS"]
    print("%d passed, %d failed, %d skipped" %
          (counts["PASS"], failed, counts["SKIP"] + counts["XFAIL"]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
