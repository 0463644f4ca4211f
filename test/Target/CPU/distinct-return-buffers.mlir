// RUN: qcc-opt %s --split-input-file --qcc-distinct-return-buffers --verify-diagnostics | FileCheck %s
// RUN: qcc-opt %s --split-input-file --qcc-distinct-return-buffers \
// RUN:   --buffer-results-to-out-params="hoist-static-allocs modify-public-functions" \
// RUN:   --verify-diagnostics | FileCheck %s --check-prefix=OUTPARAMS

// Tests that an allocation returned twice is copied into a fresh one for the
// second result, and that out-parameter promotion then writes the original
// into the first out parameter and copies it into the second.
// CHECK-LABEL: func.func @alloc_twice
// CHECK:         %[[A:.+]] = memref.alloc() {alignment = 64 : i64} : memref<2x3xf32>
// CHECK:         linalg.fill {{.*}} outs(%[[A]] : memref<2x3xf32>)
// CHECK-NEXT:    %[[B:.+]] = memref.alloc() : memref<2x3xf32>
// CHECK-NEXT:    memref.copy %[[A]], %[[B]]
// CHECK-NEXT:    return %[[A]], %[[B]]
// OUTPARAMS-LABEL: func.func @alloc_twice
// OUTPARAMS-SAME:    (%[[Y:.+]]: memref<2x3xf32>, %[[Z:.+]]: memref<2x3xf32>)
// OUTPARAMS:         linalg.fill {{.*}} outs(%[[Y]] : memref<2x3xf32>)
// OUTPARAMS-NEXT:    memref.copy %[[Y]], %[[Z]]
// OUTPARAMS-NEXT:    return
func.func @alloc_twice() -> (memref<2x3xf32>, memref<2x3xf32>) {
  %cst = arith.constant 1.0 : f32
  %a = memref.alloc() {alignment = 64 : i64} : memref<2x3xf32>
  linalg.fill ins(%cst : f32) outs(%a : memref<2x3xf32>)
  return %a, %a : memref<2x3xf32>, memref<2x3xf32>
}

// -----

// Tests that every repeat of an argument gets its own copy, that distinct
// results in between are left alone, and that non-memref results may repeat.
// CHECK-LABEL: func.func @arg_thrice
// CHECK-SAME:    (%[[X:.+]]: memref<4xf32>, %[[Y:.+]]: memref<4xf32>, %[[I:.+]]: index)
// CHECK-NEXT:    %[[C1:.+]] = memref.alloc() : memref<4xf32>
// CHECK-NEXT:    memref.copy %[[X]], %[[C1]]
// CHECK-NEXT:    %[[C2:.+]] = memref.alloc() : memref<4xf32>
// CHECK-NEXT:    memref.copy %[[X]], %[[C2]]
// CHECK-NEXT:    return %[[X]], %[[Y]], %[[C1]], %[[I]], %[[I]], %[[C2]]
func.func @arg_thrice(%x: memref<4xf32>, %y: memref<4xf32>, %i: index)
    -> (memref<4xf32>, memref<4xf32>, memref<4xf32>, index, index, memref<4xf32>) {
  return %x, %y, %x, %i, %i, %x
      : memref<4xf32>, memref<4xf32>, memref<4xf32>, index, index, memref<4xf32>
}

// -----

// Tests that a repeated buffer of dynamic shape is copied into an allocation
// of the same runtime size.
// CHECK-LABEL: func.func @dynamic
// CHECK-SAME:    (%[[X:.+]]: memref<?x8xf32>)
// CHECK-NEXT:    %[[C0:.+]] = arith.constant 0 : index
// CHECK-NEXT:    %[[D:.+]] = memref.dim %[[X]], %[[C0]]
// CHECK-NEXT:    %[[C:.+]] = memref.alloc(%[[D]]) : memref<?x8xf32>
// CHECK-NEXT:    memref.copy %[[X]], %[[C]]
// CHECK-NEXT:    return %[[X]], %[[C]]
func.func @dynamic(%x: memref<?x8xf32>) -> (memref<?x8xf32>, memref<?x8xf32>) {
  return %x, %x : memref<?x8xf32>, memref<?x8xf32>
}

// -----

// Tests that a repeated buffer with a non-identity layout is reported.
func.func @strided(%x: memref<4xf32, strided<[2]>>)
    -> (memref<4xf32, strided<[2]>>, memref<4xf32, strided<[2]>>) {
  // expected-error @+1 {{internal error: result 1 repeats a buffer with a non-identity layout}}
  return %x, %x : memref<4xf32, strided<[2]>>, memref<4xf32, strided<[2]>>
}
