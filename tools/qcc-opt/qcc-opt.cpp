//===- qcc-opt.cpp - qcc optimizer driver ---------------------------------===//
//
// This file implements qcc-opt: mlir-opt with the qcc dialect, qcc passes and
// pipelines registered, used by the lit tests.
//
//===----------------------------------------------------------------------===//

#include "qcc/Pipelines/Pipelines.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  qcc::registerAllQccPasses();
  mlir::DialectRegistry registry;
  qcc::registerAllQccDialects(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "qcc optimizer driver\n", registry));
}
