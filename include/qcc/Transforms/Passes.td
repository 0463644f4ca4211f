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

def QccFuseQDQPass : Pass<"qcc-fuse-qdq", "mlir::func::FuncOp"> {
  let summary = "Turns dequantize -> conv2d/matmul -> quantize (QDQ) into integer layers";
  let description = [{
    Rewrites the fake-quantized (QDQ) form of pre-quantized ONNX models and
    of qcc's own quantizer into quantized layers: a `qcc.conv2d` or
    `qcc.matmul` whose input and weight are `qcc.dequantize`d 8-bit values
    reads the stored integers instead, its bias becomes i32 at scale
    `s_x * s_w[c]`, and when every user of its float result is a
    `qcc.quantize` to one per-tensor type the layer produces that type
    (requantization and a fused relu/clip in the integer epilogue).
    `qcc.dequantize` moves below reshape, transpose, slice, gather, concat
    (identical parameters, or constants on the grid: Pad) and max pooling,
    and `qcc.quantize` above reshape and transpose; `quantize(dequantize x)`
    becomes `x` or `qcc.requantize`; relu/clip after a quantized layer's
    dequantize moves into the layer; `quantize` of a float constant is
    computed. A layer whose weight is a float constant stays float.
    Dequantized constant weights of layers that stay float fold to float
    constants unless `fold-float-weights=false` (weight-only quantization
    keeps them stored as integers, dequantized at run time). What cannot be fused (residual adds, average
    pooling, sigmoid, ...) stays float between dequantize and quantize, and
    dequantized constants that feed it fold to float constants.

    ```mlir
    %xd = qcc.dequantize %xq : tensor<1x3x8x8x!quant.uniform<u8:f32, 0.02:128>> -> tensor<1x3x8x8xf32>
    %wq = qcc.reshape %wc : tensor<4x3x3x3xi8> -> tensor<4x3x3x3x!quant.uniform<i8:f32:0, {...}>>
    %wd = qcc.dequantize %wq : ... -> tensor<4x3x3x3xf32>
    %y = qcc.conv2d %xd, %wd, %b {activation = #qcc<unary relu>, ...} : ... -> tensor<1x4x6x6xf32>
    %yq = qcc.quantize %y : tensor<1x4x6x6xf32> -> tensor<1x4x6x6x!quant.uniform<u8:f32, 0.05:0>>
    ```
    becomes
    ```mlir
    %bi = qcc.constant dense<...> : tensor<4xi32>
    %yq = qcc.conv2d %xq, %wq, %bi {activation = #qcc<unary relu>, ...}
        : (..., tensor<4xi32>) -> tensor<1x4x6x6x!quant.uniform<u8:f32, 0.05:0>>
    ```
  }];
  let options = [
    Option<"foldFloatWeights", "fold-float-weights", "bool",
           /*default=*/"true",
           "Fold the dequantized integer weights of layers that stay float "
           "into float constants">
  ];
  let dependentDialects = ["::qcc::QccDialect"];
}

#endif // QCC_TRANSFORMS_PASSES_TD
