//===- Passes.td - qcc target codegen passes ---------------*- tablegen -*-===//

#ifndef QCC_TARGET_PASSES_TD
#define QCC_TARGET_PASSES_TD

include "mlir/Pass/PassBase.td"

def QccTileAndVectorizePass : Pass<"qcc-tile-and-vectorize", "mlir::func::FuncOp"> {
  let summary = "Tiles linalg ops to register tiles and vectorizes them";
  let description = [{
    Tiles every linalg op on tensors so that the innermost parallel
    dimension becomes a tile of `vector-width` elements (the target's SIMD
    width in f32 lanes: 8 for AVX2, 16 for AVX-512, 4 for NEON) and the other
    parallel dimensions tiles of 1, decomposes 2-D convolutions and pooling
    into 1-D ones, and vectorizes the tiles with `linalg::vectorize`. Ops
    whose tiles cannot be vectorized stay scalar loops for LLVM.
  }];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"8",
           "SIMD width in 32-bit lanes">
  ];
  let dependentDialects = [
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect",
    "::mlir::tensor::TensorDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::affine::AffineDialect", "::mlir::arith::ArithDialect"
  ];
}

def QccAllocateScratchPass : Pass<"qcc-allocate-scratch", "mlir::ModuleOp"> {
  let summary = "Places every intermediate buffer in one caller-provided scratch arena";
  let description = [{
    After bufferization, replaces each statically shaped `memref.alloc` in the
    entry function with a `memref.view` into a new trailing `memref<?xi8>`
    argument (the scratch arena), and deletes the deallocations. Offsets come
    from a first-fit packing of buffer lifetimes (first to last use of the
    buffer or any view of it, at the top level of the function), aligned to
    64 bytes. The arena size is recorded on the function as
    `qcc.scratch_size`. Dynamically shaped allocations are an error: the
    object never calls malloc.
  }];
  let options = [
    Option<"entryName", "entry", "std::string", /*default=*/"\"main\"",
           "name of the entry function">
  ];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect"];
}

def QccFuseElementwisePass : Pass<"qcc-fuse-elementwise", "mlir::func::FuncOp"> {
  let summary = "Fuses elementwise linalg producers into their consumers";
  let description = [{
    Upstream `linalg-fuse-elementwise-ops` also folds reshapes into generic
    ops, which turns a collapsed `linalg.matmul` (the N-D x 2-D case) back
    into a rank-4 `linalg.generic` that no longer vectorizes as a matmul.
    This pass applies only the elementwise producer/consumer fusion (plus
    the usual canonical folds), and only into elementwise consumers.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::affine::AffineDialect"];
}

def QccExpandMathPass : Pass<"qcc-expand-math", "mlir::ModuleOp"> {
  let summary = "Replaces transcendental math ops with vectorizable polynomials";
  let description = [{
    Rewrites `math.tanh`, `math.erf`, `math.exp`, `math.log`, ... (scalar or
    vector) into MLIR's polynomial approximations made of arith ops, and
    expands the remaining composite math ops, so that the object needs no libm
    for them and the approximations vectorize. The approximations are accurate
    to a few ulp in f32.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::math::MathDialect"];
}

#endif // QCC_TARGET_PASSES_TD
