//===- FoldConstants.cpp ----------------------------------------------------===//
// (in progress)
#include "qcc/Transforms/Passes.h"
namespace qcc {
#define GEN_PASS_DEF_QCCFOLDCONSTANTSPASS
#include "qcc/Transforms/Passes.h.inc"
namespace {
struct QccFoldConstantsPass : impl::QccFoldConstantsPassBase<QccFoldConstantsPass> {
  using Base::Base;
  void runOnOperation() override {}
};
} // namespace
} // namespace qcc
