// RUN: qcc-opt %s --split-input-file | qcc-opt --split-input-file | FileCheck %s
// RUN: qcc-opt %s --split-input-file --mlir-print-op-generic | qcc-opt --split-input-file | FileCheck %s

// Tests that arg_reduce round-trips with and without its optional flags.
// CHECK-LABEL: func.func @arg_reduce
// CHECK: qcc.arg_reduce max %arg0 {axis = 1 : i64, keepdims = false} : tensor<2x5xf32> -> tensor<2xi64>
// CHECK: qcc.arg_reduce min %arg1 {axis = 0 : i64, select_last_index = true} : tensor<4xi32> -> tensor<1xi64>
func.func @arg_reduce(%arg0: tensor<2x5xf32>, %arg1: tensor<4xi32>) -> (tensor<2xi64>, tensor<1xi64>) {
  %0 = qcc.arg_reduce max %arg0 {axis = 1 : i64, keepdims = false} : tensor<2x5xf32> -> tensor<2xi64>
  %1 = qcc.arg_reduce min %arg1 {axis = 0 : i64, select_last_index = true} : tensor<4xi32> -> tensor<1xi64>
  return %0, %1 : tensor<2xi64>, tensor<1xi64>
}

// -----

// Tests that top_k round-trips with its two results.
// CHECK-LABEL: func.func @top_k
// CHECK: %[[V:.+]], %[[I:.+]] = qcc.top_k %arg0 {axis = 1 : i64, k = 3 : i64, largest = false} : tensor<2x8xf32> -> tensor<2x3xf32>, tensor<2x3xi64>
// CHECK: return %[[V]], %[[I]]
func.func @top_k(%arg0: tensor<2x8xf32>) -> (tensor<2x3xf32>, tensor<2x3xi64>) {
  %v, %i = qcc.top_k %arg0 {axis = 1 : i64, k = 3 : i64, largest = false} : tensor<2x8xf32> -> tensor<2x3xf32>, tensor<2x3xi64>
  return %v, %i : tensor<2x3xf32>, tensor<2x3xi64>
}

// -----

// Tests that cumsum round-trips.
// CHECK-LABEL: func.func @cumsum
// CHECK: qcc.cumsum %arg0 {axis = 0 : i64, exclusive = true, reverse = true} : tensor<5x2xi64>
func.func @cumsum(%arg0: tensor<5x2xi64>) -> tensor<5x2xi64> {
  %0 = qcc.cumsum %arg0 {axis = 0 : i64, exclusive = true, reverse = true} : tensor<5x2xi64>
  return %0 : tensor<5x2xi64>
}

// -----

// Tests that scatter round-trips with and without a combine kind.
// CHECK-LABEL: func.func @scatter
// CHECK: qcc.scatter %arg0, %arg1, %arg2 {combine = #qcc<binary mul>} : (tensor<8x4xf32>, tensor<3xi64>, tensor<3x4xf32>) -> tensor<8x4xf32>
// CHECK: qcc.scatter %arg0, %arg1, %arg2 : (tensor<8x4xf32>, tensor<3xi64>, tensor<3x4xf32>) -> tensor<8x4xf32>
func.func @scatter(%arg0: tensor<8x4xf32>, %arg1: tensor<3xi64>, %arg2: tensor<3x4xf32>) -> (tensor<8x4xf32>, tensor<8x4xf32>) {
  %0 = qcc.scatter %arg0, %arg1, %arg2 {combine = #qcc<binary mul>} : (tensor<8x4xf32>, tensor<3xi64>, tensor<3x4xf32>) -> tensor<8x4xf32>
  %1 = qcc.scatter %arg0, %arg1, %arg2 : (tensor<8x4xf32>, tensor<3xi64>, tensor<3x4xf32>) -> tensor<8x4xf32>
  return %0, %1 : tensor<8x4xf32>, tensor<8x4xf32>
}
