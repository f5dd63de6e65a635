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

/// 64x64 -> 128-bit multiply, folded: the mixing step of the string hash.
inline uint64_t mix_multiply(uint64_t a, uint64_t b) {
  unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

/// A fast, well-mixed 64-bit hash of a byte string (dictionary keys): 16 bytes per multiply,
/// short strings read with two overlapping loads instead of a byte loop.
inline uint64_t hash_bytes(const void* data, size_t n) {
  constexpr uint64_t k0 = 0xa0761d6478bd642full, k1 = 0xe7037ed1a0b428dbull, k2 = 0x8ebc6af09c88c6e3ull;
  const auto* p = static_cast<const uint8_t*>(data);
  uint64_t seed = k0 ^ n;
  uint64_t a = 0, b = 0;
  if (n <= 16) {
    if (n >= 8) {
      a = load_le<uint64_t>(p);
      b = load_le<uint64_t>(p + n - 8);
    } else if (n >= 4) {
      a = load_le<uint32_t>(p);
      b = load_le<uint32_t>(p + n - 4);
    } else if (n > 0) {
      a = (static_cast<uint64_t>(p[0]) << 16) | (static_cast<uint64_t>(p[n >> 1]) << 8) | p[n - 1];
    }
  } else {
    size_t left = n;
    while (left > 16) {
      seed = mix_multiply(load_le<uint64_t>(p) ^ k1, load_le<uint64_t>(p + 8) ^ seed);
      p += 16;
      left -= 16;
    }
    // The last 16 bytes, overlapping the previous block when the length is not a multiple of 16.
    a = load_le<uint64_t>(p + left - 16);
    b = load_le<uint64_t>(p + left - 8);
  }
  return mix_multiply(k2 ^ n, mix_multiply(a ^ k1, b ^ seed));
}

}  // namespace sparkify::parquet
