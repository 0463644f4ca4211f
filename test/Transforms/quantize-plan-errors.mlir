// RUN: qcc-opt %s --split-input-file --qcc-quantize=follow-plan --verify-diagnostics

// Tests that a layer planned int8 that cannot be quantized is an error with
// the reason (here: its weights are a run-time input).
func.func @runtime_weights(%arg0: tensor<2x4xf32> {qcc.calib_range = array<f32: -1.0, 1.0>}, %arg1: tensor<4x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{qcc-quantize: the plan makes this layer int8, but it cannot be quantized: weights are computed at run time}}
  %m = qcc.matmul %arg0, %arg1 {qcc.plan = #qcc<precision w8a8>} : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
  return %m : tensor<2x4xf32>
}

// -----

// Tests that a planned int8 layer needs a calibrated input range.
func.func @no_range(%arg0: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %w = qcc.constant dense<1.0> : tensor<4x4xf32>
  // expected-error @+1 {{cannot be quantized: no calibration range for the input}}
  %m = qcc.matmul %arg0, %w {qcc.plan = #qcc<precision w8a8>} : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
  return %m : tensor<2x4xf32>
}

// -----

// Tests that layers without an int8 plan are not checked: the same layer
// planned fp32 (or unplanned) is left alone without a diagnostic.
func.func @not_planned(%arg0: tensor<2x4xf32>, %arg1: tensor<4x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %m = qcc.matmul %arg0, %arg1 {qcc.plan = #qcc<precision f32>} : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
  %n = qcc.matmul %arg0, %arg1 : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
  return %m, %n : tensor<2x4xf32>, tensor<2x4xf32>
}
