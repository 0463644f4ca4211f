//===- Samples.cpp - calibration sample sets ------------------------------===//
//
// This file implements reading calibration samples and matching them to the
// model's inputs:
//   - a folder: every .npy, .npz and .pb file in it and in its immediate
//     subfolders (ONNX's test_data_set_N layout), in sorted path order;
//     `output_*.pb` files of that layout are skipped;
//   - a single .npy, .npz or .pb file.
// An array belongs to the input of its name (.npy file stem, .npz key,
// TensorProto name, or the .pb file stem when the proto has no name); for a
// single-input model every array belongs to that input. An array holds one
// sample (the input's shape without the leading dimension) or N samples
// (that shape with a leading N). Arrays of one input are concatenated.
//
//===----------------------------------------------------------------------===//

#include "qcc/Calibration/Samples.h"

#include "qcc/Driver/Npy.h"
#include "qcc/Frontend/Onnx/TensorFile.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

using namespace llvm;

namespace qcc::calib {

int64_t ModelInput::batch() const { return shape.empty() ? 1 : shape[0]; }

std::vector<int64_t> ModelInput::sampleShape() const {
  if (shape.empty())
    return {};
  return std::vector<int64_t>(shape.begin() + 1, shape.end());
}

int64_t ModelInput::sampleBytes() const {
  int64_t n = dtypeSize(dtype);
  for (int64_t d : sampleShape())
    n *= d;
  return n;
}

int64_t numRuns(int64_t numSamples, int64_t batch) {
  if (numSamples <= 0 || batch <= 0)
    return 0;
  return (numSamples + batch - 1) / batch;
}

int64_t sampleForSlot(int64_t run, int64_t slot, int64_t numSamples,
                      int64_t batch) {
  return (run * batch + slot) % numSamples;
}

static Error calibError(const Twine &msg) {
  return createStringError(inconvertibleErrorCode(), "-calib: " + msg);
}

/// Formats a shape as [2x3x4], optionally after a symbolic leading
/// dimension ([Nx2x3x4]).
static std::string shapeString(ArrayRef<int64_t> shape, StringRef lead = "") {
  std::string s = lead.str();
  for (int64_t d : shape)
    s += (s.empty() ? "" : "x") + std::to_string(d);
  return "[" + s + "]";
}

std::optional<DType> dtypeOf(mlir::Type t, bool isUnsigned) {
  if (t.isF32())
    return DType::F32;
  if (t.isF16())
    return DType::F16;
  if (t.isBF16())
    return DType::BF16;
  if (t.isF64())
    return DType::F64;
  if (t.isInteger(1))
    return DType::Bool;
  if (t.isInteger(8))
    return isUnsigned ? DType::U8 : DType::I8;
  if (t.isInteger(16))
    return isUnsigned ? DType::U16 : DType::I16;
  if (t.isInteger(32))
    return isUnsigned ? DType::U32 : DType::I32;
  if (t.isInteger(64))
    return isUnsigned ? DType::U64 : DType::I64;
  return std::nullopt;
}

Error SampleSet::addArray(StringRef file, StringRef name, DType dtype,
                          ArrayRef<int64_t> shape, std::vector<char> data) {
  InputSamples *in = nullptr;
  if (inputs.size() == 1) {
    in = &inputs.front();
  } else {
    for (InputSamples &candidate : inputs)
      if (candidate.input.name == name)
        in = &candidate;
  }
  if (!in) {
    std::string names;
    for (const InputSamples &candidate : inputs)
      names += (names.empty() ? "'" : ", '") + candidate.input.name + "'";
    return calibError(
        "'" + file + "' holds '" + name +
        "', which is not an input of the model (inputs: " + names + ")");
  }
  const ModelInput &input = in->input;
  // numpy has no bfloat16: uint16 arrays carry bfloat16 bit patterns.
  if (input.dtype == DType::BF16 && dtype == DType::U16)
    dtype = DType::BF16;
  if (dtype != input.dtype)
    return calibError(
        "'" + file + "' holds " + dtypeName(dtype) + " data, input '" +
        input.name + "' is " + dtypeName(input.dtype) +
        (input.dtype == DType::F32 ? " (convert with .astype(np.float32))"
                                   : ""));
  std::vector<int64_t> unit = input.sampleShape();
  int64_t samples;
  if (shape == ArrayRef<int64_t>(unit)) {
    samples = 1;
  } else if (shape.size() == unit.size() + 1 &&
             shape.drop_front() == ArrayRef<int64_t>(unit)) {
    samples = shape.front();
  } else {
    return calibError("'" + file + "' has shape " + shapeString(shape) +
                      ", which does not fit input '" + input.name + "' " +
                      shapeString(input.shape) + ": expected " +
                      shapeString(unit, "N") + " for N samples or " +
                      shapeString(unit) + " for one sample");
  }
  if ((int64_t)data.size() != samples * input.sampleBytes())
    return calibError("'" + file + "' holds " + Twine(data.size()) +
                      " bytes of data, expected " +
                      Twine(samples * input.sampleBytes()));
  if (samples == 0)
    return Error::success();
  in->starts.push_back(in->numSamples);
  in->chunks.push_back({std::move(data), samples});
  in->numSamples += samples;
  return Error::success();
}

/// The files of a sample folder: its own files, then those of each
/// subfolder, each level in sorted order.
static Expected<std::vector<std::string>> listSampleFiles(StringRef dir) {
  std::vector<std::string> files, subdirs;
  std::error_code ec;
  for (sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec)) {
    sys::fs::file_status st;
    if (sys::fs::status(it->path(), st))
      continue;
    if (sys::fs::is_directory(st))
      subdirs.push_back(it->path());
    else
      files.push_back(it->path());
  }
  if (ec)
    return calibError("cannot read the folder '" + dir + "': " + ec.message());
  std::sort(files.begin(), files.end());
  std::sort(subdirs.begin(), subdirs.end());
  for (const std::string &sub : subdirs) {
    std::vector<std::string> inner;
    for (sys::fs::directory_iterator it(sub, ec), end; it != end && !ec;
         it.increment(ec))
      if (sys::fs::is_regular_file(it->path()))
        inner.push_back(it->path());
    if (ec)
      return calibError("cannot read the folder '" + sub +
                        "': " + ec.message());
    std::sort(inner.begin(), inner.end());
    files.insert(files.end(), inner.begin(), inner.end());
  }
  std::vector<std::string> kept;
  for (const std::string &f : files) {
    std::string ext = sys::path::extension(f).lower();
    if (ext != ".npy" && ext != ".npz" && ext != ".pb")
      continue;
    // ONNX test data sets hold the expected outputs next to the inputs.
    if (ext == ".pb" && sys::path::stem(f).starts_with("output_"))
      continue;
    kept.push_back(f);
  }
  if (kept.empty())
    return calibError("the folder '" + dir +
                      "' holds no .npy, .npz or .pb files");
  return kept;
}

