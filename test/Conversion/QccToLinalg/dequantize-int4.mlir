// RUN: qcc-opt %s --split-input-file --convert-qcc-to-linalg | FileCheck %s

// Tests the lowering of a conv-style (axis 0) int4 weight with K = 54 padded
// to 64: one parallel generic over [rows, groups, half, G/2] reading the
// packed bytes [rows, groups, G/2] and the scales [rows, groups]; the nibble
// is (sext(byte) << (28 - 4 * half)) >>s 28, scaled in f32; the result is
// sliced to K and reshaped to the weight's shape.
// CHECK-DAG: #[[P0:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[S0:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1)>
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @conv_weight
// CHECK: %[[E:.+]] = tensor.expand_shape %arg0 {{\[}}[0], [1, 2]] output_shape [8, 2, 16] : tensor<8x32xi8> into tensor<8x2x16xi8>
// CHECK: %[[G:.+]] = linalg.generic {indexing_maps = [#[[P0]], #[[S0]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[E]], %arg1 : tensor<8x2x16xi8>, tensor<8x2xf16>) outs(%{{.+}} : tensor<8x2x2x16xf32>)
// CHECK: ^bb0(%[[B:.+]]: i8, %[[SC:.+]]: f16, %{{.+}}: f32):
// CHECK: %[[W:.+]] = arith.extsi %[[B]] : i8 to i32
// CHECK: %[[H:.+]] = linalg.index 2 : index
// CHECK: %[[SH:.+]] = arith.shli %[[W]], %{{.+}} : i32
// CHECK: %[[Q:.+]] = arith.shrsi %[[SH]], %{{.+}} : i32
// CHECK: %[[F:.+]] = arith.sitofp %[[Q]] : i32 to f32
// CHECK: %[[S:.+]] = arith.extf %[[SC]] : f16 to f32
// CHECK: arith.mulf %[[F]], %[[S]] : f32
// CHECK: %[[C:.+]] = tensor.collapse_shape %[[G]] {{\[}}[0], [1, 2, 3]] : tensor<8x2x2x16xf32> into tensor<8x64xf32>
// CHECK: %[[SL:.+]] = tensor.extract_slice %[[C]][0, 0] [8, 54] [1, 1] : tensor<8x64xf32> to tensor<8x54xf32>
// CHECK: tensor.expand_shape %[[SL]] {{\[}}[0], [1, 2, 3]] output_shape [8, 6, 3, 3] : tensor<8x54xf32> into tensor<8x6x3x3xf32>
func.func @conv_weight(%p: tensor<8x32xi8>, %s: tensor<8x2xf16>) -> tensor<8x6x3x3xf32> {
  %0 = qcc.dequantize_int4 %p, %s {axis = 0 : i64, group_size = 32 : i64} : (tensor<8x32xi8>, tensor<8x2xf16>) -> tensor<8x6x3x3xf32>
  return %0 : tensor<8x6x3x3xf32>
}

// -----

// Tests a matmul weight [K, N] (last axis): the loops are [groups, half, G/2,
// N] with N innermost and contiguous in every operand (packed [Kp/2, N],
// scales [Kp/G, N]); K = 128 needs no slice.
// CHECK-DAG: #[[P1:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-DAG: #[[S1:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d3)>
// CHECK-LABEL: func.func @matmul_weight
// CHECK: tensor.expand_shape %arg0 {{\[}}[0, 1], [2]] output_shape [2, 32, 10] : tensor<64x10xi8> into tensor<2x32x10xi8>
// CHECK: linalg.generic {indexing_maps = [#[[P1]], #[[S1]], #{{.+}}]
// CHECK-SAME: outs(%{{.+}} : tensor<2x2x32x10xf32>)
// CHECK: linalg.index 1 : index
// CHECK-NOT: arith.extf
// CHECK: tensor.collapse_shape %{{.+}} {{\[}}[0, 1, 2], [3]] : tensor<2x2x32x10xf32> into tensor<128x10xf32>
// CHECK-NOT: tensor.extract_slice
// CHECK: return
func.func @matmul_weight(%p: tensor<64x10xi8>, %s: tensor<2x10xf32>) -> tensor<128x10xf32> {
  %0 = qcc.dequantize_int4 %p, %s {axis = 1 : i64, group_size = 64 : i64} : (tensor<64x10xi8>, tensor<2x10xf32>) -> tensor<128x10xf32>
  return %0 : tensor<128x10xf32>
}

// -----

// Tests fp16 / bf16 weights: a matmul takes the narrow weight directly (the
// named op's body extends it to the f32 accumulator as it is loaded), while
// a convolution's weights are extended once by an elementwise generic (the
// NCHW micro-kernel would otherwise convert each weight once per output
// tile).
// CHECK-LABEL: func.func @mixed_types
// CHECK: linalg.matmul ins(%arg0, %{{.+}} : tensor<2x4xf32>, tensor<4x3xf16>) outs(%{{.+}} : tensor<2x3xf32>)
// CHECK: %[[WB:.+]] = linalg.generic {{.*}} ins(%{{.+}} : tensor<3x2x3x3xbf16>) outs(%{{.+}} : tensor<3x2x3x3xf32>)
// CHECK: arith.extf %{{.+}} : bf16 to f32
// CHECK: linalg.conv_2d_nchw_fchw {{.*}} ins(%{{.+}}, %[[WB]] : tensor<1x2x5x5xf32>, tensor<3x2x3x3xf32>) outs(%{{.+}} : tensor<1x3x3x3xf32>)
// CHECK: %[[WD:.+]] = linalg.generic {{.*}} ins(%{{.+}} : tensor<2x1x3x3xf16>) outs(%{{.+}} : tensor<2x1x3x3xf32>)
// CHECK: arith.extf %{{.+}} : f16 to f32
// CHECK: %[[WD3:.+]] = tensor.collapse_shape %[[WD]]
// CHECK: linalg.depthwise_conv_2d_nchw_chw {{.*}} ins(%{{.+}}, %[[WD3]] : tensor<1x2x5x5xf32>, tensor<2x3x3xf32>) outs(%{{.+}} : tensor<1x2x3x3xf32>)
func.func @mixed_types(%x: tensor<2x4xf32>, %c: tensor<1x2x5x5xf32>) -> (tensor<2x3xf32>, tensor<1x3x3x3xf32>, tensor<1x2x3x3xf32>) {
  %w = qcc.constant dense<0.5> : tensor<4x3xf16>
  %y = qcc.matmul %x, %w {precision = #qcc<precision f16>} : (tensor<2x4xf32>, tensor<4x3xf16>) -> tensor<2x3xf32>
  %wc = qcc.constant dense<0.5> : tensor<3x2x3x3xbf16>
  %z = qcc.conv2d %c, %wc {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, precision = #qcc<precision bf16>} : (tensor<1x2x5x5xf32>, tensor<3x2x3x3xbf16>) -> tensor<1x3x3x3xf32>
  %wd = qcc.constant dense<0.5> : tensor<2x1x3x3xf16>
  %d = qcc.conv2d %c, %wd {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 2 : i64, precision = #qcc<precision f16>} : (tensor<1x2x5x5xf32>, tensor<2x1x3x3xf16>) -> tensor<1x2x3x3xf32>
  return %y, %z, %d : tensor<2x3xf32>, tensor<1x3x3x3xf32>, tensor<1x2x3x3xf32>
}
