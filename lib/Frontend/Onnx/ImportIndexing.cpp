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
// condition, ReverseSequence, GridSample and RoiAlign (gathers of
// computed positions).
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
  Emitter &em = n.em;
  Location loc = n.loc;
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
  for (int64_t d = 0; d < rank; ++d)
    if (d != *axis && is[d] > ds[d])
      return n.error() << n.opType() << " indices are larger than the data "
                       << "in dimension " << d;
  int64_t count = numElementsOf(is);
  if (count > kHostEvalLimit)
    return n.unsupported(n.opType() + " with more than " +
                         Twine(kHostEvalLimit) + " indices");
  SmallVector<int64_t> dStrides = stridesOf(ds);
  HostTensor base;
  base.elemType = n.b().getI64Type();
  base.shape = is;
  base.resize();
  for (int64_t e = 0; e < count; ++e) {
    int64_t rem = e, offset = 0;
    for (int64_t d = rank - 1; d >= 0; --d) {
      int64_t c = rem % is[d];
      rem /= is[d];
      if (d != *axis)
        offset += c * dStrides[d];
    }
    base.i[e] = offset;
  }
  auto idx = normalizeIndices(n, indices, ds[*axis]);
  if (failed(idx))
    return failure();
  auto scaled =
      em.binary(loc, BinaryKind::mul, *idx,
                em.splat(loc, (double)dStrides[*axis], base.elemType));
  if (failed(scaled))
    return failure();
  auto flat =
      em.binary(loc, BinaryKind::add, em.createConstant(loc, base), *scaled);
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

//===----------------------------------------------------------------------===//
// GridSample
//===----------------------------------------------------------------------===//

namespace {
/// Builds GridSample's sampling arithmetic with qcc elementwise ops on
/// [N, 1, Ho, Wo] coordinate tensors.
struct GridSampler {
  NodeImport &n;
  Emitter &em;
  Type elem;
  int64_t batch, channels, height, width;
  /// The input flattened with one zero appended at position `zeroPos`,
  /// which out-of-bounds taps read.
  Value table;
  int64_t zeroPos;
  /// (b * C + c) * H * W as [N, C, 1, 1].
  Value planeBase;

  Value f(double v) { return em.splat(n.loc, v, elem); }
  FailureOr<Value> bin(BinaryKind k, Value a, Value b) {
    return em.binary(n.loc, k, a, b);
  }
  FailureOr<Value> clip(Value v, double lo, double hi) {
    auto a = bin(BinaryKind::max, v, f(lo));
    if (failed(a))
      return failure();
    return bin(BinaryKind::min, *a, f(hi));
  }

  /// The value at integer-valued coordinates (xc, yc), zero outside.
  FailureOr<Value> tap(Value xc, Value yc) {
    Value valid;
    for (auto [c, size] : {std::pair(xc, width), std::pair(yc, height)}) {
      auto ge = bin(BinaryKind::greater_equal, c, f(0));
      auto le = bin(BinaryKind::less_equal, c, f((double)(size - 1)));
      if (failed(ge) || failed(le))
        return failure();
      auto both = bin(BinaryKind::logical_and, *ge, *le);
      if (failed(both))
        return failure();
      if (!valid) {
        valid = *both;
        continue;
      }
      auto v = bin(BinaryKind::logical_and, valid, *both);
      if (failed(v))
        return failure();
      valid = *v;
    }
    auto xi = clip(xc, 0, (double)(width - 1));
    auto yi = clip(yc, 0, (double)(height - 1));
    if (failed(xi) || failed(yi))
      return failure();
    return gatherAt(*xi, *yi, valid);
  }

  /// The value at in-range integer-valued coordinates (xi, yi) of the plane
  /// `planeBase` selects, or zero where the mask `valid` (i1, or i64 0/1)
  /// is false.
  FailureOr<Value> gatherAt(Value xi, Value yi, Value valid) {
    Type i64 = n.b().getI64Type();
    auto row = bin(BinaryKind::mul, em.cast(n.loc, yi, i64),
                   em.splat(n.loc, (double)width, i64));
    if (failed(row))
      return failure();
    auto pos = bin(BinaryKind::add, *row, em.cast(n.loc, xi, i64));
    if (failed(pos))
      return failure();
    auto full = bin(BinaryKind::add, planeBase, *pos);
    if (failed(full))
      return failure();
    // idx = valid ? full : zeroPos, exactly in integers.
    Value v = em.cast(n.loc, valid, i64);
    auto kept = bin(BinaryKind::mul, *full, v);
    auto inv = bin(BinaryKind::sub, em.splat(n.loc, 1, i64), v);
    if (failed(kept) || failed(inv))
      return failure();
    auto away =
        bin(BinaryKind::mul, *inv, em.splat(n.loc, (double)zeroPos, i64));
    if (failed(away))
      return failure();
    auto idx = bin(BinaryKind::add, *kept, *away);
    if (failed(idx))
      return failure();
    return em.gather(n.loc, table, *idx, 0);
  }

