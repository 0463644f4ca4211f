// RUN: qcc-opt %s --qcc-privatize-destinations --split-input-file | FileCheck %s

// Two writers of one vectorized zero fill (as CSE leaves two matmuls that
// start from zeros): the fill loop is cloned for the second writer, together
// with a private tensor.empty, so the two tiles cannot share a buffer.
// CHECK-LABEL: func @shared_fill
// CHECK: %[[E0:.*]] = tensor.empty() : tensor<3x24xf32>
// CHECK: %[[F0:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %[[E0]])
// CHECK: vector.transfer_write %{{.*}}, %[[F0]][%c0, %c0]
// CHECK: %[[E1:.*]] = tensor.empty() : tensor<3x24xf32>
// CHECK: %[[F1:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %[[E1]])
// CHECK: vector.transfer_write %{{.*}}, %[[F1]][%c0, %c16]
func.func @shared_fill(%a: vector<16xf32>, %b: vector<8xf32>)
    -> (tensor<3x24xf32>, tensor<3x24xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant dense<0.0> : vector<16xf32>
  %zero8 = arith.constant dense<0.0> : vector<8xf32>
  %e = tensor.empty() : tensor<3x24xf32>
  %fill = scf.for %i = %c0 to %c3 step %c1 iter_args(%t = %e) -> (tensor<3x24xf32>) {
    %w0 = vector.transfer_write %zero, %t[%i, %c0] {in_bounds = [true]} : vector<16xf32>, tensor<3x24xf32>
    %w1 = vector.transfer_write %zero8, %w0[%i, %c16] {in_bounds = [true]} : vector<8xf32>, tensor<3x24xf32>
    scf.yield %w1 : tensor<3x24xf32>
  }
  %r0 = vector.transfer_write %a, %fill[%c0, %c0] {in_bounds = [true]} : vector<16xf32>, tensor<3x24xf32>
  %r1 = vector.transfer_write %b, %fill[%c0, %c16] {in_bounds = [true]} : vector<8xf32>, tensor<3x24xf32>
  return %r0, %r1 : tensor<3x24xf32>, tensor<3x24xf32>
}

// -----

// A computed tensor written by two ops: the second writer gets a copy.
// CHECK-LABEL: func @shared_value
// CHECK: %[[V:.*]] = arith.addf
// CHECK: vector.transfer_write %{{.*}}, %[[V]][%c0]
// CHECK: %[[C:.*]] = bufferization.alloc_tensor() copy(%[[V]])
// CHECK: vector.transfer_write %{{.*}}, %[[C]][%c8]
func.func @shared_value(%x: tensor<16xf32>, %a: vector<8xf32>)
    -> (tensor<16xf32>, tensor<16xf32>) {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %v = arith.addf %x, %x : tensor<16xf32>
  %r0 = vector.transfer_write %a, %v[%c0] {in_bounds = [true]} : vector<8xf32>, tensor<16xf32>
  %r1 = vector.transfer_write %a, %v[%c8] {in_bounds = [true]} : vector<8xf32>, tensor<16xf32>
  return %r0, %r1 : tensor<16xf32>, tensor<16xf32>
}

// -----

// A single writer (plus readers) is left alone.
// CHECK-LABEL: func @single_writer
// CHECK-NOT: alloc_tensor
// CHECK-NOT: tensor.empty
func.func @single_writer(%x: tensor<16xf32>, %a: vector<8xf32>)
    -> (tensor<16xf32>, vector<8xf32>) {
  %c0 = arith.constant 0 : index
  %f = arith.constant 0.0 : f32
  %r = vector.transfer_read %x[%c0], %f {in_bounds = [true]} : tensor<16xf32>, vector<8xf32>
  %w = vector.transfer_write %a, %x[%c0] {in_bounds = [true]} : vector<8xf32>, tensor<16xf32>
  return %w, %r : tensor<16xf32>, vector<8xf32>
}
