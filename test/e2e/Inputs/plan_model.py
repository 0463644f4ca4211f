#!/usr/bin/env python3
"""Applies a hand-written mixed-precision plan to a real model and checks it.

Compiles MODEL with qcc at fp32, with `-quant=int8` and with `-plan=PLAN`
(all calibrated on CALIB), links each object into a shared library, runs it
through its C ABI one sample at a time on the held-out EVAL samples, and
prints per build: object size, the precisions the quant report counts,
the output SQNR against fp32 (10 log10(sum ref^2 / sum (out - ref)^2) over
all samples) and the top-1 (argmax) agreement.

Checks (exit 1 on failure):
  - the report of the plan build counts exactly the precisions the plan
    asks for (--expect=PREC=N, the report's spellings: f32, f16, bf16,
    w8a8, w4f);
  - the plan's SQNR is at least --min-sqnr and its agreement at least
    --min-agree;
  - the plan build is smaller than fp32 (--max-size-ratio).

Usage: plan_model.py MODEL PLAN WORKDIR --calib=C.npy --eval=E.npy
       --input=NAME --shape=1xCxHxW [--target=avx2] [--eval-limit=N]
       [--expect=w8a8=22]... [--min-sqnr=DB] [--min-agree=F]
       [--max-size-ratio=R] [--qcc=qcc] [--cc=cc]
"""

import argparse
import json
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "scripts"))
from qcc_abi import Compiled, agreement, output_shapes  # noqa: E402
from qcc_abi import sqnr as output_sqnr  # noqa: E402


def build(args, tag, flags):
    stem = os.path.join(args.workdir, tag)
    cmd = [args.qcc, args.model, "-target=" + args.target, "-input-shape",
           "%s=%s" % (args.input, args.shape), "-o", stem + ".o", "-name=m",
           "-report=" + stem + ".json"] + flags
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode:
        sys.exit("qcc %s failed:\n%s" % (" ".join(flags), p.stderr.strip()))
    subprocess.run([args.cc, "-shared", "-o", stem + ".so", stem + ".o"],
                   check=True)
    shapes = output_shapes(open(stem + ".h").read(), "m")
    report = json.load(open(stem + ".json"))
    return Compiled(stem + ".so", "m", shapes), os.path.getsize(stem + ".o"), report


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("plan")
    ap.add_argument("workdir")
    ap.add_argument("--calib", required=True)
    ap.add_argument("--eval", required=True)
    ap.add_argument("--input", required=True)
    ap.add_argument("--shape", required=True)
    ap.add_argument("--target", default="host")
    ap.add_argument("--eval-limit", type=int, default=0)
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--min-sqnr", type=float, default=None)
    ap.add_argument("--min-agree", type=float, default=None)
    ap.add_argument("--max-size-ratio", type=float, default=None)
    ap.add_argument("--qcc", default="qcc")
    ap.add_argument("--cc", default="cc")
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    evals = np.load(args.eval).astype(np.float32)
    if args.eval_limit:
        evals = evals[:args.eval_limit]

    calib = ["-calib=" + args.calib]
    builds = [("fp32", []), ("int8", ["-quant=int8"] + calib),
              ("plan", ["-plan=" + args.plan] + calib)]
    results, ref_outs, ok = {}, None, True
    for tag, flags in builds:
        model, size, report = build(args, tag, flags)
        outs = [model(x[None]) for x in evals]
        if ref_outs is None:
            ref_outs, ref_size = outs, size
        sqnr = output_sqnr(ref_outs, outs)
        agree = agreement(ref_outs, outs)
        counts = report["totals"]["layers_by_precision"]
        results[tag] = (sqnr, agree, size, counts)
        print("%-5s object %7d B (%.3f of fp32), SQNR %6.1f dB, agreement %.3f, "
              "layers %s" % (tag, size, size / ref_size, sqnr, agree,
                             " ".join("%s=%d" % kv for kv in sorted(counts.items()))))

    sqnr, agree, size, counts = results["plan"]
    for spec in args.expect:
        prec, _, n = spec.partition("=")
        got = counts.get(prec, 0)
        good = got == int(n)
        ok &= good
        print("%s: plan layers %s = %d (expected %s)" % (
            "ok" if good else "FAILED", prec, got, n))
    for name, value, limit, good in (
            ("SQNR", sqnr, args.min_sqnr, args.min_sqnr is None or sqnr >= args.min_sqnr),
            ("agreement", agree, args.min_agree, args.min_agree is None or agree >= args.min_agree),
            ("size ratio", size / ref_size, args.max_size_ratio,
             args.max_size_ratio is None or size / ref_size <= args.max_size_ratio)):
        if limit is not None:
            ok &= good
            print("%s: plan %s %.4g (bar %g)" % ("ok" if good else "FAILED", name, value, limit))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
