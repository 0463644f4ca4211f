// RUN: qcc-opt %s --split-input-file --qcc-tile-and-vectorize="vector-width=8" | FileCheck %s --check-prefixes=CHECK,AVX2
// RUN: qcc-opt %s --split-input-file --qcc-tile-and-vectorize="vector-width=16" | FileCheck %s --check-prefixes=CHECK,AVX512

// Tests that an elementwise op with a per-channel broadcast has its H and W
// dimensions collapsed and is vectorized along them in native registers
// (4 x W elements per tile), and that the returned op keeps its shape (a
// reshaped function result would cost a copy).

// CHECK-LABEL: func.func @bias_relu
// CHECK:         tensor.collapse_shape %{{.*}} {{\[\[}}0], [1], [2, 3]] : tensor<1x4x8x8xf32> into tensor<1x4x64xf32>
// CHECK:         scf.for
// AVX2-COUNT-4:    vector.transfer_read {{.*}} : tensor<1x4x64xf32>, vector<8xf32>
// AVX512-COUNT-4:  vector.transfer_read {{.*}} : tensor<1x4x64xf32>, vector<16xf32>
// AVX2-COUNT-4:    arith.addf {{.*}} : vector<8xf32>
// AVX512-COUNT-4:  arith.addf {{.*}} : vector<16xf32>
// AVX2-COUNT-4:    vector.transfer_write {{.*}} : vector<8xf32>, tensor<1x4x64xf32>
// AVX512-COUNT-4:  vector.transfer_write {{.*}} : vector<16xf32>, tensor<1x4x64xf32>
// CHECK:         tensor.expand_shape
// CHECK:         scf.for
// CHECK:           scf.for
// CHECK:             vector.transfer_read {{.*}} : tensor<1x4x8x8xf32>, vector<8xf32>
// CHECK:             arith.maximumf {{.*}} : vector<8xf32>
// CHECK-NOT:     linalg.
// CHECK:         return
func.func @bias_relu(%a: tensor<1x4x8x8xf32>, %b: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  %e = tensor.empty() : tensor<1x4x8x8xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (c)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%a, %b : tensor<1x4x8x8xf32>, tensor<4xf32>) outs(%e : tensor<1x4x8x8xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  } -> tensor<1x4x8x8xf32>
  %e2 = tensor.empty() : tensor<1x4x8x8xf32>
  %m = linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%r : tensor<1x4x8x8xf32>) outs(%e2 : tensor<1x4x8x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %z = arith.constant 0.0 : f32
    %v = arith.maximumf %x, %z : f32
    linalg.yield %v : f32
  } -> tensor<1x4x8x8xf32>
  return %m : tensor<1x4x8x8xf32>
}

// -----

// Tests that a matmul gets a register tile (4 x 2W for AVX2, 8 x 2W for
// AVX-512) whose accumulators are carried in vector registers around the
// reduction loop and updated with FMAs of a broadcast A element and a B row,
// with the zero fill folded into the accumulators' initial value.

// CHECK-LABEL: func.func @matmul
// AVX2-DAG:      %[[ZERO:.+]] = arith.constant dense<0.000000e+00> : vector<8xf32>
// AVX512-DAG:    %[[ZERO:.+]] = arith.constant dense<0.000000e+00> : vector<16xf32>
// AVX2-DAG:      %[[C4:.+]] = arith.constant 4 : index
// AVX512-DAG:    %[[C8:.+]] = arith.constant 8 : index
// AVX2-DAG:      %[[C16:.+]] = arith.constant 16 : index
// AVX512-DAG:    %[[C32:.+]] = arith.constant 32 : index
// AVX2:          scf.for %{{.*}} step %[[C4]]
// AVX512:        scf.for %{{.*}} step %[[C8]]
// AVX2:            scf.for %{{.*}} step %[[C16]]
// AVX512:          scf.for %{{.*}} step %[[C32]]
// AVX2:              %{{.*}}:8 = scf.for {{.*}} iter_args(%{{.*}} = %[[ZERO]], {{.*}}) -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
// AVX512:            %{{.*}}:16 = scf.for {{.*}} iter_args(%{{.*}} = %[[ZERO]], {{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// AVX2:                vector.broadcast %{{.*}} : f32 to vector<8xf32>
// AVX512:              vector.broadcast %{{.*}} : f32 to vector<16xf32>
// AVX2-COUNT-2:        vector.fma {{.*}} : vector<8xf32>
// AVX512-COUNT-2:      vector.fma {{.*}} : vector<16xf32>
// CHECK:               scf.yield
// AVX2-COUNT-8:      vector.transfer_write {{.*}} : vector<8xf32>, tensor<16x64xf32>
// AVX512-COUNT-16:   vector.transfer_write {{.*}} : vector<16xf32>, tensor<16x64xf32>
// CHECK-NOT:     vector.contract
// CHECK-NOT:     linalg.
func.func @matmul(%a: tensor<16x24xf32>, %b: tensor<24x64xf32>) -> tensor<16x64xf32> {
  %e = tensor.empty() : tensor<16x64xf32>
  %z = arith.constant 0.0 : f32
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<16x64xf32>) -> tensor<16x64xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<16x24xf32>, tensor<24x64xf32>) outs(%f : tensor<16x64xf32>) -> tensor<16x64xf32>
  return %0 : tensor<16x64xf32>
}

