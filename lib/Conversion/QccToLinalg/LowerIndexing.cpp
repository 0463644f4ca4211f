//===- LowerIndexing.cpp - qcc indexing ops to linalg ---------------------===//
//
// This file implements the lowering of qcc.arg_reduce, qcc.top_k,
// qcc.cumsum and qcc.scatter.
//
// The first three become `linalg.generic` loop nests with a reduction
// dimension, so that tiling and vectorization treat them like any other
// reduction:
//
//   - arg_reduce finds the extreme value with one reduction over the axis,
//     then its first (or last) position with a second;
//   - top_k first ranks every element along the axis (the number of
//     elements that come before it in the (value, index) order, a reduction
//     over a second copy of the axis), then picks for output slot r the
//     element whose rank is r (a reduction over the axis again). That costs
//     O(n^2 + n k) per row but is branch-free and needs no sort network;
//   - cumsum reduces over a second copy of the axis with a triangular mask.
//
// scatter writes through data-dependent addresses, which no parallel loop
// nest expresses; it becomes a sequential scf.for over the updates carrying
// the result tensor, which one-shot bufferization turns into in-place
// stores into a copy of `data`.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"

using namespace mlir;
using namespace qcc;

namespace {

/// Affine dims 0..rank-1 of a loop nest with `numDims` dims, with dim
/// `axis` replaced by dim `replacement` (or dropped when it is -1).
static AffineMap mapWithAxis(MLIRContext *ctx, int64_t numDims, int64_t rank,
                             int64_t axis, int64_t replacement) {
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < rank; ++d) {
    if (d != axis)
      exprs.push_back(getAffineDimExpr(d, ctx));
    else if (replacement >= 0)
      exprs.push_back(getAffineDimExpr(replacement, ctx));
  }
  return AffineMap::get(numDims, 0, exprs, ctx);
}

/// `a` orders before `b`: a > b for `greater` (a < b otherwise). With
/// `nanFirst` a NaN orders before every number, else after it.
static Value orderedBefore(OpBuilder &b, Location loc, Value a, Value bv,
                           bool greater, bool nanFirst, bool isUnsigned) {
  if (isa<FloatType>(a.getType())) {
    // The unordered compare is also true when either is NaN; requiring the
    // operand that must not be NaN to be ordered leaves exactly
    // a > b || (a is NaN && b is not)   (nanFirst), or
    // a > b || (b is NaN && a is not)   (otherwise), with < for !greater.
    Value cmp = arith::CmpFOp::create(
        b, loc, greater ? arith::CmpFPredicate::UGT : arith::CmpFPredicate::ULT,
        a, bv);
    Value guard = nanFirst ? bv : a;
    Value ordered =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::ORD, guard, guard);
    return arith::AndIOp::create(b, loc, cmp, ordered);
  }
  arith::CmpIPredicate pred =
      greater
          ? (isUnsigned ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt)
          : (isUnsigned ? arith::CmpIPredicate::ult
                        : arith::CmpIPredicate::slt);
  return arith::CmpIOp::create(b, loc, pred, a, bv);
}

/// `a` and `b` are equal in the order (NaNs equal each other).
static Value orderedEqual(OpBuilder &b, Location loc, Value a, Value bv) {
  if (isa<FloatType>(a.getType())) {
    Value eq = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, a, bv);
    Value aNan = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, a, a);
    Value bNan =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, bv, bv);
    return arith::OrIOp::create(b, loc, eq,
                                arith::AndIOp::create(b, loc, aNan, bNan));
  }
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, a, bv);
}

/// max(a, b) (`greater`) or min(a, b) for float (NaN-propagating), unsigned
/// or signed elements.
static Value extremum(OpBuilder &b, Location loc, Value a, Value bv,
                      bool greater, bool isFloat, bool isUnsigned) {
  if (isFloat)
    return greater ? (Value)arith::MaximumFOp::create(b, loc, a, bv)
                   : (Value)arith::MinimumFOp::create(b, loc, a, bv);
  if (isUnsigned)
    return greater ? (Value)arith::MaxUIOp::create(b, loc, a, bv)
                   : (Value)arith::MinUIOp::create(b, loc, a, bv);
  return greater ? (Value)arith::MaxSIOp::create(b, loc, a, bv)
                 : (Value)arith::MinSIOp::create(b, loc, a, bv);
}

