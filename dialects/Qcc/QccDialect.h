//===- QccDialect.h - qcc dialect ------------------------------*- C++ -*-===//
//
// This file declares the qcc dialect, its enums and attributes.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_DIALECT_QCCDIALECT_H
#define QCC_DIALECT_QCCDIALECT_H

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"

#include "Qcc/QccDialect.h.inc"
#include "Qcc/QccEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "Qcc/QccAttrs.h.inc"

#endif // QCC_DIALECT_QCCDIALECT_H
