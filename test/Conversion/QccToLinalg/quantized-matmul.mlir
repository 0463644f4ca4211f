// RUN: qcc-opt %s --split-input-file --convert-qcc-to-linalg | FileCheck %s

// Tests that a quantized matmul widens u8 activations (zero-extended, zero
// point subtracted) and i8 weights (sign-extended) to i32, accumulates into
// the broadcast i32 bias with linalg.matmul on i32, and requantizes per
// output channel with a 31-bit multiplier and shift computed at compile
// time (0.5 * {0.25, 0.5, 0.125, 1.0} / 2.0 = 2^30 * 2^-{33, 32, 34, 31}),
// rounding half away from zero, adding the output zero point and clamping
// to [zp, 127] for the fused relu.
// CHECK-LABEL: func.func @matmul_u8_i8_per_channel
// CHECK-SAME: (%[[A:.+]]: tensor<3x5xi8>, %[[B:.+]]: tensor<5x4xi8>, %[[BIAS:.+]]: tensor<4xi32>) -> tensor<3x4xi8>
// CHECK: %[[AW:.+]] = linalg.generic {{.+}} ins(%[[A]] : tensor<3x5xi8>) outs(%{{.+}} : tensor<3x5xi32>)
// CHECK: %[[AZP:.+]] = arith.constant 128 : i32
// CHECK: %[[AE:.+]] = arith.extui %{{.+}} : i8 to i32
// CHECK: arith.subi %[[AE]], %[[AZP]] : i32
// CHECK: %[[BW:.+]] = linalg.generic {{.+}} ins(%[[B]] : tensor<5x4xi8>) outs(%{{.+}} : tensor<5x4xi32>)
// CHECK: arith.extsi %{{.+}} : i8 to i32
// CHECK-NOT: arith.subi
// CHECK: %[[INIT:.+]] = linalg.broadcast ins(%[[BIAS]] : tensor<4xi32>)
// CHECK: %[[ACC:.+]] = linalg.matmul ins(%[[AW]], %[[BW]] : tensor<3x5xi32>, tensor<5x4xi32>) outs(%[[INIT]] : tensor<3x4xi32>)
// CHECK: %[[SHIFTS:.+]] = arith.constant dense<[34, 33, 35, 32]> : tensor<4xi64>
// CHECK: linalg.generic {{.+}} ins(%[[ACC]], %[[SHIFTS]] : tensor<3x4xi32>, tensor<4xi64>) outs(%{{.+}} : tensor<3x4xi8>)
// CHECK: ^bb0(%[[X:.+]]: i32, %[[S:.+]]: i64, %{{.+}}: i8):
// CHECK: %[[M:.+]] = arith.constant 1073741824 : i64
// CHECK: %[[ZP:.+]] = arith.constant -3 : i64
// CHECK: %[[XE:.+]] = arith.extsi %[[X]] : i32 to i64
// CHECK: %[[P:.+]] = arith.muli %[[XE]], %[[M]] : i64
// CHECK: %[[ONE:.+]] = arith.constant 1 : i64
// CHECK: %[[SM1:.+]] = arith.subi %[[S]], %[[ONE]] : i64
// CHECK: %[[HALF:.+]] = arith.shli %[[ONE]], %[[SM1]] : i64
// CHECK: %[[NEG:.+]] = arith.cmpi slt, %[[P]], %{{.+}} : i64
// CHECK: %[[NB:.+]] = arith.extui %[[NEG]] : i1 to i64
// CHECK: %[[R0:.+]] = arith.addi %[[P]], %[[HALF]] : i64
// CHECK: %[[R1:.+]] = arith.subi %[[R0]], %[[NB]] : i64
// CHECK: %[[R2:.+]] = arith.shrsi %[[R1]], %[[S]] : i64
// CHECK: %[[R3:.+]] = arith.addi %[[R2]], %[[ZP]] : i64
// CHECK: %[[LO:.+]] = arith.constant -3 : i64
// CHECK: %[[R4:.+]] = arith.maxsi %[[R3]], %[[LO]] : i64
// CHECK: %[[HI:.+]] = arith.constant 127 : i64
// CHECK: %[[R5:.+]] = arith.minsi %[[R4]], %[[HI]] : i64
// CHECK: %[[Q:.+]] = arith.trunci %[[R5]] : i64 to i8
// CHECK: linalg.yield %[[Q]] : i8
func.func @matmul_u8_i8_per_channel(%a: tensor<3x5x!quant.uniform<u8:f32, 0.5:128>>, %b: tensor<5x4x!quant.uniform<i8:f32:1, {0.25,0.5,0.125,1.0}>>, %bias: tensor<4xi32>) -> tensor<3x4x!quant.uniform<i8:f32, 2.0:-3>> {
  %y = qcc.matmul %a, %b, %bias {activation = #qcc<unary relu>} : (tensor<3x5x!quant.uniform<u8:f32, 0.5:128>>, tensor<5x4x!quant.uniform<i8:f32:1, {0.25,0.5,0.125,1.0}>>, tensor<4xi32>) -> tensor<3x4x!quant.uniform<i8:f32, 2.0:-3>>
  return %y : tensor<3x4x!quant.uniform<i8:f32, 2.0:-3>>
}

// -----

// Tests that an i32 result is the zero-point-corrected accumulator itself
// (MatMulInteger), with a per-column weight zero point read along the
// columns and batch operands going through linalg.batch_matmul.
// CHECK-LABEL: func.func @matmul_integer_batched
// CHECK: %[[ZPS:.+]] = arith.constant dense<[1, 2, 3]> : tensor<3xi32>
// CHECK: linalg.generic {{.+}} ins(%{{.+}}, %[[ZPS]] : tensor<2x4x3xi8>, tensor<3xi32>) outs(%{{.+}} : tensor<2x4x3xi32>)
// CHECK: arith.extui
// CHECK: arith.subi
// CHECK: %[[ACC:.+]] = linalg.batch_matmul {{.+}} -> tensor<2x2x3xi32>
// CHECK-NOT: linalg.generic
// CHECK: return %[[ACC]] : tensor<2x2x3xi32>
func.func @matmul_integer_batched(%a: tensor<2x2x4x!quant.uniform<i8:f32, 1.0:5>>, %b: tensor<2x4x3x!quant.uniform<u8:f32:2, {1.0:1, 1.0:2, 1.0:3}>>) -> tensor<2x2x3xi32> {
  %y = qcc.matmul %a, %b : (tensor<2x2x4x!quant.uniform<i8:f32, 1.0:5>>, tensor<2x4x3x!quant.uniform<u8:f32:2, {1.0:1, 1.0:2, 1.0:3}>>) -> tensor<2x2x3xi32>
  return %y : tensor<2x2x3xi32>
}

// -----

// Tests that a clip fused into a quantized result becomes clamp bounds
// quantized with the output scale: [0, 6] / 0.05 + 10 = [10, 130], the
// upper bound then limited to the u8 range is kept at 130.
// CHECK-LABEL: func.func @matmul_clip
// CHECK: arith.constant 10 : i64
// CHECK: arith.maxsi
// CHECK: arith.constant 130 : i64
// CHECK: arith.minsi
func.func @matmul_clip(%a: tensor<2x2x!quant.uniform<i8:f32, 0.1>>, %b: tensor<2x2x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x2x!quant.uniform<u8:f32, 0.05:10>> {
  %y = qcc.matmul %a, %b {activation = #qcc<unary clip>, act_params = array<f32: 0.0, 6.0>} : (tensor<2x2x!quant.uniform<i8:f32, 0.1>>, tensor<2x2x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x2x!quant.uniform<u8:f32, 0.05:10>>
  return %y : tensor<2x2x!quant.uniform<u8:f32, 0.05:10>>
}

// -----

// Tests that a relu fused into an i32 accumulator result (MatMulInteger
// followed by an int32 Relu, after qcc-fuse-activations) applies to the
// accumulator as an integer max with 0.
// CHECK-LABEL: func.func @matmul_integer_relu
// CHECK: %[[ACC:.+]] = linalg.matmul {{.+}} -> tensor<2x3xi32>
// CHECK: linalg.generic {{.+}} ins(%[[ACC]] : tensor<2x3xi32>)
// CHECK: arith.maxsi
func.func @matmul_integer_relu(%a: tensor<2x2x!quant.uniform<u8:f32, 1.0:128>>, %b: tensor<2x3x!quant.uniform<i8:f32, 1.0>>) -> tensor<2x3xi32> {
  %y = qcc.matmul %a, %b {activation = #qcc<unary relu>} : (tensor<2x2x!quant.uniform<u8:f32, 1.0:128>>, tensor<2x3x!quant.uniform<i8:f32, 1.0>>) -> tensor<2x3xi32>
  return %y : tensor<2x3xi32>
}
