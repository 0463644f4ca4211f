//===- PlanFileTest.cpp - unit tests of plan files ------------------------===//
//
// Tests parsePlan against hand-made layers: name and id matching, the
// report's plan layout, defaults, and one clear error per kind of mistake.
//
//===----------------------------------------------------------------------===//

#include "qcc/Mixed/PlanFile.h"

#include <gtest/gtest.h>

using namespace qcc;
using namespace qcc::mixed;

namespace {

/// Three layers: "conv1" (any candidate), "fc" (int8 ruled out: no range),
/// and an unnamed conv (id 2).
std::vector<Layer> makeLayers() {
  std::vector<Layer> layers(3);
  for (int i = 0; i < 3; ++i) {
    layers[i].id = i;
    layers[i].tie = i;
    layers[i].opType = i == 1 ? "MatMul" : "Conv";
    layers[i].allowed.assign(allCandidates().begin(), allCandidates().end());
  }
  layers[0].name = "conv1";
  layers[1].name = "fc";
  layers[1].allowed = {Precision::f32, Precision::f16, Precision::bf16,
                       Precision::w4f};
  layers[1].excluded[Precision::w8a8] = "no calibration range for the input";
  return layers;
}

std::string parseError(llvm::StringRef text) {
  std::vector<Layer> layers = makeLayers();
  std::vector<Precision> plan;
  std::string error;
  EXPECT_TRUE(failed(parsePlan(text, "p.json", layers, plan, error)));
  return error;
}

} // namespace

TEST(PlanFile, NamesIdsAndDefault) {
  std::vector<Layer> layers = makeLayers();
  std::vector<Precision> plan;
  std::string error;
  ASSERT_TRUE(succeeded(parsePlan(
      R"({"layers": [{"name": "conv1", "precision": "int8"},
                     {"id": 2, "precision": "w4f"}]})",
      "p.json", layers, plan, error)))
      << error;
  EXPECT_EQ(plan, (std::vector<Precision>{Precision::w8a8, Precision::f32,
                                          Precision::w4f}));

  // "default" fills unlisted layers that can take it; fc cannot be int8.
  ASSERT_TRUE(succeeded(parsePlan(
      R"({"default": "int8", "layers": [{"name": "conv1", "precision": "fp16"}]})",
      "p.json", layers, plan, error)))
      << error;
  EXPECT_EQ(plan, (std::vector<Precision>{Precision::f16, Precision::f32,
                                          Precision::w8a8}));
}

TEST(PlanFile, ReportLayout) {
  // The plan object of a -report file: "chosen", extra keys ignored, and a
  // quant report's own "layers" list next to it is not the plan.
  std::vector<Layer> layers = makeLayers();
  std::vector<Precision> plan;
  std::string error;
  ASSERT_TRUE(succeeded(parsePlan(
      R"({"layers": [{"name": "conv1", "precision": "w8a8"}],
          "plan": {"target": "avx2", "layers": [
            {"id": 0, "name": "conv1", "op": "Conv", "chosen": "bf16", "why": "x"},
            {"id": 1, "name": "fc", "chosen": "int4w", "candidates": {}},
            {"id": 2, "name": "", "chosen": "int8"}]}})",
      "r.json", layers, plan, error)))
      << error;
  EXPECT_EQ(plan, (std::vector<Precision>{Precision::bf16, Precision::w4f,
                                          Precision::w8a8}));
}

TEST(PlanFile, RoundTrip) {
  std::vector<Layer> layers = makeLayers();
  std::vector<Precision> plan = {Precision::w4f, Precision::f16,
                                 Precision::w8a8};
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::json::Value(planToJson(layers, plan));
  std::vector<Precision> back;
  std::string error;
  ASSERT_TRUE(succeeded(parsePlan(text, "p.json", layers, back, error)))
      << error;
  EXPECT_EQ(back, plan);
}

TEST(PlanFile, Errors) {
  EXPECT_NE(parseError("{").find("p.json: not valid JSON"), std::string::npos);
  EXPECT_EQ(parseError("[1]"),
            "p.json: expected a JSON object with a \"layers\" list");
  EXPECT_NE(parseError("{}").find("expected a \"layers\" list"),
            std::string::npos);
  EXPECT_EQ(
      parseError(R"({"layers": [{"name": "conv9", "precision": "int8"}]})"),
      "p.json: layers[0]: the model has no layer named 'conv9' (layers are "
      "the Conv, MatMul and Gemm nodes with constant weights)");
  EXPECT_EQ(parseError(R"({"layers": [{"id": 3, "precision": "int8"}]})"),
            "p.json: layers[0]: no layer has id 3 (the model has 3 layers, "
            "ids 0 to 2)");
  EXPECT_EQ(parseError(R"({"layers": [{"precision": "int8"}]})"),
            "p.json: layers[0]: the entry has neither a \"name\" nor an "
            "\"id\"");
  EXPECT_EQ(parseError(R"({"layers": [{"name": "fc", "precision": "int8"}]})"),
            "p.json: layers[0]: layer 'fc' (MatMul) cannot be int8: no calibration "
            "range for the input");
  EXPECT_EQ(parseError(R"({"layers": [{"name": "fc", "precision": "int3"}]})"),
            "p.json: layers[0]: layer 'fc' (MatMul): unknown precision "
            "'int3' (expected one of fp32, fp16, bf16, int8, int4w)");
  EXPECT_EQ(parseError(R"({"layers": [{"name": "fc"}]})"),
            "p.json: layers[0]: layer 'fc' (MatMul) has no \"precision\" (or "
            "\"chosen\")");
  EXPECT_EQ(parseError(R"({"layers": [{"id": 2, "precision": "fp16"},
                                      {"id": 2, "precision": "fp16"}]})"),
            "p.json: layers[1]: layer #2 (Conv) is listed twice");
  EXPECT_EQ(parseError(R"({"default": 8, "layers": []})"),
            "p.json: \"default\": the precision must be a string (one of "
            "fp32, fp16, bf16, int8, int4w)");
  EXPECT_EQ(parseError(R"({"layers": [{"name": 4, "precision": "fp16"}]})"),
            "p.json: layers[0]: \"name\" must be a string");
}

TEST(PlanFile, DuplicateNames) {
  std::vector<Layer> layers = makeLayers();
  layers[2].name = "conv1";
  std::vector<Precision> plan;
  std::string error;
  EXPECT_TRUE(failed(parsePlan(
      R"({"layers": [{"name": "conv1", "precision": "fp16"}]})", "p.json",
      layers, plan, error)));
  EXPECT_EQ(error, "p.json: layers[0]: 2 layers are named 'conv1': give the "
                   "\"id\" of the one meant");
  ASSERT_TRUE(succeeded(parsePlan(
      R"({"layers": [{"name": "conv1", "id": 2, "precision": "fp16"}]})",
      "p.json", layers, plan, error)))
      << error;
  EXPECT_EQ(plan[2], Precision::f16);
  EXPECT_EQ(plan[0], Precision::f32);
}
