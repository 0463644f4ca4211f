// RUN: qcc-opt %s --split-input-file --qcc-tile-and-vectorize="vector-width=8 pmaddwd-lanes=8" | FileCheck %s --check-prefixes=CHECK,AVX2
// RUN: qcc-opt %s --split-input-file --qcc-tile-and-vectorize="vector-width=4 pmaddwd-lanes=4" | FileCheck %s --check-prefixes=CHECK,SSE2
// RUN: qcc-opt %s --split-input-file --qcc-tile-and-vectorize="vector-width=4" | FileCheck %s --check-prefixes=CHECK,GENERIC

// Tests that a pair-packed integer convolution (qcc.pair_dot, built by
// convert-qcc-to-linalg for quantized conv2d) gets the NCHW micro-kernel
// with its payload as x86 pmaddwd on native-width chunks (16 x i16 ->
// 8 x i32 with AVX2, 8 x i16 -> 4 x i32 with SSE2) plus an add, and, without pmaddwd
// (other architectures), as even/odd 16-bit lanes sign-extended, multiplied
// and added. With AVX2 the 7-wide rows are padded to a whole chunk.
// CHECK-LABEL: func @pair_dot_conv
// CHECK: scf.for
// AVX2: vector.shuffle %{{.+}}, %{{.+}} [0, 1, 2, 3, 4, 5, 6, 0] : vector<7xi32>, vector<7xi32>
// AVX2: %[[P:.+]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%{{.+}}, %{{.+}}) : (vector<16xi16>, vector<16xi16>) -> vector<8xi32>
// AVX2: vector.shuffle %[[P]], %[[P]] [0, 1, 2, 3, 4, 5, 6] : vector<8xi32>, vector<8xi32>
// SSE2: %[[P0:.+]] = llvm.call_intrinsic "llvm.x86.sse2.pmadd.wd"(%{{.+}}, %{{.+}}) : (vector<8xi16>, vector<8xi16>) -> vector<4xi32>
// SSE2: %[[P1:.+]] = llvm.call_intrinsic "llvm.x86.sse2.pmadd.wd"(%{{.+}}, %{{.+}}) : (vector<8xi16>, vector<8xi16>) -> vector<4xi32>
// GENERIC-NOT: llvm.call_intrinsic
// GENERIC: %[[H:.+]] = vector.bitcast %{{.+}} : vector<4xi32> to vector<8xi16>
// GENERIC: %[[E:.+]] = vector.shuffle %[[H]], %[[H]] [0, 2, 4, 6]
// GENERIC: arith.extsi %[[E]] : vector<4xi16> to vector<4xi32>
// GENERIC: %[[O:.+]] = vector.shuffle %[[H]], %[[H]] [1, 3, 5, 7]
// GENERIC: arith.extsi %[[O]] : vector<4xi16> to vector<4xi32>
// GENERIC: arith.muli
// CHECK-NOT: vector.contract
#mx = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, d2 + d5, d3 + d6)>
#mw = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d4, d5, d6)>
#mo = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
func.func @pair_dot_conv(%x: tensor<1x3x9x9xi32>, %w: tensor<4x3x3x3xi32>, %b: tensor<1x4x7x7xi32>) -> tensor<1x4x7x7xi32> {
  %c16 = arith.constant 16 : i32
  %r = linalg.generic {indexing_maps = [#mx, #mw, #mo],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : tensor<1x3x9x9xi32>, tensor<4x3x3x3xi32>) outs(%b : tensor<1x4x7x7xi32>)
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
  } -> tensor<1x4x7x7xi32>
  return %r : tensor<1x4x7x7xi32>
}

// -----

// Tests that a requantization tail that clamps an f64 value to [0, 255]
// before converting it to i64 and truncating to i8 (ONNX QLinearConv's)
// converts to i32 instead (vector f64 -> i32 exists on AVX2, f64 -> i64 only
// on AVX-512DQ), with the clamp as compare-and-select.
// CHECK-LABEL: func @clamped_f64_to_u8
// CHECK-NOT: arith.maximumf
// CHECK-NOT: arith.minimumf
// CHECK: arith.cmpf ogt
// CHECK: arith.select
// CHECK: arith.cmpf olt
// CHECK: arith.select
// CHECK: arith.fptosi %{{.+}} : vector<{{[0-9]+}}xf64> to vector<{{[0-9]+}}xi32>
// CHECK: arith.trunci %{{.+}} : vector<{{[0-9]+}}xi32> to vector<{{[0-9]+}}xi8>
// CHECK-NOT: xi64>
#id = affine_map<(d0) -> (d0)>
func.func @clamped_f64_to_u8(%x: tensor<64xf64>) -> tensor<64xi8> {
  %lo = arith.constant 0.0 : f64
  %hi = arith.constant 255.0 : f64
  %e = tensor.empty() : tensor<64xi8>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : tensor<64xf64>) outs(%e : tensor<64xi8>) {
  ^bb0(%in: f64, %out: i8):
    %0 = arith.maximumf %in, %lo : f64
    %1 = arith.minimumf %0, %hi : f64
    %2 = arith.fptosi %1 : f64 to i64
    %3 = arith.trunci %2 : i64 to i8
    linalg.yield %3 : i8
  } -> tensor<64xi8>
  return %r : tensor<64xi8>
}

// -----

// Tests that a generic that carries the qcc.pair_dot marker but not the
// pair payload (here a plain multiply-add) is an ordinary op: no pair
// multiply-add replaces its payload.
// CHECK-LABEL: func @marker_without_pair_payload
// CHECK-NOT: llvm.call_intrinsic
// CHECK-NOT: vector.bitcast
// CHECK: return
#mx = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, d2 + d5, d3 + d6)>
#mw = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d4, d5, d6)>
#mo = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
func.func @marker_without_pair_payload(%x: tensor<1x3x9x9xi32>, %w: tensor<4x3x3x3xi32>, %b: tensor<1x4x7x7xi32>) -> tensor<1x4x7x7xi32> {
  %r = linalg.generic {indexing_maps = [#mx, #mw, #mo],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : tensor<1x3x9x9xi32>, tensor<4x3x3x3xi32>) outs(%b : tensor<1x4x7x7xi32>)
      attrs = {qcc.pair_dot, strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>} {
  ^bb0(%in: i32, %k: i32, %out: i32):
    %0 = arith.muli %in, %k : i32
    %1 = arith.addi %out, %0 : i32
    linalg.yield %1 : i32
  } -> tensor<1x4x7x7xi32>
  return %r : tensor<1x4x7x7xi32>
}
