//===- ImportRNN.cpp - ONNX recurrent layers to qcc -----------------------===//
//
// This file implements the import of ONNX's recurrent layers (RNN, GRU and
// LSTM, all attributes of opset 7 to 14) by unrolling the recurrence over the
// static sequence length into existing qcc ops; qcc has no loop construct.
//
// For each direction the input projection of every timestep is one
// `qcc.matmul` of the whole sequence, [T*B, I] x [I, G*H] (G gates), with
// the biases that are not multiplied by a gate folded into its bias. Each
// step then costs one small recurrent matmul [B, H] x [H, G*H] (GRU without
// linear_before_reset needs a second one for the hidden gate) whose bias
// operand is that step's row block of the projection, slices picking the
// gates, the activations and a few elementwise ops. The first step skips
// the recurrent matmul when there is no initial_h (the state is zero).
//
// sequence_lens becomes a 0/1 mask per step ([B, 1], computed at run time or
// folded when the lengths are constants): a masked-off batch entry keeps its
// state and writes zeros to Y. Processing the reverse direction from T-1 down
// to 0 under the same mask reverses each sequence within its own length, as
// ONNX specifies. Constant lengths equal to T for every entry are the same
// as no sequence_lens; fully masked steps are skipped. Empty sequences get
// zero final states, as in ONNX Runtime.
//
// The unrolled size is limited to kMaxUnrolledSteps (sequence length times
// directions); larger layers are reported as unsupported.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace qcc;
using namespace qcc::onnx_import;

/// Largest number of unrolled steps (sequence length times directions) of
/// one recurrent node. Each step becomes a few dozen qcc ops and, after
/// lowering, straight-line code in the one entry function, on which LLVM's
/// time grows faster than linearly (docs/RNN.md has measurements); the limit
/// keeps the compile of one layer within minutes.
static constexpr int64_t kMaxUnrolledSteps = 256;

namespace {

enum class CellKind { rnn, gru, lstm };

/// One activation function of the recurrence, with its alpha/beta.
struct Activation {
  enum Kind {
    relu,
    tanh,
    sigmoid,
    affine,
    leakyRelu,
    thresholdedRelu,
    scaledTanh,
    hardSigmoid,
    elu,
    softsign,
    softplus
  };
  Kind kind;
  float alpha = 0.0f, beta = 0.0f;
};

/// An ONNX activation name, the parameters it takes and their defaults (those
/// of the ONNX operator of the same name).
struct ActivationInfo {
  const char *name;
  Activation::Kind kind;
  bool usesAlpha, usesBeta;
  float alpha, beta;
};

constexpr ActivationInfo kActivations[] = {
    {"Relu", Activation::relu, false, false, 0.0f, 0.0f},
    {"Tanh", Activation::tanh, false, false, 0.0f, 0.0f},
    {"Sigmoid", Activation::sigmoid, false, false, 0.0f, 0.0f},
    {"Affine", Activation::affine, true, true, 1.0f, 0.0f},
    {"LeakyRelu", Activation::leakyRelu, true, false, 0.01f, 0.0f},
    {"ThresholdedRelu", Activation::thresholdedRelu, true, false, 1.0f, 0.0f},
    {"ScaledTanh", Activation::scaledTanh, true, true, 1.0f, 1.0f},
    {"HardSigmoid", Activation::hardSigmoid, true, true, 0.2f, 0.5f},
    {"Elu", Activation::elu, true, false, 1.0f, 0.0f},
    {"Softsign", Activation::softsign, false, false, 0.0f, 0.0f},
    {"Softplus", Activation::softplus, false, false, 0.0f, 0.0f},
};

/// The per-step state of one direction. A null value is an all-zero state
/// (no initial_h / initial_c yet), which lets the first step skip work.
struct State {
  Value h, c;
};

/// Unrolls one ONNX RNN/GRU/LSTM node. Shapes are checked up front, so the
/// emission helpers below do not fail; a failure of one (a broken invariant)
/// is still recorded and reported instead of producing wrong IR.
class Recurrence {
public:
  Recurrence(NodeImport &n, CellKind kind)
      : n(n), em(n.em), loc(n.loc), kind(kind) {}

