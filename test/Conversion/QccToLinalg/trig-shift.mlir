// RUN: qcc-opt %s --split-input-file --convert-qcc-to-linalg | FileCheck %s

// Tests that the trigonometric and hyperbolic kinds lower to math ops (which
// qcc-expand-math approximates later).
// CHECK-LABEL: func.func @trig
// CHECK:         math.sin %{{.+}} : f32
// CHECK:         math.acosh %{{.+}} : f32
func.func @trig(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = qcc.unary sin %x : tensor<4xf32> -> tensor<4xf32>
  %1 = qcc.unary acosh %0 : tensor<4xf32> -> tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// Tests that a shift by at least the bit width gives 0 instead of arith's
// poison.
// CHECK-LABEL: func.func @shift
// CHECK:         ^bb0(%[[A:.+]]: i8, %[[B:.+]]: i8, %{{.+}}: i8):
// CHECK:           %[[SH:.+]] = arith.shrui %[[A]], %[[B]] : i8
// CHECK:           %[[W:.+]] = arith.constant 8 : i8
// CHECK:           %[[FAR:.+]] = arith.cmpi uge, %[[B]], %[[W]] : i8
// CHECK:           %[[Z:.+]] = arith.constant 0 : i8
// CHECK:           arith.select %[[FAR]], %[[Z]], %[[SH]] : i8
func.func @shift(%a: tensor<4xi8>, %b: tensor<4xi8>) -> tensor<4xi8> {
  %0 = qcc.binary shift_right %a, %b : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}
