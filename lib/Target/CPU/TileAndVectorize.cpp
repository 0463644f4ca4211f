//===- TileAndVectorize.cpp - Register tiling and vectorization -----------===//
//
// This file implements qcc-tile-and-vectorize: every linalg op on tensors is
// tiled (TilingInterface, scf.for) to a register-sized tile, the partial last
// tiles are peeled off so that every tile has a static shape, and the tiles
// are vectorized:
//
//  * contractions (linalg.matmul, batch_matmul, ...) get an Mt x Nt register
//    tile with the reduction tiled to a short loop; they vectorize to
//    vector.contract, whose accumulator is hoisted into loop-carried vectors
//    and lowered to outer products (broadcast + FMA);
//  * NCHW windowed ops (convolutions, grouped and depthwise convolutions,
//    pooling) get a [1 x Fb channels x 1 row x OWt columns] output tile and a
//    hand-written micro-kernel that vectorizes along the output width: one
//    accumulator vector per output channel, one input row vector per (c, kh,
//    kw), broadcast weights. The upstream 1-D NCW vectorizer transposes to
//    NWC and vectorizes along channels, which is much slower for NCHW;
//  * everything else (elementwise generics with broadcasts, reductions,
//    transposes, fills, gathers) is tiled to 1 on every parallel dimension
//    but the vectorized one, which gets up to 4 x vector-width elements, and
//    vectorized with linalg::vectorize.
//
// Init producers (fills, broadcast biases) are fused into the tiles of their
// consumer, and chains of elementwise consumers of convolutions and matmuls
// (activations, residual adds, and element-type conversions: the quantize of
// a float layer feeding an int8 one, an int8 layer's dequantizing or
// requantizing epilogue) into the producer's tile loop, so the producer's
// result is never written. Before tiling, dimensions contiguous in every
// operand of a generic are collapsed (except in such consumers, which keep
// the producer's shape), 1x1 convolutions become matmuls (with their bias
// init) and constant pads become a fill plus vector copies.
//
// Afterwards every vector op is lowered to the 1-D forms that
// convert-vector-to-llvm handles (transfers unrolled to rank 1, contractions
// to FMAs, multi-reductions to vector.reduction, transposes to shuffles) and
// unrolled to native vector<W> registers. Ops that cannot be vectorized stay
// scalar (they are still tiled, which is harmless); the numerics change only
// by FMA contraction and by the reassociated partial reductions.
//
//===----------------------------------------------------------------------===//

#include "qcc/Target/Passes.h"

#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorTransforms.h"
#include "mlir/IR/Dominance.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

using namespace mlir;

namespace qcc {
#define GEN_PASS_DEF_QCCTILEANDVECTORIZEPASS
#include "qcc/Target/Passes.h.inc"

namespace {

/// Discardable attribute on the innermost tiled ops that linalg::vectorize
/// should turn into vector code.
constexpr StringLiteral kVectorizeAttr = "qcc.vectorize";
/// Discardable attribute on the innermost tiled NCHW windowed ops that get
/// the output-width micro-kernel.
constexpr StringLiteral kWindowAttr = "qcc.window_kernel";
/// Discardable attribute of the pair-packed integer convolutions that
/// convert-qcc-to-linalg builds for quantized conv2d (LowerQuantized.cpp): a
/// linalg.generic with the maps of linalg.conv_2d_nchw_fchw (or
/// conv_2d_ngchw_gfchw), `strides` / `dilations` attributes, i32 operands
/// holding two 16-bit values each, and the payload
/// `acc + lo(x) * lo(w) + hi(x) * hi(w)`.
constexpr StringLiteral kPairDotAttr = "qcc.pair_dot";

/// Windows with more taps than this are emitted as loops, not unrolled.
constexpr int64_t kMaxUnrolledTaps = 64;

/// Strided input rows are read as one contiguous vector of (OWt x stride)
/// elements and deinterleaved with a shuffle while OWt x stride is at most
/// this (strides 2 and 4 on AVX2 and AVX-512 tiles); larger strides gather
/// the OWt elements with scalar loads instead, which keeps the IR (and
/// LLVM's compile time) linear in the taps. The tile planner gives such
/// convolutions full channel tiles, so that each gather is shared.
constexpr int64_t kMaxStridedReadElements = 64;

//===----------------------------------------------------------------------===//
// Small helpers
//===----------------------------------------------------------------------===//

/// Returns the largest divisor of `n` that is at most `limit` (at least 1).
int64_t largestDivisorAtMost(int64_t n, int64_t limit) {
  for (int64_t d = std::min(n, limit); d > 1; --d)
    if (n % d == 0)
      return d;
  return 1;
}

/// Returns true if every operand and result of `op` is a statically shaped
/// tensor (or a scalar).
bool hasStaticTensorSemantics(linalg::LinalgOp op) {
  if (!op.hasPureTensorSemantics())
    return false;
  for (Value v : op->getOperands())
    if (auto t = dyn_cast<ShapedType>(v.getType()); t && !t.hasStaticShape())
      return false;
  return true;
}

/// Returns the static loop ranges of `op`, or failure if one is dynamic.
FailureOr<SmallVector<int64_t>> getStaticRanges(linalg::LinalgOp op) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (llvm::any_of(ranges, ShapedType::isDynamic))
    return failure();
  return ranges;
}

/// Returns the loop dimension that indexes result `pos` of the first init's
/// indexing map, if that result is a plain dimension.
std::optional<unsigned> initResultDim(linalg::LinalgOp op, unsigned pos) {
  AffineMap map = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (pos >= map.getNumResults())
    return std::nullopt;
  if (auto d = dyn_cast<AffineDimExpr>(map.getResult(pos)))
    return d.getPosition();
  return std::nullopt;
}

/// Returns true if `op` is a pair-packed convolution: marked qcc.pair_dot,
/// with i32 operands and exactly the payload
/// `acc + (lo(x) * lo(w) + hi(x) * hi(w))`, lo(v) = (v << 16) >> 16 and
/// hi(v) = v >> 16 (arithmetic), which the micro-kernel replaces by a pair
/// multiply-add. A generic that only carries the marker is an ordinary op.
bool isPairDotOp(Operation *op) {
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (!generic || !op->hasAttr(kPairDotAttr) || generic.getNumDpsInputs() != 2 ||
      generic.getNumDpsInits() != 1)
    return false;
  Block *body = generic.getBody();
  if (llvm::any_of(body->getArgumentTypes(),
                   [](Type t) { return !t.isInteger(32); }))
    return false;
  Value x = body->getArgument(0), w = body->getArgument(1),
        acc = body->getArgument(2);
  auto isSixteen = [](Value v) {
    std::optional<int64_t> c = getConstantIntValue(v);
    return c && *c == 16;
  };
  auto hiOf = [&](Value v) -> Value {
    auto shr = v.getDefiningOp<arith::ShRSIOp>();
    return shr && isSixteen(shr.getRhs()) ? shr.getLhs() : Value();
  };
  auto loOf = [&](Value v) -> Value {
    Value inner = hiOf(v);
    auto shl = inner ? inner.getDefiningOp<arith::ShLIOp>() : nullptr;
    return shl && isSixteen(shl.getRhs()) ? shl.getLhs() : Value();
  };
  auto product = [&](Value v, function_ref<Value(Value)> half) {
    auto mul = v.getDefiningOp<arith::MulIOp>();
    return mul && half(mul.getLhs()) == x && half(mul.getRhs()) == w;
  };
  auto outer = body->getTerminator()->getOperand(0).getDefiningOp<arith::AddIOp>();
  if (!outer || outer.getLhs() != acc)
    return false;
  auto sum = outer.getRhs().getDefiningOp<arith::AddIOp>();
  return sum && product(sum.getLhs(), loOf) && product(sum.getRhs(), hiOf) &&
         llvm::range_size(body->without_terminator()) == 10;
}

/// Returns true if `op` is one of the NCHW windowed ops that get the
/// output-width micro-kernel.
bool isNchwWindowOp(Operation *op) {
  return isa<linalg::Conv2DNchwFchwOp, linalg::Conv2DNgchwGfchwOp,
             linalg::DepthwiseConv2DNchwChwOp, linalg::PoolingNchwMaxOp,
             linalg::PoolingNchwSumOp>(op) ||
         isPairDotOp(op);
}

/// Returns true if `op` is a dense or grouped NCHW convolution (a reduction
/// over input channels), named or pair-packed.
bool isChannelReducingConv(Operation *op) {
  return isa<linalg::Conv2DNchwFchwOp, linalg::Conv2DNgchwGfchwOp>(op) ||
         isPairDotOp(op);
}

/// Returns true if the payload of `op` only holds elementwise-mappable ops
/// (so that it can be applied to vectors by cloning it).
bool hasElementwisePayload(linalg::LinalgOp op) {
  Block *body = op.getBlock();
  for (Operation &inner : body->without_terminator()) {
    if (!OpTrait::hasElementwiseMappableTraits(&inner) ||
        inner.getNumRegions() != 0 || inner.getNumResults() != 1)
      return false;
    for (Type t : inner.getOperandTypes())
      if (!t.isIntOrIndexOrFloat())
        return false;
  }
  Operation *terminator = body->getTerminator();
  if (terminator->getNumOperands() != 1)
    return false;
  Operation *def = terminator->getOperand(0).getDefiningOp();
  return def && def->getBlock() == body;
}

//===----------------------------------------------------------------------===//
// Tile-size selection
//===----------------------------------------------------------------------===//

/// How one root op is tiled: `outer` tiles the parallel dimensions (and
/// fuses the producers of the inits), `inner` then tiles the reduction
/// dimensions of the resulting tile. 0 means "not tiled at this level".
struct TilePlan {
  SmallVector<int64_t> outer;
  SmallVector<int64_t> inner;
  /// The tile gets the NCHW output-width micro-kernel.
  bool window = false;
  /// The inner level splits the reduction along this contiguous dimension
  /// into vector lanes of partial results (reassociating the reduction),
  /// merged once at the end.
  std::optional<unsigned> partialReductionDim;
  /// The target's vector width, for the partial-reduction split.
  int64_t vectorWidth = 1;
  /// Elementwise consumers (activations, residual adds) are fused into the
  /// outer tile loop, so that they run on the tile while it is in registers.
  bool fuseConsumers = false;
  /// Order of the outer tile loops (a permutation of the iteration
  /// dimensions; empty keeps the op's order).
  SmallVector<int64_t> interchange;
};

class TilePlanner {
public:
  explicit TilePlanner(int64_t vectorWidth)
      : w(std::max<int64_t>(1, vectorWidth)) {}

  std::optional<TilePlan> plan(linalg::LinalgOp op) const {
    if (!hasStaticTensorSemantics(op) || op.getNumDpsInits() == 0)
      return std::nullopt;
    FailureOr<SmallVector<int64_t>> ranges = getStaticRanges(op);
    if (failed(ranges) || ranges->empty())
      return std::nullopt;
    if (isNchwWindowOp(op))
      if (std::optional<TilePlan> p = planWindow(op, *ranges))
        return p;
    if (std::optional<TilePlan> p = planContraction(op, *ranges))
      return p;
    return planGeneric(op, *ranges);
  }

private:
  /// Accumulator vectors a register tile may use: half the register file.
  int64_t accumulatorBudget() const { return w >= 16 ? 16 : 8; }

