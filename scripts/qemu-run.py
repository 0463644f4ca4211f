#!/usr/bin/env python3
"""qemu-run: qcc-run for a cross target, under QEMU user-mode emulation.

  qemu-run.py model.onnx [qcc flags] --input=NAME=FILE.npy... --output-dir=DIR
              [--benchmark=N] [--qcc=Q] [--cc=CC] [--qemu=QEMU]
              [--qemu-cpu=CPU] [--keep=DIR]

qcc-run dlopens a host shared object, which cannot hold AArch64 code. This
script does the same job for -target=aarch64 (the default here): it compiles
the model with qcc into an AArch64 object, links it statically with
scripts/npy_harness.c by clang (--target=aarch64-linux-gnu, lld, the Debian
cross C library of libc6-dev-arm64-cross and libgcc-12-dev-arm64-cross) and
runs the program under `qemu-aarch64 -cpu max`, which reads the .npy inputs
and writes DIR/<output>.npy exactly as qcc-run does. Every argument it does
not know (-target=, -mattr=, -O2, -input-shape=, ...) goes to qcc. Prints
`qemu-run: compile S s, link S s, run S s` on stderr; exits non-zero with
the failing step's diagnostics on any failure.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
HARNESS = os.path.join(HERE, "npy_harness.c")

# -target= name -> (clang triple, qemu binary).
CROSS = {
    "aarch64": ("aarch64-linux-gnu", "qemu-aarch64"),
}


def find_program(*names):
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    return None


def cross_link_command(cc, triple, workdir, obj, exe):
    """The clang command that links the harness with `obj` into `exe`.

    The harness is built at -O0 (it only moves bytes; the model object carries
    its own optimization level), which links fastest."""
    return [cc, "--target=" + triple, "-fuse-ld=lld", "-static", "-O0",
            "-std=c11", "-I" + workdir, HARNESS, obj, "-lm", "-o", exe]


def main():
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        usage="%(prog)s model.onnx [qcc flags] --input=NAME=FILE.npy... "
              "--output-dir=DIR [options]")
    p.add_argument("model")
    p.add_argument("--input", action="append", default=[],
                   metavar="NAME=FILE.npy", help="input tensor (repeatable)")
    p.add_argument("--output-dir", help="write each output as "
                   "DIR/<output name>.npy")
    p.add_argument("--benchmark", type=int, default=0, metavar="N",
                   help="also run N times and print 'median_ms: <value>' "
                   "(emulated time: not the speed of real hardware)")
    p.add_argument("--qcc", default=None,
                   help="the qcc driver (default: qcc next to this "
                   "checkout's build/bin, else on PATH)")
    p.add_argument("--cc", default=None,
                   help="clang used to cross-link (default: clang-22, clang)")
    p.add_argument("--qemu", default=None,
                   help="QEMU user-mode binary (default: qemu-<arch>)")
    p.add_argument("--qemu-cpu", default="max",
                   help="QEMU -cpu model (default: %(default)s, every "
                   "extension QEMU emulates)")
    p.add_argument("--keep", metavar="DIR",
                   help="build in DIR and keep the object, header and "
                   "program instead of a temporary directory")
    args, qcc_args = p.parse_known_args()

    target = "aarch64"
    for a in qcc_args:
        if a.startswith(("-target=", "--target=")):
            target = a.split("=", 1)[1]
    if target not in CROSS:
        sys.exit("qemu-run: error: unsupported -target=%s (expected one of: "
                 "%s)" % (target, ", ".join(CROSS)))
    if not any(a.startswith(("-target=", "--target=")) for a in qcc_args):
        qcc_args.append("-target=" + target)
    triple, qemu_name = CROSS[target]

    qcc = args.qcc or find_program(
        os.path.join(HERE, "..", "build", "bin", "qcc"), "qcc")
    cc = args.cc or find_program("clang-22", "clang")
    qemu = args.qemu or find_program(qemu_name)
    for what, path in (("qcc", qcc), ("clang", cc), (qemu_name, qemu)):
        if not path:
            sys.exit("qemu-run: error: %s not found (scripts/setup.sh "
                     "installs the cross toolchain)" % what)

    workdir = args.keep or tempfile.mkdtemp(prefix="qemu-run")
    os.makedirs(workdir, exist_ok=True)
    obj = os.path.join(workdir, "model.o")
    exe = os.path.join(workdir, "run")
    times = []
    try:
        for path in (obj, os.path.join(workdir, "model.h"), exe):
            if os.path.exists(path):
                os.unlink(path)
        steps = [
            ("qcc", [qcc, args.model] + qcc_args + ["-name=model", "-o", obj]),
            ("linking the harness", cross_link_command(cc, triple, workdir,
                                                       obj, exe)),
        ]
        run = [qemu, "-cpu", args.qemu_cpu, exe]
        run += ["--input=" + spec for spec in args.input]
        if args.output_dir:
            os.makedirs(args.output_dir, exist_ok=True)
            run.append("--output-dir=" + os.path.abspath(args.output_dir))
        if args.benchmark:
            run.append("--benchmark=%d" % args.benchmark)
        steps.append(("the program under " + qemu_name, run))
        for what, cmd in steps:
            start = time.monotonic()
            r = subprocess.run(cmd)
            times.append(time.monotonic() - start)
            if r.returncode != 0:
                print("qemu-run: error: %s failed (exit %d): %s" %
                      (what, r.returncode, " ".join(cmd)), file=sys.stderr)
                return 1
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print("qemu-run: compile %.2f s, link %.2f s, run %.2f s" % tuple(times),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