/// The constant [0, 1, ..., n-1] as i64. Generics read positions from it
/// (through a map selecting the loop dimension) instead of linalg.index:
/// the CPU vectorizer keeps reductions whose body reads linalg.index in
/// their original order (upstream partial-reduction tiling drops the tile
/// offset of linalg.index), while a position read from a tensor lets the
/// reduction be split into vector-wide partial results.
static Value iotaConstant(OpBuilder &b, Location loc, int64_t n) {
  SmallVector<int64_t> values(n);
  for (int64_t i = 0; i < n; ++i)
    values[i] = i;
  auto type = RankedTensorType::get({n}, b.getI64Type());
  return arith::ConstantOp::create(
      b, loc, type, DenseElementsAttr::get(type, ArrayRef<int64_t>(values)));
}

/// The map (d0, ..., d{numDims-1}) -> (d{dim}).
static AffineMap dimMap(MLIRContext *ctx, int64_t numDims, int64_t dim) {
  return AffineMap::get(numDims, 0, getAffineDimExpr(dim, ctx), ctx);
}

//===----------------------------------------------------------------------===//
// arg_reduce
//===----------------------------------------------------------------------===//

/// Two single-result reductions over the axis, both of which vectorize: the
/// extreme value (maximumf / minimumf propagate NaN, so a NaN anywhere makes
/// the extreme NaN), then the smallest (or, with select_last_index, the
/// largest) position holding it. A (value, index) pair carried through one
/// reduction would read the input once, but the vectorizer cannot turn a
/// two-result reduction into vector reductions, and the scalar loop is an
/// order of magnitude slower than the two vector passes.
struct ArgReduceLowering : OpConversionPattern<ArgReduceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ArgReduceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value input = adaptor.getInput();
    auto inType = llvm::cast<RankedTensorType>(input.getType());
    auto resultType = llvm::cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    Type elem = inType.getElementType();
    Type i64 = rewriter.getI64Type();
    bool isFloat = isa<FloatType>(elem);
    bool isUnsigned =
        isUnsignedInteger(op.getInput().getType().getElementType());
    bool greater = op.getKind() == ReduceKind::max;
    bool last = op.getSelectLastIndex();
    int64_t rank = inType.getRank(), axis = op.getAxis();
    int64_t n = inType.getDimSize(axis);

    SmallVector<int64_t> reduced(inType.getShape());
    reduced.erase(reduced.begin() + axis);
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank),
                                   mapWithAxis(ctx, rank, rank, axis, -1)};
    SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
    iters[axis] = utils::IteratorType::reduction;

    // The extreme value along the axis.
    Value start = createExtremum(rewriter, loc, elem, /*max=*/!greater,
                                 /*infinity=*/true, isUnsigned);
    Value valInit = createFilled(rewriter, loc, reduced, start);
    Value extreme =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{valInit.getType()}, ValueRange{input},
            ValueRange{valInit}, maps, iters,
            [&](OpBuilder &b, Location l, ValueRange args) {
              linalg::YieldOp::create(b, l,
                                      extremum(b, l, args[0], args[1], greater,
                                               isFloat, isUnsigned));
            })
            .getResult(0);

    // The first (last) position holding it; positions that do not hold it
    // contribute n (-1), which never wins.
    int64_t none = last ? -1 : n;
    Value idxInit =
        createFilled(rewriter, loc, reduced,
                     arith::ConstantIntOp::create(rewriter, loc, i64, none));
    Value iota = iotaConstant(rewriter, loc, n);
    SmallVector<AffineMap> idxMaps = {maps[0], maps[1], dimMap(ctx, rank, axis),
                                      maps[1]};
    Value index =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{idxInit.getType()},
            ValueRange{input, extreme, iota}, ValueRange{idxInit}, idxMaps,
            iters,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value hit = orderedEqual(b, l, args[0], args[1]);
              Value pos = arith::SelectOp::create(
                  b, l, hit, args[2],
                  arith::ConstantIntOp::create(b, l, i64, none));
              Value r = last
                            ? (Value)arith::MaxSIOp::create(b, l, pos, args[3])
                            : (Value)arith::MinSIOp::create(b, l, pos, args[3]);
              linalg::YieldOp::create(b, l, r);
            })
            .getResult(0);
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, index, resultType));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// top_k
//===----------------------------------------------------------------------===//

