// RUN: qcc-opt %s --split-input-file --convert-qcc-to-linalg | FileCheck %s

// Tests that a quantized conv2d with constant weights becomes a pair-packed
// contraction: the 8-bit weights are stored split into even and odd input
// channels ([2, G, F, C2, kh, kw]; the odd third channel pairs with the
// weight zero point 0) and packed at run time, two channels per i32 (even in
// bits 0-15, odd in bits 16-31), the input is packed the same way after its
// channel count is padded to even with its zero point (100, subtracted while
// packing), the packed input is padded spatially with 0 (= the zero point),
// and the contraction is a linalg.generic marked qcc.pair_dot whose payload
// adds lo(x) * lo(w) + hi(x) * hi(w) to the bias.
// CHECK-LABEL: func.func @conv_packed_odd_channels
// CHECK: %[[BIAS:.+]] = linalg.broadcast
// CHECK: %[[WH:.+]] = arith.constant dense<{{\[\[\[\[\[\[}}1]], {{\[\[}}3]]], {{\[\[\[}}-4]], {{\[\[}}-6]]]]], {{\[\[\[\[\[}}2]], {{\[\[}}0]]], {{\[\[\[}}5]], {{\[\[}}0]]]]]]> : tensor<2x1x2x2x1x1xi8>
// CHECK: %[[WE:.+]] = tensor.extract_slice %[[WH]][0, 0, 0, 0, 0, 0] [1, 1, 2, 2, 1, 1]
// CHECK: %[[WO:.+]] = tensor.extract_slice %[[WH]][1, 0, 0, 0, 0, 0] [1, 1, 2, 2, 1, 1]
// CHECK: %[[WP:.+]] = linalg.generic {{.+}} ins(%[[WE]], %[[WO]] : tensor<1x2x2x1x1xi8>, tensor<1x2x2x1x1xi8>) outs(%{{.+}} : tensor<1x2x2x1x1xi32>)
// CHECK: arith.extsi
// CHECK-NOT: arith.subi
// CHECK: arith.andi
// CHECK: arith.extsi
// CHECK: arith.shli
// CHECK: arith.ori
// CHECK: %[[X5:.+]] = tensor.expand_shape %{{.+}} : tensor<1x3x4x4xi8> into tensor<1x1x3x4x4xi8>
// CHECK: %[[ZX:.+]] = arith.constant 100 : i8
// CHECK: tensor.pad %[[X5]] low[0, 0, 0, 0, 0] high[0, 0, 1, 0, 0]
// CHECK: tensor.yield %[[ZX]] : i8
// CHECK: %[[EVEN:.+]] = tensor.extract_slice %{{.+}}[0, 0, 0, 0, 0, 0] [1, 1, 2, 1, 4, 4]
// CHECK: %[[ODD:.+]] = tensor.extract_slice %{{.+}}[0, 0, 0, 1, 0, 0] [1, 1, 2, 1, 4, 4]
// CHECK: %[[XP:.+]] = linalg.generic {{.+}} ins(%[[EVEN]], %[[ODD]] : tensor<1x1x2x4x4xi8>, tensor<1x1x2x4x4xi8>) outs(%{{.+}} : tensor<1x1x2x4x4xi32>)
// CHECK: arith.extui
// CHECK: arith.subi
// CHECK: arith.andi
// CHECK: arith.extui
// CHECK: arith.subi
// CHECK: arith.shli
// CHECK: arith.ori
// CHECK: %[[ZERO:.+]] = arith.constant 0 : i32
// CHECK: %[[PAD:.+]] = tensor.pad %[[XP]] low[0, 0, 0, 1, 0] high[0, 0, 0, 0, 1]
// CHECK: tensor.yield %[[ZERO]] : i32
// CHECK: %[[XIN:.+]] = tensor.collapse_shape %[[PAD]] {{.+}} into tensor<1x2x5x5xi32>
// CHECK: %[[WIN:.+]] = tensor.collapse_shape %[[WP]] {{.+}} into tensor<2x2x1x1xi32>
// CHECK: %[[ACC:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%[[XIN]], %[[WIN]] : tensor<1x2x5x5xi32>, tensor<2x2x1x1xi32>) outs(%[[BIAS]] : tensor<1x2x5x5xi32>) attrs = {dilations = dense<1> : tensor<2xi64>, qcc.pair_dot, strides = dense<1> : tensor<2xi64>}
// CHECK: ^bb0(%[[X:.+]]: i32, %[[W:.+]]: i32, %[[OUT:.+]]: i32):
// CHECK: %[[S:.+]] = arith.constant 16 : i32
// CHECK: %[[XL0:.+]] = arith.shli %[[X]], %[[S]]
// CHECK: %[[XL:.+]] = arith.shrsi %[[XL0]], %[[S]]
// CHECK: %[[WL0:.+]] = arith.shli %[[W]], %[[S]]
// CHECK: %[[WL:.+]] = arith.shrsi %[[WL0]], %[[S]]
// CHECK: %[[PL:.+]] = arith.muli %[[XL]], %[[WL]]
// CHECK: %[[XH:.+]] = arith.shrsi %[[X]], %[[S]]
// CHECK: %[[WH:.+]] = arith.shrsi %[[W]], %[[S]]
// CHECK: %[[PH:.+]] = arith.muli %[[XH]], %[[WH]]
// CHECK: %[[P:.+]] = arith.addi %[[PL]], %[[PH]]
// CHECK: %[[R:.+]] = arith.addi %[[OUT]], %[[P]]
// CHECK: linalg.yield %[[R]]
// CHECK: linalg.generic {{.+}} ins(%[[ACC]]
// CHECK: arith.constant 1073741824 : i64
func.func @conv_packed_odd_channels(%x: tensor<1x3x4x4x!quant.uniform<u8:f32, 0.5:100>>) -> tensor<1x2x5x5x!quant.uniform<u8:f32, 0.25:3>> {
  %wc = qcc.constant dense<[[[[1]], [[2]], [[3]]], [[[-4]], [[5]], [[-6]]]]> : tensor<2x3x1x1xi8>
  %w = qcc.reshape %wc : tensor<2x3x1x1xi8> -> tensor<2x3x1x1x!quant.uniform<i8:f32:0, {0.25, 0.5}>>
  %b = qcc.constant dense<[7, -7]> : tensor<2xi32>
  %y = qcc.conv2d %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 1, 0, 0, 1>, dilations = array<i64: 1, 1>} : (tensor<1x3x4x4x!quant.uniform<u8:f32, 0.5:100>>, tensor<2x3x1x1x!quant.uniform<i8:f32:0, {0.25, 0.5}>>, tensor<2xi32>) -> tensor<1x2x5x5x!quant.uniform<u8:f32, 0.25:3>>
  return %y : tensor<1x2x5x5x!quant.uniform<u8:f32, 0.25:3>>
}

