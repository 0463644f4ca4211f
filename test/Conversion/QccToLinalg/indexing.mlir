// RUN: qcc-opt %s --split-input-file --convert-qcc-to-linalg | FileCheck %s

// Tests that arg_reduce finds the extreme value with one reduction
// (maximumf from -inf) and its position with a second over the constant
// iota: with select_last_index the largest position holding the extreme
// (NaNs equal each other), starting from -1; keepdims expands the result.
// CHECK-DAG: #[[IN:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[POS:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @arg_max_last
// CHECK-SAME: (%[[X:.+]]: tensor<2x5xf32>)
// CHECK: %[[NINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK: %[[V0:.+]] = linalg.fill ins(%[[NINF]] : f32) outs(%{{.+}} : tensor<2xf32>)
// CHECK: %[[MAX:.+]] = linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]], iterator_types = ["parallel", "reduction"]}
// CHECK-SAME: ins(%[[X]] : tensor<2x5xf32>) outs(%[[V0]] : tensor<2xf32>)
// CHECK: arith.maximumf
// CHECK: %[[NONE:.+]] = arith.constant -1 : i64
// CHECK: %[[I0:.+]] = linalg.fill ins(%[[NONE]] : i64) outs(%{{.+}} : tensor<2xi64>)
// CHECK: %[[IOTA:.+]] = arith.constant dense<[0, 1, 2, 3, 4]> : tensor<5xi64>
// CHECK: %[[R:.+]] = linalg.generic {indexing_maps = [#[[IN]], #[[OUT]], #[[POS]], #[[OUT]]], iterator_types = ["parallel", "reduction"]}
// CHECK-SAME: ins(%[[X]], %[[MAX]], %[[IOTA]] : tensor<2x5xf32>, tensor<2xf32>, tensor<5xi64>) outs(%[[I0]] : tensor<2xi64>)
// CHECK: ^bb0(%[[V:.+]]: f32, %[[M:.+]]: f32, %[[P:.+]]: i64, %[[ACC:.+]]: i64):
// CHECK: %[[EQ:.+]] = arith.cmpf oeq, %[[V]], %[[M]] : f32
// CHECK: %[[HIT:.+]] = arith.ori %[[EQ]], %{{.+}} : i1
// CHECK: %[[CAND:.+]] = arith.select %[[HIT]], %[[P]], %{{.+}} : i64
// CHECK: %[[NEXT:.+]] = arith.maxsi %[[CAND]], %[[ACC]] : i64
// CHECK: linalg.yield %[[NEXT]] : i64
// CHECK: tensor.expand_shape %[[R]] {{\[}}[0, 1]] output_shape [2, 1] : tensor<2xi64> into tensor<2x1xi64>
func.func @arg_max_last(%x: tensor<2x5xf32>) -> tensor<2x1xi64> {
  %0 = qcc.arg_reduce max %x {axis = 1 : i64, select_last_index = true} : tensor<2x5xf32> -> tensor<2x1xi64>
  return %0 : tensor<2x1xi64>
}

// -----

// Tests that integer arg_min starts from the largest integer, reduces with
// minsi, and takes the smallest position (positions start at n = 6).
// CHECK-LABEL: func.func @arg_min_int
// CHECK: arith.constant 2147483647 : i32
// CHECK: linalg.generic
// CHECK: arith.minsi %{{.+}}, %{{.+}} : i32
// CHECK: arith.constant 6 : i64
// CHECK: linalg.generic
// CHECK: arith.cmpi eq
// CHECK: arith.minsi %{{.+}}, %{{.+}} : i64
func.func @arg_min_int(%x: tensor<6xi32>) -> tensor<i64> {
  %0 = qcc.arg_reduce min %x {axis = 0 : i64, keepdims = false} : tensor<6xi32> -> tensor<i64>
  return %0 : tensor<i64>
}

// -----