/// Ranking costs n^2 comparisons per row and selection about k * n; select
/// when k * kSelectFactor < n (selection's passes are sequential and carry
/// the result through a loop, so ranking wins for k close to n).
constexpr int64_t kSelectFactor = 8;

/// result[.., r, ..] = input[.., indices[.., r, ..], ..] along `axis`: the
/// values of the positions top_k found, read back from the input so that
/// they are the elements themselves (signed zeros included).
static Value gatherAlongAxis(OpBuilder &b, Location loc, Value input,
                             Value indices, int64_t axis,
                             RankedTensorType resultType) {
  int64_t rank = resultType.getRank();
  SmallVector<AffineMap> maps(2, b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  Value init =
      createEmpty(b, loc, resultType.getShape(), resultType.getElementType());
  return linalg::GenericOp::create(
             b, loc, TypeRange{resultType}, ValueRange{indices},
             ValueRange{init}, maps, iters,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               SmallVector<Value> at;
               for (int64_t d = 0; d < rank; ++d)
                 at.push_back(d == axis
                                  ? (Value)arith::IndexCastOp::create(
                                        nb, l, nb.getIndexType(), args[0])
                                  : (Value)linalg::IndexOp::create(nb, l, d));
               linalg::YieldOp::create(
                   nb, l,
                   tensor::ExtractOp::create(nb, l, input, at).getResult());
             })
      .getResult(0);
}

