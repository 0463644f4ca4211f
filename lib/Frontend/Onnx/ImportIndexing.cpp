//===- ImportIndexing.cpp - ONNX indexing and selection ops ---------------===//
//
// This file implements the import of ONNX's index-producing and
// index-consuming operators: ArgMax / ArgMin (qcc.arg_reduce), Hardmax (an
// arg_reduce compared against the axis positions), TopK (qcc.top_k), CumSum
// (qcc.cumsum), Einsum (decomposed into transposes, reshapes, reductions,
// gathers for diagonals and batched matmuls), GatherND with batch_dims (a
// gather of computed flat indices) and ScatterElements / Scatter /
// ScatterND (qcc.scatter on the data with its indexed dimensions
// flattened; MaxUnpool likewise into zeros), Compress with a constant
// condition and ReverseSequence (gathers of computed positions).
// GridSample and RoiAlign are in ImportSampling.cpp.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <cmath>
#include <tuple>

using namespace mlir;
using namespace qcc;
using namespace qcc::onnx_import;

/// Unsigned integers narrower than 64 bits zero-extended to i64, so that the
/// signed comparisons of arg_reduce and top_k order them correctly. Fails on
/// uint64, whose order no signed type holds.
static FailureOr<Value> widenUnsigned(NodeImport &n, Value x) {
  if (!n.em.isUnsigned(x))
    return x;
  if (Emitter::elemOf(x).isInteger(64))
    return n.unsupported(n.opType() + " of uint64");
  return n.em.cast(n.loc, x, n.b().getI64Type());
}

/// Requires input `i` to have integer (not bool) or float elements.
static LogicalResult requireNumeric(NodeImport &n, unsigned i) {
  Type e = Emitter::elemOf(n.input(i));
  if (!e.isIntOrFloat() || e.isInteger(1))
    return n.unsupported(
        n.opType() + " of " +
        dataTypeName(onnxDataType(e, n.em.isUnsigned(n.input(i)))));
  return success();
}

/// Splits `shape` around `axis` into (outer count, axis size, inner count).
static std::tuple<int64_t, int64_t, int64_t> splitAt(ArrayRef<int64_t> shape,
                                                     int64_t axis) {
  return {numElementsOf(shape.take_front(axis)), shape[axis],
          numElementsOf(shape.drop_front(axis + 1))};
}

/// Whether `a` is the better of two arg_reduce candidates (NaN first).
static bool argBetter(double a, double b, bool greater) {
  if (std::isnan(a) || std::isnan(b))
    return std::isnan(a) && !std::isnan(b);
  return greater ? a > b : a < b;
}

/// Builds qcc.arg_reduce of `x` along `axis`, evaluated on the host when
/// `x` is a constant.
static Value argReduce(NodeImport &n, ReduceKind kind, Value x, int64_t axis,
                       bool keepdims, bool last) {
  SmallVector<int64_t> shape(Emitter::shapeOf(x));
  if (auto t = n.em.getConstant(x)) {
    auto [outer, len, inner] = splitAt(shape, axis);
    HostTensor r;
    r.elemType = n.b().getI64Type();
    r.shape = shape;
    r.shape[axis] = 1;
    r.resize();
    bool greater = kind == ReduceKind::max;
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t in = 0; in < inner; ++in) {
        int64_t best = 0;
        for (int64_t i = 1; i < len; ++i) {
          int64_t e = (o * len + i) * inner + in;
          int64_t be = (o * len + best) * inner + in;
          bool better;
          if (t->isFloat()) {
            double a = t->f[e], bv = t->f[be];
            better = argBetter(a, bv, greater) ||
                     (last && (a == bv || (std::isnan(a) && std::isnan(bv))));
          } else {
            int64_t a = t->i[e], bv = t->i[be];
            better = (greater ? a > bv : a < bv) || (last && a == bv);
          }
          if (better)
            best = i;
        }
        r.i[o * inner + in] = best;
      }
    if (!keepdims)
      r.shape.erase(r.shape.begin() + axis);
    return n.em.createConstant(n.loc, r);
  }
  if (keepdims)
    shape[axis] = 1;
  else
    shape.erase(shape.begin() + axis);
  return ArgReduceOp::create(n.b(), n.loc,
                             n.em.tensorType(shape, n.b().getI64Type()), kind,
                             x, axis, keepdims, last);
}

//===----------------------------------------------------------------------===//
// ArgMax / ArgMin / Hardmax
//===----------------------------------------------------------------------===//

template <ReduceKind Kind> static LogicalResult importArgReduce(NodeImport &n) {
  if (failed(n.require(0, "data")) || failed(requireNumeric(n, 0)))
    return failure();
  auto x = widenUnsigned(n, n.input(0));
  if (failed(x))
    return failure();
  int64_t rank = Emitter::shapeOf(*x).size();
  if (rank == 0)
    return n.error() << n.opType() << " expects an input of rank >= 1";
  auto axis = n.normalizeAxis(n.attrInt("axis", 0), rank);
  if (failed(axis))
    return failure();
  if (Emitter::shapeOf(*x)[*axis] == 0)
    return n.error() << n.opType() << " over an empty axis";
  n.setResult(0, argReduce(n, Kind, *x, *axis, n.attrInt("keepdims", 1) != 0,
                           n.attrInt("select_last_index", 0) != 0));
  return success();
}

