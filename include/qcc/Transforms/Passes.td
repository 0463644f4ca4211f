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

    With `follow-plan`, the pass applies a mixed-precision plan
    (docs/MixedPrecision.md): only the layers carrying
    `qcc.plan = #qcc.precision<w8a8>` are quantized, every other layer is
    left as it is (another precision is applied by `qcc-quantize-weights`
    with `follow-plan`), and a result is quantized only when a planned int8
    layer reads it. A planned int8 layer that cannot be quantized is an
    error naming the layer and the reason.
  }];
  let options = [
    Option<"activationType", "activation-type", "std::string", "\"u8\"",
           "Activation storage: u8 (asymmetric) or s8 (symmetric)">,
    Option<"followPlan", "follow-plan", "bool", /*default=*/"false",
           "Quantize only the layers whose qcc.plan is w8a8">,
  ];
  let dependentDialects = ["::qcc::QccDialect", "::mlir::quant::QuantDialect"];
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

    With `follow-plan` (mixed precision, docs/MixedPrecision.md), each layer
    whose `qcc.plan` is `f16`, `bf16` or `w4f` gets that format (the
    `group-size` still applies), whatever `mode` says; layers planned
    otherwise, or not planned, are left alone. A planned layer whose weights
    the format cannot hold (a non-finite weight for int4, batched matmul
    weights for int4, a non-constant weight) is an error.
  }];
  let options = [
    Option<"mode", "mode", "std::string", /*default=*/"\"f16\"",
           "Weight format: f16, bf16 or int4">,
    Option<"groupSize", "group-size", "int64_t", /*default=*/"32",
           "int4: reduction elements per scale (32, 64 or 128)">,
    Option<"minWeights", "min-weights", "int64_t", /*default=*/"0",
           "Layers with fewer weight elements than this stay f32">,
    Option<"followPlan", "follow-plan", "bool", /*default=*/"false",
           "Give each layer the weight format its qcc.plan names (f16, bf16 "
           "or w4f); `mode` and `min-weights` are ignored">,
  ];
  let dependentDialects = ["::qcc::QccDialect"];
}

#endif // QCC_TRANSFORMS_PASSES_TD
