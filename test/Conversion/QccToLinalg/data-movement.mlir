// RUN: qcc-opt %s --split-input-file --convert-qcc-to-linalg | FileCheck %s

// Tests that a reshape with a direct reassociation is one collapse_shape or
// expand_shape, and one without goes through 1-D.
// CHECK-LABEL: func.func @reshape
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>)
// CHECK: %[[A:.+]] = tensor.collapse_shape %[[X]] {{\[}}[0], [1, 2]] : tensor<2x3x4xf32> into tensor<2x12xf32>
// CHECK: %[[B:.+]] = tensor.expand_shape %[[X]] {{\[}}[0], [1], [2, 3]] output_shape [2, 3, 2, 2] : tensor<2x3x4xf32> into tensor<2x3x2x2xf32>
// CHECK: %[[F:.+]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1, 2]] : tensor<2x3x4xf32> into tensor<24xf32>
// CHECK: %[[C:.+]] = tensor.expand_shape %[[F]] {{\[}}[0, 1, 2]] output_shape [4, 3, 2] : tensor<24xf32> into tensor<4x3x2xf32>
// CHECK: return %[[A]], %[[B]], %[[C]]
func.func @reshape(%x: tensor<2x3x4xf32>) -> (tensor<2x12xf32>, tensor<2x3x2x2xf32>, tensor<4x3x2xf32>) {
  %a = qcc.reshape %x : tensor<2x3x4xf32> -> tensor<2x12xf32>
  %b = qcc.reshape %x : tensor<2x3x4xf32> -> tensor<2x3x2x2xf32>
  %c = qcc.reshape %x : tensor<2x3x4xf32> -> tensor<4x3x2xf32>
  return %a, %b, %c : tensor<2x12xf32>, tensor<2x3x2x2xf32>, tensor<4x3x2xf32>
}

// -----

// Tests that transpose is linalg.transpose with the same permutation.
// CHECK-LABEL: func.func @transpose
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>)
// CHECK: %[[E:.+]] = tensor.empty() : tensor<4x2x3xf32>
// CHECK: %[[T:.+]] = linalg.transpose ins(%[[X]] : tensor<2x3x4xf32>) outs(%[[E]] : tensor<4x2x3xf32>) permutation = [2, 0, 1]
// CHECK: return %[[T]]
func.func @transpose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %y = qcc.transpose %x {perm = array<i64: 2, 0, 1>} : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  return %y : tensor<4x2x3xf32>
}

// -----

// Tests that concat inserts each input at its running offset along the axis
// into one tensor.empty.
// CHECK-LABEL: func.func @concat
// CHECK-SAME: (%[[A:.+]]: tensor<2x3xf32>, %[[B:.+]]: tensor<2x1xf32>, %[[C:.+]]: tensor<2x2xf32>)
// CHECK: %[[E:.+]] = tensor.empty() : tensor<2x6xf32>
// CHECK: %[[I0:.+]] = tensor.insert_slice %[[A]] into %[[E]][0, 0] [2, 3] [1, 1]
// CHECK: %[[I1:.+]] = tensor.insert_slice %[[B]] into %[[I0]][0, 3] [2, 1] [1, 1]
// CHECK: %[[I2:.+]] = tensor.insert_slice %[[C]] into %[[I1]][0, 4] [2, 2] [1, 1]
// CHECK: return %[[I2]]
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x1xf32>, %c: tensor<2x2xf32>) -> tensor<2x6xf32> {
  %y = qcc.concat %a, %b, %c {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x2xf32>) -> tensor<2x6xf32>
  return %y : tensor<2x6xf32>
}

// -----

