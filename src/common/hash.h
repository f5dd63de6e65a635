// A fast, non-cryptographic 64-bit hash for short strings (titles, names, user agents,
// dictionary keys) on hot paths where std::hash's byte-at-a-time murmur costs more than the
// lookup it serves. The one string hash of the project: transform/ and parquet/ both use it.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace sparkify {

/// 64x64 -> 128-bit multiply, folded: the mixing step of the hash (the wyhash idea).
inline uint64_t hash_mix(uint64_t a, uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

namespace detail {
template <typename T>
inline uint64_t hash_load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
}  // namespace detail

/// Hashes 16 bytes per multiply; strings up to 16 bytes are read with two overlapping loads
/// instead of a byte loop. `seed` chains calls.
inline uint64_t hash_bytes(const void* data, size_t n, uint64_t seed = 0) {
  using detail::hash_load;
  constexpr uint64_t k0 = 0xa0761d6478bd642full, k1 = 0xe7037ed1a0b428dbull,
                     k2 = 0x8ebc6af09c88c6e3ull;
  const auto* p = static_cast<const uint8_t*>(data);
  uint64_t h = k0 ^ n ^ seed;
  uint64_t a = 0, b = 0;
  if (n <= 16) {
    if (n >= 8) {
      a = hash_load<uint64_t>(p);
      b = hash_load<uint64_t>(p + n - 8);
    } else if (n >= 4) {
      a = hash_load<uint32_t>(p);
      b = hash_load<uint32_t>(p + n - 4);
    } else if (n > 0) {
      a = (static_cast<uint64_t>(p[0]) << 16) | (static_cast<uint64_t>(p[n >> 1]) << 8) | p[n - 1];
    }
  } else {
    size_t left = n;
    while (left > 16) {
      h = hash_mix(hash_load<uint64_t>(p) ^ k1, hash_load<uint64_t>(p + 8) ^ h);
      p += 16;
      left -= 16;
    }
    // The last 16 bytes, overlapping the previous block when the length is not a multiple of 16.
    a = hash_load<uint64_t>(p + left - 16);
    b = hash_load<uint64_t>(p + left - 8);
  }
  return hash_mix(k2 ^ n, hash_mix(a ^ k1, b ^ h));
}

inline uint64_t hash_bytes(std::string_view s, uint64_t seed = 0) {
  return hash_bytes(s.data(), s.size(), seed);
}

}  // namespace sparkify
