//===- ImportTensor.cpp - ONNX shape, data movement and constant ops ------===//
//
// This file implements the import of ONNX's tensor operators: constants,
// Shape / Size (always constants, since shapes are static), Reshape, Flatten,
// Squeeze / Unsqueeze, Transpose, Concat, Split, Slice, Gather, Cast, Expand,
// Tile, Pad, ConstantOfShape, Range, DepthToSpace / SpaceToDepth, Resize,
// GatherElements (a gather of computed flat indices), OneHot,
// and the constant-only Trilu, EyeLike and NonZero.
// Shape operands (Reshape's shape, Slice's starts, ...) must be constant at
// import; the emission helpers evaluate shape subgraphs on the host so that
// Shape -> Gather -> Concat -> Reshape chains resolve to static reshapes.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include <cmath>

using namespace mlir;
using namespace qcc;
using namespace qcc::onnx_import;

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

static LogicalResult importConstant(NodeImport &n) {
  Emitter &em = n.em;
  std::string name = n.outputName(0);
  const onnx::AttributeProto *a = nullptr;
  for (const auto &attr : n.node.attribute()) {
    if (a)
      return n.error() << "Constant must have exactly one value attribute";
    a = &attr;
  }
  if (!a)
    return n.error() << "Constant has no value attribute";
  HostTensor t;
  StringRef attrName = a->name();
  if (attrName == "value") {
    std::string error;
    bool isUnsigned = false;
    ElementsAttr attr = convertTensor(em.ctx, a->t(), em.modelDir,
                                      sanitizeBlobName(name), isUnsigned,
                                      error);
    if (!attr)
      return n.error() << error;
    Value v = em.createConstant(n.loc, attr);
    if (isUnsigned)
      em.unsignedValues.insert(v);
    n.setResult(0, v);
    return success();
  }
  if (attrName == "value_float" || attrName == "value_floats") {
    t.elemType = n.b().getF32Type();
    SmallVector<float> vals = *n.attrFloats(attrName);
    if (attrName == "value_floats")
      t.shape = {(int64_t)vals.size()};
    t.resize();
    for (size_t k = 0; k < vals.size() && k < (size_t)t.size(); ++k)
      t.set(k, vals[k]);
  } else if (attrName == "value_int" || attrName == "value_ints") {
    t.elemType = n.b().getI64Type();
    SmallVector<int64_t> vals = *n.attrInts(attrName);
    if (attrName == "value_ints")
      t.shape = {(int64_t)vals.size()};
    t.resize();
    for (size_t k = 0; k < vals.size() && k < (size_t)t.size(); ++k)
      t.i[k] = vals[k];
  } else {
    return n.unsupported("Constant attribute '" + attrName + "'");
  }
  n.setResult(0, em.createConstant(n.loc, t, name));
  return success();
}

static LogicalResult importConstantOfShape(NodeImport &n) {
  auto shape = n.constInts(0, "shape");
  if (failed(shape))
    return failure();
  for (int64_t d : *shape)
    if (d < 0)
      return n.error() << "ConstantOfShape with a negative dimension";
  HostTensor t;
  t.elemType = n.b().getF32Type();
  double value = 0;
  int64_t ivalue = 0;
  if (const auto *a = n.attr("value")) {
    std::string error;
    bool isUnsigned = false;
    ElementsAttr attr = convertTensor(n.em.ctx, a->t(), n.em.modelDir, "value",
                                      isUnsigned, error);
    if (!attr)
      return n.error() << error;
    if (attr.getNumElements() != 1)
      return n.error() << "ConstantOfShape value must hold one element";
    Value v = n.em.createConstant(n.loc, attr);
    if (isUnsigned)
      n.em.unsignedValues.insert(v);
    auto h = n.em.getConstant(v);
    v.getDefiningOp()->erase();
    if (!h)
      return n.error() << "cannot read the ConstantOfShape value";
    t.elemType = h->elemType;
    t.isUnsigned = h->isUnsigned;
    value = h->getD(0);
    ivalue = h->isFloat() ? 0 : h->i[0];
  }
  t.shape = *shape;
  if (t.size() > kHostEvalLimit) {
    n.setResult(0, n.em.splat(n.loc, value, t.elemType, t.shape));
    return success();
  }
  t.resize();
  for (int64_t k = 0; k < t.size(); ++k) {
    if (t.isFloat())
      t.f[k] = value;
    else
      t.i[k] = ivalue;
  }
  n.setResult(0, n.em.createConstant(n.loc, t, n.outputName(0)));
  return success();
}

static LogicalResult importRange(NodeImport &n) {
  for (unsigned i = 0; i < 3; ++i)
    if (failed(n.require(i, "start, limit and delta")))
      return failure();
  auto start = n.em.getConstant(n.input(0));
  auto limit = n.em.getConstant(n.input(1));
  auto delta = n.em.getConstant(n.input(2));
  if (!start || !limit || !delta)
    return n.unsupported("Range whose operands are computed at run time");
  if (start->size() != 1 || limit->size() != 1 || delta->size() != 1)
    return n.error() << "Range operands must be scalars";
  HostTensor t;
  t.elemType = start->elemType;
  t.isUnsigned = start->isUnsigned;
  int64_t count;
  if (start->isFloat()) {
    double s = start->getD(0), l = limit->getD(0), d = delta->getD(0);
    if (d == 0)
      return n.error() << "Range delta is zero";
    count = std::max<int64_t>((int64_t)std::ceil((l - s) / d), 0);
    t.shape = {count};
    if (count > kHostEvalLimit)
      return n.unsupported("Range with more than " + Twine(kHostEvalLimit) +
                           " elements");
    t.resize();
    for (int64_t k = 0; k < count; ++k)
      t.set(k, s + (double)k * d);
  } else {
    int64_t s = start->getI(0), l = limit->getI(0), d = delta->getI(0);
    if (d == 0)
      return n.error() << "Range delta is zero";
    count = std::max<int64_t>((l - s + (d > 0 ? d - 1 : d + 1)) / d, 0);
    t.shape = {count};
    if (count > kHostEvalLimit)
      return n.unsupported("Range with more than " + Twine(kHostEvalLimit) +
                           " elements");
    t.resize();
    for (int64_t k = 0; k < count; ++k)
      t.setI(k, s + k * d);
  }
  n.setResult(0, n.em.createConstant(n.loc, t, n.outputName(0)));
  return success();
}

static LogicalResult importShape(NodeImport &n) {
  if (failed(n.require(0, "data")))
    return failure();
  auto shape = Emitter::shapeOf(n.input(0));
  int64_t rank = shape.size();
  int64_t start = n.attrInt("start", 0), end = n.attrInt("end", rank);
  if (start < 0)
    start += rank;
  if (end < 0)
    end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, 0, rank);
  SmallVector<int64_t> dims;
  for (int64_t d = start; d < end; ++d)
    dims.push_back(shape[d]);
  n.setResult(0, n.em.constI64(n.loc, dims));
  return success();
}

