"""Loading a qcc object through its C ABI from Python, and the output
comparisons the benchmarks and end-to-end tests share.

`Compiled(so, prefix, out_shapes)` wraps a shared library linked from a qcc
object (docs/ABI.md): one call runs the model on one f32 input and returns
copies of its outputs. `output_shapes(header, prefix)` reads the output
shapes from the generated header's info macros.
"""

import ctypes

import numpy as np


class Compiled:
    """A qcc object loaded through its C ABI (docs/ABI.md)."""

    def __init__(self, so, prefix, out_shapes):
        self.lib = ctypes.CDLL(so)
        self.run_array = getattr(self.lib, prefix + "_run_array")
        size = getattr(self.lib, prefix + "_scratch_size")
        size.restype = ctypes.c_size_t
        n = size()
        self.scratch_buf = np.zeros(n + 64, np.uint8)
        addr = self.scratch_buf.ctypes.data
        addr += (-addr) % 64
        self.ctx = (ctypes.c_void_p * 2)(addr, n)
        self.outs = [np.zeros(s, np.float32) for s in out_shapes]
        self.out_ptrs = (ctypes.c_void_p * len(self.outs))(*[o.ctypes.data for o in self.outs])

    def __call__(self, x):
        x = np.ascontiguousarray(x, np.float32)
        ins = (ctypes.c_void_p * 1)(x.ctypes.data)
        rc = self.run_array(ctypes.byref(self.ctx), ins, self.out_ptrs)
        if rc:
            raise RuntimeError("run_array returned %d" % rc)
        return [o.copy() for o in self.outs]


def output_shapes(header, prefix):
    """The output shapes `PREFIX_OUTPUT_<k>_SHAPE {d, ...}` of a qcc header."""
    outs = []
    k = 0
    key = prefix.upper()
    while "%s_OUTPUT_%d_SHAPE" % (key, k) in header:
        line = [l for l in header.splitlines() if "%s_OUTPUT_%d_SHAPE " % (key, k) in l][0]
        dims = line.split("{")[1].split("}")[0]
        outs.append(tuple(int(d) for d in dims.split(",") if d.strip()))
        k += 1
    return outs


def sqnr(ref, test):
    """Output SQNR in dB over all samples and outputs: 10 log10(sum ref^2 /
    sum (test - ref)^2); `ref` and `test` are lists (per sample) of lists of
    output arrays."""
    ref = np.concatenate([o.ravel() for r in ref for o in r]).astype(np.float64)
    test = np.concatenate([o.ravel() for t in test for o in t]).astype(np.float64)
    noise = np.sum((ref - test) ** 2)
    return float("inf") if noise == 0 else float(10 * np.log10(np.sum(ref ** 2) / noise))


def agreement(ref, test):
    """Argmax agreement over the last axis of the first output (per sample for
    a classifier, per frame for a sequence model)."""
    a = np.concatenate([np.argmax(r[0], -1).ravel() for r in ref])
    b = np.concatenate([np.argmax(t[0], -1).ravel() for t in test])
    return float(np.mean(a == b))