/// Top-k by repeated selection: an scf.for over the k output slots carries
/// the results; slot r takes the first element in (value, index) order
/// among those that come after the pick of slot r - 1. Each slot costs two
/// single-result reductions over the axis, which vectorize: the extreme
/// candidate value (maximumf / minimumf, or the integer max / min), then
/// the smallest candidate position holding it. NaN ranks above every
/// number: for `largest` maximumf propagates it; for smallest NaNs are left
/// out of the value reduction, and when only NaNs remain the position
/// reduction falls back to the first NaN candidate (encoded as n + i).
static std::pair<Value, Value>
buildSelectTopK(OpBuilder &b, Location loc, Value input,
                RankedTensorType valType, RankedTensorType idxType,
                int64_t axis, int64_t k, bool greater, bool isUnsigned) {
  MLIRContext *ctx = b.getContext();
  auto inType = llvm::cast<RankedTensorType>(input.getType());
  int64_t rank = inType.getRank();
  int64_t n = inType.getDimSize(axis);
  Type elem = inType.getElementType();
  Type i64 = b.getI64Type();
  bool isFloat = isa<FloatType>(elem);
  // Smallest-first floats need the NaN fallback of the position reduction.
  bool nanLast = isFloat && !greater;
  SmallVector<int64_t> reduced(inType.getShape());
  reduced.erase(reduced.begin() + axis);
  SmallVector<int64_t> slotShape(inType.getShape());
  slotShape[axis] = 1;

  Value zeroV = createScalar(b, loc, elem, 0);
  Value minusOne = arith::ConstantIntOp::create(b, loc, i64, -1);
  Value vals0 = createFilled(b, loc, valType.getShape(), zeroV);
  Value idxs0 = createFilled(b, loc, idxType.getShape(), minusOne);
  // The value reduction starts at the far end of the order.
  Value far = createExtremum(b, loc, elem, /*max=*/!greater,
                             /*infinity=*/true, isUnsigned);
  Value none = arith::ConstantIntOp::create(b, loc, i64, nanLast ? 2 * n : n);

  Value iota = iotaConstant(b, loc, n);
  AffineMap ident = b.getMultiDimIdentityMap(rank);
  AffineMap pos = dimMap(ctx, rank, axis);
  AffineMap row = mapWithAxis(ctx, rank, rank, axis, -1);
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  iters[axis] = utils::IteratorType::reduction;

  auto cst = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  auto loop = scf::ForOp::create(
      b, loc, cst(0), cst(k), cst(1), ValueRange{vals0, idxs0},
      [&](OpBuilder &lb, Location l, Value r, ValueRange args) {
        // Slot r of the results (rank-reduced to the row shape) and slot
        // r - 1, the previous pick (unused in the first iteration).
        Value c0 = arith::ConstantIndexOp::create(lb, l, 0);
        Value c1 = arith::ConstantIndexOp::create(lb, l, 1);
        Value first =
            arith::CmpIOp::create(lb, l, arith::CmpIPredicate::eq, r, c0);
        Value prevR = arith::MaxSIOp::create(
            lb, l, arith::SubIOp::create(lb, l, r, c1), c0);
        SmallVector<OpFoldResult> sizes, strides(rank, lb.getIndexAttr(1));
        for (int64_t d : slotShape)
          sizes.push_back(lb.getIndexAttr(d));
        auto slotAt = [&](Value p) {
          SmallVector<OpFoldResult> offsets(rank, lb.getIndexAttr(0));
          offsets[axis] = p;
          return offsets;
        };
        auto slice = [&](Value t, Value p, Type e) -> Value {
          return tensor::ExtractSliceOp::create(
              lb, l, RankedTensorType::get(reduced, e), t, slotAt(p), sizes,
              strides);
        };
        Value prevV = slice(args[0], prevR, elem);
        Value prevI = slice(args[1], prevR, i64);
        // Candidates: elements after the previous pick (all in slot 0).
        auto candidate = [&](OpBuilder &gb, Location gl, Value x, Value i,
                             Value pv, Value pi) -> Value {
          Value after = arith::OrIOp::create(
              gb, gl,
              orderedBefore(gb, gl, pv, x, greater, greater, isUnsigned),
              arith::AndIOp::create(
                  gb, gl, orderedEqual(gb, gl, pv, x),
                  arith::CmpIOp::create(gb, gl, arith::CmpIPredicate::slt, pi,
                                        i)));
          return arith::OrIOp::create(gb, gl, first, after);
        };

        // The extreme candidate value.
        Value vInit =
            linalg::FillOp::create(lb, l, ValueRange{far},
                                   ValueRange{slice(args[0], r, elem)})
                .getResult(0);
        Value best =
            linalg::GenericOp::create(
                lb, l, TypeRange{vInit.getType()},
                ValueRange{input, iota, prevV, prevI}, ValueRange{vInit},
                SmallVector<AffineMap>{ident, pos, row, row, row}, iters,
                [&](OpBuilder &gb, Location gl, ValueRange a) {
                  Value x = a[0], acc = a[4];
                  Value cand = candidate(gb, gl, x, a[1], a[2], a[3]);
                  if (nanLast)
                    cand = arith::AndIOp::create(
                        gb, gl, cand,
                        arith::CmpFOp::create(gb, gl, arith::CmpFPredicate::ORD,
                                              x, x));
                  Value v = arith::SelectOp::create(gb, gl, cand, x, far);
                  linalg::YieldOp::create(
                      gb, gl,
                      extremum(gb, gl, v, acc, greater, isFloat, isUnsigned));
                })
                .getResult(0);

        // The first candidate position holding it (n + i for the first NaN
        // candidate when only NaNs remain).
        Value iInit = linalg::FillOp::create(lb, l, ValueRange{none},
                                             ValueRange{slice(args[1], r, i64)})
                          .getResult(0);
        Value key =
            linalg::GenericOp::create(
                lb, l, TypeRange{iInit.getType()},
                ValueRange{input, iota, prevV, prevI, best}, ValueRange{iInit},
                SmallVector<AffineMap>{ident, pos, row, row, row, row}, iters,
                [&](OpBuilder &gb, Location gl, ValueRange a) {
                  Value x = a[0], i = a[1], acc = a[5];
                  Value cand = candidate(gb, gl, x, i, a[2], a[3]);
                  Value hit = arith::AndIOp::create(
                      gb, gl, cand, orderedEqual(gb, gl, x, a[4]));
                  Value alt = none;
                  if (nanLast) {
                    Value nanCand = arith::AndIOp::create(
                        gb, gl, cand,
                        arith::CmpFOp::create(gb, gl, arith::CmpFPredicate::UNO,
                                              x, x));
                    alt = arith::SelectOp::create(
                        gb, gl, nanCand,
                        arith::AddIOp::create(
                            gb, gl, i,
                            arith::ConstantIntOp::create(gb, gl, i64, n)),
                        none);
                  }
                  Value kv = arith::SelectOp::create(gb, gl, hit, i, alt);
                  linalg::YieldOp::create(
                      gb, gl,
                      arith::MinSIOp::create(gb, gl, kv, acc).getResult());
                })
                .getResult(0);

        if (nanLast) {
          // A key of n + i stands for the NaN at position i.
          auto fix = linalg::GenericOp::create(
              lb, l, TypeRange{best.getType(), key.getType()}, ValueRange{},
              ValueRange{best, key},
              SmallVector<AffineMap>(2, lb.getMultiDimIdentityMap(rank - 1)),
              SmallVector<utils::IteratorType>(rank - 1,
                                               utils::IteratorType::parallel),
              [&](OpBuilder &gb, Location gl, ValueRange a) {
                Value nC = arith::ConstantIntOp::create(gb, gl, i64, n);
                Value isNan = arith::CmpIOp::create(
                    gb, gl, arith::CmpIPredicate::sge, a[1], nC);
                Value nan = arith::ConstantOp::create(
                    gb, gl, elem,
                    gb.getFloatAttr(
                        elem, APFloat::getNaN(
                                  cast<FloatType>(elem).getFloatSemantics())));
                Value v = arith::SelectOp::create(gb, gl, isNan, nan, a[0]);
                Value kk = arith::SelectOp::create(
                    gb, gl, isNan, arith::SubIOp::create(gb, gl, a[1], nC),
                    a[1]);
                linalg::YieldOp::create(gb, gl, ValueRange{v, kk});
              });
          best = fix.getResult(0);
          key = fix.getResult(1);
        }
        Value vals = tensor::InsertSliceOp::create(lb, l, best, args[0],
                                                   slotAt(r), sizes, strides);
        Value idxs = tensor::InsertSliceOp::create(lb, l, key, args[1],
                                                   slotAt(r), sizes, strides);
        scf::YieldOp::create(lb, l, ValueRange{vals, idxs});
      });
  Value indices = loop.getResult(1);
  return {gatherAlongAxis(b, loc, input, indices, axis, valType), indices};
}

