// RUN: qcc-opt %s --split-input-file --qcc-widen-bool-memrefs | FileCheck %s

// Tests that a boolean scratch buffer becomes a byte buffer and that vector
// stores zero-extend and vector loads truncate, so that accesses with
// different vector lengths agree on the layout (one byte per element).
// CHECK-LABEL: func.func @vector_access
// CHECK-SAME:    %[[ARENA:.+]]: memref<64xi8>, %[[OUT:.+]]: memref<4xi8>
// CHECK:         %[[VIEW:.+]] = memref.view %[[ARENA]][%{{.+}}][] : memref<64xi8> to memref<2x8xi8>
// CHECK:         %[[FLAT:.+]] = memref.collapse_shape %[[VIEW]] {{\[\[}}0, 1]] : memref<2x8xi8> into memref<16xi8>
// CHECK:         %[[W:.+]] = arith.extui %{{.+}} : vector<8xi1> to vector<8xi8>
// CHECK:         vector.transfer_write %[[W]], %[[FLAT]][%{{.+}}] {in_bounds = [true]} : vector<8xi8>, memref<16xi8>
// CHECK:         %[[PAD:.+]] = arith.extui %{{.+}} : i1 to i8
// CHECK:         %[[R:.+]] = vector.transfer_read %[[FLAT]][%{{.+}}], %[[PAD]] {in_bounds = [true]} : memref<16xi8>, vector<4xi8>
// CHECK:         %[[T:.+]] = arith.trunci %[[R]] : vector<4xi8> to vector<4xi1>
// CHECK:         arith.extui %[[T]] : vector<4xi1> to vector<4xi8>
func.func @vector_access(%arena: memref<64xi8>, %out: memref<4xi8>, %m: vector<8xi1>) {
  %c0 = arith.constant 0 : index
  %c3 = arith.constant 3 : index
  %false = arith.constant false
  %view = memref.view %arena[%c0][] : memref<64xi8> to memref<2x8xi1>
  %flat = memref.collapse_shape %view [[0, 1]] : memref<2x8xi1> into memref<16xi1>
  vector.transfer_write %m, %flat[%c0] {in_bounds = [true]} : vector<8xi1>, memref<16xi1>
  %r = vector.transfer_read %flat[%c3], %false {in_bounds = [true]} : memref<16xi1>, vector<4xi1>
  %e = arith.extui %r : vector<4xi1> to vector<4xi8>
  vector.transfer_write %e, %out[%c0] {in_bounds = [true]} : vector<4xi8>, memref<4xi8>
  return
}

// -----

// Tests that scalar accesses, function arguments, loop-carried buffers and
// boolean globals are widened too.
// CHECK:       memref.global "private" constant @mask : memref<2xi8> = dense<[1, 0]>
// CHECK-LABEL: func.func @scalar_access
// CHECK-SAME:    %[[BUF:.+]]: memref<2xi8>
// CHECK:         %[[G:.+]] = memref.get_global @mask : memref<2xi8>
// CHECK:         %[[L:.+]] = memref.load %[[G]][%{{.+}}] : memref<2xi8>
// CHECK:         %[[B:.+]] = arith.trunci %[[L]] : i8 to i1
// CHECK:         %[[N:.+]] = arith.xori %[[B]], %{{.+}} : i1
// CHECK:         %[[S:.+]] = arith.extui %[[N]] : i1 to i8
// CHECK:         memref.store %[[S]], %[[BUF]][%{{.+}}] : memref<2xi8>
memref.global "private" constant @mask : memref<2xi1> = dense<[true, false]>
func.func @scalar_access(%buf: memref<2xi1>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %true = arith.constant true
  %g = memref.get_global @mask : memref<2xi1>
  scf.for %i = %c0 to %c2 step %c1 {
    %l = memref.load %g[%i] : memref<2xi1>
    %n = arith.xori %l, %true : i1
    memref.store %n, %buf[%i] : memref<2xi1>
  }
  return
}