  /// Tile size along a vectorized dimension of `size` elements: a whole
  /// number of native vectors, at most `maxVectors`, chosen so that the
  /// peeled remainder is itself whole vectors or less than one (a remainder
  /// of e.g. 1.5 vectors legalizes into slow odd-sized operations).
  int64_t vectorTile(int64_t size, int64_t maxVectors) const {
    if (size <= w)
      return size;
    for (int64_t k = std::min(maxVectors, size / w); k > 1; --k) {
      int64_t rem = size % (k * w);
      if (rem % w == 0 || rem < w)
        return k * w;
    }
    return w;
  }

  /// NCHW windowed op: [n=1, (g=1,) channels=Fb, oh=1, ow=OWt], reductions
  /// untiled (the micro-kernel loops over them).
  std::optional<TilePlan> planWindow(linalg::LinalgOp op,
                                     ArrayRef<int64_t> ranges) const {
    if (!hasElementwisePayload(op))
      return std::nullopt;
    auto outType = cast<RankedTensorType>(op.getDpsInits()[0].getType());
    if (!outType.getElementType().isIntOrFloat())
      return std::nullopt;
    int64_t rank = outType.getRank();
    // Output layouts: [n, c, oh, ow] or [n, g, f, oh, ow].
    std::optional<unsigned> owDim = initResultDim(op, rank - 1);
    std::optional<unsigned> ohDim = initResultDim(op, rank - 2);
    std::optional<unsigned> chDim = initResultDim(op, rank - 3);
    if (!owDim || !ohDim || !chDim)
      return std::nullopt;
    TilePlan p;
    p.window = true;
    p.outer.assign(ranges.size(), 0);
    p.inner.assign(ranges.size(), 0);
    // Loops in output order (channels outside rows), so that a channel's
    // input rows are reused from cache by the next output row.
    for (unsigned i = 0; i < rank; ++i) {
      std::optional<unsigned> d = initResultDim(op, i);
      if (!d)
        return std::nullopt;
      p.outer[*d] = 1;
      p.interchange.push_back(*d);
    }
    for (unsigned d = 0, e = ranges.size(); d < e; ++d)
      if (!llvm::is_contained(p.interchange, d))
        p.interchange.push_back(d);
    int64_t owTile = vectorTile(ranges[*owDim], 2);
    p.outer[*owDim] = owTile;
    int64_t channelTile = 1;
    if (isChannelReducingConv(op)) {
      int64_t vecs = (owTile + w - 1) / w;
      int64_t budget = std::max<int64_t>(1, accumulatorBudget() / vecs);
      channelTile = largestDivisorAtMost(ranges[*chDim], budget);
      // Gathered (large-stride) input vectors cost a scalar load per lane:
      // share each over a full channel tile even when the channel count has
      // no divisor that fits (e.g. an STFT's 257 frequency bins), peeling
      // the remainder.
      int64_t sw = 1;
      if (auto strides = op->getAttrOfType<DenseIntElementsAttr>("strides"))
        if (strides.getNumElements() > 0)
          sw = llvm::to_vector(strides.getValues<int64_t>()).back();
      if (sw > 1 && owTile * sw > kMaxStridedReadElements)
        channelTile = std::min(ranges[*chDim], budget);
    }
    p.outer[*chDim] = channelTile;
    p.fuseConsumers = true;
    return p;
  }

  /// Contractions with one M and one N dimension, N innermost in the output:
  /// an Mt x Nt register tile, K tiled by 1 in an inner loop that keeps the
  /// accumulators in registers.
  std::optional<TilePlan> planContraction(linalg::LinalgOp op,
                                          ArrayRef<int64_t> ranges) const {
    if (!linalg::isaContractionOpInterface(op) || op.getNumDpsInits() != 1)
      return std::nullopt;
    FailureOr<linalg::ContractionDimensions> dims =
        linalg::inferContractionDims(op);
    if (failed(dims) || dims->m.size() != 1 || dims->n.size() != 1 ||
        dims->k.empty())
      return std::nullopt;
    int64_t rank =
        cast<RankedTensorType>(op.getDpsInits()[0].getType()).getRank();
    if (initResultDim(op, rank - 1) != dims->n.front())
      return std::nullopt;
    unsigned m = dims->m.front(), n = dims->n.front();
    TilePlan p;
    p.outer.assign(ranges.size(), 0);
    p.inner.assign(ranges.size(), 0);
    for (unsigned b : dims->batch)
      p.outer[b] = 1;
    int64_t mTile = std::min<int64_t>(ranges[m], w >= 16 ? 8 : 4);
    int64_t nTile = vectorTile(ranges[n], mTile == 1 ? 4 : 2);
    p.outer[m] = mTile;
    p.outer[n] = nTile;
    for (unsigned k : dims->k)
      p.inner[k] = 1;
    p.fuseConsumers = true;
    return p;
  }

  /// Everything else: the vector dimension gets up to 4 x W elements,
  /// every other dimension 1. The vector dimension is the one the first
  /// input is contiguous in when that is a reduction (a horizontal,
  /// reassociated reduction), else the innermost output dimension (outer
  /// reductions then accumulate whole vectors).
  std::optional<TilePlan> planGeneric(linalg::LinalgOp op,
                                      ArrayRef<int64_t> ranges) const {
    unsigned numLoops = ranges.size();
    SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
    int64_t rank =
        cast<RankedTensorType>(op.getDpsInits()[0].getType()).getRank();
    unsigned vecDim = numLoops - 1;
    if (rank > 0)
      if (std::optional<unsigned> d = initResultDim(op, rank - 1))
        vecDim = *d;
    std::optional<unsigned> inputDim;
    if (op.getNumDpsInputs() > 0) {
      OpOperand *in = op.getDpsInputOperand(0);
      AffineMap map = op.getMatchingIndexingMap(in);
      if (map.getNumResults() > 0)
        if (auto d = dyn_cast<AffineDimExpr>(map.getResults().back()))
          inputDim = d.getPosition();
    }
    bool horizontal = false;
    if (inputDim && iters[*inputDim] == utils::IteratorType::reduction &&
        ranges[*inputDim] > 1) {
      vecDim = *inputDim;
      horizontal = true;
    } else if (iters[numLoops - 1] == utils::IteratorType::reduction &&
               (rank == 0 || ranges[vecDim] == 1)) {
      vecDim = numLoops - 1;
      horizontal = true;
    }
    TilePlan p;
    p.outer.assign(numLoops, 0);
    p.inner.assign(numLoops, 0);
    unsigned numReductions = 0;
    for (unsigned i = 0; i < numLoops; ++i) {
      bool parallel = iters[i] == utils::IteratorType::parallel;
      numReductions += !parallel;
      int64_t size = i == vecDim ? vectorTile(ranges[i], 4) : 1;
      (parallel ? p.outer : p.inner)[i] = size;
    }
    // Partial-reduction tiling (upstream) does not offset linalg.index in
    // the tiled body, so bodies that read their position keep the full
    // reduction order.
    bool readsIndex = !op.getBlock()->getOps<linalg::IndexOp>().empty();
    if (horizontal && numReductions == 1 && ranges[vecDim] > w && !readsIndex)
      p.partialReductionDim = vecDim;
    p.vectorWidth = w;
    return p;
  }

