#!/usr/bin/python3
"""conformance.py - qcc's ONNX conformance harness.

Runs the ONNX backend tests (Debian's libonnx-testdata: the groups node,
pytorch-converted, pytorch-operator and simple) through qcc and qcc-run:
for every test DATA/<group>/<test>/model.onnx and each of its
test_data_set_*/, the model is compiled, linked and run on input_*.pb, and
every output is compared with output_*.pb the way ONNX's backend runner does
(numpy.testing.assert_allclose with rtol=1e-3, atol=1e-7; exact for integer
and bool outputs; bfloat16 outputs may differ by one ulp, since ONNX 1.12
leaves the float32 -> bfloat16 rounding open, else they are compared as the
floats their bit patterns encode, with the same tolerance).

Verdicts:
  PASS  every data set ran and matched.
  SKIP  qcc rejected the model with an `error: unsupported ...` diagnostic
        (an op, attribute or dtype it does not implement). The reason and the
        op it names are reported, grouped by op.
  FAIL  anything else: a wrong number, a crash, a timeout (--timeout), a
        non-"unsupported" error, or an input the harness cannot feed to a model
        that qcc accepts.

qcc's own verdict comes first: inputs that cannot be written as .npy (string
tensors, sequences, optionals) do not stop a test; the model is then compiled
with `qcc --emit=obj` and a qcc "unsupported" rejection makes it a SKIP.

ONNX feeds operands that fix a shape or a quantization parameter (Reshape's
shape, Range's start/limit/delta, QuantizeLinear's scale, ...) as graph
inputs in these tests, while real models produce them from constants. qcc is
an ahead-of-time compiler for static shapes, so the harness folds those inputs
into initializers with the test's own values (CONSTANT_OPERANDS below);
data operands stay run-time inputs. See docs/Testing.md.

Known failures (--known-failures FILE; one `test_name  # reason` per line)
still count as failed in the summary, but the exit status is 0 when every
failure is listed. A listed test that does not fail is reported as
`now passes, remove from list` (or `now skipped, ...`) and makes the exit
status non-zero, so that the list stays true. --min-pass N also fails the run
when fewer than N tests pass.

Output: one line per test as it finishes, skip reasons grouped by op, a time
summary, and as the very last line `N passed, N failed, N skipped`.
--write-doc PATH writes docs/SupportedOps.md from the results.
"""

import argparse
import collections
import concurrent.futures
import glob
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
from onnx import numpy_helper

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import supported_ops_doc  # noqa: E402

DEFAULT_DATA_ROOT = "/usr/share/libonnx-testdata/data"
GROUPS = ("node", "pytorch-converted", "pytorch-operator", "simple")
RTOL, ATOL = 1e-3, 1e-7

# Operands (op type -> operand indices) that fix an output shape or a
# quantization parameter and are constants in real models. qcc compiles for
# static shapes ahead of time, so it needs them as constants; the harness
# turns graph inputs feeding them into initializers. Everything else (data)
# stays a run-time input.
_REDUCE_OPS = ("ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp",
               "ReduceMax", "ReduceMean", "ReduceMin", "ReduceProd",
               "ReduceSum", "ReduceSumSquare")
