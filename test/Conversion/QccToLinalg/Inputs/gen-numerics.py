#!/usr/bin/env python3
"""Generates numerics.mlir: qcc ops on fixed inputs with expected outputs
from direct reference loops over the documented op semantics (double
precision). Usage: gen-numerics.py ../numerics.mlir"""
import itertools, math, random, sys

def shape_str(shape, et):
    return "tensor<" + "".join(f"{d}x" for d in shape) + et + ">"

def fmt(v, et):
    if et.startswith("f"): return ("%.9e" % float(v)) if math.isfinite(v) else ("0x7F800000" if v > 0 else "0xFF800000")
    if et == "i1": return "true" if v else "false"
    return str(int(v))

def dense(vals, shape, et):
    if not shape: return "dense<" + fmt(vals[0], et) + ">"
    def rec(vs, sh):
        if len(sh) == 1: return "[" + ", ".join(fmt(v, et) for v in vs) + "]"
        step = len(vs) // sh[0]
        return "[" + ", ".join(rec(vs[i*step:(i+1)*step], sh[1:]) for i in range(sh[0])) + "]"
    return "dense<" + rec(vals, shape) + ">"

PRINT = {"f32": "printMemrefF32", "i32": "printMemrefI32", "i64": "printMemrefI64", "f64": "printMemrefF64"}

def rand(n, lo=-2.0, hi=2.0, seed=None):
    r = random.Random(seed)
    return [round(r.uniform(lo, hi), 4) for _ in range(n)]

def idx(shape, *ix):
    o = 0
    for s, i in zip(shape, ix): o = o * s + i
    return o

def window_out(n, k, s, d, pb, pe, ceil):
    span = d * (k - 1) + 1
    avail = n + pb + pe - span
    if avail < 0: return 0
    out = (avail + s - 1) // s + 1 if ceil else avail // s + 1
    if ceil and (out - 1) * s >= n + pb: out -= 1
    return out

def conv_ref(x, xs, w, ws, b, strides, pads, dil, group):
    N, C, H, W = xs; O, CG, KH, KW = ws
    OH = window_out(H, KH, strides[0], dil[0], pads[0], pads[2], False)
    OW = window_out(W, KW, strides[1], dil[1], pads[1], pads[3], False)
    out = []
    og = O // group
    for n in range(N):
        for o in range(O):
            g = o // og
            for oy in range(OH):
                for ox in range(OW):
                    acc = b[o] if b else 0.0
                    for c in range(CG):
                        for ky in range(KH):
                            iy = oy * strides[0] + ky * dil[0] - pads[0]
                            if iy < 0 or iy >= H: continue
                            for kx in range(KW):
                                ix = ox * strides[1] + kx * dil[1] - pads[1]
                                if ix < 0 or ix >= W: continue
                                acc += x[idx(xs, n, g * CG + c, iy, ix)] * w[idx(ws, o, c, ky, kx)]
                    out.append(acc)
    return out, [N, O, OH, OW]

def pool_ref(x, xs, kind, k, s, pads, d, cip, ceil):
    N, C, H, W = xs
    OH = window_out(H, k[0], s[0], d[0], pads[0], pads[2], ceil)
    OW = window_out(W, k[1], s[1], d[1], pads[1], pads[3], ceil)
    out = []
    for n in range(N):
        for c in range(C):
            for oy in range(OH):
                for ox in range(OW):
                    vals = []; cnt = 0
                    for ky in range(k[0]):
                        iy = oy * s[0] + ky * d[0] - pads[0]
                        for kx in range(k[1]):
                            ix = ox * s[1] + kx * d[1] - pads[1]
                            inside = 0 <= iy < H and 0 <= ix < W
                            inpad = -pads[0] <= iy < H + pads[2] and -pads[1] <= ix < W + pads[3]
                            if inside: vals.append(x[idx(xs, n, c, iy, ix)])
                            if inside or (cip and inpad): cnt += 1
                    if kind == "max": out.append(max(vals))
                    else: out.append(sum(vals) / cnt)
    return out, [N, C, OH, OW]

def mm_ref(a, ash, b, bsh, bias, bias_sh):
    M, K = ash[-2:]; N = bsh[-1]
    ba, bb = ash[:-2], bsh[:-2]
    r = max(len(ba), len(bb))
    ba = [1] * (r - len(ba)) + list(ba); bb = [1] * (r - len(bb)) + list(bb)
    batch = [max(p, q) for p, q in zip(ba, bb)]
    out = []
    for bi in itertools.product(*[range(d) for d in batch]):
        ia = [i if d != 1 else 0 for i, d in zip(bi, ba)]
        ib = [i if d != 1 else 0 for i, d in zip(bi, bb)]
        offa = idx(ba, *ia) * M * K if ba else 0
        offb = idx(bb, *ib) * K * N if bb else 0
        for i in range(M):
            for j in range(N):
                acc = sum(a[offa + i * K + k] * b[offb + k * N + j] for k in range(K))
                if bias: acc += bias[j]
                out.append(acc)
    return out, batch + [M, N]

