// RUN: qcc-opt %s --split-input-file | qcc-opt --split-input-file | FileCheck %s
// RUN: qcc-opt %s --split-input-file --mlir-print-op-generic | qcc-opt --split-input-file | FileCheck %s

// Tests that constants (dense and dense_resource) round-trip.
// CHECK-LABEL: func.func @constants
// CHECK: qcc.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK: qcc.constant dense_resource<w0> : tensor<2x2xf32>
// CHECK: qcc.constant dense<true> : tensor<3xi1>
func.func @constants() -> (tensor<2xf32>, tensor<2x2xf32>, tensor<3xi1>) {
  %0 = qcc.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %1 = qcc.constant dense_resource<w0> : tensor<2x2xf32>
  %2 = qcc.constant dense<true> : tensor<3xi1>
  return %0, %1, %2 : tensor<2xf32>, tensor<2x2xf32>, tensor<3xi1>
}
{-#
  dialect_resources: {
    builtin: {
      w0: "0x040000000000803F000000400000404000008040"
    }
  }
#-}

// -----

// Tests that layers round-trip with bias, group, fused activation and
// precision attributes.
// CHECK-LABEL: func.func @layers
// CHECK: qcc.conv2d %arg0, %arg1, %arg2 {act_params = array<f32: 0.000000e+00, 6.000000e+00>, activation = #qcc<unary clip>, dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 1, 1, 1, 1>, precision = #qcc<precision w8a8>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<1x6x4x4xf32>
// CHECK: qcc.matmul %arg3, %arg4 {activation = #qcc<unary gelu>, precision = #qcc<precision bf16>} : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
// CHECK: qcc.matmul %arg3, %arg4, %arg5 : (tensor<2x3x4xf32>, tensor<4x5xf32>, tensor<5xf32>) -> tensor<2x3x5xf32>
func.func @layers(%arg0: tensor<1x4x8x8xf32>, %arg1: tensor<6x2x3x3xf32>, %arg2: tensor<6xf32>, %arg3: tensor<2x3x4xf32>, %arg4: tensor<4x5xf32>, %arg5: tensor<5xf32>) -> (tensor<1x6x4x4xf32>, tensor<2x3x5xf32>, tensor<2x3x5xf32>) {
  %0 = qcc.conv2d %arg0, %arg1, %arg2 {act_params = array<f32: 0.0, 6.0>, activation = #qcc<unary clip>, dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 1, 1, 1, 1>, precision = #qcc<precision w8a8>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<1x6x4x4xf32>
  %1 = qcc.matmul %arg3, %arg4 {activation = #qcc<unary gelu>, precision = #qcc<precision bf16>} : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
  %2 = qcc.matmul %arg3, %arg4, %arg5 : (tensor<2x3x4xf32>, tensor<4x5xf32>, tensor<5xf32>) -> tensor<2x3x5xf32>
  return %0, %1, %2 : tensor<1x6x4x4xf32>, tensor<2x3x5xf32>, tensor<2x3x5xf32>
}

// -----

// Tests that a quantized conv2d (!quant.uniform operands) round-trips.
// CHECK-LABEL: func.func @quantized_conv
// CHECK: qcc.conv2d %arg0, %arg1 {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4x!quant.uniform<i8:f32, 1.000000e-01>>, tensor<3x2x1x1x!quant.uniform<i8:f32:0, {1.000000e-01,2.000000e-01,3.000000e-01}>>) -> tensor<1x3x4x4x!quant.uniform<i8:f32, 5.000000e-01:3>>
func.func @quantized_conv(%arg0: tensor<1x2x4x4x!quant.uniform<i8:f32, 0.1>>, %arg1: tensor<3x2x1x1x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.3}>>) -> tensor<1x3x4x4x!quant.uniform<i8:f32, 0.5:3>> {
  %0 = qcc.conv2d %arg0, %arg1 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x4x4x!quant.uniform<i8:f32, 0.1>>, tensor<3x2x1x1x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.3}>>) -> tensor<1x3x4x4x!quant.uniform<i8:f32, 0.5:3>>
  return %0 : tensor<1x3x4x4x!quant.uniform<i8:f32, 0.5:3>>
}

// -----

