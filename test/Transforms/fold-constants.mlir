// RUN: qcc-opt %s --split-input-file --qcc-fold-constants | FileCheck %s

// Tests that a transpose of a small constant is evaluated in place.
// CHECK-LABEL: func.func @transpose_small
// CHECK-NEXT: %[[C:.+]] = qcc.constant dense<{{\[}}[1.000000e+00, 3.000000e+00], [2.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK-NEXT: return %[[C]]
func.func @transpose_small() -> tensor<2x2xf32> {
  %c = qcc.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %t = qcc.transpose %c {perm = array<i64: 1, 0>} : tensor<2x2xf32> -> tensor<2x2xf32>
  return %t : tensor<2x2xf32>
}

// -----

// Tests that a folded weight larger than 16 elements becomes a blob named
// after the ONNX node, holding the transposed bytes.
// CHECK-LABEL: func.func @transpose_weight
// CHECK-NEXT: %[[W:.+]] = qcc.constant dense_resource<fc1.weight> : tensor<3x6xi32>
// CHECK-NEXT: %[[M:.+]] = qcc.matmul %arg0, %[[W]]
// CHECK-NOT: qcc.transpose
// CHECK: fc1.weight: "0x40000000
// CHECK-SAME: 000000000300000006000000090000000C0000000F000000
// CHECK-SAME: 0100000004000000070000000A0000000D00000010000000
// CHECK-SAME: 0200000005000000080000000B0000000E00000011000000"
func.func @transpose_weight(%arg0: tensor<2x3xi32>) -> tensor<2x6xi32> {
  %w = qcc.constant dense<[[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11], [12, 13, 14], [15, 16, 17]]> : tensor<6x3xi32>
  %t = qcc.transpose %w {perm = array<i64: 1, 0>} : tensor<6x3xi32> -> tensor<3x6xi32> loc("fc1.weight")
  %m = qcc.matmul %arg0, %t : (tensor<2x3xi32>, tensor<3x6xi32>) -> tensor<2x6xi32>
  return %m : tensor<2x6xi32>
}

// -----

// Tests unary activations with their ONNX parameters on f32 constants.
// CHECK-LABEL: func.func @unary_activations
// CHECK-DAG: dense<[0.000000e+00, 0.000000e+00, 5.000000e-01, 4.000000e+00]> : tensor<4xf32>
// CHECK-DAG: dense<[-4.000000e-01, -1.000000e-01, 5.000000e-01, 4.000000e+00]> : tensor<4xf32>
// CHECK-DAG: dense<[-1.000000e+00, -1.000000e+00, 5.000000e-01, 2.000000e+00]> : tensor<4xf32>
// CHECK-DAG: dense<[-0.000000e+00, -0.333333343, 0.291666657, 4.000000e+00]> : tensor<4xf32>
// CHECK-DAG: dense<[0.299999952, 7.500000e-01, 0.974999964, 1.000000e+00]> : tensor<4xf32>
// CHECK-DAG: dense<[-1.000000e+00, -1.000000e+00, 1.000000e+00, 1.000000e+00]> : tensor<4xf32>
// CHECK-NOT: qcc.unary
func.func @unary_activations() -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %c = qcc.constant dense<[-4.0, -1.0, 0.5, 4.0]> : tensor<4xf32>
  %0 = qcc.unary relu %c : tensor<4xf32> -> tensor<4xf32>
  %1 = qcc.unary leaky_relu %c {params = array<f32: 0.1>} : tensor<4xf32> -> tensor<4xf32>
  %2 = qcc.unary clip %c {params = array<f32: -1.0, 2.0>} : tensor<4xf32> -> tensor<4xf32>
  %3 = qcc.unary hard_swish %c : tensor<4xf32> -> tensor<4xf32>
  %4 = qcc.unary hard_sigmoid %c {params = array<f32: 0.15, 0.9>} : tensor<4xf32> -> tensor<4xf32>
  %5 = qcc.unary sign %c : tensor<4xf32> -> tensor<4xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests transcendental unary kinds (values rounded once to f32).