/// Hardmax: 1 at the first maximum along the axis, 0 elsewhere. Before
/// opset 13 the input is coerced to [prod(:axis), prod(axis:)] first.
static LogicalResult importHardmax(NodeImport &n) {
  if (failed(n.require(0, "input")) || failed(n.requireFloat(0)))
    return failure();
  Emitter &em = n.em;
  Value x = n.input(0);
  SmallVector<int64_t> shape(Emitter::shapeOf(x));
  int64_t rank = shape.size();
  if (rank == 0)
    return n.error() << "Hardmax expects an input of rank >= 1";
  auto axis = n.normalizeAxis(n.attrInt("axis", n.opset < 13 ? 1 : -1), rank);
  if (failed(axis))
    return failure();
  Value v = x;
  int64_t a = *axis;
  if (n.opset < 13) {
    ArrayRef<int64_t> s(shape);
    v = em.reshape(
        n.loc, x,
        {numElementsOf(s.take_front(a)), numElementsOf(s.drop_front(a))});
    a = 1;
  }
  SmallVector<int64_t> vs(Emitter::shapeOf(v));
  if (vs[a] == 0) {
    n.setResult(0, x);
    return success();
  }
  Value idx = argReduce(n, ReduceKind::max, v, a, /*keepdims=*/true, false);
  HostTensor iota;
  iota.elemType = n.b().getI64Type();
  iota.shape.assign(vs.size(), 1);
  iota.shape[a] = vs[a];
  iota.resize();
  for (int64_t k = 0; k < vs[a]; ++k)
    iota.i[k] = k;
  auto hit =
      em.binary(n.loc, BinaryKind::equal, idx, em.createConstant(n.loc, iota));
  if (failed(hit))
    return failure();
  Value y = em.cast(n.loc, *hit, Emitter::elemOf(x));
  n.setResult(0, em.reshape(n.loc, y, shape));
  return success();
}

//===----------------------------------------------------------------------===//
// TopK
//===----------------------------------------------------------------------===//

static LogicalResult importTopK(NodeImport &n) {
  if (failed(n.require(0, "X")) || failed(requireNumeric(n, 0)))
    return failure();
  Emitter &em = n.em;
  Value orig = n.input(0);
  SmallVector<int64_t> shape(Emitter::shapeOf(orig));
  int64_t rank = shape.size();
  if (rank == 0)
    return n.error() << "TopK expects an input of rank >= 1";
  auto axis = n.normalizeAxis(n.attrInt("axis", -1), rank);
  if (failed(axis))
    return failure();
  int64_t k;
  if (n.opset < 10) {
    if (!n.hasAttr("k"))
      return n.error() << "TopK needs the k attribute before opset 10";
    k = n.attrInt("k", 0);
  } else {
    auto kv = n.constInts(1, "K");
    if (failed(kv))
      return failure();
    if (kv->size() != 1)
      return n.error() << "TopK K must hold a single value";
    k = (*kv)[0];
  }
  if (k < 0 || k > shape[*axis])
    return n.error() << "TopK K = " << k << " is not in [0, " << shape[*axis]
                     << "]";
  auto x = widenUnsigned(n, orig);
  if (failed(x))
    return failure();
  SmallVector<int64_t> outShape(shape);
  outShape[*axis] = k;
  auto op =
      TopKOp::create(n.b(), n.loc, em.tensorType(outShape, Emitter::elemOf(*x)),
                     em.tensorType(outShape, n.b().getI64Type()), *x, k, *axis,
                     n.attrInt("largest", 1) != 0);
  Value values = op.getValues();
  if (*x != orig)
    values = em.cast(n.loc, values, Emitter::elemOf(orig), /*toUnsigned=*/true);
  n.setResult(0, values);
  n.setResult(1, op.getIndices());
  return success();
}

//===----------------------------------------------------------------------===//
// CumSum
//===----------------------------------------------------------------------===//

static LogicalResult importCumSum(NodeImport &n) {
  if (failed(n.require(0, "x")) || failed(requireNumeric(n, 0)))
    return failure();
  Value x = n.input(0);
  int64_t rank = Emitter::shapeOf(x).size();
  if (rank == 0)
    return n.error() << "CumSum expects an input of rank >= 1";
  auto axisV = n.constInts(1, "axis");
  if (failed(axisV))
    return failure();
  if (axisV->size() != 1)
    return n.error() << "CumSum axis must hold a single value";
  auto axis = n.normalizeAxis((*axisV)[0], rank);
  if (failed(axis))
    return failure();
  bool exclusive = n.attrInt("exclusive", 0) != 0;
  bool reverse = n.attrInt("reverse", 0) != 0;
  if (auto t = n.em.getConstant(x)) {
    auto [outer, len, inner] = splitAt(t->shape, *axis);
    HostTensor r = *t;
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t in = 0; in < inner; ++in) {
        double fsum = 0;
        int64_t isum = 0;
        for (int64_t step = 0; step < len; ++step) {
          int64_t i = reverse ? len - 1 - step : step;
          int64_t e = (o * len + i) * inner + in;
          if (t->isFloat()) {
            if (!exclusive)
              fsum = roundToFloatType(t->elemType, fsum + t->f[e]);
            r.f[e] = fsum;
            if (exclusive)
              fsum = roundToFloatType(t->elemType, fsum + t->f[e]);
          } else {
            // Wrapping two's complement sums, as the integer adds do.
            if (!exclusive)
              isum = (int64_t)((uint64_t)isum + (uint64_t)t->i[e]);
            r.setI(e, isum);
            if (exclusive)
              isum = (int64_t)((uint64_t)isum + (uint64_t)t->i[e]);
          }
        }
      }
    n.setResult(0, n.em.propagateSign(n.em.createConstant(n.loc, r), x));
    return success();
  }
  Value y = n.b().createOrFold<CumSumOp>(n.loc, x.getType(), x, *axis,
                                         exclusive, reverse);
  n.setResult(0, n.em.propagateSign(y, x));
  return success();
}

//===----------------------------------------------------------------------===//
// Einsum
//===----------------------------------------------------------------------===//

