// RUN: qcc-opt %s --split-input-file --qcc-fuse-activations | FileCheck %s
// RUN: qcc-opt %s --split-input-file --qcc-fuse-activations --mlir-print-debuginfo | FileCheck %s --check-prefix=LOC

// Tests that a relu after a conv2d moves into the conv's activation and
// that the conv's location names both ONNX nodes.
// CHECK-LABEL: func.func @conv_relu
// CHECK: %[[C:.+]] = qcc.conv2d %arg0, %arg1 {activation = #qcc<unary relu>, dilations
// CHECK-NOT: qcc.unary
// CHECK: return %[[C]]
// LOC-LABEL: func.func @conv_relu
// LOC: qcc.conv2d {{.*}} loc(#[[LOC:.+]])
// LOC: #[[CONV:.+]] = loc("conv1")
// LOC: #[[RELU:.+]] = loc("relu1")
// LOC: #[[LOC]] = loc(fused[#[[CONV]], #[[RELU]]])
func.func @conv_relu(%arg0: tensor<1x3x8x8xf32>, %arg1: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  %c = qcc.conv2d %arg0, %arg1 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> loc("conv1")
  %r = qcc.unary relu %c : tensor<1x4x6x6xf32> -> tensor<1x4x6x6xf32> loc("relu1")
  return %r : tensor<1x4x6x6xf32>
}

// -----

