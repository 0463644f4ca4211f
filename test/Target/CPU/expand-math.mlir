// RUN: qcc-opt %s --split-input-file --qcc-expand-math | FileCheck %s

// Tests that powf is expanded without libm: exp(y * log|x|) (both
// approximated), the parity of y from an i32 round trip, a sign flip for
// odd y and the IEEE special cases as selects.
// CHECK-LABEL: func.func @powf
// CHECK-NOT:     math.powf
// CHECK-NOT:     math.exp
// CHECK-NOT:     math.log
// CHECK-NOT:     math.fma
// CHECK:         arith.fptosi %{{.+}} : vector<8xf32> to vector<8xi32>
// CHECK:         arith.trunci %{{.+}} : vector<8xi32> to vector<8xi1>
// CHECK:         arith.negf
// CHECK:         arith.select
// CHECK-NOT:     math.powf
func.func @powf(%x: vector<8xf32>, %y: vector<8xf32>) -> vector<8xf32> {
  %0 = math.powf %x, %y : vector<8xf32>
  return %0 : vector<8xf32>
}

// -----

// Tests that fma becomes a contractible multiply-add (fused again by LLVM
// where the target has FMA, never a call to fmaf).
// CHECK-LABEL: func.func @fma
// CHECK:         %[[M:.+]] = arith.mulf %{{.+}}, %{{.+}} fastmath<contract> : f32
// CHECK:         arith.addf %[[M]], %{{.+}} fastmath<contract> : f32
func.func @fma(%a: f32, %b: f32, %c: f32) -> f32 {
  %0 = math.fma %a, %b, %c : f32
  return %0 : f32
}

// -----

// Tests that sin gets the three-part reduction by pi/2, a quadrant select
// and the approximation on |r| (no math op left, no libm).
// CHECK-LABEL: func.func @sin
// CHECK:         1.5703125
// CHECK:         arith.fptosi
// CHECK:         math.copysign
// CHECK-NOT:     math.sin
// CHECK-NOT:     math.cos
// CHECK:         return
func.func @sin(%x: vector<8xf32>) -> vector<8xf32> {
  %0 = math.sin %x : vector<8xf32>
  return %0 : vector<8xf32>
}

// -----

// Tests that asinh uses the odd symmetry (no cancellation for negative x).
// CHECK-LABEL: func.func @asinh
// CHECK:         %[[AX:.+]] = math.absf %[[X:.+]] : f32
// CHECK:         math.copysign %{{.+}}, %[[X]] : f32
// CHECK-NOT:     math.asinh
func.func @asinh(%x: f32) -> f32 {
  %0 = math.asinh %x : f32
  return %0 : f32
}