  /// Reflects `x` into [lo, hi] (PyTorch's reflect_coordinates).
  FailureOr<Value> reflect(Value x, double lo, double hi) {
    double span = hi - lo;
    if (span <= 0)
      return f(0);
    auto d0 = bin(BinaryKind::sub, x, f(lo));
    if (failed(d0))
      return failure();
    Value d = em.unary(n.loc, UnaryKind::abs, *d0);
    auto q = bin(BinaryKind::div, d, f(span));
    if (failed(q))
      return failure();
    Value flips = em.unary(n.loc, UnaryKind::floor, *q);
    auto fs = bin(BinaryKind::mul, flips, f(span));
    if (failed(fs))
      return failure();
    auto extra = bin(BinaryKind::sub, d, *fs);
    auto parity = bin(BinaryKind::fmod, flips, f(2));
    if (failed(extra) || failed(parity))
      return failure();
    auto even = bin(BinaryKind::equal, *parity, f(0));
    if (failed(even))
      return failure();
    // even ? lo + extra : hi - extra
    //   = (hi - extra) + even * (lo - hi + 2 * extra)
    auto back = bin(BinaryKind::sub, f(hi), *extra);
    auto twice = bin(BinaryKind::mul, *extra, f(2));
    if (failed(back) || failed(twice))
      return failure();
    auto diff = bin(BinaryKind::add, *twice, f(lo - hi));
    if (failed(diff))
      return failure();
    auto sel = bin(BinaryKind::mul, em.cast(n.loc, *even, elem), *diff);
    if (failed(sel))
      return failure();
    return bin(BinaryKind::add, *back, *sel);
  }
};
} // namespace

