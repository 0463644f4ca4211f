//===- Passes.h - qcc Target passes ----------------------------*- C++ -*-===//
//
// This file declares the qcc Target passes (see Passes.td).
//
//===----------------------------------------------------------------------===//

#ifndef QCC_TARGET_PASSES_H
#define QCC_TARGET_PASSES_H

#include "Qcc/QccDialect.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace qcc {

#define GEN_PASS_DECL
#include "qcc/Target/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qcc/Target/Passes.h.inc"

} // namespace qcc

#endif // QCC_TARGET_PASSES_H
