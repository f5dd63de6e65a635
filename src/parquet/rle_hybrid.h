// The RLE / bit-packed hybrid encoding Parquet uses for definition levels and dictionary
// indices: runs of one repeated value, and groups of 8 values packed LSB-first at a fixed width.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/result.h"
#include "parquet/byte_buffer.h"

namespace sparkify::parquet {

/// Appends the hybrid encoding of `n` values, each < 2^bit_width (bit_width in 0..32), to `out`.
/// Runs of 8 or more equal values become RLE runs; the rest are bit-packed in groups of 8 (the
/// last group padded with zeros, as the format allows).
void rle_hybrid_encode(const uint8_t* values, size_t n, int bit_width, ByteBuffer* out);
void rle_hybrid_encode(const uint32_t* values, size_t n, int bit_width, ByteBuffer* out);

/// Decodes hybrid data, checking every run against the bytes that are left.
class RleHybridDecoder {
 public:
  RleHybridDecoder(const uint8_t* data, size_t size, int bit_width)
      : pos_(data), end_(data + size), bit_width_(bit_width) {}

  /// Decodes exactly `n` values into `out`; Corrupt when the data ends first. A value wider
  /// than the output type is truncated (callers range-check what they decode).
  Status decode(uint8_t* out, size_t n);
  Status decode(uint32_t* out, size_t n);

  /// Bytes consumed so far (whole runs).
  const uint8_t* position() const { return pos_; }

 private:
  template <typename T>
  Status decode_impl(T* out, size_t n);
  Status next_run();

  const uint8_t* pos_;
  const uint8_t* end_;
  int bit_width_;
  bool rle_ = false;
  uint64_t remaining_ = 0;  // values left in the current run
  uint32_t rle_value_ = 0;
  const uint8_t* packed_ = nullptr;  // bit-packed run: its bytes and how many are usable
  size_t packed_bytes_ = 0;
  uint64_t packed_index_ = 0;  // next value's index within the packed run
};

}  // namespace sparkify::parquet