namespace {
/// An einsum operand: its value and one label per dimension. Letters label
/// themselves; dimensions under an ellipsis get labels from 256 on, aligned
/// to the right as numpy broadcasting aligns them.
struct Term {
  Value value;
  SmallVector<int> labels;
};
} // namespace

static std::string labelName(int l) {
  return l < 256 ? std::string(1, (char)l) : "...";
}

/// Parses one side of an einsum term into labels for an operand of rank
/// `rank` (or, for the output, `rank` = -1 and `ellipsisRank` given).
static FailureOr<SmallVector<int>> parseTerm(NodeImport &n, StringRef term,
                                             int64_t rank, int64_t ellipsisRank,
                                             int64_t maxEllipsis) {
  SmallVector<int> labels;
  size_t dots = term.find("...");
  StringRef before = term, after;
  if (dots != StringRef::npos) {
    before = term.take_front(dots);
    after = term.drop_front(dots + 3);
  }
  auto letters = [&](StringRef s) -> LogicalResult {
    for (char c : s) {
      if (!llvm::isAlpha(c))
        return n.error() << "Einsum equation has an invalid character '" << c
                         << "'";
      labels.push_back(c);
    }
    return success();
  };
  if (failed(letters(before)))
    return failure();
  if (dots != StringRef::npos) {
    int64_t e = rank >= 0 ? rank - (int64_t)(before.size() + after.size())
                          : ellipsisRank;
    if (e < 0)
      return n.error() << "Einsum term '" << term << "' has more labels than "
                       << "its operand has dimensions";
    for (int64_t i = 0; i < e; ++i)
      labels.push_back(256 + (maxEllipsis - e) + i);
  }
  if (failed(letters(after)))
    return failure();
  if (rank >= 0 && (int64_t)labels.size() != rank)
    return n.error() << "Einsum term '" << term << "' does not match an "
                     << "operand of rank " << rank;
  return labels;
}

/// Removes repeated labels of `t` by taking diagonals: the two dimensions
/// move last, merge, and a constant gather picks every (n+1)-th element.
static LogicalResult takeDiagonals(NodeImport &n, Term &t) {
  Emitter &em = n.em;
  for (;;) {
    int64_t p1 = -1, p2 = -1;
    for (size_t i = 0; i < t.labels.size() && p1 < 0; ++i)
      for (size_t j = i + 1; j < t.labels.size(); ++j)
        if (t.labels[i] == t.labels[j]) {
          p1 = i;
          p2 = j;
          break;
        }
    if (p1 < 0)
      return success();
    SmallVector<int64_t> shape(Emitter::shapeOf(t.value));
    int64_t size = shape[p1];
    if (shape[p2] != size)
      return n.error() << "Einsum label '" << labelName(t.labels[p1])
                       << "' has sizes " << size << " and " << shape[p2];
    SmallVector<int64_t> perm;
    SmallVector<int> labels;
    for (int64_t d = 0; d < (int64_t)shape.size(); ++d)
      if (d != p1 && d != p2) {
        perm.push_back(d);
        labels.push_back(t.labels[d]);
      }
    perm.push_back(p1);
    perm.push_back(p2);
    Value v = em.transpose(n.loc, t.value, perm);
    SmallVector<int64_t> merged;
    for (int64_t d : ArrayRef<int64_t>(perm).drop_back(2))
      merged.push_back(shape[d]);
    merged.push_back(size * size);
    v = em.reshape(n.loc, v, merged);
    HostTensor idx;
    idx.elemType = n.b().getI64Type();
    idx.shape = {size};
    idx.resize();
    for (int64_t i = 0; i < size; ++i)
      idx.i[i] = i * (size + 1);
    auto g =
        em.gather(n.loc, v, em.createConstant(n.loc, idx), merged.size() - 1);
    if (failed(g))
      return failure();
    labels.push_back(t.labels[p1]);
    t = {*g, labels};
  }
}

/// Sums the dimensions of `t` whose labels are not in `keep`.
static void sumOut(NodeImport &n, Term &t, ArrayRef<int> keep) {
  SmallVector<int64_t> axes;
  SmallVector<int> labels;
  for (auto [d, l] : llvm::enumerate(t.labels)) {
    if (llvm::is_contained(keep, l))
      labels.push_back(l);
    else
      axes.push_back(d);
  }
  if (axes.empty())
    return;
  t.value = n.em.reduce(n.loc, ReduceKind::sum, t.value, axes, false);
  t.labels = labels;
}

/// Dimension sizes of `labels` in `t`.
static SmallVector<int64_t> sizesOf(const Term &t, ArrayRef<int> labels) {
  SmallVector<int64_t> out;
  ArrayRef<int64_t> shape = Emitter::shapeOf(t.value);
  for (int l : labels)
    out.push_back(shape[llvm::find(t.labels, l) - t.labels.begin()]);
  return out;
}

/// Transposes `t` so that its labels come in `order`, then reshapes it into
/// the product of each group's sizes.
static Value arrange(NodeImport &n, const Term &t,
                     ArrayRef<SmallVector<int>> groups) {
  SmallVector<int64_t> perm, dims;
  for (const auto &g : groups) {
    for (int l : g)
      perm.push_back(llvm::find(t.labels, l) - t.labels.begin());
    dims.push_back(numElementsOf(sizesOf(t, g)));
  }
  Value v = n.em.transpose(n.loc, t.value, perm);
  return n.em.reshape(n.loc, v, dims);
}