// Tests that a slice with positive steps is a strided extract_slice.
// CHECK-LABEL: func.func @slice_positive
// CHECK-SAME: (%[[X:.+]]: tensor<4x10xf32>)
// CHECK: %[[S:.+]] = tensor.extract_slice %[[X]][1, 2] [2, 3] [1, 3] : tensor<4x10xf32> to tensor<2x3xf32>
// CHECK: return %[[S]]
func.func @slice_positive(%x: tensor<4x10xf32>) -> tensor<2x3xf32> {
  %y = qcc.slice %x {starts = array<i64: 1, 2>, steps = array<i64: 1, 3>} : tensor<4x10xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Tests that a slice with a negative step reads input[start + i * step]
// with linalg.index arithmetic and tensor.extract.
// CHECK-LABEL: func.func @slice_negative
// CHECK-SAME: (%[[X:.+]]: tensor<4x10xf32>)
// CHECK: linalg.generic
// CHECK-SAME: outs(%{{.+}} : tensor<4x5xf32>)
// CHECK: %[[I0:.+]] = linalg.index 0 : index
// CHECK: %[[M0:.+]] = arith.muli %[[I0]], %c1
// CHECK: %[[R0:.+]] = arith.addi %[[M0]], %c0
// CHECK: %[[I1:.+]] = linalg.index 1 : index
// CHECK: %[[M1:.+]] = arith.muli %[[I1]], %c-2
// CHECK: %[[R1:.+]] = arith.addi %[[M1]], %c9
// CHECK: %[[V:.+]] = tensor.extract %[[X]][%[[R0]], %[[R1]]] : tensor<4x10xf32>
// CHECK: linalg.yield %[[V]]
func.func @slice_negative(%x: tensor<4x10xf32>) -> tensor<4x5xf32> {
  %y = qcc.slice %x {starts = array<i64: 0, 9>, steps = array<i64: 1, -2>} : tensor<4x10xf32> -> tensor<4x5xf32>
  return %y : tensor<4x5xf32>
}

// -----

// Tests that gather iterates the result, reads the index through the
// indices' dims, wraps negative indices, clamps them into range and
// extracts from the data.
// CHECK-DAG: #[[IDX:.+]] = affine_map<(d0, d1, d2, d3) -> (d1, d2)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @gather
// CHECK-SAME: (%[[D:.+]]: tensor<2x5x3xf32>, %[[I:.+]]: tensor<4x2xi64>)
// CHECK: linalg.generic {indexing_maps = [#[[IDX]], #[[OUT]]]
// CHECK-SAME: ins(%[[I]] : tensor<4x2xi64>) outs(%{{.+}} : tensor<2x4x2x3xf32>)
// CHECK: ^bb0(%[[RAW:.+]]: i64, %{{.+}}: f32):
// CHECK: %[[C:.+]] = arith.index_cast %[[RAW]] : i64 to index
// CHECK: %[[NEG:.+]] = arith.cmpi slt, %[[C]], %c0
// CHECK: %[[W:.+]] = arith.addi %[[C]], %c5
// CHECK: %[[S:.+]] = arith.select %[[NEG]], %[[W]], %[[C]]
// CHECK: %[[LO:.+]] = arith.maxsi %[[S]], %c0
// CHECK: %[[IX:.+]] = arith.minsi %[[LO]], %c4
// CHECK: %[[N:.+]] = linalg.index 0
// CHECK: %[[K:.+]] = linalg.index 3
// CHECK: tensor.extract %[[D]][%[[N]], %[[IX]], %[[K]]] : tensor<2x5x3xf32>
func.func @gather(%d: tensor<2x5x3xf32>, %i: tensor<4x2xi64>) -> tensor<2x4x2x3xf32> {
  %y = qcc.gather %d, %i {axis = 1 : i64} : (tensor<2x5x3xf32>, tensor<4x2xi64>) -> tensor<2x4x2x3xf32>
  return %y : tensor<2x4x2x3xf32>
}

// -----

// Tests that a rank-0 index gathers one slice (the map to the indices has
// no results).
// CHECK-DAG: #[[NONE:.+]] = affine_map<(d0) -> ()>
// CHECK-LABEL: func.func @gather_scalar_index
// CHECK: linalg.generic {indexing_maps = [#[[NONE]], #{{.+}}]
// CHECK-SAME: ins(%{{.+}} : tensor<i32>) outs(%{{.+}} : tensor<3xf32>)
func.func @gather_scalar_index(%d: tensor<5x3xf32>, %i: tensor<i32>) -> tensor<3xf32> {
  %y = qcc.gather %d, %i {axis = 0 : i64} : (tensor<5x3xf32>, tensor<i32>) -> tensor<3xf32>
  return %y : tensor<3xf32>
}
