// RUN: qcc-opt %s --split-input-file --convert-qcc-to-linalg | FileCheck %s

// Tests that a per-tensor quantize divides by the scale, rounds half to
// even, adds the zero point, clamps to the storage range and converts to the
// signless storage type; the function signature carries the storage type.
// CHECK-LABEL: func.func @quantize_per_tensor
// CHECK-SAME: (%[[X:.+]]: tensor<2x4xf32>) -> tensor<2x4xi8>
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[X]] : tensor<2x4xf32>) outs(%{{.+}} : tensor<2x4xi8>)
// CHECK: ^bb0(%[[V:.+]]: f32, %{{.+}}: i8):
// CHECK: %[[S:.+]] = arith.constant 1.250000e-01 : f32
// CHECK: %[[ZP:.+]] = arith.constant 3.000000e+00 : f32
// CHECK: %[[D:.+]] = arith.divf %[[V]], %[[S]]
// CHECK: %[[R:.+]] = math.roundeven %[[D]]
// CHECK: %[[A:.+]] = arith.addf %[[R]], %[[ZP]]
// CHECK: %[[LO:.+]] = arith.constant -1.280000e+02 : f32
// CHECK: %[[C1:.+]] = arith.maximumf %[[A]], %[[LO]]
// CHECK: %[[HI:.+]] = arith.constant 1.270000e+02 : f32
// CHECK: %[[C2:.+]] = arith.minimumf %[[C1]], %[[HI]]
// CHECK: %[[I:.+]] = arith.fptosi %[[C2]] : f32 to i32
// CHECK: %[[Q:.+]] = arith.trunci %[[I]] : i32 to i8
// CHECK: linalg.yield %[[Q]] : i8
func.func @quantize_per_tensor(%x: tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i8:f32, 0.125:3>> {
  %q = qcc.quantize %x : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<i8:f32, 0.125:3>>
  return %q : tensor<2x4x!quant.uniform<i8:f32, 0.125:3>>
}

// -----

// Tests that u8 storage clamps to [0, 255] and dequantizes with a
// zero-extension: (q - zp) * scale exact in i32.
// CHECK-LABEL: func.func @roundtrip_u8
// CHECK: arith.constant 0.000000e+00 : f32
// CHECK: arith.constant 2.550000e+02 : f32
// CHECK: arith.trunci %{{.+}} : i32 to i8
// CHECK: linalg.generic
// CHECK: ^bb0(%[[Q:.+]]: i8, %{{.+}}: f32):
// CHECK: %[[ZP:.+]] = arith.constant 128 : i32
// CHECK: %[[W:.+]] = arith.extui %[[Q]] : i8 to i32
// CHECK: %[[D:.+]] = arith.subi %[[W]], %[[ZP]]
// CHECK: %[[F:.+]] = arith.sitofp %[[D]] : i32 to f32
// CHECK: arith.mulf %[[F]]
func.func @roundtrip_u8(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = qcc.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.1:128>>
  %y = qcc.dequantize %q : tensor<4x!quant.uniform<u8:f32, 0.1:128>> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// Tests that per-axis parameters are constant vectors read along the
// quantized dimension.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[AX:.+]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func.func @per_axis
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>)
// CHECK: %[[S:.+]] = arith.constant dense<[1.000000e-01, 2.000000e-01, 5.000000e-02]> : tensor<3xf32>
// CHECK: %[[Z:.+]] = arith.constant dense<[0.000000e+00, 3.000000e+00, -2.000000e+00]> : tensor<3xf32>
// CHECK: %[[Q:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[AX]], #[[AX]], #[[ID]]]
// CHECK-SAME: ins(%[[X]], %[[S]], %[[Z]] : tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>)
// CHECK: math.roundeven
// CHECK: %[[DS:.+]] = arith.constant dense<[1.000000e-01, 2.000000e-01, 5.000000e-02]> : tensor<3xf32>
// CHECK: %[[DZ:.+]] = arith.constant dense<[0, 3, -2]> : tensor<3xi32>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[AX]], #[[AX]], #[[ID]]]
// CHECK-SAME: ins(%[[Q]], %[[DS]], %[[DZ]] : tensor<2x3x4xi8>, tensor<3xf32>, tensor<3xi32>)
// CHECK: arith.extsi
func.func @per_axis(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %q = qcc.quantize %x : tensor<2x3x4xf32> -> tensor<2x3x4x!quant.uniform<i8:f32:1, {0.1:0, 0.2:3, 0.05:-2}>>
  %y = qcc.dequantize %q : tensor<2x3x4x!quant.uniform<i8:f32:1, {0.1:0, 0.2:3, 0.05:-2}>> -> tensor<2x3x4xf32>
  return %y : tensor<2x3x4xf32>
}

// -----

// Tests that quantized values move through data movement ops as their
// storage integers.
// CHECK-LABEL: func.func @quantized_reshape
// CHECK-SAME: (%[[Q:.+]]: tensor<2x4xi8>) -> tensor<8xi8>
// CHECK: %[[R:.+]] = tensor.collapse_shape %[[Q]] {{\[}}[0, 1]] : tensor<2x4xi8> into tensor<8xi8>
// CHECK: return %[[R]]
func.func @quantized_reshape(%q: tensor<2x4x!quant.uniform<i8:f32, 0.5>>) -> tensor<8x!quant.uniform<i8:f32, 0.5>> {
  %r = qcc.reshape %q : tensor<2x4x!quant.uniform<i8:f32, 0.5>> -> tensor<8x!quant.uniform<i8:f32, 0.5>>
  return %r : tensor<8x!quant.uniform<i8:f32, 0.5>>
}
