// RUN: qcc-opt %s --split-input-file --convert-qcc-to-linalg | FileCheck %s

// Tests that a one-group convolution pads its input with zeros, broadcasts
// the bias into the accumulator and becomes linalg.conv_2d_nchw_fchw with the
// op's strides and dilations; the fused relu follows as a generic.
// CHECK-LABEL: func.func @conv_pad_bias_relu
// CHECK-SAME: (%[[X:.+]]: tensor<1x4x8x8xf32>, %[[W:.+]]: tensor<8x4x3x3xf32>, %[[B:.+]]: tensor<8xf32>)
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[PAD:.+]] = tensor.pad %[[X]] low[0, 0, 1, 2] high[0, 0, 1, 0]
// CHECK: tensor.yield %[[ZERO]] : f32
// CHECK: } : tensor<1x4x8x8xf32> to tensor<1x4x10x10xf32>
// CHECK: %[[E:.+]] = tensor.empty() : tensor<1x8x4x4xf32>
// CHECK: %[[INIT:.+]] = linalg.broadcast ins(%[[B]] : tensor<8xf32>) outs(%[[E]] : tensor<1x8x4x4xf32>) dimensions = [0, 2, 3]
// CHECK: %[[CONV:.+]] = linalg.conv_2d_nchw_fchw
// CHECK-SAME: dilations = dense<1> : tensor<2xi64>
// CHECK-SAME: strides = dense<2> : tensor<2xi64>
// CHECK-SAME: ins(%[[PAD]], %[[W]] : tensor<1x4x10x10xf32>, tensor<8x4x3x3xf32>) outs(%[[INIT]] : tensor<1x8x4x4xf32>)
// CHECK: %[[ACT:.+]] = linalg.generic
// CHECK-SAME: ins(%[[CONV]] : tensor<1x8x4x4xf32>)
// CHECK: arith.maximumf
// CHECK: return %[[ACT]]
func.func @conv_pad_bias_relu(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>, %b: tensor<8xf32>) -> tensor<1x8x4x4xf32> {
  %y = qcc.conv2d %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 2, 1, 0>, dilations = array<i64: 1, 1>, activation = #qcc<unary relu>} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  return %y : tensor<1x8x4x4xf32>
}

// -----

// Tests that a convolution without padding or bias reads its input directly
// and accumulates into a zero-filled init.
// CHECK-LABEL: func.func @conv_plain
// CHECK-SAME: (%[[X:.+]]: tensor<1x3x9x9xf32>, %[[W:.+]]: tensor<2x3x3x3xf32>)
// CHECK-NOT: tensor.pad
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[E:.+]] = tensor.empty() : tensor<1x2x5x5xf32>
// CHECK: %[[FILL:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E]] : tensor<1x2x5x5xf32>)
// CHECK: %[[CONV:.+]] = linalg.conv_2d_nchw_fchw
// CHECK-SAME: dilations = dense<2> : tensor<2xi64>
// CHECK-SAME: strides = dense<1> : tensor<2xi64>
// CHECK-SAME: ins(%[[X]], %[[W]] : tensor<1x3x9x9xf32>, tensor<2x3x3x3xf32>) outs(%[[FILL]] : tensor<1x2x5x5xf32>)
// CHECK-NOT: linalg.generic
// CHECK: return %[[CONV]]
func.func @conv_plain(%x: tensor<1x3x9x9xf32>, %w: tensor<2x3x3x3xf32>) -> tensor<1x2x5x5xf32> {
  %y = qcc.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 2, 2>} : (tensor<1x3x9x9xf32>, tensor<2x3x3x3xf32>) -> tensor<1x2x5x5xf32>
  return %y : tensor<1x2x5x5xf32>
}

// -----

