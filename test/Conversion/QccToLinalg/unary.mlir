// RUN: qcc-opt %s --split-input-file --convert-qcc-to-linalg | FileCheck %s

// Tests that a unary op becomes a parallel generic from the input into a
// fresh tensor.empty with the function computed on scalars.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @relu
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
// CHECK: %[[E:.+]] = tensor.empty() : tensor<2x3xf32>
// CHECK: %[[R:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[X]] : tensor<2x3xf32>) outs(%[[E]] : tensor<2x3xf32>)
// CHECK: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[Z:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[M:.+]] = arith.maximumf %[[IN]], %[[Z]] : f32
// CHECK: linalg.yield %[[M]] : f32
// CHECK: return %[[R]]
func.func @relu(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = qcc.unary relu %x : tensor<2x3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Tests that sigmoid is 1 / (1 + exp(-x)).
// CHECK-LABEL: func.func @sigmoid
// CHECK: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[N:.+]] = arith.negf %[[IN]]
// CHECK: %[[E:.+]] = math.exp %[[N]]
// CHECK: %[[D:.+]] = arith.addf %{{.+}}, %[[E]]
// CHECK: arith.divf %{{.+}}, %[[D]]
func.func @sigmoid(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = qcc.unary sigmoid %x : tensor<4xf32> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// Tests that softplus uses the stable form max(x, 0) + log1p(exp(-|x|)).
// CHECK-LABEL: func.func @softplus
// CHECK: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[A:.+]] = math.absf %[[IN]]
// CHECK: %[[N:.+]] = arith.negf %[[A]]
// CHECK: %[[E:.+]] = math.exp %[[N]]
// CHECK: %[[L:.+]] = math.log1p %[[E]]
// CHECK: %[[M:.+]] = arith.maximumf %[[IN]]
// CHECK: arith.addf %[[M]], %[[L]]
func.func @softplus(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = qcc.unary softplus %x : tensor<4xf32> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// Tests that exact gelu is 0.5 x (1 + erf(x / sqrt(2))) and the tanh
// approximation uses math.tanh.
// CHECK-LABEL: func.func @gelu
// CHECK: linalg.generic
// CHECK: %[[S:.+]] = arith.constant 0.707106769 : f32
// CHECK: %[[XS:.+]] = arith.mulf %{{.+}}, %[[S]]
// CHECK: math.erf %[[XS]]
// CHECK: linalg.generic
// CHECK: arith.constant 4.471500e-02
// CHECK: math.tanh
func.func @gelu(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %y = qcc.unary gelu %x : tensor<4xf32> -> tensor<4xf32>
  %z = qcc.unary gelu %x {params = array<f32: 1.0>} : tensor<4xf32> -> tensor<4xf32>
  return %y, %z : tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that leaky_relu selects between x and alpha * x on x >= 0, and elu
// uses expm1 on the negative side.
// CHECK-LABEL: func.func @leaky_elu
// CHECK: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[ALPHA:.+]] = arith.constant 1.000000e-01 : f32
// CHECK: %[[AX:.+]] = arith.mulf %[[IN]], %[[ALPHA]]
// CHECK: %[[GE:.+]] = arith.cmpf oge, %[[IN]]
// CHECK: arith.select %[[GE]], %[[IN]], %[[AX]]
// CHECK: linalg.generic
// CHECK: math.expm1
// CHECK: arith.select
func.func @leaky_elu(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %y = qcc.unary leaky_relu %x {params = array<f32: 0.1>} : tensor<4xf32> -> tensor<4xf32>
  %z = qcc.unary elu %x {params = array<f32: 1.0>} : tensor<4xf32> -> tensor<4xf32>
  return %y, %z : tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that round is round-half-to-even.
// CHECK-LABEL: func.func @round
// CHECK: math.roundeven
func.func @round(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = qcc.unary round %x : tensor<4xf32> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// Tests that the integer unary kinds use integer arithmetic: abs, clip with
// its float bounds turned into integers, and relu with a signed max.
// CHECK-LABEL: func.func @int_unary
// CHECK: math.absi %{{.+}} : i32
// CHECK: linalg.generic
// CHECK-DAG: arith.constant -3 : i32
// CHECK-DAG: arith.constant 4 : i32
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: linalg.generic
// CHECK: arith.maxsi
func.func @int_unary(%x: tensor<4xi32>) -> (tensor<4xi32>, tensor<4xi32>, tensor<4xi32>) {
  %a = qcc.unary abs %x : tensor<4xi32> -> tensor<4xi32>
  %c = qcc.unary clip %x {params = array<f32: -3.0, 4.0>} : tensor<4xi32> -> tensor<4xi32>
  %r = qcc.unary relu %x : tensor<4xi32> -> tensor<4xi32>
  return %a, %c, %r : tensor<4xi32>, tensor<4xi32>, tensor<4xi32>
}

// -----

// Tests that unsigned integers lower to signless storage with unsigned ops.
// CHECK-LABEL: func.func @unsigned_clip
// CHECK-SAME: (%{{.+}}: tensor<4xi8>) -> tensor<4xi8>
// CHECK-DAG: %[[LO:.+]] = arith.constant 10 : i8
// CHECK-DAG: %[[HI:.+]] = arith.constant -56 : i8
// CHECK: %[[M:.+]] = arith.maxui %{{.+}}, %[[LO]] : i8
// CHECK: arith.minui %[[M]], %[[HI]] : i8
func.func @unsigned_clip(%x: tensor<4xui8>) -> tensor<4xui8> {
  %y = qcc.unary clip %x {params = array<f32: 10.0, 200.0>} : tensor<4xui8> -> tensor<4xui8>
  return %y : tensor<4xui8>
}

// -----

// Tests that logical not flips i1 values.
// CHECK-LABEL: func.func @logical_not
// CHECK: %[[T:.+]] = arith.constant true
// CHECK: arith.xori %{{.+}}, %[[T]] : i1
func.func @logical_not(%x: tensor<4xi1>) -> tensor<4xi1> {
  %y = qcc.unary not %x : tensor<4xi1> -> tensor<4xi1>
  return %y : tensor<4xi1>
}