static LogicalResult importSize(NodeImport &n) {
  if (failed(n.require(0, "data")))
    return failure();
  HostTensor t;
  t.elemType = n.b().getI64Type();
  t.i = {numElementsOf(Emitter::shapeOf(n.input(0)))};
  n.setResult(0, n.em.createConstant(n.loc, t, "size"));
  return success();
}

//===----------------------------------------------------------------------===//
// Reshapes
//===----------------------------------------------------------------------===//

static LogicalResult importReshape(NodeImport &n) {
  if (failed(n.require(0, "data")))
    return failure();
  Value x = n.input(0);
  auto in = Emitter::shapeOf(x);
  SmallVector<int64_t> target;
  if (n.opset < 5) {
    auto s = n.attrInts("shape");
    if (!s)
      return n.error() << "Reshape requires attribute 'shape'";
    target = *s;
  } else {
    auto s = n.constInts(1, "shape");
    if (failed(s))
      return failure();
    target = *s;
  }
  bool allowZero = n.attrInt("allowzero", 0) != 0;
  int64_t inferAt = -1, known = 1;
  for (size_t i = 0; i < target.size(); ++i) {
    int64_t &d = target[i];
    if (d == 0 && !allowZero) {
      if (i >= in.size())
        return n.error() << "Reshape copies dimension " << i
                         << " of an input of rank " << in.size();
      d = in[i];
    }
    if (d == -1) {
      if (inferAt >= 0)
        return n.error() << "Reshape shape has more than one -1";
      inferAt = i;
      continue;
    }
    if (d < 0)
      return n.error() << "Reshape shape has invalid dimension " << d;
    known *= d;
  }
  int64_t total = numElementsOf(in);
  if (inferAt >= 0) {
    if (known == 0 || total % known)
      return n.error() << "Reshape cannot infer the -1 dimension: " << total
                       << " elements into shape [" << target << "]";
    target[inferAt] = total / known;
  } else if (known != total) {
    return n.error() << "Reshape from [" << in << "] (" << total
                     << " elements) to [" << target << "] (" << known
                     << " elements)";
  }
  n.setResult(0, n.em.reshape(n.loc, x, target));
  return success();
}

static LogicalResult importFlatten(NodeImport &n) {
  if (failed(n.require(0, "input")))
    return failure();
  Value x = n.input(0);
  auto in = Emitter::shapeOf(x);
  int64_t rank = in.size();
  int64_t axis = n.attrInt("axis", 1);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis > rank)
    return n.error() << "Flatten axis " << n.attrInt("axis", 1)
                     << " is out of range for rank " << rank;
  n.setResult(0, n.em.reshape(n.loc, x,
                              {numElementsOf(in.take_front(axis)),
                               numElementsOf(in.drop_front(axis))}));
  return success();
}

/// Axes of Squeeze/Unsqueeze: an attribute before opset 13, an input after.
static FailureOr<std::optional<SmallVector<int64_t>>>
readAxes(NodeImport &n) {
  if (n.opset < 13)
    return n.attrInts("axes");
  if (!n.hasInput(1))
    return std::optional<SmallVector<int64_t>>();
  auto v = n.constInts(1, "axes");
  if (failed(v))
    return failure();
  return std::optional<SmallVector<int64_t>>(*v);
}

static LogicalResult importSqueeze(NodeImport &n) {
  if (failed(n.require(0, "data")))
    return failure();
  Value x = n.input(0);
  auto in = Emitter::shapeOf(x);
  int64_t rank = in.size();
  auto axes = readAxes(n);
  if (failed(axes))
    return failure();
  SmallVector<int64_t> drop;
  if (!*axes) {
    for (int64_t d = 0; d < rank; ++d)
      if (in[d] == 1)
        drop.push_back(d);
  } else {
    auto r = n.normalizeAxes(**axes, rank);
    if (failed(r))
      return failure();
    drop = *r;
    for (int64_t d : drop)
      if (in[d] != 1)
        return n.error() << "Squeeze of dimension " << d << " with size "
                         << in[d];
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d)
    if (!llvm::is_contained(drop, d))
      shape.push_back(in[d]);
  n.setResult(0, n.em.reshape(n.loc, x, shape));
  return success();
}

