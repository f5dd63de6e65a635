#include "parquet/codec.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>

namespace sparkify::parquet {
namespace {

const Codec kAll[] = {Codec::kUncompressed, Codec::kSnappy, Codec::kGzip, Codec::kZstd};

ByteBuffer sample(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  ByteBuffer b;
  for (size_t i = 0; i < n; ++i) b.push_back(static_cast<uint8_t>(i % 17 == 0 ? rng() : i / 100));
  return b;
}

TEST(Codec, RoundTripsAllSizes) {
  for (Codec c : kAll) {
    const auto& codec = CompressionCodec::Get(c);
    for (size_t n : {size_t{0}, size_t{1}, size_t{100}, size_t{70000}, size_t{1} << 20}) {
      ByteBuffer in = sample(n, 1);
      ByteBuffer packed;
      ASSERT_TRUE(codec.compress(in.span(), 0, &packed).ok());
      ByteBuffer out;
      ASSERT_TRUE(codec.decompress(packed.span(), n, &out).ok()) << codec_name(c) << " " << n;
      ASSERT_EQ(out.size(), n);
      EXPECT_TRUE(n == 0 || std::memcmp(out.data(), in.data(), n) == 0) << codec_name(c) << " " << n;
    }
  }
}

TEST(Codec, CompressAppends) {
  ByteBuffer in = sample(1000, 2);
  ByteBuffer packed;
  packed.push_back(42);
  ASSERT_TRUE(CompressionCodec::Get(Codec::kZstd).compress(in.span(), 3, &packed).ok());
  EXPECT_EQ(packed.data()[0], 42);
  ByteBuffer out;
  ASSERT_TRUE(CompressionCodec::Get(Codec::kZstd)
                  .decompress(std::span<const uint8_t>(packed.data() + 1, packed.size() - 1), 1000, &out)
                  .ok());
}

TEST(Codec, WrongSizeOrDamageIsCorrupt) {
  for (Codec c : kAll) {
    const auto& codec = CompressionCodec::Get(c);
    ByteBuffer in = sample(5000, 3);
    ByteBuffer packed;
    ASSERT_TRUE(codec.compress(in.span(), 0, &packed).ok());
    ByteBuffer out;
    EXPECT_EQ(codec.decompress(packed.span(), 4999, &out).code(), ErrorCode::kCorrupt) << codec_name(c);
    EXPECT_EQ(codec.decompress(packed.span(), 5001, &out).code(), ErrorCode::kCorrupt) << codec_name(c);
    // A size claim far beyond what the data can hold must fail without trying to allocate it.
    EXPECT_EQ(codec.decompress(packed.span(), size_t{1} << 40, &out).code(), ErrorCode::kCorrupt) << codec_name(c);
    if (c == Codec::kUncompressed) continue;
    ByteBuffer cut;
    cut.append(packed.data(), packed.size() / 2);
    EXPECT_FALSE(codec.decompress(cut.span(), 5000, &out).ok()) << codec_name(c);
    ByteBuffer garbage = sample(64, 9);
    EXPECT_FALSE(codec.decompress(garbage.span(), 5000, &out).ok()) << codec_name(c);
  }
}

TEST(Codec, ThriftValuesMapBothWays) {
  for (Codec c : kAll) {
    Codec back;
    ASSERT_TRUE(codec_from_thrift(codec_to_thrift(c), &back));
    EXPECT_EQ(back, c);
  }
  Codec ignored;
  EXPECT_FALSE(codec_from_thrift(5 /* LZ4 */, &ignored));
}

}  // namespace
}  // namespace sparkify::parquet
