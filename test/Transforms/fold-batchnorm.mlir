// RUN: qcc-opt %s --split-input-file --qcc-fold-batchnorm | FileCheck %s

// Tests the folded values for a 1x1 conv: s = scale / sqrt(var + eps) =
// [4 / 2, 0.5 / 1] = [2, 0.5]; weights of output channel o scale by s[o];
// bias' = (bias - mean) * s + beta = [(0.5 - 0.5) * 2 + 1, (-0.5 - 1) * 0.5].
// CHECK-LABEL: func.func @conv_bn_values
// CHECK-DAG: %[[W:.+]] = qcc.constant dense<{{\[}}{{\[}}{{\[}}[2.000000e+00]], {{\[}}[4.000000e+00]]], {{\[}}{{\[}}[1.500000e+00]], {{\[}}[2.000000e+00]]]]> : tensor<2x2x1x1xf32>
// CHECK-DAG: %[[B:.+]] = qcc.constant dense<[1.000000e+00, -7.500000e-01]> : tensor<2xf32>
// CHECK: %[[C:.+]] = qcc.conv2d %arg0, %[[W]], %[[B]] {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
// CHECK-NOT: qcc.batch_norm
// CHECK: return %[[C]]
func.func @conv_bn_values(%arg0: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %w = qcc.constant dense<[[[[1.0]], [[2.0]]], [[[3.0]], [[4.0]]]]> : tensor<2x2x1x1xf32>
  %b = qcc.constant dense<[0.5, -0.5]> : tensor<2xf32>
  %c = qcc.conv2d %arg0, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  %scale = qcc.constant dense<[4.0, 0.5]> : tensor<2xf32>
  %beta = qcc.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %mean = qcc.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %var = qcc.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %y = qcc.batch_norm %c, %scale, %beta, %mean, %var {epsilon = 1.0 : f32} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// Tests that a conv without bias gets one (beta - mean * s) and that grouped
// (depthwise) weights scale per output channel.
// CHECK-LABEL: func.func @depthwise_no_bias
// CHECK-DAG: %[[W:.+]] = qcc.constant dense<{{\[}}{{\[}}{{\[}}[3.000000e+00]]], {{\[}}{{\[}}[-1.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.+]] = qcc.constant dense<[-2.000000e+00, 3.000000e+00]> : tensor<2xf32>
// CHECK: qcc.conv2d %arg0, %[[W]], %[[B]] {dilations = array<i64: 1, 1>, group = 2 : i64
func.func @depthwise_no_bias(%arg0: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %w = qcc.constant dense<[[[[1.0]]], [[[1.0]]]]> : tensor<2x1x1x1xf32>
  %c = qcc.conv2d %arg0, %w {group = 2 : i64, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x3x3xf32>
  %scale = qcc.constant dense<[3.0, -1.0]> : tensor<2xf32>
  %beta = qcc.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %mean = qcc.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %var = qcc.constant dense<[0.0, 0.0]> : tensor<2xf32>
  %y = qcc.batch_norm %c, %scale, %beta, %mean, %var {epsilon = 1.0 : f32} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// Tests that large folded weights stay dense_resource blobs and keep the
// original weight's name, and that the old weights are dropped.
// CHECK-LABEL: func.func @blob_weights
// CHECK: %[[W:.+]] = qcc.constant dense_resource<conv.weight{{.*}}> : tensor<2x2x3x3xf32>
// CHECK: qcc.conv2d %arg0, %[[W]], %{{.+}} {
// CHECK-NOT: qcc.batch_norm
func.func @blob_weights(%arg0: tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32> {
  %w = qcc.constant dense_resource<conv.weight> : tensor<2x2x3x3xf32>
  %c = qcc.conv2d %arg0, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x5x5xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %scale = qcc.constant dense<[2.0, 2.0]> : tensor<2xf32>
  %beta = qcc.constant dense<[0.0, 0.0]> : tensor<2xf32>
  %mean = qcc.constant dense<[0.0, 0.0]> : tensor<2xf32>
  %var = qcc.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %y = qcc.batch_norm %c, %scale, %beta, %mean, %var {epsilon = 0.0 : f32} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}
{-#
  dialect_resources: {
    builtin: {
      conv.weight: "0x400000000000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F"
    }
  }
#-}

// -----

// Tests that batch_norm folds into a rank-2 matmul (channel = column): the
// rhs columns scale by s and a bias is created.
// CHECK-LABEL: func.func @matmul_bn
// CHECK-DAG: %[[W:.+]] = qcc.constant dense<{{\[}}[2.000000e+00, 5.000000e-01], [4.000000e+00, 1.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG: %[[B:.+]] = qcc.constant dense<[1.000000e+00, -2.500000e-01]> : tensor<2xf32>
// CHECK: qcc.matmul %arg0, %[[W]], %[[B]]
// CHECK-NOT: qcc.batch_norm
func.func @matmul_bn(%arg0: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %w = qcc.constant dense<[[1.0, 1.0], [2.0, 2.0]]> : tensor<2x2xf32>
  %b = qcc.constant dense<[[0.5, 0.5]]> : tensor<1x2xf32>
  %m = qcc.matmul %arg0, %w, %b : (tensor<3x2xf32>, tensor<2x2xf32>, tensor<1x2xf32>) -> tensor<3x2xf32>
  %scale = qcc.constant dense<[4.0, 0.5]> : tensor<2xf32>
  %beta = qcc.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %mean = qcc.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %var = qcc.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %y = qcc.batch_norm %m, %scale, %beta, %mean, %var {epsilon = 1.0 : f32} : (tensor<3x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// Tests that batch_norm after a rank-3 matmul stays: it normalizes dimension
// 1, which is not the matmul's column dimension.
// CHECK-LABEL: func.func @matmul_rank3_bn
// CHECK: qcc.matmul
// CHECK: qcc.batch_norm
func.func @matmul_rank3_bn(%arg0: tensor<1x2x2xf32>) -> tensor<1x2x2xf32> {
  %w = qcc.constant dense<[[1.0, 1.0], [2.0, 2.0]]> : tensor<2x2xf32>
  %m = qcc.matmul %arg0, %w : (tensor<1x2x2xf32>, tensor<2x2xf32>) -> tensor<1x2x2xf32>
  %p = qcc.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %y = qcc.batch_norm %m, %p, %p, %p, %p {epsilon = 1.0 : f32} : (tensor<1x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2xf32>
  return %y : tensor<1x2x2xf32>
}

// -----

// Tests that batch_norm stays when the conv result has another user.
// CHECK-LABEL: func.func @two_users
// CHECK: %[[C:.+]] = qcc.conv2d
// CHECK: qcc.batch_norm %[[C]]
func.func @two_users(%arg0: tensor<1x2x3x3xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) {
  %w = qcc.constant dense<1.0> : tensor<2x2x1x1xf32>
  %c = qcc.conv2d %arg0, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x3x3xf32>
  %p = qcc.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %y = qcc.batch_norm %c, %p, %p, %p, %p {epsilon = 1.0 : f32} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %y, %c : tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>
}

// -----

// Tests that batch_norm stays when the conv already applies an activation.
// CHECK-LABEL: func.func @activation_present
// CHECK: %[[C:.+]] = qcc.conv2d {{.*}}activation = #qcc<unary relu>
// CHECK: qcc.batch_norm %[[C]]
func.func @activation_present(%arg0: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %w = qcc.constant dense<1.0> : tensor<2x2x1x1xf32>
  %c = qcc.conv2d %arg0, %w {activation = #qcc<unary relu>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x3x3xf32>
  %p = qcc.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %y = qcc.batch_norm %c, %p, %p, %p, %p {epsilon = 1.0 : f32} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// Tests that batch_norm stays when the weights or its own parameters are not
// constants, and when its input is not a layer.
// CHECK-LABEL: func.func @not_constant
// CHECK: %[[C:.+]] = qcc.conv2d %arg0, %arg1
// CHECK: qcc.batch_norm %[[C]]
// CHECK: %[[D:.+]] = qcc.conv2d %arg0, %{{.+}} {
// CHECK: qcc.batch_norm %[[D]], %arg2
// CHECK: qcc.batch_norm %arg0
func.func @not_constant(%arg0: tensor<1x2x3x3xf32>, %arg1: tensor<2x2x1x1xf32>, %arg2: tensor<2xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) {
  %p = qcc.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %c = qcc.conv2d %arg0, %arg1 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x3x3xf32>
  %y = qcc.batch_norm %c, %p, %p, %p, %p {epsilon = 1.0 : f32} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  %w = qcc.constant dense<1.0> : tensor<2x2x1x1xf32>
  %d = qcc.conv2d %arg0, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x3x3xf32>
  %z = qcc.batch_norm %d, %arg2, %p, %p, %p {epsilon = 1.0 : f32} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  %x = qcc.batch_norm %arg0, %p, %p, %p, %p {epsilon = 1.0 : f32} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %y, %z, %x : tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>
}

// -----

// Tests that per-channel constant mul ([1,C,1,1]) and add ([C,1,1]) after a
// conv fold into its weights and bias, in either operand order.
// CHECK-LABEL: func.func @conv_mul_add
// CHECK-DAG: %[[W:.+]] = qcc.constant dense<{{\[}}{{\[}}{{\[}}[2.000000e+00]], {{\[}}[4.000000e+00]]], {{\[}}{{\[}}[-3.000000e+00]], {{\[}}[-4.000000e+00]]]]> : tensor<2x2x1x1xf32>
// CHECK-DAG: %[[B:.+]] = qcc.constant dense<[1.100000e+01, 2.100000e+01]> : tensor<2xf32>
// CHECK: %[[C:.+]] = qcc.conv2d %arg0, %[[W]], %[[B]]
// CHECK-NOT: qcc.binary
// CHECK: return %[[C]]
func.func @conv_mul_add(%arg0: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %w = qcc.constant dense<[[[[1.0]], [[2.0]]], [[[3.0]], [[4.0]]]]> : tensor<2x2x1x1xf32>
  %b = qcc.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %c = qcc.conv2d %arg0, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  %s = qcc.constant dense<[[[[2.0]], [[-1.0]]]]> : tensor<1x2x1x1xf32>
  %m = qcc.binary mul %s, %c : (tensor<1x2x1x1xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %t = qcc.constant dense<[[[10.0]], [[20.0]]]> : tensor<2x1x1xf32>
  %a = qcc.binary add %m, %t : (tensor<1x2x3x3xf32>, tensor<2x1x1xf32>) -> tensor<1x2x3x3xf32>
  return %a : tensor<1x2x3x3xf32>
}

// -----

// Tests that a division and subtraction by a per-tensor scalar fold too.
// CHECK-LABEL: func.func @conv_div_sub
// CHECK-DAG: qcc.constant dense<{{\[}}{{\[}}{{\[}}[5.000000e-01]], {{\[}}[1.000000e+00]]], {{\[}}{{\[}}[1.500000e+00]], {{\[}}[2.000000e+00]]]]> : tensor<2x2x1x1xf32>
// CHECK-DAG: qcc.constant dense<-1.000000e+00> : tensor<2xf32>
// CHECK-NOT: qcc.binary
func.func @conv_div_sub(%arg0: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %w = qcc.constant dense<[[[[1.0]], [[2.0]]], [[[3.0]], [[4.0]]]]> : tensor<2x2x1x1xf32>
  %c = qcc.conv2d %arg0, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x3x3xf32>
  %two = qcc.constant dense<2.0> : tensor<f32>
  %d = qcc.binary div %c, %two : (tensor<1x2x3x3xf32>, tensor<f32>) -> tensor<1x2x3x3xf32>
  %one = qcc.constant dense<1.0> : tensor<1xf32>
  %s = qcc.binary sub %d, %one : (tensor<1x2x3x3xf32>, tensor<1xf32>) -> tensor<1x2x3x3xf32>
  return %s : tensor<1x2x3x3xf32>
}

// -----

// Tests that constants varying along a non-channel dimension, and a constant
// minus a conv, are left alone.
// CHECK-LABEL: func.func @not_per_channel
// CHECK: %[[C:.+]] = qcc.conv2d
// CHECK: qcc.binary add %[[C]]
// CHECK: %[[D:.+]] = qcc.conv2d
// CHECK: qcc.binary sub %{{.+}}, %[[D]]
func.func @not_per_channel(%arg0: tensor<1x2x3x3xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) {
  %w = qcc.constant dense<1.0> : tensor<2x2x1x1xf32>
  %c = qcc.conv2d %arg0, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x3x3xf32>
  %r = qcc.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %a = qcc.binary add %c, %r : (tensor<1x2x3x3xf32>, tensor<3xf32>) -> tensor<1x2x3x3xf32>
  %d = qcc.conv2d %arg0, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x3x3xf32>
  %k = qcc.constant dense<1.0> : tensor<1xf32>
  %s = qcc.binary sub %k, %d : (tensor<1xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  return %a, %s : tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>
}

// -----

// Tests that a matmul followed by a per-column bias add (ONNX MatMul + Add)
// folds into the matmul's bias and keeps the weights untouched.
// CHECK-LABEL: func.func @matmul_add
// CHECK: %[[W:.+]] = qcc.constant dense<1.000000e+00> : tensor<2x3xf32>
// CHECK: %[[B:.+]] = qcc.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>
// CHECK: %[[M:.+]] = qcc.matmul %arg0, %[[W]], %[[B]]
// CHECK: return %[[M]]
func.func @matmul_add(%arg0: tensor<1x4x2xf32>) -> tensor<1x4x3xf32> {
  %w = qcc.constant dense<1.0> : tensor<2x3xf32>
  %m = qcc.matmul %arg0, %w : (tensor<1x4x2xf32>, tensor<2x3xf32>) -> tensor<1x4x3xf32>
  %b = qcc.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %a = qcc.binary add %m, %b : (tensor<1x4x3xf32>, tensor<3xf32>) -> tensor<1x4x3xf32>
  return %a : tensor<1x4x3xf32>
}