Expected<SampleSet> SampleSet::load(mlir::MLIRContext &context,
                                    StringRef source,
                                    ArrayRef<ModelInput> modelInputs) {
  SampleSet set;
  for (const ModelInput &input : modelInputs)
    set.inputs.push_back({input, {}, {}, 0});
  if (set.inputs.empty())
    return calibError("the model has no inputs to calibrate");

  sys::fs::file_status st;
  if (std::error_code ec = sys::fs::status(source, st))
    return calibError("cannot open '" + source + "': " + ec.message());
  std::vector<std::string> files;
  if (sys::fs::is_directory(st)) {
    auto listed = listSampleFiles(source);
    if (!listed)
      return listed.takeError();
    files = std::move(*listed);
  } else {
    files.push_back(source.str());
  }

  for (const std::string &file : files) {
    std::string ext = sys::path::extension(file).lower();
    StringRef stem = sys::path::stem(file);
    if (ext == ".npy") {
      auto array = readNpy(file);
      if (!array)
        return calibError(toString(array.takeError()));
      if (Error err = set.addArray(file, stem, array->dtype, array->shape,
                                   std::move(array->data)))
        return std::move(err);
    } else if (ext == ".npz") {
      auto entries = readNpz(file);
      if (!entries)
        return calibError(toString(entries.takeError()));
      if (entries->empty())
        return calibError("'" + file + "' holds no arrays");
      for (NpzEntry &e : *entries)
        if (Error err = set.addArray(file + ":" + e.key, e.key, e.array.dtype,
                                     e.array.shape, std::move(e.array.data)))
          return std::move(err);
    } else if (ext == ".pb") {
      auto tensor = readOnnxTensorFile(context, file);
      if (!tensor)
        return calibError(toString(tensor.takeError()));
      auto dtype = dtypeOf(tensor->elementType, tensor->isUnsigned);
      if (!dtype)
        return calibError("'" + file + "' has an unsupported element type");
      std::string name = tensor->name.empty() ? stem.str() : tensor->name;
      if (Error err = set.addArray(file, name, *dtype, tensor->shape,
                                   std::move(tensor->data)))
        return std::move(err);
    } else {
      return calibError("'" + file +
                        "' is not an .npy, .npz or .pb file (or a folder of "
                        "them)");
    }
  }

  const InputSamples &first = set.inputs.front();
  for (const InputSamples &in : set.inputs) {
    if (in.numSamples == 0)
      return calibError("no samples for input '" + in.input.name + "' in '" +
                        source + "' (expected " + in.input.name +
                        ".npy, an .npz key '" + in.input.name +
                        "' or a TensorProto named '" + in.input.name + "')");
    if (in.numSamples != first.numSamples)
      return calibError("input '" + first.input.name + "' has " +
                        Twine(first.numSamples) + " samples but input '" +
                        in.input.name + "' has " + Twine(in.numSamples) +
                        "; every input needs the same number");
    if (in.input.batch() != first.input.batch())
      return calibError("inputs '" + first.input.name + "' " +
                        shapeString(first.input.shape) + " and '" +
                        in.input.name + "' " + shapeString(in.input.shape) +
                        " have different leading (batch) dimensions; "
                        "calibration feeds the same samples to every input");
  }
  set.count = first.numSamples;
  return set;
}

