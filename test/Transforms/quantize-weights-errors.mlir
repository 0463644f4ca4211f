// RUN: qcc-opt %s --qcc-quantize-weights="mode=int8" --verify-diagnostics
// RUN: qcc-opt %s --qcc-quantize-weights="mode=int4 group-size=7" --verify-diagnostics
// RUN: qcc-opt %s --qcc-quantize-weights="follow-plan group-size=7" --verify-diagnostics

// Tests that an unknown mode and an odd int4 group size (also with
// follow-plan, where any layer may be planned int4) are errors (the
// diagnostics differ only after the common prefix).
// expected-error @+1 {{qcc-quantize-weights: }}
func.func @bad_option(%arg0: tensor<1x4xf32>) -> tensor<1x4xf32> {
  return %arg0 : tensor<1x4xf32>
}