struct TopKLowering : OpConversionPattern<TopKOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TopKOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value input = adaptor.getInput();
    auto inType = llvm::cast<RankedTensorType>(input.getType());
    auto valType = llvm::cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getValues().getType()));
    auto idxType = llvm::cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getIndices().getType()));
    Type elem = inType.getElementType();
    Type i64 = rewriter.getI64Type();
    bool isUnsigned =
        isUnsignedInteger(op.getInput().getType().getElementType());
    bool greater = op.getLargest();
    int64_t rank = inType.getRank(), axis = op.getAxis();
    int64_t numDims = rank + 1, extra = rank;
    int64_t n = inType.getDimSize(axis), k = op.getK();

    if (k == 0 || n == 0) {
      rewriter.replaceOp(op,
                         {createEmpty(rewriter, loc, valType.getShape(), elem),
                          createEmpty(rewriter, loc, idxType.getShape(), i64)});
      return success();
    }
    // Selecting k times costs about k passes over the axis, ranking about n;
    // select when k is well below n.
    if (k * kSelectFactor < n) {
      auto [values, indices] = buildSelectTopK(
          rewriter, loc, input, valType, idxType, axis, k, greater, isUnsigned);
      rewriter.replaceOp(op, {values, indices});
      return success();
    }

    // rank[.., i, ..] = #{j : x[j] before x[i] or (x[j] == x[i], j < i)},
    // a permutation of 0..n-1 along the axis.
    Value zero64 = arith::ConstantIntOp::create(rewriter, loc, i64, 0);
    Value rankInit = createFilled(rewriter, loc, inType.getShape(), zero64);
    Value iota = iotaConstant(rewriter, loc, n);
    SmallVector<AffineMap> rankMaps = {
        mapWithAxis(ctx, numDims, rank, axis, axis),
        mapWithAxis(ctx, numDims, rank, axis, extra),
        dimMap(ctx, numDims, axis), dimMap(ctx, numDims, extra),
        mapWithAxis(ctx, numDims, rank, axis, axis)};
    SmallVector<utils::IteratorType> rankIters(numDims,
                                               utils::IteratorType::parallel);
    rankIters[extra] = utils::IteratorType::reduction;
    Value ranks =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{rankInit.getType()},
            ValueRange{input, input, iota, iota}, ValueRange{rankInit},
            rankMaps, rankIters,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value xi = args[0], xj = args[1], i = args[2], j = args[3],
                    acc = args[4];
              Value jFirst =
                  arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, j, i);
              Value tie = arith::AndIOp::create(
                  b, l, orderedEqual(b, l, xj, xi), jFirst);
              Value before = arith::OrIOp::create(
                  b, l,
                  orderedBefore(b, l, xj, xi, greater,
                                /*nanFirst=*/greater, isUnsigned),
                  tie);
              Value inc = arith::ExtUIOp::create(b, l, i64, before);
              linalg::YieldOp::create(
                  b, l, ValueRange{arith::AddIOp::create(b, l, acc, inc)});
            })
            .getResult(0);

    // Output slot r along the axis takes the element of rank r: its
    // position is the minimum over i of (rank[i] == r ? i : n), a
    // single-result reduction that vectorizes (a generic carrying value and
    // index with select combiners does not), and its value is read back.
    SmallVector<AffineMap> pickMaps = {
        mapWithAxis(ctx, numDims, rank, axis, extra),
        dimMap(ctx, numDims, axis), dimMap(ctx, numDims, extra),
        mapWithAxis(ctx, numDims, rank, axis, axis)};
    // The slot positions are the first k of the same iota.
    Value slots = iota;
    if (k != n)
      slots = tensor::ExtractSliceOp::create(
          rewriter, loc, RankedTensorType::get({k}, i64), iota,
          ArrayRef<OpFoldResult>{rewriter.getIndexAttr(0)},
          ArrayRef<OpFoldResult>{rewriter.getIndexAttr(k)},
          ArrayRef<OpFoldResult>{rewriter.getIndexAttr(1)});
    Value nC = arith::ConstantIntOp::create(rewriter, loc, i64, n);
    Value idxInit = createFilled(rewriter, loc, idxType.getShape(), nC);
    Value indices =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{idxType}, ValueRange{ranks, slots, iota},
            ValueRange{idxInit}, pickMaps, rankIters,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value hit = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                                args[0], args[1]);
              Value kv = arith::SelectOp::create(b, l, hit, args[2], nC);
              linalg::YieldOp::create(
                  b, l, arith::MinSIOp::create(b, l, kv, args[3]).getResult());
            })
            .getResult(0);
    Value values =
        gatherAlongAxis(rewriter, loc, input, indices, axis, valType);
    rewriter.replaceOp(op, {values, indices});
    return success();
  }
};