/// Contracts two terms, keeping the labels in `keep`: shared kept labels
/// are batch dimensions, shared others are summed by a batched matmul (or,
/// when there are none, the terms multiply elementwise with broadcasting).
static FailureOr<Term> contract(NodeImport &n, Term a, Term b,
                                ArrayRef<int> keep) {
  Emitter &em = n.em;
  SmallVector<int> batch, inner, aOnly, bOnly;
  for (int l : a.labels) {
    bool shared = llvm::is_contained(b.labels, l);
    if (!shared)
      aOnly.push_back(l);
    else if (llvm::is_contained(keep, l))
      batch.push_back(l);
    else
      inner.push_back(l);
  }
  for (int l : b.labels)
    if (!llvm::is_contained(a.labels, l))
      bOnly.push_back(l);
  // Shared labels must agree in size; a size-1 side broadcasts.
  for (Term *t : {&a, &b}) {
    Term &other = t == &a ? b : a;
    SmallVector<int64_t> shape(Emitter::shapeOf(t->value));
    bool grow = false;
    for (auto [d, l] : llvm::enumerate(t->labels)) {
      auto it = llvm::find(other.labels, l);
      if (it == other.labels.end())
        continue;
      int64_t o = Emitter::shapeOf(other.value)[it - other.labels.begin()];
      if (shape[d] == o)
        continue;
      if (shape[d] != 1 && o != 1)
        return n.error() << "Einsum label '" << labelName(l) << "' has sizes "
                         << shape[d] << " and " << o;
      if (shape[d] == 1) {
        shape[d] = o;
        grow = true;
      }
    }
    if (grow) {
      auto e = em.expand(n.loc, t->value, shape);
      if (failed(e))
        return failure();
      t->value = *e;
    }
  }
  Value lhs = arrange(n, a, {batch, aOnly, inner});
  Value rhs = arrange(n, b, {batch, inner, bOnly});
  int64_t nb = numElementsOf(sizesOf(a, batch));
  int64_t na = numElementsOf(sizesOf(a, aOnly));
  int64_t nn = numElementsOf(sizesOf(b, bOnly));
  Type elem = Emitter::elemOf(lhs);
  if (elem != Emitter::elemOf(rhs))
    return n.error() << "Einsum operands have different element types";
  Value prod;
  if (inner.empty()) {
    // Nothing to sum: a broadcasting product [nb, na, 1] * [nb, 1, nn].
    auto p = em.binary(n.loc, BinaryKind::mul, lhs, rhs);
    if (failed(p))
      return failure();
    prod = *p;
  } else {
    prod = MatMulOp::create(n.b(), n.loc, em.tensorType({nb, na, nn}, elem),
                            lhs, rhs, Value(), nullptr, nullptr, nullptr);
  }
  Term r;
  r.labels = batch;
  llvm::append_range(r.labels, aOnly);
  llvm::append_range(r.labels, bOnly);
  SmallVector<int64_t> shape = sizesOf(a, batch);
  llvm::append_range(shape, sizesOf(a, aOnly));
  llvm::append_range(shape, sizesOf(b, bOnly));
  r.value = em.reshape(n.loc, prod, shape);
  return r;
}

static LogicalResult importEinsum(NodeImport &n) {
  std::string eq;
  for (char c : n.attrString("equation", ""))
    if (!llvm::isSpace(c))
      eq.push_back(c);
  if (eq.empty())
    return n.error() << "Einsum needs an equation";
  StringRef eqRef(eq);
  size_t arrow = eqRef.find("->");
  StringRef lhs = eqRef.take_front(arrow);
  SmallVector<StringRef> termStrs;
  lhs.split(termStrs, ',');
  if (termStrs.size() != n.numInputs())
    return n.error() << "Einsum equation has " << termStrs.size()
                     << " terms for " << n.numInputs() << " inputs";
  for (unsigned i = 0; i < n.numInputs(); ++i)
    if (failed(n.require(i, "Inputs")))
      return failure();
  Type elem = Emitter::elemOf(n.input(0));
  if (!elem.isIntOrFloat() || elem.isInteger(1))
    return n.unsupported("Einsum of " +
                         dataTypeName(onnxDataType(elem, false)));
  for (unsigned i = 0; i < n.numInputs(); ++i)
    if (n.em.isUnsigned(n.input(i)))
      return n.unsupported("Einsum of unsigned integers");

  int64_t maxEllipsis = 0;
  for (auto [i, s] : llvm::enumerate(termStrs)) {
    size_t dots = s.find("...");
    if (dots != StringRef::npos)
      maxEllipsis = std::max<int64_t>(
          maxEllipsis, (int64_t)Emitter::shapeOf(n.input(i)).size() -
                           (int64_t)(s.size() - 3));
  }
  SmallVector<Term> terms;
  for (auto [i, s] : llvm::enumerate(termStrs)) {
    auto labels =
        parseTerm(n, s, Emitter::shapeOf(n.input(i)).size(), 0, maxEllipsis);
    if (failed(labels))
      return failure();
    terms.push_back({n.input(i), *labels});
  }

  SmallVector<int> out;
  if (arrow != StringRef::npos) {
    auto labels =
        parseTerm(n, eqRef.drop_front(arrow + 2), -1, maxEllipsis, maxEllipsis);
    if (failed(labels))
      return failure();
    out = *labels;
    for (size_t i = 0; i < out.size(); ++i)
      for (size_t j = i + 1; j < out.size(); ++j)
        if (out[i] == out[j])
          return n.error() << "Einsum output repeats label '"
                           << labelName(out[i]) << "'";
    for (int l : out)
      if (!llvm::any_of(terms, [&](const Term &t) {
            return llvm::is_contained(t.labels, l);
          }))
        return n.error() << "Einsum output label '" << labelName(l)
                         << "' appears in no input";
  } else {
    // Implicit output: the ellipsis dimensions, then the labels that occur
    // once, in alphabetical order.
    for (int64_t i = 0; i < maxEllipsis; ++i)
      out.push_back(256 + i);
    SmallVector<int> once;
    for (const Term &t : terms)
      for (int l : t.labels) {
        if (l >= 256)
          continue;
        int count = 0;
        for (const Term &u : terms)
          count += llvm::count(u.labels, l);
        if (count == 1)
          once.push_back(l);
      }
    llvm::sort(once);
    llvm::append_range(out, once);
  }

  for (Term &t : terms)
    if (failed(takeDiagonals(n, t)))
      return failure();

  // Labels needed after operand i: the output and the later operands.
  auto needed = [&](size_t i) {
    SmallVector<int> keep(out);
    for (size_t j = i + 1; j < terms.size(); ++j)
      llvm::append_range(keep, terms[j].labels);
    return keep;
  };
  Term cur = terms[0];
  {
    SmallVector<int> keep = needed(0);
    if (terms.size() > 1)
      llvm::append_range(keep, terms[1].labels);
    sumOut(n, cur, keep);
  }
  for (size_t i = 1; i < terms.size(); ++i) {
    Term next = terms[i];
    SmallVector<int> keep = needed(i);
    SmallVector<int> keepNext(keep);
    llvm::append_range(keepNext, cur.labels);
    sumOut(n, next, keepNext);
    auto r = contract(n, cur, next, keep);
    if (failed(r))
      return failure();
    cur = *r;
  }
  sumOut(n, cur, out);
  SmallVector<int64_t> perm;
  for (int l : out)
    perm.push_back(llvm::find(cur.labels, l) - cur.labels.begin());
  n.setResult(0, n.em.transpose(n.loc, cur.value, perm));
  return success();
}