// Tests that elementwise ops, batch_norm, pooling, reductions and softmax
// round-trip.
// CHECK-LABEL: func.func @compute
// CHECK: qcc.unary leaky_relu %arg0 {params = array<f32: 1.000000e-01>} : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
// CHECK: qcc.unary not %arg4 : tensor<4xi1> -> tensor<4xi1>
// CHECK: qcc.binary add %arg0, %arg1 : (tensor<1x2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32>
// CHECK: qcc.binary less_equal %arg0, %arg1 : (tensor<1x2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xi1>
// CHECK: qcc.binary and %arg4, %arg4 : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
// CHECK: qcc.batch_norm %arg0, %arg2, %arg2, %arg2, %arg2 {epsilon = 9.99999974E-6 : f32}
// CHECK: qcc.pool2d max %arg0 {ceil_mode = true, dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
// CHECK: qcc.pool2d avg %arg0 {count_include_pad = true, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : tensor<1x2x4x4xf32> -> tensor<1x2x3x3xf32>
// CHECK: qcc.reduce log_sum_exp %arg0 {axes = array<i64: 2, 3>, keepdims = false} : tensor<1x2x4x4xf32> -> tensor<1x2xf32>
// CHECK: qcc.softmax %arg3 {axis = 1 : i64, log = true} : tensor<2x5xf32>
func.func @compute(%arg0: tensor<1x2x4x4xf32>, %arg1: tensor<2x1x1xf32>, %arg2: tensor<2xf32>, %arg3: tensor<2x5xf32>, %arg4: tensor<4xi1>) {
  %0 = qcc.unary leaky_relu %arg0 {params = array<f32: 0.1>} : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  %1 = qcc.unary not %arg4 : tensor<4xi1> -> tensor<4xi1>
  %2 = qcc.binary add %arg0, %arg1 : (tensor<1x2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %3 = qcc.binary less_equal %arg0, %arg1 : (tensor<1x2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xi1>
  %4 = qcc.binary and %arg4, %arg4 : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %5 = qcc.batch_norm %arg0, %arg2, %arg2, %arg2, %arg2 {epsilon = 1.0e-5 : f32} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %6 = qcc.pool2d max %arg0 {ceil_mode = true, kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  %7 = qcc.pool2d avg %arg0 {count_include_pad = true, kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : tensor<1x2x4x4xf32> -> tensor<1x2x3x3xf32>
  %8 = qcc.reduce log_sum_exp %arg0 {axes = array<i64: 2, 3>, keepdims = false} : tensor<1x2x4x4xf32> -> tensor<1x2xf32>
  %9 = qcc.softmax %arg3 {axis = 1 : i64, log = true} : tensor<2x5xf32>
  return
}

// -----

// Tests that data movement ops round-trip.
// CHECK-LABEL: func.func @data_movement
// CHECK: qcc.reshape %arg0 : tensor<2x3x4xf32> -> tensor<6x4xf32>
// CHECK: qcc.transpose %arg0 {perm = array<i64: 2, 0, 1>} : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
// CHECK: qcc.concat %arg0, %arg0 {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x6x4xf32>
// CHECK: qcc.slice %arg0 {starts = array<i64: 1, 2, 0>, steps = array<i64: 1, -1, 2>} : tensor<2x3x4xf32> -> tensor<1x3x2xf32>
// CHECK: qcc.gather %arg0, %arg1 {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<5xi64>) -> tensor<2x5x4xf32>
// CHECK: qcc.cast %arg0 : tensor<2x3x4xf32> -> tensor<2x3x4xf16>
func.func @data_movement(%arg0: tensor<2x3x4xf32>, %arg1: tensor<5xi64>) {
  %0 = qcc.reshape %arg0 : tensor<2x3x4xf32> -> tensor<6x4xf32>
  %1 = qcc.transpose %arg0 {perm = array<i64: 2, 0, 1>} : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  %2 = qcc.concat %arg0, %arg0 {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x6x4xf32>
  %3 = qcc.slice %arg0 {starts = array<i64: 1, 2, 0>, steps = array<i64: 1, -1, 2>} : tensor<2x3x4xf32> -> tensor<1x3x2xf32>
  %4 = qcc.gather %arg0, %arg1 {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<5xi64>) -> tensor<2x5x4xf32>
  %5 = qcc.cast %arg0 : tensor<2x3x4xf32> -> tensor<2x3x4xf16>
  return
}

// -----

// Tests that quantize, dequantize and requantize round-trip with per-tensor
// and per-axis types.
// CHECK-LABEL: func.func @quantization
// CHECK: qcc.quantize %arg0 : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<i8:f32, 1.000000e-01:-3>>
// CHECK: qcc.dequantize %[[Q:.+]] : tensor<2x3x!quant.uniform<i8:f32, 1.000000e-01:-3>> -> tensor<2x3xf32>
// CHECK: qcc.requantize %{{.+}} : tensor<2x3x!quant.uniform<i8:f32, 1.000000e-01:-3>> -> tensor<2x3x!quant.uniform<i8:f32:1, {1.000000e-01,2.000000e-01,3.000000e-01}>>
func.func @quantization(%arg0: tensor<2x3xf32>) -> tensor<2x3x!quant.uniform<i8:f32:1, {0.1, 0.2, 0.3}>> {
  %0 = qcc.quantize %arg0 : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<i8:f32, 0.1:-3>>
  %1 = qcc.dequantize %0 : tensor<2x3x!quant.uniform<i8:f32, 0.1:-3>> -> tensor<2x3xf32>
  %2 = qcc.requantize %0 : tensor<2x3x!quant.uniform<i8:f32, 0.1:-3>> -> tensor<2x3x!quant.uniform<i8:f32:1, {0.1, 0.2, 0.3}>>
  return %2 : tensor<2x3x!quant.uniform<i8:f32:1, {0.1, 0.2, 0.3}>>
}
