// RUN: qcc-opt %s --split-input-file --qcc-dce | FileCheck %s

// Tests that a dead chain (constant -> transpose -> add) disappears in one
// run while live ops stay.
// CHECK-LABEL: func.func @dead_chain
// CHECK-NEXT: %[[R:.+]] = qcc.unary relu %arg0
// CHECK-NEXT: return %[[R]]
func.func @dead_chain(%arg0: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %c = qcc.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %t = qcc.transpose %c {perm = array<i64: 1, 0>} : tensor<2x2xf32> -> tensor<2x2xf32>
  %a = qcc.binary add %t, %arg0 : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %r = qcc.unary relu %arg0 : tensor<2x2xf32> -> tensor<2x2xf32>
  return %r : tensor<2x2xf32>
}

// -----

// Tests that unused weights disappear with their blobs.
// CHECK-LABEL: func.func @dead_weight
// CHECK-NOT: qcc.constant
// CHECK-NOT: qcc.conv2d
// CHECK-NOT: dead.weight
func.func @dead_weight(%arg0: tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32> {
  %w = qcc.constant dense_resource<dead.weight> : tensor<1x1x1x1xf32>
  %c = qcc.conv2d %arg0, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x3x3xf32>
  return %arg0 : tensor<1x1x3x3xf32>
}
{-#
  dialect_resources: {
    builtin: {
      dead.weight: "0x400000000000803F"
    }
  }
#-}

// -----

// Tests that ops with side effects stay even when their results are unused.
// CHECK-LABEL: func.func @side_effects
// CHECK: memref.alloc
// CHECK: memref.store
// CHECK-NOT: arith.addf
func.func @side_effects(%arg0: f32) -> f32 {
  %m = memref.alloc() : memref<1xf32>
  %i = arith.constant 0 : index
  memref.store %arg0, %m[%i] : memref<1xf32>
  %dead = arith.addf %arg0, %arg0 : f32
  return %arg0 : f32
}

// -----

// Tests that dead ops inside nested regions are removed too.
// CHECK-LABEL: func.func @nested
// CHECK: scf.for
// CHECK-NOT: arith.mulf
// CHECK: scf.yield
func.func @nested(%arg0: f32) -> f32 {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %arg0) -> f32 {
    %dead = arith.mulf %acc, %acc : f32
    %next = arith.addf %acc, %arg0 : f32
    scf.yield %next : f32
  }
  return %r : f32
}

// -----

// Tests that private functions nobody calls are erased (also those only
// called by erased ones), while public and called private functions stay.
// CHECK-LABEL: func.func @main
// CHECK: func.func private @used
// CHECK-NOT: @unused
// CHECK-NOT: @only_from_unused
func.func @main(%arg0: f32) -> f32 {
  %r = func.call @used(%arg0) : (f32) -> f32
  return %r : f32
}
func.func private @used(%arg0: f32) -> f32 {
  return %arg0 : f32
}
func.func private @unused(%arg0: f32) -> f32 {
  %r = func.call @only_from_unused(%arg0) : (f32) -> f32
  return %r : f32
}
func.func private @only_from_unused(%arg0: f32) -> f32 {
  return %arg0 : f32
}

// -----

// Tests that a public function is kept even if nothing calls it.
// CHECK-LABEL: func.func @public_uncalled
func.func @public_uncalled() {
  return
}