//===----------------------------------------------------------------------===//
// GatherND / ScatterElements / ScatterND
//===----------------------------------------------------------------------===//

/// The flat index sum_j wrap(indices[..., j]) * strides[j] over the last
/// dimension of `indices`, indexing the first `lead.size()` dimensions (with
/// sizes `lead`) of a tensor; wrap(i) = i + lead[j] * (i < 0). The result
/// has the shape of `indices` without its last dimension. The tuple
/// entries are combined with whole-tensor ops against constant [k] vectors
/// (no per-column slices, which would be strided reads).
static FailureOr<Value> flatTupleIndex(NodeImport &n, Value indices,
                                       ArrayRef<int64_t> lead) {
  Emitter &em = n.em;
  Location loc = n.loc;
  Type i64 = n.b().getI64Type();
  SmallVector<int64_t> is(Emitter::shapeOf(indices));
  SmallVector<int64_t> tupleShape(is.begin(), is.end() - 1);
  int64_t k = lead.size();
  Type elem = Emitter::elemOf(indices);
  if (!llvm::isa<IntegerType>(elem) || elem.isInteger(1))
    return n.error() << n.opType() << " indices must be integers";
  Value v = em.cast(loc, indices, i64);
  if (auto t = em.getConstant(v)) {
    for (int64_t e = 0; e < t->size(); ++e) {
      int64_t dim = lead[e % k];
      if (t->i[e] < -dim || t->i[e] >= dim)
        return n.error() << n.opType() << " index " << t->i[e]
                         << " is out of range for a dimension of size " << dim;
    }
  }
  auto vec = [&](ArrayRef<int64_t> values) {
    HostTensor c;
    c.elemType = i64;
    c.shape = {k};
    c.resize();
    for (int64_t j = 0; j < k; ++j)
      c.i[j] = values[j];
    return em.createConstant(loc, c);
  };
  auto neg = em.binary(loc, BinaryKind::less, v, em.splat(loc, 0, i64));
  if (failed(neg))
    return failure();
  auto wrap =
      em.binary(loc, BinaryKind::mul, em.cast(loc, *neg, i64), vec(lead));
  if (failed(wrap))
    return failure();
  auto wrapped = em.binary(loc, BinaryKind::add, v, *wrap);
  if (failed(wrapped))
    return failure();
  SmallVector<int64_t> strides = stridesOf(lead);
  if (k == 1)
    return em.reshape(loc, *wrapped, tupleShape);
  auto scaled = em.binary(loc, BinaryKind::mul, *wrapped, vec(strides));
  if (failed(scaled))
    return failure();
  return em.reduce(loc, ReduceKind::sum, *scaled, {(int64_t)is.size() - 1},
                   /*keepdims=*/false);
}

/// GatherND: with b = batch_dims, data [B..., D...] and indices
/// [B..., I..., k], result[b, i, s] = data[b, indices[b, i, :], s]. The
/// batch and the k indexed dimensions of data merge into one, and the flat
/// index adds the batch offset (a constant) to the tuple's offset.
static LogicalResult importGatherND(NodeImport &n) {
  if (failed(n.require(0, "data")) || failed(n.require(1, "indices")))
    return failure();
  Emitter &em = n.em;
  Location loc = n.loc;
  Value data = n.input(0), indices = n.input(1);
  SmallVector<int64_t> ds(Emitter::shapeOf(data));
  SmallVector<int64_t> is(Emitter::shapeOf(indices));
  int64_t b = n.attrInt("batch_dims", 0);
  if (b < 0 || b >= (int64_t)is.size() || b >= (int64_t)ds.size())
    return n.error() << "GatherND batch_dims " << b
                     << " must be less than both ranks";
  for (int64_t d = 0; d < b; ++d)
    if (ds[d] != is[d])
      return n.error() << "GatherND batch dimension " << d
                       << " differs: " << ds[d] << " vs " << is[d];
  int64_t k = is.back();
  if (k < 1 || k > (int64_t)ds.size() - b)
    return n.error() << "GatherND index tuples must have 1 to " << ds.size() - b
                     << " entries";
  ArrayRef<int64_t> dsRef(ds);
  ArrayRef<int64_t> lead = dsRef.slice(b, k);
  auto flat = flatTupleIndex(n, indices, lead);
  if (failed(flat))
    return failure();
  int64_t leadCount = numElementsOf(lead);
  int64_t batchCount = numElementsOf(dsRef.take_front(b));
  if (b > 0) {
    // Offset of batch entry c: c * prod(lead), shaped [B..., 1...].
    HostTensor off;
    off.elemType = n.b().getI64Type();
    off.shape.assign(dsRef.begin(), dsRef.begin() + b);
    off.shape.append(is.size() - 1 - b, 1);
    off.resize();
    for (int64_t c = 0; c < batchCount; ++c)
      off.i[c] = c * leadCount;
    auto sum =
        em.binary(loc, BinaryKind::add, *flat, em.createConstant(loc, off));
    if (failed(sum))
      return failure();
    flat = *sum;
  }
  SmallVector<int64_t> merged = {batchCount * leadCount};
  merged.append(ds.begin() + b + k, ds.end());
  auto r = em.gather(loc, em.reshape(loc, data, merged), *flat, 0);
  if (failed(r))
    return failure();
  n.setResult(0, em.propagateSign(*r, data));
  return success();
}