  int64_t w;
};

//===----------------------------------------------------------------------===//
// Pre-tiling rewrites
//===----------------------------------------------------------------------===//

/// Whether `v` is the only use of the result of a convolution or
/// contraction (pooling and pair-packed integer convolutions included): the
/// ops whose tile plans fuse elementwise consumers. Other reductions keep
/// their consumers' maximal collapse.
static bool isSoleResultOfReduction(Value v) {
  auto producer = v.getDefiningOp<linalg::LinalgOp>();
  if (!producer || !v.hasOneUse() || producer->getNumResults() != 1 ||
      producer.getNumReductionLoops() == 0)
    return false;
  return linalg::isaContractionOpInterface(producer) ||
         linalg::isaConvolutionOpInterface(producer) ||
         producer->hasAttr(kPairDotAttr);
}

/// The dimension groups an elementwise `op` may collapse without losing its
/// fusion into the tile loop of the convolution or contraction producing
/// an input (tileRoot fuses a consumer only when it iterates exactly the
/// producer's result shape): none for a direct result, the reassociation of
/// the expand_shape for a pointwise convolution rewritten as a matmul
/// ([F, H*W] expanded to [1, F, H, W]). std::nullopt when no input comes
/// from such a producer.
static std::optional<SmallVector<ReassociationIndices>>
fusionPreservingGroups(linalg::GenericOp op) {
  if (op.getNumParallelLoops() != op.getNumLoops() ||
      op.getNumDpsInits() != 1 ||
      !op.getMatchingIndexingMap(op.getDpsInitOperand(0)).isIdentity())
    return std::nullopt;
  for (OpOperand *operand : op.getDpsInputOperands()) {
    // Other inputs may broadcast (a per-channel scale): only the producer's
    // operand must be read as the result is written.
    if (!op.getMatchingIndexingMap(operand).isIdentity())
      continue;
    Value input = operand->get();
    if (isSoleResultOfReduction(input)) {
      SmallVector<ReassociationIndices> none;
      for (unsigned d = 0; d < op.getNumLoops(); ++d)
        none.push_back({static_cast<int64_t>(d)});
      return none;
    }
    auto expand = input.getDefiningOp<tensor::ExpandShapeOp>();
    if (expand && expand->hasOneUse() &&
        isSoleResultOfReduction(expand.getSrc()))
      return expand.getReassociationIndices();
  }
  return std::nullopt;
}

/// Collapses runs of adjacent loop dimensions of a linalg.generic that are
/// contiguous in every operand (e.g. H and W of an NCHW elementwise op with a
/// per-channel broadcast), so that the vectorized dimension is as long as
/// possible. An elementwise consumer of a convolution or contraction keeps
/// the producer's shape instead, so that it fuses into the producer's tiles
/// (the producer's result, e.g. f32 before an int8 quantize, then never
/// goes through memory).
void collapseContiguousDims(RewriterBase &rewriter, linalg::GenericOp op) {
  if (!hasStaticTensorSemantics(op) || op.getNumLoops() < 2)
    return;
  if (std::optional<SmallVector<ReassociationIndices>> groups =
          fusionPreservingGroups(op)) {
    if (groups->size() == op.getNumLoops())
      return;
    rewriter.setInsertionPoint(op);
    FailureOr<linalg::CollapseResult> collapsed =
        linalg::collapseOpIterationDims(op, *groups, rewriter);
    if (failed(collapsed))
      return;
    rewriter.replaceOp(op, collapsed->results);
    // Read the matmul's result directly (collapse(expand(x)) is x), so that
    // tileRoot sees this op as the matmul's consumer.
    for (OpOperand &operand : collapsed->collapsedOp->getOpOperands()) {
      auto collapse = operand.get().getDefiningOp<tensor::CollapseShapeOp>();
      auto expand =
          collapse ? collapse.getSrc().getDefiningOp<tensor::ExpandShapeOp>()
                   : tensor::ExpandShapeOp();
      if (expand && expand.getSrcType() == collapse.getResultType() &&
          expand.getReassociationIndices() ==
              collapse.getReassociationIndices()) {
        rewriter.modifyOpInPlace(collapsed->collapsedOp,
                                 [&] { operand.set(expand.getSrc()); });
        if (collapse->use_empty())
          rewriter.eraseOp(collapse);
        if (expand->use_empty())
          rewriter.eraseOp(expand);
      }
    }
    return;
  }
  // A reshaped function result would cost a copy into the caller's buffer,
  // and a reshaped init producer could no longer be fused into its consumer:
  // then only dimensions that the results do not have (reductions) may be
  // collapsed.
  bool keepResultShapes = false;
  for (OpOperand &use : op->getUses()) {
    if (isa<func::ReturnOp>(use.getOwner()))
      keepResultShapes = true;
    if (auto user = dyn_cast<linalg::LinalgOp>(use.getOwner()))
      if (user.isDpsInit(&use) && !isa<linalg::GenericOp>(user))
        keepResultShapes = true;
  }
  llvm::SmallDenseSet<unsigned> resultDims;
  for (OpOperand &init : op.getDpsInitsMutable())
    for (AffineExpr e : op.getMatchingIndexingMap(&init).getResults())
      if (auto d = dyn_cast<AffineDimExpr>(e))
        resultDims.insert(d.getPosition());
  // Index computations and gathers see the original dimensions.
  bool hasIndexing = false;
  op.getBody()->walk([&](Operation *inner) {
    if (isa<linalg::IndexOp, tensor::ExtractOp>(inner))
      hasIndexing = true;
  });
  if (hasIndexing)
    return;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  // Windowed maps (a convolution written as a generic, `oh * s + kh`) do
  // not collapse: linalg::isDimSequencePreserved only looks at plain
  // dimension results.
  if (!llvm::all_of(maps, [](AffineMap map) {
        return map.isProjectedPermutation(/*allowZeroInResults=*/true);
      }))
    return;
  SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
  SmallVector<ReassociationIndices> groups;
  groups.push_back({0});
  for (unsigned d = 1, e = op.getNumLoops(); d < e; ++d) {
    ReassociationIndices candidate = groups.back();
    candidate.push_back(d);
    bool ok = iters[d] == iters[candidate.front()] &&
              !(keepResultShapes &&
                (resultDims.contains(d) || resultDims.contains(d - 1))) &&
              llvm::all_of(maps, [&](AffineMap map) {
                return linalg::isDimSequencePreserved(map, candidate);
              });
    if (ok)
      groups.back() = candidate;
    else
      groups.push_back({static_cast<int64_t>(d)});
  }
  if (groups.size() == op.getNumLoops())
    return;
  rewriter.setInsertionPoint(op);
  FailureOr<linalg::CollapseResult> collapsed =
      linalg::collapseOpIterationDims(op, groups, rewriter);
  if (failed(collapsed))
    return;
  rewriter.replaceOp(op, collapsed->results);
}

/// Returns the constant float `v` is (a scalar arith.constant), if any.
std::optional<double> constantFloat(Value v) {
  auto cst = v.getDefiningOp<arith::ConstantOp>();
  if (!cst)
    return std::nullopt;
  if (auto f = dyn_cast<FloatAttr>(cst.getValue()))
    return f.getValueAsDouble();
  return std::nullopt;
}

/// Returns the bounds [lo, hi] that `v = min(max(x, lo), hi)` (either
/// order, any of the arith float min/max flavours, constant bounds) clamps
/// to, if it has that form.
std::optional<std::pair<double, double>> clampBounds(Value v) {
  double lo = -INFINITY, hi = INFINITY;
  for (int depth = 0; depth < 2; ++depth) {
    Operation *def = v.getDefiningOp();
    if (!def || def->getNumOperands() != 2)
      break;
    bool isMin = isa<arith::MinimumFOp, arith::MinNumFOp>(def);
    bool isMax = isa<arith::MaximumFOp, arith::MaxNumFOp>(def);
    if (!isMin && !isMax)
      break;
    std::optional<double> c = constantFloat(def->getOperand(1));
    Value other = def->getOperand(0);
    if (!c) {
      c = constantFloat(def->getOperand(0));
      other = def->getOperand(1);
    }
    if (!c)
      break;
    if (isMin)
      hi = std::min(hi, *c);
    else
      lo = std::max(lo, *c);
    v = other;
  }
  if (std::isinf(lo) || std::isinf(hi))
    return std::nullopt;
  return std::make_pair(lo, hi);
}

/// Narrows `trunci(fptosi(x) : f64 -> i64) -> iN` (N <= 32) to
/// `fptosi(x) -> i32` (then trunci) where x is clamped to constants inside
/// the i32 range, so both give the same integer. x86 before AVX-512DQ has no
/// vector f64 -> i64 conversion (LLVM scalarizes it) but converts f64 -> i32
/// four lanes at a time; ONNX's QLinear requantization ends this way.
void narrowClampedFloatToInt(RewriterBase &rewriter, linalg::GenericOp op) {
  SmallVector<arith::FPToSIOp> candidates;
  op.getBody()->walk([&](arith::FPToSIOp cvt) { candidates.push_back(cvt); });
  for (arith::FPToSIOp cvt : candidates) {
    auto it = dyn_cast<IntegerType>(cvt.getType());
    if (!it || it.getWidth() <= 32 || cvt->use_empty() ||
        !llvm::all_of(cvt->getUsers(), [](Operation *user) {
          auto t = dyn_cast<arith::TruncIOp>(user);
          return t && t.getType().getIntOrFloatBitWidth() <= 32;
        }))
      continue;
    std::optional<std::pair<double, double>> bounds = clampBounds(cvt.getIn());
    if (!bounds || bounds->first < -2147483648.0 ||
        bounds->second >= 2147483648.0)
      continue;
    // The clamp only feeds the conversion: NaN (poison after fptosi either
    // way) and the sign of zero do not matter, so compare-and-select, which
    // x86 does in one maxpd / minpd, replaces the IEEE minimum / maximum
    // (whose NaN and signed-zero rules cost several instructions).
    SmallVector<Operation *, 2> chain;
    for (Value v = cvt.getIn(); chain.size() < 2;) {
      Operation *def = v.getDefiningOp();
      if (!def || !def->hasOneUse() ||
          !isa<arith::MinimumFOp, arith::MinNumFOp, arith::MaximumFOp,
               arith::MaxNumFOp>(def))
        break;
      chain.push_back(def);
      v = constantFloat(def->getOperand(1)) ? def->getOperand(0)
                                            : def->getOperand(1);
    }
    for (Operation *def : chain) {
      bool isMin = isa<arith::MinimumFOp, arith::MinNumFOp>(def);
      Value a = def->getOperand(0), c = def->getOperand(1);
      rewriter.setInsertionPoint(def);
      Value cmp = arith::CmpFOp::create(
          rewriter, def->getLoc(),
          isMin ? arith::CmpFPredicate::OLT : arith::CmpFPredicate::OGT, a, c);
      Value sel = arith::SelectOp::create(rewriter, def->getLoc(), cmp, a, c);
      rewriter.replaceOp(def, sel);
    }
    rewriter.setInsertionPoint(cvt);
    Type i32 = rewriter.getI32Type();
    Value narrow =
        arith::FPToSIOp::create(rewriter, cvt.getLoc(), i32, cvt.getIn());
    for (Operation *user : llvm::to_vector(cvt->getUsers())) {
      auto trunc = cast<arith::TruncIOp>(user);
      rewriter.setInsertionPoint(trunc);
      Value repl = narrow;
      if (trunc.getType() != i32)
        repl = arith::TruncIOp::create(rewriter, trunc.getLoc(),
                                       trunc.getType(), narrow);
      rewriter.replaceOp(trunc, repl);
    }
    rewriter.eraseOp(cvt);
  }
}

/// Rewrites a 1x1, stride-1, unpadded NCHW convolution with batch 1 into a
/// linalg.matmul [F x C] * [C x H*W], which gets the matmul register tile.
void convertPointwiseConvToMatmul(RewriterBase &rewriter,
                                  linalg::Conv2DNchwFchwOp conv) {
  if (!hasStaticTensorSemantics(conv))
    return;
  auto inType = cast<RankedTensorType>(conv.getInputs()[0].getType());
  auto kType = cast<RankedTensorType>(conv.getInputs()[1].getType());
  auto outType = cast<RankedTensorType>(conv.getOutputs()[0].getType());
  if (inType.getDimSize(0) != 1 || kType.getDimSize(2) != 1 ||
      kType.getDimSize(3) != 1 ||
      inType.getDimSize(2) != outType.getDimSize(2) ||
      inType.getDimSize(3) != outType.getDimSize(3))
    return;
  if (llvm::any_of(conv.getStrides().getValues<int64_t>(),
                   [](int64_t s) { return s != 1; }))
    return;
  Type elt = outType.getElementType();
  if (inType.getElementType() != elt || kType.getElementType() != elt ||
      !isa<FloatType>(elt))
    return;
  Location loc = conv.getLoc();
  rewriter.setInsertionPoint(conv);
  int64_t c = inType.getDimSize(1), f = outType.getDimSize(1);
  int64_t hw = outType.getDimSize(2) * outType.getDimSize(3);
  SmallVector<ReassociationIndices> inMap = {{0, 1}, {2, 3}};
  SmallVector<ReassociationIndices> kMap = {{0}, {1, 2, 3}};
  Value in = tensor::CollapseShapeOp::create(
      rewriter, loc, RankedTensorType::get({c, hw}, elt), conv.getInputs()[0],
      inMap);
  Value k = tensor::CollapseShapeOp::create(rewriter, loc,
                                            RankedTensorType::get({f, c}, elt),
                                            conv.getInputs()[1], kMap);
  // The init: a per-channel bias broadcast or a fill used only here is
  // rebuilt on the [F, H*W] shape, so that it still fuses into the matmul's
  // tiles (through a collapse_shape it would be a separate pass).
  auto outType2 = RankedTensorType::get({f, hw}, elt);
  Value init = conv.getOutputs()[0];
  Value out;
  if (init.hasOneUse()) {
    if (auto bcast = init.getDefiningOp<linalg::BroadcastOp>()) {
      auto inputType = dyn_cast<RankedTensorType>(bcast.getInput().getType());
      if (inputType && inputType.getRank() == 1 &&
          bcast.getDimensions() == ArrayRef<int64_t>{0, 2, 3}) {
        Value empty =
            tensor::EmptyOp::create(rewriter, loc, outType2.getShape(), elt);
        out = linalg::BroadcastOp::create(rewriter, loc, bcast.getInput(),
                                          empty, ArrayRef<int64_t>{1})
                  ->getResult(0);
      }
    } else if (auto fill = init.getDefiningOp<linalg::FillOp>()) {
      Value empty =
          tensor::EmptyOp::create(rewriter, loc, outType2.getShape(), elt);
      out = linalg::FillOp::create(rewriter, loc, fill.getInputs()[0], empty)
                .getResult(0);
    }
  }
  if (!out)
    out = tensor::CollapseShapeOp::create(rewriter, loc, outType2, init, inMap);
  auto mm = linalg::MatmulOp::create(rewriter, loc, TypeRange{out.getType()},
                                     ValueRange{k, in}, ValueRange{out});
  Value result = tensor::ExpandShapeOp::create(rewriter, loc, outType,
                                               mm.getResult(0), inMap);
  rewriter.replaceOp(conv, result);
  if (Operation *def = init.getDefiningOp(); def && def->use_empty())
    rewriter.eraseOp(def);
}

/// Emits vector loops that copy the statically shaped tensor `source` into
/// `dest` at `offsets` and returns the updated `dest`: scf.for over every
/// dimension but the last, the last one in chunks of at most `chunk`
/// elements (a loop over the full chunks, then one partial chunk).
Value emitVectorCopy(RewriterBase &rewriter, Location loc, Value source,
                     Value dest, ArrayRef<int64_t> offsets, int64_t chunk) {
  auto type = cast<RankedTensorType>(source.getType());
  int64_t rank = type.getRank();
  Type elt = type.getElementType();
  auto cst = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(rewriter, loc, v);
  };
  // Copies one row [ivs..., *] of the source.
  auto copyRow = [&](ValueRange ivs, Value acc) -> Value {
    int64_t len = type.getShape().back();
    int64_t step = std::min(len, chunk);
    int64_t full = len / step * step;
    auto indices = [&](Value col, bool dst) {
      SmallVector<Value> idx;
      for (auto [d, iv] : llvm::enumerate(ivs))
        idx.push_back(
            dst && offsets[d] != 0
                ? arith::AddIOp::create(rewriter, loc, iv, cst(offsets[d]))
                      .getResult()
                : iv);
      idx.push_back(
          dst ? arith::AddIOp::create(rewriter, loc, col, cst(offsets.back()))
                    .getResult()
              : col);
      return idx;
    };
    auto copyChunk = [&](Value col, int64_t size, Value into) -> Value {
      auto vt = VectorType::get({size}, elt);
      Value pad = ub::PoisonOp::create(rewriter, loc, elt);
      Value v = vector::TransferReadOp::create(rewriter, loc, vt, source,
                                               indices(col, false), pad,
                                               ArrayRef<bool>{true});
      return vector::TransferWriteOp::create(rewriter, loc, v, into,
                                             indices(col, true),
                                             ArrayRef<bool>{true})
          .getResult();
    };
    if (full == step) {
      acc = copyChunk(cst(0), step, acc);
    } else if (full > 0) {
      auto loop = scf::ForOp::create(rewriter, loc, cst(0), cst(full),
                                     cst(step), ValueRange{acc});
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(loop.getBody());
      Value next =
          copyChunk(loop.getInductionVar(), step, loop.getRegionIterArgs()[0]);
      scf::YieldOp::create(rewriter, loc, next);
      rewriter.setInsertionPointAfter(loop);
      acc = loop.getResult(0);
    }
    if (len > full)
      acc = copyChunk(cst(full), len - full, acc);
    return acc;
  };
  // Loop nest over the leading dimensions.
  std::function<Value(SmallVector<Value> &, Value)> build =
      [&](SmallVector<Value> &ivs, Value acc) -> Value {
    if (static_cast<int64_t>(ivs.size()) == rank - 1)
      return copyRow(ivs, acc);
    int64_t size = type.getDimSize(ivs.size());
    auto loop = scf::ForOp::create(rewriter, loc, cst(0), cst(size), cst(1),
                                   ValueRange{acc});
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(loop.getBody());
    ivs.push_back(loop.getInductionVar());
    Value next = build(ivs, loop.getRegionIterArgs()[0]);
    ivs.pop_back();
    scf::YieldOp::create(rewriter, loc, next);
    return loop.getResult(0);
  };
  SmallVector<Value> ivs;
  Value result = build(ivs, dest);
  return result;
}