/// GridSample (4-D, nearest or bilinear, zeros / border / reflection
/// padding): the grid's normalized coordinates become pixel coordinates,
/// padding clips or reflects them, and every tap is a gather from the
/// flattened input (with a zero appended for taps outside it), weighted
/// and summed for bilinear.
static LogicalResult importGridSample(NodeImport &n) {
  if (failed(n.require(0, "X")) || failed(n.require(1, "grid")) ||
      failed(n.requireFloat(0)))
    return failure();
  Emitter &em = n.em;
  Location loc = n.loc;
  Value x = n.input(0), grid = n.input(1);
  SmallVector<int64_t> xs(Emitter::shapeOf(x)), gs(Emitter::shapeOf(grid));
  if (xs.size() != 4)
    return n.unsupported("GridSample of a rank-" + Twine(xs.size()) +
                         " input (only 4-D)");
  if (gs.size() != 4 || gs[0] != xs[0] || gs[3] != 2)
    return n.error() << "GridSample grid must have shape [N, H_out, W_out, 2]";
  std::string mode = n.attrString("mode", "bilinear");
  std::string padding = n.attrString("padding_mode", "zeros");
  bool align = n.attrInt("align_corners", 0) != 0;
  if (mode != "bilinear" && mode != "nearest")
    return n.unsupported("GridSample mode '" + mode + "'");
  if (padding != "zeros" && padding != "border" && padding != "reflection")
    return n.unsupported("GridSample padding_mode '" + padding + "'");
  Type elem = Emitter::elemOf(x);
  if (!llvm::isa<FloatType>(Emitter::elemOf(grid)))
    return n.error() << "GridSample grid must be float";
  grid = em.cast(loc, grid, elem);
  int64_t count = numElementsOf(xs);
  int64_t outCount = xs[0] * xs[1] * gs[1] * gs[2];
  if (count >= kHostEvalLimit || outCount > kHostEvalLimit)
    return n.unsupported("GridSample with more than " + Twine(kHostEvalLimit) +
                         " elements");

  GridSampler gsm{n, em, elem, xs[0], xs[1], xs[2], xs[3], {}, count, {}};
  auto table = em.concat(
      loc, {em.reshape(loc, x, {count}), em.splat(loc, 0, elem, {1})}, 0);
  if (failed(table))
    return failure();
  gsm.table = *table;
  HostTensor base;
  base.elemType = n.b().getI64Type();
  base.shape = {xs[0], xs[1], 1, 1};
  base.resize();
  for (int64_t p = 0; p < xs[0] * xs[1]; ++p)
    base.i[p] = p * xs[2] * xs[3];
  gsm.planeBase = em.createConstant(loc, base);

  // Pixel coordinates as [N, 1, Ho, Wo].
  SmallVector<int64_t> cShape = {gs[0], 1, gs[1], gs[2]};
  // x and y planes of the grid; the transpose keeps the slices contiguous
  // (a strided slice of the last dimension would not vectorize).
  Value planes = em.transpose(loc, grid, {3, 0, 1, 2});
  SmallVector<Value, 2> coords;
  for (int64_t k = 0; k < 2; ++k) {
    int64_t size = k == 0 ? xs[3] : xs[2];
    Value g = em.reshape(loc, em.sliceAxis(loc, planes, 0, k, 1), cShape);
    auto g1 = gsm.bin(BinaryKind::add, g, gsm.f(1));
    if (failed(g1))
      return failure();
    FailureOr<Value> c =
        align ? gsm.bin(BinaryKind::mul, *g1, gsm.f((size - 1) / 2.0))
              : gsm.bin(BinaryKind::mul, *g1, gsm.f(size / 2.0));
    if (failed(c))
      return failure();
    if (!align) {
      c = gsm.bin(BinaryKind::sub, *c, gsm.f(0.5));
      if (failed(c))
        return failure();
    }
    if (padding == "border") {
      c = gsm.clip(*c, 0, (double)(size - 1));
    } else if (padding == "reflection") {
      c = align ? gsm.reflect(*c, 0, (double)(size - 1))
                : gsm.reflect(*c, -0.5, size - 0.5);
      if (failed(c))
        return failure();
      c = gsm.clip(*c, 0, (double)(size - 1));
    }
    if (failed(c))
      return failure();
    coords.push_back(*c);
  }
  Value cx = coords[0], cy = coords[1];

  Value y;
  if (mode == "nearest") {
    auto r = gsm.tap(em.unary(loc, UnaryKind::round, cx),
                     em.unary(loc, UnaryKind::round, cy));
    if (failed(r))
      return failure();
    y = *r;
  } else {
    Value x0 = em.unary(loc, UnaryKind::floor, cx);
    Value y0 = em.unary(loc, UnaryKind::floor, cy);
    auto x1 = gsm.bin(BinaryKind::add, x0, gsm.f(1));
    auto y1 = gsm.bin(BinaryKind::add, y0, gsm.f(1));
    auto wx1 = gsm.bin(BinaryKind::sub, cx, x0);
    auto wy1 = gsm.bin(BinaryKind::sub, cy, y0);
    if (failed(x1) || failed(y1) || failed(wx1) || failed(wy1))
      return failure();
    auto wx0 = gsm.bin(BinaryKind::sub, gsm.f(1), *wx1);
    auto wy0 = gsm.bin(BinaryKind::sub, gsm.f(1), *wy1);
    if (failed(wx0) || failed(wy0))
      return failure();
    Value xsV[2] = {x0, *x1}, ysV[2] = {y0, *y1};
    Value wxV[2] = {*wx0, *wx1}, wyV[2] = {*wy0, *wy1};
    for (int iy = 0; iy < 2; ++iy)
      for (int ix = 0; ix < 2; ++ix) {
        auto v = gsm.tap(xsV[ix], ysV[iy]);
        if (failed(v))
          return failure();
        auto w = gsm.bin(BinaryKind::mul, wxV[ix], wyV[iy]);
        if (failed(w))
          return failure();
        auto term = gsm.bin(BinaryKind::mul, *v, *w);
        if (failed(term))
          return failure();
        if (!y) {
          y = *term;
          continue;
        }
        auto sum = gsm.bin(BinaryKind::add, y, *term);
        if (failed(sum))
          return failure();
        y = *sum;
      }
  }
  n.setResult(0, y);
  return success();
}

//===----------------------------------------------------------------------===//
// RoiAlign
//===----------------------------------------------------------------------===//

