//===- QccOps.td - qcc dialect operations ------------------*- tablegen -*-===//
//
// Operations of the qcc dialect. Shapes are static after import; every op
// verifies its result shape so that passes can rely on it.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_OPS_TD
#define QCC_OPS_TD

include "Qcc/QccBase.td"
include "mlir/IR/OpBase.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

class Qcc_Op<string mnemonic, list<Trait> traits = []>
    : Op<Qcc_Dialect, mnemonic, traits>;

// Layer ops whose precision the quantizer decides, with an optional fused
// activation.
defvar Qcc_LayerAttrs = (ins
  OptionalAttr<Qcc_UnaryKindAttr>:$activation,
  OptionalAttr<DenseF32ArrayAttr>:$act_params,
  OptionalAttr<Qcc_PrecisionAttr>:$precision);

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

def Qcc_ConstantOp : Qcc_Op<"constant", [ConstantLike, Pure,
    TypesMatchWith<"result type matches the value's type", "value", "result",
                   "$_self">]> {
  let summary = "a constant tensor (weights are dense_resource blobs)";
  let description = [{
    Holds a constant tensor. Model initializers are `dense_resource` blobs so
    that weights never appear as text and land in `.rodata` byte for byte.

    ```mlir
    %w = qcc.constant dense_resource<conv1.weight> : tensor<16x3x3x3xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs AnyStaticShapeTensor:$result);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

def Qcc_Conv2DOp : Qcc_Op<"conv2d", [Pure]> {
  let summary = "2-D grouped convolution, NCHW input, OIHW weights";
  let description = [{
    `result[n, o, y, x] = bias[o] + sum_{c, ky, kx} input[n, g*C/G + c,
    y*sh + ky*dh - pad_top, x*sw + kx*dw - pad_left] * weight[o, c, ky, kx]`
    with zero padding, followed by the optional fused `activation`.
    `pads` is `[top, left, bottom, right]`. `group` divides both channel
    counts. Element types may be float or `!quant.uniform`.
  }];
  let arguments = !con((ins
    AnyRankedTensor:$input,
    AnyRankedTensor:$weight,
    Optional<AnyRankedTensor>:$bias,
    DenseI64ArrayAttr:$strides,
    DenseI64ArrayAttr:$pads,
    DenseI64ArrayAttr:$dilations,
    DefaultValuedAttr<I64Attr, "1">:$group), Qcc_LayerAttrs);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Qcc_MatMulOp : Qcc_Op<"matmul", [Pure]> {
  let summary = "batched matrix product with numpy broadcasting, plus bias";
  let description = [{
    `result[..., i, j] = bias[j] + sum_k lhs[..., i, k] * rhs[..., k, j]`,
    batch dimensions broadcasting as in numpy (both operands have rank >= 2;
    the importer reshapes 1-D ONNX operands). The optional `bias` has shape
    `[N]` (or broadcasts to the result) and the optional fused activation
    follows.
  }];
  let arguments = !con((ins
    AnyRankedTensor:$lhs,
    AnyRankedTensor:$rhs,
    Optional<AnyRankedTensor>:$bias), Qcc_LayerAttrs);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

def Qcc_UnaryOp : Qcc_Op<"unary", [Pure, SameOperandsAndResultShape]> {
  let summary = "elementwise unary function";
  let description = [{
    Applies `kind` elementwise; `params` holds its scalar parameters (see the
    `UnaryKind` enum: clip takes [min, max], leaky_relu [alpha], hard_sigmoid
    [alpha, beta], elu [alpha], selu [alpha, gamma], gelu [approximate]).

    ```mlir
    %y = qcc.unary clip %x {params = array<f32: 0.0, 6.0>} : tensor<1x8xf32> -> tensor<1x8xf32>
    ```
  }];
  let arguments = (ins Qcc_UnaryKindAttr:$kind, AnyRankedTensor:$input,
                       OptionalAttr<DenseF32ArrayAttr>:$params);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $kind $input attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Qcc_BinaryOp : Qcc_Op<"binary", [Pure]> {
  let summary = "elementwise binary function with numpy broadcasting";
  let description = [{
    `result = kind(lhs, rhs)` with multidirectional (numpy) broadcasting.
    Comparison and logical kinds produce `i1` elements.

    ```mlir
    %y = qcc.binary add %a, %b : (tensor<1x8xf32>, tensor<8xf32>) -> tensor<1x8xf32>
    ```
  }];
  let arguments = (ins Qcc_BinaryKindAttr:$kind, AnyRankedTensor:$lhs,
                       AnyRankedTensor:$rhs);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $kind $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Qcc_BatchNormOp : Qcc_Op<"batch_norm", [Pure]> {
  let summary = "inference batch normalization over channel dimension 1";
  let description = [{
    `result = (input - mean[c]) / sqrt(var[c] + epsilon) * scale[c] + bias[c]`
    where `c` is dimension 1. `qcc-fold-batchnorm` folds it into a preceding
    conv2d or matmul; otherwise it lowers to one elementwise kernel.
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$scale,
                       AnyRankedTensor:$bias, AnyRankedTensor:$mean,
                       AnyRankedTensor:$variance, F32Attr:$epsilon);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $variance attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Pooling, reductions, normalization
//===----------------------------------------------------------------------===//

def Qcc_Pool2DOp : Qcc_Op<"pool2d", [Pure]> {
  let summary = "2-D max or average pooling over NCHW";
  let description = [{
    Pools `kernel` windows with `strides`, `dilations` and `pads`
    (`[top, left, bottom, right]`; padding never wins a max). For `avg`,
    `count_include_pad` decides whether explicit padding counts in the
    divisor. With `ceil_mode` the output size rounds up; windows that then
    run past the padded input are clipped and the part outside never counts.
  }];
  let arguments = (ins Qcc_PoolKindAttr:$kind, AnyRankedTensor:$input,
                       DenseI64ArrayAttr:$kernel, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$dilations,
                       DefaultValuedAttr<BoolAttr, "false">:$count_include_pad,
                       DefaultValuedAttr<BoolAttr, "false">:$ceil_mode);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $kind $input attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Qcc_ReduceOp : Qcc_Op<"reduce", [Pure]> {
  let summary = "reduction over a set of axes";
  let description = [{
    Reduces `axes` (non-negative, sorted, unique) with `kind`. With
    `keepdims` the reduced dimensions stay with size 1.
  }];
  let arguments = (ins Qcc_ReduceKindAttr:$kind, AnyRankedTensor:$input,
                       DenseI64ArrayAttr:$axes,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $kind $input attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Qcc_SoftmaxOp : Qcc_Op<"softmax", [Pure, SameOperandsAndResultType]> {
  let summary = "softmax (or log-softmax) along one axis";
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "false">:$log);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

def Qcc_ReshapeOp : Qcc_Op<"reshape", [Pure]> {
  let summary = "row-major reshape to the (static) result type";
  let description = [{
    Keeps the element type, except that it may reinterpret integers as a
    `!quant.uniform` type with the same storage width or back (the stored
    integers are unchanged; the importer gives ONNX's uint8/int8 tensors
    their scale and zero point this way).
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyStaticShapeTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Qcc_TransposeOp : Qcc_Op<"transpose", [Pure]> {
  let summary = "permutes dimensions: result dim i is input dim perm[i]";
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Qcc_ConcatOp : Qcc_Op<"concat", [Pure]> {
  let summary = "concatenates tensors along an axis";
  let arguments = (ins Variadic<AnyRankedTensor>:$inputs, I64Attr:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type($inputs, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Qcc_SliceOp : Qcc_Op<"slice", [Pure]> {
  let summary = "strided slice with static, normalized bounds";
  let description = [{
    `result[i0, ..] = input[starts[0] + i0 * steps[0], ..]`. `starts` are
    in range and `steps` non-zero (negative steps walk backwards); the result
    shape gives the element count per dimension.
  }];
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$starts,
                       DenseI64ArrayAttr:$steps);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Qcc_GatherOp : Qcc_Op<"gather", [Pure]> {
  let summary = "gathers slices along an axis (ONNX Gather semantics)";
  let description = [{
    `result` has shape `data.shape[:axis] + indices.shape + data.shape[axis+1:]`.
    Negative indices count from the end.
  }];
  let arguments = (ins AnyRankedTensor:$data, AnyRankedTensor:$indices,
                       I64Attr:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $data `,` $indices attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Qcc_CastOp : Qcc_Op<"cast", [Pure, SameOperandsAndResultShape]> {
  let summary = "element type conversion (ONNX Cast semantics)";
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

def Qcc_QuantizeOp : Qcc_Op<"quantize", [Pure, SameOperandsAndResultShape]> {
  let summary = "float to quantized: round half to even, then clamp";
  let description = [{
    `q = clamp(roundeven(x / scale) + zero_point, storage_min, storage_max)`
    with per-tensor or per-axis parameters taken from the result's
    `!quant.uniform` type. Unlike upstream `quant.qcast`, this op always
    rounds and clamps and never folds away against a dequantize, so that
    fake quantization survives canonicalization during calibration.
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Qcc_DequantizeOp : Qcc_Op<"dequantize", [Pure, SameOperandsAndResultShape]> {
  let summary = "quantized to float: (q - zero_point) * scale";
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Qcc_RequantizeOp : Qcc_Op<"requantize", [Pure, SameOperandsAndResultShape]> {
  let summary = "quantized to quantized with an integer fixed-point multiplier";
  let description = [{
    Changes scale and zero point between two `!quant.uniform` types. Lowered
    with an integer multiplier and rounding shift so that the result is the
    same on every ISA.
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Qcc_DequantizeInt4Op : Qcc_Op<"dequantize_int4", [Pure]> {
  let summary = "unpacks group-wise symmetric int4 weights to float";
  let description = [{
    Reconstructs a float weight tensor from 4-bit signed integers packed two
    per byte and one scale per group of `group_size` consecutive reduction
    elements (written by `qcc-quantize-weights{mode=int4}`).

    The result (shape `S`, rank `r`) is viewed as a matrix of rows along the
    channel `axis` (0, or `r - 1`): row `c` holds the elements whose index
    along `axis` is `c`, in row-major order of the other dimensions (the
    reduction of a convolution `[O, I, kh, kw]` with axis 0, or of a matmul
    weight `[K, N]` with axis 1). `K` (the row length) is padded with zeros
    to `Kp`, a multiple of `group_size` (which is even).

    `packed` (i8) and `scales` (f16 or f32) have the shape of that matrix in
    the weight's own orientation with `K` replaced by `Kp / 2` and
    `Kp / group_size`: `[R, Kp/2]` and `[R, Kp/G]` for axis 0,
    `[Kp/2, R]` and `[Kp/G, R]` for axis `r - 1`. Element `k = g*G + t` of
    row `c` is the low nibble (`t < G/2`) or the high nibble of byte
    `g*G/2 + t mod G/2`, read as a two's complement 4-bit integer `q` in
    [-8, 7]; its value is `q * scales[c, g]`. Splitting each group into a low
    and a high half keeps both halves contiguous, so the unpacking
    vectorizes without shuffles.

    ```mlir
    %w = qcc.dequantize_int4 %packed, %scales {axis = 0 : i64, group_size = 32 : i64}
        : (tensor<64x144xi8>, tensor<64x9xf16>) -> tensor<64x32x3x3xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$packed, AnyRankedTensor:$scales,
                       I64Attr:$axis, I64Attr:$group_size);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $packed `,` $scales attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Indexing: arg reductions, top-k, scans, scatter
//===----------------------------------------------------------------------===//

def Qcc_ArgReduceOp : Qcc_Op<"arg_reduce", [Pure]> {
  let summary = "index of the largest or smallest element along an axis";
  let description = [{
    ONNX ArgMax (`kind = max`) and ArgMin (`kind = min`): the `i64` position
    along `axis` of the first (or, with `select_last_index`, the last)
    extreme element. A NaN counts as the extreme for both kinds, as numpy's
    `argmax` and `argmin` pick the first NaN.
    With `keepdims` the axis stays with size 1.

    ```mlir
    %i = qcc.arg_reduce max %x {axis = 1 : i64, keepdims = false}
        : tensor<2x5xf32> -> tensor<2xi64>
    ```
  }];
  let arguments = (ins Qcc_ReduceKindAttr:$kind, AnyRankedTensor:$input,
                       I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims,
                       DefaultValuedAttr<BoolAttr, "false">:$select_last_index);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $kind $input attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Qcc_TopKOp : Qcc_Op<"top_k", [Pure]> {
  let summary = "the k largest (or smallest) elements along an axis, sorted";
  let description = [{
    ONNX TopK with a static `k`: `values` holds the `k` largest (`largest`
    true) or smallest elements along `axis` in sorted order, `indices` their
    `i64` positions. Equal values keep their input order (the lower index
    comes first), as ONNX specifies; NaN ranks above every number, as in
    `torch.topk`. The result is always sorted, which satisfies ONNX's
    `sorted = 0` too.

    ```mlir
    %v, %i = qcc.top_k %x {axis = 1 : i64, k = 3 : i64}
        : tensor<2x8xf32> -> tensor<2x3xf32>, tensor<2x3xi64>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$k, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$largest);
  let results = (outs AnyRankedTensor:$values, AnyRankedTensor:$indices);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($values) `,` type($indices)
  }];
  let hasVerifier = 1;
}

def Qcc_CumSumOp : Qcc_Op<"cumsum", [Pure, SameOperandsAndResultType]> {
  let summary = "cumulative sum along an axis";
  let description = [{
    ONNX CumSum with a static axis: `result[.., i, ..] = sum_{j <= i}
    input[.., j, ..]`. `exclusive` leaves out element `i` itself (`j < i`),
    `reverse` sums from the end (`j >= i`, or `j > i` when exclusive).

    ```mlir
    %y = qcc.cumsum %x {axis = 0 : i64, reverse} : tensor<5xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "false">:$exclusive,
                       DefaultValuedAttr<BoolAttr, "false">:$reverse);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Qcc_ScatterOp : Qcc_Op<"scatter", [Pure]> {
  let summary = "writes slices into dimension 0 (the inverse of gather axis 0)";
  let description = [{
    `data` has shape `[M, S...]`, `indices` (integers) shape `U...` and
    `updates` shape `U... + S...`. The result is `data` with, for every
    `u` in `U` in row-major order, `result[indices[u], s...] =
    combine(result[indices[u], s...], updates[u, s...])`; without `combine`
    the update replaces the element (so the last duplicate index wins).
    `combine` is one of `add`, `mul`, `max`, `min`. Negative indices count
    from the end of dimension 0.

    The importer expresses ONNX ScatterElements, Scatter and ScatterND with
    this op by flattening the indexed dimensions of `data` into one, as
    GatherElements and GatherND are expressed with `qcc.gather`.

    ```mlir
    %y = qcc.scatter %data, %idx, %upd {combine = #qcc<binary add>}
        : (tensor<8x4xf32>, tensor<3xi64>, tensor<3x4xf32>) -> tensor<8x4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$data, AnyRankedTensor:$indices,
                       AnyRankedTensor:$updates,
                       OptionalAttr<Qcc_BinaryKindAttr>:$combine);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $data `,` $indices `,` $updates attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // QCC_OPS_TD
