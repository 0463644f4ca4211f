// RUN: qcc-opt %s --split-input-file --qcc-lower-strided-transfers | FileCheck %s

// Tests that in-bounds 1-D transfers on a memref with a non-unit inner
// stride become one scalar access per element, and that contiguous ones
// are left alone.
// CHECK-LABEL: func.func @strided
// CHECK-SAME:    %[[COL:[^:]+]]: memref<2xi64, strided<[2], offset: 1>>, %[[OUT:[^:]+]]: memref<2xi64, strided<[3]>>, %[[FLAT:[^:]+]]: memref<2xi64>
// CHECK-DAG:     %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG:     %[[C1:.+]] = arith.constant 1 : index
// CHECK:         %[[A:.+]] = memref.load %[[COL]][%[[C0]]]
// CHECK:         %[[B:.+]] = memref.load %[[COL]][%[[C1]]]
// CHECK:         %[[V:.+]] = vector.from_elements %[[A]], %[[B]] : vector<2xi64>
// CHECK:         memref.store %[[A]], %[[OUT]][%[[C0]]]
// CHECK:         memref.store %[[B]], %[[OUT]][%[[C1]]]
// CHECK:         vector.transfer_write %[[V]], %[[FLAT]][%[[C0]]] {in_bounds = [true]} : vector<2xi64>, memref<2xi64>
func.func @strided(%col: memref<2xi64, strided<[2], offset: 1>>, %out: memref<2xi64, strided<[3]>>, %flat: memref<2xi64>) {
  %c0 = arith.constant 0 : index
  %pad = ub.poison : i64
  %v = vector.transfer_read %col[%c0], %pad {in_bounds = [true]} : memref<2xi64, strided<[2], offset: 1>>, vector<2xi64>
  vector.transfer_write %v, %out[%c0] {in_bounds = [true]} : vector<2xi64>, memref<2xi64, strided<[3]>>
  vector.transfer_write %v, %flat[%c0] {in_bounds = [true]} : vector<2xi64>, memref<2xi64>
  return
}
