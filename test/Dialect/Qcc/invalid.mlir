// RUN: qcc-opt %s --split-input-file --verify-diagnostics

// Tests that a conv2d needs rank-4 operands.
func.func @conv_rank(%x: tensor<1x3x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'qcc.conv2d' op expects rank-4 input, weight and result}}
  %0 = qcc.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// Tests that a conv2d needs 2 strides, 2 dilations and 4 pads.
func.func @conv_attr_sizes(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{expects 2 strides, 2 dilations and 4 pads}}
  %0 = qcc.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// Tests that conv2d strides must be positive.
func.func @conv_strides(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{strides must be positive}}
  %0 = qcc.conv2d %x, %w {strides = array<i64: 0, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// Tests that conv2d dilations must be positive.
func.func @conv_dilations(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{dilations must be positive}}
  %0 = qcc.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, -1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// Tests that conv2d pads must be non-negative.
func.func @conv_pads(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{pads must be non-negative}}
  %0 = qcc.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, -1, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// Tests that conv2d group must be positive.
func.func @conv_group_positive(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{group must be positive}}
  %0 = qcc.conv2d %x, %w {group = 0 : i64, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// Tests that conv2d needs static shapes.
func.func @conv_dynamic(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{expects static shapes}}
  %0 = qcc.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// Tests that the group must divide both channel counts.
func.func @conv_group_divides(%x: tensor<1x4x8x8xf32>, %w: tensor<3x2x3x3xf32>) {
  // expected-error @+1 {{group 2 does not divide channels (in 4, out 3)}}
  %0 = qcc.conv2d %x, %w {group = 2 : i64, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x6x6xf32>
  return
}

// -----

// Tests that weight input channels match the input channels per group.
func.func @conv_weight_channels(%x: tensor<1x4x8x8xf32>, %w: tensor<4x4x3x3xf32>) {
  // expected-error @+1 {{weight has 4 input channels per group, expected 2}}
  %0 = qcc.conv2d %x, %w {group = 2 : i64, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// Tests that the conv2d bias has one value per output channel.
func.func @conv_bias(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{bias must have shape [4]}}
  %0 = qcc.conv2d %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// Tests that the conv2d result shape follows strides, pads and dilations.
func.func @conv_result(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{result shape does not match the convolution; expected [1, 4, 4, 4]}}
  %0 = qcc.conv2d %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// Tests that act_params need an activation.
func.func @conv_params_without_activation(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{has act_params without an activation}}
  %0 = qcc.conv2d %x, %w {act_params = array<f32: 1.0>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// Tests that a fused activation has its parameter count.
func.func @conv_activation_params(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{activation 'clip' expects 2 parameter(s), got 1}}
  %0 = qcc.conv2d %x, %w {activation = #qcc<unary clip>, act_params = array<f32: 1.0>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// Tests that matmul operands have rank >= 2.
func.func @matmul_rank(%a: tensor<4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{expects operands of rank >= 2}}
  %0 = qcc.matmul %a, %b : (tensor<4xf32>, tensor<4x5xf32>) -> tensor<5xf32>
  return
}

// -----

// Tests that matmul needs static shapes.
func.func @matmul_dynamic(%a: tensor<?x4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{expects static shapes}}
  %0 = qcc.matmul %a, %b : (tensor<?x4xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

// Tests that the contracting dimensions agree.
func.func @matmul_contracting(%a: tensor<2x4xf32>, %b: tensor<3x5xf32>) {
  // expected-error @+1 {{contracting dimensions differ: 4 vs 3}}
  %0 = qcc.matmul %a, %b : (tensor<2x4xf32>, tensor<3x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

// Tests that batch dimensions broadcast.
func.func @matmul_batch(%a: tensor<2x2x4xf32>, %b: tensor<3x4x5xf32>) {
  // expected-error @+1 {{batch dimensions do not broadcast}}
  %0 = qcc.matmul %a, %b : (tensor<2x2x4xf32>, tensor<3x4x5xf32>) -> tensor<2x2x5xf32>
  return
}

// -----

// Tests the matmul result shape.
func.func @matmul_result(%a: tensor<1x2x4xf32>, %b: tensor<3x4x5xf32>) {
  // expected-error @+1 {{result shape does not match; expected [3, 2, 5]}}
  %0 = qcc.matmul %a, %b : (tensor<1x2x4xf32>, tensor<3x4x5xf32>) -> tensor<1x2x5xf32>
  return
}

// -----

// Tests that the matmul bias broadcasts to the result.
func.func @matmul_bias(%a: tensor<2x4xf32>, %b: tensor<4x5xf32>, %c: tensor<3x5xf32>) {
  // expected-error @+1 {{bias does not broadcast to the result}}
  %0 = qcc.matmul %a, %b, %c : (tensor<2x4xf32>, tensor<4x5xf32>, tensor<3x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

// Tests that a matmul's fused activation is checked too.
func.func @matmul_activation(%a: tensor<2x4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{activation 'leaky_relu' expects 1 parameter(s), got 0}}
  %0 = qcc.matmul %a, %b {activation = #qcc<unary leaky_relu>} : (tensor<2x4xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

// Tests that unary params match the kind.
func.func @unary_params(%x: tensor<4xf32>) {
  // expected-error @+1 {{activation 'selu' expects 2 parameter(s), got 1}}
  %0 = qcc.unary selu %x {params = array<f32: 1.0>} : tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

// Tests that gelu takes at most one parameter.
func.func @unary_gelu_params(%x: tensor<4xf32>) {
  // expected-error @+1 {{activation 'gelu' expects 0 parameter(s), got 2}}
  %0 = qcc.unary gelu %x {params = array<f32: 1.0, 2.0>} : tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

// Tests that a unary keeps its element type.
func.func @unary_element_type(%x: tensor<4xf32>) {
  // expected-error @+1 {{result element type must equal the input's}}
  %0 = qcc.unary relu %x : tensor<4xf32> -> tensor<4xf16>
  return
}

// -----

// Tests that binary operands broadcast.
func.func @binary_broadcast(%a: tensor<2x3xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{operand shapes do not broadcast}}
  %0 = qcc.binary add %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return
}

// -----

// Tests that the binary result has the broadcast shape.
func.func @binary_result_shape(%a: tensor<2x1xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{result shape must be the broadcast shape [2, 3]}}
  %0 = qcc.binary add %a, %b : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x1xf32>
  return
}

// -----

// Tests that binary operands share an element type.
func.func @binary_operand_types(%a: tensor<3xf32>, %b: tensor<3xf16>) {
  // expected-error @+1 {{operand element types differ}}
  %0 = qcc.binary add %a, %b : (tensor<3xf32>, tensor<3xf16>) -> tensor<3xf32>
  return
}

// -----

// Tests that comparisons produce i1.
func.func @binary_comparison_type(%a: tensor<3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{comparison result must have i1 elements}}
  %0 = qcc.binary less %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

// Tests that arithmetic keeps the operand element type.
func.func @binary_result_type(%a: tensor<3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{result element type must equal the operands'}}
  %0 = qcc.binary mul %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xi1>
  return
}

// -----

// Tests that batch_norm needs rank >= 2.
func.func @bn_rank(%x: tensor<4xf32>, %p: tensor<4xf32>) {
  // expected-error @+1 {{expects input of rank >= 2}}
  %0 = qcc.batch_norm %x, %p, %p, %p, %p {epsilon = 1.0e-5 : f32} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// Tests that batch_norm parameters have one value per channel.
func.func @bn_params(%x: tensor<1x4x2x2xf32>, %p: tensor<4xf32>, %q: tensor<3xf32>) {
  // expected-error @+1 {{scale, bias, mean and variance must have shape [4]}}
  %0 = qcc.batch_norm %x, %p, %p, %q, %p {epsilon = 1.0e-5 : f32} : (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<3xf32>, tensor<4xf32>) -> tensor<1x4x2x2xf32>
  return
}

// -----

// Tests that batch_norm keeps the input type.
func.func @bn_result(%x: tensor<1x4x2x2xf32>, %p: tensor<4xf32>) {
  // expected-error @+1 {{result type must equal the input type}}
  %0 = qcc.batch_norm %x, %p, %p, %p, %p {epsilon = 1.0e-5 : f32} : (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x2x2xf16>
  return
}

// -----

// Tests that pool2d needs rank-4 tensors.
func.func @pool_rank(%x: tensor<4x8x8xf32>) {
  // expected-error @+1 {{expects rank-4 input and result}}
  %0 = qcc.pool2d max %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<4x8x8xf32> -> tensor<4x4x4xf32>
  return
}

// -----

// Tests that pool2d needs 2 kernel sizes, strides, dilations and 4 pads.
func.func @pool_attr_sizes(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{expects 2 kernel sizes, strides, dilations and 4 pads}}
  %0 = qcc.pool2d max %x {kernel = array<i64: 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
  return
}

// -----

// Tests that pool2d kernel, strides and dilations are positive.
func.func @pool_positive(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{kernel, strides and dilations must be positive}}
  %0 = qcc.pool2d avg %x {kernel = array<i64: 2, 0>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
  return
}

// -----

// Tests that pool2d pads are non-negative.
func.func @pool_pads(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{pads must be non-negative}}
  %0 = qcc.pool2d avg %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, -1, 0>, dilations = array<i64: 1, 1>} : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
  return
}

// -----

// Tests the pool2d result shape (ceil_mode rounds up).
func.func @pool_result(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{result shape does not match the pooling; expected [1, 4, 4, 4]}}
  %0 = qcc.pool2d max %x {ceil_mode = true, kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x4x8x8xf32> -> tensor<1x4x3x3xf32>
  return
}

// -----

// Tests that reduce axes are in range.
func.func @reduce_axis_range(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{axis 2 out of range for rank 2}}
  %0 = qcc.reduce sum %x {axes = array<i64: 2>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

// Tests that reduce axes are sorted and unique.
func.func @reduce_axes_sorted(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{axes must be sorted and unique}}
  %0 = qcc.reduce sum %x {axes = array<i64: 1, 0>} : tensor<2x3xf32> -> tensor<1x1xf32>
  return
}

// -----

// Tests the reduce result shape.
func.func @reduce_result(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{result shape does not match the reduction; expected [2]}}
  %0 = qcc.reduce max %x {axes = array<i64: 1>, keepdims = false} : tensor<2x3xf32> -> tensor<2x1xf32>
  return
}

// -----

// Tests that the softmax axis is in range.
func.func @softmax_axis(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{axis 2 out of range for rank 2}}
  %0 = qcc.softmax %x {axis = 2 : i64} : tensor<2x3xf32>
  return
}

// -----

// Tests that reshape needs a static input.
func.func @reshape_dynamic(%x: tensor<?x3xf32>) {
  // expected-error @+1 {{expects a static input shape}}
  %0 = qcc.reshape %x : tensor<?x3xf32> -> tensor<6xf32>
  return
}

// -----

// Tests that reshape keeps the element count.
func.func @reshape_count(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{element count changes from 6 to 8}}
  %0 = qcc.reshape %x : tensor<2x3xf32> -> tensor<8xf32>
  return
}

// -----

// Tests that reshape keeps the element type.
func.func @reshape_type(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{element type must not change}}
  %0 = qcc.reshape %x : tensor<2x3xf32> -> tensor<6xi32>
  return
}

// -----

// Tests that transpose perm has one entry per dimension.
func.func @transpose_perm_size(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{perm must have 2 entries}}
  %0 = qcc.transpose %x {perm = array<i64: 0, 1, 2>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

// Tests that transpose perm is a permutation.
func.func @transpose_perm(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{perm is not a permutation}}
  %0 = qcc.transpose %x {perm = array<i64: 1, 1>} : tensor<2x3xf32> -> tensor<3x3xf32>
  return
}

// -----

// Tests the transpose result shape.
func.func @transpose_result(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{result shape does not match the permutation}}
  %0 = qcc.transpose %x {perm = array<i64: 1, 0>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

// Tests that concat needs an input.
func.func @concat_empty() {
  // expected-error @+1 {{expects at least one input}}
  %0 = qcc.concat {axis = 0 : i64} : () -> tensor<2xf32>
  return
}

// -----

// Tests that the concat axis is in range.
func.func @concat_axis(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{axis 2 out of range for rank 2}}
  %0 = qcc.concat %x, %x {axis = 2 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
  return
}

// -----

// Tests that concat inputs share rank and element type.
func.func @concat_types(%x: tensor<2x3xf32>, %y: tensor<2x3xf16>) {
  // expected-error @+1 {{inputs must share rank and element type}}
  %0 = qcc.concat %x, %y {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x3xf16>) -> tensor<2x6xf32>
  return
}

// -----

// Tests that concat inputs agree outside the axis.
func.func @concat_dims(%x: tensor<2x3xf32>, %y: tensor<3x3xf32>) {
  // expected-error @+1 {{inputs differ in dimension 0}}
  %0 = qcc.concat %x, %y {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x6xf32>
  return
}

// -----

// Tests the concat result shape.
func.func @concat_result(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{result shape does not match the concatenation}}
  %0 = qcc.concat %x, %x {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  return
}

// -----

// Tests that slice starts, steps and result match the input rank.
func.func @slice_rank(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{starts, steps and result must match the input rank}}
  %0 = qcc.slice %x {starts = array<i64: 0>, steps = array<i64: 1, 1>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

// Tests that slice steps are non-zero.
func.func @slice_step(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{steps must be non-zero}}
  %0 = qcc.slice %x {starts = array<i64: 0, 0>, steps = array<i64: 1, 0>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

// Tests that a slice stays in bounds, also walking backwards.
func.func @slice_bounds(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{slice of dimension 1 is out of bounds}}
  %0 = qcc.slice %x {starts = array<i64: 0, 1>, steps = array<i64: 1, -1>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

// Tests that the gather axis is in range.
func.func @gather_axis(%x: tensor<2x3xf32>, %i: tensor<2xi64>) {
  // expected-error @+1 {{axis 2 out of range}}
  %0 = qcc.gather %x, %i {axis = 2 : i64} : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x2xf32>
  return
}

// -----

// Tests that gather indices are integers.
func.func @gather_indices(%x: tensor<2x3xf32>, %i: tensor<2xf32>) {
  // expected-error @+1 {{indices must be integers}}
  %0 = qcc.gather %x, %i {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  return
}

// -----

// Tests the gather result shape.
func.func @gather_result(%x: tensor<2x3xf32>, %i: tensor<4xi64>) {
  // expected-error @+1 {{result shape does not match the gather}}
  %0 = qcc.gather %x, %i {axis = 1 : i64} : (tensor<2x3xf32>, tensor<4xi64>) -> tensor<2x3xf32>
  return
}

// -----

// Tests that quantize takes float input.
func.func @quantize_input(%x: tensor<4xi32>) {
  // expected-error @+1 {{input must have float elements}}
  %0 = qcc.quantize %x : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

// Tests that quantize produces !quant.uniform elements.
func.func @quantize_result(%x: tensor<4xf32>) {
  // expected-error @+1 {{result must have !quant.uniform elements}}
  %0 = qcc.quantize %x : tensor<4xf32> -> tensor<4xi8>
  return
}

// -----

// Tests that a per-axis quantized dimension is in range.
func.func @quantize_axis(%x: tensor<4xf32>) {
  // expected-error @+1 {{result quantized axis 1 out of range}}
  %0 = qcc.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32:1, {0.1, 0.2}>>
  return
}

// -----

// Tests that per-axis scales cover the quantized dimension.
func.func @quantize_scales(%x: tensor<4x3xf32>) {
  // expected-error @+1 {{result has 2 scales for a dimension of size 3}}
  %0 = qcc.quantize %x : tensor<4x3xf32> -> tensor<4x3x!quant.uniform<i8:f32:1, {0.1, 0.2}>>
  return
}

// -----

// Tests that only uniform quantized types are accepted.
func.func @quantize_any(%x: tensor<4xf32>) {
  // expected-error @+1 {{result must be a uniform quantized type}}
  %0 = qcc.quantize %x : tensor<4xf32> -> tensor<4x!quant.any<i8:f32>>
  return
}

// -----

// Tests that quantize's expressed type is its input type.
func.func @quantize_expressed(%x: tensor<4xf16>) {
  // expected-error @+1 {{result expressed type 'f32' differs from input element type 'f16'}}
  %0 = qcc.quantize %x : tensor<4xf16> -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

// Tests that dequantize produces float elements.
func.func @dequantize_result(%x: tensor<4x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{result must have float elements}}
  %0 = qcc.dequantize %x : tensor<4x!quant.uniform<i8:f32, 0.1>> -> tensor<4xi32>
  return
}

// -----

// Tests that dequantize takes !quant.uniform elements.
func.func @dequantize_input(%x: tensor<4xi8>) {
  // expected-error @+1 {{input must have !quant.uniform elements}}
  %0 = qcc.dequantize %x : tensor<4xi8> -> tensor<4xf32>
  return
}

// -----

// Tests that dequantize's result is the expressed type.
func.func @dequantize_expressed(%x: tensor<4x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{input expressed type 'f32' differs from result element type 'f16'}}
  %0 = qcc.dequantize %x : tensor<4x!quant.uniform<i8:f32, 0.1>> -> tensor<4xf16>
  return
}

// -----

// Tests that requantize takes a quantized input.
func.func @requantize_input(%x: tensor<4xi8>) {
  // expected-error @+1 {{input must have !quant.uniform elements}}
  %0 = qcc.requantize %x : tensor<4xi8> -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

// Tests that requantize produces a quantized result.
func.func @requantize_result(%x: tensor<4x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{result must have !quant.uniform elements}}
  %0 = qcc.requantize %x : tensor<4x!quant.uniform<i8:f32, 0.1>> -> tensor<4xi8>
  return
}

// -----

// Tests that requantize keeps the expressed type.
func.func @requantize_expressed(%x: tensor<4x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{input and result expressed types differ}}
  %0 = qcc.requantize %x : tensor<4x!quant.uniform<i8:f32, 0.1>> -> tensor<4x!quant.uniform<i8:f16, 0.1>>
  return
}
