// RUN: qcc-opt %s --split-input-file --qcc-quantize-weights="mode=int4 group-size=32" | FileCheck %s --check-prefix=INT4
// RUN: qcc-opt %s --split-input-file --qcc-quantize-weights="mode=f16" | FileCheck %s --check-prefix=F16
// RUN: qcc-opt %s --split-input-file --qcc-quantize-weights="mode=bf16" | FileCheck %s --check-prefix=BF16

// Tests int4 packing of a [K, N] = [4, 2] matmul weight (channel axis 1,
// groups along K, stored K-major): the group (K = 4, rounded up to even) is
// split in halves, element t < 2 in the low nibble and t + 2 in the high
// nibble of byte t. Column 0 = [0.7, 0.35, -1.6, 0.4] picks s = f16(1.6 /
// 8.25) by the MSE search (the negative extreme clips to -8): q = [4, 2, -8,
// 2] -> bytes [0x84, 0x22] = [-124, 34]; column 1 = [-0.1, 0, 0.2, 1.4] picks
// s = f16(1.4 / 7): q = [-1, 0, 1, 7] -> [0x1F, 0x70] = [31, 112].
// INT4-LABEL: func.func @matmul_int4
// INT4-DAG: %[[P:.+]] = qcc.constant dense<{{\[}}[-124, 31], [34, 112]]> : tensor<2x2xi8>
// INT4-DAG: %[[S:.+]] = qcc.constant dense<{{\[}}[1.9397{{[0-9]*}}e-01, 1.9995{{[0-9]*}}e-01]]> : tensor<1x2xf16>
// INT4: %[[W:.+]] = qcc.dequantize_int4 %[[P]], %[[S]] {axis = 1 : i64, group_size = 4 : i64} : (tensor<2x2xi8>, tensor<1x2xf16>) -> tensor<4x2xf32>
// INT4: qcc.matmul %arg0, %[[W]], %{{.+}} {precision = #qcc<precision w4f>}
// F16-LABEL: func.func @matmul_int4
// F16: qcc.constant dense<{{\[}}[7.001950e-01, -9.997550e-02], [3.500980e-01, 0.000000e+00], [-1.599610e+00, 1.999510e-01], [3.999020e-01, 1.400390e+00]]> : tensor<4x2xf16>
// F16: qcc.matmul {{.*}}precision = #qcc<precision f16>
// F16-SAME: (tensor<1x4xf32>, tensor<4x2xf16>, tensor<2xf32>) -> tensor<1x2xf32>
func.func @matmul_int4(%arg0: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %w = qcc.constant dense<[[0.7, -0.1], [0.35, 0.0], [-1.6, 0.2], [0.4, 1.4]]> : tensor<4x2xf32>
  %b = qcc.constant dense<[0.5, -0.5]> : tensor<2xf32>
  %y = qcc.matmul %arg0, %w, %b : (tensor<1x4xf32>, tensor<4x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Tests an odd reduction length (K = 3, conv channel axis 0): the group is K
// rounded up to even (4) and padded with a zero; row 0 = [0.3, -0.9, 0.45]
// gives s = f16(0.9 / 8), q = [3, -8, 4, 0] -> [0x43, 0x08]; the all-zero
// row 1 gets scale 0 and zero nibbles. The bias stays f32.
// INT4-LABEL: func.func @conv_odd_k
// INT4-DAG: %[[P:.+]] = qcc.constant dense<{{\[}}[67, 8], [0, 0]]> : tensor<2x2xi8>
// INT4-DAG: %[[S:.+]] = qcc.constant dense<{{\[}}[1.124{{[0-9]*}}e-01], [0.000000e+00]]> : tensor<2x1xf16>
// INT4-DAG: %[[B:.+]] = qcc.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// INT4: %[[W:.+]] = qcc.dequantize_int4 %[[P]], %[[S]] {axis = 0 : i64, group_size = 4 : i64} : (tensor<2x2xi8>, tensor<2x1xf16>) -> tensor<2x1x1x3xf32>
// INT4: qcc.conv2d %arg0, %[[W]], %[[B]] {{.*}}precision = #qcc<precision w4f>
// BF16-LABEL: func.func @conv_odd_k
// BF16: qcc.constant dense<{{\[\[\[\[}}3.007810e-01, -8.984370e-01, 4.492190e-01]]], {{\[\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00]]]]> : tensor<2x1x1x3xbf16>
// BF16: qcc.conv2d {{.*}}precision = #qcc<precision bf16>
// BF16-SAME: (tensor<1x1x4x5xf32>, tensor<2x1x1x3xbf16>, tensor<2xf32>) -> tensor<1x2x4x3xf32>
func.func @conv_odd_k(%arg0: tensor<1x1x4x5xf32>) -> tensor<1x2x4x3xf32> {
  %w = qcc.constant dense<[[[[0.3, -0.9, 0.45]]], [[[0.0, 0.0, 0.0]]]]> : tensor<2x1x1x3xf32>
  %b = qcc.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %y = qcc.conv2d %arg0, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x1x4x5xf32>, tensor<2x1x1x3xf32>, tensor<2xf32>) -> tensor<1x2x4x3xf32>
  return %y : tensor<1x2x4x3xf32>
}

// -----

// Tests the storage shapes: K = 80 over group 32 pads to 96 (3 groups, 48
// bytes per channel); a depthwise 3x3 filter (K = 9) uses one group of 10;
// a grouped conv's filter covers its own input channels (K = 2 * 3 * 3).
// INT4-LABEL: func.func @shapes
// INT4: qcc.dequantize_int4 %{{.+}}, %{{.+}} {axis = 0 : i64, group_size = 32 : i64} : (tensor<4x48xi8>, tensor<4x3xf16>) -> tensor<4x80x1x1xf32>
// INT4: qcc.dequantize_int4 %{{.+}}, %{{.+}} {axis = 0 : i64, group_size = 10 : i64} : (tensor<4x5xi8>, tensor<4x1xf16>) -> tensor<4x1x3x3xf32>
// INT4: qcc.dequantize_int4 %{{.+}}, %{{.+}} {axis = 0 : i64, group_size = 18 : i64} : (tensor<6x9xi8>, tensor<6x1xf16>) -> tensor<6x2x3x3xf32>
// F16-LABEL: func.func @shapes
// F16-COUNT-3: precision = #qcc<precision f16>
func.func @shapes(%x: tensor<1x80x5x5xf32>, %d: tensor<1x4x5x5xf32>) -> (tensor<1x4x5x5xf32>, tensor<1x4x3x3xf32>, tensor<1x6x3x3xf32>) {
  %w1 = qcc.constant dense<0.25> : tensor<4x80x1x1xf32>
  %y1 = qcc.conv2d %x, %w1 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x80x5x5xf32>, tensor<4x80x1x1xf32>) -> tensor<1x4x5x5xf32>
  %w2 = qcc.constant dense<0.5> : tensor<4x1x3x3xf32>
  %y2 = qcc.conv2d %d, %w2 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 4 : i64} : (tensor<1x4x5x5xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x3x3xf32>
  %w3 = qcc.constant dense<-0.5> : tensor<6x2x3x3xf32>
  %y3 = qcc.conv2d %d, %w3 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 2 : i64} : (tensor<1x4x5x5xf32>, tensor<6x2x3x3xf32>) -> tensor<1x6x3x3xf32>
  return %y1, %y2, %y3 : tensor<1x4x5x5xf32>, tensor<1x4x3x3xf32>, tensor<1x6x3x3xf32>
}