// Tests that top_k with k close to n ranks every element with a reduction
// over a second copy of the axis (greater, or equal at a lower position,
// comes first), then finds for each output slot the smallest position of
// that rank and reads its value back from the input.
// CHECK-DAG: #[[A:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[B:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[PI:.+]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-DAG: #[[PJ:.+]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func.func @top_k
// CHECK-SAME: (%[[X:.+]]: tensor<2x8xi32>)
// CHECK: %[[IOTA:.+]] = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7]> : tensor<8xi64>
// CHECK: %[[RANK:.+]] = linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[PI]], #[[PJ]], #[[A]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%[[X]], %[[X]], %[[IOTA]], %[[IOTA]] : tensor<2x8xi32>, tensor<2x8xi32>, tensor<8xi64>, tensor<8xi64>) outs(%{{.+}} : tensor<2x8xi64>)
// CHECK: ^bb0(%[[XI:.+]]: i32, %[[XJ:.+]]: i32, %[[I:.+]]: i64, %[[J:.+]]: i64, %[[ACC:.+]]: i64):
// CHECK: %[[JFIRST:.+]] = arith.cmpi slt, %[[J]], %[[I]] : i64
// CHECK: %[[TIE:.+]] = arith.cmpi eq, %[[XJ]], %[[XI]] : i32
// CHECK: %[[GT:.+]] = arith.cmpi sgt, %[[XJ]], %[[XI]] : i32
// CHECK: linalg.yield
// CHECK: %[[SLOTS:.+]] = tensor.extract_slice %[[IOTA]][0] [3] [1] : tensor<8xi64> to tensor<3xi64>
// CHECK: %[[NONE:.+]] = arith.constant 8 : i64
// CHECK: %[[IDX:.+]] = linalg.generic {indexing_maps = [#[[B]], #[[PI]], #[[PJ]], #[[A]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%[[RANK]], %[[SLOTS]], %[[IOTA]] : tensor<2x8xi64>, tensor<3xi64>, tensor<8xi64>) outs(%{{.+}} : tensor<2x3xi64>)
// CHECK: ^bb0(%[[R:.+]]: i64, %[[SLOT:.+]]: i64, %[[P:.+]]: i64, %[[BEST:.+]]: i64):
// CHECK: %[[HIT:.+]] = arith.cmpi eq, %[[R]], %[[SLOT]] : i64
// CHECK: %[[CAND:.+]] = arith.select %[[HIT]], %[[P]], %[[NONE]] : i64
// CHECK: arith.minsi %[[CAND]], %[[BEST]] : i64
// CHECK: %[[VAL:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "parallel"]} ins(%[[IDX]] : tensor<2x3xi64>)
// CHECK: tensor.extract %[[X]]
// CHECK: return %[[VAL]], %[[IDX]]
func.func @top_k(%x: tensor<2x8xi32>) -> (tensor<2x3xi32>, tensor<2x3xi64>) {
  %v, %i = qcc.top_k %x {axis = 1 : i64, k = 3 : i64} : tensor<2x8xi32> -> tensor<2x3xi32>, tensor<2x3xi64>
  return %v, %i : tensor<2x3xi32>, tensor<2x3xi64>
}

// -----

// Tests that top_k with k well below n selects k times: a loop over the
// output slots that reads the previous slot's pick and runs two reductions
// over the axis, the extreme candidate value (NaN first through maximumf)
// and the first candidate position holding it.
// CHECK-LABEL: func.func @top_k_select
// CHECK-SAME: (%[[X:.+]]: tensor<64xf32>)
// CHECK: %[[R:.+]]:2 = scf.for %[[S:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[VALS:.+]] = %{{.+}}, %[[IDXS:.+]] = %{{.+}}) -> (tensor<2xf32>, tensor<2xi64>)
// CHECK: %[[PREV:.+]] = tensor.extract_slice %[[VALS]][%{{.+}}] [1] [1] : tensor<2xf32> to tensor<f32>
// CHECK: %[[BEST:.+]] = linalg.generic {{.+}} iterator_types = ["reduction"]
// CHECK: arith.maximumf
// CHECK: %[[POS:.+]] = linalg.generic {{.+}} iterator_types = ["reduction"]
// CHECK-SAME: ins(%[[X]], %{{.+}}, %[[PREV]], %{{.+}}, %[[BEST]] :
// CHECK: arith.minsi
// CHECK: %[[NV:.+]] = tensor.insert_slice %[[BEST]] into %[[VALS]][%[[S]]] [1] [1] : tensor<f32> into tensor<2xf32>
// CHECK: %[[NI:.+]] = tensor.insert_slice %[[POS]] into %[[IDXS]][%[[S]]] [1] [1] : tensor<i64> into tensor<2xi64>
// CHECK: scf.yield %[[NV]], %[[NI]]
// CHECK: %[[VAL:.+]] = linalg.generic {{.+}} ins(%[[R]]#1 : tensor<2xi64>)
// CHECK: return %[[VAL]], %[[R]]#1
func.func @top_k_select(%x: tensor<64xf32>) -> (tensor<2xf32>, tensor<2xi64>) {
  %v, %i = qcc.top_k %x {axis = 0 : i64, k = 2 : i64} : tensor<64xf32> -> tensor<2xf32>, tensor<2xi64>
  return %v, %i : tensor<2xf32>, tensor<2xi64>
}