CONSTANT_OPERANDS = {
    # Shapes, sizes, axes, indices into shapes.
    "Reshape": (1,),                   # shape
    "Expand": (1,),                    # shape
    "ConstantOfShape": (0,),           # input (the shape)
    "Tile": (1,),                      # repeats
    "Slice": (1, 2, 3, 4),             # starts, ends, axes, steps
    "Squeeze": (1,),                   # axes
    "Unsqueeze": (1,),                 # axes
    "Split": (1,),                     # split
    "SplitToSequence": (1,),           # split
    "Pad": (1, 2, 3),                  # pads, constant_value, axes
    "Resize": (1, 2, 3),               # roi, scales, sizes
    "Upsample": (1,),                  # scales
    "Range": (0, 1, 2),                # start, limit, delta
    "OneHot": (1,),                    # depth
    "Trilu": (1,),                     # k
    "TopK": (1,),                      # K
    "CumSum": (1,),                    # axis
    "Compress": (1,),                  # condition: fixes the result shape
    "HannWindow": (0,),                # size
    "HammingWindow": (0,),             # size
    "BlackmanWindow": (0,),            # size
    "MelWeightMatrix": (0, 1, 2, 3, 4),  # bins, dft_length, rate, edges
    "STFT": (1, 3),                    # frame_step, frame_length
    "DFT": (1, 2),                     # dft_length, axis
    "MaxUnpool": (2,),                 # output_shape
    "CenterCropPad": (1, 2),           # shape, axes
    "Col2Im": (1, 2),                  # image_shape, block_shape
    "AffineGrid": (1,),                # size
    "NonMaxSuppression": (2, 3, 4),    # max boxes, iou/score thresholds
    # Scalar parameters that are attributes in spirit.
    "Clip": (1, 2),                    # min, max
    "Dropout": (1, 2),                 # ratio, training_mode
    # Quantization parameters.
    "QuantizeLinear": (1, 2),          # y_scale, y_zero_point
    "DequantizeLinear": (1, 2),        # x_scale, x_zero_point
    "QLinearConv": (1, 2, 4, 5, 6, 7),  # scales and zero points
    "QLinearMatMul": (1, 2, 4, 5, 6, 7),  # scales and zero points
    "ConvInteger": (2, 3),             # x_zero_point, w_zero_point
    "MatMulInteger": (2, 3),           # a_zero_point, b_zero_point
}
for _op in _REDUCE_OPS:
    CONSTANT_OPERANDS[_op] = (1,)      # axes (an input since opset 13/18)

_ELEM_NAMES = {
    onnx.TensorProto.FLOAT: "float32", onnx.TensorProto.DOUBLE: "float64",
    onnx.TensorProto.FLOAT16: "float16", onnx.TensorProto.BFLOAT16: "bfloat16",
    onnx.TensorProto.INT8: "int8", onnx.TensorProto.INT16: "int16",
    onnx.TensorProto.INT32: "int32", onnx.TensorProto.INT64: "int64",
    onnx.TensorProto.UINT8: "uint8", onnx.TensorProto.UINT16: "uint16",
    onnx.TensorProto.UINT32: "uint32", onnx.TensorProto.UINT64: "uint64",
    onnx.TensorProto.BOOL: "bool", onnx.TensorProto.STRING: "string",
    onnx.TensorProto.COMPLEX64: "complex64",
    onnx.TensorProto.COMPLEX128: "complex128",
}

_UNSUPPORTED_RE = re.compile(
    r"(?:node '(?P<node>[^']*)': )?error: (?P<msg>unsupported\b.*)$")
_UNSUPPORTED_OP_RE = re.compile(r"unsupported ONNX op '(?P<op>[^']*)'")


class Unconvertible(Exception):
    """An input or output the harness cannot hold as a numpy array."""


class Test:
    """One test directory: DATA/<group>/<name>."""

    def __init__(self, group, name, path):
        self.group, self.name, self.path = group, name, path
        self.status, self.message, self.seconds = None, None, 0.0
        self.skip_op = self.skip_reason = None
        self.known = None  # reason from the known-failures list
        self.info = {}     # model facts for --write-doc


def sanitize(name):
    """qcc-run's output file stem for an output name."""
    out = re.sub(r"[^A-Za-z0-9_.-]", "_", name)
    return "_" + out if out in ("", ".", "..") else out


def type_text(tp):
    return onnx.helper.printable_type(tp) if tp.WhichOneof("value") else "?"


def elem_name(elem):
    return _ELEM_NAMES.get(elem, onnx.TensorProto.DataType.Name(elem).lower())


def load_value(path, tp):
    """Reads input_N.pb / output_N.pb as a numpy array for type `tp`.

    Raises Unconvertible for sequences, optionals, maps and string tensors.
    """
    kind = tp.WhichOneof("value")
    if kind not in (None, "tensor_type"):
        raise Unconvertible("%s value" % type_text(tp))
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    if t.data_type in (onnx.TensorProto.STRING, onnx.TensorProto.UNDEFINED):
        raise Unconvertible("%s tensor" % elem_name(t.data_type))
    if t.data_type == onnx.TensorProto.BFLOAT16:
        # numpy has no bfloat16, and numpy_helper returns uint16 bits or
        # floats depending on the ONNX version and the storage field: take
        # the bit patterns, which is what qcc-run reads and writes.
        if t.HasField("raw_data"):
            bits = np.frombuffer(t.raw_data, dtype="<u2")
        else:
            bits = np.asarray(t.int32_data, dtype=np.int32).astype(np.uint16)
        return bits.reshape(tuple(t.dims)).copy()
    return numpy_helper.to_array(t)


