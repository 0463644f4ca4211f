//===- TileAndVectorize.cpp ----------------------------------------------------===//
// (in progress)
#include "qcc/Target/Passes.h"
namespace qcc {
#define GEN_PASS_DEF_QCCTILEANDVECTORIZEPASS
#include "qcc/Target/Passes.h.inc"
namespace {
struct QccTileAndVectorizePass : impl::QccTileAndVectorizePassBase<QccTileAndVectorizePass> {
  using Base::Base;
  void runOnOperation() override {}
};
} // namespace
} // namespace qcc
