// RUN: qcc-opt %s --convert-qcc-to-linalg --one-shot-bufferize="bufferize-function-boundaries" --convert-linalg-to-loops | FileCheck %s

// Tests that the lowering of every op family bufferizes with
// one-shot-bufferize and lowers to loops: no tensor or linalg op is left.
// CHECK-LABEL: func.func @model
// CHECK-SAME: memref<1x3x8x8xf32,
// CHECK-SAME: memref<1x4x4xi8>
// CHECK-NOT: tensor.
// CHECK-NOT: linalg.
// CHECK: return
func.func @model(%x: tensor<1x3x8x8xf32>, %idx: tensor<2xi64>) -> (tensor<1x2x10xf32>, tensor<2x3xf32>, tensor<1x4x4x!quant.uniform<i8:f32, 0.05>>) {
  %w = qcc.constant dense_resource<w> : tensor<4x3x3x3xf32>
  %b = qcc.constant dense<[0.1, 0.2, 0.3, 0.4]> : tensor<4xf32>
  %c = qcc.conv2d %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, activation = #qcc<unary relu>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %dw = qcc.constant dense<0.5> : tensor<4x1x3x3xf32>
  %d = qcc.conv2d %c, %dw {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 4} : (tensor<1x4x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x8x8xf32>
  %p = qcc.pool2d avg %d {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
  %m = qcc.pool2d max %p {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = true} : tensor<1x4x4x4xf32> -> tensor<1x4x2x2xf32>
  %r = qcc.reshape %m : tensor<1x4x2x2xf32> -> tensor<1x2x8xf32>
  %t = qcc.transpose %r {perm = array<i64: 0, 2, 1>} : tensor<1x2x8xf32> -> tensor<1x8x2xf32>
  %fw = qcc.constant dense<0.25> : tensor<2x5xf32>
  %mm = qcc.matmul %t, %fw : (tensor<1x8x2xf32>, tensor<2x5xf32>) -> tensor<1x8x5xf32>
  %s = qcc.softmax %mm {axis = 2 : i64} : tensor<1x8x5xf32>
  %sl = qcc.slice %s {starts = array<i64: 0, 7, 0>, steps = array<i64: 1, -2, 1>} : tensor<1x8x5xf32> -> tensor<1x2x5xf32>
  %cat = qcc.concat %sl, %sl {axis = 2 : i64} : (tensor<1x2x5xf32>, tensor<1x2x5xf32>) -> tensor<1x2x10xf32>
  %red = qcc.reduce mean %p {axes = array<i64: 0, 2>, keepdims = false} : tensor<1x4x4x4xf32> -> tensor<4x4xf32>
  %g = qcc.gather %red, %idx {axis = 0 : i64} : (tensor<4x4xf32>, tensor<2xi64>) -> tensor<2x4xf32>
  %gs = qcc.slice %g {starts = array<i64: 0, 1>, steps = array<i64: 1, 1>} : tensor<2x4xf32> -> tensor<2x3xf32>
  %u = qcc.unary gelu %gs : tensor<2x3xf32> -> tensor<2x3xf32>
  %q = qcc.quantize %m : tensor<1x4x2x2xf32> -> tensor<1x4x2x2x!quant.uniform<i8:f32, 0.05>>
  %qr = qcc.reshape %q : tensor<1x4x2x2x!quant.uniform<i8:f32, 0.05>> -> tensor<1x4x4x!quant.uniform<i8:f32, 0.05>>
  return %cat, %u, %qr : tensor<1x2x10xf32>, tensor<2x3xf32>, tensor<1x4x4x!quant.uniform<i8:f32, 0.05>>
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000C0BE000080BE000000BE000000000000003E0000803E0000C03E0000C0BE000080BE000000BE000000000000003E0000803E0000C03E0000C0BE000080BE000000BE000000000000003E0000803E0000C03E0000C0BE000080BE000000BE000000000000003E0000803E0000C03E0000C0BE000080BE000000BE000000000000003E0000803E0000C03E0000C0BE000080BE000000BE000000000000003E0000803E0000C03E0000C0BE000080BE000000BE000000000000003E0000803E0000C03E0000C0BE000080BE000000BE000000000000003E0000803E0000C03E0000C0BE000080BE000000BE000000000000003E0000803E0000C03E0000C0BE000080BE000000BE000000000000003E0000803E0000C03E0000C0BE000080BE000000BE000000000000003E0000803E0000C03E0000C0BE000080BE000000BE000000000000003E0000803E0000C03E0000C0BE000080BE000000BE000000000000003E0000803E0000C03E0000C0BE000080BE000000BE000000000000003E0000803E0000C03E0000C0BE000080BE000000BE000000000000003E0000803E0000C03E0000C0BE000080BE000000BE"
    }
  }
#-}