/// Encodes a double as one element of a float dtype.
static void storeFloat(DType dtype, double v, char *out) {
  switch (dtype) {
  case DType::F64:
    std::memcpy(out, &v, 8);
    return;
  case DType::F32: {
    float f = (float)v;
    std::memcpy(out, &f, 4);
    return;
  }
  case DType::F16:
  case DType::BF16: {
    APFloat f(v);
    bool lost;
    f.convert(dtype == DType::F16 ? APFloat::IEEEhalf() : APFloat::BFloat(),
              APFloat::rmNearestTiesToEven, &lost);
    uint16_t bits = (uint16_t)f.bitcastToAPInt().getZExtValue();
    std::memcpy(out, &bits, 2);
    return;
  }
  default:
    return;
  }
}

Expected<SampleSet> SampleSet::random(ArrayRef<ModelInput> modelInputs,
                                      int64_t count, uint64_t seed) {
  SampleSet set;
  if (modelInputs.empty())
    return calibError("the model has no inputs to calibrate");
  std::mt19937_64 gen(seed);
  // Uniform in (0, 1] from the top 53 bits.
  auto uniform = [&] { return ((gen() >> 11) + 1) * 0x1.0p-53; };
  for (const ModelInput &input : modelInputs) {
    if (input.dtype != DType::F32 && input.dtype != DType::F16 &&
        input.dtype != DType::BF16 && input.dtype != DType::F64)
      return calibError(
          "random: input '" + input.name + "' is " + dtypeName(input.dtype) +
          "; random samples are generated only for float inputs (give "
          "-calib=PATH with real samples)");
    if (input.batch() != modelInputs.front().batch())
      return calibError("inputs '" + modelInputs.front().name + "' and '" +
                        input.name +
                        "' have different leading (batch) dimensions");
    int64_t width = dtypeSize(input.dtype);
    int64_t elements = count * (input.sampleBytes() / width);
    Chunk chunk;
    chunk.numSamples = count;
    chunk.data.resize(elements * width);
    for (int64_t i = 0; i < elements; i += 2) {
      // Box-Muller: two independent standard normal values per pair.
      double r = std::sqrt(-2.0 * std::log(uniform()));
      double t = 2.0 * llvm::numbers::pi * uniform();
      storeFloat(input.dtype, r * std::cos(t), &chunk.data[i * width]);
      if (i + 1 < elements)
        storeFloat(input.dtype, r * std::sin(t), &chunk.data[(i + 1) * width]);
    }
    InputSamples in{input, {}, {0}, count};
    in.chunks.push_back(std::move(chunk));
    set.inputs.push_back(std::move(in));
  }
  set.count = count;
  return set;
}

int64_t SampleSet::numRuns() const {
  return calib::numRuns(count, inputs.front().input.batch());
}

const char *SampleSet::sample(const InputSamples &in, int64_t index) const {
  size_t c = std::upper_bound(in.starts.begin(), in.starts.end(), index) -
             in.starts.begin() - 1;
  return in.chunks[c].data.data() +
         (index - in.starts[c]) * in.input.sampleBytes();
}

Expected<SampleSet> SampleSet::fromSource(mlir::MLIRContext &context,
                                          StringRef source,
                                          ArrayRef<ModelInput> inputs,
                                          int64_t maxSamples, uint64_t seed,
                                          int64_t defaultRandom) {
  Expected<SampleSet> samples =
      source == "random"
          ? random(inputs, maxSamples > 0 ? maxSamples : defaultRandom, seed)
          : load(context, source, inputs);
  if (samples && maxSamples > 0)
    samples->truncate(maxSamples);
  return samples;
}

mlir::FailureOr<std::vector<ModelInput>> modelInputs(mlir::func::FuncOp fn,
                                                     StringRef what) {
  std::vector<ModelInput> inputs;
  for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
    ModelInput in;
    auto name = fn.getArgAttrOfType<mlir::StringAttr>(i, "qcc.name");
    in.name = name ? name.str() : "input" + std::to_string(i);
    auto tt = dyn_cast<mlir::RankedTensorType>(fn.getArgument(i).getType());
    auto dtype = tt ? dtypeOf(tt.getElementType(),
                              (bool)fn.getArgAttr(i, "qcc.unsigned"))
                    : std::nullopt;
    if (!tt || !tt.hasStaticShape() || !dtype)
      return mlir::emitError(fn.getLoc())
             << what << ": input '" << in.name
             << "' is not a statically shaped tensor of a supported element "
                "type";
    in.dtype = *dtype;
    in.shape.assign(tt.getShape().begin(), tt.getShape().end());
    inputs.push_back(std::move(in));
  }
  return inputs;
}

void SampleSet::fillRun(int64_t run, ArrayRef<char *> buffers) const {
  for (auto [in, buffer] : llvm::zip(inputs, buffers)) {
    int64_t batch = in.input.batch(), bytes = in.input.sampleBytes();
    for (int64_t slot = 0; slot < batch; ++slot)
      std::memcpy(buffer + slot * bytes,
                  sample(in, sampleForSlot(run, slot, count, batch)), bytes);
  }
}

} // namespace qcc::calib
