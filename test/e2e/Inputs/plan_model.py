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
import ctypes
import json
import os
import re
import subprocess
import sys

import numpy as np


class Compiled:
    """A qcc object loaded through its C ABI (docs/ABI.md)."""

    def __init__(self, so, prefix, out_shapes):
        self.lib = ctypes.CDLL(so)
        self.run_array = getattr(self.lib, prefix + "_run_array")
        size = getattr(self.lib, prefix + "_scratch_size")
        size.restype = ctypes.c_size_t
        n = size()
        self.scratch = np.zeros(n + 64, np.uint8)
        addr = self.scratch.ctypes.data
        addr += (-addr) % 64
        self.ctx = (ctypes.c_void_p * 2)(addr, n)
        self.outs = [np.zeros(s, np.float32) for s in out_shapes]
        self.ptrs = (ctypes.c_void_p * len(self.outs))(
            *[o.ctypes.data for o in self.outs])

    def __call__(self, x):
        x = np.ascontiguousarray(x, np.float32)
        ins = (ctypes.c_void_p * 1)(x.ctypes.data)
        if self.run_array(ctypes.byref(self.ctx), ins, self.ptrs):
            raise RuntimeError("run_array failed")
        return [o.copy() for o in self.outs]


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
    header = open(stem + ".h").read()
    shapes = [tuple(int(d) for d in m.split(",") if d.strip())
              for m in re.findall(r"M_OUTPUT_\d+_SHAPE \{([^}]*)\}", header)]
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
    results, ref, ok = {}, None, True
    for tag, flags in builds:
        model, size, report = build(args, tag, flags)
        outs = [model(x[None]) for x in evals]
        flat = np.concatenate([o.ravel() for r in outs for o in r]).astype(np.float64)
        if ref is None:
            ref, ref_outs, ref_size = flat, outs, size
        noise = np.sum((flat - ref) ** 2)
        sqnr = float("inf") if noise == 0 else 10 * np.log10(np.sum(ref ** 2) / noise)
        agree = float(np.mean([np.argmax(a[0]) == np.argmax(b[0])
                               for a, b in zip(outs, ref_outs)]))
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
