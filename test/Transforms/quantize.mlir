// RUN: qcc-opt %s --split-input-file --qcc-quantize | FileCheck %s
// RUN: qcc-opt %s --split-input-file --qcc-quantize=activation-type=s8 | FileCheck %s --check-prefix=S8
// RUN: not qcc-opt %s --split-input-file --qcc-quantize=activation-type=u4 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: activation-type must be u8 or s8, got 'u4'

// A conv + relu feeding (through max pooling and a reshape) a matmul.
// Input range [-1, 1.55]: u8 scale 2.55 / 255 = 0.01, zero point 100.
// Weights per output channel: max|w| = [1, 0.25] -> scales [1/127, 0.25/127],
// so [1, -0.5] -> [127, -64 (-63.5 to even)], [0.25, 0] -> [127, 0].
// Bias [0.5, -0.25] at scales 0.01 * s_w = [7.874e-5, 1.9685e-5] -> [6350, -12700].
// The conv's output [0, 2] is quantized (scale 2/255, zero point 0) because the
// matmul reads it; the matmul reuses those parameters through the pool and
// reshape; its own output stays float (the graph output).
// CHECK-LABEL: func.func @chain
// CHECK: %[[XQ:.+]] = qcc.quantize %arg0 : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x!quant.uniform<u8:f32, 0.0099999997764825821:100>>
// CHECK: %[[XD:.+]] = qcc.dequantize %[[XQ]]
// CHECK: %[[WI:.+]] = qcc.constant dense<{{\[}}{{\[}}{{\[}}[127]], {{\[}}[-64]]], {{\[}}{{\[}}[127]], {{\[}}[0]]]]> : tensor<2x2x1x1xi8>
// CHECK: %[[WQ:.+]] = qcc.reshape %[[WI]] : tensor<2x2x1x1xi8> -> tensor<2x2x1x1x!quant.uniform<i8<-127:127>:f32:0, {0.0078740157186985015,0.0019685039296746254}>>
// CHECK: %[[WD:.+]] = qcc.dequantize %[[WQ]]
// CHECK: %[[BI:.+]] = qcc.constant dense<[6350, -12700]> : tensor<2xi32>
// CHECK: %[[BQ:.+]] = qcc.reshape %[[BI]] : tensor<2xi32> -> tensor<2x!quant.uniform<i32:f32:0, {7.8740155427005354E-5,1.9685038856751338E-5}>>
// CHECK: %[[BD:.+]] = qcc.dequantize %[[BQ]]
// CHECK: %[[C:.+]] = qcc.conv2d %[[XD]], %[[WD]], %[[BD]] {activation = #qcc<unary relu>, {{.*}}precision = #qcc<precision w8a8>, qcc.calib_range = array<f32: 0.000000e+00, 2.000000e+00>, qcc.input_range = array<f32: -1.000000e+00, 1.550000e+00>
// CHECK: %[[CQ:.+]] = qcc.quantize %[[C]] : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x!quant.uniform<u8:f32, 0.0078431377187371254>>
// CHECK: %[[CD:.+]] = qcc.dequantize %[[CQ]]
// CHECK: %[[P:.+]] = qcc.pool2d max %[[CD]]
// CHECK: %[[R:.+]] = qcc.reshape %[[P]]
// CHECK: %[[RQ:.+]] = qcc.quantize %[[R]] : tensor<1x8xf32> -> tensor<1x8x!quant.uniform<u8:f32, 0.0078431377187371254>>
// CHECK: %[[RD:.+]] = qcc.dequantize %[[RQ]]
// CHECK: %[[W2:.+]] = qcc.constant dense_resource<{{.*}}> : tensor<8x3xi8>
// CHECK: qcc.reshape %[[W2]] : tensor<8x3xi8> -> tensor<8x3x!quant.uniform<i8<-127:127>:f32:1, {0.0078740157186985015,0.0078740157186985015,0.0078740157186985015}>>
// CHECK: %[[M:.+]] = qcc.matmul %[[RD]], %{{.+}} {precision = #qcc<precision w8a8>
// CHECK-NOT: qcc.quantize
// CHECK: return %[[M]]

// S8-LABEL: func.func @chain
// S8: qcc.quantize %arg0 : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.012204724363982677>>
// S8: qcc.quantize %{{.+}} : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.015748031437397003>>
func.func @chain(%arg0: tensor<1x2x4x4xf32> {qcc.calib_range = array<f32: -1.0, 1.55>}) -> tensor<1x3xf32> {
  %w = qcc.constant dense<[[[[1.0]], [[-0.5]]], [[[0.25]], [[0.0]]]]> : tensor<2x2x1x1xf32>
  %b = qcc.constant dense<[0.5, -0.25]> : tensor<2xf32>
  %c = qcc.conv2d %arg0, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, activation = #qcc<unary relu>, qcc.calib_range = array<f32: 0.0, 2.0>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %p = qcc.pool2d max %c {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, qcc.calib_range = array<f32: 0.5, 2.0>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  %r = qcc.reshape %p {qcc.calib_range = array<f32: 0.5, 2.0>} : tensor<1x2x2x2xf32> -> tensor<1x8xf32>
  %w2 = qcc.constant dense<1.0> : tensor<8x3xf32>
  %m = qcc.matmul %r, %w2 {qcc.calib_range = array<f32: -4.0, 9.0>} : (tensor<1x8xf32>, tensor<8x3xf32>) -> tensor<1x3xf32>
  return %m : tensor<1x3xf32>
}

// -----

// A conv whose consumer is a float op (a residual add) keeps a float result;
// a range that excludes 0 is widened to contain it ([0.5, 3] -> [0, 3]).
// CHECK-LABEL: func.func @float_consumer
// CHECK: qcc.quantize %arg0 : tensor<1x1x2x2xf32> -> tensor<1x1x2x2x!quant.uniform<u8:f32, 0.011764706112444401>>
// CHECK: %[[C:.+]] = qcc.conv2d {{.*}}precision = #qcc<precision w8a8>
// CHECK-NOT: qcc.quantize
// CHECK: qcc.binary add %[[C]], %arg0
func.func @float_consumer(%arg0: tensor<1x1x2x2xf32> {qcc.calib_range = array<f32: 0.5, 3.0>}) -> tensor<1x1x2x2xf32> {
  %w = qcc.constant dense<2.0> : tensor<1x1x1x1xf32>
  %c = qcc.conv2d %arg0, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, qcc.calib_range = array<f32: 1.0, 6.0>} : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
  %a = qcc.binary add %c, %arg0 : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  return %a : tensor<1x1x2x2xf32>
}

// -----

// Layers that stay float say why.
// CHECK-LABEL: func.func @skipped
// CHECK: qcc.matmul %arg0, %arg1 {qcc.quant_skipped = "weights are computed at run time"}
// CHECK: qcc.matmul %arg2, %{{.+}} {qcc.quant_skipped = "no calibration range for the input"}
func.func @skipped(%arg0: tensor<2x4xf32> {qcc.calib_range = array<f32: -1.0, 1.0>}, %arg1: tensor<4x4xf32>, %arg2: tensor<2x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %m = qcc.matmul %arg0, %arg1 : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
  %w = qcc.constant dense<1.0> : tensor<4x4xf32>
  %n = qcc.matmul %arg2, %w : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
  return %m, %n : tensor<2x4xf32>, tensor<2x4xf32>
}
