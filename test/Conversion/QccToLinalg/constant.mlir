// RUN: qcc-opt %s --split-input-file --convert-qcc-to-linalg | FileCheck %s

// Tests that a constant keeps its dense_resource blob (weights stay out of
// the textual IR and land in .rodata byte for byte).
// CHECK-LABEL: func.func @resource_constant
// CHECK: %[[C:.+]] = arith.constant dense_resource<weights> : tensor<2x2xf32>
// CHECK: return %[[C]]
func.func @resource_constant() -> tensor<2x2xf32> {
  %c = qcc.constant dense_resource<weights> : tensor<2x2xf32>
  return %c : tensor<2x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      weights: "0x040000000000803F000000400000404000008040"
    }
  }
#-}

// -----

// Tests that a dense constant becomes arith.constant with the same value.
// CHECK-LABEL: func.func @dense_constant
// CHECK: arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
func.func @dense_constant() -> tensor<2xf32> {
  %c = qcc.constant dense<[1.0, 2.0]> : tensor<2xf32>
  return %c : tensor<2xf32>
}

// -----

// Tests that an unsigned constant keeps its bytes under the signless
// storage type.
// CHECK-LABEL: func.func @unsigned_constant
// CHECK-SAME: -> tensor<3xi8>
// CHECK: arith.constant dense<[-1, 0, -128]> : tensor<3xi8>
func.func @unsigned_constant() -> tensor<3xui8> {
  %c = qcc.constant dense<[255, 0, 128]> : tensor<3xui8>
  return %c : tensor<3xui8>
}

// -----

// Tests that an unsigned dense_resource constant is retyped without copying
// the blob.
// CHECK-LABEL: func.func @unsigned_resource
// CHECK: arith.constant dense_resource<bytes> : tensor<4xi8>
func.func @unsigned_resource() -> tensor<4xui8> {
  %c = qcc.constant dense_resource<bytes> : tensor<4xui8>
  return %c : tensor<4xui8>
}

{-#
  dialect_resources: {
    builtin: {
      bytes: "0x01000000FF807F00"
    }
  }
#-}

// -----

// Tests that quantized weights (a blob typed with !quant.uniform) become a
// blob of their storage integers that dequantize reads.
// CHECK-LABEL: func.func @quantized_resource
// CHECK: %[[C:.+]] = arith.constant dense_resource<qweights> : tensor<4xi8>
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[C]] : tensor<4xi8>)
func.func @quantized_resource() -> tensor<4xf32> {
  %c = qcc.constant dense_resource<qweights> : tensor<4x!quant.uniform<i8:f32, 0.5:1>>
  %d = qcc.dequantize %c : tensor<4x!quant.uniform<i8:f32, 0.5:1>> -> tensor<4xf32>
  return %d : tensor<4xf32>
}

{-#
  dialect_resources: {
    builtin: {
      qweights: "0x0100000001FF7F80"
    }
  }
#-}