// -----

// Tests that a 3x3 NCHW convolution gets the output-width micro-kernel: a
// loop over the input channels carries one accumulator per output channel
// and width register (4 channels x 2 registers for AVX2, 8 x 2 for
// AVX-512), fed by input row vectors and broadcast weights, and the results
// are written straight into the loop-carried output.

// CHECK-LABEL: func.func @conv
// CHECK:         scf.for
// AVX2:                %{{.*}}:8 = scf.for {{.*}} -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
// AVX512:              %{{.*}}:16 = scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// AVX2:                  vector.transfer_read {{.*}} : tensor<1x3x18x34xf32>, vector<8xf32>
// AVX512:                vector.transfer_read {{.*}} : tensor<1x3x18x34xf32>, vector<16xf32>
// CHECK:                 tensor.extract
// AVX2:                  arith.mulf {{.*}} fastmath<contract> : vector<8xf32>
// AVX512:                arith.mulf {{.*}} fastmath<contract> : vector<16xf32>
// AVX2:                  arith.addf {{.*}} fastmath<contract> : vector<8xf32>
// AVX512:                arith.addf {{.*}} fastmath<contract> : vector<16xf32>
// CHECK:                 scf.yield
// AVX2-COUNT-8:        vector.transfer_write {{.*}} : vector<8xf32>, tensor<1x8x16x32xf32>
// AVX512-COUNT-16:     vector.transfer_write {{.*}} : vector<16xf32>, tensor<1x8x16x32xf32>
// CHECK-NOT:     tensor.insert_slice
// CHECK-NOT:     linalg.
func.func @conv(%in: tensor<1x3x18x34xf32>, %k: tensor<8x3x3x3xf32>, %init: tensor<1x8x16x32xf32>) -> tensor<1x8x16x32xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%in, %k : tensor<1x3x18x34xf32>, tensor<8x3x3x3xf32>) outs(%init : tensor<1x8x16x32xf32>) -> tensor<1x8x16x32xf32>
  return %0 : tensor<1x8x16x32xf32>
}

// -----

// Tests that a strided depthwise convolution and a max pooling get the
// output-width micro-kernel with one channel per tile: the strided input
// row is read whole and deinterleaved with a shuffle, and the pooling
// payload (maximumf) is applied to vectors.

// CHECK-LABEL: func.func @depthwise_and_pool
// CHECK:         vector.shuffle {{.*}} [0, 2, 4, 6, 8, 10] : vector<11xf32>, vector<11xf32>
// CHECK:         arith.mulf {{.*}} : vector<6xf32>
// CHECK:         arith.addf {{.*}} : vector<6xf32>
// AVX2:          vector.transfer_read {{.*}} : tensor<1x6x13x13xf32>, vector<8xf32>
// AVX2:          arith.maximumf {{.*}} : vector<8xf32>
// AVX2:          arith.maximumf {{.*}} : vector<3xf32>
// AVX512:        vector.transfer_read {{.*}} : tensor<1x6x13x13xf32>, vector<11xf32>
// AVX512:        arith.maximumf {{.*}} : vector<11xf32>
// CHECK-NOT:     linalg.
func.func @depthwise_and_pool(%in: tensor<1x6x13x13xf32>, %k: tensor<6x3x3xf32>) -> (tensor<1x6x6x6xf32>, tensor<1x6x11x11xf32>) {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x6x6x6xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x6x6x6xf32>) -> tensor<1x6x6x6xf32>
  %0 = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
     ins(%in, %k : tensor<1x6x13x13xf32>, tensor<6x3x3xf32>) outs(%f : tensor<1x6x6x6xf32>) -> tensor<1x6x6x6xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %w = tensor.empty() : tensor<3x3xf32>
  %e2 = tensor.empty() : tensor<1x6x11x11xf32>
  %f2 = linalg.fill ins(%ninf : f32) outs(%e2 : tensor<1x6x11x11xf32>) -> tensor<1x6x11x11xf32>
  %1 = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%in, %w : tensor<1x6x13x13xf32>, tensor<3x3xf32>) outs(%f2 : tensor<1x6x11x11xf32>) -> tensor<1x6x11x11xf32>
  return %0, %1 : tensor<1x6x6x6xf32>, tensor<1x6x11x11xf32>
}