/// The `reduction` attribute of ScatterElements / ScatterND as the combine
/// kind of qcc.scatter (none: no combine).
static FailureOr<std::optional<BinaryKind>> scatterCombine(NodeImport &n) {
  std::string r = n.attrString("reduction", "none");
  if (r == "none")
    return std::optional<BinaryKind>();
  if (r == "add")
    return std::optional<BinaryKind>(BinaryKind::add);
  if (r == "mul")
    return std::optional<BinaryKind>(BinaryKind::mul);
  if (r == "max")
    return std::optional<BinaryKind>(BinaryKind::max);
  if (r == "min")
    return std::optional<BinaryKind>(BinaryKind::min);
  (void)n.unsupported(n.opType() + " reduction '" + r + "'");
  return failure();
}

/// Builds qcc.scatter of `updates` into `data` (reshaped to `flatShape`,
/// whose first dimension `flatIdx` indexes) and reshapes the result back.
static LogicalResult emitScatter(NodeImport &n, Value data, Value flatIdx,
                                 Value updates, ArrayRef<int64_t> flatShape,
                                 std::optional<BinaryKind> combine) {
  Emitter &em = n.em;
  if (Emitter::elemOf(data) != Emitter::elemOf(updates))
    return n.error() << n.opType()
                     << " data and updates have different element types";
  if (combine) {
    Type e = Emitter::elemOf(data);
    if (!e.isIntOrFloat() || e.isInteger(1))
      return n.unsupported(n.opType() + " reduction on booleans");
    if (em.isUnsigned(data) &&
        (*combine == BinaryKind::max || *combine == BinaryKind::min))
      return n.unsupported(n.opType() + " max/min reduction on unsigned "
                                        "integers");
  }
  Value flatData = em.reshape(n.loc, data, flatShape);
  auto op = ScatterOp::create(
      n.b(), n.loc, flatData.getType(), flatData, flatIdx, updates,
      combine ? BinaryKindAttr::get(n.b().getContext(), *combine)
              : BinaryKindAttr());
  Value r = em.reshape(n.loc, op.getResult(), Emitter::shapeOf(data));
  n.setResult(0, em.propagateSign(r, data));
  return success();
}

/// ScatterElements (and the deprecated Scatter): element u of updates goes
/// to data at u's own coordinates with the `axis` one replaced by
/// indices[u]. As one flat scatter: index = base(u) + indices[u] *
/// stride(axis), where base is a constant.
static LogicalResult importScatterElements(NodeImport &n) {
  for (unsigned i = 0; i < 3; ++i)
    if (failed(n.require(i, "data, indices and updates")))
      return failure();
  auto combine = scatterCombine(n);
  if (failed(combine))
    return failure();
  Value data = n.input(0), indices = n.input(1), updates = n.input(2);
  SmallVector<int64_t> ds(Emitter::shapeOf(data));
  SmallVector<int64_t> is(Emitter::shapeOf(indices));
  int64_t rank = ds.size();
  if (rank == 0)
    return n.error() << n.opType() << " expects data of rank >= 1";
  auto axis = n.normalizeAxis(n.attrInt("axis", 0), rank);
  if (failed(axis))
    return failure();
  if ((int64_t)is.size() != rank ||
      Emitter::shapeOf(updates) != ArrayRef<int64_t>(is))
    return n.error() << n.opType()
                     << " indices and updates must have one shape of the "
                        "data's rank";
  auto flat = elementwiseFlatIndices(n, ds, indices, *axis);
  if (failed(flat))
    return failure();
  return emitScatter(n, data, *flat, updates, {numElementsOf(ds)}, *combine);
}

/// ScatterND: updates[u, s] goes to data[indices[u, :], s]. The k indexed
/// dimensions of data merge into one that the flat tuple index addresses.
static LogicalResult importScatterND(NodeImport &n) {
  for (unsigned i = 0; i < 3; ++i)
    if (failed(n.require(i, "data, indices and updates")))
      return failure();
  auto combine = scatterCombine(n);
  if (failed(combine))
    return failure();
  Value data = n.input(0), indices = n.input(1), updates = n.input(2);
  SmallVector<int64_t> ds(Emitter::shapeOf(data));
  SmallVector<int64_t> is(Emitter::shapeOf(indices));
  if (is.empty() || is.back() < 1 || is.back() > (int64_t)ds.size())
    return n.error() << "ScatterND index tuples must have 1 to " << ds.size()
                     << " entries";
  int64_t k = is.back();
  SmallVector<int64_t> expect(is.begin(), is.end() - 1);
  expect.append(ds.begin() + k, ds.end());
  if (Emitter::shapeOf(updates) != ArrayRef<int64_t>(expect))
    return n.error() << "ScatterND updates must have shape indices.shape[:-1] "
                        "+ data.shape[k:]";
  ArrayRef<int64_t> lead = ArrayRef<int64_t>(ds).take_front(k);
  auto flat = flatTupleIndex(n, indices, lead);
  if (failed(flat))
    return failure();
  SmallVector<int64_t> merged = {numElementsOf(lead)};
  merged.append(ds.begin() + k, ds.end());
  return emitScatter(n, data, *flat, updates, merged, *combine);
}

