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

#endif // QCC_TRANSFORMS_PASSES_TD
