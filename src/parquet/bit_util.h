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

/// A fast, well-mixed 64-bit hash of a short byte string (dictionary keys).
inline uint64_t hash_bytes(const void* data, size_t n) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  const auto* p = static_cast<const uint8_t*>(data);
  uint64_t h = 0x243F6A8885A308D3ull ^ (n * kMul);
  while (n >= 8) {
    h = (h ^ load_le<uint64_t>(p)) * kMul;
    h ^= h >> 29;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t tail = 0;
    std::memcpy(&tail, p, n);
    h = (h ^ tail) * kMul;
  }
  // Murmur3's finaliser: the low bits pick the slot, so every input bit must reach them.
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

}  // namespace sparkify::parquet