def numbered(pattern):
    paths = glob.glob(pattern)
    return sorted(paths, key=lambda p: int(re.findall(r"\d+",
                                                      os.path.basename(p))[0]))


def bf16_to_float(bits):
    return (bits.astype(np.uint32) << 16).view(np.float32)


def compare(name, got, want, elem):
    """Returns None when `got` matches `want`, else a one-line reason."""
    if got.shape != want.shape:
        return "output %s: shape %s, expected %s" % (name, got.shape, want.shape)
    if got.dtype != want.dtype:
        return "output %s: dtype %s, expected %s" % (name, got.dtype, want.dtype)
    if elem == onnx.TensorProto.BFLOAT16:
        # ONNX <= 1.12 leaves float32 -> bfloat16 rounding open; its test
        # data truncates while qcc (like ONNX Runtime and later ONNX specs)
        # rounds to nearest even. Bit patterns may differ by one ulp (ONNX
        # 1.12's own runner compares the uint16 patterns with assert_allclose,
        # which admits the same); larger differences are compared as floats.
        ulps = np.abs(got.astype(np.int32) - want.astype(np.int32))
        if got.shape == want.shape and np.all(ulps <= 1):
            return None
        got, want = bf16_to_float(got), bf16_to_float(want)
    elif want.dtype.kind in "iub":
        if not np.array_equal(got, want):
            bad = np.argwhere(got != want)
            idx = tuple(bad[0]) if bad.size else ()
            return "output %s: %d of %d values differ, first at %s: %s, expected %s" % (
                name, len(bad), want.size, list(idx), got[idx], want[idx])
        return None
    try:
        np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL)
    except AssertionError as e:
        lines = [l.strip() for l in str(e).strip().splitlines() if l.strip()]
        return "output %s: %s" % (name, "; ".join(lines[1:4]))
    return None


def constant_input_names(model):
    names = set()
    for node in model.graph.node:
        if node.domain not in ("", "ai.onnx"):
            continue
        for idx in CONSTANT_OPERANDS.get(node.op_type, ()):
            if idx < len(node.input) and node.input[idx]:
                names.add(node.input[idx])
    return names


def node_display_names(graph, out):
    """Maps qcc's node names (name, or op_type + '_' + index) to op types."""
    for i, node in enumerate(graph.node):
        out.setdefault(node.name or "%s_%d" % (node.op_type, i), node.op_type)
        for attr in node.attribute:
            subgraphs = ([attr.g] if attr.HasField("g") else []) + list(attr.graphs)
            for g in subgraphs:
                node_display_names(g, out)
    return out


def diagnostic_op(model, node, msg, fallback):
    """The op type an `unsupported` diagnostic is about.

    `fallback` (the op a single-node test exercises) names diagnostics that
    point at no node, e.g. an unsupported type at the model's interface.
    """
    m = _UNSUPPORTED_OP_RE.match(msg)
    if m:
        return m.group("op")
    if node is not None:
        ops = node_display_names(model.graph, {})
        if node in ops:
            return ops[node]
        # A value name (a graph input or output): the ops that use it.
        users = sorted({n.op_type for n in model.graph.node if node in n.input}
                       | {n.op_type for n in model.graph.node
                          if node in n.output})
        if users:
            return users[0]
        m = re.match(r"([A-Za-z][A-Za-z0-9]*)_\d+$", node)
        if m:  # a node of an inlined function body
            return m.group(1)
    return fallback or "(model)"