// CHECK-LABEL: func.func @unary_math
// CHECK-DAG: dense<[5.000000e-01, 0.731058597, 0.268941432]> : tensor<3xf32>
// CHECK-DAG: dense<[0.000000e+00, 0.841344773, -0.158655256]> : tensor<3xf32>
// CHECK-DAG: dense<[0.000000e+00, 8.411920e-01, -0.158808008]> : tensor<3xf32>
// CHECK-DAG: dense<[0.000000e+00, 1.000000e+00, -0.632120549]> : tensor<3xf32>
// CHECK-DAG: dense<[0.693147182, 1.31326163, 0.313261688]> : tensor<3xf32>
// CHECK-DAG: dense<[0.000000e+00, 1.05070102, -1.11133075]> : tensor<3xf32>
func.func @unary_math() -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %c = qcc.constant dense<[0.0, 1.0, -1.0]> : tensor<3xf32>
  %0 = qcc.unary sigmoid %c : tensor<3xf32> -> tensor<3xf32>
  %1 = qcc.unary gelu %c : tensor<3xf32> -> tensor<3xf32>
  %2 = qcc.unary gelu %c {params = array<f32: 1.0>} : tensor<3xf32> -> tensor<3xf32>
  %3 = qcc.unary elu %c {params = array<f32: 1.0>} : tensor<3xf32> -> tensor<3xf32>
  %4 = qcc.unary softplus %c : tensor<3xf32> -> tensor<3xf32>
  %5 = qcc.unary selu %c {params = array<f32: 1.67326319, 1.05070102>} : tensor<3xf32> -> tensor<3xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// Tests that round is half to even and floor/ceil/neg/abs/reciprocal are exact.
// CHECK-LABEL: func.func @unary_rounding
// CHECK-DAG: dense<[-2.000000e+00, -0.000000e+00, 0.000000e+00, 2.000000e+00, 2.000000e+00]> : tensor<5xf32>
// CHECK-DAG: dense<[-3.000000e+00, -1.000000e+00, 0.000000e+00, 1.000000e+00, 2.000000e+00]> : tensor<5xf32>
// CHECK-DAG: dense<[-2.000000e+00, -0.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<5xf32>
// CHECK-DAG: dense<[2.500000e+00, 5.000000e-01, -5.000000e-01, -1.500000e+00, -2.500000e+00]> : tensor<5xf32>
// CHECK-DAG: dense<[-4.000000e-01, -2.000000e+00, 2.000000e+00, 0.666666686, 4.000000e-01]> : tensor<5xf32>
func.func @unary_rounding() -> (tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>) {
  %c = qcc.constant dense<[-2.5, -0.5, 0.5, 1.5, 2.5]> : tensor<5xf32>
  %0 = qcc.unary round %c : tensor<5xf32> -> tensor<5xf32>
  %1 = qcc.unary floor %c : tensor<5xf32> -> tensor<5xf32>
  %2 = qcc.unary ceil %c : tensor<5xf32> -> tensor<5xf32>
  %3 = qcc.unary neg %c : tensor<5xf32> -> tensor<5xf32>
  %4 = qcc.unary reciprocal %c : tensor<5xf32> -> tensor<5xf32>
  return %0, %1, %2, %3, %4 : tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>
}

// -----

