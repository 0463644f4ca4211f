// RUN: qcc-opt %s --split-input-file --qcc-drop-empty-buffers --verify-diagnostics | FileCheck %s

// Tests that views and copies of zero-element buffers are erased and that a
// zero-element argument becomes a 1-D memref<0xT>.
// CHECK-LABEL: func.func @empty_slice
// CHECK-SAME:    (%{{.+}}: memref<20x10x5xf32>, %{{.+}}: memref<0xf32>)
// CHECK-NEXT:    return
func.func @empty_slice(%in: memref<20x10x5xf32>, %out: memref<20x0x5xf32>) {
  %s = memref.subview %in[0, 0, 0] [20, 0, 5] [1, 1, 1] : memref<20x10x5xf32> to memref<20x0x5xf32, strided<[50, 5, 1]>>
  memref.copy %s, %out : memref<20x0x5xf32, strided<[50, 5, 1]>> to memref<20x0x5xf32>
  return
}

// -----

// Tests that a value read from a zero-element buffer is reported.
func.func @read_empty(%in: memref<2x0xf32>, %out: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %pad = arith.constant 0.0 : f32
  // expected-error @+1 {{unsupported: an operation that reads a zero-element tensor}}
  %v = vector.transfer_read %in[%c0, %c0], %pad : memref<2x0xf32>, vector<4xf32>
  vector.transfer_write %v, %out[%c0] {in_bounds = [true]} : vector<4xf32>, memref<4xf32>
  return
}
