// RUN: qcc-opt %s --split-input-file --qcc-allocate-scratch=entry=main --verify-diagnostics | FileCheck %s

// Tests that buffers with disjoint lifetimes share arena space and that
// overlapping ones do not, that the arena becomes a trailing argument, and
// that the size is recorded on the function.
// CHECK-LABEL: func.func @main
// CHECK-SAME: %[[IN:.+]]: memref<16xf32>, %[[OUT:.+]]: memref<16xf32>, %[[ARENA:.+]]: memref<128xi8> {qcc.scratch}
// CHECK-SAME: qcc.scratch_size = 128 : i64
// CHECK-NOT: memref.alloc
// CHECK: %[[O1:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[A:.+]] = memref.view %[[ARENA]][%[[O1]]][] : memref<128xi8> to memref<16xf32>
// CHECK: %[[O2:.+]] = arith.constant 64 : index
// CHECK-NEXT: %[[B:.+]] = memref.view %[[ARENA]][%[[O2]]][] : memref<128xi8> to memref<16xf32>
// CHECK: %[[O3:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[C:.+]] = memref.view %[[ARENA]][%[[O3]]][] : memref<128xi8> to memref<16xf32>
// CHECK: memref.copy %[[C]], %[[OUT]]
func.func @main(%in: memref<16xf32>, %out: memref<16xf32>) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<16xf32>
  memref.copy %in, %a : memref<16xf32> to memref<16xf32>
  %b = memref.alloc() {alignment = 64 : i64} : memref<16xf32>
  memref.copy %a, %b : memref<16xf32> to memref<16xf32>
  // %a is dead here: %c may reuse its slot, but not %b's.
  %c = memref.alloc() {alignment = 64 : i64} : memref<16xf32>
  memref.copy %b, %c : memref<16xf32> to memref<16xf32>
  memref.copy %c, %out : memref<16xf32> to memref<16xf32>
  return
}

// -----

// Tests that a buffer used through a view stays live until the view's last
// use, and that strided copies become linalg.copy (no runtime library call).
// CHECK-LABEL: func.func @main
// CHECK-SAME: qcc.scratch_size = 384 : i64
// CHECK: %[[A:.+]] = memref.view
// CHECK: %[[S:.+]] = memref.subview %[[A]]
// CHECK: %[[B:.+]] = memref.view
// CHECK: linalg.copy ins(%[[S]] : {{.*}}) outs(%[[B]] :
func.func @main(%in: memref<8x8xf32>, %out: memref<4x8xf32>) {
  %a = memref.alloc() : memref<8x8xf32>
  memref.copy %in, %a : memref<8x8xf32> to memref<8x8xf32>
  %s = memref.subview %a[0, 0] [4, 8] [2, 1] : memref<8x8xf32> to memref<4x8xf32, strided<[16, 1]>>
  %b = memref.alloc() : memref<4x8xf32>
  memref.copy %s, %b : memref<4x8xf32, strided<[16, 1]>> to memref<4x8xf32>
  memref.copy %b, %out : memref<4x8xf32> to memref<4x8xf32>
  return
}

// -----

// Tests that an entry without intermediate buffers gets an empty arena.
// CHECK-LABEL: func.func @main
// CHECK-SAME: memref<0xi8> {qcc.scratch}
// CHECK-SAME: qcc.scratch_size = 0 : i64
func.func @main(%in: memref<4xf32>, %out: memref<4xf32>) {
  memref.copy %in, %out : memref<4xf32> to memref<4xf32>
  return
}

// -----

// Tests that dynamically shaped buffers are rejected: the object never mallocs.
func.func @main(%n: index) {
  // expected-error @below {{cannot place a dynamically shaped or strided buffer in the scratch arena}}
  %a = memref.alloc(%n) : memref<?xf32>
  return
}

// -----

// Tests that a missing entry function is reported.
// expected-error @below {{entry function 'main' not found}}
module {
  func.func @other() {
    return
  }
}
