//===- FoldBatchNorm.cpp ----------------------------------------------------===//
// (in progress)
#include "qcc/Transforms/Passes.h"
namespace qcc {
#define GEN_PASS_DEF_QCCFOLDBATCHNORMPASS
#include "qcc/Transforms/Passes.h.inc"
namespace {
struct QccFoldBatchNormPass : impl::QccFoldBatchNormPassBase<QccFoldBatchNormPass> {
  using Base::Base;
  void runOnOperation() override {}
};
} // namespace
} // namespace qcc