// Tests unary kinds on integers and booleans (exact, with clip bounds
// rounded inward).
// CHECK-LABEL: func.func @unary_int
// CHECK-DAG: dense<[0, 0, 3, 9]> : tensor<4xi64>
// CHECK-DAG: dense<[-1, -1, 2, 2]> : tensor<4xi64>
// CHECK-DAG: dense<[7, 1, -3, -9]> : tensor<4xi64>
// CHECK-DAG: dense<[-1, -1, 1, 1]> : tensor<4xi64>
// CHECK-DAG: dense<[false, true]> : tensor<2xi1>
// CHECK-DAG: dense<[-128, 127, 1, 0]> : tensor<4xi8>
func.func @unary_int() -> (tensor<4xi64>, tensor<4xi64>, tensor<4xi64>, tensor<4xi64>, tensor<2xi1>, tensor<4xi8>) {
  %c = qcc.constant dense<[-7, -1, 3, 9]> : tensor<4xi64>
  %0 = qcc.unary relu %c : tensor<4xi64> -> tensor<4xi64>
  %1 = qcc.unary clip %c {params = array<f32: -1.5, 2.5>} : tensor<4xi64> -> tensor<4xi64>
  %2 = qcc.unary neg %c : tensor<4xi64> -> tensor<4xi64>
  %3 = qcc.unary sign %c : tensor<4xi64> -> tensor<4xi64>
  %b = qcc.constant dense<[true, false]> : tensor<2xi1>
  %4 = qcc.unary not %b : tensor<2xi1> -> tensor<2xi1>
  %i8 = qcc.constant dense<[-128, -127, -1, 0]> : tensor<4xi8>
  %5 = qcc.unary abs %i8 : tensor<4xi8> -> tensor<4xi8>
  return %0, %1, %2, %3, %4, %5 : tensor<4xi64>, tensor<4xi64>, tensor<4xi64>, tensor<4xi64>, tensor<2xi1>, tensor<4xi8>
}

// -----

// Tests integer division (truncation toward zero), ONNX Mod with fmod=0
// (sign of the divisor) and fmod=1 (sign of the dividend).
// CHECK-LABEL: func.func @binary_int_division
// CHECK-DAG: dense<[-3, -3, 3, 3]> : tensor<4xi32>
// CHECK-DAG: dense<[1, -1, -1, 1]> : tensor<4xi32>
// CHECK-DAG: dense<[-1, 1, -1, 1]> : tensor<4xi32>
func.func @binary_int_division() -> (tensor<4xi32>, tensor<4xi32>, tensor<4xi32>) {
  %a = qcc.constant dense<[-7, 7, -7, 7]> : tensor<4xi32>
  %b = qcc.constant dense<[2, -2, -2, 2]> : tensor<4xi32>
  %0 = qcc.binary div %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %1 = qcc.binary mod %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %2 = qcc.binary fmod %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0, %1, %2 : tensor<4xi32>, tensor<4xi32>, tensor<4xi32>
}

// -----

// Tests that int64 arithmetic is exact beyond 2^53 and wraps like two's
// complement, and that integer pow is exact.
// CHECK-LABEL: func.func @binary_int64_exact
// CHECK-DAG: dense<[9007199254740993, -9223372036854775808]> : tensor<2xi64>
// CHECK-DAG: dense<[1024, 0]> : tensor<2xi64>
func.func @binary_int64_exact() -> (tensor<2xi64>, tensor<2xi64>) {
  %a = qcc.constant dense<[9007199254740992, 9223372036854775807]> : tensor<2xi64>
  %one = qcc.constant dense<1> : tensor<2xi64>
  %0 = qcc.binary add %a, %one : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  %b = qcc.constant dense<[2, 3]> : tensor<2xi64>
  %e = qcc.constant dense<[10, -2]> : tensor<2xi64>
  %1 = qcc.binary pow %b, %e : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  return %0, %1 : tensor<2xi64>, tensor<2xi64>
}

// -----

// Tests float binary kinds with numpy broadcasting ([2,1] with [3]).
// CHECK-LABEL: func.func @binary_float_broadcast
// CHECK-DAG: dense<{{\[}}[1.100000e+01, 2.100000e+01, 3.100000e+01], [1.200000e+01, 2.200000e+01, 3.200000e+01]]> : tensor<2x3xf32>
// CHECK-DAG: dense<{{\[}}[1.000000e+01, 2.000000e+01, 3.000000e+01], [2.000000e+01, 4.000000e+01, 6.000000e+01]]> : tensor<2x3xf32>
// CHECK-DAG: dense<{{\[}}[1.000000e-01, 5.000000e-02, 0.0333333351], [2.000000e-01, 1.000000e-01, 0.0666666701]]> : tensor<2x3xf32>
// CHECK-DAG: dense<{{\[}}[1.000000e+00, 1.000000e+00, 1.000000e+00], [2.000000e+00, 2.000000e+00, 2.000000e+00]]> : tensor<2x3xf32>
func.func @binary_float_broadcast() -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %a = qcc.constant dense<[[1.0], [2.0]]> : tensor<2x1xf32>
  %b = qcc.constant dense<[10.0, 20.0, 30.0]> : tensor<3xf32>
  %0 = qcc.binary add %a, %b : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = qcc.binary mul %a, %b : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %2 = qcc.binary div %a, %b : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %3 = qcc.binary min %a, %b : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0, %1, %2, %3 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// Tests float mod (sign of the divisor), fmod, pow and max.