/// Rewrites a statically shaped tensor.pad with a constant padding value
/// into a linalg.fill of the padded tensor (tiled and vectorized like any
/// other op) and vector loops that copy the source into its interior. The
/// pad itself would bufferize to scalar loops; an insert_slice of a copy
/// would leave a self-copy behind.
void decomposePad(RewriterBase &rewriter, tensor::PadOp pad,
                  int64_t vectorWidth) {
  RankedTensorType resultType = pad.getResultType();
  Value source = pad.getSource();
  auto sourceType = cast<RankedTensorType>(source.getType());
  Value padValue = pad.getConstantPaddingValue();
  if (!padValue || !resultType.hasStaticShape() ||
      !sourceType.hasStaticShape() || sourceType.getRank() == 0 ||
      sourceType.getNumElements() == 0 || pad.getNofold())
    return;
  SmallVector<int64_t> low = llvm::to_vector(pad.getStaticLow());
  if (llvm::any_of(low, ShapedType::isDynamic))
    return;
  Location loc = pad.getLoc();
  rewriter.setInsertionPoint(pad);
  Value empty = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                        resultType.getElementType());
  Value filled =
      linalg::FillOp::create(rewriter, loc, padValue, empty).getResult(0);
  Value copied =
      emitVectorCopy(rewriter, loc, source, filled, low, 4 * vectorWidth);
  rewriter.replaceOp(pad, copied);
}

//===----------------------------------------------------------------------===//
// Tiling
//===----------------------------------------------------------------------===//

/// Returns true if `producer` may be fused into the outer tile loop of a
/// consumer whose init it produces: fills and all-parallel linalg ops (a
/// broadcast bias) are computed tile by tile, exactly once per element.
bool isFusableInitProducer(Operation *producer) {
  auto linalgOp = dyn_cast_or_null<linalg::LinalgOp>(producer);
  if (!linalgOp || !hasStaticTensorSemantics(linalgOp))
    return false;
  if (isa<linalg::FillOp>(producer))
    return true;
  return linalgOp.getNumParallelLoops() == linalgOp.getNumLoops() &&
         producer->getNumResults() == 1;
}

/// Returns true if `consumer` may be fused into the outer tile loop that
/// produces its operand `value`: a statically shaped, all-parallel linalg op
/// with a single result, reading `value` with the same map as it writes its
/// result (so that the producer's tile is exactly the consumer's tile).
bool isFusableElementwiseConsumer(linalg::LinalgOp consumer, Value value) {
  if (!hasStaticTensorSemantics(consumer) || consumer->getNumResults() != 1 ||
      consumer.getNumParallelLoops() != consumer.getNumLoops())
    return false;
  AffineMap resultMap =
      consumer.getMatchingIndexingMap(consumer.getDpsInitOperand(0));
  if (!resultMap.isPermutation())
    return false;
  for (OpOperand *input : consumer.getDpsInputOperands())
    if (input->get() == value &&
        consumer.getMatchingIndexingMap(input) != resultMap)
      return false;
  return cast<ShapedType>(value.getType()).getShape() ==
         cast<ShapedType>(consumer->getResult(0).getType()).getShape();
}

/// Tiles `op` according to `plan` and marks the innermost tiles for
/// vectorization. Returns failure (leaving `op` untouched) if tiling fails.
LogicalResult tileRoot(RewriterBase &rewriter, linalg::LinalgOp op,
                       const TilePlan &plan) {
  MLIRContext *ctx = op.getContext();
  // Producers of the inits that only this op uses.
  llvm::SmallPtrSet<Operation *, 4> fusable;
  for (Value init : op.getDpsInits())
    if (Operation *producer = init.getDefiningOp())
      if (isFusableInitProducer(producer) && producer->hasOneUse())
        fusable.insert(producer);

  scf::SCFTilingOptions outerOptions;
  outerOptions.setTileSizes(getAsIndexOpFoldResult(ctx, plan.outer));
  if (!plan.interchange.empty())
    outerOptions.setInterchange(plan.interchange);
  scf::SCFTileAndFuseOptions fuseOptions;
  fuseOptions.setTilingOptions(outerOptions);
  fuseOptions.setFusionControlFn(
      [&](tensor::ExtractSliceOp, OpResult producer, bool isDestination)
          -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
        if (!isDestination || !fusable.contains(producer.getOwner()))
          return std::nullopt;
        return scf::SCFTileAndFuseOptions::ControlFnResult{};
      });
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTileAndFuseResult> outer =
      scf::tileConsumerAndFuseProducersUsingSCF(
          rewriter, cast<TilingInterface>(op.getOperation()), fuseOptions);
  if (failed(outer))
    return failure();
  for (OpResult result : op->getResults())
    if (Value repl = outer->replacements.lookup(result))
      rewriter.replaceAllUsesWith(result, repl);
  if (op->use_empty())
    rewriter.eraseOp(op);

  Operation *tiled = outer->tiledAndFusedOps.front();
  StringLiteral marker = plan.window ? kWindowAttr : kVectorizeAttr;
  // Fused init producers are vectorized as they are.
  for (Operation *fused : outer->tiledAndFusedOps)
    if (fused != tiled)
      fused->setAttr(kVectorizeAttr, UnitAttr::get(ctx));

  // Pull a chain of elementwise consumers into the tile loop.
  if (plan.fuseConsumers && !outer->loops.empty() &&
      outer->loops.front()->getNumResults() == 1) {
    for (int chain = 0; chain < 4; ++chain) {
      Operation *outermost = outer->loops.front();
      Value produced = outermost->getResult(outermost->getNumResults() - 1);
      if (!produced.hasOneUse())
        break;
      auto consumer = dyn_cast<linalg::LinalgOp>(*produced.getUsers().begin());
      if (!consumer || !isFusableElementwiseConsumer(consumer, produced))
        break;
      rewriter.setInsertionPoint(consumer);
      FailureOr<scf::SCFFuseConsumerOfSliceResult> fused =
          scf::tileAndFuseConsumer(rewriter, consumer, outer->loops);
      if (failed(fused))
        break;
      for (Operation *t : fused->tiledOps)
        t->setAttr(kVectorizeAttr, UnitAttr::get(ctx));
    }
  }

  SmallVector<int64_t> innerSizes = plan.inner;
  std::optional<unsigned> partialDim = plan.partialReductionDim;
  if (partialDim) {
    // Split off the last (size mod W) reduction elements so that the
    // partial results tile the rest exactly; the remainder is reduced in
    // order by its own small op, which accumulates onto the first result.
    auto tiledLinalg = cast<linalg::LinalgOp>(tiled);
    FailureOr<SmallVector<int64_t>> ranges = getStaticRanges(tiledLinalg);
    int64_t size = succeeded(ranges) ? (*ranges)[*partialDim] : 0;
    int64_t main = size / plan.vectorWidth * plan.vectorWidth;
    int64_t tile = 0;
    for (int64_t t = plan.vectorWidth;
         t <= innerSizes[*partialDim] && t <= main; t += plan.vectorWidth)
      if (main % t == 0)
        tile = t;
    if (tile == 0) {
      partialDim.reset();
    } else {
      if (main < size) {
        rewriter.setInsertionPoint(tiled);
        auto [first, second] =
            linalg::splitOp(rewriter, cast<TilingInterface>(tiled), *partialDim,
                            rewriter.getIndexAttr(main));
        if (!first || !second)
          return success();
        second->setAttr(kVectorizeAttr, UnitAttr::get(ctx));
        tiled = first;
      }
      innerSizes[*partialDim] = tile;
    }
  }

  if (llvm::any_of(innerSizes, [](int64_t s) { return s != 0; })) {
    scf::SCFTilingOptions innerOptions;
    innerOptions.setTileSizes(getAsIndexOpFoldResult(ctx, innerSizes));
    if (partialDim)
      innerOptions
          .setReductionTilingStrategy(
              ReductionTilingStrategy::PartialReductionOuterReduction)
          .setReductionDims({*partialDim});
    rewriter.setInsertionPoint(tiled);
    FailureOr<scf::SCFTilingResult> inner =
        scf::tileUsingSCF(rewriter, cast<TilingInterface>(tiled), innerOptions);
    if (failed(inner) && partialDim) {
      // Not a recognizable combiner: keep the reduction order instead.
      innerOptions.setReductionTilingStrategy(
          ReductionTilingStrategy::FullReduction);
      inner = scf::tileUsingSCF(rewriter, cast<TilingInterface>(tiled),
                                innerOptions);
    }
    if (succeeded(inner)) {
      rewriter.replaceOp(tiled, inner->replacements);
      tiled = inner->tiledOps.back();
      // The partial-result initialization and the final merge are small
      // vectorizable ops as well.
      for (Value init : inner->initialValues)
        if (Operation *def = init.getDefiningOp<linalg::LinalgOp>())
          def->setAttr(kVectorizeAttr, UnitAttr::get(ctx));
      for (Operation *merge : inner->mergeOps)
        if (isa<linalg::LinalgOp>(merge))
          merge->setAttr(kVectorizeAttr, UnitAttr::get(ctx));
    }
  }
  tiled->setAttr(marker, UnitAttr::get(ctx));
  return success();
}