cases = []  # (name, func_text, inputs [(vals, shape, et)], out_shape, want)

def arr(v): return "array<i64: " + ", ".join(map(str, v)) + ">"

def conv(name, xs, ws, strides, pads, dil, group, bias, act=None, seed=0):
    x = rand(math.prod(xs), seed=seed + 1); w = rand(math.prod(ws), seed=seed + 2)
    b = rand(ws[0], seed=seed + 3) if bias else None
    want, os = conv_ref(x, xs, w, ws, b, strides, pads, dil, group)
    if act == "relu": want = [max(v, 0.0) for v in want]
    X, W, B, Y = shape_str(xs, "f32"), shape_str(ws, "f32"), shape_str([ws[0]], "f32"), shape_str(os, "f32")
    actattr = ", activation = #qcc<unary relu>" if act == "relu" else ""
    ops = "%x, %w" + (", %b" if bias else "")
    tys = f"{X}, {W}" + (f", {B}" if bias else "")
    body = f"qcc.conv2d {ops} {{strides = {arr(strides)}, pads = {arr(pads)}, dilations = {arr(dil)}, group = {group}{actattr}}} : ({tys}) -> {Y}"
    ins = [("x", x, xs), ("w", w, ws)] + ([("b", b, [ws[0]])] if bias else [])
    cases.append((name, body, ins, os, want))

def pool(name, xs, kind, k, s, pads, cip=False, ceil=False, seed=0):
    x = rand(math.prod(xs), seed=seed + 4)
    want, os = pool_ref(x, xs, kind, k, s, pads, (1, 1), cip, ceil)
    X, Y = shape_str(xs, "f32"), shape_str(os, "f32")
    body = f"qcc.pool2d {kind} %x {{kernel = {arr(k)}, strides = {arr(s)}, pads = {arr(pads)}, dilations = {arr([1, 1])}, count_include_pad = {str(cip).lower()}, ceil_mode = {str(ceil).lower()}}} : {X} -> {Y}"
    cases.append((name, body, [("x", x, xs)], os, want))

def softmax(name, shape, axis, log, seed=0):
    x = [v * 10 for v in rand(math.prod(shape), seed=seed + 5)]
    import itertools
    def lin(ix):
        o = 0
        for s_, i in zip(shape, ix): o = o * s_ + i
        return o
    out = [0.0] * len(x)
    for ix in itertools.product(*[range(d) for d in shape]):
        grp = []
        for j in range(shape[axis]):
            jx = list(ix); jx[axis] = j; grp.append(x[lin(jx)])
        m = max(grp); ssum = sum(math.exp(t - m) for t in grp)
        v = x[lin(ix)]
        out[lin(ix)] = (v - m - math.log(ssum)) if log else math.exp(v - m) / ssum
    X = shape_str(shape, "f32")
    body = f"qcc.softmax %x {{axis = {axis} : i64, log = {str(log).lower()}}} : {X}"
    cases.append((name, body, [("x", x, shape)], shape, out))

def matmul(name, ash, bsh, bias, seed=0):
    a = rand(math.prod(ash), seed=seed + 6); b = rand(math.prod(bsh), seed=seed + 7)
    bv = rand(bsh[-1], seed=seed + 8) if bias else None
    want, os = mm_ref(a, ash, b, bsh, bv, None)
    A, B, C, Y = shape_str(ash, "f32"), shape_str(bsh, "f32"), shape_str([bsh[-1]], "f32"), shape_str(os, "f32")
    body = f"qcc.matmul %a, %b{', %c' if bias else ''} : ({A}, {B}{', ' + C if bias else ''}) -> {Y}"
    ins = [("a", a, ash), ("b", b, bsh)] + ([("c", bv, [bsh[-1]])] if bias else [])
    cases.append((name, body, ins, os, want))

conv("conv_pad_stride_bias_relu", [1, 2, 5, 5], [3, 2, 3, 3], (2, 2), (1, 1, 1, 1), (1, 1), 1, True, "relu", 0)
conv("conv_asym_pad_dilation", [1, 2, 6, 5], [2, 2, 2, 2], (1, 1), (2, 0, 0, 1), (2, 1), 1, False, None, 10)
conv("conv_depthwise", [1, 3, 4, 4], [3, 1, 3, 3], (1, 1), (1, 1, 1, 1), (1, 1), 3, True, None, 20)
conv("conv_grouped", [1, 4, 4, 4], [6, 2, 2, 2], (1, 1), (0, 0, 0, 0), (1, 1), 2, True, None, 30)
pool("max_pool_pad_ceil", [1, 2, 5, 5], "max", (3, 3), (2, 2), (1, 1, 0, 0), ceil=True, seed=40)
pool("avg_pool_exclude_pad", [1, 2, 5, 5], "avg", (3, 3), (2, 2), (1, 1, 1, 1), seed=50)
pool("avg_pool_include_pad_ceil", [1, 1, 6, 6], "avg", (3, 3), (2, 2), (1, 1, 1, 1), cip=True, ceil=True, seed=60)
softmax("softmax_axis1", [2, 3, 4], 1, False, 70)
softmax("log_softmax_last", [2, 5], 1, True, 80)
matmul("matmul_broadcast_bias", [2, 1, 3, 4], [2, 4, 2], True, 90)

