// RUN: qcc-opt %s --split-input-file --convert-qcc-to-linalg -verify-diagnostics

// Tests that a quantized layer needs a per-tensor quantized input.
func.func @quantized_conv_per_axis_input(%x: tensor<1x2x3x3x!quant.uniform<i8:f32:1, {0.5, 0.25}>>, %w: tensor<1x2x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x1x1x1x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+1 {{quantized 'qcc.conv2d' needs a per-tensor quantized input}}
  %y = qcc.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x3x3x!quant.uniform<i8:f32:1, {0.5, 0.25}>>, tensor<1x2x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x1x1x1x!quant.uniform<i8:f32, 0.1>>
  return %y : tensor<1x1x1x1x!quant.uniform<i8:f32, 0.1>>
}

// -----

// Tests that weights quantized along an axis other than the output channels
// are rejected.
func.func @quantized_matmul_row_axis(%a: tensor<2x2x!quant.uniform<u8:f32, 0.5:128>>, %b: tensor<2x3x!quant.uniform<i8:f32:0, {0.5, 0.25}>>) -> tensor<2x3xi32> {
  // expected-error @+1 {{quantized 'qcc.matmul' needs the weight quantized per tensor or along its output-channel axis 1, got axis 0}}
  %y = qcc.matmul %a, %b : (tensor<2x2x!quant.uniform<u8:f32, 0.5:128>>, tensor<2x3x!quant.uniform<i8:f32:0, {0.5, 0.25}>>) -> tensor<2x3xi32>
  return %y : tensor<2x3xi32>
}

// -----

