// Internal to the parsing kernels (compiled once per instruction set, see parse_kernel.h): finds
// a byte in a block of input with the widest compare the kernel's instruction set has.
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

namespace sparkify::parse::SPARKIFY_PARSE_KERNEL_NS {

/// The bytes one block compare covers.
#if defined(__AVX512BW__)
inline constexpr size_t kScanBytes = 64;
#elif defined(__AVX2__)
inline constexpr size_t kScanBytes = 32;
#else
inline constexpr size_t kScanBytes = 16;
#endif

/// The bytes of the kScanBytes at `p` equal to `a` or to `b` (bit i: p[i]), as two masks. `p`
/// may run past the data into its padding.
struct ByteHits {
  uint64_t a, b;
};

inline ByteHits find_bytes(const char* p, char a, char b) {
#if defined(__AVX512BW__)
  __m512i v = _mm512_loadu_si512(p);
  return {_mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(a)),
          _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(b))};
#elif defined(__AVX2__)
  __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  return {static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(a)))),
          static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(b))))};
#else
  __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  return {static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(a)))),
          static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(b))))};
#endif
}

}  // namespace sparkify::parse::SPARKIFY_PARSE_KERNEL_NS
