// RUN: qcc-opt %s --split-input-file --qcc-fuse-qdq | FileCheck %s
// RUN: qcc-opt %s --split-input-file --qcc-fuse-qdq="fold-float-weights=false" | FileCheck %s --check-prefix=KEEP

!qx = !quant.uniform<u8:f32, 5.000000e-01:128>
!qw = !quant.uniform<i8:f32:0, {2.500000e-01, 1.250000e-01}>
!qy = !quant.uniform<u8:f32, 2.000000e-01:10>

// Tests that dequantize -> conv2d (relu) -> quantize becomes one quantized
// conv2d producing the quantize's type, reading the stored integers, with the
// float bias quantized to i32 at scale s_x * s_w[c] rounding half to even
// (0.3125 / 0.125 = 2.5 -> 2, -0.3 / 0.0625 = -4.8 -> -5).
// CHECK-LABEL: func.func @conv_relu_q
// CHECK-SAME: (%[[X:.+]]: tensor<1x1x4x4x!quant.uniform<u8:f32, 5.000000e-01:128>>)
// CHECK-DAG: %[[WC:.+]] = qcc.constant dense<{{.*}}> : tensor<2x1x1x1xi8>
// CHECK-DAG: %[[WQ:.+]] = qcc.reshape %[[WC]]
// CHECK-DAG: %[[B:.+]] = qcc.constant dense<[2, -5]> : tensor<2xi32>
// CHECK: %[[C:.+]] = qcc.conv2d %[[X]], %[[WQ]], %[[B]] {activation = #qcc<unary relu>, {{.*}}} : ({{.*}}) -> tensor<1x2x4x4x!quant.uniform<u8:f32, 2.000000e-01:10>>
// CHECK-NOT: qcc.quantize
// CHECK: return %[[C]]
func.func @conv_relu_q(%x: tensor<1x1x4x4x!qx>) -> tensor<1x2x4x4x!qy> {
  %xd = qcc.dequantize %x : tensor<1x1x4x4x!qx> -> tensor<1x1x4x4xf32>
  %wc = qcc.constant dense<[[[[1]]], [[[-3]]]]> : tensor<2x1x1x1xi8>
  %wq = qcc.reshape %wc : tensor<2x1x1x1xi8> -> tensor<2x1x1x1x!qw>
  %wd = qcc.dequantize %wq : tensor<2x1x1x1x!qw> -> tensor<2x1x1x1xf32>
  %b = qcc.constant dense<[0.3125, -0.3]> : tensor<2xf32>
  %c = qcc.conv2d %xd, %wd, %b {activation = #qcc<unary relu>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %q = qcc.quantize %c : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x!qy>
  return %q : tensor<1x2x4x4x!qy>
}

// -----

!qx = !quant.uniform<u8:f32, 5.000000e-01:128>
!qw = !quant.uniform<i8:f32:1, {2.500000e-01, 1.250000e-01}>
!qb = !quant.uniform<i32:f32:0, {1.250000e-01, 6.250000e-02}>

// Tests that a matmul without a quantize after it gets a float result, and
// that an int32 bias dequantized at scale s_x * s_w[c] keeps its integers.
// CHECK-LABEL: func.func @matmul_float_result
// CHECK: %[[B:.+]] = qcc.constant dense<[7, -9]> : tensor<2xi32>
// CHECK: %[[M:.+]] = qcc.matmul %arg0, %{{.+}}, %[[B]] : ({{.*}}) -> tensor<3x2xf32>
// CHECK-NOT: qcc.dequantize
// CHECK: return %[[M]]
func.func @matmul_float_result(%x: tensor<3x4x!qx>) -> tensor<3x2xf32> {
  %xd = qcc.dequantize %x : tensor<3x4x!qx> -> tensor<3x4xf32>
  %wc = qcc.constant dense<[[1, 2], [3, 4], [5, 6], [7, 8]]> : tensor<4x2xi8>
  %wq = qcc.reshape %wc : tensor<4x2xi8> -> tensor<4x2x!qw>
  %wd = qcc.dequantize %wq : tensor<4x2x!qw> -> tensor<4x2xf32>
  %bc = qcc.constant dense<[7, -9]> : tensor<2xi32>
  %bq = qcc.reshape %bc : tensor<2xi32> -> tensor<2x!qb>
  %bd = qcc.dequantize %bq : tensor<2x!qb> -> tensor<2xf32>
  %m = qcc.matmul %xd, %wd, %bd : (tensor<3x4xf32>, tensor<4x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  return %m : tensor<3x2xf32>
}

// -----

!qx = !quant.uniform<u8:f32, 5.000000e-01:128>
!qw = !quant.uniform<i8:f32:0, {2.500000e-01, 1.250000e-01, 5.000000e-01}>
!qy = !quant.uniform<u8:f32, 2.000000e-01:10>

// Tests the Gemm form (transB): the weight quantized along axis 0 of [N, K]
// is transposed at compile time, its axis following to 1, and the quantized
// matmul produces the quantize's type.
// CHECK-LABEL: func.func @gemm_transposed_weight
// CHECK-DAG: %[[WC:.+]] = qcc.constant dense<{{\[}}[1, 3, 5], [2, 4, 6]]> : tensor<2x3xi8>
// CHECK-DAG: %[[WQ:.+]] = qcc.reshape %[[WC]] : tensor<2x3xi8> -> tensor<2x3x!quant.uniform<i8:f32:1, {2.500000e-01,1.250000e-01,5.000000e-01}>>
// CHECK: %[[M:.+]] = qcc.matmul %arg0, %[[WQ]] : ({{.*}}) -> tensor<1x3x!quant.uniform<u8:f32, 2.000000e-01:10>>
// CHECK-NOT: qcc.transpose
// CHECK: return %[[M]]
func.func @gemm_transposed_weight(%x: tensor<1x2x!qx>) -> tensor<1x3x!qy> {
  %xd = qcc.dequantize %x : tensor<1x2x!qx> -> tensor<1x2xf32>
  %wc = qcc.constant dense<[[1, 2], [3, 4], [5, 6]]> : tensor<3x2xi8>
  %wq = qcc.reshape %wc : tensor<3x2xi8> -> tensor<3x2x!qw>
  %wd = qcc.dequantize %wq : tensor<3x2x!qw> -> tensor<3x2xf32>
  %wt = qcc.transpose %wd {perm = array<i64: 1, 0>} : tensor<3x2xf32> -> tensor<2x3xf32>
  %m = qcc.matmul %xd, %wt : (tensor<1x2xf32>, tensor<2x3xf32>) -> tensor<1x3xf32>
  %q = qcc.quantize %m : tensor<1x3xf32> -> tensor<1x3x!qy>
  return %q : tensor<1x3x!qy>
}

// -----

!qx = !quant.uniform<u8:f32, 5.000000e-01:128>
!qw = !quant.uniform<i8:f32, 2.500000e-01>
!qy = !quant.uniform<u8:f32, 2.000000e-01:10>

// Tests that a layer whose float result also has a float user, or whose
// fused activation is not a clamp, produces a float result and keeps the
// quantize.
// CHECK-LABEL: func.func @quantize_not_fused
// CHECK: %[[M1:.+]] = qcc.matmul %arg0, %{{.+}} : ({{.*}}) -> tensor<1x2xf32>
// CHECK: qcc.quantize %[[M1]]
// CHECK: %[[M2:.+]] = qcc.matmul %arg0, %{{.+}} {activation = #qcc<unary sigmoid>} : ({{.*}}) -> tensor<1x2xf32>
// CHECK: qcc.quantize %[[M2]]
func.func @quantize_not_fused(%x: tensor<1x2x!qx>) -> (tensor<1x2x!qy>, tensor<1x2xf32>, tensor<1x2x!qy>) {
  %xd = qcc.dequantize %x : tensor<1x2x!qx> -> tensor<1x2xf32>
  %wc = qcc.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8>
  %wq = qcc.reshape %wc : tensor<2x2xi8> -> tensor<2x2x!qw>
  %wd = qcc.dequantize %wq : tensor<2x2x!qw> -> tensor<2x2xf32>
  %m1 = qcc.matmul %xd, %wd : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  %q1 = qcc.quantize %m1 : tensor<1x2xf32> -> tensor<1x2x!qy>
  %m2 = qcc.matmul %xd, %wd {activation = #qcc<unary sigmoid>} : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  %q2 = qcc.quantize %m2 : tensor<1x2xf32> -> tensor<1x2x!qy>
  return %q1, %m1, %q2 : tensor<1x2x!qy>, tensor<1x2xf32>, tensor<1x2x!qy>
}

// -----

!qx = !quant.uniform<u8:f32, 5.000000e-01:128>

// Tests that a layer with float weights (no dequantize) stays float.
// CHECK-LABEL: func.func @float_weights
// CHECK: %[[XD:.+]] = qcc.dequantize %arg0
// CHECK: qcc.matmul %[[XD]], %arg1 : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
func.func @float_weights(%x: tensor<1x2x!qx>, %w: tensor<2x2xf32>) -> tensor<1x2xf32> {
  %xd = qcc.dequantize %x : tensor<1x2x!qx> -> tensor<1x2xf32>
  %m = qcc.matmul %xd, %w : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %m : tensor<1x2xf32>
}

// -----

!qa = !quant.uniform<u8:f32, 5.000000e-01:128>
!qb = !quant.uniform<u8:f32, 2.500000e-01:100>

// Tests that quantize(dequantize x) is x with the same parameters and a
// requantize with different ones.
// CHECK-LABEL: func.func @quantize_of_dequantize
// CHECK: %[[R:.+]] = qcc.requantize %arg0 : tensor<4x!quant.uniform<u8:f32, 5.000000e-01:128>> -> tensor<4x!quant.uniform<u8:f32, 2.500000e-01:100>>
// CHECK: return %arg0, %[[R]]
func.func @quantize_of_dequantize(%x: tensor<4x!qa>) -> (tensor<4x!qa>, tensor<4x!qb>) {
  %d = qcc.dequantize %x : tensor<4x!qa> -> tensor<4xf32>
  %q1 = qcc.quantize %d : tensor<4xf32> -> tensor<4x!qa>
  %q2 = qcc.quantize %d : tensor<4xf32> -> tensor<4x!qb>
  return %q1, %q2 : tensor<4x!qa>, tensor<4x!qb>
}

// -----

!qx = !quant.uniform<u8:f32, 5.000000e-01:128>
!qw = !quant.uniform<i8:f32, 2.500000e-01>
!qc = !quant.uniform<u8:f32, 2.000000e-01:10>
!qr = !quant.uniform<u8:f32, 1.000000e-01:0>

// Tests the ONNX form Conv -> Q -> DQ -> Relu -> Q: the relu moves into the
// quantized conv (a clamp at its zero point) and the second quantize becomes
// a requantize.
// CHECK-LABEL: func.func @relu_after_quantized_layer
// CHECK: %[[C:.+]] = qcc.conv2d %arg0, %{{.+}} {activation = #qcc<unary relu>, {{.*}}} : ({{.*}}) -> tensor<1x1x2x2x!quant.uniform<u8:f32, 2.000000e-01:10>>
// CHECK: %[[R:.+]] = qcc.requantize %[[C]] : {{.*}} -> tensor<1x1x2x2x!quant.uniform<u8:f32, 1.000000e-01>>
// CHECK-NOT: qcc.unary
// CHECK: return %[[R]]
func.func @relu_after_quantized_layer(%x: tensor<1x1x2x2x!qx>) -> tensor<1x1x2x2x!qr> {
  %xd = qcc.dequantize %x : tensor<1x1x2x2x!qx> -> tensor<1x1x2x2xf32>
  %wc = qcc.constant dense<3> : tensor<1x1x1x1xi8>
  %wq = qcc.reshape %wc : tensor<1x1x1x1xi8> -> tensor<1x1x1x1x!qw>
  %wd = qcc.dequantize %wq : tensor<1x1x1x1x!qw> -> tensor<1x1x1x1xf32>
  %c = qcc.conv2d %xd, %wd {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
  %cq = qcc.quantize %c : tensor<1x1x2x2xf32> -> tensor<1x1x2x2x!qc>
  %cd = qcc.dequantize %cq : tensor<1x1x2x2x!qc> -> tensor<1x1x2x2xf32>
  %r = qcc.unary relu %cd : tensor<1x1x2x2xf32> -> tensor<1x1x2x2xf32>
  %rq = qcc.quantize %r : tensor<1x1x2x2xf32> -> tensor<1x1x2x2x!qr>
  return %rq : tensor<1x1x2x2x!qr>
}

// -----

!qs = !quant.uniform<i8:f32, 5.000000e-01:-3>
!qu = !quant.uniform<u8:f32, 5.000000e-01:128>

// Tests that dequantize moves below reshape, transpose, slice and max pooling
// (on the stored integers; unsigned storage requantized exactly to signed
// storage first), and stays above average pooling.
// CHECK-LABEL: func.func @data_movement
// CHECK: %[[D:.+]] = qcc.dequantize %arg0
// CHECK: %[[R:.+]] = qcc.reshape %arg0 : tensor<1x2x4x4x!quant.uniform<i8:f32, 5.000000e-01:-3>> -> tensor<1x2x16x!quant.uniform<i8:f32, 5.000000e-01:-3>>
// CHECK: %[[T:.+]] = qcc.transpose %[[R]] {{.*}} -> tensor<1x16x2x!quant.uniform<i8:f32, 5.000000e-01:-3>>
// CHECK: %[[S:.+]] = qcc.slice %[[T]] {{.*}} -> tensor<1x8x2x!quant.uniform<i8:f32, 5.000000e-01:-3>>
// CHECK: qcc.dequantize %[[S]]
// CHECK: %[[I:.+]] = qcc.reshape %arg0 : tensor<1x2x4x4x!quant.uniform<i8:f32, 5.000000e-01:-3>> -> tensor<1x2x4x4xi8>
// CHECK: %[[P:.+]] = qcc.pool2d  max %[[I]] {{.*}} : tensor<1x2x4x4xi8> -> tensor<1x2x2x2xi8>
// CHECK: %[[PQ:.+]] = qcc.reshape %[[P]] : tensor<1x2x2x2xi8> -> tensor<1x2x2x2x!quant.uniform<i8:f32, 5.000000e-01:-3>>
// CHECK: qcc.dequantize %[[PQ]]
// CHECK: qcc.pool2d  avg %[[D]]
// CHECK: %[[US:.+]] = qcc.requantize %arg1 : tensor<1x2x4x4x!quant.uniform<u8:f32, 5.000000e-01:128>> -> tensor<1x2x4x4x!quant.uniform<i8:f32, 5.000000e-01>>
// CHECK: %[[UI:.+]] = qcc.reshape %[[US]] : {{.*}} -> tensor<1x2x4x4xi8>
// CHECK: qcc.pool2d  max %[[UI]] {{.*}} : tensor<1x2x4x4xi8> -> tensor<1x2x2x2xi8>
func.func @data_movement(%x: tensor<1x2x4x4x!qs>, %u: tensor<1x2x4x4x!qu>) -> (tensor<1x8x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
  %d = qcc.dequantize %x : tensor<1x2x4x4x!qs> -> tensor<1x2x4x4xf32>
  %r = qcc.reshape %d : tensor<1x2x4x4xf32> -> tensor<1x2x16xf32>
  %t = qcc.transpose %r {perm = array<i64: 0, 2, 1>} : tensor<1x2x16xf32> -> tensor<1x16x2xf32>
  %s = qcc.slice %t {starts = array<i64: 0, 0, 0>, steps = array<i64: 1, 2, 1>} : tensor<1x16x2xf32> -> tensor<1x8x2xf32>
  %mp = qcc.pool2d max %d {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  %ap = qcc.pool2d avg %d {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  %du = qcc.dequantize %u : tensor<1x2x4x4x!qu> -> tensor<1x2x4x4xf32>
  %up = qcc.pool2d max %du {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  return %s, %mp, %ap, %up : tensor<1x8x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
}

// -----

!qa = !quant.uniform<u8:f32, 5.000000e-01:128>
!qb = !quant.uniform<u8:f32, 2.500000e-01:128>

// Tests that concat of identically quantized operands concatenates the
// integers, and that differently quantized operands stay float.
// CHECK-LABEL: func.func @concat
// CHECK: %[[C:.+]] = qcc.concat %arg0, %arg0 {{.*}} -> tensor<4x!quant.uniform<u8:f32, 5.000000e-01:128>>
// CHECK: qcc.dequantize %[[C]]
// CHECK: qcc.concat %{{.+}}, %{{.+}} {{.*}} -> tensor<4xf32>
func.func @concat(%a: tensor<2x!qa>, %b: tensor<2x!qb>) -> (tensor<4xf32>, tensor<4xf32>) {
  %da = qcc.dequantize %a : tensor<2x!qa> -> tensor<2xf32>
  %db = qcc.dequantize %b : tensor<2x!qb> -> tensor<2xf32>
  %c1 = qcc.concat %da, %da {axis = 0 : i64} : (tensor<2xf32>, tensor<2xf32>) -> tensor<4xf32>
  %c2 = qcc.concat %da, %db {axis = 0 : i64} : (tensor<2xf32>, tensor<2xf32>) -> tensor<4xf32>
  return %c1, %c2 : tensor<4xf32>, tensor<4xf32>
}

// -----

!qa = !quant.uniform<u8:f32, 5.000000e-01:128>
!qw = !quant.uniform<i8:f32:0, {5.000000e-01, 2.500000e-01}>

// Tests that a dequantized constant feeding a float op (a residual add)
// folds to a float constant (q - zp) * scale, and that the add stays float.
// CHECK-LABEL: func.func @constant_to_float
// CHECK: %[[C:.+]] = qcc.constant dense<{{\[}}[5.000000e-01, -1.000000e+00], [7.500000e-01, 1.000000e+00]]> : tensor<2x2xf32>
// CHECK: %[[D:.+]] = qcc.dequantize %arg0
// CHECK: qcc.binary  add %[[D]], %[[C]]
func.func @constant_to_float(%x: tensor<2x2x!qa>) -> tensor<2x2xf32> {
  %wc = qcc.constant dense<[[1, -2], [3, 4]]> : tensor<2x2xi8>
  %wq = qcc.reshape %wc : tensor<2x2xi8> -> tensor<2x2x!qw>
  %wd = qcc.dequantize %wq : tensor<2x2x!qw> -> tensor<2x2xf32>
  %d = qcc.dequantize %x : tensor<2x2x!qa> -> tensor<2x2xf32>
  %s = qcc.binary add %d, %wd : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return %s : tensor<2x2xf32>
}

// -----

!qx = !quant.uniform<u8:f32, 5.000000e-01:128>
!qw = !quant.uniform<i8:f32:0, {2.500000e-01, 1.250000e-01}>
!qy = !quant.uniform<u8:f32, 2.000000e-01:10>

// Tests the 1-D convolution form: the input and weight reshapes to 2-D take
// the dequantizes below them (the weight's axis stays 0), and the quantize of
// the reshaped result moves next to the conv2d, which then produces it.
// CHECK-LABEL: func.func @conv1d
// CHECK: %[[X:.+]] = qcc.reshape %arg0 : {{.*}} -> tensor<1x1x1x5x!quant.uniform<u8:f32, 5.000000e-01:128>>
// CHECK: %[[W:.+]] = qcc.reshape %{{.+}} : tensor<2x1x3xi8> -> tensor<2x1x1x3x!quant.uniform<i8:f32:0, {2.500000e-01,1.250000e-01}>>
// CHECK: %[[C:.+]] = qcc.conv2d %[[X]], %[[W]] {{.*}} -> tensor<1x2x1x3x!quant.uniform<u8:f32, 2.000000e-01:10>>
// CHECK: %[[Y:.+]] = qcc.reshape %[[C]] : {{.*}} -> tensor<1x2x3x!quant.uniform<u8:f32, 2.000000e-01:10>>
// CHECK: return %[[Y]]
func.func @conv1d(%x: tensor<1x1x5x!qx>) -> tensor<1x2x3x!qy> {
  %xd = qcc.dequantize %x : tensor<1x1x5x!qx> -> tensor<1x1x5xf32>
  %x2 = qcc.reshape %xd : tensor<1x1x5xf32> -> tensor<1x1x1x5xf32>
  %wc = qcc.constant dense<[[[1, 2, 3]], [[-1, -2, -3]]]> : tensor<2x1x3xi8>
  %wq = qcc.reshape %wc : tensor<2x1x3xi8> -> tensor<2x1x3x!qw>
  %wd = qcc.dequantize %wq : tensor<2x1x3x!qw> -> tensor<2x1x3xf32>
  %w2 = qcc.reshape %wd : tensor<2x1x3xf32> -> tensor<2x1x1x3xf32>
  %c = qcc.conv2d %x2, %w2 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x1x1x5xf32>, tensor<2x1x1x3xf32>) -> tensor<1x2x1x3xf32>
  %y = qcc.reshape %c : tensor<1x2x1x3xf32> -> tensor<1x2x3xf32>
  %q = qcc.quantize %y : tensor<1x2x3xf32> -> tensor<1x2x3x!qy>
  return %q : tensor<1x2x3x!qy>
}

// -----

!qx = !quant.uniform<u8:f32, 5.000000e-01:128>
!qw = !quant.uniform<i8:f32:1, {2.500000e-01, 1.250000e-01}>

// Tests that weights written as quantize(float constant) are quantized at
// compile time (half to even: 0.5 -> 0, -2.5 -> -2; clamped: 400 -> 127) and
// reach the layer as integers.
// CHECK-LABEL: func.func @quantized_float_weights
// CHECK: %[[C:.+]] = qcc.constant dense<{{\[}}[2, 0], [4, -2], [127, 2]]> : tensor<3x2xi8>
// CHECK: %[[W:.+]] = qcc.reshape %[[C]] : tensor<3x2xi8> -> tensor<3x2x!quant.uniform<i8:f32:1, {2.500000e-01,1.250000e-01}>>
// CHECK: qcc.matmul %arg0, %[[W]] : ({{.*}}) -> tensor<1x2xf32>
// CHECK-NOT: qcc.quantize
func.func @quantized_float_weights(%x: tensor<1x3x!qx>) -> tensor<1x2xf32> {
  %xd = qcc.dequantize %x : tensor<1x3x!qx> -> tensor<1x3xf32>
  %w = qcc.constant dense<[[0.5, 0.0625], [1.0, -0.3125], [100.0, 0.3]]> : tensor<3x2xf32>
  %wq = qcc.quantize %w : tensor<3x2xf32> -> tensor<3x2x!qw>
  %wd = qcc.dequantize %wq : tensor<3x2x!qw> -> tensor<3x2xf32>
  %m = qcc.matmul %xd, %wd : (tensor<1x3xf32>, tensor<3x2xf32>) -> tensor<1x2xf32>
  return %m : tensor<1x2xf32>
}

// -----

!qu = !quant.uniform<u8:f32, 5.000000e-01:100>
!qs = !quant.uniform<i8:f32, 5.000000e-01:-28>
!qw = !quant.uniform<i8:f32, 2.500000e-01>

// Tests that a requantize which only shifts u8 storage to s8 (same scale,
// zero point - 128) is read through by dequantize and integer layers.
// CHECK-LABEL: func.func @storage_shift
// CHECK-NOT: qcc.requantize
// CHECK: qcc.dequantize %arg0
// CHECK: qcc.matmul %arg0,
func.func @storage_shift(%x: tensor<2x2x!qu>, %w: tensor<2x2x!qw>) -> (tensor<2x2xf32>, tensor<2x2xf32>) {
  %s = qcc.requantize %x : tensor<2x2x!qu> -> tensor<2x2x!qs>
  %d = qcc.dequantize %s : tensor<2x2x!qs> -> tensor<2x2xf32>
  %m = qcc.matmul %s, %w : (tensor<2x2x!qs>, tensor<2x2x!qw>) -> tensor<2x2xf32>
  return %d, %m : tensor<2x2xf32>, tensor<2x2xf32>
}

// -----

!qa = !quant.uniform<u8:f32, 5.000000e-01:128>

// Tests ONNX Pad's form, a concat with constant borders: zeros (and other
// values on the grid) join the integer concat as stored integers (u8 128 and
// 254 print as i8 -128 and -2); a value off the grid (0.3 at scale 0.5)
// keeps the concat float.
// CHECK-LABEL: func.func @pad
// CHECK-DAG: %[[Z:.+]] = qcc.constant dense<-128> : tensor<1xi8>
// CHECK-DAG: %[[ZQ:.+]] = qcc.reshape %[[Z]] : tensor<1xi8> -> tensor<1x!quant.uniform<u8:f32, 5.000000e-01:128>>
// CHECK-DAG: %[[O:.+]] = qcc.constant dense<-2> : tensor<2xi8>
// CHECK-DAG: %[[OQ:.+]] = qcc.reshape %[[O]] : tensor<2xi8> -> tensor<2x!quant.uniform<u8:f32, 5.000000e-01:128>>
// CHECK: %[[C:.+]] = qcc.concat %[[ZQ]], %arg0, %[[OQ]] {{.*}} -> tensor<5x!quant.uniform<u8:f32, 5.000000e-01:128>>
// CHECK: qcc.dequantize %[[C]]
// CHECK: qcc.concat %{{.+}}, %{{.+}} {{.*}} -> tensor<3xf32>
func.func @pad(%x: tensor<2x!qa>) -> (tensor<5xf32>, tensor<3xf32>) {
  %d = qcc.dequantize %x : tensor<2x!qa> -> tensor<2xf32>
  %z = qcc.constant dense<0.0> : tensor<1xf32>
  %o = qcc.constant dense<63.0> : tensor<2xf32>
  %p = qcc.concat %z, %d, %o {axis = 0 : i64} : (tensor<1xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<5xf32>
  %f = qcc.constant dense<0.3> : tensor<1xf32>
  %q = qcc.concat %f, %d {axis = 0 : i64} : (tensor<1xf32>, tensor<2xf32>) -> tensor<3xf32>
  return %p, %q : tensor<5xf32>, tensor<3xf32>
}

// -----

!qx = !quant.uniform<u8:f32, 5.000000e-01:128>
!qw0 = !quant.uniform<i8:f32:0, {2.500000e-01, 1.250000e-01}>
!qw = !quant.uniform<i8:f32, 2.500000e-01>

// Tests the layers that stay float: a matmul weight quantized along its rows
// (not the output channel), a reduction deep enough to overflow the i32
// accumulator (33026 * 255 * 255 >= 2^31), and a bias too large for i32.
// Their dequantized constant weights fold to float constants.
// CHECK-LABEL: func.func @stays_float
// CHECK: qcc.matmul {{.*}} : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
// CHECK: qcc.matmul {{.*}} : (tensor<1x33026xf32>, tensor<33026x1xf32>) -> tensor<1x1xf32>
// CHECK: qcc.matmul {{.*}} : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
// CHECK-NOT: qcc.reshape
func.func @stays_float(%x: tensor<1x2x!qx>, %xl: tensor<1x33026x!qx>) -> (tensor<1x2xf32>, tensor<1x1xf32>, tensor<1x2xf32>) {
  %xd = qcc.dequantize %x : tensor<1x2x!qx> -> tensor<1x2xf32>
  %wc = qcc.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8>
  %wq = qcc.reshape %wc : tensor<2x2xi8> -> tensor<2x2x!qw0>
  %wd = qcc.dequantize %wq : tensor<2x2x!qw0> -> tensor<2x2xf32>
  %m1 = qcc.matmul %xd, %wd : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  %xld = qcc.dequantize %xl : tensor<1x33026x!qx> -> tensor<1x33026xf32>
  %lc = qcc.constant dense<1> : tensor<33026x1xi8>
  %lq = qcc.reshape %lc : tensor<33026x1xi8> -> tensor<33026x1x!qw>
  %ld = qcc.dequantize %lq : tensor<33026x1x!qw> -> tensor<33026x1xf32>
  %m2 = qcc.matmul %xld, %ld : (tensor<1x33026xf32>, tensor<33026x1xf32>) -> tensor<1x1xf32>
  %pc = qcc.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8>
  %pq = qcc.reshape %pc : tensor<2x2xi8> -> tensor<2x2x!qw>
  %pd = qcc.dequantize %pq : tensor<2x2x!qw> -> tensor<2x2xf32>
  %b = qcc.constant dense<[1.0e9, 0.0]> : tensor<2xf32>
  %m3 = qcc.matmul %xd, %pd, %b : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %m1, %m2, %m3 : tensor<1x2xf32>, tensor<1x1xf32>, tensor<1x2xf32>
}

// -----

!qw = !quant.uniform<i8:f32:1, {2.500000e-01, 1.250000e-01}>

// Tests fold-float-weights=false: the dequantized weight of a float matmul
// (float input: weight-only quantization) stays stored as integers.
// CHECK-LABEL: func.func @weight_only
// KEEP-LABEL: func.func @weight_only
// CHECK: %[[W:.+]] = qcc.constant dense<{{.*}}> : tensor<2x2xf32>
// CHECK: qcc.matmul %arg0, %[[W]]
// KEEP: %[[C:.+]] = qcc.constant dense<{{.*}}> : tensor<2x2xi8>
// KEEP: %[[Q:.+]] = qcc.reshape %[[C]]
// KEEP: %[[D:.+]] = qcc.dequantize %[[Q]]
// KEEP: qcc.matmul %arg0, %[[D]]
func.func @weight_only(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %wc = qcc.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8>
  %wq = qcc.reshape %wc : tensor<2x2xi8> -> tensor<2x2x!qw>
  %wd = qcc.dequantize %wq : tensor<2x2x!qw> -> tensor<2x2xf32>
  %m = qcc.matmul %x, %wd : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %m : tensor<1x2xf32>
}