// CHECK-LABEL: func.func @binary_float_misc
// CHECK-DAG: dense<[5.000000e-01, -5.000000e-01, 1.500000e+00]> : tensor<3xf32>
// CHECK-DAG: dense<[-1.500000e+00, 1.500000e+00, 1.500000e+00]> : tensor<3xf32>
// CHECK-DAG: dense<[5.625000e+01, 0.0177777782, 5.625000e+01]> : tensor<3xf32>
// CHECK-DAG: dense<[2.000000e+00, 7.500000e+00, 7.500000e+00]> : tensor<3xf32>
func.func @binary_float_misc() -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %a = qcc.constant dense<[-7.5, 7.5, 7.5]> : tensor<3xf32>
  %b = qcc.constant dense<[2.0, -2.0, 2.0]> : tensor<3xf32>
  %0 = qcc.binary mod %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %1 = qcc.binary fmod %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %2 = qcc.binary pow %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %3 = qcc.binary max %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0, %1, %2, %3 : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// Tests comparisons (i1 results) and logical kinds on booleans.
// CHECK-LABEL: func.func @binary_predicates
// CHECK-DAG: dense<[true, false, false]> : tensor<3xi1>
// CHECK-DAG: dense<[true, true, false]> : tensor<3xi1>
// CHECK-DAG: dense<[false, false, true]> : tensor<3xi1>
// CHECK-DAG: dense<[false, true, true]> : tensor<3xi1>
func.func @binary_predicates() -> (tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>) {
  %a = qcc.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %b = qcc.constant dense<2.0> : tensor<f32>
  %0 = qcc.binary less %a, %b : (tensor<3xf32>, tensor<f32>) -> tensor<3xi1>
  %1 = qcc.binary less_equal %a, %b : (tensor<3xf32>, tensor<f32>) -> tensor<3xi1>
  %2 = qcc.binary greater %a, %b : (tensor<3xf32>, tensor<f32>) -> tensor<3xi1>
  %p = qcc.constant dense<[true, false, true]> : tensor<3xi1>
  %q = qcc.constant dense<[true, true, false]> : tensor<3xi1>
  %3 = qcc.binary xor %p, %q : (tensor<3xi1>, tensor<3xi1>) -> tensor<3xi1>
  return %0, %1, %2, %3 : tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>
}

// -----

