// A fast, non-cryptographic 64-bit hash for short strings (titles, names, user agents) on hot
// paths where std::hash's byte-at-a-time murmur costs more than the lookup it serves.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace sparkify {

inline uint64_t hash_mix(uint64_t a, uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

/// Hashes 8 bytes at a time with a 128-bit multiply fold (the wyhash idea); `seed` chains calls.
inline uint64_t hash_bytes(std::string_view s, uint64_t seed = 0) {
  constexpr uint64_t k0 = 0xa0761d6478bd642fULL, k1 = 0xe7037ed1a0b428dbULL;
  const char* p = s.data();
  size_t n = s.size();
  uint64_t h = seed ^ k0 ^ (n * k1);
  while (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    h = hash_mix(h ^ v, k1);
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t v = 0;
    std::memcpy(&v, p, n);
    h = hash_mix(h ^ v ^ (uint64_t{n} << 56), k0);
  }
  return hash_mix(h, k1 ^ 0x8ebc6af09c88c6e3ULL);
}

}  // namespace sparkify
