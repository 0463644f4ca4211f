// RUN: qcc-opt %s --split-input-file --verify-diagnostics

// Tests that arg_reduce only takes max and min.
func.func @arg_reduce_kind(%x: tensor<4xf32>) {
  // expected-error @+1 {{kind must be max or min, got 'sum'}}
  %0 = qcc.arg_reduce sum %x {axis = 0 : i64} : tensor<4xf32> -> tensor<1xi64>
  return
}

// -----

// Tests that the arg_reduce axis must be in range.
func.func @arg_reduce_axis(%x: tensor<4xf32>) {
  // expected-error @+1 {{axis 1 out of range for rank 1}}
  %0 = qcc.arg_reduce max %x {axis = 1 : i64} : tensor<4xf32> -> tensor<1xi64>
  return
}

// -----

// Tests that arg_reduce produces i64.
func.func @arg_reduce_i32(%x: tensor<4xf32>) {
  // expected-error @+1 {{result must have i64 elements}}
  %0 = qcc.arg_reduce max %x {axis = 0 : i64} : tensor<4xf32> -> tensor<1xi32>
  return
}

// -----

// Tests that the arg_reduce result shape follows keepdims.
func.func @arg_reduce_shape(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{result shape does not match the reduction}}
  %0 = qcc.arg_reduce max %x {axis = 1 : i64, keepdims = false} : tensor<2x4xf32> -> tensor<2x1xi64>
  return
}

// -----

// Tests that top_k's k must fit the axis.
func.func @top_k_k(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{k = 5 is not in [0, 4]}}
  %v, %i = qcc.top_k %x {axis = 1 : i64, k = 5 : i64} : tensor<2x4xf32> -> tensor<2x5xf32>, tensor<2x5xi64>
  return
}

// -----

// Tests that top_k results have k elements along the axis.
func.func @top_k_shape(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{result shapes do not match k along the axis}}
  %v, %i = qcc.top_k %x {axis = 1 : i64, k = 2 : i64} : tensor<2x4xf32> -> tensor<2x2xf32>, tensor<2x3xi64>
  return
}

// -----

// Tests that top_k values keep the input's element type.
func.func @top_k_type(%x: tensor<4xf32>) {
  // expected-error @+1 {{values must have the input's element type}}
  %v, %i = qcc.top_k %x {axis = 0 : i64, k = 2 : i64} : tensor<4xf32> -> tensor<2xf16>, tensor<2xi64>
  return
}

// -----

// Tests that top_k indices are i64.
func.func @top_k_indices(%x: tensor<4xf32>) {
  // expected-error @+1 {{indices must have i64 elements}}
  %v, %i = qcc.top_k %x {axis = 0 : i64, k = 2 : i64} : tensor<4xf32> -> tensor<2xf32>, tensor<2xi32>
  return
}

// -----

// Tests that the cumsum axis must be in range.
func.func @cumsum_axis(%x: tensor<4xf32>) {
  // expected-error @+1 {{axis 2 out of range for rank 1}}
  %0 = qcc.cumsum %x {axis = 2 : i64} : tensor<4xf32>
  return
}

// -----

// Tests that cumsum needs numbers.
func.func @cumsum_bool(%x: tensor<4xi1>) {
  // expected-error @+1 {{input must have integer or float elements}}
  %0 = qcc.cumsum %x {axis = 0 : i64} : tensor<4xi1>
  return
}

// -----

// Tests that scatter indices are integers.
func.func @scatter_indices(%d: tensor<8xf32>, %i: tensor<2xf32>, %u: tensor<2xf32>) {
  // expected-error @+1 {{indices must be integers}}
  %0 = qcc.scatter %d, %i, %u : (tensor<8xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<8xf32>
  return
}

// -----

// Tests that scatter updates have the indices' shape plus the data's
// trailing dimensions.
func.func @scatter_updates(%d: tensor<8x4xf32>, %i: tensor<2xi64>, %u: tensor<2x3xf32>) {
  // expected-error @+1 {{updates shape must be indices shape followed by the data's trailing dimensions}}
  %0 = qcc.scatter %d, %i, %u : (tensor<8x4xf32>, tensor<2xi64>, tensor<2x3xf32>) -> tensor<8x4xf32>
  return
}

// -----

// Tests that scatter updates have the data's element type.
func.func @scatter_elem(%d: tensor<8xf32>, %i: tensor<2xi64>, %u: tensor<2xi32>) {
  // expected-error @+1 {{updates must have the data's element type}}
  %0 = qcc.scatter %d, %i, %u : (tensor<8xf32>, tensor<2xi64>, tensor<2xi32>) -> tensor<8xf32>
  return
}

// -----

// Tests that the scatter result has the data's type.
func.func @scatter_result(%d: tensor<8xf32>, %i: tensor<2xi64>, %u: tensor<2xf32>) {
  // expected-error @+1 {{result type must be the data's type}}
  %0 = qcc.scatter %d, %i, %u : (tensor<8xf32>, tensor<2xi64>, tensor<2xf32>) -> tensor<9xf32>
  return
}

// -----

// Tests that scatter only combines with add, mul, max and min.
func.func @scatter_combine(%d: tensor<8xf32>, %i: tensor<2xi64>, %u: tensor<2xf32>) {
  // expected-error @+1 {{combine must be add, mul, max or min, got 'sub'}}
  %0 = qcc.scatter %d, %i, %u {combine = #qcc<binary sub>} : (tensor<8xf32>, tensor<2xi64>, tensor<2xf32>) -> tensor<8xf32>
  return
}