/// Peels the last partial iteration off every scf.for whose static trip
/// count does not divide evenly, so that all tiles but one per loop are full
/// and every tile has a static shape.
void peelPartialTiles(RewriterBase &rewriter, func::FuncOp func) {
  bool changed = true;
  while (changed) {
    changed = false;
    SmallVector<scf::ForOp> loops;
    func.walk([&](scf::ForOp loop) { loops.push_back(loop); });
    for (scf::ForOp loop : loops) {
      std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound());
      std::optional<int64_t> ub = getConstantIntValue(loop.getUpperBound());
      std::optional<int64_t> step = getConstantIntValue(loop.getStep());
      if (!lb || !ub || !step || *step <= 1)
        continue;
      int64_t span = *ub - *lb;
      if (span <= *step || span % *step == 0)
        continue;
      scf::ForOp partial;
      if (succeeded(scf::peelForLoopAndSimplifyBounds(rewriter, loop, partial)))
        changed = true;
    }
  }
}

//===----------------------------------------------------------------------===//
// NCHW windowed micro-kernel
//===----------------------------------------------------------------------===//

/// Returns `acc + lo(x) * lo(k) + hi(x) * hi(k)` lane by lane for i32
/// vectors `x`, `k`, `acc` whose lanes hold two 16-bit halves (the payload
/// of a pair-packed convolution). With `pmaddwdLanes` > 0 (x86) the pair
/// products come from llvm.x86.*.pmadd.wd on `pmaddwdLanes`-lane chunks
/// (one vpmaddwd, or vpdpwssd with the add on VNNI targets); otherwise from
/// even/odd 16-bit shuffles, sign extensions, multiplies and adds. Both are
/// exact: each product is at most 255 * 255 in magnitude and a pair sum
/// fits i32, so the results are identical.
Value emitPairDot(OpBuilder &b, Location loc, Value x, Value k, Value acc,
                  int64_t pmaddwdLanes) {
  auto vt = cast<VectorType>(x.getType());
  int64_t n = vt.getNumElements();
  Type i16 = b.getI16Type(), i32 = b.getI32Type();
  auto halves = [&](Value v, int64_t lanes) -> Value {
    return vector::BitCastOp::create(b, loc, VectorType::get({2 * lanes}, i16),
                                     v);
  };
  Value sum;
  if (pmaddwdLanes == 4 || pmaddwdLanes == 8 || pmaddwdLanes == 16) {
    int64_t l = pmaddwdLanes;
    StringRef name = l == 4   ? "llvm.x86.sse2.pmadd.wd"
                     : l == 8 ? "llvm.x86.avx2.pmadd.wd"
                              : "llvm.x86.avx512.pmaddw.d.512";
    auto chunkType = VectorType::get({l}, i32);
    // Lanes [j, j + l) of `v` (padded with lane 0 past the end).
    auto chunk = [&](Value v, int64_t j) -> Value {
      if (n == l)
        return v;
      SmallVector<int64_t> mask;
      for (int64_t i = 0; i < l; ++i)
        mask.push_back(j + i < n ? j + i : 0);
      return vector::ShuffleOp::create(b, loc, v, v, mask);
    };
    for (int64_t j = 0; j < n; j += l) {
      Value p = LLVM::CallIntrinsicOp::create(
                    b, loc, chunkType, b.getStringAttr(name),
                    ValueRange{halves(chunk(x, j), l), halves(chunk(k, j), l)})
                    .getResult(0);
      int64_t len = std::min(l, n - j);
      if (!sum) {
        if (n == l) {
          sum = p;
          continue;
        }
        SmallVector<int64_t> mask;
        for (int64_t i = 0; i < len; ++i)
          mask.push_back(i);
        sum = vector::ShuffleOp::create(b, loc, p, p, mask);
        continue;
      }
      // Append the first `len` lanes of `p`.
      int64_t have = cast<VectorType>(sum.getType()).getNumElements();
      SmallVector<int64_t> mask;
      for (int64_t i = 0; i < have + len; ++i)
        mask.push_back(i < have ? i : have + (i - have));
      sum = vector::ShuffleOp::create(b, loc, sum, p, mask);
    }
  } else {
    auto lanes = [&](Value v, int64_t parity) -> Value {
      SmallVector<int64_t> mask;
      for (int64_t i = 0; i < n; ++i)
        mask.push_back(2 * i + parity);
      Value h = halves(v, n);
      Value s = vector::ShuffleOp::create(b, loc, h, h, mask);
      return arith::ExtSIOp::create(b, loc, VectorType::get({n}, i32), s);
    };
    Value lo = arith::MulIOp::create(b, loc, lanes(x, 0), lanes(k, 0));
    Value hi = arith::MulIOp::create(b, loc, lanes(x, 1), lanes(k, 1));
    sum = arith::AddIOp::create(b, loc, lo, hi);
  }
  return arith::AddIOp::create(b, loc, acc, sum);
}

/// Replaces a statically shaped NCHW windowed tile (output [1, (1,) Fb, 1,
/// OWt]) with vector code along the output width:
///
///   acc[f] = out[0, f, 0, :]                      (Fb vectors of OWt)
///   for c:                                        (scf.for, convs only)
///     for kh, kw:                                 (unrolled; loops if
///                                                  > 64 taps)
///       x = in[0, c, kh*dh, kw*dw + sw*(0..OWt)]  (one vector read, or
///                                                  per-lane loads for
///                                                  large strides)
///       acc[f] = payload(x, broadcast(k[f, c, kh, kw]), acc[f])
///   out[0, f, 0, :] = acc[f]
///
/// The payload is the op's own scalar region applied to vectors, so the
/// element types and combining functions (FMA, max, sum, integer extension)
/// are exactly the op's.

