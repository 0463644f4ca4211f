#!/usr/bin/env python3
"""Generates quantized-numerics.mlir: qcc's fixed-point requantization
(qcc.requantize, quantized qcc.matmul / qcc.conv2d with !quant.uniform
results) run through mlir-runner and compared for exact equality with an
independent Python-integer reference of docs/Quantization.md's scheme:

  multiplier, shift = frexp-based 31-bit form of the real multiplier M
  q = clamp(round_half_away_from_zero(acc * multiplier / 2^shift) + zp, lo, hi)

Run: python3 gen-quantized-numerics.py > ../quantized-numerics.mlir
"""

import math
import random

random.seed(7)


def fixed_point(m):
    frac, exp = math.frexp(m)
    mult = math.floor(math.ldexp(frac, 31) + 0.5)
    if mult == 1 << 31:
        mult //= 2
        exp += 1
    shift = 31 - exp
    assert 1 <= shift <= 62
    return mult, shift


def rescale(acc, m):
    """round_half_away_from_zero(acc * mult / 2^shift), exact integers."""
    mult, shift = fixed_point(m)
    p = acc * mult
    q, r = divmod(abs(p), 1 << shift)
    if 2 * r >= (1 << shift):
        q += 1
    return q if p >= 0 else -q


def clamp(v, lo, hi):
    return max(lo, min(hi, v))


def f32(x):
    import struct
    return struct.unpack("f", struct.pack("f", x))[0]


def qtype(signed, scale, zp, axis=None):
    st = "i8" if signed else "u8"
    if axis is None:
        return f"!quant.uniform<{st}:f32, {scale!r}:{zp}>"
    body = ", ".join(f"{s!r}:{z}" for s, z in zip(scale, zp))
    return f"!quant.uniform<{st}:f32:{axis}, {{{body}}}>"


def rand8(signed, n):
    return [random.randint(-128, 127) if signed else random.randint(0, 255)
            for _ in range(n)]


def nest(values, shape):
    if len(shape) <= 1:
        return list(values)
    step = len(values) // shape[0]
    return [nest(values[i * step:(i + 1) * step], shape[1:])
            for i in range(shape[0])]


def dense(values, shape, elem):
    return (f"dense<{nest(list(values), shape)}> : "
            f"tensor<{'x'.join(map(str, shape))}x{elem}>")


def i8bits(v):
    """Storage bits of an 8-bit value as the signless i8 constant."""
    return v - 256 if v > 127 else v


cases = []  # (name, body lines, got-vs-want count)


def shape_str(shape):
    return "x".join(map(str, shape))


def emit_case(name, inputs, op_lines, result_shape, result_q, want):
    """inputs: list of (ssa, values, shape, qtype or elem) - an i8 storage
    constant retyped to the quantized type, or a plain constant."""
    n = 1
    for d in result_shape:
        n *= d
    lines = [f"  func.func @{name}() -> tensor<{n}xi8> {{"]
    for ssa, values, shape, t in inputs:
        if t.startswith("!quant"):
            lines.append(f"    %{ssa}_s = qcc.constant "
                         f"{dense([i8bits(v) for v in values], shape, 'i8')}")
            lines.append(f"    %{ssa} = qcc.reshape %{ssa}_s : tensor<{shape_str(shape)}xi8>"
                         f" -> tensor<{shape_str(shape)}x{t}>")
        else:
            lines.append(f"    %{ssa} = qcc.constant {dense(values, shape, t)}")
    lines += ["    " + l for l in op_lines]
    lines.append(f"    %flat = qcc.reshape %y : tensor<{shape_str(result_shape)}x"
                 f"{result_q}> -> tensor<{n}xi8>")
    lines.append(f"    return %flat : tensor<{n}xi8>")
    lines.append("  }")
    cases.append((name, lines, n, [i8bits(v) for v in want]))


# 1. Per-tensor requantize i8 -> u8 by M = 1/8: one input in eight is a
# tie (negative ones included), rounded away from zero.
x = rand8(True, 37)
qi, qo = qtype(True, 0.5, -3), qtype(False, 4.0, 20)
want = [clamp(rescale(v + 3, 0.5 / 4.0) + 20, 0, 255) for v in x]
emit_case("requantize_per_tensor", [("x", x, [37], qi)],
          [f"%y = qcc.requantize %x : tensor<37x{qi}> -> tensor<37x{qo}>"],
          [37], qo, want)

# 2. Per-axis requantize (channels along dim 1) i8 -> i8.
scales, zps = [0.11, 0.023, 0.7], [1, -4, 0]
x = rand8(True, 15)
qi, qo = qtype(True, scales, zps, axis=1), qtype(True, 0.07, 2)
want = [clamp(rescale(v - zps[i % 3], scales[i % 3] / 0.07) + 2, -128, 127)
        for i, v in enumerate(x)]
emit_case("requantize_per_axis", [("x", x, [5, 3], qi)],
          [f"%y = qcc.requantize %x : tensor<5x3x{qi}> -> tensor<5x3x{qo}>"],
          [5, 3], qo, want)

# 3. Matmul u8 x i8 (per column) + i32 bias -> i8 with relu.
M, K, N = 7, 13, 5
a = rand8(False, M * K)
b = rand8(True, K * N)
bscales = [0.004, 0.011, 0.0077, 0.02, 0.0031]
bias = [random.randint(-3000, 3000) for _ in range(N)]
qa, qb = qtype(False, 0.02, 130), qtype(True, bscales, [0] * N, axis=1)
qy = qtype(True, 0.4, -5)
want = []
for i in range(M):
    for j in range(N):
        acc = bias[j] + sum((a[i * K + k] - 130) * b[k * N + j] for k in range(K))
        want.append(clamp(rescale(acc, 0.02 * bscales[j] / 0.4) - 5, -5, 127))
