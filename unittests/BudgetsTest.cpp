//===- BudgetsTest.cpp - -size-budget / -latency-budget / -max-error ------===//

#include "qcc/Mixed/Budgets.h"

#include <gtest/gtest.h>

using namespace qcc::mixed;

TEST(Budgets, Size) {
  std::string err;
  auto b = parseSizeBudget("800KB", err);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->base, BudgetBase::Absolute);
  EXPECT_DOUBLE_EQ(b->value, 800e3);
  b = parseSizeBudget("1.5MiB", err);
  ASSERT_TRUE(b);
  EXPECT_DOUBLE_EQ(b->value, 1.5 * 1024 * 1024);
  b = parseSizeBudget("250000", err);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->base, BudgetBase::Absolute);
  EXPECT_DOUBLE_EQ(b->resolve(1e9, 1e9), 250000);
  b = parseSizeBudget("0.3", err);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->base, BudgetBase::Fp32);
  EXPECT_DOUBLE_EQ(b->resolve(1000, 300), 300);
  b = parseSizeBudget("0.6xint8", err);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->base, BudgetBase::Int8);
  EXPECT_DOUBLE_EQ(b->resolve(1000, 300), 180);
  for (const char *badText : {"", "-1", "abc", "0", "12.5", "xint8", "1e400",
                              "3 MB", "nan"}) {
    err.clear();
    EXPECT_FALSE(parseSizeBudget(badText, err)) << badText;
    EXPECT_NE(err.find("invalid -size-budget"), std::string::npos) << badText;
  }
}

TEST(Budgets, Latency) {
  std::string err;
  auto b = parseLatencyBudget("0.7", err);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->base, BudgetBase::Fp32);
  EXPECT_DOUBLE_EQ(b->resolve(10, 5), 7);
  b = parseLatencyBudget("1.2xint8", err);
  ASSERT_TRUE(b);
  EXPECT_DOUBLE_EQ(b->resolve(10, 5), 6);
  b = parseLatencyBudget("2.5ms", err);
  ASSERT_TRUE(b);
  EXPECT_DOUBLE_EQ(b->resolve(1, 1), 2.5e6);
  b = parseLatencyBudget("800us", err);
  ASSERT_TRUE(b);
  EXPECT_DOUBLE_EQ(b->value, 800e3);
  EXPECT_FALSE(parseLatencyBudget("fast", err));
  EXPECT_FALSE(parseLatencyBudget("-3ms", err));
}

TEST(Budgets, Error) {
  std::string err;
  auto e = parseErrorBudget("30dB", err);
  ASSERT_TRUE(e);
  EXPECT_FALSE(e->isKl);
  EXPECT_NEAR(*e->resolve("mse"), 1e-3, 1e-15);
  EXPECT_FALSE(e->resolve("kl"));
  e = parseErrorBudget("25", err);
  ASSERT_TRUE(e);
  EXPECT_NEAR(noiseToDb(*e->resolve("mse")), 25, 1e-12);
  e = parseErrorBudget("0.01kl", err);
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->isKl);
  EXPECT_DOUBLE_EQ(*e->resolve("kl"), 0.01);
  EXPECT_FALSE(e->resolve("mse"));
  EXPECT_FALSE(parseErrorBudget("good", err));
  EXPECT_FALSE(parseErrorBudget("-1kl", err));
}
