#!/usr/bin/env python3
"""Sample sets and reference checks for the calibration tests.

  calib_util.py samples KIND DIR     writes the sample set KIND into DIR
  calib_util.py check MLIR SAMPLES METHOD [PERCENTILE]
      compares the ranges qcc annotated in MLIR (single.onnxtxt calibrated
      on SAMPLES) with references computed here from the documented
      formulas (docs/Calibration.md), and prints one OK line per tensor.

The references re-implement each method directly (no prefix sums, no
shortcuts), so they check qcc's implementation rather than mirror it.
"""

import os
import re
import sys

import numpy as np

BINS = 2048


# ----------------------------------------------------------------------------
# Sample sets
# ----------------------------------------------------------------------------

# Six samples for single.onnxtxt (x: float[2, 4]; one sample is a row of 4).
SINGLE = np.array([[-7, 1, 2, 3], [4, -2, 9, 0], [1, 1, 1, 1],
                   [-1, -1, -1, -1], [5, 6, -3, 2], [0, 0, 0, 8]], np.float32)


def tensor_proto(name, array):
    from onnx import numpy_helper
    return numpy_helper.from_array(array, name).SerializeToString()


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def save(path, array):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.save(path, array)


def write_zip64_npz(path, **arrays):
    """An .npz with zip64 records and fields everywhere, as archives over
    4 GiB have them (zipfile's limits lowered to force them)."""
    import io
    import zipfile
    limits = zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT
    zipfile.ZIP64_LIMIT = zipfile.ZIP_FILECOUNT_LIMIT = 0
    try:
        with zipfile.ZipFile(path, "w", allowZip64=True) as z:
            for key, array in arrays.items():
                data = io.BytesIO()
                np.lib.format.write_array(data, array)
                z.writestr(key + ".npy", data.getvalue())
    finally:
        zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT = limits
    with open(path, "rb") as f:
        assert b"PK\x06\x06" in f.read(), "no zip64 record written"


def samples_single(out):
    save(f"{out}/npy/x.npy", SINGLE)
    save(f"{out}/anyname/whatever.npy", SINGLE)
    # One input split over files: 3 samples, 2 samples, and one sample
    # without the leading dimension; sorted by file name.
    save(f"{out}/split/a.npy", SINGLE[:3])
    save(f"{out}/split/b.npy", SINGLE[3:5])
    save(f"{out}/split/c.npy", SINGLE[5])
    np.savez(f"{out}/stored.npz", x=SINGLE)
    np.savez_compressed(f"{out}/deflated.npz", x=SINGLE)
    write_zip64_npz(f"{out}/zip64.npz", x=SINGLE)
    # ONNX's test data layout; output_*.pb files are skipped.
    write(f"{out}/pb/test_data_set_0/input_0.pb", tensor_proto("x", SINGLE[:2]))
    write(f"{out}/pb/test_data_set_0/output_0.pb",
          tensor_proto("y", np.zeros((3, 3), np.float32)))
    write(f"{out}/pb/test_data_set_1/input_0.pb", tensor_proto("x", SINGLE[2:]))
    write(f"{out}/one.pb", tensor_proto("", SINGLE))


A = np.array([[1, 2, 3], [-4, 5, 6], [7, -8, 9], [0, 1, -2]], np.float32)
B = np.array([[2, 2, 2], [3, -1, 1], [1, 1, -1], [5, 5, 5]], np.float32)


def samples_two(out):
    # two_inputs.onnxtxt: a, b: float[1, 3]; four samples each.
    save(f"{out}/ok/a.npy", A)
    save(f"{out}/ok/b.npy", B)
    np.savez(f"{out}/ok.npz", b=B, a=A)
    write(f"{out}/pb/a.pb", tensor_proto("a", A))
    write(f"{out}/pb/b.pb", tensor_proto("", B))  # no name: the file stem
    save(f"{out}/extra/a.npy", A)
    save(f"{out}/extra/b.npy", B)
    save(f"{out}/extra/c.npy", B)
    save(f"{out}/missing/a.npy", A)
    save(f"{out}/count/a.npy", A)
    save(f"{out}/count/b.npy", B[:3])


def samples_batch(out):
    # batch_sum.onnxtxt: x: float[4, 1], y = sum over the batch.
    x = np.array([1, 2, 3, 4, 5, 6, 7, 8, 100, 100], np.float32)
    save(f"{out}/ten/x.npy", x.reshape(10, 1))
    save(f"{out}/full/x.npy", x[:4].reshape(4, 1))
    save(f"{out}/one/x.npy", np.array([2.5], np.float32))


def samples_heavy(out):
    # Heavy-tailed samples for single.onnxtxt: Student's t with 2 degrees of
    # freedom, so a few values lie far outside the bulk.
    rng = np.random.RandomState(7)
    x = rng.standard_t(2, size=(16384, 4)).astype(np.float32)
    save(f"{out}/x.npy", x)


