#include "parquet/rle_hybrid.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace sparkify::parquet {
namespace {

std::vector<uint32_t> make_shape(const std::string& shape, size_t n, int width, std::mt19937& rng) {
  const uint64_t max = width >= 32 ? 0xffffffffull : (1ull << width) - 1;
  std::uniform_int_distribution<uint64_t> any(0, max);
  std::vector<uint32_t> v(n);
  for (size_t i = 0; i < n; ++i) {
    if (shape == "all_equal")
      v[i] = static_cast<uint32_t>(max);
    else if (shape == "alternating")
      v[i] = (i % 2) ? static_cast<uint32_t>(max) : 0;
    else if (shape == "random")
      v[i] = static_cast<uint32_t>(any(rng));
    else if (shape == "runs")
      v[i] = static_cast<uint32_t>((i / 13) % 2 ? max : max / 2);
    else /* mixed: literals, then a long run, then literals */
      v[i] = (i > n / 3 && i < 2 * n / 3) ? 1 : static_cast<uint32_t>(any(rng));
  }
  return v;
}

TEST(RleHybrid, RoundTripsEveryWidthAndShape) {
  std::mt19937 rng(42);
  const size_t lengths[] = {0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000, 1001};
  for (int width = 1; width <= 32; ++width) {
    for (const char* shape : {"all_equal", "alternating", "random", "runs", "mixed"}) {
      for (size_t n : lengths) {
        auto values = make_shape(shape, n, width, rng);
        ByteBuffer buf;
        rle_hybrid_encode(values.data(), values.size(), width, &buf);
        std::vector<uint32_t> out(n + 1, 0xdeadbeef);
        RleHybridDecoder dec(buf.data(), buf.size(), width);
        ASSERT_TRUE(dec.decode(out.data(), n).ok()) << width << " " << shape << " " << n;
        out.pop_back();
        ASSERT_EQ(out, values) << width << " " << shape << " " << n;
      }
    }
  }
}

TEST(RleHybrid, AllEqualIsOneRun) {
  std::vector<uint32_t> v(100000, 5);
  ByteBuffer buf;
  rle_hybrid_encode(v.data(), v.size(), 3, &buf);
  EXPECT_LE(buf.size(), 4u);  // a varint header and one value byte
}

TEST(RleHybrid, LevelsFromBytes) {
  std::vector<uint8_t> levels = {1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1};
  ByteBuffer buf;
  rle_hybrid_encode(levels.data(), levels.size(), 1, &buf);
  std::vector<uint8_t> out(levels.size());
  RleHybridDecoder dec(buf.data(), buf.size(), 1);
  ASSERT_TRUE(dec.decode(out.data(), out.size()).ok());
  EXPECT_EQ(out, levels);
}

TEST(RleHybrid, WidthZeroIsAllZeros) {
  std::vector<uint32_t> v(20, 0);
  ByteBuffer buf;
  rle_hybrid_encode(v.data(), v.size(), 0, &buf);
  std::vector<uint32_t> out(20, 7);
  RleHybridDecoder dec(buf.data(), buf.size(), 0);
  ASSERT_TRUE(dec.decode(out.data(), out.size()).ok());
  EXPECT_EQ(out, v);
}

TEST(RleHybrid, TruncatedDataIsAnError) {
  std::mt19937 rng(7);
  auto values = make_shape("random", 300, 11, rng);
  ByteBuffer buf;
  rle_hybrid_encode(values.data(), values.size(), 11, &buf);
  std::vector<uint32_t> out(values.size());
  // The last bit-packed group is padded to 8 values; cutting into that padding loses nothing,
  // so only cuts into the real values must fail (300 values at 11 bits end 5 bytes early).
  const size_t padding = (304 * 11) / 8 - (300 * 11 + 7) / 8;
  for (size_t cut = 0; cut < buf.size() - padding; ++cut) {
    RleHybridDecoder dec(buf.data(), cut, 11);
    EXPECT_FALSE(dec.decode(out.data(), out.size()).ok()) << cut;
  }
}

TEST(RleHybrid, ShortLastBitPackedRunIsAccepted) {
  // A bit-packed run declaring 8 values (1 group) at width 8 but whose stream holds only 3
  // bytes: readers take the values the bytes hold (parquet-mr style short final runs).
  const uint8_t data[] = {0x03, 10, 20, 30};
  std::vector<uint32_t> out(3);
  RleHybridDecoder dec(data, sizeof(data), 8);
  ASSERT_TRUE(dec.decode(out.data(), 3).ok());
  EXPECT_EQ(out, (std::vector<uint32_t>{10, 20, 30}));
  std::vector<uint32_t> more(4);
  RleHybridDecoder dec2(data, sizeof(data), 8);
  EXPECT_FALSE(dec2.decode(more.data(), 4).ok());
}

TEST(RleHybrid, HugeRunHeaderIsBoundedByRequest) {
  // An RLE run claiming 2^62 repeats only fills what is asked for.
  ByteBuffer buf;
  buf.push_back(0xfe);
  for (int i = 0; i < 7; ++i) buf.push_back(0xff);
  buf.push_back(0x7f);
  buf.push_back(1);
  std::vector<uint8_t> out(10);
  RleHybridDecoder dec(buf.data(), buf.size(), 1);
  ASSERT_TRUE(dec.decode(out.data(), out.size()).ok());
  EXPECT_EQ(out, std::vector<uint8_t>(10, 1));
}

}  // namespace
}  // namespace sparkify::parquet
