// RUN: qcc-opt %s --qcc-expand-f16-conversions | FileCheck %s

// CHECK-LABEL: func @ext
// CHECK-NOT: arith.extf {{.*}} : vector<8xf16>
// CHECK: arith.bitcast %{{.*}} : vector<8xf16> to vector<8xi16>
// CHECK: arith.extui
// CHECK: arith.uitofp
// CHECK: arith.bitcast %{{.*}} : vector<8xi32> to vector<8xf32>
func.func @ext(%x: vector<8xf16>) -> vector<8xf32> {
  %y = arith.extf %x : vector<8xf16> to vector<8xf32>
  return %y : vector<8xf32>
}

// f64 sources: one rounding step in 64-bit integer arithmetic.
// CHECK-LABEL: func @trunc64
// CHECK-NOT: arith.truncf
// CHECK: arith.bitcast %{{.*}} : f64 to i64
// CHECK: arith.addf %{{.*}} : f64
// CHECK: arith.trunci %{{.*}} : i64 to i16
// CHECK: arith.bitcast %{{.*}} : i16 to f16
func.func @trunc64(%x: f64) -> f16 {
  %y = arith.truncf %x : f64 to f16
  return %y : f16
}

// Other conversions are left alone.
// CHECK-LABEL: func @other
// CHECK: arith.truncf %{{.*}} : f32 to bf16
// CHECK: arith.extf %{{.*}} : f32 to f64
func.func @other(%x: f32) -> (bf16, f64) {
  %a = arith.truncf %x : f32 to bf16
  %b = arith.extf %x : f32 to f64
  return %a, %b : bf16, f64
}
