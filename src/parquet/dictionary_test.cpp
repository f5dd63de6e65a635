#include "parquet/dictionary.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sparkify::parquet {
namespace {

TEST(StringDictionary, InternsAndKeepsInsertionOrder) {
  StringDictionary d;
  EXPECT_EQ(d.get_or_insert("free", 1 << 20), 0);
  EXPECT_EQ(d.get_or_insert("paid", 1 << 20), 1);
  EXPECT_EQ(d.get_or_insert("free", 1 << 20), 0);
  EXPECT_EQ(d.get_or_insert("", 1 << 20), 2);
  EXPECT_EQ(d.get_or_insert("", 1 << 20), 2);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d.entry(1), "paid");
  EXPECT_EQ(d.entry(2), "");
  // PLAIN page body: 4-byte little-endian length, then the bytes.
  std::vector<uint8_t> expect = {4, 0, 0,   0,   'f', 'r', 'e', 'e', 4, 0,
                                 0, 0, 'p', 'a', 'i', 'd', 0,   0,   0, 0};
  EXPECT_EQ(std::vector<uint8_t>(d.plain().begin(), d.plain().end()), expect);
}

TEST(StringDictionary, ManyEntriesSurviveGrowth) {
  StringDictionary d;
  std::vector<std::string> keys;
  for (int i = 0; i < 50000; ++i) keys.push_back("key-" + std::to_string(i * 7919));
  for (size_t i = 0; i < keys.size(); ++i)
    ASSERT_EQ(d.get_or_insert(keys[i], SIZE_MAX), static_cast<int32_t>(i));
  for (size_t i = 0; i < keys.size(); ++i)
    ASSERT_EQ(d.get_or_insert(keys[i], SIZE_MAX), static_cast<int32_t>(i));
  for (size_t i = 0; i < keys.size(); ++i) ASSERT_EQ(d.entry(i), keys[i]);
  // Strings that differ only past the 8-byte blocks, and embedded NULs.
  EXPECT_NE(d.get_or_insert(std::string("abcdefgh\0x", 10), SIZE_MAX),
            d.get_or_insert(std::string("abcdefgh\0y", 10), SIZE_MAX));
}

TEST(StringDictionary, RefusesToPassTheLimit) {
  StringDictionary d;
  EXPECT_EQ(d.get_or_insert("abcd", 16), 0);  // 8 bytes
  EXPECT_EQ(d.get_or_insert("efgh", 16), 1);  // 16 bytes: exactly the limit
  EXPECT_EQ(d.get_or_insert("i", 16), StringDictionary::kFull);
  EXPECT_EQ(d.get_or_insert("abcd", 16), 0);  // existing entries still resolve
  EXPECT_EQ(d.size(), 2u);
  EXPECT_EQ(d.plain_size(), 16u);
  d.clear();
  EXPECT_EQ(d.size(), 0u);
  EXPECT_EQ(d.get_or_insert("i", 16), 0);
}

}  // namespace
}  // namespace sparkify::parquet
