//===- QccFold.cpp - qcc dialect folders ----------------------------------===//
//
// This file implements the folders of the qcc operations. A folder whose
// operands are all constants evaluates the op (ConstantEval.h) and returns
// the result attribute, which the dialect materializes as a `qcc.constant`;
// large results become dense_resource blobs named after the op's ONNX node.
// The remaining folders are algebraic identities that need no evaluation
// (x + 0, x * 1, reshape of reshape, transpose of transpose, ...).
//
// Folders are called often (by every canonicalization and the greedy
// driver), so each one first checks that its operands are constant and
// returns nothing otherwise.
//
//===----------------------------------------------------------------------===//

#include "Qcc/ConstantData.h"
#include "Qcc/ConstantEval.h"
#include "Qcc/QccOps.h"

using namespace mlir;
using namespace qcc;

/// Returns `attr` as an OpFoldResult, or a null result when evaluation
/// failed.
static OpFoldResult foldTo(ElementsAttr attr) {
  if (!attr)
    return {};
  return Attribute(attr);
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

OpFoldResult UnaryOp::fold(FoldAdaptor adaptor) {
  auto input = llvm::dyn_cast_if_present<ElementsAttr>(adaptor.getInput());
  if (!input)
    return {};
  return foldTo(evalUnary(getKind(), getParams(), input, getResult().getType(),
                          blobNameFor(getLoc())));
}

OpFoldResult BinaryOp::fold(FoldAdaptor adaptor) {
  auto lhs = llvm::dyn_cast_if_present<ElementsAttr>(adaptor.getLhs());
  auto rhs = llvm::dyn_cast_if_present<ElementsAttr>(adaptor.getRhs());
  RankedTensorType resultType = getResult().getType();
  if (lhs && rhs)
    return foldTo(
        evalBinary(getKind(), lhs, rhs, resultType, blobNameFor(getLoc())));

  // Identities with a uniform constant operand; only when the other operand
  // already has the result type (no broadcast widens it).
  bool lhsKeeps = getLhs().getType() == resultType;
  bool rhsKeeps = getRhs().getType() == resultType;
  switch (getKind()) {
  case BinaryKind::add:
    if (lhsKeeps && isUniformValue(adaptor.getRhs(), 0.0))
      return getLhs();
    if (rhsKeeps && isUniformValue(adaptor.getLhs(), 0.0))
      return getRhs();
    break;
  case BinaryKind::sub:
    if (lhsKeeps && isUniformValue(adaptor.getRhs(), 0.0))
      return getLhs();
    break;
  case BinaryKind::mul:
    if (lhsKeeps && isUniformValue(adaptor.getRhs(), 1.0))
      return getLhs();
    if (rhsKeeps && isUniformValue(adaptor.getLhs(), 1.0))
      return getRhs();
    break;
  case BinaryKind::div:
    if (lhsKeeps && isUniformValue(adaptor.getRhs(), 1.0))
      return getLhs();
    break;
  default:
    break;
  }
  return {};
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getResult().getType())
    return getInput();
  // A retype between storage integers and a quantized type stays an op.
  if (getInput().getType().getElementType() !=
      getResult().getType().getElementType())
    return {};
  if (auto input = llvm::dyn_cast_if_present<ElementsAttr>(adaptor.getInput()))
    return foldTo(
        evalReshape(input, getResult().getType(), blobNameFor(getLoc())));
  // reshape(reshape(x)) -> reshape(x): only the final shape matters.
  if (auto inner = getInput().getDefiningOp<ReshapeOp>()) {
    if (inner.getInput().getType() == getResult().getType())
      return inner.getInput();
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  return {};
}

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  ArrayRef<int64_t> perm = getPerm();
  if (llvm::all_of(llvm::enumerate(perm),
                   [](auto p) { return (int64_t)p.index() == p.value(); }) &&
      getInput().getType() == getResult().getType())
    return getInput();
  if (auto input = llvm::dyn_cast_if_present<ElementsAttr>(adaptor.getInput()))
    return foldTo(evalTranspose(input, perm, getResult().getType(),
                                blobNameFor(getLoc())));
  // transpose(transpose(x, p1), p2) -> transpose(x, p1 o p2): result
  // dimension i is x's dimension p1[p2[i]].
  if (auto inner = getInput().getDefiningOp<TransposeOp>()) {
    ArrayRef<int64_t> innerPerm = inner.getPerm();
    SmallVector<int64_t> composed;
    for (int64_t p : perm)
      composed.push_back(innerPerm[p]);
    bool identity = llvm::all_of(llvm::enumerate(composed), [](auto p) {
      return (int64_t)p.index() == p.value();
    });
    if (identity && inner.getInput().getType() == getResult().getType())
      return inner.getInput();
    getInputMutable().assign(inner.getInput());
    setPerm(composed);
    return getResult();
  }
  return {};
}

OpFoldResult ConcatOp::fold(FoldAdaptor adaptor) {
  if (getInputs().size() == 1 &&
      getInputs()[0].getType() == getResult().getType())
    return getInputs()[0];
  SmallVector<ElementsAttr> inputs;
  for (Attribute a : adaptor.getInputs()) {
    auto e = llvm::dyn_cast_if_present<ElementsAttr>(a);
    if (!e)
      return {};
    inputs.push_back(e);
  }
  return foldTo(evalConcat(inputs, getAxis(), getResult().getType(),
                           blobNameFor(getLoc())));
}

OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getResult().getType() &&
      llvm::all_of(getStarts(), [](int64_t s) { return s == 0; }) &&
      llvm::all_of(getSteps(), [](int64_t s) { return s == 1; }))
    return getInput();
  if (auto input = llvm::dyn_cast_if_present<ElementsAttr>(adaptor.getInput()))
    return foldTo(evalSlice(input, getStarts(), getSteps(),
                            getResult().getType(), blobNameFor(getLoc())));
  return {};
}

OpFoldResult GatherOp::fold(FoldAdaptor adaptor) {
  auto data = llvm::dyn_cast_if_present<ElementsAttr>(adaptor.getData());
  auto indices = llvm::dyn_cast_if_present<ElementsAttr>(adaptor.getIndices());
  if (!data || !indices)
    return {};
  return foldTo(evalGather(data, indices, getAxis(), getResult().getType(),
                           blobNameFor(getLoc())));
}

OpFoldResult CastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getResult().getType())
    return getInput();
  if (auto input = llvm::dyn_cast_if_present<ElementsAttr>(adaptor.getInput()))
    return foldTo(
        evalCast(input, getResult().getType(), blobNameFor(getLoc())));
  return {};
}