emit_case("matmul_per_column_relu",
          [("a", a, [M, K], qa), ("b", b, [K, N], qb), ("bias", bias, [N], "i32")],
          [f"%y = qcc.matmul %a, %b, %bias {{activation = #qcc<unary relu>}} : "
           f"(tensor<{M}x{K}x{qa}>, tensor<{K}x{N}x{qb}>, tensor<{N}xi32>) -> "
           f"tensor<{M}x{N}x{qy}>"], [M, N], qy, want)

# 4. Conv u8 input, i8 per-channel weights with zero points, pads 1,
# stride 2, bias, clip(0, 6) -> u8.
C, H, W, O, KH, KW = 3, 6, 5, 4, 3, 3
x = rand8(False, C * H * W)
w = rand8(True, O * C * KH * KW)
wscales = [0.01, 0.003, 0.02, 0.0065]
wzps = [0, 3, -2, 1]
bias = [random.randint(-500, 500) for _ in range(O)]
qx = qtype(False, 0.03, 120)
qw = qtype(True, wscales, wzps, axis=0)
qy = qtype(False, 0.05, 10)
OH, OW = (H + 2 - KH) // 2 + 1, (W + 2 - KW) // 2 + 1
lo = max(0, round(0.0 / 0.05) + 10)
hi = min(255, math.floor(6.0 / 0.05 + 0.5) + 10)
want = []
for o in range(O):
    for oy in range(OH):
        for ox in range(OW):
            acc = bias[o]
            for c in range(C):
                for ky in range(KH):
                    for kx in range(KW):
                        iy, ix = oy * 2 + ky - 1, ox * 2 + kx - 1
                        xv = (x[(c * H + iy) * W + ix] - 120
                              if 0 <= iy < H and 0 <= ix < W else 0)
                        wv = w[((o * C + c) * KH + ky) * KW + kx] - wzps[o]
                        acc += xv * wv
            want.append(clamp(rescale(acc, 0.03 * wscales[o] / 0.05) + 10, lo, hi))
emit_case("conv_per_channel_clip",
          [("x", x, [1, C, H, W], qx), ("w", w, [O, C, KH, KW], qw),
           ("bias", bias, [O], "i32")],
          [f"%y = qcc.conv2d %x, %w, %bias {{strides = array<i64: 2, 2>, "
           f"pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, "
           f"activation = #qcc<unary clip>, act_params = array<f32: 0.0, 6.0>}} : "
           f"(tensor<1x{C}x{H}x{W}x{qx}>, tensor<{O}x{C}x{KH}x{KW}x{qw}>, "
           f"tensor<{O}xi32>) -> tensor<1x{O}x{OH}x{OW}x{qy}>"],
          [1, O, OH, OW], qy, want)

names = ", ".join(f"{i}: {c[0]}" for i, c in enumerate(cases))
print("""// REQUIRES: mlir-c-runner-utils
// RUN: qcc-opt %s --convert-qcc-to-linalg --convert-elementwise-to-linalg \\
// RUN:   --one-shot-bufferize="bufferize-function-boundaries" \\
// RUN:   --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-scf-to-cf \\
// RUN:   --convert-math-to-llvm --convert-to-llvm --reconcile-unrealized-casts \\
// RUN: | mlir-runner -e main -entry-point-result=i32 -shared-libs=%mlir_c_runner_utils \\
// RUN: | FileCheck %s

// Tests the numbers of the fixed-point requantization: each case runs one
// quantized qcc op on fixed 8-bit inputs and compares its stored integers
// with an independent Python-integer reference of docs/Quantization.md
// (31-bit multiplier and shift from frexp, one rounding of the exact
// product half away from zero, zero point, clamp; relu / clip as clamp
// bounds). Tolerance: none (exact). @main returns a bitmask with bit k set
// when case k has any differing element; 0 means all match.
// Generated by Inputs/gen-quantized-numerics.py. Case order: """ + names + """.
// CHECK: {{^}}0{{$}}
""")
print("module {")
for name, lines, n, want in cases:
    print("\n".join(lines))
print("  func.func @main() -> i32 {")
print("    %mask0 = arith.constant 0 : i32")
print("    %one = arith.constant 1 : i32")
for k, (name, lines, n, want) in enumerate(cases):
    print(f"    %{name}_got = call @{name}() : () -> tensor<{n}xi8>")
    print(f"    %{name}_want = arith.constant {dense(want, [n], 'i8')}")
    print(f"    %{name}_ne = arith.cmpi ne, %{name}_got, %{name}_want : tensor<{n}xi8>")
    print(f"    %{name}_ext = arith.extui %{name}_ne : tensor<{n}xi1> to tensor<{n}xi32>")
    print(f"    %{name}_zero = arith.constant dense<0> : tensor<i32>")
    print(f"    %{name}_sum = linalg.reduce ins(%{name}_ext : tensor<{n}xi32>) "
          f"outs(%{name}_zero : tensor<i32>) dimensions = [0]")
    print("      (%in: i32, %acc: i32) {")
    print("        %s = arith.addi %in, %acc : i32")
    print("        linalg.yield %s : i32")
    print("      }")
    print(f"    %{name}_bad = tensor.extract %{name}_sum[] : tensor<i32>")
    print(f"    %{name}_b = arith.minsi %{name}_bad, %one : i32")
    print(f"    %{name}_k = arith.constant {k} : i32")
    print(f"    %{name}_bit = arith.shli %{name}_b, %{name}_k : i32")
    print(f"    %mask{k + 1} = arith.ori %mask{k}, %{name}_bit : i32")
print(f"    return %mask{len(cases)} : i32")
print("  }")
print("}")
