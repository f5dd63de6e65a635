// PLAIN encoding: fixed-width values little-endian, byte arrays as a 4-byte length then the
// bytes, booleans bit-packed LSB first. Encoders append to a ByteBuffer; decoders check every
// value against the bytes left.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "common/result.h"
#include "parquet/bit_util.h"
#include "parquet/byte_buffer.h"

namespace sparkify::parquet {

/// Numbers are stored as they are in memory (the host is little-endian): one memcpy.
template <typename T>
inline void plain_encode(const T* values, size_t n, ByteBuffer* out) {
  out->append(values, n * sizeof(T));
}

inline void plain_encode_string(std::string_view s, ByteBuffer* out) {
  uint8_t* p = out->extend(4 + s.size());
  store_le<uint32_t>(p, static_cast<uint32_t>(s.size()));
  if (!s.empty()) std::memcpy(p + 4, s.data(), s.size());
}

/// `bits` holds one 0/1 byte per value.
void plain_encode_booleans(const uint8_t* bits, size_t n, ByteBuffer* out);

/// Decodes `n` fixed-width values from [*pos, end) and advances *pos.
template <typename T>
inline Status plain_decode(const uint8_t** pos, const uint8_t* end, size_t n, T* out) {
  size_t left = static_cast<size_t>(end - *pos);
  if (n > left / sizeof(T))
    return Status::Corrupt("PLAIN: page holds fewer values than it declares");
  if (n) std::memcpy(out, *pos, n * sizeof(T));
  *pos += n * sizeof(T);
  return Status::OK();
}

/// Decodes `n` booleans (one 0/1 byte each) from bit-packed bytes and advances *pos.
Status plain_decode_booleans(const uint8_t** pos, const uint8_t* end, size_t n, uint8_t* out);

/// Decodes one length-prefixed byte array; the view points into the input.
inline Status plain_decode_string(const uint8_t** pos, const uint8_t* end, std::string_view* out) {
  size_t left = static_cast<size_t>(end - *pos);
  if (left < 4) return Status::Corrupt("PLAIN: data ends inside a string length");
  uint32_t len = load_le<uint32_t>(*pos);
  if (len > left - 4) return Status::Corrupt("PLAIN: string length exceeds the page");
  *out = std::string_view(reinterpret_cast<const char*>(*pos + 4), len);
  *pos += 4 + static_cast<size_t>(len);
  return Status::OK();
}

}  // namespace sparkify::parquet
