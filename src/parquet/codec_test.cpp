#include "parquet/codec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>

namespace sparkify::parquet {
namespace {

const Codec kAll[] = {Codec::kUncompressed, Codec::kSnappy, Codec::kGzip,  Codec::kZstd,
                      Codec::kLz4,          Codec::kLz4Raw, Codec::kBrotli};

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
      EXPECT_TRUE(n == 0 || std::memcmp(out.data(), in.data(), n) == 0)
          << codec_name(c) << " " << n;
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
  ASSERT_TRUE(
      CompressionCodec::Get(Codec::kZstd)
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
    EXPECT_EQ(codec.decompress(packed.span(), 4999, &out).code(), ErrorCode::kCorrupt)
        << codec_name(c);
    EXPECT_EQ(codec.decompress(packed.span(), 5001, &out).code(), ErrorCode::kCorrupt)
        << codec_name(c);
    // A size claim far beyond what the data can hold must fail without trying to allocate it.
    EXPECT_EQ(codec.decompress(packed.span(), size_t{1} << 40, &out).code(), ErrorCode::kCorrupt)
        << codec_name(c);
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
  EXPECT_FALSE(codec_from_thrift(3 /* LZO */, &ignored));
}

TEST(Codec, Lz4ReadsHadoopFramingWithSeveralBlocksAndBareBlocks) {
  // parquet-mr splits a page into blocks, each behind a big-endian (raw, compressed) length pair.
  ByteBuffer a = sample(3000, 1), b = sample(2000, 2);
  ByteBuffer framed;
  for (const ByteBuffer* part : {&a, &b}) {
    ByteBuffer block;
    ASSERT_TRUE(CompressionCodec::Get(Codec::kLz4Raw).compress(part->span(), 0, &block).ok());
    for (uint32_t v : {static_cast<uint32_t>(part->size()), static_cast<uint32_t>(block.size())}) {
      for (int shift = 24; shift >= 0; shift -= 8)
        framed.push_back(static_cast<uint8_t>(v >> shift));
    }
    framed.append(block.span());
  }
  ByteBuffer out;
  ASSERT_TRUE(CompressionCodec::Get(Codec::kLz4).decompress(framed.span(), 5000, &out).ok());
  ByteBuffer want;
  want.append(a.span());
  want.append(b.span());
  EXPECT_TRUE(
      std::equal(out.data(), out.data() + out.size(), want.data(), want.data() + want.size()));
  // A bare block under the LZ4 codec (older Arrow writers) reads too.
  ByteBuffer bare;
  ASSERT_TRUE(CompressionCodec::Get(Codec::kLz4Raw).compress(a.span(), 0, &bare).ok());
  ASSERT_TRUE(CompressionCodec::Get(Codec::kLz4).decompress(bare.span(), 3000, &out).ok());
  EXPECT_TRUE(std::equal(out.data(), out.data() + out.size(), a.data(), a.data() + a.size()));
}

TEST(Codec, GzipReadsConcatenatedMembers) {
  ByteBuffer a = sample(1000, 3), b = sample(1500, 4), packed;
  ASSERT_TRUE(CompressionCodec::Get(Codec::kGzip).compress(a.span(), 0, &packed).ok());
  ASSERT_TRUE(CompressionCodec::Get(Codec::kGzip).compress(b.span(), 0, &packed).ok());
  ByteBuffer out;
  ASSERT_TRUE(CompressionCodec::Get(Codec::kGzip).decompress(packed.span(), 2500, &out).ok());
  EXPECT_TRUE(std::equal(out.data(), out.data() + 1000, a.data()));
  EXPECT_TRUE(std::equal(out.data() + 1000, out.data() + 2500, b.data()));
}

}  // namespace
}  // namespace sparkify::parquet
