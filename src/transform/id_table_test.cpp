#include "transform/id_table.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <map>
#include <random>

namespace sparkify::transform {
namespace {

TEST(IdTable, AgreesWithAMapThroughGrowthAndClear) {
  // Dense ids, strided ids that share low bits, the extremes and random ones: every lookup
  // finds what was inserted, across many doublings of the slots and several entry blocks.
  IdTable<int64_t> table;
  std::map<int64_t, int64_t> expected;
  std::vector<int64_t> order;
  auto add = [&](int64_t id) {
    int64_t first = id ^ 0x5a5a;  // any value that differs from the id, without overflow
    auto [value, inserted] = table.try_emplace(id, first);
    auto [it, expected_inserted] = expected.try_emplace(id, first);
    ASSERT_EQ(inserted, expected_inserted) << id;
    ASSERT_EQ(value, it->second) << id;
    if (inserted) order.push_back(id);
    value ^= 1;  // the reference is the table's
    it->second ^= 1;
  };
  std::mt19937_64 rng(7);
  for (int64_t i = 0; i < 5000; ++i) add(i);
  for (int64_t i = 0; i < 3000; ++i) add(i << 20);
  for (int64_t id : {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(),
                     int64_t{-1}, int64_t{0}}) {
    add(id);
  }
  for (int i = 0; i < 20000; ++i) add(static_cast<int64_t>(rng() % 40000) - 20000);
  ASSERT_EQ(table.size(), expected.size());
  std::vector<int64_t> seen;
  table.for_each([&](int64_t id, const int64_t& value) {
    seen.push_back(id);
    EXPECT_EQ(value, expected.at(id)) << id;
  });
  EXPECT_EQ(seen, order);  // insertion order
  EXPECT_GT(table.memory_bytes(), expected.size() * sizeof(int64_t) * 2);

  table.clear();
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.memory_bytes(), 0u);
  auto [value, inserted] = table.try_emplace(5, 1);
  EXPECT_TRUE(inserted);
  EXPECT_EQ(value, 1);
}

}  // namespace
}  // namespace sparkify::transform
