// RUN: qcc-opt %s --qcc-expand-math=expand-rounding=true | FileCheck %s
// RUN: qcc-opt %s --qcc-expand-math | FileCheck %s --check-prefix=HW

// Tests that without hardware rounding floor is an i32 round trip with a
// correction (no call to floorf), and that it stays math.floor otherwise.
// CHECK-LABEL: func.func @floor
// CHECK:         arith.fptosi %{{.+}} : vector<4xf32> to vector<4xi32>
// CHECK:         arith.sitofp
// CHECK:         arith.cmpf ogt
// CHECK:         math.copysign
// CHECK-NOT:     math.floor
// HW-LABEL:    func.func @floor
// HW:            math.floor
func.func @floor(%x: vector<4xf32>) -> vector<4xf32> {
  %0 = math.floor %x : vector<4xf32>
  return %0 : vector<4xf32>
}
