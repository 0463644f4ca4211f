//===- QccBase.td - qcc dialect definition and attributes --*- tablegen -*-===//
//
// The qcc dialect: a small, quantization-aware tensor op set that the ONNX
// importer targets and that every later stage (folding, calibration,
// precision assignment, lowering) works on.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_BASE_TD
#define QCC_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Qcc_Dialect : Dialect {
  let name = "qcc";
  let cppNamespace = "::qcc";
  let summary = "Quantization-aware tensor dialect of the qcc compiler";
  let description = [{
    The qcc dialect is the single canonical form between the ONNX importer and
    code generation. It is deliberately small and orthogonal: one convolution,
    one matmul, one elementwise unary and one elementwise binary op (each with
    a `kind`), pooling, reductions, softmax, data movement, and explicit
    quantize / dequantize / requantize ops.

    Layer ops (`qcc.conv2d`, `qcc.matmul`) carry their chosen precision as an
    attribute (`precision = #qcc<precision w8a8>`) and accept ranked tensors of
    any element type, including `!quant.uniform` types, so that quantized
    graphs are expressed in the same ops as fp32 ones. Activations fused into
    a layer are an attribute pair (`activation`, `act_params`) using the same
    enum as `qcc.unary`, so fusion is a move of attributes, never a new op.
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasConstantMaterializer = 1;
  let dependentDialects = ["::mlir::quant::QuantDialect"];
}

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Qcc_UnaryKind : I32EnumAttr<"UnaryKind", "elementwise unary function", [
  I32EnumAttrCase<"relu", 0>,
  I32EnumAttrCase<"leaky_relu", 1>,   // params: [alpha]
  I32EnumAttrCase<"clip", 2>,         // params: [min, max]
  I32EnumAttrCase<"sigmoid", 3>,
  I32EnumAttrCase<"hard_sigmoid", 4>, // params: [alpha, beta]
  I32EnumAttrCase<"hard_swish", 5>,
  I32EnumAttrCase<"tanh", 6>,
  I32EnumAttrCase<"sqrt", 7>,
  I32EnumAttrCase<"exp", 8>,
  I32EnumAttrCase<"log", 9>,
  I32EnumAttrCase<"neg", 10>,
  I32EnumAttrCase<"abs", 11>,
  I32EnumAttrCase<"reciprocal", 12>,
  I32EnumAttrCase<"erf", 13>,
  I32EnumAttrCase<"gelu", 14>,        // params: [approximate(0|1)]
  I32EnumAttrCase<"elu", 15>,         // params: [alpha]
  I32EnumAttrCase<"selu", 16>,        // params: [alpha, gamma]
  I32EnumAttrCase<"softplus", 17>,
  I32EnumAttrCase<"softsign", 18>,
  I32EnumAttrCase<"floor", 19>,
  I32EnumAttrCase<"ceil", 20>,
  I32EnumAttrCase<"round", 21>,
  I32EnumAttrCase<"sign", 22>,
  I32EnumAttrCase<"logical_not", 23, "not">,
  I32EnumAttrCase<"sin", 24>,
  I32EnumAttrCase<"cos", 25>,
  I32EnumAttrCase<"tan", 26>,
  I32EnumAttrCase<"asin", 27>,
  I32EnumAttrCase<"acos", 28>,
  I32EnumAttrCase<"atan", 29>,
  I32EnumAttrCase<"sinh", 30>,
  I32EnumAttrCase<"cosh", 31>,
  I32EnumAttrCase<"asinh", 32>,
  I32EnumAttrCase<"acosh", 33>,
  I32EnumAttrCase<"atanh", 34>
]> {
  let cppNamespace = "::qcc";
  let genSpecializedAttr = 0;
}
def Qcc_UnaryKindAttr : EnumAttr<Qcc_Dialect, Qcc_UnaryKind, "unary">;

def Qcc_BinaryKind : I32EnumAttr<"BinaryKind", "elementwise binary function", [
  I32EnumAttrCase<"add", 0>,
  I32EnumAttrCase<"sub", 1>,
  I32EnumAttrCase<"mul", 2>,
  I32EnumAttrCase<"div", 3>,
  I32EnumAttrCase<"pow", 4>,
  I32EnumAttrCase<"max", 5>,
  I32EnumAttrCase<"min", 6>,
  I32EnumAttrCase<"mod", 7>,
  I32EnumAttrCase<"fmod", 8>,
  I32EnumAttrCase<"equal", 9>,
  I32EnumAttrCase<"less", 10>,
  I32EnumAttrCase<"less_equal", 11>,
  I32EnumAttrCase<"greater", 12>,
  I32EnumAttrCase<"greater_equal", 13>,
  I32EnumAttrCase<"logical_and", 14, "and">,
  I32EnumAttrCase<"logical_or", 15, "or">,
  I32EnumAttrCase<"logical_xor", 16, "xor">,
  I32EnumAttrCase<"shift_left", 17>,   // unsigned integers only
  I32EnumAttrCase<"shift_right", 18>   // unsigned integers only (logical)
]> {
  let cppNamespace = "::qcc";
  let genSpecializedAttr = 0;
}
def Qcc_BinaryKindAttr : EnumAttr<Qcc_Dialect, Qcc_BinaryKind, "binary">;

def Qcc_ReduceKind : I32EnumAttr<"ReduceKind", "reduction", [
  I32EnumAttrCase<"sum", 0>,
  I32EnumAttrCase<"mean", 1>,
  I32EnumAttrCase<"max", 2>,
  I32EnumAttrCase<"min", 3>,
  I32EnumAttrCase<"prod", 4>,
  I32EnumAttrCase<"l1", 5>,
  I32EnumAttrCase<"l2", 6>,
  I32EnumAttrCase<"sum_square", 7>,
  I32EnumAttrCase<"log_sum", 8>,
  I32EnumAttrCase<"log_sum_exp", 9>
]> {
  let cppNamespace = "::qcc";
  let genSpecializedAttr = 0;
}
def Qcc_ReduceKindAttr : EnumAttr<Qcc_Dialect, Qcc_ReduceKind, "reduce">;

def Qcc_PoolKind : I32EnumAttr<"PoolKind", "pooling", [
  I32EnumAttrCase<"max", 0>,
  I32EnumAttrCase<"avg", 1>
]> {
  let cppNamespace = "::qcc";
  let genSpecializedAttr = 0;
}
def Qcc_PoolKindAttr : EnumAttr<Qcc_Dialect, Qcc_PoolKind, "pool">;

def Qcc_Precision : I32EnumAttr<"Precision", "numeric precision of a layer", [
  I32EnumAttrCase<"f32", 0>,
  I32EnumAttrCase<"f16", 1>,
  I32EnumAttrCase<"bf16", 2>,
  I32EnumAttrCase<"w8a8", 3>,   // int8 weights, int8 activations
  I32EnumAttrCase<"w4a8", 4>,   // int4 weights, int8 activations
  I32EnumAttrCase<"w4f", 5>     // int4 weights, float activations
]> {
  let cppNamespace = "::qcc";
  let genSpecializedAttr = 0;
}
def Qcc_PrecisionAttr : EnumAttr<Qcc_Dialect, Qcc_Precision, "precision">;

#endif // QCC_BASE_TD
