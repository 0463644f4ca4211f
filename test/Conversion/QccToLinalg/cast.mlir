// RUN: qcc-opt %s --split-input-file --convert-qcc-to-linalg | FileCheck %s

// Tests the float conversions: extf, truncf, and float to integer through
// i64 (truncation toward zero that keeps the unsigned range of narrow types).
// CHECK-LABEL: func.func @cast_float
// CHECK: arith.extf %{{.+}} : f16 to f32
// CHECK: arith.truncf %{{.+}} : f32 to f16
// CHECK: %[[W:.+]] = arith.fptosi %{{.+}} : f32 to i64
// CHECK: arith.trunci %[[W]] : i64 to i8
// CHECK: arith.cmpf une
func.func @cast_float(%h: tensor<4xf16>, %f: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf16>, tensor<4xi8>, tensor<4xi1>) {
  %a = qcc.cast %h : tensor<4xf16> -> tensor<4xf32>
  %b = qcc.cast %f : tensor<4xf32> -> tensor<4xf16>
  %c = qcc.cast %f : tensor<4xf32> -> tensor<4xi8>
  %d = qcc.cast %f : tensor<4xf32> -> tensor<4xi1>
  return %a, %b, %c, %d : tensor<4xf32>, tensor<4xf16>, tensor<4xi8>, tensor<4xi1>
}

// -----

// Tests integer to float: signed by default, unsigned with the importer's
// unsigned_input attribute, for unsigned types and for i1.
// CHECK-LABEL: func.func @cast_int_to_float
// CHECK: arith.sitofp %{{.+}} : i8 to f32
// CHECK: arith.uitofp %{{.+}} : i8 to f32
// CHECK: arith.uitofp %{{.+}} : i8 to f32
// CHECK: arith.uitofp %{{.+}} : i1 to f32
func.func @cast_int_to_float(%i: tensor<4xi8>, %u: tensor<4xui8>, %p: tensor<4xi1>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %a = qcc.cast %i : tensor<4xi8> -> tensor<4xf32>
  %b = qcc.cast %i {unsigned_input} : tensor<4xi8> -> tensor<4xf32>
  %c = qcc.cast %u : tensor<4xui8> -> tensor<4xf32>
  %d = qcc.cast %p : tensor<4xi1> -> tensor<4xf32>
  return %a, %b, %c, %d : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests integer to integer: extsi, extui for unsigned sources and i1,
// trunci, and != 0 into i1.
// CHECK-LABEL: func.func @cast_int_to_int
// CHECK: arith.extsi %{{.+}} : i8 to i32
// CHECK: arith.extui %{{.+}} : i8 to i32
// CHECK: arith.trunci %{{.+}} : i64 to i32
// CHECK: arith.cmpi ne
// CHECK: arith.extui %{{.+}} : i1 to i64
func.func @cast_int_to_int(%i: tensor<4xi8>, %u: tensor<4xui8>, %l: tensor<4xi64>, %p: tensor<4xi1>) -> (tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi1>, tensor<4xi64>) {
  %a = qcc.cast %i : tensor<4xi8> -> tensor<4xi32>
  %b = qcc.cast %u : tensor<4xui8> -> tensor<4xi32>
  %c = qcc.cast %l : tensor<4xi64> -> tensor<4xi32>
  %d = qcc.cast %l : tensor<4xi64> -> tensor<4xi1>
  %e = qcc.cast %p : tensor<4xi1> -> tensor<4xi64>
  return %a, %b, %c, %d, %e : tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi1>, tensor<4xi64>
}

// -----

// Tests that a cast to the same type, or between types with the same
// storage (ui8 to i8), forwards its input.
// CHECK-LABEL: func.func @cast_noop
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>, %[[U:.+]]: tensor<4xi8>)
// CHECK-NOT: linalg.generic
// CHECK: return %[[X]], %[[U]]
func.func @cast_noop(%x: tensor<4xf32>, %u: tensor<4xui8>) -> (tensor<4xf32>, tensor<4xi8>) {
  %y = qcc.cast %x : tensor<4xf32> -> tensor<4xf32>
  %z = qcc.cast %u : tensor<4xui8> -> tensor<4xi8>
  return %y, %z : tensor<4xf32>, tensor<4xi8>
}