def samples_shapes(out):
    # More distributions: few values (a sparse histogram), one-sided,
    # two modes away from 0, all negative.
    rng = np.random.RandomState(3)
    save(f"{out}/tiny.npy", rng.randn(3, 4).astype(np.float32))
    save(f"{out}/expo.npy", rng.exponential(2, (4096, 4)).astype(np.float32))
    save(f"{out}/bimodal.npy", np.concatenate(
        [rng.randn(2048, 4) - 8, rng.randn(2048, 4) * 0.3 + 2]).astype(np.float32))
    save(f"{out}/negative.npy",
         (-rng.exponential(1, (4096, 4)) - 1).astype(np.float32))


def samples_errors(out):
    save(f"{out}/f64/x.npy", SINGLE.astype(np.float64))
    save(f"{out}/i32/x.npy", SINGLE.astype(np.int32))
    save(f"{out}/shape/x.npy", np.zeros((3, 5), np.float32))
    save(f"{out}/rank/x.npy", np.zeros((2, 2, 4), np.float32))
    os.makedirs(f"{out}/empty", exist_ok=True)
    write(f"{out}/other/notes.txt", b"not a sample")
    write(f"{out}/bad.npz", b"PK\x03\x04 this is not a zip archive")
    write(f"{out}/bad.pb", b"\xff\xff\xff\xff garbage")
    write(f"{out}/bad.npy", b"\x93NUMPY\x01\x00garbage")
    write(f"{out}/samples.txt", b"1 2 3")
    write(f"{out}/pbshape.pb", tensor_proto("x", np.zeros((3, 3), np.float32)))
    save(f"{out}/nan/x.npy",
         np.array([[1, np.nan, 2, 3], [np.inf, -4, 5, 6]], np.float32))
    save(f"{out}/zero/x.npy", np.zeros((0, 4), np.float32))
    np.savez(f"{out}/wrongkey.npz", x=SINGLE, z=SINGLE)


# ----------------------------------------------------------------------------
# References
# ----------------------------------------------------------------------------

def histogram(v, lo, hi):
    """qcc's binning: bin k = floor((v - lo) * BINS / (hi - lo)), clamped."""
    v = v.astype(np.float64)
    scale = BINS / (hi - lo) if hi > lo else 0.0
    k = np.clip(np.floor((v - lo) * scale), 0, BINS - 1).astype(np.int64)
    return np.bincount(k, minlength=BINS).astype(np.float64)


def percentile_check(x, lo, hi, p):
    """Each end must lie between the sorted values around its rank (the
    fraction p/100 of the values, or 1 - p/100, lies below it), give or take
    one histogram bin; np.percentile is shown for comparison."""
    width = (float(x.max()) - float(x.min())) / BINS
    s = np.sort(x.astype(np.float64))
    n = len(s)

    def bracket(f):
        r = f * n
        return (s[max(int(np.floor(r)) - 1, 0)] - width,
                s[min(int(np.ceil(r)), n - 1)] + width)

    (lo_a, lo_b), (hi_a, hi_b) = bracket(1 - p / 100), bracket(p / 100)
    ok = lo_a <= lo <= lo_b and hi_a <= hi <= hi_b
    ref = np.percentile(s, [100 - p, p])
    return ok, (f"np.percentile [{ref[0]:.6g}, {ref[1]:.6g}], allowed "
                f"[{lo_a:.6g}, {lo_b:.6g}] and [{hi_a:.6g}, {hi_b:.6g}]")


def kl_divergence(hist, i, levels):
    """KL(P||Q) for threshold bin i, built explicitly as TensorRT does."""
    outliers = hist[i:].sum()
    if hist[i - 1] == 0 and outliers > 0:
        return np.inf
    if outliers > hist.sum() / 2:  # qcc keeps at least half inside
        return np.inf
    p = hist[:i].copy()
    p[i - 1] += outliers
    q = np.zeros(i)
    starts = (np.arange(levels + 1) * i) // levels
    for j in range(levels):
        s, e = starts[j], starts[j + 1]
        group = hist[s:e]
        nonzero = group != 0
        if nonzero.any():
            q[s:e][nonzero] = group.sum() / nonzero.sum()
    p /= p.sum()
    q /= q.sum()
    m = p > 0
    return float(np.sum(p[m] * np.log(p[m] / q[m])))


def entropy_check(x, lo, hi):
    """qcc's threshold must be KL-optimal among all thresholds."""
    levels = 128 if x.min() < 0 else 256
    amax = max(abs(float(x.min())), abs(float(x.max())))
    if amax == 0:
        return lo == hi == 0, "all zero"
    hist = histogram(np.abs(x[x != 0]), 0.0, amax)
    width = amax / BINS
    kls = {i: kl_divergence(hist, i, levels) for i in range(levels, BINS + 1)}
    best = min(kls.values())
    # The threshold qcc chose, recovered from the clipped range.
    if hi < float(x.max()):
        t = hi
    elif lo > float(x.min()):
        t = -lo
    else:
        t = amax
    i = int(round(t / width))
    ok = i in kls and kls[i] <= best + 1e-9 * max(1.0, abs(best))
    return ok, f"threshold bin {i}, KL {kls.get(i)}, best KL {best}"