// Tests that a clip after a matmul with bias moves with its parameters.
// CHECK-LABEL: func.func @matmul_clip
// CHECK: %[[M:.+]] = qcc.matmul %arg0, %arg1, %arg2 {act_params = array<f32: 0.000000e+00, 6.000000e+00>, activation = #qcc<unary clip>}
// CHECK-NOT: qcc.unary
// CHECK: return %[[M]]
func.func @matmul_clip(%arg0: tensor<2x4xf32>, %arg1: tensor<4x8xf32>, %arg2: tensor<8xf32>) -> tensor<2x8xf32> {
  %m = qcc.matmul %arg0, %arg1, %arg2 : (tensor<2x4xf32>, tensor<4x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %r = qcc.unary clip %m {params = array<f32: 0.0, 6.0>} : tensor<2x8xf32> -> tensor<2x8xf32>
  return %r : tensor<2x8xf32>
}

// -----

// Tests each remaining fusable kind (and gelu without parameters).
// CHECK-LABEL: func.func @fusable_kinds
// CHECK: qcc.matmul {{.*}}activation = #qcc<unary leaky_relu>
// CHECK: qcc.matmul {{.*}}activation = #qcc<unary sigmoid>
// CHECK: qcc.matmul {{.*}}activation = #qcc<unary hard_sigmoid>
// CHECK: qcc.matmul {{.*}}activation = #qcc<unary hard_swish>
// CHECK: qcc.matmul {{.*}}activation = #qcc<unary tanh>
// CHECK: qcc.matmul %arg0, %arg1 {activation = #qcc<unary gelu>}
// CHECK: qcc.matmul {{.*}}activation = #qcc<unary elu>
// CHECK: qcc.matmul {{.*}}act_params = array<f32: 1.67326319, 1.05070102>, activation = #qcc<unary selu>
// CHECK-NOT: qcc.unary
func.func @fusable_kinds(%arg0: tensor<2x4xf32>, %arg1: tensor<4x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>) {
  %m0 = qcc.matmul %arg0, %arg1 : (tensor<2x4xf32>, tensor<4x8xf32>) -> tensor<2x8xf32>
  %r0 = qcc.unary leaky_relu %m0 {params = array<f32: 0.1>} : tensor<2x8xf32> -> tensor<2x8xf32>
  %m1 = qcc.matmul %arg0, %arg1 : (tensor<2x4xf32>, tensor<4x8xf32>) -> tensor<2x8xf32>
  %r1 = qcc.unary sigmoid %m1 : tensor<2x8xf32> -> tensor<2x8xf32>
  %m2 = qcc.matmul %arg0, %arg1 : (tensor<2x4xf32>, tensor<4x8xf32>) -> tensor<2x8xf32>
  %r2 = qcc.unary hard_sigmoid %m2 {params = array<f32: 0.2, 0.5>} : tensor<2x8xf32> -> tensor<2x8xf32>
  %m3 = qcc.matmul %arg0, %arg1 : (tensor<2x4xf32>, tensor<4x8xf32>) -> tensor<2x8xf32>
  %r3 = qcc.unary hard_swish %m3 : tensor<2x8xf32> -> tensor<2x8xf32>
  %m4 = qcc.matmul %arg0, %arg1 : (tensor<2x4xf32>, tensor<4x8xf32>) -> tensor<2x8xf32>
  %r4 = qcc.unary tanh %m4 : tensor<2x8xf32> -> tensor<2x8xf32>
  %m5 = qcc.matmul %arg0, %arg1 : (tensor<2x4xf32>, tensor<4x8xf32>) -> tensor<2x8xf32>
  %r5 = qcc.unary gelu %m5 : tensor<2x8xf32> -> tensor<2x8xf32>
  %m6 = qcc.matmul %arg0, %arg1 : (tensor<2x4xf32>, tensor<4x8xf32>) -> tensor<2x8xf32>
  %r6 = qcc.unary elu %m6 {params = array<f32: 1.0>} : tensor<2x8xf32> -> tensor<2x8xf32>
  %m7 = qcc.matmul %arg0, %arg1 : (tensor<2x4xf32>, tensor<4x8xf32>) -> tensor<2x8xf32>
  %r7 = qcc.unary selu %m7 {params = array<f32: 1.67326319, 1.05070102>} : tensor<2x8xf32> -> tensor<2x8xf32>
  return %r0, %r1, %r2, %r3, %r4, %r5, %r6, %r7 : tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>
}

// -----

// Tests that kinds a layer epilogue does not apply (exp, abs) stay separate.
// CHECK-LABEL: func.func @not_an_activation
// CHECK: %[[M:.+]] = qcc.matmul %arg0, %arg1 :
// CHECK: qcc.unary exp %[[M]]
func.func @not_an_activation(%arg0: tensor<2x4xf32>, %arg1: tensor<4x8xf32>) -> tensor<2x8xf32> {
  %m = qcc.matmul %arg0, %arg1 : (tensor<2x4xf32>, tensor<4x8xf32>) -> tensor<2x8xf32>
  %r = qcc.unary exp %m : tensor<2x8xf32> -> tensor<2x8xf32>
  return %r : tensor<2x8xf32>
}

// -----

// Tests that a layer whose result has another user keeps it unfused.
// CHECK-LABEL: func.func @two_users
// CHECK: %[[M:.+]] = qcc.matmul %arg0, %arg1 :
// CHECK: %[[R:.+]] = qcc.unary relu %[[M]]
// CHECK: return %[[R]], %[[M]]
func.func @two_users(%arg0: tensor<2x4xf32>, %arg1: tensor<4x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>) {
  %m = qcc.matmul %arg0, %arg1 : (tensor<2x4xf32>, tensor<4x8xf32>) -> tensor<2x8xf32>
  %r = qcc.unary relu %m : tensor<2x8xf32> -> tensor<2x8xf32>
  return %r, %m : tensor<2x8xf32>, tensor<2x8xf32>
}

// -----

// Tests that a layer with an activation already does not take a second one,
// while the first is kept.
// CHECK-LABEL: func.func @already_fused
// CHECK: %[[C:.+]] = qcc.conv2d %arg0, %arg1 {activation = #qcc<unary relu>
// CHECK: qcc.unary sigmoid %[[C]]
func.func @already_fused(%arg0: tensor<1x3x8x8xf32>, %arg1: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  %c = qcc.conv2d %arg0, %arg1 {activation = #qcc<unary relu>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  %r = qcc.unary sigmoid %c : tensor<1x4x6x6xf32> -> tensor<1x4x6x6xf32>
  return %r : tensor<1x4x6x6xf32>
}

// -----

// Tests that an activation of a non-layer value stays, and that SiLU
// (x * sigmoid(x)) is not mistaken for a fusable activation.
// CHECK-LABEL: func.func @not_after_layer
// CHECK: qcc.unary relu %arg0
// CHECK: %[[M:.+]] = qcc.matmul %arg1, %arg2 :
// CHECK: %[[S:.+]] = qcc.unary sigmoid %[[M]]
// CHECK: qcc.binary mul %[[M]], %[[S]]
func.func @not_after_layer(%arg0: tensor<2x8xf32>, %arg1: tensor<2x4xf32>, %arg2: tensor<4x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>) {
  %r = qcc.unary relu %arg0 : tensor<2x8xf32> -> tensor<2x8xf32>
  %m = qcc.matmul %arg1, %arg2 : (tensor<2x4xf32>, tensor<4x8xf32>) -> tensor<2x8xf32>
  %s = qcc.unary sigmoid %m : tensor<2x8xf32> -> tensor<2x8xf32>
  %silu = qcc.binary mul %m, %s : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return %r, %silu : tensor<2x8xf32>, tensor<2x8xf32>
}

// -----

// Tests that chains fuse one activation per layer: relu fuses, the
// following clip stays because the conv now has an activation.
// CHECK-LABEL: func.func @chain
// CHECK: %[[C:.+]] = qcc.conv2d %arg0, %arg1 {activation = #qcc<unary relu>
// CHECK: qcc.unary clip %[[C]]
func.func @chain(%arg0: tensor<1x3x8x8xf32>, %arg1: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  %c = qcc.conv2d %arg0, %arg1 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  %r = qcc.unary relu %c : tensor<1x4x6x6xf32> -> tensor<1x4x6x6xf32>
  %k = qcc.unary clip %r {params = array<f32: 0.0, 6.0>} : tensor<1x4x6x6xf32> -> tensor<1x4x6x6xf32>
  return %k : tensor<1x4x6x6xf32>
}
