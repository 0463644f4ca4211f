//===- FuseActivations.cpp ----------------------------------------------------===//
// (in progress)
#include "qcc/Transforms/Passes.h"
namespace qcc {
#define GEN_PASS_DEF_QCCFUSEACTIVATIONSPASS
#include "qcc/Transforms/Passes.h.inc"
namespace {
struct QccFuseActivationsPass : impl::QccFuseActivationsPassBase<QccFuseActivationsPass> {
  using Base::Base;
  void runOnOperation() override {}
};
} // namespace
} // namespace qcc