  LogicalResult run();

private:
  NodeImport &n;
  Emitter &em;
  Location loc;
  CellKind kind;
  bool broken = false;

  Type elem;
  int64_t seqLen = 0, batch = 0, inputSize = 0, hidden = 0, numDirs = 1;
  /// Number of gates: 1 (RNN), 3 (GRU: z, r, h), 4 (LSTM: i, o, f, c).
  int64_t numGates = 1;
  bool reverseOnly = false, layout1 = false;
  std::optional<float> clip;
  bool inputForget = false, linearBeforeReset = false;
  /// Activations of direction d are acts[d * actsPerDir + k].
  SmallVector<Activation> acts;
  int64_t actsPerDir = 1;
  /// [seq, batch] 0/1 step masks as values of shape [B, 1]; empty when every
  /// sequence has the full length.
  SmallVector<Value> masks;
  /// Inverse masks (1 - mask).
  SmallVector<Value> invMasks;
  /// Per step: whether its mask is known to be all ones (no masking needed)
  /// or all zeros (the step is skipped).
  SmallVector<bool> allActive, allInactive;

  LogicalResult readAttributes();
  LogicalResult readActivations();
  LogicalResult checkShape(unsigned input, StringRef what,
                           ArrayRef<int64_t> expect);
  LogicalResult buildMasks(Value seqLens);

  Value splat(double v) { return em.splat(loc, v, elem); }
  Value bin(BinaryKind k, Value a, Value b);
  /// a + b, a null operand being zero.
  Value add(Value a, Value b);
  /// a * b, a null operand being zero.
  Value mul(Value a, Value b);
  Value cols(Value v, int64_t start, int64_t size) {
    return em.sliceAxis(loc, v, 1, start, size);
  }
  Value activate(const Activation &a, Value x);
  /// A gate activation: clip (when set) then the activation.
  Value gate(const Activation &a, Value x);
  Value matmul(Value lhs, Value rhs, Value bias);
  /// mask ? next : prev with 0/1 masks, null operands being zero.
  Value select(int64_t t, Value next, Value prev);
};

} // namespace

Value Recurrence::bin(BinaryKind k, Value a, Value b) {
  auto r = em.binary(loc, k, a, b);
  if (failed(r)) {
    broken = true;
    return a;
  }
  return *r;
}

Value Recurrence::add(Value a, Value b) {
  if (!a)
    return b;
  if (!b)
    return a;
  return bin(BinaryKind::add, a, b);
}

Value Recurrence::mul(Value a, Value b) {
  if (!a || !b)
    return Value();
  return bin(BinaryKind::mul, a, b);
}

Value Recurrence::matmul(Value lhs, Value rhs, Value bias) {
  auto ls = Emitter::shapeOf(lhs), rs = Emitter::shapeOf(rhs);
  return MatMulOp::create(n.b(), loc, em.tensorType({ls[0], rs[1]}, elem), lhs,
                          rhs, bias, nullptr, nullptr, nullptr);
}