LogicalResult vectorizeWindowTile(RewriterBase &rewriter, linalg::LinalgOp op,
                                  int64_t pmaddwdLanes) {
  if (!hasStaticTensorSemantics(op) || !hasElementwisePayload(op))
    return failure();
  Location loc = op.getLoc();
  Value input = op.getDpsInputs()[0];
  Value init = op.getDpsInits()[0];
  auto inType = cast<RankedTensorType>(input.getType());
  auto outType = cast<RankedTensorType>(init.getType());
  bool pooling = isa<linalg::PoolingNchwMaxOp, linalg::PoolingNchwSumOp>(op);
  bool depthwise = isa<linalg::DepthwiseConv2DNchwChwOp>(op);
  bool pairDot = isPairDotOp(op);
  bool grouped =
      isa<linalg::Conv2DNgchwGfchwOp>(op) ||
      (pairDot &&
       cast<RankedTensorType>(op.getDpsInits()[0].getType()).getRank() == 5);
  Value kernel = pooling ? Value() : op.getDpsInputs()[1];
  auto kType = cast<RankedTensorType>(op.getDpsInputs()[1].getType());

  // Window geometry from the op's attributes (absent means 1).
  SmallVector<int64_t> s = {1, 1}, d = {1, 1};
  if (auto strides = op->getAttrOfType<DenseIntElementsAttr>("strides"))
    s = llvm::to_vector(strides.getValues<int64_t>());
  if (auto dilations = op->getAttrOfType<DenseIntElementsAttr>("dilations"))
    d = llvm::to_vector(dilations.getValues<int64_t>());
  if (s.size() != 2 || d.size() != 2)
    return failure();
  int64_t rank = outType.getRank();
  ArrayRef<int64_t> outShape = outType.getShape();
  int64_t owTile = outShape[rank - 1];
  int64_t numChannels = outShape[rank - 3];
  if (outShape[0] != 1 || outShape[rank - 2] != 1 ||
      (grouped && outShape[1] != 1))
    return failure();
  int64_t kh = kType.getDimSize(kType.getRank() - 2);
  int64_t kw = kType.getDimSize(kType.getRank() - 1);
  // Reduction channels (convolutions only).
  int64_t reductionChannels =
      pooling || depthwise ? 1 : inType.getDimSize(inType.getRank() - 3);
  if ((pooling || depthwise) && numChannels != 1)
    return failure();

  Type inElt = inType.getElementType();
  Type outElt = outType.getElementType();
  Type kElt = kType.getElementType();
  auto outVecType = VectorType::get({owTile}, outElt);
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  auto cst = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(rewriter, loc, v);
  };
  Block *body = op.getBlock();

  // Index builders for the input, kernel and output tiles.
  auto inIndices = [&](Value c, Value row, Value col) {
    SmallVector<Value> idx = {zero};
    if (grouped)
      idx.push_back(zero);
    idx.push_back(c);
    idx.push_back(row);
    idx.push_back(col);
    return idx;
  };
  // Position of output channel `f`'s row in the tile vector.
  auto rowPosition = [&](int64_t f) {
    SmallVector<int64_t> pos = {0};
    if (grouped)
      pos.push_back(0);
    pos.push_back(f);
    pos.push_back(0);
    return pos;
  };
  auto kIndices = [&](int64_t f, Value c, Value r, Value q) {
    SmallVector<Value> idx;
    if (grouped)
      idx.push_back(zero);
    if (depthwise) {
      idx.push_back(zero);
    } else {
      idx.push_back(cst(f));
      idx.push_back(c);
    }
    idx.push_back(r);
    idx.push_back(q);
    return idx;
  };
  // `v * k` for a window position `v` (a constant or a loop variable).
  auto scaled = [&](Value v, int64_t k) -> Value {
    if (std::optional<int64_t> c = getConstantIntValue(v))
      return cst(*c * k);
    return arith::MulIOp::create(rewriter, loc, v, cst(k));
  };

  // Reads one output-width vector of input row `row` starting at `col`
  // (at most `maxCol`, which bounds the length of a strided read).
  int64_t sw = s[1];
  int64_t inWidth = inType.getDimSize(inType.getRank() - 1);
  auto readInput = [&](Value c, Value row, Value col, int64_t maxCol) -> Value {
    if (sw > 1 && owTile * sw > kMaxStridedReadElements) {
      // Large strides (e.g. an STFT's hop): one scalar load per lane. The
      // wide read would be mostly discarded, and LLVM's cost to legalize a
      // shuffle grows with the source width.
      SmallVector<Value> lanes;
      for (int64_t i = 0; i < owTile; ++i) {
        Value laneCol = col;
        if (i != 0) {
          if (std::optional<int64_t> c0 = getConstantIntValue(col))
            laneCol = cst(*c0 + i * sw);
          else
            laneCol = arith::AddIOp::create(rewriter, loc, col, cst(i * sw));
        }
        lanes.push_back(tensor::ExtractOp::create(rewriter, loc, input,
                                                  inIndices(c, row, laneCol)));
      }
      return vector::FromElementsOp::create(
          rewriter, loc, VectorType::get({owTile}, inElt), lanes);
    }
    Value pad = ub::PoisonOp::create(rewriter, loc, inElt);
    if (sw == 1) {
      auto vt = VectorType::get({owTile}, inElt);
      return vector::TransferReadOp::create(rewriter, loc, vt, input,
                                            inIndices(c, row, col), pad,
                                            ArrayRef<bool>{true});
    }
    int64_t len = std::min(owTile * sw, inWidth - maxCol);
    auto vt = VectorType::get({len}, inElt);
    Value wide = vector::TransferReadOp::create(rewriter, loc, vt, input,
                                                inIndices(c, row, col), pad,
                                                ArrayRef<bool>{true});
    SmallVector<int64_t> mask;
    for (int64_t i = 0; i < owTile; ++i)
      mask.push_back(i * sw);
    return vector::ShuffleOp::create(rewriter, loc, wide, wide, mask);
  };

  // Applies the payload to (input vector, kernel vector, accumulator).
  // hasElementwisePayload guarantees scalar ops whose operands are block
  // arguments, earlier payload results or scalars from above.
  auto applyPayload = [&](Value x, Value k, Value acc) -> Value {
    if (pairDot)
      return emitPairDot(rewriter, loc, x, k, acc, pmaddwdLanes);
    IRMapping map;
    map.map(body->getArgument(0), x);
    map.map(body->getArgument(1), k);
    map.map(body->getArgument(2), acc);
    for (Operation &inner : body->without_terminator()) {
      for (Value operand : inner.getOperands())
        if (!map.contains(operand)) {
          // Scalars from above: broadcast.
          map.map(operand,
                  vector::BroadcastOp::create(
                      rewriter, loc,
                      VectorType::get({owTile}, operand.getType()), operand));
        }
      Operation *clone = rewriter.clone(inner, map);
      // Let LLVM fuse the multiply-add into an FMA, as the matmul lowering
      // does.
      // (arith.extf of narrow float weights has no flags attribute.)
      if (auto fmf = dyn_cast<arith::ArithFastMathInterface>(clone)) {
        arith::FastMathFlags flags = arith::FastMathFlags::none;
        if (arith::FastMathFlagsAttr attr = fmf.getFastMathFlagsAttr())
          flags = attr.getValue();
        clone->setAttr(fmf.getFastMathAttrName(),
                       arith::FastMathFlagsAttr::get(
                           rewriter.getContext(),
                           flags | arith::FastMathFlags::contract));
      }
      Type scalar = inner.getResult(0).getType();
      clone->getResult(0).setType(VectorType::get({owTile}, scalar));
      map.map(inner.getResult(0), clone->getResult(0));
    }
    Value yielded = body->getTerminator()->getOperand(0);
    return map.lookupOrDefault(yielded);
  };

  // The output tile is read and written as one vector of its own shape, so
  // that the surrounding extract_slice/insert_slice pair folds into the
  // transfers and the result lands directly in the loop-carried tensor.
  rewriter.setInsertionPoint(op);
  Value outPad = ub::PoisonOp::create(rewriter, loc, outElt);
  auto tileVecType = VectorType::get(outShape, outElt);
  SmallVector<Value> tileIndices(rank, zero);
  SmallVector<bool> tileInBounds(rank, true);
  Value tile = vector::TransferReadOp::create(
      rewriter, loc, tileVecType, init, tileIndices, outPad, tileInBounds);
  SmallVector<Value> accs;
  for (int64_t f = 0; f < numChannels; ++f)
    accs.push_back(
        vector::ExtractOp::create(rewriter, loc, tile, rowPosition(f)));

  // Emits one window tap (r, q) for reduction channel `c`.
  auto emitTap = [&](Value c, Value r, Value q, int64_t maxQ,
                     SmallVector<Value> &accVals) {
    Value x = readInput(c, scaled(r, d[0]), scaled(q, d[1]), maxQ * d[1]);
    for (int64_t f = 0; f < numChannels; ++f) {
      Value k;
      if (pooling) {
        // Pooling payloads ignore the window operand; feed a zero.
        k = arith::ConstantOp::create(rewriter, loc, outVecType,
                                      rewriter.getZeroAttr(outVecType));
        if (kElt != outElt)
          k = vector::BroadcastOp::create(
              rewriter, loc, VectorType::get({owTile}, kElt),
              arith::ConstantOp::create(rewriter, loc, kElt,
                                        rewriter.getZeroAttr(kElt)));
      } else {
        Value scalar = tensor::ExtractOp::create(rewriter, loc, kernel,
                                                 kIndices(f, c, r, q));
        k = vector::BroadcastOp::create(
            rewriter, loc, VectorType::get({owTile}, kElt), scalar);
      }
      accVals[f] = applyPayload(x, k, accVals[f]);
    }
  };
  // Emits `body(iv, accs)` for iv in [0, n) as an scf.for carrying the
  // accumulators.
  auto emitLoop = [&](int64_t n, SmallVector<Value> &accVals,
                      function_ref<void(Value, SmallVector<Value> &)> body) {
    auto loop =
        scf::ForOp::create(rewriter, loc, zero, cst(n), cst(1), accVals);
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(loop.getBody());
    SmallVector<Value> iterAccs(loop.getRegionIterArgs());
    body(loop.getInductionVar(), iterAccs);
    scf::YieldOp::create(rewriter, loc, iterAccs);
    accVals.assign(loop.getResults().begin(), loop.getResults().end());
  };
  // Emits the (kh, kw) window for reduction channel `c`: unrolled when it
  // is small, otherwise with the rows (and, for very wide windows, the
  // columns) in loops, so that large pooling windows (e.g. 60 x 80) do not
  // produce thousands of unrolled taps.
  auto emitWindow = [&](Value c, SmallVector<Value> &accVals) {
    auto emitRow = [&](Value r, SmallVector<Value> &rowAccs) {
      if (kw > kMaxUnrolledTaps) {
        emitLoop(kw, rowAccs, [&](Value q, SmallVector<Value> &qAccs) {
          emitTap(c, r, q, kw - 1, qAccs);
        });
        return;
      }
      for (int64_t q = 0; q < kw; ++q)
        emitTap(c, r, cst(q), q, rowAccs);
    };
    if (kh * kw > kMaxUnrolledTaps) {
      emitLoop(kh, accVals, emitRow);
      return;
    }
    for (int64_t r = 0; r < kh; ++r)
      emitRow(cst(r), accVals);
  };

  SmallVector<Value> results;
  if (reductionChannels == 1) {
    results = accs;
    emitWindow(zero, results);
  } else {
    auto loop = scf::ForOp::create(rewriter, loc, zero, cst(reductionChannels),
                                   cst(1), accs);
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(loop.getBody());
    SmallVector<Value> iterAccs(loop.getRegionIterArgs());
    emitWindow(loop.getInductionVar(), iterAccs);
    scf::YieldOp::create(rewriter, loc, iterAccs);
    results = loop.getResults();
  }
  rewriter.setInsertionPoint(op);
  Value outVec = ub::PoisonOp::create(rewriter, loc, tileVecType);
  for (int64_t f = 0; f < numChannels; ++f)
    outVec = vector::InsertOp::create(rewriter, loc, results[f], outVec,
                                      rowPosition(f));
  Value out = vector::TransferWriteOp::create(rewriter, loc, outVec, init,
                                              tileIndices, tileInBounds)
                  .getResult();
  rewriter.replaceOp(op, out);
  return success();
}

//===----------------------------------------------------------------------===//
// Vectorization and vector lowering
//===----------------------------------------------------------------------===//

/// Returns the loop-carried dimension that a 1-D transfer with a non-minor
/// permutation map (a strided access, e.g. the input of a transpose) walks
/// along, or nullopt if the transfer is contiguous or not 1-D.
std::optional<unsigned> stridedTransferDim(VectorTransferOpInterface xfer) {
  if (xfer.getVectorType().getRank() != 1 || xfer.getMask() ||
      !isa<RankedTensorType>(xfer.getShapedType()))
    return std::nullopt;
  AffineMap map = xfer.getPermutationMap();
  if (map.isMinorIdentity() || map.getNumResults() != 1)
    return std::nullopt;
  auto dim = dyn_cast<AffineDimExpr>(map.getResult(0));
  if (!dim || !xfer.isDimInBounds(0))
    return std::nullopt;
  return dim.getPosition();
}

/// Lowers a 1-D strided vector.transfer_read on a tensor (which
/// convert-vector-to-llvm cannot handle) to scalar tensor.extracts.
struct ScalarizeStridedTransferRead
    : public OpRewritePattern<vector::TransferReadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(vector::TransferReadOp read,
                                PatternRewriter &rewriter) const override {
    std::optional<unsigned> dim = stridedTransferDim(read);
    if (!dim)
      return failure();
    Location loc = read.getLoc();
    SmallVector<Value> elements;
    for (int64_t i = 0, e = read.getVectorType().getNumElements(); i < e; ++i) {
      SmallVector<Value> indices(read.getIndices());
      indices[*dim] = affine::AffineApplyOp::create(
          rewriter, loc, AffineMap::get(1, 0, rewriter.getAffineDimExpr(0) + i),
          ValueRange{indices[*dim]});
      elements.push_back(
          tensor::ExtractOp::create(rewriter, loc, read.getBase(), indices));
    }
    rewriter.replaceOpWithNewOp<vector::FromElementsOp>(
        read, read.getVectorType(), elements);
    return success();
  }
};

/// Lowers a 1-D strided vector.transfer_write on a tensor to scalar
/// tensor.inserts.
struct ScalarizeStridedTransferWrite
    : public OpRewritePattern<vector::TransferWriteOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(vector::TransferWriteOp write,
                                PatternRewriter &rewriter) const override {
    std::optional<unsigned> dim = stridedTransferDim(write);
    if (!dim)
      return failure();
    Location loc = write.getLoc();
    Value dest = write.getBase();
    for (int64_t i = 0, e = write.getVectorType().getNumElements(); i < e;
         ++i) {
      SmallVector<Value> indices(write.getIndices());
      indices[*dim] = affine::AffineApplyOp::create(
          rewriter, loc, AffineMap::get(1, 0, rewriter.getAffineDimExpr(0) + i),
          ValueRange{indices[*dim]});
      Value element =
          vector::ExtractOp::create(rewriter, loc, write.getVector(), i);
      dest = tensor::InsertOp::create(rewriter, loc, element, dest, indices);
    }
    rewriter.replaceOp(write, dest);
    return success();
  }
};

/// Folds vector.shape_cast(vector.from_elements) into one from_elements of
/// the cast type (both list the elements in row-major order), which removes
/// the n-D vectors that unrolled strided transfers leave behind.
struct FoldShapeCastOfFromElements
    : public OpRewritePattern<vector::ShapeCastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(vector::ShapeCastOp cast,
                                PatternRewriter &rewriter) const override {
    auto from = cast.getSource().getDefiningOp<vector::FromElementsOp>();
    if (!from)
      return failure();
    rewriter.replaceOpWithNewOp<vector::FromElementsOp>(
        cast, cast.getResultVectorType(), from.getElements());
    return success();
  }
};

/// Rewrites a vector.from_elements whose elements are all the same scalar
/// into a vector.broadcast of it (one splat instead of a chain of inserts).
/// The lowering of broadcasting transfers leaves these behind; they only
/// become visible after CSE.
struct FromElementsSplatToBroadcast
    : public OpRewritePattern<vector::FromElementsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(vector::FromElementsOp op,
                                PatternRewriter &rewriter) const override {
    ValueRange elements = op.getElements();
    if (elements.size() < 2 ||
        !llvm::all_equal(llvm::make_range(elements.begin(), elements.end())))
      return failure();
    rewriter.replaceOpWithNewOp<vector::BroadcastOp>(op, op.getType(),
                                                     elements.front());
    return success();
  }
};