// -----

// Tests that a grouped quantized conv2d with two channels per group packs
// per group: [N, G, C2, H, W] input, [G, Fg, C2, kh, kw] weights (the u8
// weight zero point 2 subtracted while packing), a [N, G, Fg, OH, OW]
// contraction with the strides and dilations on its input map, collapsed
// back to NCHW. Without a bias the accumulator starts at 0.
// CHECK: #[[XMAP:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d5, d3 * 2 + d6, d4 + d7 * 2)>
// CHECK: #[[WMAP:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d1, d2, d5, d6, d7)>
// CHECK-LABEL: func.func @conv_packed_grouped
// CHECK: %[[INIT:.+]] = linalg.fill
// CHECK: arith.constant dense<{{.+}}> : tensor<2x2x2x1x1x1xi8>
// CHECK: linalg.generic {{.+}} outs(%{{.+}} : tensor<2x2x1x1x1xi32>)
// CHECK: arith.constant 2 : i32
// CHECK: arith.extui
// CHECK: arith.subi
// CHECK-NOT: tensor.pad
// CHECK: arith.extsi
// CHECK: %[[ACC:.+]] = tensor.expand_shape %[[INIT]] {{.+}} into tensor<1x2x2x3x5xi32>
// CHECK: linalg.generic {indexing_maps = [#[[XMAP]], #[[WMAP]], #{{.+}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%{{.+}}, %{{.+}} : tensor<1x2x1x5x5xi32>, tensor<2x2x1x1x1xi32>) outs(%[[ACC]] : tensor<1x2x2x3x5xi32>) attrs = {dilations = dense<[1, 2]> : tensor<2xi64>, qcc.pair_dot, strides = dense<[2, 1]> : tensor<2xi64>}
// CHECK: tensor.collapse_shape %{{.+}} {{.+}} into tensor<1x4x3x5xi32>
func.func @conv_packed_grouped(%x: tensor<1x4x5x5x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<1x4x3x5xi32> {
  %wc = qcc.constant dense<[[[[3]], [[4]]], [[[1]], [[0]]], [[[5]], [[6]]], [[[9]], [[5]]]]> : tensor<4x2x1x1xi8>
  %w = qcc.reshape %wc : tensor<4x2x1x1xi8> -> tensor<4x2x1x1x!quant.uniform<u8:f32, 1.0:2>>
  %y = qcc.conv2d %x, %w {strides = array<i64: 2, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 2>, group = 2 : i64} : (tensor<1x4x5x5x!quant.uniform<i8:f32, 0.5:-3>>, tensor<4x2x1x1x!quant.uniform<u8:f32, 1.0:2>>) -> tensor<1x4x3x5xi32>
  return %y : tensor<1x4x3x5xi32>
}

// -----

// Tests that a quantized matmul with a constant rhs [K, N] becomes the
// pair-packed contraction of a 1x1 convolution: the rhs split into even and
// odd rows of K ([2, 1, K2, 1, N]; the odd K = 3 pairs its last row with the
// column's zero point) and packed at run time into [1, K2, 1, N] with the
// per-column zero points [1, -1] subtracted, the lhs rows (batch folded in)
// padded along K with the zero point (-2) and packed into [R, K2, 1, 1], the
// bias broadcast into the [1, R, 1, N] accumulator.
// CHECK-LABEL: func.func @matmul_packed
// CHECK: %[[RH:.+]] = arith.constant dense<{{\[\[\[\[\[}}1, 2]], {{\[\[}}5, 6]]]], {{\[\[\[\[}}3, 4]], {{\[\[}}1, -1]]]]]> : tensor<2x1x2x1x2xi8>
// CHECK: %[[ZW:.+]] = arith.constant dense<[1, -1]> : tensor<2xi32>
// CHECK: %[[RP:.+]] = linalg.generic {{.+}} ins(%{{.+}}, %{{.+}}, %[[ZW]] : tensor<1x2x1x2xi8>, tensor<1x2x1x2xi8>, tensor<2xi32>) outs(%{{.+}} : tensor<1x2x1x2xi32>)
// CHECK: %[[X:.+]] = tensor.collapse_shape %{{.+}} : tensor<2x3x3xi8> into tensor<6x3xi8>
// CHECK: %[[ZX:.+]] = arith.constant -2 : i8
// CHECK: tensor.pad %[[X]] low[0, 0] high[0, 1]
// CHECK: tensor.yield %[[ZX]] : i8
// CHECK: %[[LP:.+]] = linalg.generic {{.+}} outs(%{{.+}} : tensor<6x2xi32>)
// CHECK: %[[LP4:.+]] = tensor.expand_shape %[[LP]] {{.+}} into tensor<6x2x1x1xi32>
// CHECK: %[[ACC:.+]] = tensor.expand_shape %{{.+}} into tensor<1x6x1x2xi32>
// CHECK: linalg.generic {{.+}} ins(%[[RP]], %[[LP4]] : tensor<1x2x1x2xi32>, tensor<6x2x1x1xi32>) outs(%[[ACC]] : tensor<1x6x1x2xi32>) attrs = {dilations = dense<1> : tensor<2xi64>, qcc.pair_dot, strides = dense<1> : tensor<2xi64>}
// CHECK: tensor.expand_shape %{{.+}} into tensor<2x3x2xi32>
func.func @matmul_packed(%a: tensor<2x3x3x!quant.uniform<i8:f32, 0.5:-2>>) -> tensor<2x3x2xi32> {
  %bc = qcc.constant dense<[[1, 2], [3, 4], [5, 6]]> : tensor<3x2xi8>
  %b = qcc.reshape %bc : tensor<3x2xi8> -> tensor<3x2x!quant.uniform<i8:f32:1, {1.0:1, 1.0:-1}>>
  %bias = qcc.constant dense<[10, -10]> : tensor<2xi32>
  %y = qcc.matmul %a, %b, %bias : (tensor<2x3x3x!quant.uniform<i8:f32, 0.5:-2>>, tensor<3x2x!quant.uniform<i8:f32:1, {1.0:1, 1.0:-1}>>, tensor<2xi32>) -> tensor<2x3x2xi32>
  return %y : tensor<2x3x2xi32>
}
