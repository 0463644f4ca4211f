// RUN: qcc-opt %s --split-input-file --convert-qcc-to-linalg | FileCheck %s

// Tests that max pooling pads with the lowest float (padding never wins),
// starts from the same value and becomes linalg.pooling_nchw_max.
// CHECK-LABEL: func.func @max_pool_pad
// CHECK-SAME: (%[[X:.+]]: tensor<1x2x5x5xf32>)
// CHECK: %[[LOW:.+]] = arith.constant -3.40282347E+38 : f32
// CHECK: %[[PAD:.+]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[LOW]]
// CHECK: } : tensor<1x2x5x5xf32> to tensor<1x2x7x7xf32>
// CHECK: %[[INIT:.+]] = linalg.fill ins(%[[LOW]] : f32) outs(%{{.+}} : tensor<1x2x3x3xf32>)
// CHECK: %[[WIN:.+]] = tensor.empty() : tensor<3x3xf32>
// CHECK: %[[R:.+]] = linalg.pooling_nchw_max
// CHECK-SAME: strides = dense<2> : tensor<2xi64>
// CHECK-SAME: ins(%[[PAD]], %[[WIN]] : tensor<1x2x7x7xf32>, tensor<3x3xf32>) outs(%[[INIT]] : tensor<1x2x3x3xf32>)
// CHECK: return %[[R]]
func.func @max_pool_pad(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32> {
  %y = qcc.pool2d max %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : tensor<1x2x5x5xf32> -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// Tests that ceil_mode grows the end padding so that the last, partial
// window exists.
// CHECK-LABEL: func.func @max_pool_ceil
// CHECK: tensor.pad %{{.+}} low[0, 0, 0, 0] high[0, 0, 1, 1]
// CHECK: } : tensor<1x2x5x5xf32> to tensor<1x2x6x6xf32>
// CHECK: linalg.pooling_nchw_max
func.func @max_pool_ceil(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32> {
  %y = qcc.pool2d max %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = true} : tensor<1x2x5x5xf32> -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// Tests that average pooling without padding divides the window sums by one
// constant.
// CHECK-LABEL: func.func @avg_pool_uniform
// CHECK-SAME: (%[[X:.+]]: tensor<1x2x6x6xf32>)
// CHECK-NOT: tensor.pad
// CHECK: %[[SUM:.+]] = linalg.pooling_nchw_sum
// CHECK-SAME: ins(%[[X]], %{{.+}} : tensor<1x2x6x6xf32>, tensor<2x2xf32>)
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[SUM]] : tensor<1x2x3x3xf32>)
// CHECK: %[[FOUR:.+]] = arith.constant 4.000000e+00 : f32
// CHECK: arith.divf %{{.+}}, %[[FOUR]] : f32
func.func @avg_pool_uniform(%x: tensor<1x2x6x6xf32>) -> tensor<1x2x3x3xf32> {
  %y = qcc.pool2d avg %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x2x6x6xf32> -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// Tests that average pooling over padding that does not count divides by a
// per-position divisor computed at compile time: corners see 2x2 real
// inputs, edges 2x3, the center 3x3.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[HW:.+]] = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
// CHECK-LABEL: func.func @avg_pool_exclude_pad
// CHECK: %[[SUM:.+]] = linalg.pooling_nchw_sum
// CHECK: %[[DIV:.+]] = arith.constant dense<{{\[}}[4.000000e+00, 6.000000e+00, 4.000000e+00], [6.000000e+00, 9.000000e+00, 6.000000e+00], [4.000000e+00, 6.000000e+00, 4.000000e+00]]> : tensor<3x3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[HW]], #[[ID]]]
// CHECK-SAME: ins(%[[SUM]], %[[DIV]] : tensor<1x2x3x3xf32>, tensor<3x3xf32>)
// CHECK: arith.divf
func.func @avg_pool_exclude_pad(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32> {
  %y = qcc.pool2d avg %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : tensor<1x2x5x5xf32> -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// Tests that with count_include_pad the explicit padding counts but the
// extra ceil_mode padding does not: the last row and column of windows run
// one past the padded input (6 + 1 + 1 rows, windows start at 0, 2, 4, 6).
// CHECK-LABEL: func.func @avg_pool_include_pad_ceil
// CHECK: tensor.pad %{{.+}} low[0, 0, 1, 1] high[0, 0, 2, 2]
// CHECK: arith.constant dense<{{\[}}[9.000000e+00, 9.000000e+00, 9.000000e+00, 6.000000e+00], [9.000000e+00, 9.000000e+00, 9.000000e+00, 6.000000e+00], [9.000000e+00, 9.000000e+00, 9.000000e+00, 6.000000e+00], [6.000000e+00, 6.000000e+00, 6.000000e+00, 4.000000e+00]]> : tensor<4x4xf32>
func.func @avg_pool_include_pad_ceil(%x: tensor<1x1x6x6xf32>) -> tensor<1x1x4x4xf32> {
  %y = qcc.pool2d avg %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, count_include_pad = true, ceil_mode = true} : tensor<1x1x6x6xf32> -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

// Tests that integer max pooling pads with the type's minimum.
// CHECK-LABEL: func.func @max_pool_i8
// CHECK: %[[MIN:.+]] = arith.constant -128 : i8
// CHECK: tensor.pad
// CHECK: tensor.yield %[[MIN]] : i8
// CHECK: linalg.pooling_nchw_max
func.func @max_pool_i8(%x: tensor<1x1x4x4xi8>) -> tensor<1x1x2x2xi8> {
  %y = qcc.pool2d max %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x1x4x4xi8> -> tensor<1x1x2x2xi8>
  return %y : tensor<1x1x2x2xi8>
}

// -----

// Tests that unsigned max pooling runs as the signed named op on values with
// the sign bit flipped (the unsigned order is the signed order of x ^ 0x80),
// padded with the flipped unsigned zero (-128), and flips the result back.
// CHECK-LABEL: func.func @max_pool_ui8
// CHECK-SAME: %[[X:.+]]: tensor<1x1x4x4xi8>
// CHECK: %[[XF:.+]] = linalg.generic {{.*}} ins(%[[X]] : tensor<1x1x4x4xi8>)
// CHECK:   %[[S1:.+]] = arith.constant -128 : i8
// CHECK:   arith.xori %{{.+}}, %[[S1]] : i8
// CHECK: %[[MIN:.+]] = arith.constant -128 : i8
// CHECK: %[[P:.+]] = tensor.pad %[[XF]] low[0, 0, 1, 1] high[0, 0, 0, 0]
// CHECK:   tensor.yield %[[MIN]] : i8
// CHECK: %[[Y:.+]] = linalg.pooling_nchw_max {{.*}} ins(%[[P]], %{{.+}} : tensor<1x1x5x5xi8>, tensor<3x3xi8>)
// CHECK: %[[R:.+]] = linalg.generic {{.*}} ins(%[[Y]] : tensor<1x1x2x2xi8>)
// CHECK:   %[[S2:.+]] = arith.constant -128 : i8
// CHECK:   arith.xori %{{.+}}, %[[S2]] : i8
// CHECK: return %[[R]]
// CHECK-NOT: arith.maxui
func.func @max_pool_ui8(%x: tensor<1x1x4x4xui8>) -> tensor<1x1x2x2xui8> {
  %y = qcc.pool2d max %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x1x4x4xui8> -> tensor<1x1x2x2xui8>
  return %y : tensor<1x1x2x2xui8>
}
