//===- Passes.td - qcc conversion passes -------------------*- tablegen -*-===//

#ifndef QCC_CONVERSION_PASSES_TD
#define QCC_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertQccToLinalgPass : Pass<"convert-qcc-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lowers qcc ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Converts every qcc op to destination-style linalg ops on tensors
    (named convolution, pooling and matmul ops where they exist, otherwise
    `linalg.generic`), `tensor` data movement ops and `arith.constant` for
    constants (blobs stay `dense_resource`). Fused activations become a
    `linalg.generic` that later fusion merges into the producer's loop nest.

    ```mlir
    %y = qcc.binary add %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    ```
    becomes
    ```mlir
    %e = tensor.empty() : tensor<4xf32>
    %y = linalg.generic {...} ins(%a, %b : ...) outs(%e : ...) {
      ^bb0(%x: f32, %z: f32, %o: f32):
        %s = arith.addf %x, %z : f32
        linalg.yield %s : f32
    } -> tensor<4xf32>
    ```
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect"
  ];
}

#endif // QCC_CONVERSION_PASSES_TD
