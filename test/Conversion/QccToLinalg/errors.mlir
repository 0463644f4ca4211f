// RUN: qcc-opt %s --split-input-file --convert-qcc-to-linalg -verify-diagnostics

// Tests that a layer on quantized types is rejected by name until the
// integer kernels exist.
func.func @quantized_conv(%x: tensor<1x1x3x3x!quant.uniform<i8:f32, 0.5>>, %w: tensor<1x1x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x1x1x1x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+1 {{lowering of quantized types is not supported yet (in 'qcc.conv2d')}}
  %y = qcc.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x1x3x3x!quant.uniform<i8:f32, 0.5>>, tensor<1x1x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x1x1x1x!quant.uniform<i8:f32, 0.1>>
  return %y : tensor<1x1x1x1x!quant.uniform<i8:f32, 0.1>>
}

// -----

// Tests that requantize, which needs the integer fixed-point kernels, is
// rejected with the same message.
func.func @requantize(%x: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.25>> {
  // expected-error @+1 {{lowering of quantized types is not supported yet (in 'qcc.requantize')}}
  %y = qcc.requantize %x : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<i8:f32, 0.25>>
  return %y : tensor<4x!quant.uniform<i8:f32, 0.25>>
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