// -----

// Tests that an exclusive cumsum sums the elements at j < i along the axis
// (a reduction over a second copy of it, positions from the constant iota)
// into a zero-filled init.
// CHECK-DAG: #[[IN:.+]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[PI:.+]] = affine_map<(d0, d1, d2) -> (d0)>
// CHECK-DAG: #[[PJ:.+]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @cumsum_exclusive
// CHECK: %[[IOTA:.+]] = arith.constant dense<[0, 1, 2, 3, 4]> : tensor<5xi64>
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[PI]], #[[PJ]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK: ^bb0(%[[X:.+]]: f32, %[[I:.+]]: i64, %[[J:.+]]: i64, %[[ACC:.+]]: f32):
// CHECK: %[[IN_RANGE:.+]] = arith.cmpi slt, %[[J]], %[[I]] : i64
// CHECK: %[[T:.+]] = arith.select %[[IN_RANGE]], %[[X]], %{{.+}} : f32
// CHECK: arith.addf %[[ACC]], %[[T]] : f32
func.func @cumsum_exclusive(%x: tensor<5x2xf32>) -> tensor<5x2xf32> {
  %0 = qcc.cumsum %x {axis = 0 : i64, exclusive = true} : tensor<5x2xf32>
  return %0 : tensor<5x2xf32>
}

// -----

// Tests that a reverse inclusive cumsum sums the elements at j >= i.
// CHECK-LABEL: func.func @cumsum_reverse
// CHECK: arith.cmpi sge
// CHECK: arith.addi
func.func @cumsum_reverse(%x: tensor<5xi64>) -> tensor<5xi64> {
  %0 = qcc.cumsum %x {axis = 0 : i64, reverse = true} : tensor<5xi64>
  return %0 : tensor<5xi64>
}

// -----

// Tests that scatter becomes a loop over the updates carrying the result,
// with the row index wrapped and clamped, and the combine applied to the
// element already there.
// CHECK-LABEL: func.func @scatter_add
// CHECK-SAME: (%[[D:.+]]: tensor<8x4xf32>, %[[IDX:.+]]: tensor<3xi64>, %[[U:.+]]: tensor<3x4xf32>)
// CHECK: %[[R:.+]] = scf.for %[[IU:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[ACC:.+]] = %[[D]]) -> (tensor<8x4xf32>)
// CHECK: %[[RAW:.+]] = tensor.extract %[[IDX]][%[[IU]]] : tensor<3xi64>
// CHECK: %[[ROW0:.+]] = arith.index_cast %[[RAW]] : i64 to index
// CHECK: arith.select
// CHECK: arith.maxsi
// CHECK: %[[ROW:.+]] = arith.minsi
// CHECK: scf.for %[[IS:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[CUR:.+]] = %[[ACC]]) -> (tensor<8x4xf32>)
// CHECK: %[[UPD:.+]] = tensor.extract %[[U]][%[[IU]], %[[IS]]] : tensor<3x4xf32>
// CHECK: %[[OLD:.+]] = tensor.extract %[[CUR]][%[[ROW]], %[[IS]]] : tensor<8x4xf32>
// CHECK: %[[SUM:.+]] = arith.addf %[[OLD]], %[[UPD]] : f32
// CHECK: tensor.insert %[[SUM]] into %[[CUR]][%[[ROW]], %[[IS]]] : tensor<8x4xf32>
// CHECK: return %[[R]]
func.func @scatter_add(%d: tensor<8x4xf32>, %i: tensor<3xi64>, %u: tensor<3x4xf32>) -> tensor<8x4xf32> {
  %0 = qcc.scatter %d, %i, %u {combine = #qcc<binary add>} : (tensor<8x4xf32>, tensor<3xi64>, tensor<3x4xf32>) -> tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// -----

// Tests that a scatter without combine stores the update, and that a rank-1
// scatter needs no inner reshape.
// CHECK-LABEL: func.func @scatter_none
// CHECK: scf.for
// CHECK: scf.for
// CHECK-NOT: arith.addf
// CHECK: tensor.insert
func.func @scatter_none(%d: tensor<8xf32>, %i: tensor<2x2xi32>, %u: tensor<2x2xf32>) -> tensor<8xf32> {
  %0 = qcc.scatter %d, %i, %u : (tensor<8xf32>, tensor<2x2xi32>, tensor<2x2xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}
