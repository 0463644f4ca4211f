// RUN: qcc-opt %s --split-input-file --qcc-fuse-elementwise | FileCheck %s

// Tests that an elementwise producer is not fused into a pair-packed
// contraction (qcc.pair_dot): the packing stays a generic of its own, and
// the contraction keeps its marker and its payload.
// CHECK-LABEL: func @no_fusion_into_pair_dot
// CHECK: %[[P:.+]] = linalg.generic {{.+}} ins(%{{.+}} : tensor<1x2x1x8xi8>)
// CHECK: linalg.generic {{.+}} ins(%[[P]], %{{.+}} : tensor<1x2x1x8xi32>, tensor<3x2x1x1xi32>) {{.+}} qcc.pair_dot
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#mx = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, d2 + d5, d3 + d6)>
#mw = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d4, d5, d6)>
#mo = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
func.func @no_fusion_into_pair_dot(%x: tensor<1x2x1x8xi8>, %w: tensor<3x2x1x1xi32>, %b: tensor<1x3x1x8xi32>) -> tensor<1x3x1x8xi32> {
  %c16 = arith.constant 16 : i32
  %e = tensor.empty() : tensor<1x2x1x8xi32>
  %p = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x2x1x8xi8>) outs(%e : tensor<1x2x1x8xi32>) {
  ^bb0(%in: i8, %out: i32):
    %0 = arith.extsi %in : i8 to i32
    linalg.yield %0 : i32
  } -> tensor<1x2x1x8xi32>
  %r = linalg.generic {indexing_maps = [#mx, #mw, #mo],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%p, %w : tensor<1x2x1x8xi32>, tensor<3x2x1x1xi32>) outs(%b : tensor<1x3x1x8xi32>)
      attrs = {qcc.pair_dot, strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>} {
  ^bb0(%in: i32, %k: i32, %out: i32):
    %0 = arith.shli %in, %c16 : i32
    %1 = arith.shrsi %0, %c16 : i32
    %2 = arith.shli %k, %c16 : i32
    %3 = arith.shrsi %2, %c16 : i32
    %4 = arith.muli %1, %3 : i32
    %5 = arith.shrsi %in, %c16 : i32
    %6 = arith.shrsi %k, %c16 : i32
    %7 = arith.muli %5, %6 : i32
    %8 = arith.addi %4, %7 : i32
    %9 = arith.addi %out, %8 : i32
    linalg.yield %9 : i32
  } -> tensor<1x3x1x8xi32>
  return %r : tensor<1x3x1x8xi32>
}
