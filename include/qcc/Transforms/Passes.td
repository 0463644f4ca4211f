//===- Passes.td - qcc graph passes ------------------------*- tablegen -*-===//
//
// Graph-level passes on the qcc dialect.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_TRANSFORMS_PASSES_TD
#define QCC_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def QccFoldConstantsPass : Pass<"qcc-fold-constants", "mlir::func::FuncOp"> {
  let summary = "Evaluates qcc ops whose operands are all constants";
  let description = [{
    Replaces every qcc op whose operands are all `qcc.constant` with a
    constant holding its result, using the ops' folders (which evaluate
    data movement, casts and elementwise math on constant tensors). Results
    larger than a few elements become `dense_resource` blobs.

    ```mlir
    %w = qcc.constant dense_resource<w> : tensor<8x4xf32>
    %t = qcc.transpose %w {perm = array<i64: 1, 0>} : tensor<8x4xf32> -> tensor<4x8xf32>
    ```
    becomes
    ```mlir
    %t = qcc.constant dense_resource<folded> : tensor<4x8xf32>
    ```
  }];
  let dependentDialects = ["::qcc::QccDialect"];
}

def QccFoldBatchNormPass : Pass<"qcc-fold-batchnorm", "mlir::func::FuncOp"> {
  let summary = "Folds inference batch normalization into the preceding conv2d or matmul";
  let description = [{
    A `qcc.batch_norm` whose input is a `qcc.conv2d` (or a `qcc.matmul` whose
    last dimension is the normalized channel) with constant weights, no fused
    activation and no other user is folded into that layer: the weights are
    scaled by `scale / sqrt(var + eps)` per output channel and the bias
    becomes `(bias - mean) * scale / sqrt(var + eps) + beta`.

    ```mlir
    %c = qcc.conv2d %x, %w, %b {...}
    %y = qcc.batch_norm %c, %s, %beta, %m, %v {epsilon = 1.0e-05 : f32}
    ```
    becomes
    ```mlir
    %y = qcc.conv2d %x, %w2, %b2 {...}
    ```
  }];
  let dependentDialects = ["::qcc::QccDialect"];
}

def QccFuseActivationsPass : Pass<"qcc-fuse-activations", "mlir::func::FuncOp"> {
  let summary = "Fuses elementwise activations into the producing layer";
  let description = [{
    A `qcc.unary` of an activation kind (relu, leaky_relu, clip, sigmoid,
    hard_sigmoid, hard_swish, tanh, gelu, elu, selu) whose input is a
    `qcc.conv2d` or `qcc.matmul` with no activation yet and no other user is
    folded into the layer's `activation` and `act_params` attributes.

    ```mlir
    %c = qcc.conv2d %x, %w, %b {...}
    %y = qcc.unary relu %c
    ```
    becomes
    ```mlir
    %y = qcc.conv2d %x, %w, %b {activation = #qcc<unary relu>, ...}
    ```
  }];
}

def QccDeadCodeEliminationPass : Pass<"qcc-dce", "mlir::ModuleOp"> {
  let summary = "Removes ops whose results are unused and unused blobs";
  let description = [{
    Erases side-effect-free ops whose results have no users, in reverse
    order so that chains disappear in one sweep, and private functions that
    are never called. Weights referenced only by erased constants are no
    longer emitted.
  }];
}

def QccQuantizePass : Pass<"qcc-quantize", "mlir::func::FuncOp"> {
  let summary = "Post-training int8 quantization of conv2d/matmul into QDQ form";
  let description = [{
    Rewrites every f32 `qcc.conv2d` / `qcc.matmul` with constant weights
    whose input has a calibrated range (`qcc.calib_range`, written by
    calibration) into the fake-quantized form that `qcc-fuse-qdq` turns
    into an integer kernel:

    - the input is quantized per tensor from its range (asymmetric u8, or
      symmetric s8 with `activation-type=s8`), reusing the parameters of an
      already quantized producer;
    - the weights become an int8 constant, symmetric per output channel
      (scale `max|w_c| / 127`, values in [-127, 127]);
    - the bias becomes an int32 constant at scale `s_x * s_w[c]`;
    - the result is quantized from its range only when another quantized
      layer reads it (directly or through max pooling, reshape, transpose
      or slice) and the fused activation is none, relu or clip.

    The layer gets `precision = #qcc.precision<w8a8>`. A layer that cannot
    be quantized exactly keeps float and gets a `qcc.quant_skipped` string
    attribute saying why (runtime weights, no range, a reduction deeper
    than the exact i32 bound, a non-f32 layer).
  }];
  let options = [
    Option<"activationType", "activation-type", "std::string", "\"u8\"",
           "Activation storage: u8 (asymmetric) or s8 (symmetric)">,
  ];
  let dependentDialects = ["::qcc::QccDialect", "::mlir::quant::QuantDialect"];
}

#endif // QCC_TRANSFORMS_PASSES_TD
