// RUN: qcc-opt %s --split-input-file --verify-diagnostics | FileCheck %s

// Tests that the storage shapes of both orientations round-trip: axis 0
// ([R, Kp/2], [R, Kp/G]) and the last axis ([Kp/2, R], [Kp/G, R]).
// CHECK-LABEL: func.func @valid
// CHECK: qcc.dequantize_int4 %arg0, %arg1 {axis = 0 : i64, group_size = 32 : i64} : (tensor<8x32xi8>, tensor<8x2xf16>) -> tensor<8x6x3x3xf32>
// CHECK: qcc.dequantize_int4 %arg2, %arg3 {axis = 1 : i64, group_size = 64 : i64} : (tensor<64x10xi8>, tensor<2x10xf32>) -> tensor<100x10xf32>
func.func @valid(%p: tensor<8x32xi8>, %s: tensor<8x2xf16>, %p2: tensor<64x10xi8>, %s2: tensor<2x10xf32>) -> (tensor<8x6x3x3xf32>, tensor<100x10xf32>) {
  %0 = qcc.dequantize_int4 %p, %s {axis = 0 : i64, group_size = 32 : i64} : (tensor<8x32xi8>, tensor<8x2xf16>) -> tensor<8x6x3x3xf32>
  %1 = qcc.dequantize_int4 %p2, %s2 {axis = 1 : i64, group_size = 64 : i64} : (tensor<64x10xi8>, tensor<2x10xf32>) -> tensor<100x10xf32>
  return %0, %1 : tensor<8x6x3x3xf32>, tensor<100x10xf32>
}

// -----

// Tests that the packed shape must hold Kp / 2 bytes per row (K = 54 pads to
// 64 with group 32).
func.func @packed_shape(%p: tensor<8x27xi8>, %s: tensor<8x2xf16>) -> tensor<8x6x3x3xf32> {
  // expected-error @+1 {{'qcc.dequantize_int4' op packed must have shape [8, 32]}}
  %0 = qcc.dequantize_int4 %p, %s {axis = 0 : i64, group_size = 32 : i64} : (tensor<8x27xi8>, tensor<8x2xf16>) -> tensor<8x6x3x3xf32>
  return %0 : tensor<8x6x3x3xf32>
}

// -----

// Tests that the scales have one entry per group in the weight's orientation.
func.func @scale_shape(%p: tensor<64x10xi8>, %s: tensor<10x2xf16>) -> tensor<100x10xf32> {
  // expected-error @+1 {{'qcc.dequantize_int4' op scales must have shape [2, 10]}}
  %0 = qcc.dequantize_int4 %p, %s {axis = 1 : i64, group_size = 64 : i64} : (tensor<64x10xi8>, tensor<10x2xf16>) -> tensor<100x10xf32>
  return %0 : tensor<100x10xf32>
}

// -----

// Tests that the group size is even.
func.func @odd_group(%p: tensor<8x3xi8>, %s: tensor<8x1xf16>) -> tensor<8x5xf32> {
  // expected-error @+1 {{'qcc.dequantize_int4' op group_size must be a positive even number}}
  %0 = qcc.dequantize_int4 %p, %s {axis = 0 : i64, group_size = 5 : i64} : (tensor<8x3xi8>, tensor<8x1xf16>) -> tensor<8x5xf32>
  return %0 : tensor<8x5xf32>
}

// -----

// Tests that the channel axis is the first or the last dimension.
func.func @axis(%p: tensor<8x3xi8>, %s: tensor<8x1xf16>) -> tensor<2x8x3xf32> {
  // expected-error @+1 {{'qcc.dequantize_int4' op axis must be 0 or the last dimension}}
  %0 = qcc.dequantize_int4 %p, %s {axis = 1 : i64, group_size = 6 : i64} : (tensor<8x3xi8>, tensor<8x1xf16>) -> tensor<2x8x3xf32>
  return %0 : tensor<2x8x3xf32>
}

// -----

// Tests the element types: i8 storage, f16 / f32 scales, a float result.
func.func @types(%p: tensor<8x3xi32>, %s: tensor<8x1xf16>) -> tensor<8x6xf32> {
  // expected-error @+1 {{'qcc.dequantize_int4' op packed must have i8 elements}}
  %0 = qcc.dequantize_int4 %p, %s {axis = 0 : i64, group_size = 6 : i64} : (tensor<8x3xi32>, tensor<8x1xf16>) -> tensor<8x6xf32>
  return %0 : tensor<8x6xf32>
}

// -----

func.func @scale_type(%p: tensor<8x3xi8>, %s: tensor<8x1xbf16>) -> tensor<8x6xf32> {
  // expected-error @+1 {{'qcc.dequantize_int4' op scales must have f16 or f32 elements}}
  %0 = qcc.dequantize_int4 %p, %s {axis = 0 : i64, group_size = 6 : i64} : (tensor<8x3xi8>, tensor<8x1xbf16>) -> tensor<8x6xf32>
  return %0 : tensor<8x6xf32>
}