//===----------------------------------------------------------------------===//
// Compress / ReverseSequence
//===----------------------------------------------------------------------===//

/// Compress with a constant condition: a gather of the selected positions
/// along `axis` (of the flattened input without one).
static LogicalResult importCompress(NodeImport &n) {
  if (failed(n.require(0, "input")) || failed(n.require(1, "condition")))
    return failure();
  Emitter &em = n.em;
  auto cond = em.getConstant(n.input(1));
  if (!cond)
    return n.unsupported("Compress with a condition computed at run time (its "
                         "result shape depends on the data)");
  if (cond->shape.size() != 1)
    return n.error() << "Compress condition must be 1-D";
  Value x = n.input(0);
  int64_t axis = 0;
  if (n.hasAttr("axis")) {
    auto a = n.normalizeAxis(n.attrInt("axis", 0), Emitter::shapeOf(x).size());
    if (failed(a))
      return failure();
    axis = *a;
  } else {
    x = em.reshape(n.loc, x, {numElementsOf(Emitter::shapeOf(x))});
  }
  int64_t dim = Emitter::shapeOf(x)[axis];
  if (cond->size() > dim)
    return n.error() << "Compress condition has " << cond->size()
                     << " entries for a dimension of size " << dim;
  HostTensor idx;
  idx.elemType = n.b().getI64Type();
  SmallVector<int64_t> picked;
  for (int64_t i = 0; i < cond->size(); ++i)
    if (cond->getI(i))
      picked.push_back(i);
  if (picked.empty())
    return n.unsupported("Compress selecting no elements (an empty result)");
  idx.shape = {(int64_t)picked.size()};
  idx.resize();
  for (size_t i = 0; i < picked.size(); ++i)
    idx.i[i] = picked[i];
  auto r = em.gather(n.loc, x, em.createConstant(n.loc, idx), axis);
  if (failed(r))
    return failure();
  n.setResult(0, em.propagateSign(*r, n.input(0)));
  return success();
}

/// ReverseSequence: along `time_axis`, the first sequence_lens[b] elements of
/// batch entry b are reversed and the rest stay. One gather from the
/// flattened input: element e reads flat(e) + (t' - t) * stride(time) with
/// t' = len - 1 - t when t < len. The delta depends only on (t, b), so it is
/// computed on a [.., T, .., B, ..] tensor (constant when the lengths are)
/// and broadcast onto the constant flat positions.
static LogicalResult importReverseSequence(NodeImport &n) {
  if (failed(n.require(0, "input")) || failed(n.require(1, "sequence_lens")))
    return failure();
  Emitter &em = n.em;
  Location loc = n.loc;
  Type i64 = n.b().getI64Type();
  Value x = n.input(0);
  SmallVector<int64_t> ds(Emitter::shapeOf(x));
  int64_t rank = ds.size();
  if (rank < 2)
    return n.error() << "ReverseSequence expects an input of rank >= 2";
  auto timeAxis = n.normalizeAxis(n.attrInt("time_axis", 0), rank, "time_axis");
  auto batchAxis =
      n.normalizeAxis(n.attrInt("batch_axis", 1), rank, "batch_axis");
  if (failed(timeAxis) || failed(batchAxis))
    return failure();
  if (*timeAxis == *batchAxis || *timeAxis > 1 || *batchAxis > 1)
    return n.error() << "ReverseSequence time_axis and batch_axis must be 0 "
                        "and 1 in some order";
  Value lens = n.input(1);
  int64_t batch = ds[*batchAxis], time = ds[*timeAxis];
  if (Emitter::shapeOf(lens) != ArrayRef<int64_t>{batch})
    return n.error() << "ReverseSequence sequence_lens must have shape ["
                     << batch << "]";
  Type lensElem = Emitter::elemOf(lens);
  if (!llvm::isa<IntegerType>(lensElem) || lensElem.isInteger(1))
    return n.error() << "ReverseSequence sequence_lens must be integers";
  if (auto c = em.getConstant(lens))
    for (int64_t b = 0; b < c->size(); ++b)
      if (c->getI(b) < 0 || c->getI(b) > time)
        return n.error() << "ReverseSequence length " << c->getI(b)
                         << " is not in [0, " << time << "]";
  int64_t count = numElementsOf(ds);
  if (count > kHostEvalLimit)
    return n.unsupported("ReverseSequence with more than " +
                         Twine(kHostEvalLimit) + " elements");
  SmallVector<int64_t> strides = stridesOf(ds);
  // [T, B] or [B, T] followed by ones.
  SmallVector<int64_t> tbShape(rank, 1);
  tbShape[*timeAxis] = time;
  tbShape[*batchAxis] = batch;
  SmallVector<int64_t> bShape(rank, 1), tShape(rank, 1);
  bShape[*batchAxis] = batch;
  tShape[*timeAxis] = time;
  Value len = em.reshape(loc, em.cast(loc, lens, i64), bShape);
  HostTensor tIota;
  tIota.elemType = i64;
  tIota.shape = tShape;
  tIota.resize();
  for (int64_t t = 0; t < time; ++t)
    tIota.i[t] = t;
  Value t = em.createConstant(loc, tIota);
  // delta = (t < len) * (len - 1 - 2t) * stride(time).
  auto inSeq = em.binary(loc, BinaryKind::less, t, len);
  if (failed(inSeq))
    return failure();
  HostTensor twoT1 = tIota;
  for (int64_t k = 0; k < time; ++k)
    twoT1.i[k] = 2 * k + 1;
  auto span =
      em.binary(loc, BinaryKind::sub, len, em.createConstant(loc, twoT1));
  if (failed(span))
    return failure();
  auto delta =
      em.binary(loc, BinaryKind::mul, em.cast(loc, *inSeq, i64), *span);
  if (failed(delta))
    return failure();
  if (strides[*timeAxis] != 1) {
    delta = em.binary(loc, BinaryKind::mul, *delta,
                      em.splat(loc, (double)strides[*timeAxis], i64));
    if (failed(delta))
      return failure();
  }
  HostTensor base;
  base.elemType = i64;
  base.shape = ds;
  base.resize();
  for (int64_t e = 0; e < count; ++e)
    base.i[e] = e;
  auto flat =
      em.binary(loc, BinaryKind::add, em.createConstant(loc, base), *delta);
  if (failed(flat))
    return failure();
  auto r = em.gather(loc, em.reshape(loc, x, {count}), *flat, 0);
  if (failed(r))
    return failure();
  n.setResult(0, em.propagateSign(*r, x));
  return success();
}