/// Returns a greedy-rewrite configuration whose number of rewrites is
/// bounded by the size of `func`, so that two patterns undoing each other
/// cannot hang the compiler (the IR stays valid when the bound is hit).
GreedyRewriteConfig boundedConfig(func::FuncOp func) {
  int64_t numOps = 0;
  func.walk([&](Operation *) { ++numOps; });
  return GreedyRewriteConfig().setMaxNumRewrites(64 * numOps + 4096);
}

/// Applies `patterns` (plus canonicalizations) to `func`.
void applyWithCanonicalization(func::FuncOp func,
                               RewritePatternSet &&patterns) {
  MLIRContext *ctx = func.getContext();
  for (Dialect *dialect : ctx->getLoadedDialects())
    dialect->getCanonicalizationPatterns(patterns);
  for (RegisteredOperationName op : ctx->getRegisteredOperations())
    op.getCanonicalizationPatterns(patterns, ctx);
  (void)applyPatternsGreedily(func, std::move(patterns), boundedConfig(func));
}

/// Returns true if the loop-carried tensor `v` is only ever written (vector
/// or slice writes, nested loops that only write it) on its way to the
/// yield of its loop: nothing reads what was written.
bool isWriteOnlyTensor(Value v) {
  for (OpOperand &use : v.getUses()) {
    Operation *user = use.getOwner();
    if (isa<scf::YieldOp>(user))
      continue;
    if (auto write = dyn_cast<vector::TransferWriteOp>(user)) {
      if (&use != &write.getBaseMutable() ||
          !isWriteOnlyTensor(write.getResult()))
        return false;
      continue;
    }
    if (auto insert = dyn_cast<tensor::InsertSliceOp>(user)) {
      if (&use != &insert.getDestMutable() ||
          !isWriteOnlyTensor(insert.getResult()))
        return false;
      continue;
    }
    if (auto loop = dyn_cast<scf::ForOp>(user)) {
      auto loopLike = cast<LoopLikeOpInterface>(loop.getOperation());
      BlockArgument arg = loopLike.getTiedLoopRegionIterArg(&use);
      if (!arg || !isWriteOnlyTensor(arg) ||
          !isWriteOnlyTensor(loopLike.getTiedLoopResult(&use)))
        return false;
      continue;
    }
    return false;
  }
  return true;
}

/// Stops carrying loop results that nobody uses and that the loop body only
/// writes (the producer of a fused consumer): the writes become dead and are
/// erased instead of filling a whole buffer that is never read. Returns true
/// if a loop changed.
bool dropWriteOnlyLoopResults(func::FuncOp func) {
  bool changed = false;
  func.walk([&](scf::ForOp loop) {
    auto yield = cast<scf::YieldOp>(loop.getBody()->getTerminator());
    for (auto [result, arg, yielded] :
         llvm::zip(loop.getResults(), loop.getRegionIterArgs(),
                   yield->getOpOperands())) {
      if (!result.use_empty() || !isa<RankedTensorType>(arg.getType()) ||
          yielded.get() == arg || !isWriteOnlyTensor(arg))
        continue;
      yielded.set(arg);
      changed = true;
    }
  });
  return changed;
}

/// Rewrites the n-D vector iter_args of `loop` (register-tile accumulators)
/// into one 1-D vector per row, so that no n-D aggregate is carried around
/// the loop (LLVM keeps 1-D vectors in registers, n-D arrays of vectors
/// become element-wise shuffles).
void splitVectorIterArgs(RewriterBase &rewriter, scf::ForOp loop,
                         int64_t width) {
  // n-D vectors split into rows; 1-D vectors of k * width elements into k
  // native vectors.
  auto isSplittable = [&](Type t) {
    auto vt = dyn_cast<VectorType>(t);
    if (!vt || vt.isScalable())
      return false;
    if (vt.getRank() >= 2)
      return true;
    return vt.getRank() == 1 && vt.getNumElements() > width &&
           vt.getNumElements() % width == 0;
  };
  if (llvm::none_of(loop.getInitArgs().getTypes(), isSplittable))
    return;
  Location loc = loop.getLoc();
  // All positions of the leading dimensions of `vt`, row-major.
  auto rowPositions = [](VectorType vt) {
    SmallVector<SmallVector<int64_t>> positions = {{}};
    for (int64_t size : vt.getShape().drop_back()) {
      SmallVector<SmallVector<int64_t>> next;
      for (const SmallVector<int64_t> &prefix : positions)
        for (int64_t i = 0; i < size; ++i) {
          next.push_back(prefix);
          next.back().push_back(i);
        }
      positions = std::move(next);
    }
    return positions;
  };
  auto splitValue = [&](Value v, SmallVector<Value> &out) {
    auto vt = cast<VectorType>(v.getType());
    if (vt.getRank() == 1) {
      for (int64_t off = 0; off < vt.getNumElements(); off += width)
        out.push_back(vector::ExtractStridedSliceOp::create(
            rewriter, loc, v, ArrayRef<int64_t>{off}, ArrayRef<int64_t>{width},
            ArrayRef<int64_t>{1}));
      return;
    }
    for (const SmallVector<int64_t> &pos : rowPositions(vt))
      out.push_back(vector::ExtractOp::create(rewriter, loc, v, pos));
  };
  auto joinValues = [&](VectorType vt, ValueRange rows) -> Value {
    Value v = ub::PoisonOp::create(rewriter, loc, vt);
    if (vt.getRank() == 1) {
      for (auto [i, row] : llvm::enumerate(rows))
        v = vector::InsertStridedSliceOp::create(
            rewriter, loc, row, v,
            ArrayRef<int64_t>{static_cast<int64_t>(i) * width},
            ArrayRef<int64_t>{1});
      return v;
    }
    for (auto [pos, row] : llvm::zip(rowPositions(vt), rows))
      v = vector::InsertOp::create(rewriter, loc, row, v, pos);
    return v;
  };

  rewriter.setInsertionPoint(loop);
  SmallVector<Value> newInits;
  SmallVector<unsigned> firstNew;
  for (Value init : loop.getInitArgs()) {
    firstNew.push_back(newInits.size());
    if (isSplittable(init.getType()))
      splitValue(init, newInits);
    else
      newInits.push_back(init);
  }
  auto newLoop =
      scf::ForOp::create(rewriter, loc, loop.getLowerBound(),
                         loop.getUpperBound(), loop.getStep(), newInits);
  Block *newBody = newLoop.getBody();
  rewriter.setInsertionPointToStart(newBody);
  SmallVector<Value> argRepl = {newLoop.getInductionVar()};
  unsigned numOld = loop.getNumRegionIterArgs();
  for (unsigned i = 0; i < numOld; ++i) {
    Type t = loop.getRegionIterArgs()[i].getType();
    unsigned begin = firstNew[i];
    unsigned end = i + 1 < numOld ? firstNew[i + 1] : newInits.size();
    ValueRange args = newLoop.getRegionIterArgs().slice(begin, end - begin);
    argRepl.push_back(isSplittable(t) ? joinValues(cast<VectorType>(t), args)
                                      : args.front());
  }
  if (!newBody->empty() && newBody->back().hasTrait<OpTrait::IsTerminator>())
    rewriter.eraseOp(&newBody->back());
  rewriter.mergeBlocks(loop.getBody(), newBody, argRepl);
  auto yield = cast<scf::YieldOp>(newBody->getTerminator());
  rewriter.setInsertionPoint(yield);
  SmallVector<Value> newYields;
  for (Value v : yield.getOperands()) {
    if (isSplittable(v.getType()))
      splitValue(v, newYields);
    else
      newYields.push_back(v);
  }
  rewriter.modifyOpInPlace(
      yield, [&] { yield.getResultsMutable().assign(newYields); });
  rewriter.setInsertionPointAfter(newLoop);
  SmallVector<Value> results;
  for (unsigned i = 0; i < numOld; ++i) {
    Type t = loop.getResult(i).getType();
    unsigned begin = firstNew[i];
    unsigned end = i + 1 < numOld ? firstNew[i + 1] : newInits.size();
    ValueRange rows = newLoop.getResults().slice(begin, end - begin);
    results.push_back(isSplittable(t) ? joinValues(cast<VectorType>(t), rows)
                                      : rows.front());
  }
  rewriter.replaceOp(loop, results);
}

/// Keeps accumulators in registers: hoists loop-invariant code and matching
/// transfer_read/transfer_write pairs on loop-carried tensors out of loops,
/// innermost loops first.
void hoistAccumulators(RewriterBase &rewriter, func::FuncOp func) {
  SmallVector<scf::ForOp> loops;
  func.walk([&](scf::ForOp loop) { loops.push_back(loop); });
  for (scf::ForOp loop : loops) {
    moveLoopInvariantCode(cast<LoopLikeOpInterface>(loop.getOperation()));
    LoopLikeOpInterface hoisted = hoistLoopInvariantSubsets(
        rewriter, cast<LoopLikeOpInterface>(loop.getOperation()));
    if (auto forOp = dyn_cast<scf::ForOp>(hoisted.getOperation()))
      splitVectorIterArgs(rewriter, forOp, /*width=*/INT64_MAX);
  }
}

/// Returns the native (register) shape to unroll `op` to: 1-D vector ops of
/// k * `width` elements become k ops on vector<width>.
std::optional<SmallVector<int64_t>> nativeVectorShape(Operation *op,
                                                      int64_t width) {
  // Broadcasts and constants are left whole: slices of them fold into
  // native-width broadcasts and constants once their users are unrolled.
  if (isa<vector::ReductionOp, vector::ShuffleOp, vector::MultiDimReductionOp,
          vector::ContractionOp, vector::BroadcastOp, vector::FromElementsOp,
          arith::ConstantOp, ub::PoisonOp>(op))
    return std::nullopt;
  VectorType vt;
  if (auto write = dyn_cast<vector::TransferWriteOp>(op))
    vt = write.getVectorType();
  else if (op->getNumResults() == 1)
    vt = dyn_cast<VectorType>(op->getResult(0).getType());
  if (!vt || vt.getRank() != 1 || vt.isScalable() ||
      vt.getNumElements() <= width || vt.getNumElements() % width != 0)
    return std::nullopt;
  // Elementwise ops must not mix in wider operands (e.g. a shuffle source).
  for (Value operand : op->getOperands())
    if (auto ot = dyn_cast<VectorType>(operand.getType()))
      if (ot.getRank() != 1 || ot.getNumElements() != vt.getNumElements())
        return std::nullopt;
  return SmallVector<int64_t>{width};
}

struct QccTileAndVectorizePass
    : impl::QccTileAndVectorizePassBase<QccTileAndVectorizePass> {
  using Base::Base;

  void getDependentDialects(DialectRegistry &registry) const override {
    Base::getDependentDialects(registry);
    registry.insert<ub::UBDialect, memref::MemRefDialect, math::MathDialect>();
  }

  void runOnOperation() override;

private:
  void vectorizeMarkedOps(func::FuncOp func);
  void lowerVectorOps(func::FuncOp func);
};