def unsupported_verdict(rc, text):
    """(node, message) when a qcc/qcc-run run is an `unsupported` rejection.

    Only a normal exit with status 1 counts: a crash that happened to print
    the word stays a failure.
    """
    if rc != 1:
        return None
    for line in text.splitlines():
        if "error:" not in line:
            continue
        m = _UNSUPPORTED_RE.search(line)
        return (m.group("node"), m.group("msg").strip()) if m else None
    return None


def run_cmd(cmd, timeout, env):
    """Runs cmd in its own process group; returns (rc, output, timed_out)."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         env=env, start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout)
        return p.returncode, out.decode(errors="replace"), False
    except subprocess.TimeoutExpired:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, _ = p.communicate()
        return p.returncode, out.decode(errors="replace"), True


def describe_exit(tool, rc, text):
    lines = [l for l in text.strip().splitlines() if l.strip()]
    tail = " | ".join(lines[-3:]) if lines else "(no output)"
    if rc < 0:
        try:
            sig = signal.Signals(-rc).name
        except ValueError:
            sig = "signal %d" % -rc
        return "%s crashed (%s): %s" % (tool, sig, tail)
    return "%s exited %d: %s" % (tool, rc, tail)


def model_facts(test, model, base_model):
    """Records what --write-doc needs: the op a test exercises, opset, dtypes."""
    info = test.info
    info["expanded"] = base_model is not None
    nodes = (base_model or model).graph.node
    ops = [n for n in nodes if n.op_type != "Constant"] or list(nodes)
    if len(ops) == 1:
        n = ops[0]
        domain = "" if n.domain in ("", "ai.onnx") else n.domain
        info["op"] = n.op_type if not domain else "%s:%s" % (domain, n.op_type)
        opsets = {("" if o.domain == "ai.onnx" else o.domain): o.version
                  for o in (base_model or model).opset_import}
        info["opset"] = opsets.get(domain)
    else:
        info["op"] = None
    info["ops"] = sorted({n.op_type for n in model.graph.node})
    dtypes = set()
    for vi in list(model.graph.input) + list(model.graph.output):
        tp = vi.type
        while tp.WhichOneof("value") in ("sequence_type", "optional_type"):
            tp = getattr(tp, tp.WhichOneof("value")).elem_type
        if tp.WhichOneof("value") == "tensor_type":
            dtypes.add(elem_name(tp.tensor_type.elem_type))
    info["dtypes"] = sorted(dtypes)


def conform_shape(model, name, shape):
    """Makes graph input `name` declare the shape of the data fed to it.

    qcc compiles for the declared static shape; a symbolic or unknown
    dimension would need -input-shape, and a few ONNX 1.12 tests declare a
    shape their data does not have (CastLike's `like`: 3x4 declared, 1 fed).
    The test data is what the model is run on, so it fixes the shape.
    """
    for vi in model.graph.input:
        if vi.name != name or not vi.type.HasField("tensor_type"):
            continue
        tt = vi.type.tensor_type
        declared = [d.dim_value if d.HasField("dim_value") else None
                    for d in tt.shape.dim] if tt.HasField("shape") else None
        if declared == list(shape):
            return
        tt.shape.Clear()
        for d in shape:
            tt.shape.dim.add().dim_value = d


def run_test(test, args, work):
    """Sets test.status/message (and skip_op/skip_reason for a SKIP)."""
    model_path = os.path.join(test.path, "model.onnx")
    sets = sorted(glob.glob(os.path.join(test.path, "test_data_set_*")))
    model = onnx.load(model_path)
    base_model = None
    if test.name.endswith("_expanded"):
        base = os.path.join(os.path.dirname(test.path),
                            test.name[:-len("_expanded")], "model.onnx")
        if os.path.isfile(base):
            base_model = onnx.load(base)
    model_facts(test, model, base_model)
    # Inputs that fix shapes: found on the tested op (for an _expanded test,
    # on the op it expands, whose graph inputs have the same names).
    const_names = constant_input_names(base_model or model)
    if not sets:
        test.status, test.message = "FAIL", "no test_data_set_* directory"
        return

    tdir = os.path.join(work, test.group, test.name)
    os.makedirs(tdir, exist_ok=True)
    env = dict(os.environ, TMPDIR=tdir)  # qcc-run's temp files die with tdir
    inits = {t.name for t in model.graph.initializer}
    graph_inputs = [vi for vi in model.graph.input if vi.name not in inits]
    out_types = {vi.name: vi.type for vi in model.graph.output}

    def skip(node, msg):
        test.status = "SKIP"
        test.skip_op = diagnostic_op(model, node, msg, test.info.get("op"))
        test.skip_reason = msg
        test.message = "%s: %s" % (test.skip_op, msg)

    for set_dir in sets:
        in_paths = numbered(os.path.join(set_dir, "input_*.pb"))
        out_paths = numbered(os.path.join(set_dir, "output_*.pb"))
        if len(in_paths) != len(graph_inputs):
            test.status, test.message = "FAIL", (
                "model has %d inputs, test data %d" % (len(graph_inputs),
                                                       len(in_paths)))
            return
        # Convert what can be converted; fold the constant operands.
        m = onnx.load(model_path)
        runtime, unconvertible, folded = [], [], set()
        for vi, path in zip(graph_inputs, in_paths):
            try:
                arr = load_value(path, vi.type)
            except Unconvertible as e:
                unconvertible.append("input '%s' (%s)" % (vi.name, e))
                continue
            if vi.name in const_names:
                m.graph.initializer.append(numpy_helper.from_array(arr, vi.name))
                folded.add(vi.name)
            else:
                runtime.append((vi.name, arr))
                conform_shape(m, vi.name, arr.shape)
        keep = [vi for vi in m.graph.input if vi.name not in folded]
        del m.graph.input[:]
        m.graph.input.extend(keep)
        sdir = os.path.join(tdir, os.path.basename(set_dir))
        os.makedirs(sdir, exist_ok=True)
        mpath = os.path.join(sdir, "model.onnx")
        onnx.save(m, mpath)

        if unconvertible:
            # The harness cannot feed this model; qcc decides whether that
            # matters: an `unsupported` rejection is a SKIP.
            cmd = [args.qcc, mpath, "--emit=obj", "-o",
                   os.path.join(sdir, "model.o")] + args.qcc_flag
            rc, text, timed_out = run_cmd(cmd, args.timeout, env)
            if timed_out:
                test.status, test.message = "FAIL", "qcc timed out after %ds" % (
                    args.timeout)
                return
            verdict = unsupported_verdict(rc, text)
            if verdict:
                return skip(*verdict)
            test.status = "FAIL"
            test.message = (describe_exit("qcc", rc, text) if rc else
                            "qcc accepts the model but the harness cannot feed "
                            + ", ".join(unconvertible))
            return

        cmd = runner_command(args) + [mpath] + args.qcc_flag
        for iname, arr in runtime:
            npy = os.path.join(sdir, "in_%d.npy" % len(cmd))
            np.save(npy, arr)
            cmd.append("--input=%s=%s" % (iname, npy))
        odir = os.path.join(sdir, "out")
        cmd.append("--output-dir=" + odir)
        rc, text, timed_out = run_cmd(cmd, args.timeout, env)
        if timed_out:
            test.status, test.message = "FAIL", "qcc-run timed out after %ds" % (
                args.timeout)
            return
        verdict = unsupported_verdict(rc, text)
        if verdict:
            return skip(*verdict)
        if rc != 0:
            test.status, test.message = "FAIL", describe_exit("qcc-run", rc, text)
            return
        if len(out_paths) != len(model.graph.output):
            test.status, test.message = "FAIL", (
                "model has %d outputs, test data %d" % (len(model.graph.output),
                                                        len(out_paths)))
            return
        for vi, path in zip(model.graph.output, out_paths):
            tp = out_types[vi.name]
            try:
                want = load_value(path, tp)
            except Unconvertible as e:
                test.status, test.message = "FAIL", (
                    "qcc accepts the model but the harness cannot compare "
                    "output '%s' (%s)" % (vi.name, e))
                return
            got_path = os.path.join(odir, sanitize(vi.name) + ".npy")
            if not os.path.isfile(got_path):
                test.status, test.message = "FAIL", (
                    "qcc-run wrote no %s" % os.path.basename(got_path))
                return
            elem = tp.tensor_type.elem_type if tp.HasField("tensor_type") else 0
            err = compare(vi.name, np.load(got_path), want, elem)
            if err:
                test.status, test.message = "FAIL", err
                return
        shutil.rmtree(sdir, ignore_errors=True)
    test.status, test.message = "PASS", None


def runner_command(args):
    """The command that compiles and runs a model: --runner, else qcc-run."""
    return shlex.split(args.runner) if args.runner else [args.qcc_run]


def read_name_list(path):
    """Reads `name  # comment` lines: [(name, comment or None)]."""
    entries = []
    with open(path) as f:
        for line in f:
            text, sep, comment = line.partition("#")
            name = text.strip()
            if name:
                entries.append((name, comment.strip() if sep else None))
    return entries


def collect_tests(args):
    tests = []
    if args.data:
        roots = [(os.path.basename(os.path.normpath(args.data)), args.data)]
    else:
        groups = args.groups or list(GROUPS)
        roots = [(g, os.path.join(args.data_root, g)) for g in groups]
    by_name = {}
    for group, root in roots:
        if not os.path.isdir(root):
            sys.exit("conformance: no test directory %s" % root)
        for name in sorted(os.listdir(root)):
            if os.path.isfile(os.path.join(root, name, "model.onnx")):
                t = Test(group, name, os.path.join(root, name))
                tests.append(t)
                by_name[name] = t
    if args.list:
        chosen = []
        for name, comment in read_name_list(args.list):
            if name not in by_name:
                sys.exit("conformance: %s names unknown test '%s'" % (args.list,
                                                                     name))
            m = re.match(r"xfail:\s*(.*)", comment or "")
            if m:
                by_name[name].known = m.group(1).strip() or "listed as xfail"
            chosen.append(by_name[name])
        tests = chosen
    if args.filter:
        tests = [t for t in tests if re.search(args.filter, t.name)]
    return tests, by_name


def print_skips(tests):
    skipped = [t for t in tests if t.status == "SKIP"]
    if not skipped:
        return
    print("\nSkipped (qcc reports unsupported), by op:")
    by_op = collections.defaultdict(lambda: collections.defaultdict(list))
    for t in skipped:
        by_op[t.skip_op][t.skip_reason].append(t.name)
    for op in sorted(by_op, key=lambda o: (-sum(map(len, by_op[o].values())), o)):
        reasons = by_op[op]
        print("  %s: %d" % (op, sum(map(len, reasons.values()))))
        for reason in sorted(reasons):
            names = sorted(reasons[reason])
            shown = ", ".join(names[:4]) + (", ..." if len(names) > 4 else "")
            print("    %s [%d: %s]" % (reason, len(names), shown))


def main(argv=None):
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("groups", nargs="*", metavar="GROUP",
                    help="test groups under --data-root (default: %s)" %
                    " ".join(GROUPS))
    ap.add_argument("--data-root", default=DEFAULT_DATA_ROOT,
                    help="libonnx-testdata data directory (default: %(default)s)")
    ap.add_argument("--data", help="one flat directory of tests instead")
    ap.add_argument("--list", help="run only the tests named in this file "
                    "(`name  # xfail: reason` marks a known failure)")
    ap.add_argument("--filter", help="only tests whose name matches this regex")
    ap.add_argument("--qcc-run", default=None, help="qcc-run executable")
    ap.add_argument("--runner", default=None,
                    help="command line (split as a shell would) run instead "
                    "of qcc-run with qcc-run's arguments, e.g. "
                    "\"scripts/qemu-run.py --qcc=build/bin/qcc\" with "
                    "--qcc-flag=-target=aarch64")
    ap.add_argument("--qcc", default=None,
                    help="qcc executable (default: next to qcc-run)")
    ap.add_argument("--qcc-flag", action="append", default=[],
                    help="extra flag for qcc and qcc-run (repeatable), e.g. -O0")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                    help="parallel tests (default: number of cores)")
    ap.add_argument("--timeout", type=int, default=120,
                    help="seconds per compile-and-run (default: %(default)s)")
    ap.add_argument("--known-failures",
                    help="file of `test_name  # reason` lines: failures that "
                    "do not fail the run")
    ap.add_argument("--min-pass", type=int, default=0,
                    help="fail the run when fewer tests pass")
    ap.add_argument("--write-doc", metavar="PATH",
                    help="write the supported-ops document (docs/SupportedOps.md)")
    ap.add_argument("--work-dir", help="keep per-test files here")
    ap.add_argument("-q", "--quiet", action="store_true",
                    help="print only failures, stale known failures and totals")
    args = ap.parse_args(argv)

    if args.qcc_run is None:
        args.qcc_run = shutil.which("qcc-run")
        if not args.qcc_run:
            sys.exit("conformance: qcc-run not found on PATH (use --qcc-run)")
    if args.qcc is None:
        sibling = os.path.join(os.path.dirname(args.qcc_run), "qcc")
        args.qcc = sibling if os.path.isfile(sibling) else shutil.which("qcc")
        if not args.qcc:
            sys.exit("conformance: qcc not found (use --qcc)")

    tests, by_name = collect_tests(args)
    if args.known_failures:
        for name, reason in read_name_list(args.known_failures):
            if name not in by_name:
                if args.groups or args.data:
                    continue  # a test of a group that is not run
                sys.exit("conformance: %s names unknown test '%s'" % (
                    args.known_failures, name))
            by_name[name].known = reason or "known failure"

    work = args.work_dir or tempfile.mkdtemp(prefix="qcc-conformance-")
    os.makedirs(work, exist_ok=True)
    start = time.monotonic()
    stale = []
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            def timed(t):
                t0 = time.monotonic()
                try:
                    run_test(t, args, work)
                except Exception as e:  # a broken test must not hide others
                    t.status, t.message = "FAIL", "harness error: %r" % e
                t.seconds = time.monotonic() - t0
                return t

            futures = [pool.submit(timed, t) for t in tests]
            for done, fut in enumerate(concurrent.futures.as_completed(futures), 1):
                t = fut.result()
                tag = t.status
                msg = t.message
                if t.known is not None:
                    if t.status == "FAIL":
                        tag, msg = "FAIL (known)", "%s [%s]" % (t.known, msg)
                    else:
                        stale.append(t)
                        msg = "now %s, remove from list (%s)" % (
                            "passes" if t.status == "PASS" else "skipped",
                            t.known)
                if args.quiet and tag != "FAIL" and t not in stale:
                    continue
                print("[%d/%d %4.1fs] %s %s/%s%s" % (
                    done, len(tests), t.seconds, tag, t.group, t.name,
                    ": " + msg if msg else ""), flush=True)
    finally:
        if not args.work_dir:
            shutil.rmtree(work, ignore_errors=True)
    wall = time.monotonic() - start

    count = collections.Counter(t.status for t in tests)
    unexpected = [t for t in tests if t.status == "FAIL" and t.known is None]
    print_skips(tests)
    if args.write_doc:
        supported_ops_doc.write(args.write_doc, tests, args)
        print("\nwrote %s" % args.write_doc)

    print("\nGroups:")
    for group in sorted({t.group for t in tests}):
        c = collections.Counter(t.status for t in tests if t.group == group)
        print("  %-18s %d passed, %d failed, %d skipped" % (
            group, c["PASS"], c["FAIL"], c["SKIP"]))
    slow = sorted(tests, key=lambda t: -t.seconds)[:5]
    print("Time: %.1fs wall with -j%d; %.1fs in tests; slowest: %s" % (
        wall, args.jobs, sum(t.seconds for t in tests),
        ", ".join("%s %.1fs" % (t.name, t.seconds) for t in slow)))
    known_failed = count["FAIL"] - len(unexpected)
    problems = []
    if unexpected:
        problems.append("%d unexpected failures" % len(unexpected))
    if stale:
        problems.append("%d listed known failures no longer fail (%s)" % (
            len(stale), ", ".join(t.name for t in stale)))
    if count["PASS"] < args.min_pass:
        problems.append("%d passed, below --min-pass %d" % (count["PASS"],
                                                           args.min_pass))
    print("Known failures: %d; %s" % (
        known_failed, "; ".join(problems) if problems else "no unexpected results"))
    print("%d passed, %d failed, %d skipped" % (count["PASS"], count["FAIL"],
                                                count["SKIP"]))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