def mse_cost(x, hist, lo_h, width, a, b, zeros, levels=256):
    """Expected squared error of a levels-step quantizer on [a, b]."""
    centers = lo_h + (np.arange(BINS) + 0.5) * width
    below = centers < a
    above = centers > b
    inside = ~below & ~above
    step = (b - a) / (levels - 1)
    noise = max(hist[inside].sum() - zeros, 0) * step * step / 12
    clip = (np.sum(hist[below] * ((centers[below] - a) ** 2 + width ** 2 / 12)) +
            np.sum(hist[above] * ((centers[above] - b) ** 2 + width ** 2 / 12)))
    return noise + clip


def mse_all_pairs(hist, lo_h, width, zeros, lows, highs, levels=256):
    """The smallest cost over every (a, b) pair, vectorized with prefix sums
    (checked against mse_cost on qcc's own pair)."""
    centers = lo_h + (np.arange(BINS) + 0.5) * width
    s0 = np.concatenate([[0], np.cumsum(hist)])
    s1 = np.concatenate([[0], np.cumsum(hist * centers)])
    s2 = np.concatenate([[0], np.cumsum(hist * centers ** 2)])
    a, b = np.array(lows), np.array(highs)
    ka = np.searchsorted(centers, a, side="left")   # bins below a
    kb = np.searchsorted(centers, b, side="right")  # bins from kb are above b
    spread = width ** 2 / 12
    low = s2[ka] - 2 * a * s1[ka] + a * a * s0[ka] + s0[ka] * spread
    n_above = s0[-1] - s0[kb]
    high = ((s2[-1] - s2[kb]) - 2 * b * (s1[-1] - s1[kb]) + b * b * n_above +
            n_above * spread)
    inside = np.maximum(s0[kb][None, :] - s0[ka][:, None] - zeros, 0)
    step = (b[None, :] - a[:, None]) / (levels - 1)
    cost = inside * step * step / 12 + low[:, None] + high[None, :]
    cost[~(b[None, :] > a[:, None])] = np.inf
    return float(cost.min())


def mse_check(x, lo, hi):
    """qcc's range must minimize the histogram MSE over all edge pairs."""
    xmin, xmax = float(x.min()), float(x.max())
    hist = histogram(x, xmin, xmax)
    width = (xmax - xmin) / BINS
    zeros = float(np.sum(x == 0))
    edges = xmin + np.arange(BINS + 1) * width
    lows = [0.0] + [e for e in edges if e < 0]
    highs = [0.0] + [e for e in edges if e > 0]
    # qcc reports [max(a, min), min(b, max)] for its grid [a, b] (a <= 0 <= b).
    a_qcc = lo if xmin < 0 else 0.0
    b_qcc = hi if xmax > 0 else 0.0
    own = mse_cost(x, hist, xmin, width, a_qcc, b_qcc, zeros)
    best = mse_all_pairs(hist, xmin, width, zeros, lows, highs)
    # qcc reports a and b rounded to f32, which moves the cost slightly.
    ok = own <= best * (1 + 1e-5)
    return ok, f"cost {own:.6g}, best of all pairs {best:.6g}"


def parse_ranges(path):
    text = open(path).read()
    nums = r"array<f32: ([^,>]+), ([^,>]+)>"
    arg = re.search(r"%arg0: [^{]*\{qcc.calib_range = " + nums, text)
    relu = re.search(r"qcc.unary\s+relu .*qcc.calib_range = " + nums, text)
    add = re.search(r"qcc.binary\s+add .*qcc.calib_range = " + nums, text)
    # The printed f32 values round-trip through float32.
    return {name: (float(np.float32(m.group(1))), float(np.float32(m.group(2))))
            for name, m in (("x", arg), ("relu", relu), ("add", add))}


def check(mlir, samples, method, percentile=None):
    x = np.load(samples).astype(np.float32).ravel()
    relu = np.maximum(x, 0).astype(np.float32)
    tensors = {"x": x, "relu": relu, "add": (relu + x).astype(np.float32)}
    failed = False
    for name, (lo, hi) in parse_ranges(mlir).items():
        v = tensors[name]
        vmin, vmax = float(v.min()), float(v.max())
        if method == "minmax":
            ok, why = lo == vmin and hi == vmax, f"[{vmin}, {vmax}]"
        elif method == "percentile":
            ok, why = percentile_check(v, lo, hi, float(percentile))
        elif method == "entropy":
            ok, why = entropy_check(v, lo, hi)
        else:
            ok, why = mse_check(v, lo, hi)
        inside = vmin <= lo <= hi <= vmax
        clipped = hi - lo < vmax - vmin
        print(f"{name}: {method} {'OK' if ok else 'MISMATCH'} "
              f"{'inside' if inside else 'OUTSIDE'} "
              f"{'clipped' if clipped else 'full'} [{lo:.6g}, {hi:.6g}] "
              f"of [{vmin:.6g}, {vmax:.6g}]; {why}")
        failed |= not ok or not inside
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1] == "samples":
        globals()["samples_" + sys.argv[2]](sys.argv[3])
    elif sys.argv[1] == "check":
        sys.exit(check(*sys.argv[2:]))
    else:
        sys.exit(f"unknown command {sys.argv[1]}")
