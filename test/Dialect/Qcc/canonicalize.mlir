// RUN: qcc-opt %s --split-input-file --canonicalize | FileCheck %s

// Tests that adding or subtracting a zero splat and multiplying or dividing
// by a one splat fold to the other operand.
// CHECK-LABEL: func.func @arith_identities
// CHECK-NEXT: return %arg0, %arg0, %arg0, %arg0, %arg0
func.func @arith_identities(%arg0: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %zero = qcc.constant dense<0.0> : tensor<3xf32>
  %one = qcc.constant dense<1.0> : tensor<f32>
  %0 = qcc.binary add %arg0, %zero : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = qcc.binary add %zero, %arg0 : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = qcc.binary sub %arg0, %zero : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %3 = qcc.binary mul %one, %arg0 : (tensor<f32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %4 = qcc.binary div %arg0, %one : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  return %0, %1, %2, %3, %4 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// Tests that identities do not fold when the constant broadcasts the other
// operand to a larger result, or is not uniform, or is on the wrong side.
// CHECK-LABEL: func.func @arith_non_identities
// CHECK: qcc.binary add %arg0
// CHECK: qcc.binary mul %arg0
// CHECK: qcc.binary sub %{{.+}}, %arg0
// CHECK: qcc.binary div %{{.+}}, %arg0
func.func @arith_non_identities(%arg0: tensor<3xf32>) -> (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %zero = qcc.constant dense<0.0> : tensor<2x3xf32>
  %mixed = qcc.constant dense<[1.0, 2.0, 1.0]> : tensor<3xf32>
  %one = qcc.constant dense<1.0> : tensor<3xf32>
  %0 = qcc.binary add %arg0, %zero : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = qcc.binary mul %arg0, %mixed : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %2 = qcc.binary sub %zero, %arg0 : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %3 = qcc.binary div %one, %arg0 : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %s = qcc.slice %2 {starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : tensor<2x3xf32> -> tensor<1x3xf32>
  %r = qcc.reshape %s : tensor<1x3xf32> -> tensor<3xf32>
  return %0, %1, %r, %3 : tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// Tests that integer identities use the same rules.
// CHECK-LABEL: func.func @int_identities
// CHECK-NEXT: return %arg0, %arg0
func.func @int_identities(%arg0: tensor<4xi64>) -> (tensor<4xi64>, tensor<4xi64>) {
  %zero = qcc.constant dense<0> : tensor<1xi64>
  %one = qcc.constant dense<1> : tensor<4xi64>
  %0 = qcc.binary sub %arg0, %zero : (tensor<4xi64>, tensor<1xi64>) -> tensor<4xi64>
  %1 = qcc.binary mul %arg0, %one : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  return %0, %1 : tensor<4xi64>, tensor<4xi64>
}

// -----

// Tests that reshape(reshape(x)) becomes one reshape, and disappears when
// it restores the original type.
// CHECK-LABEL: func.func @reshape_reshape
// CHECK-NEXT: %[[R:.+]] = qcc.reshape %arg0 : tensor<2x3x4xf32> -> tensor<24xf32>
// CHECK-NEXT: return %[[R]], %arg0
func.func @reshape_reshape(%arg0: tensor<2x3x4xf32>) -> (tensor<24xf32>, tensor<2x3x4xf32>) {
  %0 = qcc.reshape %arg0 : tensor<2x3x4xf32> -> tensor<6x4xf32>
  %1 = qcc.reshape %0 : tensor<6x4xf32> -> tensor<24xf32>
  %2 = qcc.reshape %1 : tensor<24xf32> -> tensor<2x3x4xf32>
  return %1, %2 : tensor<24xf32>, tensor<2x3x4xf32>
}

// -----

// Tests that identity data movement folds away.
// CHECK-LABEL: func.func @identity_data_movement
// CHECK-NEXT: return %arg0, %arg0, %arg0, %arg0, %arg0
func.func @identity_data_movement(%arg0: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = qcc.reshape %arg0 : tensor<2x3xf32> -> tensor<2x3xf32>
  %1 = qcc.transpose %arg0 {perm = array<i64: 0, 1>} : tensor<2x3xf32> -> tensor<2x3xf32>
  %2 = qcc.concat %arg0 {axis = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = qcc.slice %arg0 {starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : tensor<2x3xf32> -> tensor<2x3xf32>
  %4 = qcc.cast %arg0 : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0, %1, %2, %3, %4 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// Tests that two transposes compose into one, and cancel when inverse.
// CHECK-LABEL: func.func @transpose_transpose
// CHECK-NEXT: %[[T:.+]] = qcc.transpose %arg0 {perm = array<i64: 2, 0, 1>} : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
// CHECK-NEXT: return %[[T]], %arg0
func.func @transpose_transpose(%arg0: tensor<2x3x4xf32>) -> (tensor<4x2x3xf32>, tensor<2x3x4xf32>) {
  %0 = qcc.transpose %arg0 {perm = array<i64: 1, 0, 2>} : tensor<2x3x4xf32> -> tensor<3x2x4xf32>
  %1 = qcc.transpose %0 {perm = array<i64: 2, 1, 0>} : tensor<3x2x4xf32> -> tensor<4x2x3xf32>
  %2 = qcc.transpose %0 {perm = array<i64: 1, 0, 2>} : tensor<3x2x4xf32> -> tensor<2x3x4xf32>
  return %1, %2 : tensor<4x2x3xf32>, tensor<2x3x4xf32>
}

// -----

// Tests that unary ops on constants fold under canonicalization too.
// CHECK-LABEL: func.func @unary_constant
// CHECK-NEXT: %[[C:.+]] = qcc.constant dense<[0.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK-NEXT: return %[[C]]
func.func @unary_constant() -> tensor<2xf32> {
  %c = qcc.constant dense<[-1.0, 2.0]> : tensor<2xf32>
  %0 = qcc.unary relu %c : tensor<2xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
