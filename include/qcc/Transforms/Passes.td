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

def QccQuantizeWeightsPass : Pass<"qcc-quantize-weights", "mlir::func::FuncOp"> {
  let summary = "Stores the constant weights of conv2d and matmul layers in fp16, bf16 or int4";
  let description = [{
    Weight-only quantization (`-quant=fp16|bf16|int4w`). Every float32
    `qcc.conv2d` / `qcc.matmul` whose weight (conv `weight`, matmul `rhs`)
    is a `qcc.constant` and whose precision is unset (or f32) gets its
    weights stored in the chosen format and its `precision` set; inputs,
    biases, accumulation and results stay f32.

    * `f16` / `bf16`: the weight constant is rounded to nearest even (f16
      saturates at +-65504 instead of overflowing to infinity) and the layer
      reads it directly; the lowering extends each weight to f32 inside the
      kernel (mixed-type linalg ops).
    * `int4`: 4-bit signed weights, symmetric, one f16 scale per group of
      `group-size` consecutive reduction elements of an output channel,
      packed two per byte and expanded by `qcc.dequantize_int4`. Each group's
      scale is chosen by a small search over clipping ratios minimizing the
      group's squared error. Only matmuls with a 2-D `rhs` are converted
      (batched weights stay f32).

    ```mlir
    %w = qcc.constant dense_resource<w> : tensor<64x256xf32>
    %y = qcc.matmul %x, %w, %b : (tensor<1x64xf32>, tensor<64x256xf32>, tensor<256xf32>) -> tensor<1x256xf32>
    ```
    becomes with `mode=int4 group-size=32`
    ```mlir
    %p = qcc.constant dense_resource<w.int4> : tensor<32x256xi8>
    %s = qcc.constant dense_resource<w.scales> : tensor<2x256xf16>
    %w = qcc.dequantize_int4 %p, %s {axis = 1 : i64, group_size = 32 : i64}
        : (tensor<32x256xi8>, tensor<2x256xf16>) -> tensor<64x256xf32>
    %y = qcc.matmul %x, %w, %b {precision = #qcc<precision w4f>} : ...
    ```
  }];
  let options = [
    Option<"mode", "mode", "std::string", /*default=*/"\"f16\"",
           "Weight format: f16, bf16 or int4">,
    Option<"groupSize", "group-size", "int64_t", /*default=*/"32",
           "int4: reduction elements per scale (32, 64 or 128)">,
    Option<"minWeights", "min-weights", "int64_t", /*default=*/"0",
           "Layers with fewer weight elements than this stay f32">,
  ];
  let dependentDialects = ["::qcc::QccDialect"];
}

#endif // QCC_TRANSFORMS_PASSES_TD
