#include "parquet/plain.h"

namespace sparkify::parquet {

void plain_encode_booleans(const uint8_t* bits, size_t n, ByteBuffer* out) {
  uint8_t* p = out->extend((n + 7) / 8);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint8_t b = 0;
    for (int k = 0; k < 8; ++k) b |= static_cast<uint8_t>((bits[i + k] != 0) << k);
    *p++ = b;
  }
  if (i < n) {
    uint8_t b = 0;
    for (int k = 0; i + k < n; ++k) b |= static_cast<uint8_t>((bits[i + k] != 0) << k);
    *p = b;
  }
}

Status plain_decode_booleans(const uint8_t** pos, const uint8_t* end, size_t n, uint8_t* out) {
  size_t bytes = n / 8 + (n % 8 != 0);
  if (bytes > static_cast<size_t>(end - *pos)) {
    return Status::Corrupt("PLAIN: page holds fewer booleans than it declares");
  }
  const uint8_t* p = *pos;
  for (size_t i = 0; i < n; ++i) out[i] = (p[i >> 3] >> (i & 7)) & 1;
  *pos += bytes;
  return Status::OK();
}

}  // namespace sparkify::parquet
