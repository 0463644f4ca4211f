// RUN: qcc-opt %s --split-input-file --convert-qcc-to-linalg | FileCheck %s

// Tests that requantize from per-channel i8 to per-tensor u8 subtracts the
// input zero point, multiplies by the fixed-point form of s_in[c] / s_out
// (0.5 / 0.1, 0.25 / 0.1, 0.125 / 0.1: one multiplier, shifts 28, 29, 30),
// rounds half away from zero, adds the output zero point and clamps to
// [0, 255].
// CHECK-LABEL: func.func @requantize_per_channel
// CHECK: %[[SHIFTS:.+]] = arith.constant dense<[28, 29, 30]> : tensor<3xi64>
// CHECK: linalg.generic {{.+}} ins(%{{.+}}, %[[SHIFTS]] : tensor<2x3xi8>, tensor<3xi64>) outs(%{{.+}} : tensor<2x3xi8>)
// CHECK: ^bb0(%[[Q:.+]]: i8, %[[S:.+]]: i64, %{{.+}}: i8):
// CHECK: %[[M:.+]] = arith.constant 1342177280 : i64
// CHECK: %[[ZP:.+]] = arith.constant 7 : i64
// CHECK: %[[W:.+]] = arith.extsi %[[Q]] : i8 to i32
// CHECK: %[[WE:.+]] = arith.extsi %{{.+}} : i32 to i64
// CHECK: arith.muli %[[WE]], %[[M]] : i64
// CHECK: arith.shrsi %{{.+}}, %[[S]] : i64
// CHECK: arith.addi %{{.+}}, %[[ZP]] : i64
// CHECK: arith.constant 0 : i64
// CHECK: arith.maxsi
// CHECK: arith.constant 255 : i64
// CHECK: arith.minsi
// CHECK: arith.trunci %{{.+}} : i64 to i8
func.func @requantize_per_channel(%x: tensor<2x3x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125}>>) -> tensor<2x3x!quant.uniform<u8:f32, 0.1:7>> {
  %y = qcc.requantize %x : tensor<2x3x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125}>> -> tensor<2x3x!quant.uniform<u8:f32, 0.1:7>>
  return %y : tensor<2x3x!quant.uniform<u8:f32, 0.1:7>>
}

// -----

// Tests that a per-tensor requantize with an input zero point uses scalar
// constants only (no per-channel operands).
// CHECK-LABEL: func.func @requantize_per_tensor
// CHECK: linalg.generic {{.+}} ins(%{{.+}} : tensor<4xi8>) outs(%{{.+}} : tensor<4xi8>)
// CHECK: arith.constant 5 : i32
// CHECK: arith.extui %{{.+}} : i8 to i32
// CHECK: arith.subi
func.func @requantize_per_tensor(%x: tensor<4x!quant.uniform<u8:f32, 0.5:5>>) -> tensor<4x!quant.uniform<i8:f32, 0.25:3>> {
  %y = qcc.requantize %x : tensor<4x!quant.uniform<u8:f32, 0.5:5>> -> tensor<4x!quant.uniform<i8:f32, 0.25:3>>
  return %y : tensor<4x!quant.uniform<i8:f32, 0.25:3>>
}
