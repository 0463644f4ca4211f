// RUN: qcc-opt %s --split-input-file --convert-qcc-to-linalg | FileCheck %s

// Tests that numpy broadcasting drops the broadcast unit dimensions of an
// operand (collapse_shape) and reads it through a projected permutation.
// CHECK-DAG: #[[LHS:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[RHS:.+]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @add_broadcast
// CHECK-SAME: (%[[A:.+]]: tensor<2x1x4xf32>, %[[B:.+]]: tensor<3x1xf32>)
// CHECK: %[[A2:.+]] = tensor.collapse_shape %[[A]] {{\[}}[0], [1, 2]] : tensor<2x1x4xf32> into tensor<2x4xf32>
// CHECK: %[[B1:.+]] = tensor.collapse_shape %[[B]] {{\[}}[0, 1]] : tensor<3x1xf32> into tensor<3xf32>
// CHECK: %[[E:.+]] = tensor.empty() : tensor<2x3x4xf32>
// CHECK: linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%[[A2]], %[[B1]] : tensor<2x4xf32>, tensor<3xf32>) outs(%[[E]] : tensor<2x3x4xf32>)
// CHECK: ^bb0(%[[L:.+]]: f32, %[[R:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[S:.+]] = arith.addf %[[L]], %[[R]] : f32
// CHECK: linalg.yield %[[S]]
func.func @add_broadcast(%a: tensor<2x1x4xf32>, %b: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %y = qcc.binary add %a, %b : (tensor<2x1x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  return %y : tensor<2x3x4xf32>
}

// -----

// Tests that a lower-rank operand aligns with the trailing dimensions and a
// scalar-like operand of all unit dimensions becomes a rank-0 tensor.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[SCALAR:.+]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @mul_trailing_and_scalar
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]]
// CHECK: arith.mulf
// CHECK: %[[S:.+]] = tensor.collapse_shape %{{.+}} [] : tensor<1x1xf32> into tensor<f32>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[SCALAR]], #[[ID]]]
// CHECK-SAME: ins(%{{.+}}, %[[S]] : tensor<2x3xf32>, tensor<f32>)
// CHECK: arith.divf
func.func @mul_trailing_and_scalar(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %c: tensor<1x1xf32>) -> tensor<2x3xf32> {
  %y = qcc.binary mul %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %z = qcc.binary div %y, %c : (tensor<2x3xf32>, tensor<1x1xf32>) -> tensor<2x3xf32>
  return %z : tensor<2x3xf32>
}

// -----

// Tests that comparisons produce i1 with ordered predicates and pow uses
// math.powf.
// CHECK-LABEL: func.func @compare_pow
// CHECK: arith.cmpf olt
// CHECK: linalg.yield %{{.+}} : i1
// CHECK: math.powf
func.func @compare_pow(%a: tensor<4xf32>, %b: tensor<4xf32>) -> (tensor<4xi1>, tensor<4xf32>) {
  %y = qcc.binary less %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %z = qcc.binary pow %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %y, %z : tensor<4xi1>, tensor<4xf32>
}

// -----

// Tests the integer kinds: division truncates (divsi), mod takes the sign
// of the divisor (remsi plus a correction), fmod keeps the dividend's sign,
// pow is math.ipowi.
// CHECK-LABEL: func.func @int_binary
// CHECK: arith.divsi
// CHECK: linalg.generic
// CHECK: %[[REM:.+]] = arith.remsi %[[L:.+]], %[[R:.+]] : i32
// CHECK: %[[SUM:.+]] = arith.addi %[[REM]], %[[R]]
// CHECK: %[[FIX:.+]] = arith.andi
// CHECK: arith.select %[[FIX]], %[[SUM]], %[[REM]]
// CHECK: linalg.generic
// CHECK: arith.remsi
// CHECK-NOT: arith.select
// CHECK: math.ipowi
func.func @int_binary(%a: tensor<4xi32>, %b: tensor<4xi32>) -> (tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>) {
  %d = qcc.binary div %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %m = qcc.binary mod %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %f = qcc.binary fmod %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %p = qcc.binary pow %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %d, %m, %f, %p : tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>
}

// -----

// Tests that unsigned integers use unsigned division and comparisons.
// CHECK-LABEL: func.func @unsigned_binary
// CHECK: arith.divui %{{.+}}, %{{.+}} : i8
// CHECK: arith.cmpi ult, %{{.+}}, %{{.+}} : i8
func.func @unsigned_binary(%a: tensor<4xui8>, %b: tensor<4xui8>) -> (tensor<4xui8>, tensor<4xi1>) {
  %d = qcc.binary div %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %l = qcc.binary less %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xi1>
  return %d, %l : tensor<4xui8>, tensor<4xi1>
}

// -----

// Tests that logical kinds on i1 are bitwise ops.
// CHECK-LABEL: func.func @logical
// CHECK: arith.andi %{{.+}}, %{{.+}} : i1
// CHECK: arith.ori %{{.+}}, %{{.+}} : i1
// CHECK: arith.xori %{{.+}}, %{{.+}} : i1
func.func @logical(%a: tensor<4xi1>, %b: tensor<4xi1>) -> (tensor<4xi1>, tensor<4xi1>, tensor<4xi1>) {
  %x = qcc.binary and %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %y = qcc.binary or %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %z = qcc.binary xor %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  return %x, %y, %z : tensor<4xi1>, tensor<4xi1>, tensor<4xi1>
}