// Tests that integer division by zero is left unfolded.
// CHECK-LABEL: func.func @binary_div_by_zero
// CHECK: qcc.binary div
func.func @binary_div_by_zero() -> tensor<2xi32> {
  %a = qcc.constant dense<[4, 5]> : tensor<2xi32>
  %b = qcc.constant dense<[2, 0]> : tensor<2xi32>
  %0 = qcc.binary div %a, %b : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

// Tests that ops with a non-constant operand are not evaluated.
// CHECK-LABEL: func.func @not_constant
// CHECK: qcc.transpose %arg0
// CHECK: qcc.binary add %{{.+}}, %arg0
func.func @not_constant(%arg0: tensor<2x2xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>) {
  %c = qcc.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %t = qcc.transpose %arg0 {perm = array<i64: 1, 0>} : tensor<2x2xf32> -> tensor<2x2xf32>
  %a = qcc.binary add %c, %arg0 : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return %t, %a : tensor<2x2xf32>, tensor<2x2xf32>
}

// -----

// Tests ONNX Cast semantics: float to int truncates toward zero, to bool is
// x != 0, bool to float is 0/1, int64 to f32 rounds once to nearest even.
// CHECK-LABEL: func.func @cast
// CHECK-DAG: dense<[-1, 2, 0, 3]> : tensor<4xi32>
// CHECK-DAG: dense<[true, true, false, true]> : tensor<4xi1>
// CHECK-DAG: dense<[1.000000e+00, 0.000000e+00]> : tensor<2xf32>
// CHECK-DAG: dense<[16777216, 16777220]> : tensor<2xi64>
// CHECK-DAG: dense<[-56, 44]> : tensor<2xi8>
func.func @cast() -> (tensor<4xi32>, tensor<4xi1>, tensor<2xf32>, tensor<2xi64>, tensor<2xi8>) {
  %f = qcc.constant dense<[-1.7, 2.9, 0.0, 3.0]> : tensor<4xf32>
  %0 = qcc.cast %f : tensor<4xf32> -> tensor<4xi32>
  %1 = qcc.cast %f : tensor<4xf32> -> tensor<4xi1>
  %b = qcc.constant dense<[true, false]> : tensor<2xi1>
  %2 = qcc.cast %b : tensor<2xi1> -> tensor<2xf32>
  // 16777217 is a tie between two f32 values (rounds to even 16777216);
  // 16777219 rounds up to 16777220.
  %i = qcc.constant dense<[16777217, 16777219]> : tensor<2xi64>
  %fi = qcc.cast %i : tensor<2xi64> -> tensor<2xf32>
  %3 = qcc.cast %fi : tensor<2xf32> -> tensor<2xi64>
  %w = qcc.constant dense<[200, 300]> : tensor<2xi32>
  %4 = qcc.cast %w : tensor<2xi32> -> tensor<2xi8>
  return %0, %1, %2, %3, %4 : tensor<4xi32>, tensor<4xi1>, tensor<2xf32>, tensor<2xi64>, tensor<2xi8>
}

// -----

// Tests reshape, concat, slice with negative steps and gather with negative
// indices on constants.
// CHECK-LABEL: func.func @data_movement
// CHECK-DAG: dense<{{\[}}[0, 1, 2], [3, 4, 5]]> : tensor<2x3xi64>
// CHECK-DAG: dense<{{\[}}[0, 1, 2, 0, 1], [3, 4, 5, 6, 7]]> : tensor<2x5xi64>
// CHECK-DAG: dense<{{\[}}[5, 3], [2, 0]]> : tensor<2x2xi64>
// CHECK-DAG: dense<{{\[}}[2, 0], [5, 3]]> : tensor<2x2xi64>
// CHECK-NOT: qcc.reshape
// CHECK-NOT: qcc.concat
// CHECK-NOT: qcc.slice
// CHECK-NOT: qcc.gather
func.func @data_movement() -> (tensor<2x3xi64>, tensor<2x5xi64>, tensor<2x2xi64>, tensor<2x2xi64>) {
  %c = qcc.constant dense<[0, 1, 2, 3, 4, 5]> : tensor<6xi64>
  %0 = qcc.reshape %c : tensor<6xi64> -> tensor<2x3xi64>
  %d = qcc.constant dense<[[0, 1], [6, 7]]> : tensor<2x2xi64>
  %1 = qcc.concat %0, %d {axis = 1 : i64} : (tensor<2x3xi64>, tensor<2x2xi64>) -> tensor<2x5xi64>
  %2 = qcc.slice %0 {starts = array<i64: 1, 2>, steps = array<i64: -1, -2>} : tensor<2x3xi64> -> tensor<2x2xi64>
  %idx = qcc.constant dense<[-1, 0]> : tensor<2xi32>
  %3 = qcc.gather %0, %idx {axis = 1 : i64} : (tensor<2x3xi64>, tensor<2xi32>) -> tensor<2x2xi64>
  return %0, %1, %2, %3 : tensor<2x3xi64>, tensor<2x5xi64>, tensor<2x2xi64>, tensor<2x2xi64>
}

// -----

// Tests reductions over one and several axes, with and without keepdims.
// CHECK-LABEL: func.func @reduce
// CHECK-DAG: dense<[5.000000e+00, 7.000000e+00, 9.000000e+00]> : tensor<3xf32>
// CHECK-DAG: dense<{{\[}}[2.000000e+00], [5.000000e+00]]> : tensor<2x1xf32>
// CHECK-DAG: dense<6.000000e+00> : tensor<f32>
// CHECK-DAG: dense<7.200000e+02> : tensor<1x1xf32>
// CHECK-DAG: dense<[3.7416575, 8.77496433]> : tensor<2xf32>
// CHECK-DAG: dense<[3.40760589, 6.40760612]> : tensor<2xf32>
// CHECK-DAG: dense<[5, 7, 9]> : tensor<3xi32>
// CHECK-DAG: dense<[1, 4]> : tensor<2xi32>
// CHECK-NOT: qcc.reduce
func.func @reduce() -> (tensor<3xf32>, tensor<2x1xf32>, tensor<f32>, tensor<1x1xf32>, tensor<2xf32>, tensor<2xf32>, tensor<3xi32>, tensor<2xi32>) {
  %c = qcc.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %0 = qcc.reduce sum %c {axes = array<i64: 0>, keepdims = false} : tensor<2x3xf32> -> tensor<3xf32>
  %1 = qcc.reduce mean %c {axes = array<i64: 1>} : tensor<2x3xf32> -> tensor<2x1xf32>
  %2 = qcc.reduce max %c {axes = array<i64: 0, 1>, keepdims = false} : tensor<2x3xf32> -> tensor<f32>
  %3 = qcc.reduce prod %c {axes = array<i64: 0, 1>} : tensor<2x3xf32> -> tensor<1x1xf32>
  %4 = qcc.reduce l2 %c {axes = array<i64: 1>, keepdims = false} : tensor<2x3xf32> -> tensor<2xf32>
  %5 = qcc.reduce log_sum_exp %c {axes = array<i64: 1>, keepdims = false} : tensor<2x3xf32> -> tensor<2xf32>
  %i = qcc.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi32>
  %6 = qcc.reduce sum %i {axes = array<i64: 0>, keepdims = false} : tensor<2x3xi32> -> tensor<3xi32>
  %7 = qcc.reduce min %i {axes = array<i64: 1>, keepdims = false} : tensor<2x3xi32> -> tensor<2xi32>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<3xf32>, tensor<2x1xf32>, tensor<f32>, tensor<1x1xf32>, tensor<2xf32>, tensor<2xf32>, tensor<3xi32>, tensor<2xi32>
}

// -----

// Tests that a shape computation chain (gather, concat, cast, mul) collapses
// into one constant and the intermediate constants are erased.
// CHECK-LABEL: func.func @shape_chain
// CHECK-NEXT: %[[S:.+]] = qcc.constant dense<[1, 48]> : tensor<2xi64>
// CHECK-NEXT: return %[[S]]
func.func @shape_chain() -> tensor<2xi64> {
  %shape = qcc.constant dense<[1, 3, 4, 4]> : tensor<4xi64>
  %i0 = qcc.constant dense<[0]> : tensor<1xi64>
  %n = qcc.gather %shape, %i0 {axis = 0 : i64} : (tensor<4xi64>, tensor<1xi64>) -> tensor<1xi64>
  %rest = qcc.slice %shape {starts = array<i64: 1>, steps = array<i64: 1>} : tensor<4xi64> -> tensor<3xi64>
  %prod = qcc.reduce prod %rest {axes = array<i64: 0>} : tensor<3xi64> -> tensor<1xi64>
  %s = qcc.concat %n, %prod {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  return %s : tensor<2xi64>
}

// -----

// Tests that splat operands give splat results without expanding them.
// CHECK-LABEL: func.func @splat
// CHECK-NEXT: %[[C:.+]] = qcc.constant dense<3.000000e+00> : tensor<64x64xf32>
// CHECK-NEXT: return %[[C]]
func.func @splat() -> tensor<64x64xf32> {
  %a = qcc.constant dense<1.0> : tensor<64x64xf32>
  %b = qcc.constant dense<2.0> : tensor<64xf32>
  %0 = qcc.binary add %a, %b : (tensor<64x64xf32>, tensor<64xf32>) -> tensor<64x64xf32>
  %1 = qcc.transpose %0 {perm = array<i64: 1, 0>} : tensor<64x64xf32> -> tensor<64x64xf32>
  return %1 : tensor<64x64xf32>
}

// -----

// Tests the remaining float unary kinds.
// CHECK-LABEL: func.func @unary_more
// CHECK-DAG: dense<[0.244918659, 0.761594176, 0.999329328]> : tensor<3xf32>
// CHECK-DAG: dense<[5.000000e-01, 1.000000e+00, 2.000000e+00]> : tensor<3xf32>
// CHECK-DAG: dense<[1.28402543, 2.71828175, 54.5981483]> : tensor<3xf32>
// CHECK-DAG: dense<[-1.38629436, 0.000000e+00, 1.38629436]> : tensor<3xf32>
// CHECK-DAG: dense<[0.276326388, 0.842700779, 1.000000e+00]> : tensor<3xf32>
// CHECK-DAG: dense<[2.000000e-01, 5.000000e-01, 8.000000e-01]> : tensor<3xf32>
// CHECK-DAG: dense<[2.500000e-01, 1.000000e+00, 4.000000e+00]> : tensor<3xf32>
// CHECK-NOT: qcc.unary
func.func @unary_more() -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %c = qcc.constant dense<[0.25, 1.0, 4.0]> : tensor<3xf32>
  %0 = qcc.unary tanh %c : tensor<3xf32> -> tensor<3xf32>
  %1 = qcc.unary sqrt %c : tensor<3xf32> -> tensor<3xf32>
  %2 = qcc.unary exp %c : tensor<3xf32> -> tensor<3xf32>
  %3 = qcc.unary log %c : tensor<3xf32> -> tensor<3xf32>
  %4 = qcc.unary erf %c : tensor<3xf32> -> tensor<3xf32>
  %5 = qcc.unary softsign %c : tensor<3xf32> -> tensor<3xf32>
  %n = qcc.constant dense<[-0.25, -1.0, -4.0]> : tensor<3xf32>
  %6 = qcc.unary abs %n : tensor<3xf32> -> tensor<3xf32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// Tests that f16 and bf16 results are rounded once from the exact value,
// and that unsigned integers compare, divide and wrap as unsigned.
// CHECK-LABEL: func.func @narrow_types
// CHECK-DAG: dense<[1.000000e+00, 1.000980e+00]> : tensor<2xf16>
// CHECK-DAG: dense<[3.000000e+00, 3.140630e+00]> : tensor<2xbf16>
// CHECK-DAG: dense<[true, false]> : tensor<2xi1>
// CHECK-DAG: dense<[125, 0]> : tensor<2xui8>
// CHECK-DAG: dense<244> : tensor<2xui8>
func.func @narrow_types() -> (tensor<2xf16>, tensor<2xbf16>, tensor<2xi1>, tensor<2xui8>, tensor<2xui8>) {
  %h = qcc.constant dense<[1.0, 1.0]> : tensor<2xf16>
  %e = qcc.constant dense<[0.0, 0.000977]> : tensor<2xf16>
  %0 = qcc.binary add %h, %e : (tensor<2xf16>, tensor<2xf16>) -> tensor<2xf16>
  %f = qcc.constant dense<[3.0, 3.14159265]> : tensor<2xf32>
  %1 = qcc.cast %f : tensor<2xf32> -> tensor<2xbf16>
  %a = qcc.constant dense<[250, 2]> : tensor<2xui8>
  %b = qcc.constant dense<[2, 250]> : tensor<2xui8>
  %2 = qcc.binary greater %a, %b : (tensor<2xui8>, tensor<2xui8>) -> tensor<2xi1>
  %3 = qcc.binary div %a, %b : (tensor<2xui8>, tensor<2xui8>) -> tensor<2xui8>
  %4 = qcc.binary mul %a, %b : (tensor<2xui8>, tensor<2xui8>) -> tensor<2xui8>
  return %0, %1, %2, %3, %4 : tensor<2xf16>, tensor<2xbf16>, tensor<2xi1>, tensor<2xui8>, tensor<2xui8>
}
