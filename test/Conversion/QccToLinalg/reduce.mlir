// RUN: qcc-opt %s --split-input-file --convert-qcc-to-linalg | FileCheck %s

// Tests that a sum reduction is a generic with reduction iterators on the
// reduced axes into a zero-filled init, and keepdims expands the result.
// CHECK-DAG: #[[IN:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func.func @sum_keepdims
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>)
// CHECK: %[[Z:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[E:.+]] = tensor.empty() : tensor<3xf32>
// CHECK: %[[INIT:.+]] = linalg.fill ins(%[[Z]] : f32) outs(%[[E]] : tensor<3xf32>)
// CHECK: %[[R:.+]] = linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]], iterator_types = ["reduction", "parallel", "reduction"]}
// CHECK-SAME: ins(%[[X]] : tensor<2x3x4xf32>) outs(%[[INIT]] : tensor<3xf32>)
// CHECK: ^bb0(%[[V:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK: arith.addf %[[V]], %[[ACC]]
// CHECK: %[[K:.+]] = tensor.expand_shape %[[R]] {{\[}}[0, 1, 2]] output_shape [1, 3, 1] : tensor<3xf32> into tensor<1x3x1xf32>
// CHECK: return %[[K]]
func.func @sum_keepdims(%x: tensor<2x3x4xf32>) -> tensor<1x3x1xf32> {
  %y = qcc.reduce sum %x {axes = array<i64: 0, 2>, keepdims = true} : tensor<2x3x4xf32> -> tensor<1x3x1xf32>
  return %y : tensor<1x3x1xf32>
}

// -----

// Tests that mean divides the sum by the reduced element count.
// CHECK-LABEL: func.func @mean
// CHECK: linalg.generic
// CHECK: arith.addf
// CHECK: linalg.generic
// CHECK: %[[N:.+]] = arith.constant 1.200000e+01 : f32
// CHECK: arith.divf %{{.+}}, %[[N]]
func.func @mean(%x: tensor<2x3x4xf32>) -> tensor<2xf32> {
  %y = qcc.reduce mean %x {axes = array<i64: 1, 2>, keepdims = false} : tensor<2x3x4xf32> -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

// Tests the identities of max (-inf), min (+inf) and prod (1).
// CHECK-LABEL: func.func @max_min_prod
// CHECK: arith.constant 0xFF800000 : f32
// CHECK: arith.maximumf
// CHECK: arith.constant 0x7F800000 : f32
// CHECK: arith.minimumf
// CHECK: arith.constant 1.000000e+00 : f32
// CHECK: arith.mulf
func.func @max_min_prod(%x: tensor<2x3xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
  %a = qcc.reduce max %x {axes = array<i64: 1>, keepdims = false} : tensor<2x3xf32> -> tensor<2xf32>
  %b = qcc.reduce min %x {axes = array<i64: 1>, keepdims = false} : tensor<2x3xf32> -> tensor<2xf32>
  %c = qcc.reduce prod %x {axes = array<i64: 1>, keepdims = false} : tensor<2x3xf32> -> tensor<2xf32>
  return %a, %b, %c : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
}

// -----

// Tests that l1 sums |x|, l2 takes the square root of the sum of squares.
// CHECK-LABEL: func.func @norms
// CHECK: math.absf
// CHECK: arith.addf
// CHECK: %[[SQ:.+]] = arith.mulf %[[V:.+]], %[[V]]
// CHECK: arith.addf %[[SQ]]
// CHECK: linalg.generic
// CHECK: math.sqrt
func.func @norms(%x: tensor<2x3xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  %a = qcc.reduce l1 %x {axes = array<i64: 1>, keepdims = false} : tensor<2x3xf32> -> tensor<2xf32>
  %b = qcc.reduce l2 %x {axes = array<i64: 1>, keepdims = false} : tensor<2x3xf32> -> tensor<2xf32>
  return %a, %b : tensor<2xf32>, tensor<2xf32>
}

// -----

// Tests that log_sum_exp is stable: a max reduction, a sum of exp(x - max)
// reading the max along the kept dims, then log(sum) + max.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @log_sum_exp
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
// CHECK: %[[MAX:.+]] = linalg.generic
// CHECK: arith.maximumf
// CHECK: %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ROW]]], iterator_types = ["parallel", "reduction"]}
// CHECK-SAME: ins(%[[X]], %[[MAX]] : tensor<2x3xf32>, tensor<2xf32>)
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[SUM]], %[[MAX]] : tensor<2xf32>, tensor<2xf32>)
// CHECK: math.log
// CHECK: arith.addf
func.func @log_sum_exp(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  %y = qcc.reduce log_sum_exp %x {axes = array<i64: 1>, keepdims = false} : tensor<2x3xf32> -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

// Tests that reducing every axis without keepdims gives a rank-0 tensor, and
// with keepdims expands it with an empty reassociation.
// CHECK-LABEL: func.func @reduce_all
// CHECK: %[[R:.+]] = linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]
// CHECK-SAME: outs(%{{.+}} : tensor<f32>)
// CHECK: tensor.expand_shape %{{.+}} [] output_shape [1, 1] : tensor<f32> into tensor<1x1xf32>
// CHECK: return %[[R]]
func.func @reduce_all(%x: tensor<2x3xf32>) -> (tensor<f32>, tensor<1x1xf32>) {
  %a = qcc.reduce sum %x {axes = array<i64: 0, 1>, keepdims = false} : tensor<2x3xf32> -> tensor<f32>
  %b = qcc.reduce sum %x {axes = array<i64: 0, 1>, keepdims = true} : tensor<2x3xf32> -> tensor<1x1xf32>
  return %a, %b : tensor<f32>, tensor<1x1xf32>
}

// -----

// Tests integer reductions: addi for sum, the signed minimum for max.
// CHECK-LABEL: func.func @int_reduce
// CHECK: arith.addi
// CHECK: arith.constant -2147483648 : i32
// CHECK: arith.maxsi
func.func @int_reduce(%x: tensor<2x3xi32>) -> (tensor<2xi32>, tensor<2xi32>) {
  %a = qcc.reduce sum %x {axes = array<i64: 1>, keepdims = false} : tensor<2x3xi32> -> tensor<2xi32>
  %b = qcc.reduce max %x {axes = array<i64: 1>, keepdims = false} : tensor<2x3xi32> -> tensor<2xi32>
  return %a, %b : tensor<2xi32>, tensor<2xi32>
}
