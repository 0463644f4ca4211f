// RUN: qcc-opt %s --split-input-file --convert-qcc-to-linalg | FileCheck %s

// Tests that a 2-D matmul with bias becomes linalg.matmul accumulating into
// the bias broadcast over rows.
// CHECK-LABEL: func.func @matmul_2d_bias
// CHECK-SAME: (%[[A:.+]]: tensor<3x4xf32>, %[[B:.+]]: tensor<4x5xf32>, %[[C:.+]]: tensor<5xf32>)
// CHECK: %[[E:.+]] = tensor.empty() : tensor<3x5xf32>
// CHECK: %[[INIT:.+]] = linalg.broadcast ins(%[[C]] : tensor<5xf32>) outs(%[[E]] : tensor<3x5xf32>) dimensions = [0]
// CHECK: %[[MM:.+]] = linalg.matmul ins(%[[A]], %[[B]] : tensor<3x4xf32>, tensor<4x5xf32>) outs(%[[INIT]] : tensor<3x5xf32>)
// CHECK: return %[[MM]]
func.func @matmul_2d_bias(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>, %c: tensor<5xf32>) -> tensor<3x5xf32> {
  %y = qcc.matmul %a, %b, %c : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<5xf32>) -> tensor<3x5xf32>
  return %y : tensor<3x5xf32>
}

// -----

// Tests that an N-D lhs times a 2-D rhs (the transformer projection) folds
// the batch into the rows of one linalg.matmul and expands the result.
// CHECK-LABEL: func.func @matmul_nd_by_2d
// CHECK-SAME: (%[[A:.+]]: tensor<2x3x4x5xf32>, %[[B:.+]]: tensor<5x6xf32>)
// CHECK: %[[FILL:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<2x3x4x6xf32>)
// CHECK: %[[A2:.+]] = tensor.collapse_shape %[[A]] {{\[}}[0, 1, 2], [3]] : tensor<2x3x4x5xf32> into tensor<24x5xf32>
// CHECK: %[[INIT:.+]] = tensor.collapse_shape %[[FILL]] {{\[}}[0, 1, 2], [3]] : tensor<2x3x4x6xf32> into tensor<24x6xf32>
// CHECK: %[[MM:.+]] = linalg.matmul ins(%[[A2]], %[[B]] : tensor<24x5xf32>, tensor<5x6xf32>) outs(%[[INIT]] : tensor<24x6xf32>)
// CHECK: %[[R:.+]] = tensor.expand_shape %[[MM]] {{\[}}[0, 1, 2], [3]] output_shape [2, 3, 4, 6]
// CHECK: return %[[R]]
func.func @matmul_nd_by_2d(%a: tensor<2x3x4x5xf32>, %b: tensor<5x6xf32>) -> tensor<2x3x4x6xf32> {
  %y = qcc.matmul %a, %b : (tensor<2x3x4x5xf32>, tensor<5x6xf32>) -> tensor<2x3x4x6xf32>
  return %y : tensor<2x3x4x6xf32>
}

// -----

// Tests that equal batch dimensions collapse into one linalg.batch_matmul
// with no broadcast materialized, and that a fused gelu follows.
// CHECK-LABEL: func.func @matmul_batched_gelu
// CHECK-SAME: (%[[A:.+]]: tensor<2x3x4x5xf32>, %[[B:.+]]: tensor<2x3x5x6xf32>)
// CHECK-NOT: linalg.broadcast
// CHECK: %[[A3:.+]] = tensor.collapse_shape %[[A]] {{\[}}[0, 1], [2], [3]] : tensor<2x3x4x5xf32> into tensor<6x4x5xf32>
// CHECK: %[[B3:.+]] = tensor.collapse_shape %[[B]] {{\[}}[0, 1], [2], [3]] : tensor<2x3x5x6xf32> into tensor<6x5x6xf32>
// CHECK: %[[MM:.+]] = linalg.batch_matmul ins(%[[A3]], %[[B3]] : tensor<6x4x5xf32>, tensor<6x5x6xf32>)
// CHECK: %[[R:.+]] = tensor.expand_shape %[[MM]] {{\[}}[0, 1], [2], [3]] output_shape [2, 3, 4, 6]
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[R]] : tensor<2x3x4x6xf32>)
// CHECK: math.erf
func.func @matmul_batched_gelu(%a: tensor<2x3x4x5xf32>, %b: tensor<2x3x5x6xf32>) -> tensor<2x3x4x6xf32> {
  %y = qcc.matmul %a, %b {activation = #qcc<unary gelu>} : (tensor<2x3x4x5xf32>, tensor<2x3x5x6xf32>) -> tensor<2x3x4x6xf32>
  return %y : tensor<2x3x4x6xf32>
}

// -----

// Tests that batch dimensions that broadcast are materialized only on the
// operand that needs it (the unit dimension is dropped first).
// CHECK-LABEL: func.func @matmul_broadcast_batch
// CHECK-SAME: (%[[A:.+]]: tensor<2x1x4x5xf32>, %[[B:.+]]: tensor<3x5x6xf32>)
// CHECK: %[[A2:.+]] = tensor.collapse_shape %[[A]] {{\[}}[0], [1, 2], [3]] : tensor<2x1x4x5xf32> into tensor<2x4x5xf32>
// CHECK: %[[AB:.+]] = linalg.broadcast ins(%[[A2]] : tensor<2x4x5xf32>) outs(%{{.+}} : tensor<2x3x4x5xf32>) dimensions = [1]
// CHECK: %[[BB:.+]] = linalg.broadcast ins(%[[B]] : tensor<3x5x6xf32>) outs(%{{.+}} : tensor<2x3x5x6xf32>) dimensions = [0]
// CHECK: linalg.batch_matmul ins(%{{.+}}, %{{.+}} : tensor<6x4x5xf32>, tensor<6x5x6xf32>) outs(%{{.+}} : tensor<6x4x6xf32>)
func.func @matmul_broadcast_batch(%a: tensor<2x1x4x5xf32>, %b: tensor<3x5x6xf32>) -> tensor<2x3x4x6xf32> {
  %y = qcc.matmul %a, %b : (tensor<2x1x4x5xf32>, tensor<3x5x6xf32>) -> tensor<2x3x4x6xf32>
  return %y : tensor<2x3x4x6xf32>
}

// -----

// Tests that a bias of full result shape is used as the init as it is.
// CHECK-LABEL: func.func @matmul_full_bias
// CHECK-SAME: (%[[A:.+]]: tensor<3x4xf32>, %[[B:.+]]: tensor<4x5xf32>, %[[C:.+]]: tensor<3x5xf32>)
// CHECK-NOT: linalg.broadcast
// CHECK: linalg.matmul ins(%[[A]], %[[B]] : tensor<3x4xf32>, tensor<4x5xf32>) outs(%[[C]] : tensor<3x5xf32>)
func.func @matmul_full_bias(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>, %c: tensor<3x5xf32>) -> tensor<3x5xf32> {
  %y = qcc.matmul %a, %b, %c : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<3x5xf32>) -> tensor<3x5xf32>
  return %y : tensor<3x5xf32>
}
