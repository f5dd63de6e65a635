// Byte- and bit-level helpers shared by the encoders and the Thrift compact protocol: unaligned
// little-endian loads and stores, ULEB128 varints, zigzag, bit widths, fast string hashing.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "parquet/byte_buffer.h"

namespace sparkify::parquet {

static_assert(std::endian::native == std::endian::little, "sparkify assumes a little-endian host");

template <typename T>
inline T load_le(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

template <typename T>
inline void store_le(uint8_t* p, T v) {
  std::memcpy(p, &v, sizeof(T));
}

template <typename T>
inline void append_le(ByteBuffer* out, T v) {
  store_le(out->extend(sizeof(T)), v);
}

inline uint64_t zigzag_encode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t zigzag_decode(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

/// Appends v as an unsigned LEB128 varint (at most 10 bytes).
inline void append_varint(ByteBuffer* out, uint64_t v) {
  uint8_t* p = out->extend(10);
  size_t n = 0;
  while (v >= 0x80) {
    p[n++] = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  p[n++] = static_cast<uint8_t>(v);
  out->resize(out->size() - 10 + n);
}

/// Reads a varint from [*pos, end); false when it is truncated or longer than 10 bytes.
inline bool read_varint(const uint8_t** pos, const uint8_t* end, uint64_t* out) {
  uint64_t v = 0;
  const uint8_t* p = *pos;
  for (int shift = 0; shift < 70; shift += 7) {
    if (p == end) return false;
    uint8_t b = *p++;
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      *pos = p;
      *out = v;
      return true;
    }
  }
  return false;
}

/// Bits needed to represent v (0 for 0).
inline int bit_width(uint64_t v) { return v == 0 ? 0 : 64 - std::countl_zero(v); }

}  // namespace sparkify::parquet