// Tests that a depthwise convolution (one filter per channel) drops the unit
// weight dimension and becomes linalg.depthwise_conv_2d_nchw_chw.
// CHECK-LABEL: func.func @conv_depthwise
// CHECK-SAME: (%[[X:.+]]: tensor<1x4x8x8xf32>, %[[W:.+]]: tensor<4x1x3x3xf32>, %[[B:.+]]: tensor<4xf32>)
// CHECK: %[[INIT:.+]] = linalg.broadcast ins(%[[B]] : tensor<4xf32>) outs({{.*}} : tensor<1x4x6x6xf32>) dimensions = [0, 2, 3]
// CHECK: %[[W3:.+]] = tensor.collapse_shape %[[W]] {{\[}}[0], [1, 2], [3]] : tensor<4x1x3x3xf32> into tensor<4x3x3xf32>
// CHECK: %[[CONV:.+]] = linalg.depthwise_conv_2d_nchw_chw
// CHECK-SAME: ins(%[[X]], %[[W3]] : tensor<1x4x8x8xf32>, tensor<4x3x3xf32>) outs(%[[INIT]] : tensor<1x4x6x6xf32>)
// CHECK: return %[[CONV]]
func.func @conv_depthwise(%x: tensor<1x4x8x8xf32>, %w: tensor<4x1x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x6x6xf32> {
  %y = qcc.conv2d %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 4} : (tensor<1x4x8x8xf32>, tensor<4x1x3x3xf32>, tensor<4xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

// Tests that a grouped convolution splits channels into [group, per-group]
// views, runs linalg.conv_2d_ngchw_gfchw with the bias broadcast into the
// grouped init, and collapses the result back to NCHW.
// CHECK-LABEL: func.func @conv_grouped
// CHECK-SAME: (%[[X:.+]]: tensor<1x4x8x8xf32>, %[[W:.+]]: tensor<6x2x3x3xf32>, %[[B:.+]]: tensor<6xf32>)
// CHECK: %[[X5:.+]] = tensor.expand_shape %[[X]] {{\[}}[0], [1, 2], [3], [4]] output_shape [1, 2, 2, 8, 8]
// CHECK: %[[W5:.+]] = tensor.expand_shape %[[W]] {{\[}}[0, 1], [2], [3], [4]] output_shape [2, 3, 2, 3, 3]
// CHECK: %[[B2:.+]] = tensor.expand_shape %[[B]] {{\[}}[0, 1]] output_shape [2, 3]
// CHECK: %[[INIT:.+]] = linalg.broadcast ins(%[[B2]] : tensor<2x3xf32>) outs({{.*}} : tensor<1x2x3x6x6xf32>) dimensions = [0, 3, 4]
// CHECK: %[[CONV:.+]] = linalg.conv_2d_ngchw_gfchw
// CHECK-SAME: ins(%[[X5]], %[[W5]] : tensor<1x2x2x8x8xf32>, tensor<2x3x2x3x3xf32>) outs(%[[INIT]] : tensor<1x2x3x6x6xf32>)
// CHECK: %[[R:.+]] = tensor.collapse_shape %[[CONV]] {{\[}}[0], [1, 2], [3], [4]] : tensor<1x2x3x6x6xf32> into tensor<1x6x6x6xf32>
// CHECK: return %[[R]]
func.func @conv_grouped(%x: tensor<1x4x8x8xf32>, %w: tensor<6x2x3x3xf32>, %b: tensor<6xf32>) -> tensor<1x6x6x6xf32> {
  %y = qcc.conv2d %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 2} : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<1x6x6x6xf32>
  return %y : tensor<1x6x6x6xf32>
}

// -----

// Tests that a depthwise convolution with a channel multiplier (two filters
// per input channel) takes the grouped path.
// CHECK-LABEL: func.func @conv_depthwise_multiplier
// CHECK: tensor.expand_shape %{{.+}} {{\[}}[0], [1, 2], [3], [4]] output_shape [1, 3, 1, 6, 6]
// CHECK: tensor.expand_shape %{{.+}} {{\[}}[0, 1], [2], [3], [4]] output_shape [3, 2, 1, 3, 3]
// CHECK: linalg.conv_2d_ngchw_gfchw
// CHECK-NOT: linalg.depthwise_conv_2d_nchw_chw
func.func @conv_depthwise_multiplier(%x: tensor<1x3x6x6xf32>, %w: tensor<6x1x3x3xf32>) -> tensor<1x6x4x4xf32> {
  %y = qcc.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 3} : (tensor<1x3x6x6xf32>, tensor<6x1x3x3xf32>) -> tensor<1x6x4x4xf32>
  return %y : tensor<1x6x4x4xf32>
}

// -----

// Tests that a fused clip activation uses its parameters as the bounds.
// CHECK-LABEL: func.func @conv_clip
// CHECK: linalg.conv_2d_nchw_fchw
// CHECK: linalg.generic
// CHECK: %[[LO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[M:.+]] = arith.maximumf %{{.+}}, %[[LO]] : f32
// CHECK: %[[HI:.+]] = arith.constant 6.000000e+00 : f32
// CHECK: arith.minimumf %[[M]], %[[HI]] : f32
func.func @conv_clip(%x: tensor<1x1x3x3xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x1x1xf32> {
  %y = qcc.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, activation = #qcc<unary clip>, act_params = array<f32: 0.0, 6.0>} : (tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x1x1xf32>
  return %y : tensor<1x1x1x1xf32>
}