/// MaxUnpool: a zero tensor of the output shape with X's values scattered
/// to the flat positions (over the whole tensor, batch and channels
/// included) that MaxPool's Indices output recorded.
static LogicalResult importMaxUnpool(NodeImport &n) {
  if (failed(n.require(0, "X")) || failed(n.require(1, "I")) ||
      failed(n.requireFloat(0)))
    return failure();
  Emitter &em = n.em;
  Value x = n.input(0), idx = n.input(1);
  SmallVector<int64_t> xs(Emitter::shapeOf(x));
  int64_t rank = xs.size();
  if (rank < 3)
    return n.error() << "MaxUnpool expects an input of rank >= 3";
  if (Emitter::shapeOf(idx) != ArrayRef<int64_t>(xs))
    return n.error() << "MaxUnpool indices must have the input's shape";
  int64_t spatial = rank - 2;
  auto kernel = n.attrInts("kernel_shape");
  if (!kernel || (int64_t)kernel->size() != spatial)
    return n.error() << "MaxUnpool needs " << spatial << " kernel_shape values";
  SmallVector<int64_t> strides =
      n.attrInts("strides").value_or(SmallVector<int64_t>(spatial, 1));
  SmallVector<int64_t> pads =
      n.attrInts("pads").value_or(SmallVector<int64_t>(2 * spatial, 0));
  if ((int64_t)strides.size() != spatial || (int64_t)pads.size() != 2 * spatial)
    return n.error() << "MaxUnpool strides/pads do not match the kernel rank";
  SmallVector<int64_t> outShape(xs.begin(), xs.begin() + 2);
  for (int64_t d = 0; d < spatial; ++d)
    outShape.push_back((xs[d + 2] - 1) * strides[d] + (*kernel)[d] - pads[d] -
                       pads[d + spatial]);
  for (int64_t v : outShape)
    if (v < 1)
      return n.error() << "MaxUnpool output would be empty";
  // The indices address the default output; an explicit, larger
  // output_shape adds zeros at the end of the spatial dimensions.
  SmallVector<int64_t> finalShape(outShape);
  if (n.hasInput(2)) {
    auto shape = n.constInts(2, "output_shape");
    if (failed(shape))
      return failure();
    if ((int64_t)shape->size() != rank)
      return n.error() << "MaxUnpool output_shape must have " << rank
                       << " entries";
    for (int64_t d = 0; d < rank; ++d)
      if ((d < 2 && (*shape)[d] != xs[d]) ||
          (d >= 2 && (*shape)[d] < outShape[d]))
        return n.unsupported("MaxUnpool output_shape smaller than the "
                             "unpooled shape in dimension " +
                             Twine(d));
    finalShape.assign(shape->begin(), shape->end());
  }
  Type idxElem = Emitter::elemOf(idx);
  if (!llvm::isa<IntegerType>(idxElem) || idxElem.isInteger(1))
    return n.error() << "MaxUnpool indices must be integers";
  int64_t total = numElementsOf(outShape), count = numElementsOf(xs);
  Value zeros = em.splat(n.loc, 0, Emitter::elemOf(x), {total});
  auto op = ScatterOp::create(n.b(), n.loc, zeros.getType(), zeros,
                              em.reshape(n.loc, idx, {count}),
                              em.reshape(n.loc, x, {count}), BinaryKindAttr());
  Value y = em.reshape(n.loc, op.getResult(), outShape);
  SmallVector<int64_t> cur(outShape);
  for (int64_t d = 2; d < rank; ++d) {
    if (finalShape[d] == cur[d])
      continue;
    SmallVector<int64_t> padShape(cur);
    padShape[d] = finalShape[d] - cur[d];
    auto c = em.concat(
        n.loc, {y, em.splat(n.loc, 0, Emitter::elemOf(x), padShape)}, d);
    if (failed(c))
      return failure();
    y = *c;
    cur[d] = finalShape[d];
  }
  n.setResult(0, y);
  return success();
}

void qcc::onnx_import::registerIndexingOps(OpTable &table) {
  table["ArgMax"] = importArgReduce<ReduceKind::max>;
  table["ArgMin"] = importArgReduce<ReduceKind::min>;
  table["Hardmax"] = importHardmax;
  table["TopK"] = importTopK;
  table["CumSum"] = importCumSum;
  table["Einsum"] = importEinsum;
  table["GatherND"] = importGatherND;
  table["ScatterElements"] = importScatterElements;
  table["Scatter"] = importScatterElements;
  table["ScatterND"] = importScatterND;
  table["Compress"] = importCompress;
  table["ReverseSequence"] = importReverseSequence;
  table["MaxUnpool"] = importMaxUnpool;
}
