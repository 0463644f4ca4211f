// RUN: qcc-opt %s --qcc-tile-and-vectorize=vector-width=8 --canonicalize | FileCheck %s

// A reduction whose body reads its position (linalg.index) along the reduced
// dimension: the vectorized positions must include the reduction loop's
// offset. Partial-reduction tiling drops that offset, so such bodies keep the
// full reduction order (one accumulator carried through the loop).
// CHECK-LABEL: func @index_weighted_sum
// CHECK: %[[STEP:.*]] = vector.step : vector<8xindex>
// CHECK: scf.for %[[I:.*]] = %c0 to %c40
// CHECK:   scf.for %[[J:.*]] = %c0 to %c128 step %c32 iter_args(%{{.*}} = %{{.*}}) -> (vector<1xf32>)
// CHECK:     %[[OFF:.*]] = vector.broadcast %[[J]] : index to vector<8xindex>
// CHECK:     arith.addi %[[OFF]], %[[STEP]] : vector<8xindex>
#map = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> (d0)>
func.func @index_weighted_sum(%x: tensor<40x130xf32>) -> tensor<40xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<40xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<40xf32>) -> tensor<40xf32>
  %r = linalg.generic {indexing_maps = [#map, #map1],
                       iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<40x130xf32>) outs(%f : tensor<40xf32>) {
  ^bb0(%in: f32, %out: f32):
    %j = linalg.index 1 : index
    %ji = arith.index_cast %j : index to i64
    %jf = arith.sitofp %ji : i64 to f32
    %m = arith.mulf %in, %jf : f32
    %s = arith.addf %out, %m : f32
    linalg.yield %s : f32
  } -> tensor<40xf32>
  return %r : tensor<40xf32>
}