void QccTileAndVectorizePass::vectorizeMarkedOps(func::FuncOp func) {
  IRRewriter rewriter(func.getContext());
  SmallVector<linalg::LinalgOp> marked;
  func.walk([&](linalg::LinalgOp op) {
    if (op->hasAttr(kVectorizeAttr) || op->hasAttr(kWindowAttr))
      marked.push_back(op);
  });
  int64_t cap = 64 * std::max<int64_t>(1, vectorWidth);
  for (linalg::LinalgOp op : marked) {
    bool window = op->hasAttr(kWindowAttr);
    op->removeAttr(kVectorizeAttr);
    op->removeAttr(kWindowAttr);
    if (!hasStaticTensorSemantics(op))
      continue;
    rewriter.setInsertionPoint(op);
    // Windowed tiles the micro-kernel cannot handle fall back to the generic
    // vectorizer, whose volume cap keeps them scalar in practice.
    if (window && succeeded(vectorizeWindowTile(rewriter, op, pmaddwdLanes)))
      continue;
    FailureOr<SmallVector<int64_t>> ranges = getStaticRanges(op);
    if (failed(ranges))
      continue;
    int64_t volume = 1;
    for (int64_t r : *ranges)
      volume *= r;
    if (volume > cap)
      continue;
    if (failed(linalg::vectorizeOpPrecondition(op, {}, {},
                                               /*vectorizeNDExtract=*/true)))
      continue;
    bool contraction = linalg::isaContractionOpInterface(op) &&
                       isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op);
    FailureOr<linalg::VectorizationResult> result =
        linalg::vectorize(rewriter, op, {}, {}, /*vectorizeNDExtract=*/true,
                          /*flatten1DDepthwiseConv=*/false,
                          /*assumeDynamicDimsMatchVecSizes=*/false,
                          /*createNamedContraction=*/contraction);
    if (failed(result))
      continue;
    if (op->getNumResults() == 0)
      rewriter.eraseOp(op);
    else
      rewriter.replaceOp(op, result->replacements);
  }
}

void QccTileAndVectorizePass::lowerVectorOps(func::FuncOp func) {
  MLIRContext *ctx = func.getContext();
  IRRewriter rewriter(ctx);

  // 0. Split n-D elementwise ops (fused consumers applied to a whole
  //    register tile) into rows before the tile vectors are forwarded into
  //    them: the rows then fold straight to the accumulators.
  {
    auto rowShape = [](Operation *op) -> std::optional<SmallVector<int64_t>> {
      if (!OpTrait::hasElementwiseMappableTraits(op) ||
          op->getNumResults() != 1)
        return std::nullopt;
      auto vt = dyn_cast<VectorType>(op->getResult(0).getType());
      if (!vt || vt.getRank() < 2 || vt.isScalable())
        return std::nullopt;
      SmallVector<int64_t> shape(vt.getRank() - 1, 1);
      shape.push_back(vt.getShape().back());
      return shape;
    };
    SmallVector<Operation *> toUnroll;
    func.walk([&](Operation *op) {
      if (rowShape(op))
        toUnroll.push_back(op);
    });
    RewritePatternSet patterns(ctx);
    vector::populateVectorUnrollPatterns(
        patterns, vector::UnrollVectorOptions().setNativeShapeFn(rowShape));
    (void)applyOpPatternsGreedily(toUnroll, std::move(patterns),
                                  boundedConfig(func).setStrictness(
                                      GreedyRewriteStrictness::ExistingOps));
  }

  // 1. Fold tensor slices into the transfers (while the vectors still have
  //    the rank of the tiles), so that results are written straight into the
  //    loop-carried tensors.
  {
    RewritePatternSet patterns(ctx);
    tensor::populateFoldTensorSubsetIntoVectorTransferPatterns(patterns);
    applyWithCanonicalization(func, std::move(patterns));
  }

  // 2. Normalize: reductions to contractions, fold transposes/broadcasts
  //    into them. Unit dimensions stay until the accumulators are hoisted:
  //    the hoisted transfers must still match their tiles' shapes to fold
  //    into the tensors.
  {
    RewritePatternSet patterns(ctx);
    vector::populateVectorReductionToContractPatterns(patterns);
    tensor::populateFoldTensorSubsetIntoVectorTransferPatterns(patterns);
    vector::populateSinkVectorOpsPatterns(patterns);
    applyWithCanonicalization(func, std::move(patterns));
  }

  // 3. Keep accumulators in registers across reduction loops.
  hoistAccumulators(rewriter, func);
  {
    // The hoisted accumulator writes now sit between a tile's
    // extract_slice/insert_slice pair: write them straight into the tensor.
    RewritePatternSet patterns(ctx);
    tensor::populateFoldTensorSubsetIntoVectorTransferPatterns(patterns);
    applyWithCanonicalization(func, std::move(patterns));
  }

  // 4. Lower to 1-D vector ops.
  {
    RewritePatternSet patterns(ctx);
    vector::populateVectorContractLoweringPatterns(
        patterns, vector::VectorContractLowering::OuterProduct);
    vector::populateVectorOuterProductLoweringPatterns(patterns);
    vector::populateVectorMultiReductionLoweringPatterns(
        patterns, vector::VectorMultiReductionLowering::InnerReduction);
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    vector::populateVectorTransposeLoweringPatterns(
        patterns, vector::VectorTransposeLowering::Shuffle1D);
    vector::populateVectorMaskOpLoweringPatterns(patterns);
    vector::populateVectorGatherLoweringPatterns(patterns);
    vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
    tensor::populateFoldTensorSubsetIntoVectorTransferPatterns(patterns);
    applyWithCanonicalization(func, std::move(patterns));
  }
  // Unroll n-D transfers into 1-D ones. This runs without the
  // canonicalizations, which would fold the unrolled pieces back together.
  {
    RewritePatternSet patterns(ctx);
    populateVectorToSCFConversionPatterns(patterns, VectorTransferToSCFOptions()
                                                        .enableFullUnroll()
                                                        .enableLowerTensors()
                                                        .setTargetRank(1));
    (void)applyPatternsGreedily(func, std::move(patterns), boundedConfig(func));
  }
  {
    RewritePatternSet patterns(ctx);
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
    patterns.add<ScalarizeStridedTransferRead, ScalarizeStridedTransferWrite,
                 FoldShapeCastOfFromElements>(ctx);
    applyWithCanonicalization(func, std::move(patterns));
  }

  // 5. Unroll to native vector<W> registers, loop-carried values included.
  int64_t width = std::max<int64_t>(1, vectorWidth);
  SmallVector<scf::ForOp> loops;
  func.walk([&](scf::ForOp loop) { loops.push_back(loop); });
  for (scf::ForOp loop : loops)
    splitVectorIterArgs(rewriter, loop, width);
  {
    // Unroll exactly the ops that have a native shape: some unroll patterns
    // (from_elements) ignore the native-shape callback and would fight the
    // canonicalizations, so they run on these ops alone, without them.
    SmallVector<Operation *> toUnroll;
    func.walk([&](Operation *op) {
      if (nativeVectorShape(op, width))
        toUnroll.push_back(op);
    });
    RewritePatternSet patterns(ctx);
    vector::populateVectorUnrollPatterns(
        patterns,
        vector::UnrollVectorOptions().setNativeShapeFn(
            [width](Operation *op) { return nativeVectorShape(op, width); }));
    (void)applyOpPatternsGreedily(toUnroll, std::move(patterns),
                                  boundedConfig(func).setStrictness(
                                      GreedyRewriteStrictness::ExistingOps));
  }
  applyWithCanonicalization(func, RewritePatternSet(ctx));
}

void QccTileAndVectorizePass::runOnOperation() {
  func::FuncOp func = getOperation();
  MLIRContext *ctx = &getContext();
  IRRewriter rewriter(ctx);

  // A linalg op with an empty loop (a zero-element operand or result) never
  // runs its body: its results are its inits. Tiling could not handle the
  // zero-sized ranges.
  SmallVector<linalg::LinalgOp> emptyOps;
  func.walk([&](linalg::LinalgOp op) {
    if (!op.hasPureTensorSemantics())
      return;
    FailureOr<SmallVector<int64_t>> ranges = getStaticRanges(op);
    if (succeeded(ranges) && llvm::is_contained(*ranges, 0))
      emptyOps.push_back(op);
  });
  for (linalg::LinalgOp op : emptyOps)
    rewriter.replaceOp(op, op.getDpsInits());

  // Shape the ops for tiling: long contiguous vector dimensions, pointwise
  // convolutions as matmuls.
  SmallVector<Operation *> ops;
  func.walk([&](Operation *op) {
    if (isa<linalg::GenericOp, linalg::Conv2DNchwFchwOp, tensor::PadOp>(op))
      ops.push_back(op);
  });
  for (Operation *op : ops) {
    if (auto generic = dyn_cast<linalg::GenericOp>(op)) {
      narrowClampedFloatToInt(rewriter, generic);
      collapseContiguousDims(rewriter, generic);
    } else if (auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(op))
      convertPointwiseConvToMatmul(rewriter, conv);
    else if (auto pad = dyn_cast<tensor::PadOp>(op))
      decomposePad(rewriter, pad, vectorWidth);
  }

  // Tile every linalg op that has a plan. Init producers (fills, broadcast
  // biases) used only by a planned op are fused into its tiles instead.
  TilePlanner planner(vectorWidth);
  SmallVector<std::pair<linalg::LinalgOp, TilePlan>> planned;
  llvm::SmallPtrSet<Operation *, 16> plannedOps;
  func.walk([&](linalg::LinalgOp op) {
    if (op->getParentOfType<LoopLikeOpInterface>())
      return;
    if (std::optional<TilePlan> plan = planner.plan(op)) {
      planned.emplace_back(op, *plan);
      plannedOps.insert(op);
    }
  });
  for (auto &[op, plan] : planned) {
    if (isFusableInitProducer(op) && op->hasOneUse()) {
      OpOperand &use = *op->getUses().begin();
      auto user = dyn_cast<linalg::LinalgOp>(use.getOwner());
      if (user && user.isDpsInit(&use) && plannedOps.contains(user))
        continue;
    }
    (void)tileRoot(rewriter, op, plan);
  }

  peelPartialTiles(rewriter, func);
  applyWithCanonicalization(func, RewritePatternSet(ctx));

  vectorizeMarkedOps(func);
  lowerVectorOps(func);

  // Drop the markers of ops that stayed scalar.
  func.walk([](Operation *op) {
    op->removeAttr(kVectorizeAttr);
    op->removeAttr(kWindowAttr);
  });
  // Fused producers whose results nobody reads any more stop being written;
  // one loop level comes free per round.
  for (int round = 0; round < 4 && dropWriteOnlyLoopResults(func); ++round)
    applyWithCanonicalization(func, RewritePatternSet(ctx));

  // The partial reductions already reassociate float sums and products;
  // let the final horizontal reductions use a shuffle tree instead of a
  // chain of W dependent adds.
  func.walk([&](vector::ReductionOp reduction) {
    if (!isa<FloatType>(reduction.getType()))
      return;
    if (reduction.getKind() != vector::CombiningKind::ADD &&
        reduction.getKind() != vector::CombiningKind::MUL)
      return;
    reduction.setFastmathAttr(arith::FastMathFlagsAttr::get(
        ctx, reduction.getFastmath() | arith::FastMathFlags::reassoc));
  });
  DominanceInfo dominance(func);
  eliminateCommonSubExpressions(rewriter, dominance, func);
  RewritePatternSet splats(ctx);
  splats.add<FromElementsSplatToBroadcast>(ctx);
  (void)applyPatternsGreedily(func, std::move(splats), boundedConfig(func));
}

} // namespace
} // namespace qcc
