// RUN: qcc-opt %s --split-input-file --convert-qcc-to-linalg -verify-diagnostics | FileCheck %s

// Tests that a reshape of a zero-element tensor (for which no reassociation
// exists) becomes an empty tensor of the result shape.
// CHECK-LABEL: func.func @reshape_empty
// CHECK:         %[[E:.+]] = tensor.empty() : tensor<3x0x2xf32>
// CHECK:         return %[[E]]
func.func @reshape_empty(%x: tensor<0x3x4xf32>) -> tensor<3x0x2xf32> {
  %y = qcc.reshape %x : tensor<0x3x4xf32> -> tensor<3x0x2xf32>
  return %y : tensor<3x0x2xf32>
}

// -----

// Tests that an op that would need a special result for a zero-element
// operand (a matmul with K = 0) is rejected by name.
func.func @matmul_k0(%a: tensor<2x0xf32>, %b: tensor<0x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{unsupported: 'qcc.matmul' with a zero-element operand and a non-empty result}}
  %y = qcc.matmul %a, %b : (tensor<2x0xf32>, tensor<0x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