Value Recurrence::activate(const Activation &a, Value x) {
  switch (a.kind) {
  case Activation::relu:
    return em.unary(loc, UnaryKind::relu, x);
  case Activation::tanh:
    return em.unary(loc, UnaryKind::tanh, x);
  case Activation::sigmoid:
    return em.unary(loc, UnaryKind::sigmoid, x);
  case Activation::affine:
    return bin(BinaryKind::add, bin(BinaryKind::mul, x, splat(a.alpha)),
               splat(a.beta));
  case Activation::leakyRelu:
    return em.unary(loc, UnaryKind::leaky_relu, x, {a.alpha});
  case Activation::thresholdedRelu: {
    // x * (x > alpha): the 0/1 factor keeps x exactly where it passes.
    Value keep =
        em.cast(loc, bin(BinaryKind::greater, x, splat(a.alpha)), elem);
    return bin(BinaryKind::mul, x, keep);
  }
  case Activation::scaledTanh:
    return bin(
        BinaryKind::mul,
        em.unary(loc, UnaryKind::tanh, bin(BinaryKind::mul, x, splat(a.beta))),
        splat(a.alpha));
  case Activation::hardSigmoid:
    return em.unary(loc, UnaryKind::hard_sigmoid, x, {a.alpha, a.beta});
  case Activation::elu:
    return em.unary(loc, UnaryKind::elu, x, {a.alpha});
  case Activation::softsign:
    return em.unary(loc, UnaryKind::softsign, x);
  case Activation::softplus:
    return em.unary(loc, UnaryKind::softplus, x);
  }
  broken = true;
  return x;
}

Value Recurrence::gate(const Activation &a, Value x) {
  if (clip)
    x = em.unary(loc, UnaryKind::clip, x, {-*clip, *clip});
  return activate(a, x);
}

Value Recurrence::select(int64_t t, Value next, Value prev) {
  if (masks.empty() || allActive[t])
    return next;
  return add(mul(next, masks[t]), mul(prev, invMasks[t]));
}

LogicalResult Recurrence::readAttributes() {
  std::string dir = n.attrString("direction", "forward");
  if (dir == "bidirectional")
    numDirs = 2;
  else if (dir == "reverse")
    reverseOnly = true;
  else if (dir != "forward")
    return n.error() << n.opType() << " direction '" << dir
                     << "' is not forward, reverse or bidirectional";
  int64_t layout = n.attrInt("layout", 0);
  if (layout != 0 && layout != 1)
    return n.error() << n.opType() << " layout must be 0 or 1, got " << layout;
  layout1 = layout == 1;
  if (n.hasAttr("clip")) {
    float c = n.attrFloat("clip", 0.0f);
    if (!(c > 0.0f))
      return n.error() << n.opType() << " clip must be positive, got " << c;
    clip = c;
  }
  if (n.attrInt("output_sequence", 0) != 0)
    return n.unsupported(n.opType() + " with output_sequence=1 (opset 1)");
  inputForget = kind == CellKind::lstm && n.attrInt("input_forget", 0) != 0;
  linearBeforeReset =
      kind == CellKind::gru && n.attrInt("linear_before_reset", 0) != 0;
  return readActivations();
}

LogicalResult Recurrence::readActivations() {
  SmallVector<std::string> names;
  if (const auto *a = n.attr("activations")) {
    for (const auto &s : a->strings())
      names.push_back(s);
    if (a->type() == onnx::AttributeProto::STRING)
      names.push_back(a->s());
  }
  static const char *const defaults[3][3] = {
      {"Tanh"}, {"Sigmoid", "Tanh"}, {"Sigmoid", "Tanh", "Tanh"}};
  int which = kind == CellKind::rnn ? 0 : kind == CellKind::gru ? 1 : 2;
  actsPerDir = which + 1;
  if (names.empty()) {
    for (int64_t d = 0; d < numDirs; ++d)
      for (int64_t k = 0; k < actsPerDir; ++k)
        names.push_back(defaults[which][k]);
  } else if ((int64_t)names.size() == actsPerDir && numDirs == 2) {
    // One list for both directions.
    names.append(SmallVector<std::string>(names));
  } else if ((int64_t)names.size() != actsPerDir * numDirs) {
    return n.error() << n.opType() << " has " << names.size()
                     << " activations, expected " << actsPerDir * numDirs
                     << " (" << actsPerDir << " per direction)";
  }
  SmallVector<float> alphas =
      n.attrFloats("activation_alpha").value_or(SmallVector<float>());
  SmallVector<float> betas =
      n.attrFloats("activation_beta").value_or(SmallVector<float>());
  // Parameters are consumed in order by the activations that take them.
  size_t nextAlpha = 0, nextBeta = 0;
  for (const std::string &name : names) {
    const ActivationInfo *info = nullptr;
    for (const ActivationInfo &cand : kActivations)
      if (StringRef(name).equals_insensitive(cand.name))
        info = &cand;
    if (!info)
      return n.unsupported("activation '" + name + "' of " + n.opType());
    Activation a{info->kind, info->alpha, info->beta};
    if (info->usesAlpha && nextAlpha < alphas.size())
      a.alpha = alphas[nextAlpha++];
    if (info->usesBeta && nextBeta < betas.size())
      a.beta = betas[nextBeta++];
    acts.push_back(a);
  }
  if (nextAlpha != alphas.size() || nextBeta != betas.size())
    return n.error() << n.opType() << " has " << alphas.size()
                     << " activation_alpha and " << betas.size()
                     << " activation_beta values, but its activations use "
                     << nextAlpha << " and " << nextBeta;
  return success();
}