//===----------------------------------------------------------------------===//
// cumsum
//===----------------------------------------------------------------------===//

/// result[.., i, ..] = sum_j mask(i, j) * x[.., j, ..] with the triangular
/// mask selected by `exclusive` and `reverse`.
struct CumSumLowering : OpConversionPattern<CumSumOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(CumSumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value input = adaptor.getInput();
    auto type = llvm::cast<RankedTensorType>(input.getType());
    Type elem = type.getElementType();
    bool isFloat = isa<FloatType>(elem);
    int64_t rank = type.getRank(), axis = op.getAxis();
    int64_t numDims = rank + 1, extra = rank;
    arith::CmpIPredicate pred =
        op.getReverse() ? (op.getExclusive() ? arith::CmpIPredicate::sgt
                                             : arith::CmpIPredicate::sge)
                        : (op.getExclusive() ? arith::CmpIPredicate::slt
                                             : arith::CmpIPredicate::sle);

    Value zero = createScalar(rewriter, loc, elem, 0);
    Value init = createFilled(rewriter, loc, type.getShape(), zero);
    Value iota = iotaConstant(rewriter, loc, type.getDimSize(axis));
    SmallVector<AffineMap> maps = {mapWithAxis(ctx, numDims, rank, axis, extra),
                                   dimMap(ctx, numDims, axis),
                                   dimMap(ctx, numDims, extra),
                                   mapWithAxis(ctx, numDims, rank, axis, axis)};
    SmallVector<utils::IteratorType> iters(numDims,
                                           utils::IteratorType::parallel);
    iters[extra] = utils::IteratorType::reduction;
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type}, ValueRange{input, iota, iota},
            ValueRange{init}, maps, iters,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value x = args[0], i = args[1], j = args[2], acc = args[3];
              Value in = arith::CmpIOp::create(b, l, pred, j, i);
              Value term = arith::SelectOp::create(b, l, in, x,
                                                   createScalar(b, l, elem, 0));
              Value sum = isFloat
                              ? (Value)arith::AddFOp::create(b, l, acc, term)
                              : (Value)arith::AddIOp::create(b, l, acc, term);
              linalg::YieldOp::create(b, l, sum);
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// scatter
//===----------------------------------------------------------------------===//

