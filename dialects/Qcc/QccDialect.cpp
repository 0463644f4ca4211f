//===- QccDialect.cpp - qcc dialect ---------------------------------------===//
//
// This file implements the qcc dialect registration and constant
// materialization.
//
//===----------------------------------------------------------------------===//

#include "Qcc/QccDialect.h"
#include "Qcc/QccOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace qcc;

#include "Qcc/QccDialect.cpp.inc"
#include "Qcc/QccEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "Qcc/QccAttrs.cpp.inc"

void QccDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "Qcc/QccOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "Qcc/QccAttrs.cpp.inc"
      >();
}

Operation *QccDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                           Type type, Location loc) {
  auto elements = llvm::dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, elements);
}
