//===- Passes.td - qcc target codegen passes ---------------*- tablegen -*-===//

#ifndef QCC_TARGET_PASSES_TD
#define QCC_TARGET_PASSES_TD

include "mlir/Pass/PassBase.td"

def QccTileAndVectorizePass : Pass<"qcc-tile-and-vectorize", "mlir::func::FuncOp"> {
  let summary = "Tiles linalg ops to register tiles and vectorizes them";
  let description = [{
    Tiles every statically shaped linalg op on tensors (TilingInterface,
    scf.for) to a register tile, peels the partial last tiles so that every
    tile has a static shape, vectorizes the tiles and lowers the vector ops
    to the 1-D forms convert-vector-to-llvm handles. `vector-width` is the
    target's SIMD width in f32 lanes (8 for AVX2, 16 for AVX-512, 4 for
    SSE/NEON); vectorized dimensions get whole numbers of such registers.

    * Matmuls and other contractions: an Mt x 2W tile (Mt = 4, or 8 for
      W = 16) with the reduction in an inner loop whose accumulators stay in
      vector registers and are updated with broadcast + FMA.
    * NCHW convolutions (also grouped and depthwise) and pooling: a
      [1, channels, 1 row, up to 2W columns] output tile with a micro-kernel
      along the output width: one accumulator per output channel and
      register, input row vectors (strided rows deinterleaved with a
      shuffle) and broadcast weights. 1x1 stride-1 convolutions with batch 1
      become matmuls. Pair-packed integer convolutions (`qcc.pair_dot`
      generics from quantized conv2d: two 16-bit values per i32 element) get
      the same micro-kernel with a pair multiply-add: x86 `pmaddwd` on
      `pmaddwd-lanes`-wide chunks (vpdpwssd on VNNI targets), generic even/odd
      lane arithmetic elsewhere; both exact.
    * Everything else (elementwise ops with broadcasts, reductions, fills,
      transposes, gathers, pads): 1 on every dimension but the vectorized
      one, which gets up to 4W elements. Runs of dimensions contiguous in
      every operand are collapsed first; reductions along the contiguous
      dimension keep W-wide partial results (reassociated) and reduce them
      horizontally once.

    Init producers (fills, broadcast biases) are fused into their consumer's
    tiles, and chains of elementwise consumers of a convolution or matmul
    (activations, residual adds) into its tile loop, so they are applied to
    the accumulators before the tile is stored. Ops that cannot be vectorized
    stay scalar. Only FMA contraction and the partial reductions change the
    rounding.

    Example (vector-width=8):

    ```mlir
    %0 = linalg.matmul ins(%a, %b : tensor<16x24xf32>, tensor<24x64xf32>)
                       outs(%f : tensor<16x64xf32>) -> tensor<16x64xf32>
    ```

    becomes loops over 4 x 16 tiles around

    ```mlir
    %acc:8 = scf.for %k = %c0 to %c24 step %c1
        iter_args(%c0_ = %zero, ...) -> (vector<8xf32>, ...) {
      %a0 = vector.broadcast %a_0k : f32 to vector<8xf32>
      %r0 = vector.fma %a0, %b_k_lo, %c0_ : vector<8xf32>
      ...
    }
    vector.transfer_write %acc#0, %tile[%i, %j] : vector<8xf32>, tensor<16x64xf32>
    ```
  }];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"8",
           "SIMD width in 32-bit lanes">,
    Option<"pmaddwdLanes", "pmaddwd-lanes", "int64_t", /*default=*/"0",
           "i32 lanes of the widest x86 pmaddwd the target has (4: SSE2, "
           "8: AVX2, 16: AVX-512BW); 0: none, integer pair products use "
           "generic vector code">
  ];
  let dependentDialects = [
    "::mlir::LLVM::LLVMDialect",
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
  let options = [
    Option<"expandRounding", "expand-rounding", "bool", /*default=*/"false",
           "also expand floor/ceil/roundeven (targets without hardware "
           "rounding, where LLVM would call libm's floorf/ceilf/roundevenf)">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::math::MathDialect"];
}

def QccExpandF16ConversionsPass
    : Pass<"qcc-expand-f16-conversions", "mlir::ModuleOp"> {
  let summary = "Converts between f16 and f32/f64 with integer code";
  let description = [{
    For targets without hardware half-precision conversion (x86 without
    F16C), where LLVM would call compiler-rt's `__extendhfsf2` /
    `__truncsfhf2` / `__truncdfhf2`: rewrites scalar and vector `arith.extf`
    from f16 and `arith.truncf` to f16 into bit manipulation. Widening is
    exact (subnormals included); narrowing rounds to nearest even, saturates
    to infinity, and maps NaN to a quiet NaN. f64 sources are narrowed in one
    rounding step (no double rounding through f32).
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def QccWidenBoolMemrefsPass : Pass<"qcc-widen-bool-memrefs", "mlir::ModuleOp"> {
  let summary = "Stores booleans as one byte each in every buffer";
  let description = [{
    The LLVM lowering addresses a `memref<...xi1>` one byte per element, but
    loads and stores a `vector<Nxi1>` as N packed bits, so vector and scalar
    accesses (or vector accesses at different offsets) to one boolean buffer
    disagree. This pass retypes every i1 memref (values, block arguments,
    function signatures, globals) to i8, which has the same layout, and
    widens the accesses: vector and scalar stores `arith.extui` their i1
    value, loads `arith.trunci` the loaded bytes (always 0 or 1). Runs after
    linalg ops on memrefs have become loops.

    ```mlir
    vector.transfer_write %m, %buf[%i] : vector<8xi1>, memref<16xi1>
    ```

    becomes

    ```mlir
    %w = arith.extui %m : vector<8xi1> to vector<8xi8>
    vector.transfer_write %w, %buf[%i] : vector<8xi8>, memref<16xi8>
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::memref::MemRefDialect"];
}

def QccLowerStridedTransfersPass : Pass<"qcc-lower-strided-transfers", "mlir::ModuleOp"> {
  let summary = "Scalarizes vector transfers on memrefs with a non-unit inner stride";
  let description = [{
    convert-vector-to-llvm lowers a 1-D `vector.transfer_read`/`write` only
    when the accessed memref dimension is contiguous. Bufferized strided
    slices (e.g. a column of a row-major matrix) give memrefs whose innermost
    stride is not 1; this pass rewrites in-bounds, unmasked 1-D transfers on
    them into one `memref.load`/`memref.store` per element.

    ```mlir
    %v = vector.transfer_read %m[%i], %pad {in_bounds = [true]}
        : memref<2xi64, strided<[2]>>, vector<2xi64>
    ```

    becomes

    ```mlir
    %a = memref.load %m[%i] : memref<2xi64, strided<[2]>>
    %b = memref.load %m[%i1] : memref<2xi64, strided<[2]>>
    %v = vector.from_elements %a, %b : vector<2xi64>
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::memref::MemRefDialect"];
}

def QccDropEmptyBuffersPass : Pass<"qcc-drop-empty-buffers", "mlir::ModuleOp"> {
  let summary = "Removes every access to zero-element buffers";
  let description = [{
    A tensor with a 0 dimension holds no data, but its memref (e.g.
    `memref<20x0x5xf32>`) has no strided form the LLVM lowering accepts. After
    loops with zero trips have been folded away, every remaining op that
    defines or uses a zero-element memref only moves zero elements (views,
    subviews, copies into it); this pass erases them and gives zero-element
    function arguments the type `memref<0xT>` (still one pointer in the
    bare-pointer ABI). An op that still needs such a buffer for a value it
    produces is reported as unsupported.

    ```mlir
    func.func @f(%in: memref<20x10x5xf32>, %out: memref<20x0x5xf32>) {
      %s = memref.subview %in[0, 0, 0] [20, 0, 5] [1, 1, 1] : ...
      memref.copy %s, %out : ...
      return
    }
    ```

    becomes

    ```mlir
    func.func @f(%in: memref<20x10x5xf32>, %out: memref<0xf32>) {
      return
    }
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def QccDistinctReturnBuffersPass
    : Pass<"qcc-distinct-return-buffers", "mlir::ModuleOp"> {
  let summary = "Gives every result of a function its own buffer";
  let description = [{
    A graph may name one value as several outputs (`z = Identity(y)` folds to
    `return %y, %y`). After bufferization both results are then the same
    buffer, but each result becomes its own caller-provided out parameter in
    `buffer-results-to-out-params`, which must write each of them exactly
    once; upstream's allocation hoisting would also replace (and erase) the
    one `memref.alloc` once per result. This pass runs right before that
    pass: every repeated return operand is copied into a fresh allocation, so
    each result is a distinct buffer. The first occurrence keeps the original
    buffer (hoisted into its out parameter, where the producing ops write);
    the copies become the later out parameters.

    ```mlir
    func.func @f(%x: memref<2xf32>) -> (memref<2xf32>, memref<2xf32>) {
      %a = memref.alloc() : memref<2xf32>
      ...
      return %a, %a : memref<2xf32>, memref<2xf32>
    }
    ```

    becomes

    ```mlir
    func.func @f(%x: memref<2xf32>) -> (memref<2xf32>, memref<2xf32>) {
      %a = memref.alloc() : memref<2xf32>
      ...
      %b = memref.alloc() : memref<2xf32>
      memref.copy %a, %b : memref<2xf32> to memref<2xf32>
      return %a, %b : memref<2xf32>, memref<2xf32>
    }
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

#endif // QCC_TARGET_PASSES_TD
