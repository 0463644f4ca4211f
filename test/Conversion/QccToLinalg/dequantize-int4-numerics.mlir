// REQUIRES: mlir-c-runner-utils
// RUN: qcc-opt %s --convert-qcc-to-linalg --one-shot-bufferize="bufferize-function-boundaries" \
// RUN:   --convert-linalg-to-loops --expand-strided-metadata --lower-affine --convert-scf-to-cf \
// RUN:   --convert-to-llvm --reconcile-unrealized-casts \
// RUN: | mlir-runner -e main -entry-point-result=i32 -shared-libs=%mlir_c_runner_utils \
// RUN: | FileCheck %s

// Tests the unpacked values, exactly (every value is a small integer times a
// power of two): @main returns the number of elements that differ from the
// values decoded by hand from the documented layout.
//  * axis 1, K = 4, group 4: byte j of column c holds element j (low nibble)
//    and j + 2 (high); column 0: 0x84 = -124, 0x22 = 34 -> q = [4, 2, -8, 2]
//    * 0.25; column 1: 0x1F = 31, 0x70 = 112 -> q = [-1, 0, 1, 7] * 0.5.
//  * axis 0, K = 3 padded to 4: row 0: 0x43 = 67, 0x08 = 8 -> q = [3, -8, 4]
//    * 0.5; row 1: 0xFF = -1, 0x7F = 127 -> q = [-1, -1, -1] * 2 (the
//    padded fourth element, 7, is dropped).
// CHECK: {{^}}0{{$}}
func.func @main() -> i32 {
  %p1 = qcc.constant dense<[[-124, 31], [34, 112]]> : tensor<2x2xi8>
  %s1 = qcc.constant dense<[[0.25, 0.5]]> : tensor<1x2xf16>
  %d1 = qcc.dequantize_int4 %p1, %s1 {axis = 1 : i64, group_size = 4 : i64} : (tensor<2x2xi8>, tensor<1x2xf16>) -> tensor<4x2xf32>
  %e1 = qcc.constant dense<[[1.0, -0.5], [0.5, 0.0], [-2.0, 0.5], [0.5, 3.5]]> : tensor<4x2xf32>
  %p2 = qcc.constant dense<[[67, 8], [-1, 127]]> : tensor<2x2xi8>
  %s2 = qcc.constant dense<[[0.5], [2.0]]> : tensor<2x1xf32>
  %d2 = qcc.dequantize_int4 %p2, %s2 {axis = 0 : i64, group_size = 4 : i64} : (tensor<2x2xi8>, tensor<2x1xf32>) -> tensor<2x1x1x3xf32>
  %e2 = qcc.constant dense<[[[[1.5, -4.0, 2.0]]], [[[-2.0, -2.0, -2.0]]]]> : tensor<2x1x1x3xf32>
  %n1 = qcc.binary equal %d1, %e1 : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x2xi1>
  %n2 = qcc.binary equal %d2, %e2 : (tensor<2x1x1x3xf32>, tensor<2x1x1x3xf32>) -> tensor<2x1x1x3xi1>
  %c1 = qcc.cast %n1 : tensor<4x2xi1> -> tensor<4x2xi32>
  %c2 = qcc.cast %n2 : tensor<2x1x1x3xi1> -> tensor<2x1x1x3xi32>
  %r1 = qcc.reduce sum %c1 {axes = array<i64: 0, 1>, keepdims = false} : tensor<4x2xi32> -> tensor<i32>
  %r2 = qcc.reduce sum %c2 {axes = array<i64: 0, 1, 2, 3>, keepdims = false} : tensor<2x1x1x3xi32> -> tensor<i32>
  %v1 = tensor.extract %r1[] : tensor<i32>
  %v2 = tensor.extract %r2[] : tensor<i32>
  %ok = arith.addi %v1, %v2 : i32
  %total = arith.constant 14 : i32
  %bad = arith.subi %total, %ok : i32
  return %bad : i32
}
