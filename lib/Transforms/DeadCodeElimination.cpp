//===- DeadCodeElimination.cpp ----------------------------------------------------===//
// (in progress)
#include "qcc/Transforms/Passes.h"
namespace qcc {
#define GEN_PASS_DEF_QCCDEADCODEELIMINATIONPASS
#include "qcc/Transforms/Passes.h.inc"
namespace {
struct QccDeadCodeEliminationPass : impl::QccDeadCodeEliminationPassBase<QccDeadCodeEliminationPass> {
  using Base::Base;
  void runOnOperation() override {}
};
} // namespace
} // namespace qcc