lines = []
lines.append("""// REQUIRES: mlir-c-runner-utils
// RUN: qcc-opt %s --convert-qcc-to-linalg --one-shot-bufferize="bufferize-function-boundaries" \\
// RUN:   --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-scf-to-cf \\
// RUN:   --convert-math-to-llvm --convert-math-to-libm --convert-to-llvm --reconcile-unrealized-casts \\
// RUN: | mlir-runner -e main -entry-point-result=i32 -shared-libs=%mlir_c_runner_utils \\
// RUN: | FileCheck %s

// Tests the numbers the lowering computes: each case runs one qcc op on
// fixed inputs and compares with values from an independent reference of the
// op's documented semantics (a direct loop over windows, taps and rows,
// computed in double precision), to 1e-4 relative + 1e-5 absolute, the
// tolerance of fp32 against ONNX Runtime. @main returns a bitmask with bit k
// set when case k has any element out of tolerance; 0 means all match.
// Generated by Inputs/gen-numerics.py. Case order: """ + ", ".join(f"{i}: {c[0]}" for i, c in enumerate(cases)) + """.
// CHECK: {{^}}0{{$}}
""")
lines.append("module {")
main = ["  func.func @main() -> i32 {", "    %mask0 = arith.constant 0 : i32"]
for k, (name, body, ins, os, want) in enumerate(cases):
    Y = shape_str(os, "f32")
    args = ", ".join(f"%{n}: {shape_str(s, 'f32')}" for n, _, s in ins)
    lines.append(f"  func.func @{name}({args}) -> {Y} {{\n    %y = {body}\n    return %y : {Y}\n  }}")
    for n, v, s in ins:
        main.append(f"    %{name}_{n} = qcc.constant {dense(v, s, 'f32')} : {shape_str(s, 'f32')}")
    main.append(f"    %{name}_want = qcc.constant {dense(want, os, 'f32')} : {Y}")
    main.append(f"    %{name}_got = call @{name}({', '.join('%' + name + '_' + n for n, _, _ in ins)}) : ({', '.join(shape_str(s, 'f32') for _, _, s in ins)}) -> {Y}")
    main.append(f"    %{name}_bad = call @count_bad_{len(os)}d_{'x'.join(map(str, os))}(%{name}_got, %{name}_want) : ({Y}, {Y}) -> i32")
    main.append(f"    %{name}_one = arith.minsi %{name}_bad, %c1 : i32")
    main.append(f"    %{name}_bit = arith.shli %{name}_one, %c{k} : i32")
    main.append(f"    %mask{k + 1} = arith.ori %mask{k}, %{name}_bit : i32")
main.append(f"    return %mask{len(cases)} : i32\n  }}")
consts = sorted(set([1] + list(range(len(cases)))))
main.insert(1, "\n".join(f"    %c{c} = arith.constant {c} : i32" for c in consts))
lines.append("\n".join(main))
# checkers, one per result shape
shapes = sorted(set(tuple(c[3]) for c in cases))
for s in shapes:
    Y = shape_str(list(s), "f32"); I = shape_str(list(s), "i1"); J = shape_str(list(s), "i32")
    axes = ", ".join(map(str, range(len(s))))
    lines.append(f"""  func.func @count_bad_{len(s)}d_{'x'.join(map(str, s))}(%got: {Y}, %want: {Y}) -> i32 {{
    %rtol = qcc.constant dense<1.0e-04> : tensor<f32>
    %atol = qcc.constant dense<1.0e-05> : tensor<f32>
    %d = qcc.binary sub %got, %want : ({Y}, {Y}) -> {Y}
    %ad = qcc.unary abs %d : {Y} -> {Y}
    %aw = qcc.unary abs %want : {Y} -> {Y}
    %rel = qcc.binary mul %aw, %rtol : ({Y}, tensor<f32>) -> {Y}
    %tol = qcc.binary add %rel, %atol : ({Y}, tensor<f32>) -> {Y}
    %ok = qcc.binary less_equal %ad, %tol : ({Y}, {Y}) -> {I}
    %okn = qcc.unary not %ok : {I} -> {I}
    %bad = qcc.cast %okn : {I} -> {J}
    %n = qcc.reduce sum %bad {{axes = array<i64: {axes}>, keepdims = false}} : {J} -> tensor<i32>
    %v = tensor.extract %n[] : tensor<i32>
    return %v : i32
  }}""")
lines.append("}")
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