/// RoiAlign (avg mode, a fixed sampling_ratio): every output bin averages
/// s x s bilinear samples. The sample coordinates of roi r are its start
/// plus its bin size times a constant offset vector, [R, 1, oh*s, 1] for y
/// and [R, 1, 1, ow*s] for x; each of the four taps is a gather from the
/// flattened input (with a zero appended for samples outside [-1, H] x
/// [-1, W]), and a mean over the sample axes gives the bins.
static LogicalResult importRoiAlign(NodeImport &n) {
  for (unsigned i = 0; i < 3; ++i)
    if (failed(n.require(i, "X, rois and batch_indices")))
      return failure();
  if (failed(n.requireFloat(0)))
    return failure();
  Emitter &em = n.em;
  Location loc = n.loc;
  Value x = n.input(0), rois = n.input(1), bidx = n.input(2);
  SmallVector<int64_t> xs(Emitter::shapeOf(x));
  if (xs.size() != 4)
    return n.error() << "RoiAlign expects a 4-D input";
  ArrayRef<int64_t> rs = Emitter::shapeOf(rois);
  if (rs.size() != 2 || rs[1] != 4)
    return n.error() << "RoiAlign rois must have shape [num_rois, 4]";
  int64_t numRois = rs[0];
  if (Emitter::shapeOf(bidx) != ArrayRef<int64_t>{numRois})
    return n.error() << "RoiAlign batch_indices must have shape [" << numRois
                     << "]";
  if (n.attrString("mode", "avg") != "avg")
    return n.unsupported("RoiAlign mode '" + n.attrString("mode", "avg") + "'");
  int64_t s = n.attrInt("sampling_ratio", 0);
  if (s <= 0)
    return n.unsupported("RoiAlign with an adaptive sampling_ratio (the "
                         "sample count depends on the roi sizes)");
  std::string ctm =
      n.attrString("coordinate_transformation_mode", "half_pixel");
  if (ctm != "half_pixel" && ctm != "output_half_pixel")
    return n.unsupported("RoiAlign coordinate_transformation_mode '" + ctm +
                         "'");
  bool aligned = ctm == "half_pixel" && n.opset >= 16;
  int64_t oh = n.attrInt("output_height", 1), ow = n.attrInt("output_width", 1);
  if (oh < 1 || ow < 1)
    return n.error() << "RoiAlign output size must be positive";
  double scale = n.attrFloat("spatial_scale", 1.0f);
  Type elem = Emitter::elemOf(x);
  Type i64 = n.b().getI64Type();
  int64_t count = numElementsOf(xs);
  int64_t samples = numRois * xs[1] * oh * s * ow * s;
  if (count >= kHostEvalLimit || samples > kHostEvalLimit)
    return n.unsupported("RoiAlign with more than " + Twine(kHostEvalLimit) +
                         " samples");
  if (!llvm::isa<FloatType>(Emitter::elemOf(rois)))
    return n.error() << "RoiAlign rois must be float";
  rois = em.cast(loc, rois, elem);

  GridSampler gsm{n, em, elem, xs[0], xs[1], xs[2], xs[3], {}, count, {}};
  auto table = em.concat(
      loc, {em.reshape(loc, x, {count}), em.splat(loc, 0, elem, {1})}, 0);
  if (failed(table))
    return failure();
  gsm.table = *table;
  // Plane (batch_indices[r] * C + c) * H * W as [R, C, 1, 1].
  int64_t plane = xs[2] * xs[3];
  auto rowBase =
      gsm.bin(BinaryKind::mul,
              em.reshape(loc, em.cast(loc, bidx, i64), {numRois, 1, 1, 1}),
              em.splat(loc, (double)(xs[1] * plane), i64));
  if (failed(rowBase))
    return failure();
  HostTensor cBase;
  cBase.elemType = i64;
  cBase.shape = {1, xs[1], 1, 1};
  cBase.resize();
  for (int64_t c = 0; c < xs[1]; ++c)
    cBase.i[c] = c * plane;
  auto planeBase =
      gsm.bin(BinaryKind::add, *rowBase, em.createConstant(loc, cBase));
  if (failed(planeBase))
    return failure();
  gsm.planeBase = *planeBase;

  // Roi corners, scaled and shifted: columns of the [R, 4] rois. A
  // transpose keeps the column slices contiguous.
  Value cols = em.transpose(loc, rois, {1, 0});
  auto corner = [&](int64_t k) -> FailureOr<Value> {
    Value c = em.reshape(loc, em.sliceAxis(loc, cols, 0, k, 1), {numRois});
    auto v = gsm.bin(BinaryKind::mul, c, gsm.f(scale));
    if (failed(v) || !aligned)
      return v;
    return gsm.bin(BinaryKind::sub, *v, gsm.f(0.5));
  };
  SmallVector<Value, 4> cs;
  for (int64_t k = 0; k < 4; ++k) {
    auto c = corner(k);
    if (failed(c))
      return failure();
    cs.push_back(*c);
  }
  // Sample coordinates along one axis: start + bin * offsets, with
  // offsets[p * s + i] = p + (i + 0.5) / s.
  auto axisCoords = [&](Value start, Value end, int64_t bins,
                        ArrayRef<int64_t> shape) -> FailureOr<Value> {
    auto len = gsm.bin(BinaryKind::sub, end, start);
    if (failed(len))
      return failure();
    if (!aligned) {
      len = gsm.bin(BinaryKind::max, *len, gsm.f(1));
      if (failed(len))
        return failure();
    }
    auto bin = gsm.bin(BinaryKind::div, *len, gsm.f((double)bins));
    if (failed(bin))
      return failure();
    HostTensor off;
    off.elemType = elem;
    off.shape = {1, bins * s};
    off.resize();
    for (int64_t p = 0; p < bins; ++p)
      for (int64_t i = 0; i < s; ++i)
        off.set(p * s + i, p + (i + 0.5) / s);
    auto scaled = gsm.bin(BinaryKind::mul, em.reshape(loc, *bin, {numRois, 1}),
                          em.createConstant(loc, off));
    if (failed(scaled))
      return failure();
    auto pos =
        gsm.bin(BinaryKind::add, *scaled, em.reshape(loc, start, {numRois, 1}));
    if (failed(pos))
      return failure();
    return em.reshape(loc, *pos, shape);
  };
  auto ys = axisCoords(cs[1], cs[3], oh, {numRois, 1, oh * s, 1});
  auto xsC = axisCoords(cs[0], cs[2], ow, {numRois, 1, 1, ow * s});
  if (failed(ys) || failed(xsC))
    return failure();

  // Samples outside [-1, H] x [-1, W] contribute zero; the others clamp
  // into the input, and the high tap stays on the last row/column. The x
  // and y masks combine as an i64 product: a broadcasting `and` of i1
  // tensors ([R,1,1,W'] with [R,1,H',1]) is miscompiled by the vectorizer.
  Value valid;
  for (auto [c, size] : {std::pair(*xsC, xs[3]), std::pair(*ys, xs[2])}) {
    auto ge = gsm.bin(BinaryKind::greater_equal, c, gsm.f(-1));
    auto le = gsm.bin(BinaryKind::less_equal, c, gsm.f((double)size));
    if (failed(ge) || failed(le))
      return failure();
    auto both = gsm.bin(BinaryKind::logical_and, *ge, *le);
    if (failed(both))
      return failure();
    Value mask = em.cast(loc, *both, n.b().getI64Type());
    if (!valid) {
      valid = mask;
      continue;
    }
    auto v = gsm.bin(BinaryKind::mul, valid, mask);
    if (failed(v))
      return failure();
    valid = *v;
  }
  Value lowV[2], highV[2], wLow[2], wHigh[2];
  Value axisV[2] = {*xsC, *ys};
  int64_t sizes[2] = {xs[3], xs[2]};
  for (int k = 0; k < 2; ++k) {
    auto c = gsm.clip(axisV[k], 0, (double)(sizes[k] - 1));
    if (failed(c))
      return failure();
    lowV[k] = em.unary(loc, UnaryKind::floor, *c);
    auto hi = gsm.bin(BinaryKind::add, lowV[k], gsm.f(1));
    if (failed(hi))
      return failure();
    auto hiC = gsm.bin(BinaryKind::min, *hi, gsm.f((double)(sizes[k] - 1)));
    auto l = gsm.bin(BinaryKind::sub, *c, lowV[k]);
    if (failed(hiC) || failed(l))
      return failure();
    highV[k] = *hiC;
    wHigh[k] = *l;
    auto h = gsm.bin(BinaryKind::sub, gsm.f(1), *l);
    if (failed(h))
      return failure();
    wLow[k] = *h;
  }
  Value sum;
  for (int iy = 0; iy < 2; ++iy)
    for (int ix = 0; ix < 2; ++ix) {
      auto v =
          gsm.gatherAt(ix ? highV[0] : lowV[0], iy ? highV[1] : lowV[1], valid);
      if (failed(v))
        return failure();
      auto w = gsm.bin(BinaryKind::mul, ix ? wHigh[0] : wLow[0],
                       iy ? wHigh[1] : wLow[1]);
      if (failed(w))
        return failure();
      auto term = gsm.bin(BinaryKind::mul, *v, *w);
      if (failed(term))
        return failure();
      if (!sum) {
        sum = *term;
        continue;
      }
      auto add = gsm.bin(BinaryKind::add, sum, *term);
      if (failed(add))
        return failure();
      sum = *add;
    }
  Value bins = em.reshape(loc, sum, {numRois, xs[1], oh, s, ow, s});
  Value y = em.reduce(loc, ReduceKind::mean, bins, {3, 5}, false);
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
  table["GridSample"] = importGridSample;
  table["RoiAlign"] = importRoiAlign;
}