/// Flattens data to [M, S], indices to [U] and updates to [U, S], then
///   for u in [0, U): row = wrap(indices[u]); for s in [0, S):
///     acc[row, s] = combine(acc[row, s], updates[u, s])
/// with the tensor carried through both loops. Indices are clamped into
/// [0, M) after wrapping so that a bad run-time index cannot write outside
/// the result.
struct ScatterLowering : OpConversionPattern<ScatterOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ScatterOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto dType = llvm::cast<RankedTensorType>(adaptor.getData().getType());
    auto iType = llvm::cast<RankedTensorType>(adaptor.getIndices().getType());
    auto uType = llvm::cast<RankedTensorType>(adaptor.getUpdates().getType());
    Type elem = dType.getElementType();
    bool isUnsigned =
        isUnsignedInteger(op.getData().getType().getElementType());
    bool indexUnsigned =
        isUnsignedInteger(op.getIndices().getType().getElementType());
    std::optional<BinaryKind> combine = op.getCombine();
    int64_t m = dType.getDimSize(0);
    int64_t s = m ? dType.getNumElements() / m : 0;
    int64_t u = iType.getNumElements();

    auto flatData = RankedTensorType::get({m, s}, elem);
    Value acc = reshapeTo(rewriter, loc, adaptor.getData(), flatData);
    Value idx = reshapeTo(rewriter, loc, adaptor.getIndices(),
                          RankedTensorType::get({u}, iType.getElementType()));
    Value upd = reshapeTo(rewriter, loc, adaptor.getUpdates(),
                          RankedTensorType::get({u, s}, elem));
    (void)uType;
    if (u == 0 || dType.getNumElements() == 0) {
      rewriter.replaceOp(op, adaptor.getData());
      return success();
    }

    auto cst = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(rewriter, loc, v);
    };
    Value zero = cst(0), one = cst(1);
    auto outer = scf::ForOp::create(
        rewriter, loc, zero, cst(u), one, ValueRange{acc},
        [&](OpBuilder &b, Location l, Value iu, ValueRange outerArgs) {
          Value raw = tensor::ExtractOp::create(b, l, idx, ValueRange{iu});
          Type indexType = b.getIndexType();
          Value row =
              indexUnsigned
                  ? (Value)arith::IndexCastUIOp::create(b, l, indexType, raw)
                  : (Value)arith::IndexCastOp::create(b, l, indexType, raw);
          Value izero = arith::ConstantIndexOp::create(b, l, 0);
          Value negative = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::slt, row, izero);
          Value wrapped = arith::AddIOp::create(
              b, l, row, arith::ConstantIndexOp::create(b, l, m));
          row = arith::SelectOp::create(b, l, negative, wrapped, row);
          row = arith::MaxSIOp::create(b, l, row, izero);
          row = arith::MinSIOp::create(
              b, l, row, arith::ConstantIndexOp::create(b, l, m - 1));
          auto inner = scf::ForOp::create(
              b, l, izero, arith::ConstantIndexOp::create(b, l, s),
              arith::ConstantIndexOp::create(b, l, 1), ValueRange{outerArgs[0]},
              [&](OpBuilder &ib, Location il, Value is, ValueRange innerArgs) {
                Value cur = innerArgs[0];
                Value v =
                    tensor::ExtractOp::create(ib, il, upd, ValueRange{iu, is});
                if (combine) {
                  Value old = tensor::ExtractOp::create(ib, il, cur,
                                                        ValueRange{row, is});
                  v = buildBinary(ib, il, *combine, old, v, isUnsigned);
                }
                Value next = tensor::InsertOp::create(ib, il, v, cur,
                                                      ValueRange{row, is});
                scf::YieldOp::create(ib, il, next);
              });
          scf::YieldOp::create(b, l, inner.getResult(0));
        });
    Value result = reshapeTo(rewriter, loc, outer.getResult(0), dType);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void qcc::populateIndexingPatterns(const TypeConverter &converter,
                                   RewritePatternSet &patterns) {
  patterns
      .add<ArgReduceLowering, TopKLowering, CumSumLowering, ScatterLowering>(
          converter, patterns.getContext());
}