LogicalResult Recurrence::checkShape(unsigned input, StringRef what,
                                     ArrayRef<int64_t> expect) {
  Value v = n.input(input);
  if (!v)
    return success();
  if (Emitter::shapeOf(v) != expect)
    return n.error() << n.opType() << " input " << what << " has shape ["
                     << Emitter::shapeOf(v) << "], expected [" << expect << "]";
  if (Emitter::elemOf(v) != elem && input != 4)
    return n.error() << n.opType() << " input " << what
                     << " has a different element type than X";
  return success();
}

LogicalResult Recurrence::buildMasks(Value seqLens) {
  if (!seqLens)
    return success();
  Type lenType = Emitter::elemOf(seqLens);
  if (!llvm::isa<IntegerType>(lenType) || lenType.isInteger(1))
    return n.error() << n.opType() << " sequence_lens must be int32";
  if (auto lens = em.getConstant(seqLens)) {
    bool full = true;
    for (int64_t k = 0; k < lens->size(); ++k) {
      int64_t len = lens->getI(k);
      if (len < 0 || len > seqLen)
        return n.error() << n.opType() << " sequence_lens[" << k
                         << "] = " << len << " is outside [0, " << seqLen
                         << "]";
      full &= len == seqLen;
    }
    if (full)
      return success();
  }
  for (int64_t t = 0; t < seqLen; ++t) {
    Value active =
        bin(BinaryKind::less, em.splat(loc, (double)t, lenType), seqLens);
    Value m = em.reshape(loc, em.cast(loc, active, elem), {batch, 1});
    masks.push_back(m);
    invMasks.push_back(bin(BinaryKind::sub, splat(1.0), m));
    auto known = em.getConstant(m);
    allActive.push_back(
        known && llvm::all_of(known->f, [](double v) { return v == 1.0; }));
    allInactive.push_back(
        known && llvm::all_of(known->f, [](double v) { return v == 0.0; }));
  }
  return success();
}