// -----

// Tests that a reduction along the contiguous dimension accumulates vector
// partial sums in a loop and reduces them horizontally once per row.

// CHECK-LABEL: func.func @row_sum
// AVX2:          scf.for {{.*}} -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
// AVX2-COUNT-4:    arith.addf {{.*}} : vector<8xf32>
// AVX512:        scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// AVX512-COUNT-4:  arith.addf {{.*}} : vector<16xf32>
// CHECK:         vector.reduction <add>
// CHECK-NOT:     linalg.
func.func @row_sum(%a: tensor<3x256xf32>) -> tensor<3xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<3xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<3xf32>) -> tensor<3xf32>
  %0 = linalg.reduce ins(%a : tensor<3x256xf32>) outs(%f : tensor<3xf32>) dimensions = [1]
    (%x: f32, %o: f32) {
      %s = arith.addf %x, %o : f32
      linalg.yield %s : f32
    }
  return %0 : tensor<3xf32>
}

// -----

// Tests that the partial last tile is peeled off: a whole number of native
// vectors (here one full tile of 32 elements), then one statically shaped
// remainder.

// CHECK-LABEL: func.func @peel
// AVX2-COUNT-4:   arith.negf {{.*}} : vector<8xf32>
// AVX512-COUNT-2: arith.negf {{.*}} : vector<16xf32>
// CHECK:          arith.negf {{.*}} : vector<5xf32>
// CHECK-NOT:     linalg.
func.func @peel(%a: tensor<37xf32>) -> tensor<37xf32> {
  %e = tensor.empty() : tensor<37xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
      ins(%a : tensor<37xf32>) outs(%e : tensor<37xf32>) {
  ^bb0(%x: f32, %o: f32):
    %n = arith.negf %x : f32
    linalg.yield %n : f32
  } -> tensor<37xf32>
  return %0 : tensor<37xf32>
}

// -----

// Tests that a constant tensor.pad becomes a vectorized fill of the padded
// tensor and vector copies of the source rows into its interior.

// CHECK-LABEL: func.func @pad
// CHECK-NOT:     tensor.pad
// AVX2:          vector.transfer_write {{.*}} : vector<8xf32>, tensor<2x5x12xf32>
// AVX2:          vector.transfer_write {{.*}} : vector<4xf32>, tensor<2x5x12xf32>
// AVX512:        vector.transfer_write {{.*}} : vector<12xf32>, tensor<2x5x12xf32>
// CHECK:         vector.transfer_read {{.*}} : tensor<2x3x10xf32>, vector<10xf32>
// CHECK:         vector.transfer_write {{.*}} : vector<10xf32>, tensor<2x5x12xf32>
// CHECK-NOT:     linalg.
func.func @pad(%a: tensor<2x3x10xf32>) -> tensor<2x5x12xf32> {
  %z = arith.constant 0.0 : f32
  %p = tensor.pad %a low[0, 1, 1] high[0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index):
    tensor.yield %z : f32
  } : tensor<2x3x10xf32> to tensor<2x5x12xf32>
  return %p : tensor<2x5x12xf32>
}

// -----

// Tests that a transpose, whose reads are strided, gathers its input
// elements with single-element reads into vectors of the output's rows.