// -----

// Tests f16 rounding (nearest even) and saturation: 1e5 does not overflow to
// infinity but becomes the largest finite f16, 65504; bf16 keeps the range.
// F16-LABEL: func.func @saturate
// F16: qcc.constant dense<{{\[}}[6.550400e+04], [-6.550400e+04], [9.997550e-02], [3.332520e-01]]> : tensor<4x1xf16>
// BF16-LABEL: func.func @saturate
// BF16: qcc.constant dense<{{\[}}[9.984000e+04], [-9.984000e+04], [1.000980e-01], [3.339840e-01]]> : tensor<4x1xbf16>
func.func @saturate(%arg0: tensor<2x4xf32>) -> tensor<2x1xf32> {
  %w = qcc.constant dense<[[1.0e5], [-1.0e5], [0.1], [0.33333334]]> : tensor<4x1xf32>
  %y = qcc.matmul %arg0, %w : (tensor<2x4xf32>, tensor<4x1xf32>) -> tensor<2x1xf32>
  return %y : tensor<2x1xf32>
}

// -----

// Tests what stays f32: a run-time weight, a layer with a precision already
// chosen (w8a8), a non-f32 layer, and (int4 only) a batched matmul weight,
// which f16 does convert.
// INT4-LABEL: func.func @skipped
// INT4-NOT: qcc.dequantize_int4
// INT4-NOT: precision = #qcc<precision w4f>
// INT4: return
// F16-LABEL: func.func @skipped
// F16: qcc.matmul %arg0, %arg1 :
// F16: qcc.matmul %arg0, %{{.+}} {precision = #qcc<precision w8a8>} : (tensor<2x4xf32>, tensor<4x3xf32>)
// F16: qcc.matmul %arg2, %{{.+}} : (tensor<2x4xf16>, tensor<4x3xf16>)
// F16: qcc.matmul %arg3, %{{.+}} {precision = #qcc<precision f16>} : (tensor<2x2x4xf32>, tensor<2x4x3xf16>)
func.func @skipped(%arg0: tensor<2x4xf32>, %arg1: tensor<4x3xf32>, %arg2: tensor<2x4xf16>, %arg3: tensor<2x2x4xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf16>, tensor<2x2x3xf32>) {
  %y0 = qcc.matmul %arg0, %arg1 : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  %w = qcc.constant dense<0.5> : tensor<4x3xf32>
  %y1 = qcc.matmul %arg0, %w {precision = #qcc<precision w8a8>} : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  %wh = qcc.constant dense<0.5> : tensor<4x3xf16>
  %y2 = qcc.matmul %arg2, %wh : (tensor<2x4xf16>, tensor<4x3xf16>) -> tensor<2x3xf16>
  %wb = qcc.constant dense<0.5> : tensor<2x4x3xf32>
  %y3 = qcc.matmul %arg3, %wb : (tensor<2x2x4xf32>, tensor<2x4x3xf32>) -> tensor<2x2x3xf32>
  return %y0, %y1, %y2, %y3 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf16>, tensor<2x2x3xf32>
}

// -----

// Tests that a weight shared by two layers is converted once.
// INT4-LABEL: func.func @shared
// INT4: %[[W:.+]] = qcc.dequantize_int4
// INT4-NOT: qcc.dequantize_int4
// INT4: qcc.matmul %arg0, %[[W]]
// INT4: qcc.matmul %arg1, %[[W]]
// F16-LABEL: func.func @shared
// F16: %[[W:.+]] = qcc.constant dense<5.000000e-01> : tensor<4x3xf16>
// F16: qcc.matmul %arg0, %[[W]]
// F16: qcc.matmul %arg1, %[[W]]
func.func @shared(%arg0: tensor<2x4xf32>, %arg1: tensor<5x4xf32>) -> (tensor<2x3xf32>, tensor<5x3xf32>) {
  %w = qcc.constant dense<0.5> : tensor<4x3xf32>
  %y0 = qcc.matmul %arg0, %w : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  %y1 = qcc.matmul %arg1, %w : (tensor<5x4xf32>, tensor<4x3xf32>) -> tensor<5x3xf32>
  return %y0, %y1 : tensor<2x3xf32>, tensor<5x3xf32>
}

// -----

// Tests non-finite weights: int4 cannot represent them (the group's scale
// would be infinite), so the layer stays f32; f16 keeps the infinity.
// INT4-LABEL: func.func @non_finite
// INT4-NOT: qcc.dequantize_int4
// INT4: qcc.matmul %arg0, %{{.+}} : (tensor<2x2xf32>, tensor<2x1xf32>)
// F16-LABEL: func.func @non_finite
// F16: qcc.constant dense<{{\[}}[0x7C00], [1.000000e+00]]> : tensor<2x1xf16>
func.func @non_finite(%arg0: tensor<2x2xf32>) -> tensor<2x1xf32> {
  %w = qcc.constant dense<[[0x7F800000], [1.0]]> : tensor<2x1xf32>
  %y = qcc.matmul %arg0, %w : (tensor<2x2xf32>, tensor<2x1xf32>) -> tensor<2x1xf32>
  return %y : tensor<2x1xf32>
}
