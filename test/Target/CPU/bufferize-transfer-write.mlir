// RUN: qcc-opt %s --split-input-file \
// RUN:   --one-shot-bufferize="bufferize-function-boundaries" | FileCheck %s

// Tests that a rank-reduced transfer_write at [0, 0] that covers only part of
// its destination still reads it: the out-of-place slice (its source is
// returned as well) gets a buffer that starts as a copy of the slice, so the
// read of columns 16..23 sees the old values.
// CHECK-LABEL: func @partial_rank_reduced_write
// CHECK: %[[SV:.*]] = memref.subview %{{.*}}[0, 0] [3, 24] [1, 1]
// CHECK: %[[A:.*]] = memref.alloc() {{.*}} : memref<3x24xf32>
// CHECK: memref.copy %[[SV]], %[[A]]
// CHECK: vector.transfer_write %{{.*}}, %[[A]][%c0, %c0]
// CHECK: vector.transfer_read %[[A]][%c0, %c16]
func.func @partial_rank_reduced_write(%t: tensor<9x24xf32>, %v: vector<8xf32>)
    -> (vector<8xf32>, tensor<9x24xf32>) {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %pad = arith.constant 0.0 : f32
  %s = tensor.extract_slice %t[0, 0] [3, 24] [1, 1]
      : tensor<9x24xf32> to tensor<3x24xf32>
  %w = vector.transfer_write %v, %s[%c0, %c0] {in_bounds = [true]}
      : vector<8xf32>, tensor<3x24xf32>
  %r = vector.transfer_read %w[%c0, %c16], %pad {in_bounds = [true]}
      : tensor<3x24xf32>, vector<8xf32>
  return %r, %t : vector<8xf32>, tensor<9x24xf32>
}

// -----

// Tests that a rank-reduced write that does cover the whole destination (the
// map leaves out a unit dimension) does not read it: no copy.
// CHECK-LABEL: func @full_rank_reduced_write
// CHECK: memref.alloc() {{.*}} : memref<1x8xf32>
// CHECK-NOT: memref.copy
// CHECK: vector.transfer_write
func.func @full_rank_reduced_write(%t: tensor<9x8xf32>, %v: vector<8xf32>)
    -> (vector<8xf32>, tensor<9x8xf32>) {
  %c0 = arith.constant 0 : index
  %pad = arith.constant 0.0 : f32
  %s = tensor.extract_slice %t[0, 0] [1, 8] [1, 1]
      : tensor<9x8xf32> to tensor<1x8xf32>
  %w = vector.transfer_write %v, %s[%c0, %c0] {in_bounds = [true]}
      : vector<8xf32>, tensor<1x8xf32>
  %r = vector.transfer_read %w[%c0, %c0], %pad {in_bounds = [true]}
      : tensor<1x8xf32>, vector<8xf32>
  return %r, %t : vector<8xf32>, tensor<9x8xf32>
}

// -----

// Tests that a transposing write is checked dimension by dimension through
// its permutation map: vector<8x3> written along (d1, d0) covers a 3x8
// destination (no copy), ...
// CHECK-LABEL: func @full_transposed_write
// CHECK: memref.alloc() {{.*}} : memref<3x8xf32>
// CHECK-NOT: memref.copy
// CHECK: vector.transfer_write
func.func @full_transposed_write(%t: tensor<9x8xf32>, %v: vector<8x3xf32>)
    -> (vector<8xf32>, tensor<9x8xf32>) {
  %c0 = arith.constant 0 : index
  %pad = arith.constant 0.0 : f32
  %s = tensor.extract_slice %t[0, 0] [3, 8] [1, 1]
      : tensor<9x8xf32> to tensor<3x8xf32>
  %w = vector.transfer_write %v, %s[%c0, %c0]
      {in_bounds = [true, true],
       permutation_map = affine_map<(d0, d1) -> (d1, d0)>}
      : vector<8x3xf32>, tensor<3x8xf32>
  %r = vector.transfer_read %w[%c0, %c0], %pad {in_bounds = [true]}
      : tensor<3x8xf32>, vector<8xf32>
  return %r, %t : vector<8xf32>, tensor<9x8xf32>
}

// -----

// ... while vector<3x8> along (d1, d0) covers only 3 of its 8 columns.
// CHECK-LABEL: func @partial_transposed_write
// CHECK: %[[SV:.*]] = memref.subview
// CHECK: %[[A:.*]] = memref.alloc() {{.*}} : memref<3x8xf32>
// CHECK: memref.copy %[[SV]], %[[A]]
func.func @partial_transposed_write(%t: tensor<9x8xf32>, %v: vector<3x3xf32>)
    -> (vector<8xf32>, tensor<9x8xf32>) {
  %c0 = arith.constant 0 : index
  %pad = arith.constant 0.0 : f32
  %s = tensor.extract_slice %t[0, 0] [3, 8] [1, 1]
      : tensor<9x8xf32> to tensor<3x8xf32>
  %w = vector.transfer_write %v, %s[%c0, %c0]
      {in_bounds = [true, true],
       permutation_map = affine_map<(d0, d1) -> (d1, d0)>}
      : vector<3x3xf32>, tensor<3x8xf32>
  %r = vector.transfer_read %w[%c0, %c0], %pad {in_bounds = [true]}
      : tensor<3x8xf32>, vector<8xf32>
  return %r, %t : vector<8xf32>, tensor<9x8xf32>
}