// CHECK-LABEL: func.func @transpose
// CHECK:         scf.for
// CHECK-COUNT-5:   vector.transfer_read {{.*}} : tensor<5x3xf32>, vector<1xf32>
// CHECK:           vector.from_elements {{.*}} : vector<5xf32>
// CHECK:           vector.transfer_write {{.*}} : vector<5xf32>, tensor<3x5xf32>
// CHECK-NOT:     linalg.
func.func @transpose(%a: tensor<5x3xf32>) -> tensor<3x5xf32> {
  %e = tensor.empty() : tensor<3x5xf32>
  %0 = linalg.transpose ins(%a : tensor<5x3xf32>) outs(%e : tensor<3x5xf32>) permutation = [1, 0]
  return %0 : tensor<3x5xf32>
}

// -----

// Tests that ops with dynamic shapes are left alone.

// CHECK-LABEL: func.func @dynamic
// CHECK:         linalg.generic
// CHECK-NOT:     vector.
func.func @dynamic(%a: tensor<?xf32>) -> tensor<?xf32> {
  %c0 = arith.constant 0 : index
  %d = tensor.dim %a, %c0 : tensor<?xf32>
  %e = tensor.empty(%d) : tensor<?xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
      ins(%a : tensor<?xf32>) outs(%e : tensor<?xf32>) {
  ^bb0(%x: f32, %o: f32):
    %n = arith.negf %x : f32
    linalg.yield %n : f32
  } -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// Tests that a bias broadcast (the conv's init) and a trailing activation
// are fused into the convolution's tile loop: the bias becomes the initial
// accumulators, the clamp is applied to the accumulators, and the raw
// convolution result is never written.

// CHECK-LABEL: func.func @conv_bias_relu6
// CHECK-NOT:     linalg.
// CHECK:         scf.for
// AVX2:            arith.maximumf {{.*}} : vector<8xf32>
// AVX2:            arith.minimumf {{.*}} : vector<8xf32>
// AVX512:          arith.maximumf {{.*}} : vector<16xf32>
// AVX512:          arith.minimumf {{.*}} : vector<16xf32>
// CHECK:           vector.transfer_write
// CHECK-NOT:     scf.for
// CHECK:         return
func.func @conv_bias_relu6(%in: tensor<1x2x10x18xf32>, %k: tensor<4x2x3x3xf32>, %bias: tensor<4xf32>) -> tensor<1x4x8x16xf32> {
  %e = tensor.empty() : tensor<1x4x8x16xf32>
  %b = linalg.broadcast ins(%bias : tensor<4xf32>) outs(%e : tensor<1x4x8x16xf32>) dimensions = [0, 2, 3]
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%in, %k : tensor<1x2x10x18xf32>, tensor<4x2x3x3xf32>) outs(%b : tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32>
  %e2 = tensor.empty() : tensor<1x4x8x16xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%0 : tensor<1x4x8x16xf32>) outs(%e2 : tensor<1x4x8x16xf32>) {
  ^bb0(%x: f32, %o: f32):
    %z = arith.constant 0.0 : f32
    %six = arith.constant 6.0 : f32
    %v = arith.maximumf %x, %z : f32
    %w = arith.minimumf %v, %six : f32
    linalg.yield %w : f32
  } -> tensor<1x4x8x16xf32>
  return %r : tensor<1x4x8x16xf32>
}

// -----

// Tests that windows with more than 64 taps are not unrolled: a 9x9 window
// loops over its rows (with the 9 columns unrolled), and a 3x70 window also
// loops over its columns, reading at the loop-variable column.

// CHECK-LABEL: func.func @large_window_pool
// CHECK:         scf.for {{.*}} to %c9{{.*}} -> (vector<8xf32>)
// CHECK-COUNT-9:   arith.maximumf {{.*}} : vector<8xf32>
// CHECK-NEXT:      scf.yield
// CHECK:         scf.for %[[R:.+]] = %{{.+}} to %c3{{.*}} -> (vector<
// CHECK-NEXT:      scf.for %[[Q:.+]] = %{{.+}} to %c70{{.*}} -> (vector<
// CHECK-NEXT:        vector.transfer_read %{{.+}}[%{{.+}}, %{{.+}}, %[[R]], %[[Q]]]
// CHECK-NEXT:        arith.maximumf
// CHECK-NEXT:        scf.yield
// CHECK-NOT:     linalg.
func.func @large_window_pool(%in: tensor<1x1x12x16xf32>, %wide: tensor<1x1x3x80xf32>) -> (tensor<1x1x4x8xf32>, tensor<1x1x1x11xf32>) {
  %ninf = arith.constant 0xFF800000 : f32
  %w = tensor.empty() : tensor<9x9xf32>
  %e = tensor.empty() : tensor<1x1x4x8xf32>
  %f = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x1x4x8xf32>) -> tensor<1x1x4x8xf32>
  %0 = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%in, %w : tensor<1x1x12x16xf32>, tensor<9x9xf32>) outs(%f : tensor<1x1x4x8xf32>) -> tensor<1x1x4x8xf32>
  %w2 = tensor.empty() : tensor<3x70xf32>
  %e2 = tensor.empty() : tensor<1x1x1x11xf32>
  %f2 = linalg.fill ins(%ninf : f32) outs(%e2 : tensor<1x1x1x11xf32>) -> tensor<1x1x1x11xf32>
  %1 = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%wide, %w2 : tensor<1x1x3x80xf32>, tensor<3x70xf32>) outs(%f2 : tensor<1x1x1x11xf32>) -> tensor<1x1x1x11xf32>
  return %0, %1 : tensor<1x1x4x8xf32>, tensor<1x1x1x11xf32>
}