// Tests that an i32 accumulator result takes only integer activations.
func.func @quantized_matmul_i32_sigmoid(%a: tensor<2x2x!quant.uniform<u8:f32, 0.5:128>>, %b: tensor<2x3x!quant.uniform<i8:f32, 0.5>>) -> tensor<2x3xi32> {
  // expected-error @+1 {{fused activation 'sigmoid' is not supported on 'i32' elements}}
  %y = qcc.matmul %a, %b {activation = #qcc<unary sigmoid>} : (tensor<2x2x!quant.uniform<u8:f32, 0.5:128>>, tensor<2x3x!quant.uniform<i8:f32, 0.5>>) -> tensor<2x3xi32>
  return %y : tensor<2x3xi32>
}

// -----

// Tests that only relu and clip fuse into a quantized result.
func.func @quantized_matmul_sigmoid(%a: tensor<2x2x!quant.uniform<u8:f32, 0.5:128>>, %b: tensor<2x3x!quant.uniform<i8:f32, 0.5>>) -> tensor<2x3x!quant.uniform<u8:f32, 0.5:1>> {
  // expected-error @+1 {{fused activation 'sigmoid' on a quantized result (only relu and clip become clamp bounds)}}
  %y = qcc.matmul %a, %b {activation = #qcc<unary sigmoid>} : (tensor<2x2x!quant.uniform<u8:f32, 0.5:128>>, tensor<2x3x!quant.uniform<i8:f32, 0.5>>) -> tensor<2x3x!quant.uniform<u8:f32, 0.5:1>>
  return %y : tensor<2x3x!quant.uniform<u8:f32, 0.5:1>>
}

// -----

// Tests that a bias must be i32.
func.func @quantized_matmul_float_bias(%a: tensor<2x2x!quant.uniform<u8:f32, 0.5:128>>, %b: tensor<2x3x!quant.uniform<i8:f32, 0.5>>, %c: tensor<3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{quantized 'qcc.matmul' needs an i32 bias (zero point 0), got 'f32'}}
  %y = qcc.matmul %a, %b, %c : (tensor<2x2x!quant.uniform<u8:f32, 0.5:128>>, tensor<2x3x!quant.uniform<i8:f32, 0.5>>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Tests that 16-bit operands (whose products could overflow i32) are
// rejected.
func.func @quantized_matmul_i16(%a: tensor<2x2x!quant.uniform<i16:f32, 0.5>>, %b: tensor<2x3x!quant.uniform<i8:f32, 0.5>>) -> tensor<2x3xi32> {
  // expected-error @+1 {{quantized 'qcc.matmul' needs 8-bit integer or !quant.uniform operands}}
  %y = qcc.matmul %a, %b : (tensor<2x2x!quant.uniform<i16:f32, 0.5>>, tensor<2x3x!quant.uniform<i8:f32, 0.5>>) -> tensor<2x3xi32>
  return %y : tensor<2x3xi32>
}

// -----

// Tests that a reduction deep enough to overflow the i32 accumulator is
// rejected.
func.func @quantized_matmul_deep(%a: tensor<1x40000x!quant.uniform<u8:f32, 0.5:128>>, %b: tensor<40000x1x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x1xi32> {
  // expected-error @+1 {{quantized 'qcc.matmul' with a reduction depth of 40000 could overflow the i32 accumulator}}
  %y = qcc.matmul %a, %b : (tensor<1x40000x!quant.uniform<u8:f32, 0.5:128>>, tensor<40000x1x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x1xi32>
  return %y : tensor<1x1xi32>
}

// -----

// Tests that a requantization multiplier of 2^30 or more is rejected.
func.func @requantize_huge(%x: tensor<4x!quant.uniform<i8:f32, 1.0>>) -> tensor<4x!quant.uniform<i8:f32, 1.0e-10>> {
  // expected-error @+1 {{requantize multiplier 1.000000e+10 is out of range (must be below 2^30)}}
  %y = qcc.requantize %x : tensor<4x!quant.uniform<i8:f32, 1.0>> -> tensor<4x!quant.uniform<i8:f32, 1.0e-10>>
  return %y : tensor<4x!quant.uniform<i8:f32, 1.0e-10>>
}

// -----

// Tests that an elementwise op on quantized values is rejected.
func.func @quantized_add(%a: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  // expected-error @+1 {{lowering of quantized types is not supported yet (in 'qcc.binary')}}
  %y = qcc.binary add %a, %a : (tensor<4x!quant.uniform<i8:f32, 0.5>>, tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  return %y : tensor<4x!quant.uniform<i8:f32, 0.5>>
}

// -----

// Tests that a float-only unary function on integers is rejected.
func.func @int_sqrt(%x: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{unary 'sqrt' is not supported on 'i32' elements}}
  %y = qcc.unary sqrt %x : tensor<4xi32> -> tensor<4xi32>
  return %y : tensor<4xi32>
}

// -----

// Tests that logical kinds on floats are rejected.
func.func @float_and(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{binary 'and' is not supported on 'f32' elements}}
  %y = qcc.binary and %a, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// Tests that a fused activation the element type does not support is
// rejected.
func.func @int_matmul_sigmoid(%a: tensor<2x2xi32>) -> tensor<2x2xi32> {
  // expected-error @+1 {{fused activation 'sigmoid' is not supported on 'i32' elements}}
  %y = qcc.matmul %a, %a {activation = #qcc<unary sigmoid>} : (tensor<2x2xi32>, tensor<2x2xi32>) -> tensor<2x2xi32>
  return %y : tensor<2x2xi32>
}

// -----

// Tests that average pooling of integers is rejected.
func.func @int_avg_pool(%x: tensor<1x1x2x2xi32>) -> tensor<1x1x1x1xi32> {
  // expected-error @+1 {{average pooling needs float elements, got 'i32'}}
  %y = qcc.pool2d avg %x {kernel = array<i64: 2, 2>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x1x2x2xi32> -> tensor<1x1x1x1xi32>
  return %y : tensor<1x1x1x1xi32>
}

// -----

// Tests that softmax of integers is rejected.
func.func @int_softmax(%x: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{'qcc.softmax' needs float elements, got 'i32'}}
  %y = qcc.softmax %x {axis = 0 : i64} : tensor<4xi32>
  return %y : tensor<4xi32>
}

// -----

// Tests that a float-only reduction of integers is rejected.
func.func @int_mean(%x: tensor<4xi32>) -> tensor<1xi32> {
  // expected-error @+1 {{reduce 'mean' needs float elements, got 'i32'}}
  %y = qcc.reduce mean %x {axes = array<i64: 0>} : tensor<4xi32> -> tensor<1xi32>
  return %y : tensor<1xi32>
}

// -----

// Tests that a cast from a non-numeric element type is rejected.
func.func @index_cast(%x: tensor<4xindex>) -> tensor<4xi32> {
  // expected-error @+1 {{cast of 'index' elements is not supported}}
  %y = qcc.cast %x : tensor<4xindex> -> tensor<4xi32>
  return %y : tensor<4xi32>
}

// -----

// Tests that every unsupported op is reported, not only the first.
func.func @two_errors(%x: tensor<4xi32>) -> (tensor<4xi32>, tensor<4xi32>) {
  // expected-error @+1 {{unary 'exp' is not supported on 'i32' elements}}
  %a = qcc.unary exp %x : tensor<4xi32> -> tensor<4xi32>
  // expected-error @+1 {{unary 'log' is not supported on 'i32' elements}}
  %b = qcc.unary log %x : tensor<4xi32> -> tensor<4xi32>
  return %a, %b : tensor<4xi32>, tensor<4xi32>
}

// -----

// Tests that a matmul widening unsigned operands (the named op would
// sign-extend them) is rejected.
func.func @unsigned_widening_matmul(%a: tensor<2x2xui8>) -> tensor<2x2xi32> {
  // expected-error @+1 {{'qcc.matmul' cannot widen unsigned 'ui8' operands to 'i32'}}
  %y = qcc.matmul %a, %a : (tensor<2x2xui8>, tensor<2x2xui8>) -> tensor<2x2xi32>
  return %y : tensor<2x2xi32>
}
