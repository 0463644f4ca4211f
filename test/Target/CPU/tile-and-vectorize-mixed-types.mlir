// RUN: qcc-opt %s --qcc-tile-and-vectorize=vector-width=8 --canonicalize | FileCheck %s

// Tests that the NCHW window micro-kernel accepts a payload with an
// arith.extf (a convolution with narrow-float operands and an f32
// accumulator): extf carries no fast-math flags, and the cloned payload's
// multiply-add still gets `contract`.
// CHECK-LABEL: func.func @conv_f16_operands
// CHECK: arith.extf %{{.+}} fastmath<contract> : vector<8xf16> to vector<8xf32>
// CHECK: arith.mulf %{{.+}}, %{{.+}} fastmath<contract> : vector<8xf32>
// CHECK-NOT: linalg.conv_2d_nchw_fchw
func.func @conv_f16_operands(%x: tensor<1x4x10x10xf16>, %w: tensor<8x4x3x3xf16>) -> tensor<1x8x8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x8x8x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x4x10x10xf16>, tensor<8x4x3x3xf16>) outs(%init : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  return %y : tensor<1x8x8x8xf32>
}