// -----

// Tests that convolutions with large strides (an STFT: 512 taps, hop 160)
// gather each output-width input vector with one scalar load per lane rather
// than reading (OWt x stride) contiguous elements and shuffling, so that the
// code stays linear in the taps; the 512 taps loop (more than 64), and the
// channel tile is full (8 for AVX2, with the remaining 2 channels peeled;
// all 10 for AVX-512) although 10 has no divisor of 8. A small window with a
// large stride is unrolled with constant lane columns.

// CHECK-LABEL: func.func @strided_gather
// AVX2:          %{{.+}}:8 = scf.for %[[Q:.+]] = %{{.+}} to %c512{{.*}} -> (vector<8xf32>
// AVX512:        %{{.+}}:10 = scf.for %[[Q:.+]] = %{{.+}} to %c512{{.*}} -> (vector<8xf32>
// CHECK-NEXT:      tensor.extract %[[IN:.+]][%{{.+}}, %{{.+}}, %{{.+}}, %[[Q]]] : tensor<1x1x1x1632xf32>
// CHECK-NEXT:      %[[C1:.+]] = arith.addi %[[Q]], %c160 : index
// CHECK-NEXT:      tensor.extract %[[IN]][%{{.+}}, %{{.+}}, %{{.+}}, %[[C1]]]
// CHECK-NEXT:      %[[C2:.+]] = arith.addi %[[Q]], %c320 : index
// CHECK-NEXT:      tensor.extract %[[IN]][%{{.+}}, %{{.+}}, %{{.+}}, %[[C2]]]
// CHECK-NEXT:      %[[C3:.+]] = arith.addi %[[Q]], %c480 : index
// CHECK-NEXT:      tensor.extract %[[IN]][%{{.+}}, %{{.+}}, %{{.+}}, %[[C3]]]
// CHECK-NEXT:      %[[C4:.+]] = arith.addi %[[Q]], %c640 : index
// CHECK-NEXT:      tensor.extract %[[IN]][%{{.+}}, %{{.+}}, %{{.+}}, %[[C4]]]
// CHECK-NEXT:      %[[C5:.+]] = arith.addi %[[Q]], %c800 : index
// CHECK-NEXT:      tensor.extract %[[IN]][%{{.+}}, %{{.+}}, %{{.+}}, %[[C5]]]
// CHECK-NEXT:      %[[C6:.+]] = arith.addi %[[Q]], %c960 : index
// CHECK-NEXT:      tensor.extract %[[IN]][%{{.+}}, %{{.+}}, %{{.+}}, %[[C6]]]
// CHECK-NEXT:      %[[C7:.+]] = arith.addi %[[Q]], %c1120 : index
// CHECK-NEXT:      tensor.extract %[[IN]][%{{.+}}, %{{.+}}, %{{.+}}, %[[C7]]]
// CHECK-NEXT:      vector.from_elements {{.*}} : vector<8xf32>
// AVX2-COUNT-8:    arith.addf {{.*}} : vector<8xf32>
// AVX512-COUNT-10: arith.addf {{.*}} : vector<8xf32>
// CHECK:           scf.yield
// AVX2:          %{{.+}}:2 = scf.for %{{.+}} = %{{.+}} to %c512{{.*}} -> (vector<8xf32>, vector<8xf32>)
// CHECK:         %{{.+}}:4 = scf.for %[[C:.+]] = %{{.+}} to %c2{{.*}} -> (vector<5xf32>
// CHECK-NEXT:      tensor.extract %[[IN2:.+]][%{{.+}}, %[[C]], %{{.+}}, %c0]
// CHECK-NEXT:      tensor.extract %[[IN2]][%{{.+}}, %[[C]], %{{.+}}, %c80]
// CHECK-NEXT:      tensor.extract %[[IN2]][%{{.+}}, %[[C]], %{{.+}}, %c160]
// CHECK-NEXT:      tensor.extract %[[IN2]][%{{.+}}, %[[C]], %{{.+}}, %c240]
// CHECK-NEXT:      tensor.extract %[[IN2]][%{{.+}}, %[[C]], %{{.+}}, %c320]
// CHECK-NEXT:      vector.from_elements {{.*}} : vector<5xf32>
// CHECK-COUNT-2:   vector.from_elements {{.*}} : vector<5xf32>
// CHECK:           scf.yield
// CHECK-NOT:     vector.shuffle
// CHECK-NOT:     linalg.
func.func @strided_gather(%in: tensor<1x1x1x1760xf32>, %k: tensor<10x1x1x512xf32>, %init: tensor<1x10x1x8xf32>, %in2: tensor<1x2x1x400xf32>, %k2: tensor<4x2x1x3xf32>, %init2: tensor<1x4x1x5xf32>) -> (tensor<1x10x1x8xf32>, tensor<1x4x1x5xf32>) {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<[1, 160]> : tensor<2xi64>}
     ins(%in, %k : tensor<1x1x1x1760xf32>, tensor<10x1x1x512xf32>) outs(%init : tensor<1x10x1x8xf32>) -> tensor<1x10x1x8xf32>
  %1 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<[1, 80]> : tensor<2xi64>}
     ins(%in2, %k2 : tensor<1x2x1x400xf32>, tensor<4x2x1x3xf32>) outs(%init2 : tensor<1x4x1x5xf32>) -> tensor<1x4x1x5xf32>
  return %0, %1 : tensor<1x10x1x8xf32>, tensor<1x4x1x5xf32>
}