LogicalResult Recurrence::run() {
  numGates = kind == CellKind::rnn ? 1 : kind == CellKind::gru ? 3 : 4;
  if (failed(n.require(0, "X")) || failed(n.require(1, "W")) ||
      failed(n.require(2, "R")) || failed(n.requireFloat(0)))
    return failure();
  if (failed(readAttributes()))
    return failure();
  Value x = n.input(0);
  elem = Emitter::elemOf(x);
  auto xs = Emitter::shapeOf(x);
  auto ws = Emitter::shapeOf(n.input(1));
  auto rs = Emitter::shapeOf(n.input(2));
  if (xs.size() != 3 || ws.size() != 3 || rs.size() != 3)
    return n.error() << n.opType() << " expects 3-D X, W and R, got [" << xs
                     << "], [" << ws << "] and [" << rs << "]";
  if (layout1)
    x = em.transpose(loc, x, {1, 0, 2});
  xs = Emitter::shapeOf(x);
  seqLen = xs[0];
  batch = xs[1];
  inputSize = xs[2];
  hidden = rs[2];
  if (n.hasAttr("hidden_size") && n.attrInt("hidden_size", 0) != hidden)
    return n.error() << n.opType() << " hidden_size "
                     << n.attrInt("hidden_size", 0)
                     << " does not match R of shape [" << rs << "]";
  int64_t gh = numGates * hidden;
  if (failed(checkShape(1, "W", {numDirs, gh, inputSize})) ||
      failed(checkShape(2, "R", {numDirs, gh, hidden})) ||
      failed(checkShape(3, "B", {numDirs, 2 * gh})))
    return failure();
  SmallVector<int64_t> stateShape =
      layout1 ? SmallVector<int64_t>{batch, numDirs, hidden}
              : SmallVector<int64_t>{numDirs, batch, hidden};
  if (failed(checkShape(4, "sequence_lens", {batch})) ||
      failed(checkShape(5, "initial_h", stateShape)))
    return failure();
  if (kind == CellKind::lstm &&
      (failed(checkShape(6, "initial_c", stateShape)) ||
       failed(checkShape(7, "P", {numDirs, 3 * hidden}))))
    return failure();
  if (seqLen <= 0 || batch <= 0)
    return n.unsupported(n.opType() + " with an empty sequence or batch");
  if (seqLen * numDirs > kMaxUnrolledSteps)
    return n.unsupported(n.opType() + " unrolled over " + Twine(seqLen) +
                         " steps x " + Twine(numDirs) +
                         " directions: qcc unrolls recurrences at import and "
                         "allows at most " +
                         Twine(kMaxUnrolledSteps) + " steps per node");
  if (failed(buildMasks(n.input(4))))
    return failure();

  // Initial states as [D, B, H].
  auto initial = [&](unsigned i) {
    Value v = n.input(i);
    if (v && layout1)
      v = em.transpose(loc, v, {1, 0, 2});
    return v;
  };
  Value h0All = initial(5);
  Value c0All = kind == CellKind::lstm ? initial(6) : Value();
  auto perDir = [&](Value v, int64_t d, ArrayRef<int64_t> shape) -> Value {
    if (!v)
      return Value();
    return em.reshape(loc, em.sliceAxis(loc, v, 0, d, 1), shape);
  };

  Value x2 = em.reshape(loc, x, {seqLen * batch, inputSize});
  bool wantY = n.outputUsed(0);
  // ys[d][t]: the [B, H] output of direction d at time t.
  SmallVector<SmallVector<Value>> ys(numDirs);
  SmallVector<State> finals;

  // The input projection of every timestep and direction is one matmul:
  // [T*B, I] x [I, D*GH], each direction's biases folded into its columns.
  // GRU with linear_before_reset keeps the hidden gate's recurrent bias
  // apart: it is multiplied by the reset gate.
  SmallVector<Value> wTs, projBiases, rTs, rbHiddens;
  bool anyBias = n.hasInput(3);
  for (int64_t d = 0; d < numDirs; ++d) {
    wTs.push_back(em.transpose(loc, perDir(n.input(1), d, {gh, inputSize}),
                               {1, 0})); // [I, GH]
    rTs.push_back(em.transpose(loc, perDir(n.input(2), d, {gh, hidden}),
                               {1, 0})); // [H, GH]
    Value bias = perDir(n.input(3), d, {2 * gh});
    Value wb = bias ? em.sliceAxis(loc, bias, 0, 0, gh) : Value();
    Value rb = bias ? em.sliceAxis(loc, bias, 0, gh, gh) : Value();
    Value projBias = add(wb, rb);
    Value rbHidden;
    if (linearBeforeReset && rb) {
      rbHidden = em.sliceAxis(loc, rb, 0, 2 * hidden, hidden);
      auto zr = em.concat(loc,
                          {em.sliceAxis(loc, rb, 0, 0, 2 * hidden),
                           em.splat(loc, 0.0, elem, {hidden})},
                          0);
      if (failed(zr))
        return failure();
      projBias = add(wb, *zr);
    }
    projBiases.push_back(projBias);
    rbHiddens.push_back(rbHidden);
  }
  auto wTAll = em.concat(loc, wTs, 1);
  FailureOr<Value> biasAll = Value();
  if (anyBias)
    biasAll = em.concat(loc, projBiases, 0);
  if (failed(wTAll) || failed(biasAll))
    return failure();
  Value xProjAll = matmul(x2, *wTAll, *biasAll); // [T*B, D*GH]

  for (int64_t d = 0; d < numDirs; ++d) {
    bool reverse = reverseOnly || d == 1;
    const Activation *act = &acts[d * actsPerDir];
    Value rT = rTs[d], rbHidden = rbHiddens[d];
    Value xProj = numDirs == 1 ? xProjAll : cols(xProjAll, d * gh, gh);
    Value peep =
        kind == CellKind::lstm ? perDir(n.input(7), d, {3 * hidden}) : Value();
    Value pi, po, pf;
    if (peep) {
      pi = em.sliceAxis(loc, peep, 0, 0, hidden);
      po = em.sliceAxis(loc, peep, 0, hidden, hidden);
      pf = em.sliceAxis(loc, peep, 0, 2 * hidden, hidden);
    }
    // GRU without linear_before_reset: z and r come from one recurrent
    // matmul, the hidden gate from a second one on r * H.
    Value rTzr, rTh;
    if (kind == CellKind::gru && !linearBeforeReset) {
      rTzr = cols(rT, 0, 2 * hidden);
      rTh = cols(rT, 2 * hidden, hidden);
    }

    State s{perDir(h0All, d, {batch, hidden}),
            perDir(c0All, d, {batch, hidden})};
    if (wantY)
      ys[d].assign(seqLen, Value());
    for (int64_t step = 0; step < seqLen; ++step) {
      int64_t t = reverse ? seqLen - 1 - step : step;
      if (!masks.empty() && allInactive[t]) {
        // Every sequence has ended: the state stays, Y is zero.
        if (wantY)
          ys[d][t] = em.splat(loc, 0.0, elem, {batch, hidden});
        continue;
      }
      Value xt = em.sliceAxis(loc, xProj, 0, t * batch, batch); // [B, GH]
      State next;
      switch (kind) {
      case CellKind::rnn: {
        Value pre = s.h ? matmul(s.h, rT, xt) : xt;
        next.h = gate(act[0], pre);
        break;
      }
      case CellKind::gru: {
        Value z, r, hPre;
        if (linearBeforeReset) {
          Value rec;
          if (s.h)
            rec = matmul(s.h, rT, Value());
          Value zrPre = add(cols(xt, 0, 2 * hidden),
                            rec ? cols(rec, 0, 2 * hidden) : Value());
          z = gate(act[0], cols(zrPre, 0, hidden));
          r = gate(act[0], cols(zrPre, hidden, hidden));
          Value recH =
              add(rec ? cols(rec, 2 * hidden, hidden) : Value(), rbHidden);
          hPre = add(cols(xt, 2 * hidden, hidden), mul(r, recH));
        } else {
          Value zrPre = s.h ? matmul(s.h, rTzr, cols(xt, 0, 2 * hidden))
                            : cols(xt, 0, 2 * hidden);
          z = gate(act[0], cols(zrPre, 0, hidden));
          r = gate(act[0], cols(zrPre, hidden, hidden));
          Value xh = cols(xt, 2 * hidden, hidden);
          hPre = s.h ? matmul(mul(r, s.h), rTh, xh) : xh;
        }
        Value hNew = gate(act[1], hPre);
        // (1 - z) * h~ + z * H = h~ + z * (H - h~).
        Value diff = s.h ? bin(BinaryKind::sub, s.h, hNew)
                         : em.unary(loc, UnaryKind::neg, hNew);
        next.h = add(hNew, mul(z, diff));
        break;
      }
      case CellKind::lstm: {
        Value g = s.h ? matmul(s.h, rT, xt) : xt;
        Value iPre = add(cols(g, 0, hidden), mul(pi, s.c));
        Value fPre = add(cols(g, 2 * hidden, hidden), mul(pf, s.c));
        Value i = gate(act[0], iPre);
        Value f = inputForget ? bin(BinaryKind::sub, splat(1.0), i)
                              : gate(act[0], fPre);
        Value cc = gate(act[1], cols(g, 3 * hidden, hidden));
        next.c = add(mul(f, s.c), mul(i, cc));
        Value oPre = add(cols(g, hidden, hidden), mul(po, next.c));
        Value o = gate(act[0], oPre);
        next.h = mul(o, activate(act[2], next.c));
        break;
      }
      }
      if (wantY)
        ys[d][t] =
            masks.empty() || allActive[t] ? next.h : mul(next.h, masks[t]);
      s.h = select(t, next.h, s.h);
      if (kind == CellKind::lstm)
        s.c = select(t, next.c, s.c);
    }
    finals.push_back(s);
  }
  if (broken)
    return n.error() << "internal error unrolling " << n.opType();

  // A state that never left zero (every sequence empty) materializes here.
  auto materialize = [&](Value v) {
    return v ? v : em.splat(loc, 0.0, elem, {batch, hidden});
  };
  // Stacks per-direction [B, H] states into Y_h / Y_c.
  auto stackStates = [&](bool cell) -> FailureOr<Value> {
    SmallVector<Value> parts;
    for (const State &s : finals) {
      Value v = materialize(cell ? s.c : s.h);
      // Empty sequences end with a zero state, as in ONNX Runtime; the mask
      // of step 0 is exactly `len > 0`.
      if (!masks.empty() && !allActive[0])
        v = mul(v, masks[0]);
      parts.push_back(em.reshape(loc, v, {1, batch, hidden}));
    }
    auto all = em.concat(loc, parts, 0);
    if (failed(all))
      return failure();
    return layout1 ? em.transpose(loc, *all, {1, 0, 2}) : *all;
  };
  if (wantY) {
    SmallVector<Value> dirs;
    for (int64_t d = 0; d < numDirs; ++d) {
      SmallVector<Value> steps;
      for (Value y : ys[d])
        steps.push_back(em.reshape(loc, materialize(y), {1, 1, batch, hidden}));
      auto seq = em.concat(loc, steps, 0);
      if (failed(seq))
        return failure();
      dirs.push_back(*seq);
    }
    auto y = em.concat(loc, dirs, 1); // [T, D, B, H]
    if (failed(y))
      return failure();
    n.setResult(0, layout1 ? em.transpose(loc, *y, {2, 0, 1, 3}) : *y);
  }
  if (n.outputUsed(1)) {
    auto yh = stackStates(/*cell=*/false);
    if (failed(yh))
      return failure();
    n.setResult(1, *yh);
  }
  if (kind == CellKind::lstm && n.outputUsed(2)) {
    auto yc = stackStates(/*cell=*/true);
    if (failed(yc))
      return failure();
    n.setResult(2, *yc);
  }
  if (broken)
    return n.error() << "internal error unrolling " << n.opType();
  return success();
}

void qcc::onnx_import::registerRNNOps(OpTable &table) {
  table["RNN"] = [](NodeImport &n) {
    return Recurrence(n, CellKind::rnn).run();
  };
  table["GRU"] = [](NodeImport &n) {
    return Recurrence(n, CellKind::gru).run();
  };
  table["LSTM"] = [](NodeImport &n) {
    return Recurrence(n, CellKind::lstm).run();
  };
}
