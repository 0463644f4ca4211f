//===- AllocateScratch.cpp ----------------------------------------------------===//
// (in progress)
#include "qcc/Target/Passes.h"
namespace qcc {
#define GEN_PASS_DEF_QCCALLOCATESCRATCHPASS
#include "qcc/Target/Passes.h.inc"
namespace {
struct QccAllocateScratchPass : impl::QccAllocateScratchPassBase<QccAllocateScratchPass> {
  using Base::Base;
  void runOnOperation() override {}
};
} // namespace
} // namespace qcc
