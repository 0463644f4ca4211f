#!/usr/bin/env python3
"""Output quality of weight-only quantization on a real model.

Runs MODEL through qcc-run at fp32 (-quant=none) and at each requested
-quant mode on the same batch of samples, and prints per mode the output SQNR
against fp32 (10 log10(sum ref^2 / sum (out - ref)^2) over the whole batch)
and the fraction of samples whose argmax over the last axis agrees (for a
sequence model with a [N, T, C] output: per time step). With --min-sqnr /
--min-argmax MODE=VALUE it exits non-zero when a mode falls below its bar.

Samples (--samples=KIND, N of them, batch dimension N):
  text   rendered text lines (random words in the DejaVu fonts, random gray
         levels, half of them rotated by 180 degrees), normalized as PP-OCR
         does, (x / 255 - 0.5) / 0.5: in-distribution inputs for the PP-OCR
         direction classifier and recognizer;
  npy:F  the array in F (its batch is used as is);
  randn  standard normal values.

Usage: weight_quant_model.py MODEL WORKDIR --input=NAME --shape=DxDx..
       --samples=KIND [-n N] --modes=fp16,bf16,int4w [--target=T]
       [--min-sqnr=MODE=DB]... [--min-argmax=MODE=FRACTION]...
"""

import argparse
import glob
import os
import subprocess
import sys

import numpy as np

WORDS = ("the quick brown fox jumps over lazy dog compiler tensor int4 weight "
         "quantization PP-OCR 2026 invoice total amount 12.50 EUR address "
         "street number phone 555-0199 hello world model output").split()


def text_samples(n, c, h, w, rng):
    from PIL import Image, ImageDraw, ImageFont
    fonts = sorted(glob.glob("/usr/share/fonts/truetype/dejavu/*.ttf"))
    if not fonts:
        sys.exit("text samples need the DejaVu fonts")
    out = np.zeros((n, c, h, w), dtype=np.float32)
    for i in range(n):
        bg = int(rng.integers(170, 256))
        fg = int(rng.integers(0, 90))
        # Render wide, then scale to the model's height keeping the aspect
        # ratio, as PP-OCR's resize does, and pad on the right.
        font = ImageFont.truetype(fonts[int(rng.integers(len(fonts)))],
                                  int(rng.integers(22, 34)))
        words = " ".join(rng.choice(WORDS, size=int(rng.integers(1, 5))))
        img = Image.new("L", (w * 3, 48), bg)
        ImageDraw.Draw(img).text((int(rng.integers(0, 8)), 4), words,
                                 fill=fg, font=font)
        bbox = img.point(lambda p: 255 if abs(p - bg) > 20 else 0).getbbox()
        if bbox:
            img = img.crop((0, 0, min(img.width, bbox[2] + 6), 48))
        img = img.resize((max(1, min(w, img.width * h // 48)), h))
        canvas = Image.new("L", (w, h), bg)
        canvas.paste(img, (0, 0))
        if i % 2:
            canvas = canvas.rotate(180)
        a = np.asarray(canvas, dtype=np.float32)
        a = a + rng.normal(0, 3, a.shape)
        a = (np.clip(a, 0, 255) / 255.0 - 0.5) / 0.5
        out[i] = a[None]
    return out


def run(model, mode, x, args, tag):
    d = os.path.join(args.workdir, tag)
    np.save(os.path.join(args.workdir, "x.npy"), x)
    shape = "x".join(str(v) for v in x.shape)
    cmd = [args.qcc_run, model, f"-target={args.target}", f"-quant={mode}",
           f"-int4-group={args.group}", f"-input-shape={args.input}={shape}",
           f"--input={args.input}={os.path.join(args.workdir, 'x.npy')}",
           f"--output-dir={d}"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"qcc-run -quant={mode} failed: {r.stderr.strip()}")
    files = sorted(glob.glob(os.path.join(d, "*.npy")))
    return np.load(files[0]).astype(np.float64)


def parse_bars(items):
    bars = {}
    for it in items:
        mode, value = it.split("=")
        bars[mode] = float(value)
    return bars


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("workdir")
    ap.add_argument("--input", required=True)
    ap.add_argument("--shape", required=True,
                    help="shape of one sample without the batch, e.g. CxHxW")
    ap.add_argument("--samples", default="randn")
    ap.add_argument("-n", type=int, default=8)
    ap.add_argument("--modes", default="fp16,bf16,int4w")
    ap.add_argument("--target", default="host")
    ap.add_argument("--group", type=int, default=32)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--qcc-run", default="qcc-run")
    ap.add_argument("--min-sqnr", action="append", default=[])
    ap.add_argument("--min-argmax", action="append", default=[])
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    dims = [int(v) for v in args.shape.split("x")]
    if args.samples == "text":
        if len(dims) != 3:
            sys.exit("text samples need --shape=CxHxW")
        x = text_samples(args.n, *dims, rng)
    elif args.samples.startswith("npy:"):
        x = np.load(args.samples[4:]).astype(np.float32)
    else:
        x = rng.standard_normal([args.n] + dims).astype(np.float32)
    ref = run(args.model, "none", x, args, "fp32")
    sqnr_bars, argmax_bars = parse_bars(args.min_sqnr), parse_bars(args.min_argmax)
    ok = True
    for mode in args.modes.split(","):
        got = run(args.model, mode, x, args, mode)
        err = np.sum((got - ref) ** 2)
        sqnr = 10 * np.log10(np.sum(ref ** 2) / err) if err > 0 else float("inf")
        agree = float(np.mean(got.argmax(-1) == ref.argmax(-1)))
        verdict = "PASS"
        if sqnr < sqnr_bars.get(mode, -np.inf) or agree < argmax_bars.get(mode, -1):
            verdict, ok = "FAIL", False
        print(f"{verdict} {mode}: SQNR {sqnr:.1f} dB, argmax agreement "
              f"{agree:.3f} ({got.shape[0]} samples)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
