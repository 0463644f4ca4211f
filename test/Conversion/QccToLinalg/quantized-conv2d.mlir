// RUN: qcc-opt %s --split-input-file --convert-qcc-to-linalg | FileCheck %s

// Tests that a quantized conv2d with a float result widens and
// zero-point-corrects the u8 input before padding (so the padding adds the
// input zero point, as ONNX pads), convolves on i32 into the i32 bias, and
// dequantizes with the per-output-channel product of the scales.
// CHECK-LABEL: func.func @conv_dequantized_result
// CHECK: %[[XW:.+]] = linalg.generic {{.+}} outs(%{{.+}} : tensor<1x2x4x4xi32>)
// CHECK: arith.constant 100 : i32
// CHECK: arith.extui %{{.+}} : i8 to i32
// CHECK: arith.subi
// CHECK: %[[WW:.+]] = linalg.generic {{.+}} outs(%{{.+}} : tensor<3x2x3x3xi32>)
// CHECK: arith.extsi %{{.+}} : i8 to i32
// CHECK: %[[ZERO:.+]] = arith.constant 0 : i32
// CHECK: %[[PAD:.+]] = tensor.pad %[[XW]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[ZERO]] : i32
// CHECK: %[[ACC:.+]] = linalg.conv_2d_nchw_fchw {{.+}} ins(%[[PAD]], %[[WW]] : tensor<1x2x6x6xi32>, tensor<3x2x3x3xi32>)
// CHECK: %[[SCALES:.+]] = arith.constant dense<[1.250000e-01, 2.500000e-01, 3.750000e-01]> : tensor<3xf32>
// CHECK: linalg.generic {{.+}} ins(%[[ACC]], %[[SCALES]] : tensor<1x3x4x4xi32>, tensor<3xf32>)
// CHECK: arith.sitofp %{{.+}} : i32 to f32
// CHECK: arith.mulf
func.func @conv_dequantized_result(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.5:100>>, %w: tensor<3x2x3x3x!quant.uniform<i8:f32:0, {0.25, 0.5, 0.75}>>, %b: tensor<3xi32>) -> tensor<1x3x4x4xf32> {
  %y = qcc.conv2d %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x2x4x4x!quant.uniform<u8:f32, 0.5:100>>, tensor<3x2x3x3x!quant.uniform<i8:f32:0, {0.25, 0.5, 0.75}>>, tensor<3xi32>) -> tensor<1x3x4x4xf32>
  return %y : tensor<1x3x4x4xf32>
}

// -----

// Tests that a depthwise quantized conv2d uses the i32 depthwise named op
// and requantizes per tensor (0.5 * 0.5 / 0.75 = 0.333...: multiplier
// round(2^31 * 2/3) = 1431655765, shift 32).
// CHECK-LABEL: func.func @conv_depthwise_quantized
// CHECK: linalg.depthwise_conv_2d_nchw_chw {{.+}} -> tensor<1x4x2x2xi32>
// CHECK: linalg.generic
// CHECK: arith.constant 1431655765 : i64
// CHECK: arith.constant 32 : i64
// CHECK: arith.shrsi
// CHECK: arith.trunci %{{.+}} : i64 to i8
func.func @conv_depthwise_quantized(%x: tensor<1x4x4x4x!quant.uniform<i8:f32, 0.5:-1>>, %w: tensor<4x1x3x3x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x4x2x2x!quant.uniform<i8:f32, 0.75:2>> {
  %y = qcc.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 4 : i64} : (tensor<1x4x4x4x!quant.uniform<i8:f32, 0.5:-1>>, tensor<4x1x3x3x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x4x2x2x!quant.uniform<i8:f32, 0.75:2>>
  return %y : tensor<1x4x2x2x!quant.uniform<i8:f32, 0.75:2>>
}