// -----

// Tests that a linalg op with an empty loop (a reduction over a zero-sized
// dimension) is replaced by its init, which tiling could not handle.

// CHECK-LABEL: func.func @empty_reduction
// CHECK-NOT:     linalg.reduce
// CHECK:         %[[F:.+]] = vector.transfer_write %{{.+}}, %{{.+}}[%{{.+}}] {in_bounds = [true]} : vector<3xf32>, tensor<3xf32>
// CHECK-NEXT:    return %[[F]]
func.func @empty_reduction(%a: tensor<0x3xf32>) -> tensor<3xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<3xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<3xf32>) -> tensor<3xf32>
  %0 = linalg.reduce ins(%a : tensor<0x3xf32>) outs(%f : tensor<3xf32>) dimensions = [0]
    (%x: f32, %o: f32) {
      %s = arith.addf %x, %o : f32
      linalg.yield %s : f32
    }
  return %0 : tensor<3xf32>
}

// -----

// Tests that a windowed generic (a max pooling written as a generic, whose
// input map (y * 2 + ky, x * 2 + kx) is not a projected permutation) has no
// dimensions collapsed: the window taps stay two reduction loops and the
// tiled generic keeps the strided window map (collapsing ky/kx and y/x used
// to rewrite the input map to (d0, d1, d0, d0): wrong results at -O3, and a
// crash in scf::tileUsingSCF for some shapes).