static LogicalResult importUnsqueeze(NodeImport &n) {
  if (failed(n.require(0, "data")))
    return failure();
  Value x = n.input(0);
  auto in = Emitter::shapeOf(x);
  auto axes = readAxes(n);
  if (failed(axes))
    return failure();
  if (!*axes)
    return n.error() << "Unsqueeze requires axes";
  int64_t outRank = in.size() + (*axes)->size();
  auto r = n.normalizeAxes(**axes, outRank);
  if (failed(r))
    return failure();
  if (r->size() != (*axes)->size())
    return n.error() << "Unsqueeze axes contain duplicates";
  SmallVector<int64_t> shape;
  size_t src = 0;
  for (int64_t d = 0; d < outRank; ++d)
    shape.push_back(llvm::is_contained(*r, d) ? 1 : in[src++]);
  n.setResult(0, n.em.reshape(n.loc, x, shape));
  return success();
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

static LogicalResult importTranspose(NodeImport &n) {
  if (failed(n.require(0, "data")))
    return failure();
  Value x = n.input(0);
  int64_t rank = Emitter::shapeOf(x).size();
  SmallVector<int64_t> perm;
  if (auto p = n.attrInts("perm")) {
    perm = *p;
  } else {
    for (int64_t d = rank - 1; d >= 0; --d)
      perm.push_back(d);
  }
  SmallVector<bool> seen(rank, false);
  if ((int64_t)perm.size() != rank)
    return n.error() << "Transpose perm has " << perm.size()
                     << " entries for rank " << rank;
  for (int64_t &p : perm) {
    if (p < 0)
      p += rank;
    if (p < 0 || p >= rank || seen[p])
      return n.error() << "Transpose perm is not a permutation";
    seen[p] = true;
  }
  n.setResult(0, n.em.transpose(n.loc, x, perm));
  return success();
}

static LogicalResult importConcat(NodeImport &n) {
  SmallVector<Value> ins;
  for (unsigned i = 0; i < n.numInputs(); ++i)
    if (n.hasInput(i))
      ins.push_back(n.input(i));
  if (ins.empty())
    return n.error() << "Concat needs at least one input";
  int64_t rank = Emitter::shapeOf(ins[0]).size();
  if (!n.hasAttr("axis") && n.opset >= 4)
    return n.error() << "Concat requires attribute 'axis'";
  auto axis = n.normalizeAxis(n.attrInt("axis", 1), rank);
  if (failed(axis))
    return failure();
  auto r = n.em.concat(n.loc, ins, *axis);
  if (failed(r))
    return failure();
  n.setResult(0, *r);
  return success();
}

static LogicalResult importSplit(NodeImport &n) {
  if (failed(n.require(0, "input")))
    return failure();
  Value x = n.input(0);
  auto in = Emitter::shapeOf(x);
  auto axis = n.normalizeAxis(n.attrInt("axis", 0), in.size());
  if (failed(axis))
    return failure();
  int64_t dim = in[*axis];
  int64_t outs = n.numOutputs();
  SmallVector<int64_t> sizes;
  if (n.opset < 13) {
    if (auto s = n.attrInts("split"))
      sizes = *s;
  } else if (n.hasInput(1)) {
    auto s = n.constInts(1, "split");
    if (failed(s))
      return failure();
    sizes = *s;
  }
  if (sizes.empty()) {
    int64_t parts = n.opset >= 18 && n.hasAttr("num_outputs")
                        ? n.attrInt("num_outputs", outs)
                        : outs;
    if (parts <= 0)
      return n.error() << "Split into " << parts << " parts";
    int64_t chunk = (dim + parts - 1) / parts;
    if (n.opset < 18 && dim % parts)
      return n.error() << "Split of dimension " << dim << " into " << parts
                       << " equal parts";
    for (int64_t k = 0, left = dim; k < parts; ++k) {
      sizes.push_back(std::min(chunk, left));
      left -= sizes.back();
    }
  }
  int64_t sum = 0;
  for (int64_t s : sizes) {
    if (s < 0)
      return n.error() << "Split size " << s << " is negative";
    sum += s;
  }
  if (sum != dim || (int64_t)sizes.size() != outs)
    return n.error() << "Split sizes [" << sizes << "] do not cover dimension "
                     << dim << " with " << outs << " outputs";
  int64_t start = 0;
  for (int64_t k = 0; k < outs; ++k) {
    n.setResult(k, n.em.sliceAxis(n.loc, x, *axis, start, sizes[k]));
    start += sizes[k];
  }
  return success();
}

static LogicalResult importSlice(NodeImport &n) {
  if (failed(n.require(0, "data")))
    return failure();
  Value x = n.input(0);
  auto in = Emitter::shapeOf(x);
  int64_t rank = in.size();
  SmallVector<int64_t> starts, ends, axes, steps;
  if (n.opset < 10) {
    auto s = n.attrInts("starts"), e = n.attrInts("ends");
    if (!s || !e)
      return n.error() << "Slice requires attributes 'starts' and 'ends'";
    starts = *s;
    ends = *e;
    if (auto a = n.attrInts("axes"))
      axes = *a;
  } else {
    auto s = n.constInts(1, "starts");
    if (failed(s))
      return failure();
    auto e = n.constInts(2, "ends");
    if (failed(e))
      return failure();
    starts = *s;
    ends = *e;
    if (n.hasInput(3)) {
      auto a = n.constInts(3, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
    if (n.hasInput(4)) {
      auto st = n.constInts(4, "steps");
      if (failed(st))
        return failure();
      steps = *st;
    }
  }
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(i);
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    return n.error() << "Slice starts, ends, axes and steps differ in length";
  SmallVector<int64_t> outStarts(rank, 0), outSteps(rank, 1), sizes(in);
  SmallVector<bool> seen(rank, false);
  for (size_t i = 0; i < starts.size(); ++i) {
    auto axis = n.normalizeAxis(axes[i], rank);
    if (failed(axis))
      return failure();
    if (seen[*axis])
      return n.error() << "Slice axis " << *axis << " appears twice";
    seen[*axis] = true;
    int64_t dim = in[*axis], step = steps[i];
    if (step == 0)
      return n.error() << "Slice step is zero";
    int64_t s = starts[i], e = ends[i];
    auto addDim = [dim](int64_t v) {
      return v < 0 ? (v < INT64_MIN + dim ? INT64_MIN : v + dim) : v;
    };
    s = addDim(s);
    e = addDim(e);
    int64_t count;
    if (step > 0) {
      s = std::clamp<int64_t>(s, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
      count = e > s ? (e - s + step - 1) / step : 0;
    } else {
      s = std::clamp<int64_t>(s, 0, dim - 1);
      e = std::clamp<int64_t>(e, -1, dim - 1);
      count = s > e ? (s - e + (-step) - 1) / (-step) : 0;
    }
    outStarts[*axis] = count ? s : 0;
    outSteps[*axis] = step;
    sizes[*axis] = count;
  }
  n.setResult(0, n.em.slice(n.loc, x, outStarts, outSteps, sizes));
  return success();
}

static LogicalResult importGather(NodeImport &n) {
  if (failed(n.require(0, "data")) || failed(n.require(1, "indices")))
    return failure();
  Value data = n.input(0);
  auto axis = n.normalizeAxis(n.attrInt("axis", 0),
                              Emitter::shapeOf(data).size());
  if (failed(axis))
    return failure();
  auto r = n.em.gather(n.loc, data, n.input(1), *axis);
  if (failed(r))
    return failure();
  n.setResult(0, *r);
  return success();
}

static LogicalResult importCast(NodeImport &n) {
  if (failed(n.require(0, "input")))
    return failure();
  int64_t to = n.attrInt("to", 0);
  if (n.opset < 6 && n.attr("to") &&
      n.attr("to")->type() == onnx::AttributeProto::STRING) {
    onnx::TensorProto::DataType dt;
    if (!onnx::TensorProto_DataType_Parse(n.attrString("to", ""), &dt))
      return n.unsupported("Cast to '" + n.attrString("to", "") + "'");
    to = dt;
  }
  bool isUnsigned = false;
  Type elem = convertElementType(n.em.ctx, to, isUnsigned);
  if (!elem)
    return n.unsupported("Cast to " + dataTypeName(to));
  n.setResult(0, n.em.cast(n.loc, n.input(0), elem, isUnsigned));
  return success();
}

static LogicalResult importCastLike(NodeImport &n) {
  if (failed(n.require(0, "input")) || failed(n.require(1, "target_type")))
    return failure();
  Value like = n.input(1);
  n.setResult(0, n.em.cast(n.loc, n.input(0), Emitter::elemOf(like),
                           n.em.isUnsigned(like)));
  return success();
}

static LogicalResult importExpand(NodeImport &n) {
  if (failed(n.require(0, "input")))
    return failure();
  auto shape = n.constInts(1, "shape");
  if (failed(shape))
    return failure();
  auto r = n.em.expand(n.loc, n.input(0), *shape);
  if (failed(r))
    return failure();
  n.setResult(0, *r);
  return success();
}

static LogicalResult importTile(NodeImport &n) {
  if (failed(n.require(0, "input")))
    return failure();
  auto repeats = n.constInts(1, "repeats");
  if (failed(repeats))
    return failure();
  Value x = n.input(0);
  int64_t rank = Emitter::shapeOf(x).size();
  if ((int64_t)repeats->size() != rank)
    return n.error() << "Tile repeats has " << repeats->size()
                     << " entries for rank " << rank;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t r = (*repeats)[d];
    if (r < 0)
      return n.error() << "Tile repeat " << r << " is negative";
    if (r == 1)
      continue;
    SmallVector<Value> copies(r, x);
    if (r == 0) {
      x = n.em.sliceAxis(n.loc, x, d, 0, 0);
      continue;
    }
    auto c = n.em.concat(n.loc, copies, d);
    if (failed(c))
      return failure();
    x = *c;
  }
  n.setResult(0, x);
  return success();
}

/// Pads one axis by `before`/`after` elements (negative values crop).
static FailureOr<Value> padAxis(NodeImport &n, Value x, int64_t axis,
                                int64_t before, int64_t after,
                                StringRef mode, double value) {
  Emitter &em = n.em;
  Location loc = n.loc;
  int64_t dim = Emitter::shapeOf(x)[axis];
  if (before < 0 || after < 0) {
    int64_t b = std::max<int64_t>(-before, 0), a = std::max<int64_t>(-after, 0);
    if (b + a > dim) {
      n.error() << "Pad crops more than the dimension's size";
      return failure();
    }
    x = em.sliceAxis(loc, x, axis, b, dim - b - a);
    before = std::max<int64_t>(before, 0);
    after = std::max<int64_t>(after, 0);
    dim = Emitter::shapeOf(x)[axis];
  }
  if (!before && !after)
    return x;
  SmallVector<Value> parts;
  auto piece = [&](int64_t count, bool atEnd) -> FailureOr<Value> {
    SmallVector<int64_t> shape(Emitter::shapeOf(x));
    shape[axis] = count;
    if (mode == "constant")
      return em.splat(loc, value, Emitter::elemOf(x), shape);
    if (dim == 0) {
      n.error() << "Pad mode '" << mode << "' of an empty dimension";
      return failure();
    }
    if (mode == "edge") {
      Value edge = em.sliceAxis(loc, x, axis, atEnd ? dim - 1 : 0, 1);
      return em.expand(loc, edge, shape);
    }
    // reflect: mirror without repeating the edge element.
    if (count > dim - 1) {
      n.error() << "Pad reflect of " << count << " elements needs a dimension "
                << "larger than " << count << " (it is " << dim << ")";
      return failure();
    }
    return em.sliceAxis(loc, x, axis, atEnd ? dim - 2 : count, count, -1);
  };
  if (before) {
    auto p = piece(before, false);
    if (failed(p))
      return failure();
    parts.push_back(*p);
  }
  parts.push_back(x);
  if (after) {
    auto p = piece(after, true);
    if (failed(p))
      return failure();
    parts.push_back(*p);
  }
  return em.concat(loc, parts, axis);
}

static LogicalResult importPad(NodeImport &n) {
  if (failed(n.require(0, "data")))
    return failure();
  Value x = n.input(0);
  int64_t rank = Emitter::shapeOf(x).size();
  std::string mode = n.attrString("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return n.unsupported("Pad mode '" + mode + "'");
  SmallVector<int64_t> pads;
  double value = 0;
  SmallVector<int64_t> axes;
  if (n.opset < 11) {
    auto p = n.attrInts(n.opset < 2 ? "paddings" : "pads");
    if (!p)
      return n.error() << "Pad requires attribute 'pads'";
    pads = *p;
    value = n.attrFloat("value", 0.0f);
  } else {
    auto p = n.constInts(1, "pads");
    if (failed(p))
      return failure();
    pads = *p;
    if (n.hasInput(2)) {
      auto v = n.constDoubles(2, "constant_value");
      if (failed(v))
        return failure();
      if (!v->empty())
        value = (*v)[0];
    }
    if (n.hasInput(3)) {
      auto a = n.constInts(3, "axes");
      if (failed(a))
        return failure();
      for (int64_t ax : *a) {
        auto na = n.normalizeAxis(ax, rank);
        if (failed(na))
          return failure();
        axes.push_back(*na);
      }
    }
  }
  if (axes.empty())
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  if (pads.size() != 2 * axes.size())
    return n.error() << "Pad has " << pads.size() << " pads for "
                     << axes.size() << " axes";
  for (size_t i = 0; i < axes.size(); ++i) {
    auto r = padAxis(n, x, axes[i], pads[i], pads[i + axes.size()], mode,
                     value);
    if (failed(r))
      return failure();
    x = *r;
  }
  n.setResult(0, x);
  return success();
}

static LogicalResult importDepthToSpace(NodeImport &n, bool toSpace) {
  if (failed(n.require(0, "input")))
    return failure();
  Value x = n.input(0);
  SmallVector<int64_t> s(Emitter::shapeOf(x));
  int64_t b = n.attrInt("blocksize", 0);
  if (s.size() != 4 || b <= 0)
    return n.error() << n.opType() << " expects a 4-D input and a positive "
                     << "blocksize";
  int64_t N = s[0], C = s[1], H = s[2], W = s[3];
  Emitter &em = n.em;
  if (toSpace) {
    if (C % (b * b))
      return n.error() << "DepthToSpace channels " << C
                       << " are not divisible by blocksize^2";
    bool crd = n.attrString("mode", "DCR") == "CRD";
    Value r = crd ? em.reshape(n.loc, x, {N, C / (b * b), b, b, H, W})
                  : em.reshape(n.loc, x, {N, b, b, C / (b * b), H, W});
    r = crd ? em.transpose(n.loc, r, {0, 1, 4, 2, 5, 3})
            : em.transpose(n.loc, r, {0, 3, 4, 1, 5, 2});
    n.setResult(0, em.reshape(n.loc, r, {N, C / (b * b), H * b, W * b}));
  } else {
    if (H % b || W % b)
      return n.error() << "SpaceToDepth spatial size is not divisible by the "
                       << "blocksize";
    Value r = em.reshape(n.loc, x, {N, C, H / b, b, W / b, b});
    r = em.transpose(n.loc, r, {0, 3, 5, 1, 2, 4});
    n.setResult(0, em.reshape(n.loc, r, {N, C * b * b, H / b, W / b}));
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Resize / Upsample
//===----------------------------------------------------------------------===//

/// Per-axis interpolation settings of one Resize / Upsample node.
struct ResizeOptions {
  StringRef mode;        ///< "nearest", "linear" or "cubic".
  StringRef coordMode;   ///< coordinate_transformation_mode.
  StringRef nearestMode; ///< nearest_mode (nearest only).
  double cubicA = -0.75; ///< cubic_coeff_a.
  bool excludeOutside = false;
  double extrapolation = 0.0; ///< tf_crop_and_resize out-of-range value.
};

/// Interpolation coefficients of the taps at offsets 0..n-1 from the first
/// neighbour for a sample at fraction `ratio` in (0, 1] past the left
/// neighbour, as the ONNX reference implementation computes them.
static SmallVector<double, 4> resizeCoeffs(const ResizeOptions &opts,
                                           double ratio) {
  if (opts.mode == "linear")
    return {1.0 - ratio, ratio};
  if (opts.mode == "cubic") {
    double a = opts.cubicA, r = ratio, s = 1.0 - ratio;
    return {((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a,
            ((a + 2) * r - (a + 3)) * r * r + 1,
            ((a + 2) * s - (a + 3)) * s * s + 1,
            ((a * (s + 1) - 5 * a) * (s + 1) + 8 * a) * (s + 1) - 4 * a};
  }
  // nearest: pick the left or the right of the two neighbours.
  if (ratio == 1.0)
    return {0.0, 1.0};
  bool right;
  if (opts.nearestMode == "floor")
    right = false;
  else if (opts.nearestMode == "ceil")
    right = true;
  else if (opts.nearestMode == "round_prefer_ceil")
    right = ratio >= 0.5;
  else
    right = ratio > 0.5;
  return {right ? 0.0 : 1.0, right ? 1.0 : 0.0};
}

/// Resizes one axis from `in` to `out` elements: the result is the sum over
/// the 1 (nearest), 2 (linear) or 4 (cubic) taps of a gather of the tap's
/// source indices times constant per-output weights, plus a constant
/// extrapolation term for tf_crop_and_resize samples outside the input.
/// `roiStart`/`roiEnd` are the normalized crop box (tf_crop_and_resize).
static FailureOr<Value> resizeAxis(NodeImport &n, Value x, int64_t axis,
                                   int64_t out, double scale,
                                   const ResizeOptions &opts, double roiStart,
                                   double roiEnd) {
  Emitter &em = n.em;
  Location loc = n.loc;
  SmallVector<int64_t> shape(Emitter::shapeOf(x));
  int64_t in = shape[axis];
  StringRef coordMode = opts.coordMode;
  // ONNX takes the resized length as in * scale, before flooring.
  double length = in * scale;
  // Source coordinate of output element `o`; nullopt when it falls outside
  // the input (tf_crop_and_resize only).
  auto sourceCoord = [&](int64_t o) -> std::optional<double> {
    if (coordMode == "half_pixel")
      return (o + 0.5) / scale - 0.5;
    if (coordMode == "pytorch_half_pixel")
      return length > 1 ? (o + 0.5) / scale - 0.5 : -0.5;
    if (coordMode == "align_corners")
      return length == 1 ? 0.0 : (double)o * (in - 1) / (length - 1);
    if (coordMode == "tf_half_pixel_for_nn")
      return (o + 0.5) / scale;
    if (coordMode == "tf_crop_and_resize") {
      double c = length == 1
                     ? (roiEnd - roiStart) * (in - 1) / 2
                     : o * (roiEnd - roiStart) * (in - 1) / (length - 1);
      c += roiStart * (in - 1);
      if (c < 0 || c > in - 1)
        return std::nullopt;
      return c;
    }
    return o / scale; // asymmetric
  };
  int64_t taps = opts.mode == "cubic" ? 4 : 2;
  // The reference pads the input by ceil(taps / 2) edge copies and takes the
  // `taps` padded positions nearest to the coordinate (ties to the left).
  int64_t pad = (taps + 1) / 2;
  SmallVector<SmallVector<int64_t>> idx(taps, SmallVector<int64_t>(out));
  SmallVector<SmallVector<double>> wts(taps, SmallVector<double>(out, 0.0));
  SmallVector<double> bias(out, 0.0);
  bool anyOutside = false;
  for (int64_t o = 0; o < out; ++o) {
    std::optional<double> c = sourceCoord(o);
    if (!c) {
      anyOutside = true;
      bias[o] = opts.extrapolation;
      for (int64_t k = 0; k < taps; ++k)
        idx[k][o] = 0;
      continue;
    }
    // Left neighbour and the fraction past it, in (0, 1].
    double f = std::floor(*c);
    int64_t left = (int64_t)f;
    double ratio = *c - f;
    if (ratio == 0.0) {
      ratio = 1.0;
      left -= 1;
    }
    SmallVector<double, 4> coeffs = resizeCoeffs(opts, ratio);
    int64_t first = left - (taps / 2 - 1);
    first = std::clamp<int64_t>(first, -pad, in - 1 + pad - (taps - 1));
    if (opts.excludeOutside) {
      double sum = 0;
      for (int64_t k = 0; k < taps; ++k) {
        int64_t s = first + k;
        if (s < 0 || s >= in)
          coeffs[k] = 0;
        sum += coeffs[k];
      }
      if (sum != 0.0)
        for (double &v : coeffs)
          v /= sum;
    }
    for (int64_t k = 0; k < taps; ++k) {
      idx[k][o] = std::clamp<int64_t>(first + k, 0, in - 1);
      wts[k][o] = coeffs[k];
    }
    // Taps clamped onto the same edge element share one weight, and nearest
    // keeps only its chosen neighbour, so that it needs a single gather.
    for (int64_t k = 1; k < taps; ++k) {
      for (int64_t j = 0; j < k; ++j) {
        if (idx[j][o] != idx[k][o])
          continue;
        wts[j][o] += wts[k][o];
        wts[k][o] = 0.0;
        break;
      }
    }
    if (opts.mode == "nearest" && wts[0][o] == 0.0) {
      idx[0][o] = idx[1][o];
      wts[0][o] = wts[1][o];
      wts[1][o] = 0.0;
    }
  }
  Type elem = Emitter::elemOf(x);
  SmallVector<int64_t> wShape = {out};
  wShape.append(shape.size() - axis - 1, 1);
  auto perOutput = [&](ArrayRef<double> values) {
    HostTensor t;
    t.elemType = elem;
    t.shape = wShape;
    t.resize();
    for (int64_t o = 0; o < out; ++o)
      t.set(o, values[o]);
    return em.createConstant(loc, t);
  };
  Value sum;
  for (int64_t k = 0; k < taps; ++k) {
    // Taps whose weight is zero everywhere (integral coordinates, nearest)
    // contribute nothing.
    if (llvm::all_of(wts[k], [](double w) { return w == 0.0; }))
      continue;
    auto g = em.gather(loc, x, em.constI64(loc, idx[k]), axis);
    if (failed(g))
      return failure();
    Value term = *g;
    if (!llvm::all_of(wts[k], [](double w) { return w == 1.0; })) {
      auto m = em.binary(loc, BinaryKind::mul, term, perOutput(wts[k]));
      if (failed(m))
        return failure();
      term = *m;
    }
    if (!sum) {
      sum = term;
      continue;
    }
    auto a = em.binary(loc, BinaryKind::add, sum, term);
    if (failed(a))
      return failure();
    sum = *a;
  }
  if (!sum) {
    // Every sample is outside the crop box.
    shape[axis] = out;
    sum = em.splat(loc, opts.extrapolation, elem, shape);
    return sum;
  }
  if (anyOutside && opts.extrapolation != 0.0) {
    auto a = em.binary(loc, BinaryKind::add, sum, perOutput(bias));
    if (failed(a))
      return failure();
    sum = *a;
  }
  return sum;
}

static LogicalResult importResize(NodeImport &n) {
  if (failed(n.require(0, "X")) || failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0);
  SmallVector<int64_t> in(Emitter::shapeOf(x));
  int64_t rank = in.size();
  bool upsample = n.opType() == "Upsample";
  std::string mode = n.attrString("mode", "nearest");
  if (mode == "bilinear")
    mode = "linear";
  if (mode != "nearest" && mode != "linear" && mode != "cubic")
    return n.unsupported(n.opType() + " mode '" + mode + "'");
  std::string coordMode =
      upsample || n.opset < 11
          ? "asymmetric"
          : n.attrString("coordinate_transformation_mode", "half_pixel");
  std::string nearestMode =
      upsample || n.opset < 11 ? "floor"
                               : n.attrString("nearest_mode",
                                              "round_prefer_floor");
  static const char *coordModes[] = {"half_pixel", "pytorch_half_pixel",
                                     "align_corners", "asymmetric",
                                     "tf_half_pixel_for_nn",
                                     "tf_crop_and_resize"};
  if (!llvm::is_contained(coordModes, coordMode))
    return n.unsupported(n.opType() + " coordinate_transformation_mode '" +
                         coordMode + "'");
  if (n.attrInt("antialias", 0) != 0)
    return n.unsupported("Resize with antialias=1");
  SmallVector<double> scales;
  SmallVector<int64_t> sizes;
  if (upsample && n.opset < 9) {
    auto s = n.attrFloats("scales");
    if (!s)
      return n.error() << "Upsample requires attribute 'scales'";
    scales.assign(s->begin(), s->end());
  } else {
    unsigned scalesIdx = n.opset < 11 ? 1 : 2;
    if (n.hasInput(scalesIdx) &&
        numElementsOf(Emitter::shapeOf(n.input(scalesIdx))) > 0) {
      auto s = n.constDoubles(scalesIdx, "scales");
      if (failed(s))
        return failure();
      scales = *s;
    } else if (n.hasInput(3)) {
      auto s = n.constInts(3, "sizes");
      if (failed(s))
        return failure();
      sizes = *s;
    } else {
      return n.error() << "Resize needs scales or sizes";
    }
  }
  SmallVector<int64_t> axes;
  if (auto a = n.attrInts("axes")) {
    auto na = n.normalizeAxes(*a, rank);
    if (failed(na))
      return failure();
    axes = *na;
  } else {
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  }
  size_t count = scales.empty() ? sizes.size() : scales.size();
  if (count != axes.size())
    return n.error() << n.opType() << " has " << count << " scales/sizes for "
                     << axes.size() << " axes";
  if (!sizes.empty() &&
      n.attrString("keep_aspect_ratio_policy", "stretch") != "stretch")
    return n.unsupported("Resize keep_aspect_ratio_policy");
  ResizeOptions opts;
  opts.mode = mode;
  opts.coordMode = coordMode;
  opts.nearestMode = nearestMode;
  if (!upsample && n.opset >= 11) {
    opts.cubicA = n.attrFloat("cubic_coeff_a", -0.75);
    opts.excludeOutside = n.attrInt("exclude_outside", 0) != 0;
    opts.extrapolation = n.attrFloat("extrapolation_value", 0.0);
  }
  // tf_crop_and_resize crops to roi = [starts..., ends...], one pair per
  // resized axis (opset 18 with axes) or per input dimension.
  SmallVector<double> roi;
  bool roiPerAxis = false;
  if (coordMode == "tf_crop_and_resize") {
    if (!n.hasInput(1) || numElementsOf(Emitter::shapeOf(n.input(1))) == 0)
      return n.error() << "Resize tf_crop_and_resize needs roi";
    auto r = n.constDoubles(1, "roi");
    if (failed(r))
      return failure();
    roi = *r;
    roiPerAxis = n.attrInts("axes").has_value();
    size_t want = 2 * (roiPerAxis ? axes.size() : (size_t)rank);
    if (roi.size() != want)
      return n.error() << "Resize roi has " << roi.size()
                       << " elements, expected " << want;
  }
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t axis = axes[i], dim = in[axis];
    int64_t out;
    double scale;
    if (!scales.empty()) {
      scale = scales[i];
      if (scale <= 0)
        return n.error() << n.opType() << " scale " << scale
                         << " is not positive";
      out = (int64_t)std::floor(dim * scale);
    } else {
      out = sizes[i];
      scale = dim ? (double)out / dim : 1.0;
    }
    if (out <= 0)
      return n.error() << n.opType() << " output dimension " << axis
                       << " would be empty";
    double roiStart = 0.0, roiEnd = 1.0;
    if (!roi.empty()) {
      size_t half = roi.size() / 2;
      size_t k = roiPerAxis ? i : (size_t)axis;
      roiStart = roi[k];
      roiEnd = roi[half + k];
    }
    if (out == dim && scale == 1.0 && roiStart == 0.0 && roiEnd == 1.0)
      continue;
    auto r = resizeAxis(n, x, axis, out, scale, opts, roiStart, roiEnd);
    if (failed(r))
      return failure();
    x = *r;
  }
  n.setResult(0, x);
  return success();
}

FailureOr<Value> qcc::onnx_import::normalizeIndices(NodeImport &n, Value idx,
                                                    int64_t dim) {
  Emitter &em = n.em;
  Location loc = n.loc;
  Type i64 = n.b().getI64Type();
  if (!llvm::isa<IntegerType>(Emitter::elemOf(idx)) ||
      Emitter::elemOf(idx).isInteger(1))
    return n.error() << n.opType() << " indices must be integers";
  Value v = em.cast(loc, idx, i64);
  if (auto t = em.getConstant(v)) {
    for (int64_t k = 0; k < t->size(); ++k)
      if (t->i[k] < -dim || t->i[k] >= dim)
        return n.error() << n.opType() << " index " << t->i[k]
                         << " is out of range for a dimension of size " << dim;
  }
  auto neg = em.binary(loc, BinaryKind::less, v, em.splat(loc, 0, i64));
  if (failed(neg))
    return failure();
  auto wrap = em.binary(loc, BinaryKind::mul, em.cast(loc, *neg, i64),
                        em.splat(loc, (double)dim, i64));
  if (failed(wrap))
    return failure();
  return em.binary(loc, BinaryKind::add, v, *wrap);
}

FailureOr<Value> qcc::onnx_import::elementwiseFlatIndices(NodeImport &n,
                                                          ArrayRef<int64_t> ds,
                                                          Value indices,
                                                          int64_t axis) {
  Emitter &em = n.em;
  Location loc = n.loc;
  ArrayRef<int64_t> is = Emitter::shapeOf(indices);
  int64_t rank = ds.size();
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis && is[d] > ds[d])
      return n.error() << n.opType() << " indices are larger than the data "
                       << "in dimension " << d;
  int64_t count = numElementsOf(is);
  if (count > kHostEvalLimit)
    return n.unsupported(n.opType() + " with more than " +
                         Twine(kHostEvalLimit) + " indices");
  SmallVector<int64_t> dStrides = stridesOf(ds);
  HostTensor base;
  base.elemType = n.b().getI64Type();
  base.shape.assign(is.begin(), is.end());
  base.resize();
  for (int64_t k = 0; k < count; ++k) {
    int64_t rem = k, offset = 0;
    for (int64_t d = rank - 1; d >= 0; --d) {
      int64_t c = rem % is[d];
      rem /= is[d];
      if (d != axis)
        offset += c * dStrides[d];
    }
    base.i[k] = offset;
  }
  auto idx = normalizeIndices(n, indices, ds[axis]);
  if (failed(idx))
    return failure();
  auto scaled = em.binary(loc, BinaryKind::mul, *idx,
                          em.splat(loc, (double)dStrides[axis], base.elemType));
  if (failed(scaled))
    return failure();
  return em.binary(loc, BinaryKind::add, em.createConstant(loc, base),
                   *scaled);
}

/// GatherElements as one gather from the flattened data: the flat index of
/// output element k is its own coordinates (with the axis coordinate taken
/// from the indices) dotted with the data's strides. The part that does not
/// depend on the indices is a constant.
static LogicalResult importGatherElements(NodeImport &n) {
  if (failed(n.require(0, "data")) || failed(n.require(1, "indices")))
    return failure();
  Emitter &em = n.em;
  Location loc = n.loc;
  Value data = n.input(0);
  SmallVector<int64_t> ds(Emitter::shapeOf(data));
  int64_t rank = ds.size();
  auto axis = n.normalizeAxis(n.attrInt("axis", 0), rank);
  if (failed(axis))
    return failure();
  if ((int64_t)Emitter::shapeOf(n.input(1)).size() != rank)
    return n.error() << "GatherElements indices must have the data's rank";
  auto flat = elementwiseFlatIndices(n, ds, n.input(1), *axis);
  if (failed(flat))
    return failure();
  Value flatData = em.reshape(loc, data, {numElementsOf(ds)});
  auto r = em.gather(loc, flatData, *flat, 0);
  if (failed(r))
    return failure();
  n.setResult(0, em.propagateSign(*r, data));
  return success();
}

/// Trilu of a tensor computed at run time: the kept elements are chosen at
/// compile time, so the result is one gather from the flattened input with
/// a zero appended: index i for a kept element, N (the zero) otherwise. This
/// is exact for every value (a multiply by a 0/1 mask would turn inf into
/// NaN).
static LogicalResult importRuntimeTrilu(NodeImport &n, int64_t k,
                                        bool upper) {
  Emitter &em = n.em;
  Location loc = n.loc;
  Value x = n.input(0);
  auto shape = Emitter::shapeOf(x);
  int64_t rank = shape.size();
  if (rank < 2)
    return n.error() << "Trilu expects an input of rank >= 2";
  int64_t count = numElementsOf(shape);
  if (count == 0) {
    n.setResult(0, x);
    return success();
  }
  if (count > kHostEvalLimit)
    return n.unsupported("Trilu of a run-time tensor with more than " +
                         Twine(kHostEvalLimit) + " elements");
  int64_t rows = shape[rank - 2], cols = shape[rank - 1];
  HostTensor idx;
  idx.elemType = em.builder.getI64Type();
  idx.shape = {count};
  idx.resize();
  for (int64_t e = 0; e < count; ++e) {
    int64_t j = e % cols, i = (e / cols) % rows;
    bool keep = upper ? j - i >= k : j - i <= k;
    idx.i[e] = keep ? e : count;
  }
  Value zero = em.reshape(loc, em.splat(loc, 0.0, Emitter::elemOf(x)), {1});
  auto padded = em.concat(loc, {em.reshape(loc, x, {count}), zero}, 0);
  if (failed(padded))
    return failure();
  auto picked = em.gather(loc, *padded, em.createConstant(loc, idx), 0);
  if (failed(picked))
    return failure();
  n.setResult(0, em.propagateSign(em.reshape(loc, *picked, shape), x));
  return success();
}

static LogicalResult importTrilu(NodeImport &n) {
  if (failed(n.require(0, "input")))
    return failure();
  int64_t k = 0;
  if (n.hasInput(1)) {
    auto kv = n.constInts(1, "k");
    if (failed(kv))
      return failure();
    k = kv->empty() ? 0 : (*kv)[0];
  }
  bool upper = n.attrInt("upper", 1) != 0;
  auto t = n.em.getConstant(n.input(0));
  if (!t)
    return importRuntimeTrilu(n, k, upper);
  int64_t rank = t->shape.size();
  if (rank < 2)
    return n.error() << "Trilu expects an input of rank >= 2";
  int64_t rows = t->shape[rank - 2], cols = t->shape[rank - 1];
  for (int64_t e = 0; e < t->size(); ++e) {
    int64_t j = e % cols, i = (e / cols) % rows;
    bool keep = upper ? j - i >= k : j - i <= k;
    if (!keep)
      t->setI(e, 0);
  }
  n.setResult(0, n.em.createConstant(n.loc, *t, n.outputName(0)));
  return success();
}

static LogicalResult importEyeLike(NodeImport &n) {
  if (failed(n.require(0, "input")))
    return failure();
  auto shape = Emitter::shapeOf(n.input(0));
  if (shape.size() != 2)
    return n.error() << "EyeLike expects a 2-D input";
  HostTensor t;
  t.elemType = Emitter::elemOf(n.input(0));
  t.isUnsigned = n.em.isUnsigned(n.input(0));
  if (n.hasAttr("dtype")) {
    bool isUnsigned = false;
    t.elemType = convertElementType(n.em.ctx, n.attrInt("dtype", 1), isUnsigned);
    t.isUnsigned = isUnsigned;
    if (!t.elemType)
      return n.unsupported("EyeLike dtype " +
                           dataTypeName(n.attrInt("dtype", 1)));
  }
  t.shape.assign(shape.begin(), shape.end());
  if (t.size() > kHostEvalLimit)
    return n.unsupported("EyeLike with more than " + Twine(kHostEvalLimit) +
                         " elements");
  t.resize();
  int64_t k = n.attrInt("k", 0);
  for (int64_t i = 0; i < shape[0]; ++i)
    if (i + k >= 0 && i + k < shape[1])
      t.setI(i * shape[1] + i + k, 1);
  n.setResult(0, n.em.createConstant(n.loc, t, n.outputName(0)));
  return success();
}

static LogicalResult importNonZero(NodeImport &n) {
  if (failed(n.require(0, "X")))
    return failure();
  auto t = n.em.getConstant(n.input(0));
  if (!t)
    return n.unsupported("NonZero of a tensor computed at run time (its "
                         "result shape depends on the data)");
  int64_t rank = t->shape.size();
  SmallVector<int64_t> hits;
  for (int64_t e = 0; e < t->size(); ++e)
    if (t->getD(e) != 0)
      hits.push_back(e);
  HostTensor r;
  r.elemType = n.b().getI64Type();
  r.shape = {rank, (int64_t)hits.size()};
  r.resize();
  SmallVector<int64_t> strides = stridesOf(t->shape);
  for (size_t h = 0; h < hits.size(); ++h)
    for (int64_t d = 0; d < rank; ++d)
      r.i[d * hits.size() + h] = (hits[h] / strides[d]) % t->shape[d];
  n.setResult(0, n.em.createConstant(n.loc, r, n.outputName(0)));
  return success();
}

/// OneHot: off + (on - off) * (indices == range(depth)), with the depth
/// axis inserted at `axis`.
static LogicalResult importOneHot(NodeImport &n) {
  for (unsigned i = 0; i < 3; ++i)
    if (failed(n.require(i, "indices, depth and values")))
      return failure();
  Emitter &em = n.em;
  Location loc = n.loc;
  auto depthV = n.constDoubles(1, "depth");
  if (failed(depthV))
    return failure();
  if (depthV->size() != 1 || (*depthV)[0] < 1 ||
      (*depthV)[0] > (double)kHostEvalLimit)
    return n.error() << "OneHot depth must be a positive scalar of at most "
                     << kHostEvalLimit;
  int64_t depth = (int64_t)(*depthV)[0];
  Value idx = n.input(0), vals = n.input(2);
  if (numElementsOf(Emitter::shapeOf(vals)) != 2)
    return n.error() << "OneHot values must hold [off, on]";
  SmallVector<int64_t> is(Emitter::shapeOf(idx));
  int64_t outRank = is.size() + 1;
  auto axis = n.normalizeAxis(n.attrInt("axis", -1), outRank);
  if (failed(axis))
    return failure();
  // Indices as i64, negative ones counted from the end.
  Value i64 = em.cast(loc, idx, n.b().getI64Type());
  SmallVector<int64_t> expanded(is);
  expanded.insert(expanded.begin() + *axis, 1);
  Value col = em.reshape(loc, i64, expanded);
  HostTensor range;
  range.elemType = n.b().getI64Type();
  range.shape.assign(outRank, 1);
  range.shape[*axis] = depth;
  range.resize();
  for (int64_t d = 0; d < depth; ++d)
    range.i[d] = d;
  Value r = em.createConstant(loc, range);
  auto eq = em.binary(loc, BinaryKind::equal, col, r);
  // Negative indices: also compare against range - depth.
  HostTensor negRange = range;
  for (int64_t d = 0; d < depth; ++d)
    negRange.i[d] = d - depth;
  auto eqNeg = em.binary(loc, BinaryKind::equal, col,
                         em.createConstant(loc, negRange));
  if (failed(eq) || failed(eqNeg))
    return failure();
  auto hit = em.binary(loc, BinaryKind::logical_or, *eq, *eqNeg);
  if (failed(hit))
    return failure();
  Type elem = Emitter::elemOf(vals);
  Value flatVals = em.reshape(loc, vals, {2});
  Value off = em.sliceAxis(loc, flatVals, 0, 0, 1);
  Value on = em.sliceAxis(loc, flatVals, 0, 1, 1);
  off = em.reshape(loc, off, {});
  on = em.reshape(loc, on, {});
  Value mask = em.cast(loc, *hit, elem);
  auto diff = em.binary(loc, BinaryKind::sub, on, off);
  if (failed(diff))
    return failure();
  auto scaled = em.binary(loc, BinaryKind::mul, mask, *diff);
  if (failed(scaled))
    return failure();
  auto y = em.binary(loc, BinaryKind::add, *scaled, off);
  if (failed(y))
    return failure();
  n.setResult(0, *y);
  return success();
}

void qcc::onnx_import::registerTensorOps(OpTable &table) {
  table["Constant"] = importConstant;
  table["ConstantOfShape"] = importConstantOfShape;
  table["Range"] = importRange;
  table["Shape"] = importShape;
  table["Size"] = importSize;
  table["Reshape"] = importReshape;
  table["Flatten"] = importFlatten;
  table["Squeeze"] = importSqueeze;
  table["Unsqueeze"] = importUnsqueeze;
  table["Transpose"] = importTranspose;
  table["Concat"] = importConcat;
  table["Split"] = importSplit;
  table["Slice"] = importSlice;
  table["Gather"] = importGather;
  table["Cast"] = importCast;
  table["CastLike"] = importCastLike;
  table["Expand"] = importExpand;
  table["Tile"] = importTile;
  table["Pad"] = importPad;
  table["DepthToSpace"] = [](NodeImport &n) {
    return importDepthToSpace(n, true);
  };
  table["SpaceToDepth"] = [](NodeImport &n) {
    return importDepthToSpace(n, false);
  };
  table["Resize"] = importResize;
  table["Upsample"] = importResize;
  table["GatherElements"] = importGatherElements;
  table["Trilu"] = importTrilu;
  table["EyeLike"] = importEyeLike;
  table["NonZero"] = importNonZero;
  table["OneHot"] = importOneHot;
}
