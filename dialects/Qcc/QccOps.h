//===- QccOps.h - qcc dialect operations -----------------------*- C++ -*-===//
//
// This file declares the operations of the qcc dialect.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_DIALECT_QCCOPS_H
#define QCC_DIALECT_QCCOPS_H

#include "Qcc/QccDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "Qcc/QccOps.h.inc"

namespace qcc {
/// Returns the broadcast shape of two shapes under numpy rules, or failure.
mlir::FailureOr<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b);

/// Output size of a sliding window along one dimension.
int64_t windowOutputSize(int64_t in, int64_t kernel, int64_t stride,
                         int64_t dilation, int64_t padBegin, int64_t padEnd,
                         bool ceilMode = false);
} // namespace qcc

#endif // QCC_DIALECT_QCCOPS_H
