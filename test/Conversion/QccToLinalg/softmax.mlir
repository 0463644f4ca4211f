// RUN: qcc-opt %s --split-input-file --convert-qcc-to-linalg | FileCheck %s

// Tests that softmax is stable: max over the axis, exp(x - max), sum over
// the axis, divide; the reduced tensors are read along the other dims.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[RED:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @softmax_middle_axis
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>)
// CHECK: %[[NINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK: %[[MINIT:.+]] = linalg.fill ins(%[[NINF]] : f32) outs(%{{.+}} : tensor<2x4xf32>)
// CHECK: %[[MAX:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[RED]]], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK-SAME: ins(%[[X]] : tensor<2x3x4xf32>) outs(%[[MINIT]] : tensor<2x4xf32>)
// CHECK: arith.maximumf
// CHECK: %[[EXP:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[RED]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%[[X]], %[[MAX]] : tensor<2x3x4xf32>, tensor<2x4xf32>)
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[RED]]], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK-SAME: ins(%[[EXP]] : tensor<2x3x4xf32>)
// CHECK: arith.addf
// CHECK: %[[R:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[RED]], #[[ID]]]
// CHECK-SAME: ins(%[[EXP]], %[[SUM]] : tensor<2x3x4xf32>, tensor<2x4xf32>)
// CHECK: arith.divf
// CHECK: return %[[R]]
func.func @softmax_middle_axis(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %y = qcc.softmax %x {axis = 1 : i64} : tensor<2x3x4xf32>
  return %y : tensor<2x3x4xf32>
}

// -----

// Tests that log-softmax is x - max - log(sum(exp(x - max))), the exp fused
// into the sum.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[RED:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @log_softmax
// CHECK-SAME: (%[[X:.+]]: tensor<2x5xf32>)
// CHECK: %[[MAX:.+]] = linalg.generic
// CHECK: %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[RED]], #[[RED]]], iterator_types = ["parallel", "reduction"]}
// CHECK-SAME: ins(%[[X]], %[[MAX]] : tensor<2x5xf32>, tensor<2xf32>)
// CHECK: math.exp
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[RED]], #[[RED]], #[[ID]]]
// CHECK-SAME: ins(%[[X]], %[[MAX]], %[[SUM]] :
// CHECK: %[[D:.+]] = arith.subf
// CHECK: %[[L:.+]] = math.log
// CHECK: arith.subf %[[D]], %[[L]]
func.func @log_softmax(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %y = qcc.softmax %x {axis = 1 : i64, log = true} : tensor<2x5xf32>
  return %y : tensor<2x5xf32>
}
