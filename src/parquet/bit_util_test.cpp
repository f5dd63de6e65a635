#include "parquet/bit_util.h"
#include "common/hash.h"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

namespace sparkify::parquet {
namespace {

TEST(Varint, RoundTripsBoundaries) {
  std::vector<uint64_t> values = {0,
                                  1,
                                  127,
                                  128,
                                  255,
                                  16383,
                                  16384,
                                  (1ull << 32) - 1,
                                  1ull << 32,
                                  (1ull << 63),
                                  std::numeric_limits<uint64_t>::max()};
  for (uint64_t v : values) {
    ByteBuffer buf;
    append_varint(&buf, v);
    const uint8_t* p = buf.data();
    uint64_t out = 0;
    ASSERT_TRUE(read_varint(&p, buf.data() + buf.size(), &out)) << v;
    EXPECT_EQ(out, v);
    EXPECT_EQ(p, buf.data() + buf.size());
  }
}

TEST(Varint, EncodedLengths) {
  auto len = [](uint64_t v) {
    ByteBuffer b;
    append_varint(&b, v);
    return b.size();
  };
  EXPECT_EQ(len(0), 1u);
  EXPECT_EQ(len(127), 1u);
  EXPECT_EQ(len(128), 2u);
  EXPECT_EQ(len(std::numeric_limits<uint64_t>::max()), 10u);
}

TEST(Varint, RejectsTruncatedAndOverlong) {
  const uint8_t truncated[] = {0x80, 0x80};
  const uint8_t* p = truncated;
  uint64_t out;
  EXPECT_FALSE(read_varint(&p, truncated + 2, &out));
  std::vector<uint8_t> overlong(11, 0x80);
  overlong.back() = 0x01;
  p = overlong.data();
  EXPECT_FALSE(read_varint(&p, overlong.data() + overlong.size(), &out));
  p = truncated;
  EXPECT_FALSE(read_varint(&p, truncated, &out));  // empty input
}

TEST(ZigZag, MapsSmallMagnitudesToSmallCodes) {
  EXPECT_EQ(zigzag_encode(0), 0u);
  EXPECT_EQ(zigzag_encode(-1), 1u);
  EXPECT_EQ(zigzag_encode(1), 2u);
  EXPECT_EQ(zigzag_encode(-2), 3u);
  EXPECT_EQ(zigzag_encode(std::numeric_limits<int64_t>::max()),
            std::numeric_limits<uint64_t>::max() - 1);
  EXPECT_EQ(zigzag_encode(std::numeric_limits<int64_t>::min()),
            std::numeric_limits<uint64_t>::max());
  for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{123456789}, int64_t{-987654321},
                    std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()}) {
    EXPECT_EQ(zigzag_decode(zigzag_encode(v)), v);
  }
}

TEST(BitWidth, CountsSignificantBits) {
  EXPECT_EQ(bit_width(0), 0);
  EXPECT_EQ(bit_width(1), 1);
  EXPECT_EQ(bit_width(2), 2);
  EXPECT_EQ(bit_width(255), 8);
  EXPECT_EQ(bit_width(256), 9);
  EXPECT_EQ(bit_width(0xffffffffull), 32);
}

TEST(HashBytes, DiffersForNearbyStrings) {
  EXPECT_NE(hash_bytes("a", 1), hash_bytes("b", 1));
  EXPECT_NE(hash_bytes("", 0), hash_bytes("\0", 1));
  EXPECT_NE(hash_bytes("abcdefgh1", 9), hash_bytes("abcdefgh2", 9));
  EXPECT_EQ(hash_bytes("same", 4), hash_bytes("same", 4));
  EXPECT_NE(hash_bytes(std::string_view("seventeen bytes!!")),
            hash_bytes(std::string_view("seventeen bytes!?")));
  EXPECT_NE(hash_bytes(std::string_view("x"), 1), hash_bytes(std::string_view("x"), 2));
}

TEST(ByteBuffer, GrowsAndKeepsContents) {
  ByteBuffer b;
  for (int i = 0; i < 10000; ++i) b.push_back(static_cast<uint8_t>(i));
  ASSERT_EQ(b.size(), 10000u);
  for (int i = 0; i < 10000; ++i) ASSERT_EQ(b.data()[i], static_cast<uint8_t>(i));
  ByteBuffer moved = std::move(b);
  EXPECT_EQ(moved.size(), 10000u);
  EXPECT_EQ(b.size(), 0u);  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
}

}  // namespace
}  // namespace sparkify::parquet
