// RUN: qcc-opt %s --split-input-file --qcc-quantize-weights=follow-plan --verify-diagnostics

// Tests that a layer planned for a weight format it cannot hold is an error
// naming the format and the reason.
func.func @runtime_weights(%arg0: tensor<2x4xf32>, %arg1: tensor<4x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{qcc-quantize-weights: the plan gives this layer f16 weights, but its weights are computed at run time}}
  %m = qcc.matmul %arg0, %arg1 {qcc.plan = #qcc<precision f16>} : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
  return %m : tensor<2x4xf32>
}

// -----

func.func @batched_int4(%arg0: tensor<2x1x4xf32>) -> tensor<2x1x4xf32> {
  %w = qcc.constant dense<1.0> : tensor<2x4x4xf32>
  // expected-error @+1 {{the plan gives this layer w4f weights, but its weights are batched (rank > 2)}}
  %m = qcc.matmul %arg0, %w {qcc.plan = #qcc<precision w4f>} : (tensor<2x1x4xf32>, tensor<2x4x4xf32>) -> tensor<2x1x4xf32>
  return %m : tensor<2x1x4xf32>
}

// -----

func.func @nonfinite_int4(%arg0: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = qcc.constant dense<[[1.0, 0x7F800000], [0.5, 0.25]]> : tensor<2x2xf32>
  // expected-error @+1 {{the plan gives this layer w4f weights, but its weights are not all finite}}
  %m = qcc.matmul %arg0, %w {qcc.plan = #qcc<precision w4f>} : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %m : tensor<1x2xf32>
}

