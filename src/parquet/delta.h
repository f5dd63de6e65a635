// Decoders for the encodings other writers choose for v2 pages: DELTA_BINARY_PACKED (integers),
// DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY (strings), BYTE_STREAM_SPLIT (fixed width). We
// never write them; every read is checked against the bytes left.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace sparkify::parquet {

/// Decodes `n` integers (T = int32_t or int64_t, arithmetic wrapping in T's width) from a
/// DELTA_BINARY_PACKED stream at [*pos, end) into `out` (replaced). `out` grows as values are
/// actually decoded — zero-width miniblocks expand without bound, so the count in the header
/// never sizes an allocation. With `consume_all`, also walks the rest of the stream so *pos ends
/// after it (needed when more data follows, as in DELTA_LENGTH_BYTE_ARRAY).
template <typename T>
Status delta_binary_packed_decode(const uint8_t** pos, const uint8_t* end, size_t n,
                                  std::vector<T>* out, bool consume_all = false);

/// Decodes `n` strings of a DELTA_LENGTH_BYTE_ARRAY stream; views point into the input.
Status delta_length_byte_array_decode(const uint8_t* data, size_t size, size_t n,
                                      std::vector<std::string_view>* out);

/// Decodes `n` strings of a DELTA_BYTE_ARRAY stream (prefix lengths, then suffixes); the values
/// are rebuilt into `storage`, and `out` points into it.
Status delta_byte_array_decode(const uint8_t* data, size_t size, size_t n, std::string* storage,
                               std::vector<std::string_view>* out);

/// Decodes `n` values of `width` bytes stored as `width` byte streams.
Status byte_stream_split_decode(const uint8_t* data, size_t size, size_t n, size_t width,
                                uint8_t* out);

}  // namespace sparkify::parquet
