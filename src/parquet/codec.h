// Page compression behind one small interface (SNAPPY, GZIP, ZSTD, LZ4, LZ4_RAW, BROTLI, none),
// so that the codec libraries' headers stay inside codec.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "common/result.h"
#include "parquet/byte_buffer.h"
#include "parquet/schema.h"

namespace sparkify::parquet {

class CompressionCodec {
 public:
  virtual ~CompressionCodec() = default;

  /// Appends the compressed form of `in` to `out`. `level` 0 = the codec's default.
  virtual Status compress(std::span<const uint8_t> in, int level, ByteBuffer* out) const = 0;

  /// Replaces `out` with the decompression of `in`, which must be exactly `size` bytes. Memory
  /// grows with the bytes actually produced, never straight to a size read from a file.
  virtual Status decompress(std::span<const uint8_t> in, size_t size, ByteBuffer* out) const = 0;

  /// The codec for `codec` (a process-wide, stateless instance; contexts are per thread).
  static const CompressionCodec& Get(Codec codec);
};

/// The Parquet CompressionCodec enum value for a codec, and back (false when unsupported).
int32_t codec_to_thrift(Codec codec);
bool codec_from_thrift(int32_t value, Codec* out);
const char* codec_name(Codec codec);

}  // namespace sparkify::parquet