// CHECK:       #[[WIN:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
// CHECK-LABEL: func.func @unsigned_max_pool_window
// CHECK-NOT:     tensor.collapse_shape
// CHECK:         scf.for
// CHECK:           scf.for
// CHECK:             scf.for
// CHECK:               scf.for
// CHECK:                 linalg.generic {indexing_maps = [#[[WIN]], {{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK:                   arith.maxui
// CHECK-NOT:     tensor.collapse_shape
// CHECK:         return
func.func @unsigned_max_pool_window(%x: tensor<1x3x16x16xi8>) -> tensor<1x3x8x8xi8> {
  %c0 = arith.constant 0 : i8
  %e = tensor.empty() : tensor<1x3x8x8xi8>
  %init = linalg.fill ins(%c0 : i8) outs(%e : tensor<1x3x8x8xi8>) -> tensor<1x3x8x8xi8>
  %w = tensor.empty() : tensor<2x2xi8>
  %r = linalg.generic {indexing_maps = [affine_map<(n, c, y, x, ky, kx) -> (n, c, y * 2 + ky, x * 2 + kx)>, affine_map<(n, c, y, x, ky, kx) -> (ky, kx)>, affine_map<(n, c, y, x, ky, kx) -> (n, c, y, x)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %w : tensor<1x3x16x16xi8>, tensor<2x2xi8>) outs(%init : tensor<1x3x8x8xi8>) {
  ^bb0(%in: i8, %k: i8, %o: i8):
    %m = arith.maxui %in, %o : i8
    linalg.yield %m : i8
  } -> tensor<1x3x8x8xi8>
  return %r : tensor<1x3x8x8xi8>
}

// -----

// Tests that an elementwise consumer changing the element type (the f32 ->
// u8 quantize at a float -> int8 precision boundary) is fused into the
// convolution's tile loop like a same-type activation: the quantize is
// applied to the accumulators and only i8 is written.

// CHECK-LABEL: func.func @conv_quantize
// CHECK-NOT:     linalg.
// CHECK:         scf.for
// CHECK:           arith.fptosi
// CHECK:           vector.transfer_write {{.*}} : vector<{{[0-9]+}}xi8>, tensor<1x4x8x16xi8>
// CHECK-NOT:     scf.for
// CHECK:         return
func.func @conv_quantize(%in: tensor<1x2x10x18xf32>, %k: tensor<4x2x3x3xf32>, %bias: tensor<4xf32>) -> tensor<1x4x8x16xi8> {
  %e = tensor.empty() : tensor<1x4x8x16xf32>
  %b = linalg.broadcast ins(%bias : tensor<4xf32>) outs(%e : tensor<1x4x8x16xf32>) dimensions = [0, 2, 3]
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%in, %k : tensor<1x2x10x18xf32>, tensor<4x2x3x3xf32>) outs(%b : tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32>
  %e2 = tensor.empty() : tensor<1x4x8x16xi8>
  %r = linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%0 : tensor<1x4x8x16xf32>) outs(%e2 : tensor<1x4x8x16xi8>) {
  ^bb0(%x: f32, %o: i8):
    %z = arith.constant 0.0 : f32
    %s = arith.constant 0.05 : f32
    %hi = arith.constant 255.0 : f32
    %v = arith.maximumf %x, %z : f32
    %d = arith.divf %v, %s : f32
    %rr = math.roundeven %d : f32
    %c = arith.minimumf %rr, %hi : f32
    %i = arith.fptosi %c : f32 to i32
    %t = arith.trunci %i : i32 to i8
    linalg.yield %t : i8
  } -> tensor<1x4x8x16xi8>
  return %r : tensor<1x4x8x16xi8>
}

// -----

// Tests that a pointwise (1x1) convolution rewritten as a matmul keeps its
// bias broadcast and its activation in the matmul's tile loop: the bias is
// broadcast on the matmul's [F, H*W] shape, the activation iterates that
// shape (not the maximal collapse of its own dimensions), and one loop nest
// remains.

// CHECK-LABEL: func.func @pointwise_bias_relu
// CHECK-NOT:     linalg.
// CHECK:         scf.for
// AVX2:            arith.maximumf {{.*}} : vector<8xf32>
// AVX512:          arith.maximumf {{.*}} : vector<16xf32>
// CHECK-NOT:     scf.for
// CHECK:         tensor.expand_shape
// CHECK-NEXT:    return
func.func @pointwise_bias_relu(%in: tensor<1x16x8x16xf32>, %k: tensor<32x16x1x1xf32>, %bias: tensor<32xf32>) -> tensor<1x32x8x16xf32> {
  %e = tensor.empty() : tensor<1x32x8x16xf32>
  %b = linalg.broadcast ins(%bias : tensor<32xf32>) outs(%e : tensor<1x32x8x16xf32>) dimensions = [0, 2, 3]
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%in, %k : tensor<1x16x8x16xf32>, tensor<32x16x1x1xf32>) outs(%b : tensor<1x32x8x16xf32>) -> tensor<1x32x8x16xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%0 : tensor<1x32x8x16xf32>) outs(%e : tensor<1x32x8x16xf32>) {
  ^bb0(%x: f32, %o: f32):
    %z = arith.constant 0.0 : f32
    %v = arith.maximumf %x, %z : f32
    linalg.yield %v : f32
  } -> tensor<1x32x8x16xf32>
  return %r : tensor<1x32x8x16xf32>
}
