//===- QccToLinalg.cpp ----------------------------------------------------===//
// (in progress)
#include "qcc/Conversion/Passes.h"
namespace qcc {
#define GEN_PASS_DEF_CONVERTQCCTOLINALGPASS
#include "qcc/Conversion/Passes.h.inc"
namespace {
struct ConvertQccToLinalgPass : impl::ConvertQccToLinalgPassBase<ConvertQccToLinalgPass> {
  using Base::Base;
  void runOnOperation() override {}
};
} // namespace
} // namespace qcc
