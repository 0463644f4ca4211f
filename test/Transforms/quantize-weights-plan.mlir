// RUN: qcc-opt %s --split-input-file --qcc-quantize-weights="follow-plan group-size=32" | FileCheck %s
// RUN: qcc-opt %s --split-input-file --qcc-quantize-weights="follow-plan mode=bf16 min-weights=100000" | FileCheck %s

// Tests that each layer gets the weight format its plan names, whatever
// `mode` and `min-weights` say: f16, bf16 and int4 (w4f) layers are
// converted; the int8-planned, fp32-planned and unplanned layers keep f32
// weights and no precision.
// CHECK-LABEL: func.func @per_layer
// CHECK: qcc.matmul %arg0, %{{.+}} {precision = #qcc<precision f16>, qcc.plan = #qcc<precision f16>} : (tensor<1x4xf32>, tensor<4x2xf16>) -> tensor<1x2xf32>
// CHECK: qcc.matmul %arg0, %{{.+}} {precision = #qcc<precision bf16>, qcc.plan = #qcc<precision bf16>} : (tensor<1x4xf32>, tensor<4x2xbf16>) -> tensor<1x2xf32>
// CHECK: %[[P:.+]] = qcc.dequantize_int4 %{{.+}}, %{{.+}} {axis = 1 : i64, group_size = 4 : i64} : (tensor<2x2xi8>, tensor<1x2xf16>) -> tensor<4x2xf32>
// CHECK: qcc.matmul %arg0, %[[P]] {precision = #qcc<precision w4f>, qcc.plan = #qcc<precision w4f>}
// CHECK: qcc.matmul %arg0, %{{.+}} {qcc.plan = #qcc<precision w8a8>} : (tensor<1x4xf32>, tensor<4x2xf32>)
// CHECK: qcc.matmul %arg0, %{{.+}} {qcc.plan = #qcc<precision f32>} : (tensor<1x4xf32>, tensor<4x2xf32>)
// CHECK: qcc.matmul %arg0, %{{.+}} : (tensor<1x4xf32>, tensor<4x2xf32>)
func.func @per_layer(%arg0: tensor<1x4xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>) {
  %w0 = qcc.constant dense<[[0.7, -0.1], [0.35, 0.0], [-1.6, 0.2], [0.4, 1.4]]> : tensor<4x2xf32>
  %w1 = qcc.constant dense<[[0.7, -0.2], [0.35, 0.0], [-1.6, 0.2], [0.4, 1.4]]> : tensor<4x2xf32>
  %w2 = qcc.constant dense<[[0.7, -0.3], [0.35, 0.0], [-1.6, 0.2], [0.4, 1.4]]> : tensor<4x2xf32>
  %w3 = qcc.constant dense<[[0.7, -0.4], [0.35, 0.0], [-1.6, 0.2], [0.4, 1.4]]> : tensor<4x2xf32>
  %w4 = qcc.constant dense<[[0.7, -0.5], [0.35, 0.0], [-1.6, 0.2], [0.4, 1.4]]> : tensor<4x2xf32>
  %w5 = qcc.constant dense<[[0.7, -0.6], [0.35, 0.0], [-1.6, 0.2], [0.4, 1.4]]> : tensor<4x2xf32>
  %a = qcc.matmul %arg0, %w0 {qcc.plan = #qcc<precision f16>} : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  %b = qcc.matmul %arg0, %w1 {qcc.plan = #qcc<precision bf16>} : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  %c = qcc.matmul %arg0, %w2 {qcc.plan = #qcc<precision w4f>} : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  %d = qcc.matmul %arg0, %w3 {qcc.plan = #qcc<precision w8a8>} : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  %e = qcc.matmul %arg0, %w4 {qcc.plan = #qcc<precision f32>} : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  %f = qcc.matmul %arg0, %w5 : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  return %a, %b, %c, %d, %e, %f : tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>
}

// -----

// Tests that one weight shared by layers with different plans is converted
// once per format: the two f16 layers share one f16 constant, the int4 layer
// gets its own packed copy, and the fp32 layer keeps the original.
// CHECK-LABEL: func.func @shared_weight
// CHECK-DAG: %[[W:.+]] = qcc.constant dense<{{.*}}> : tensor<4x2xf32>
// CHECK-DAG: %[[H:.+]] = qcc.constant dense<{{.*}}> : tensor<4x2xf16>
// CHECK: qcc.matmul %arg0, %[[H]] {precision = #qcc<precision f16>
// CHECK: %[[P:.+]] = qcc.dequantize_int4
// CHECK: qcc.matmul %arg0, %[[P]] {precision = #qcc<precision w4f>
// CHECK: qcc.matmul %arg0, %[[H]] {precision = #qcc<precision f16>
// CHECK: qcc.matmul %arg0, %[[W]] {qcc.plan = #qcc<precision f32>}
func.func @shared_weight(%arg0: tensor<1x4xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>) {
  %w = qcc.constant dense<[[0.7, -0.1], [0.35, 0.0], [-1.6, 0.2], [0.4, 1.4]]> : tensor<4x2xf32>
  %a = qcc.matmul %arg0, %w {qcc.plan = #qcc<precision f16>} : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  %b = qcc.matmul %arg0, %w {qcc.plan = #qcc<precision w4f>} : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  %c = qcc.matmul %arg0, %w {qcc.plan = #qcc<precision f16>} : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  %d = qcc.matmul %arg0, %w {qcc.plan = #qcc<precision f32>} : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  return %a, %b, %c, %d : tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>
}

// -----

// Tests a conv planned int4: groups along the [I, kh, kw] filter (K = 4).
// CHECK-LABEL: func.func @conv_int4
// CHECK: qcc.dequantize_int4 {{.*}}{axis = 0 : i64, group_size = 4 : i64} : (tensor<2x2xi8>, tensor<2x1xf16>) -> tensor<2x1x2x2xf32>
// CHECK: qcc.conv2d {{.*}}precision = #qcc<precision w4f>
func.func @conv_int4(%arg0: tensor<1x1x3x3xf32>) -> tensor<1x2x2x2xf32> {
  %w = qcc.constant dense<[[[[0.3, -0.9], [0.45, 0.1]]], [[[1.0, 0.5], [-0.25, 0.0]]]]> : tensor<2x1x2x2xf32>
  %c = qcc.conv2d %arg0, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, qcc.plan = #qcc<precision w4f>} : (tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %c : tensor<1x2x2x2xf32>
}
