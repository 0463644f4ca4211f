// RUN: qcc-opt %s --split-input-file --qcc-quantize=follow-plan | FileCheck %s
// RUN: qcc-opt %s --split-input-file --qcc-quantize=follow-plan --qcc-fuse-qdq --qcc-quantize-weights=follow-plan | FileCheck %s --check-prefix=MIXED
// RUN: qcc-opt %s --split-input-file --qcc-quantize="follow-plan activation-type=s8" | FileCheck %s --check-prefix=S8

// Tests that only the layers planned int8 are quantized: the first conv
// (w8a8) and the matmul (w8a8) are rewritten; the middle conv (planned f16)
// and the unplanned conv are left alone, with no qcc.quant_skipped. The
// first conv's result is read by a float layer only, so it stays float; the
// matmul quantizes its own input (the f16 conv's result, range [0, 2]).
// CHECK-LABEL: func.func @plan_chain
// CHECK: qcc.quantize %arg0 : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x!quant.uniform<u8:f32, 0.0099999997764825821:100>>
// CHECK: %[[C1:.+]] = qcc.conv2d {{.*}}precision = #qcc<precision w8a8>{{.*}}qcc.plan = #qcc<precision w8a8>
// CHECK-NOT: qcc.quantize %[[C1]]
// CHECK: %[[C2:.+]] = qcc.conv2d %[[C1]], %{{.+}} {{.*}}qcc.plan = #qcc<precision f16>
// CHECK-NOT: quant_skipped
// CHECK: %[[C3:.+]] = qcc.conv2d %[[C2]], %{{[0-9]+}} {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, qcc.calib_range = array<f32: 0.000000e+00, 2.000000e+00>, strides = array<i64: 1, 1>}
// CHECK: %[[R:.+]] = qcc.reshape %[[C3]]
// CHECK: %[[RQ:.+]] = qcc.quantize %[[R]] : tensor<1x32xf32> -> tensor<1x32x!quant.uniform<u8:f32, 0.0078431377187371254>>
// CHECK: %[[RD:.+]] = qcc.dequantize %[[RQ]]
// CHECK: qcc.matmul %[[RD]], %{{.+}} {precision = #qcc<precision w8a8>

// With the weight pass and qcc-fuse-qdq: the int8 conv reads u8 and produces
// f32 (its epilogue dequantizes: no separate pass at the boundary), the f16
// conv reads f16 weights, the unplanned conv keeps f32 weights, and the
// matmul reads u8 from a quantize of the float conv's result (moved above
// the reshape, right after the conv).
// MIXED-LABEL: func.func @plan_chain
// MIXED: %[[XQ:.+]] = qcc.quantize %arg0
// MIXED: %[[C1:.+]] = qcc.conv2d %[[XQ]], {{.*}} -> tensor<1x2x4x4xf32>
// MIXED: %[[C2:.+]] = qcc.conv2d %[[C1]], {{.*}}precision = #qcc<precision f16>{{.*}}tensor<2x2x1x1xf16>
// MIXED: %[[C3:.+]] = qcc.conv2d %[[C2]], {{.*}}tensor<2x2x1x1xf32>
// MIXED-NOT: precision
// MIXED: qcc.quantize %[[C3]]
// MIXED: qcc.matmul {{.*}}precision = #qcc<precision w8a8>{{.*}}tensor<32x3x!quant.uniform<i8

// S8-LABEL: func.func @plan_chain
// S8: qcc.quantize %arg0 : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.012204724363982677>>
func.func @plan_chain(%arg0: tensor<1x2x4x4xf32> {qcc.calib_range = array<f32: -1.0, 1.55>}) -> tensor<1x3xf32> {
  %w = qcc.constant dense<[[[[1.0]], [[-0.5]]], [[[0.25]], [[0.0]]]]> : tensor<2x2x1x1xf32>
  %b = qcc.constant dense<[0.5, -0.25]> : tensor<2xf32>
  %c1 = qcc.conv2d %arg0, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, activation = #qcc<unary relu>, qcc.calib_range = array<f32: 0.0, 2.0>, qcc.plan = #qcc<precision w8a8>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %w2 = qcc.constant dense<0.5> : tensor<2x2x1x1xf32>
  %c2 = qcc.conv2d %c1, %w2 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, qcc.calib_range = array<f32: 0.0, 2.0>, qcc.plan = #qcc<precision f16>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %w3 = qcc.constant dense<0.25> : tensor<2x2x1x1xf32>
  %c3 = qcc.conv2d %c2, %w3 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, qcc.calib_range = array<f32: 0.0, 2.0>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %r = qcc.reshape %c3 {qcc.calib_range = array<f32: 0.0, 2.0>} : tensor<1x2x4x4xf32> -> tensor<1x32xf32>
  %w4 = qcc.constant dense<1.0> : tensor<32x3xf32>
  %m = qcc.matmul %r, %w4 {qcc.calib_range = array<f32: -4.0, 9.0>, qcc.plan = #qcc<precision w8a8>} : (tensor<1x32xf32>, tensor<32x3xf32>) -> tensor<1x3xf32>
  return %m : tensor<1x3xf32>
}

// -----

// Tests that two planned int8 layers in a row pass int8 between them: the
// first one's result is quantized (range [0, 2]) and the second reuses those
// parameters through max pooling; a layer planned fp32 is not quantized
// although it could be.
// CHECK-LABEL: func.func @int8_pair
// CHECK: %[[C:.+]] = qcc.conv2d {{.*}}precision = #qcc<precision w8a8>
// CHECK: %[[CQ:.+]] = qcc.quantize %[[C]] : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x!quant.uniform<u8:f32, 0.0078431377187371254>>
// CHECK: %[[CD:.+]] = qcc.dequantize %[[CQ]]
// CHECK: %[[P:.+]] = qcc.pool2d max %[[CD]]
// CHECK: %[[PQ:.+]] = qcc.quantize %[[P]] : {{.*}}0.0078431377187371254
// CHECK: %[[PD:.+]] = qcc.dequantize %[[PQ]]
// CHECK: %[[D:.+]] = qcc.conv2d %[[PD]], {{.*}}precision = #qcc<precision w8a8>
// CHECK: qcc.conv2d %[[D]], %{{.+}} {{.*}}qcc.plan = #qcc<precision f32>
// CHECK-NOT: qcc.quantize
// CHECK: return
func.func @int8_pair(%arg0: tensor<1x2x4x4xf32> {qcc.calib_range = array<f32: -1.0, 1.0>}) -> tensor<1x2x2x2xf32> {
  %w = qcc.constant dense<0.5> : tensor<2x2x1x1xf32>
  %c = qcc.conv2d %arg0, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, activation = #qcc<unary relu>, qcc.calib_range = array<f32: 0.0, 2.0>, qcc.plan = #qcc<precision w8a8>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %p = qcc.pool2d max %c {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, qcc.calib_range = array<f32: 0.0, 2.0>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  %d = qcc.conv2d %p, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, qcc.calib_range = array<f32: 0.0, 2.0>, qcc.plan = #qcc<precision w8a8>} : (tensor<1x2x2x2xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x2x2xf32>
  %e = qcc.conv2d %d, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, qcc.calib_range = array<f32: 0.0, 2.0>, qcc.plan = #qcc<precision f32>} : (tensor<1x2x2x2xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x2x2xf32>
  return %e : tensor<1x2x2x2xf32>
}
