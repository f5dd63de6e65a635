#include "parquet/delta.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "parquet/bit_util.h"

namespace sparkify::parquet {

namespace {

Status corrupt(const char* what) { return Status::Corrupt(std::string("DELTA: ") + what); }

/// The `width`-bit value at bit `bit` of a packed run of `size` bytes (width 0..64).
uint64_t unpack(const uint8_t* data, size_t size, uint64_t bit, int width) {
  if (width == 0) return 0;
  size_t byte = static_cast<size_t>(bit >> 3);
  int shift = static_cast<int>(bit & 7);
  uint8_t buf[16] = {};
  std::memcpy(buf, data + byte, std::min<size_t>(size - byte, 9));
  uint64_t lo = load_le<uint64_t>(buf);
  uint64_t v = lo >> shift;
  if (shift + width > 64) v |= static_cast<uint64_t>(buf[8]) << (64 - shift);
  return width == 64 ? v : v & ((1ull << width) - 1);
}

}  // namespace

template <typename T>
Status delta_binary_packed_decode(const uint8_t** pos, const uint8_t* end, size_t n,
                                  std::vector<T>* values, bool consume_all) {
  // Arithmetic in 64 bits, truncated on output: sums wrap the same way modulo 2^32, and some
  // writers (DuckDB) compute INT32 deltas in 64 bits, giving miniblocks up to 33 bits wide.
  using U = uint64_t;
  const uint8_t* p = *pos;
  uint64_t block_size = 0, miniblocks = 0, total = 0, first_z = 0;
  if (!read_varint(&p, end, &block_size) || !read_varint(&p, end, &miniblocks) ||
      !read_varint(&p, end, &total) || !read_varint(&p, end, &first_z)) {
    return corrupt("truncated header");
  }
  if (block_size == 0 || block_size % 128 != 0 || block_size > (1u << 20) || miniblocks == 0 ||
      block_size % miniblocks != 0 || (block_size / miniblocks) % 8 != 0) {
    return corrupt("bad block layout");
  }
  if (total < n) return corrupt("stream holds fewer values than the page");
  const uint64_t per_mini = block_size / miniblocks;
  const int max_width = 64;
  U value = static_cast<U>(zigzag_decode(first_z));
  values->clear();
  // Room for the next miniblock's values, grown only once the stream has shown it has them.
  auto room = [&](uint64_t more) {
    size_t need =
        std::min<size_t>(n, values->size() + static_cast<size_t>(std::min<uint64_t>(more, n)));
    if (need > values->capacity())
      values->reserve(std::max(need, std::min(n, 2 * values->capacity())));
  };
  auto emit = [&](U v) {
    if (values->size() < n) values->push_back(static_cast<T>(v));
  };
  size_t done = 0;
  uint64_t want = consume_all ? total : n;
  if (want > 0) {
    room(1);
    emit(value);
    ++done;
  }
  uint64_t decoded = want > 0 ? 1 : 0;
  while (decoded < want) {
    uint64_t min_z = 0;
    if (!read_varint(&p, end, &min_z)) return corrupt("truncated block header");
    U min_delta = static_cast<U>(zigzag_decode(min_z));
    if (static_cast<uint64_t>(end - p) < miniblocks) return corrupt("truncated bit widths");
    const uint8_t* widths = p;
    p += miniblocks;
    for (uint64_t m = 0; m < miniblocks && decoded < want; ++m) {
      int w = widths[m];
      if (w > max_width) return corrupt("bit width wider than the type");
      size_t bytes = static_cast<size_t>(per_mini * w / 8);
      if (static_cast<size_t>(end - p) < bytes) return corrupt("truncated miniblock");
      uint64_t take = std::min<uint64_t>(per_mini, want - decoded);
      room(take);
      for (uint64_t k = 0; k < take; ++k) {
        value = static_cast<U>(value + min_delta + static_cast<U>(unpack(p, bytes, k * w, w)));
        emit(value);
        ++done;
      }
      decoded += take;
      p += bytes;  // a partly used miniblock is still padded to full size
    }
  }
  *pos = p;
  return Status::OK();
}

template Status delta_binary_packed_decode<int32_t>(const uint8_t**, const uint8_t*, size_t,
                                                    std::vector<int32_t>*, bool);
template Status delta_binary_packed_decode<int64_t>(const uint8_t**, const uint8_t*, size_t,
                                                    std::vector<int64_t>*, bool);

namespace {

/// Reads a DELTA_BINARY_PACKED header's value count without consuming anything.
Status peek_count(const uint8_t* p, const uint8_t* end, uint64_t* total) {
  uint64_t a = 0, b = 0;
  if (!read_varint(&p, end, &a) || !read_varint(&p, end, &b) || !read_varint(&p, end, total)) {
    return corrupt("truncated header");
  }
  return Status::OK();
}

Status read_lengths(const uint8_t** p, const uint8_t* end, size_t n,
                    std::vector<int32_t>* lengths) {
  uint64_t total = 0;
  SPARKIFY_RETURN_NOT_OK(peek_count(*p, end, &total));
  if (total < n) return corrupt("stream holds fewer values than the page");
  return delta_binary_packed_decode<int32_t>(p, end, n, lengths, true);
}

}  // namespace

Status delta_length_byte_array_decode(const uint8_t* data, size_t size, size_t n,
                                      std::vector<std::string_view>* out) {
  const uint8_t* p = data;
  const uint8_t* end = data + size;
  std::vector<int32_t> lengths;
  SPARKIFY_RETURN_NOT_OK(read_lengths(&p, end, n, &lengths));
  out->clear();
  out->reserve(n);  // n lengths were decoded, so n is backed by the stream
  for (size_t i = 0; i < n; ++i) {
    if (lengths[i] < 0 || static_cast<size_t>(lengths[i]) > static_cast<size_t>(end - p)) {
      return corrupt("string length exceeds the data");
    }
    out->emplace_back(reinterpret_cast<const char*>(p), static_cast<size_t>(lengths[i]));
    p += lengths[i];
  }
  return Status::OK();
}

Status delta_byte_array_decode(const uint8_t* data, size_t size, size_t n, std::string* storage,
                               std::vector<std::string_view>* out) {
  const uint8_t* p = data;
  const uint8_t* end = data + size;
  std::vector<int32_t> prefixes;
  SPARKIFY_RETURN_NOT_OK(read_lengths(&p, end, n, &prefixes));
  std::vector<std::string_view> suffixes;
  SPARKIFY_RETURN_NOT_OK(
      delta_length_byte_array_decode(p, static_cast<size_t>(end - p), n, &suffixes));
  // Build into offsets first: storage grows, so views are taken once it is complete.
  std::vector<std::pair<size_t, size_t>> spans;
  spans.reserve(n);
  storage->clear();
  size_t prev_start = 0, prev_len = 0;
  for (size_t i = 0; i < n; ++i) {
    if (prefixes[i] < 0 || static_cast<size_t>(prefixes[i]) > prev_len) {
      return corrupt("prefix longer than the previous value");
    }
    size_t start = storage->size();
    size_t prefix = static_cast<size_t>(prefixes[i]);
    storage->reserve(start + prefix + suffixes[i].size());  // no reallocation while self-copying
    storage->append(storage->data() + prev_start, prefix);
    storage->append(suffixes[i]);
    prev_start = start;
    prev_len = storage->size() - start;
    spans.emplace_back(start, prev_len);
  }
  out->clear();
  out->reserve(n);
  for (auto [start, len] : spans) out->emplace_back(storage->data() + start, len);
  return Status::OK();
}

Status byte_stream_split_decode(const uint8_t* data, size_t size, size_t n, size_t width,
                                uint8_t* out) {
  if (width == 0 || n > size / width)
    return Status::Corrupt("BYTE_STREAM_SPLIT: page holds fewer values than it declares");
  // The streams span the whole section: its size, not n, fixes where each stream starts.
  size_t stride = size / width;
  if (stride < n) return Status::Corrupt("BYTE_STREAM_SPLIT: streams are too short");
  for (size_t k = 0; k < width; ++k) {
    const uint8_t* stream = data + k * stride;
    for (size_t i = 0; i < n; ++i) out[i * width + k] = stream[i];
  }
  return Status::OK();
}

}  // namespace sparkify::parquet
