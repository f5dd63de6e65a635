#include "parquet/rle_hybrid.h"

#include <algorithm>
#include <cstring>

#include "parquet/bit_util.h"

namespace sparkify::parquet {

namespace {

template <typename T>
void emit_rle(T value, size_t count, int bit_width, ByteBuffer* out) {
  append_varint(out, static_cast<uint64_t>(count) << 1);
  int bytes = (bit_width + 7) / 8;
  uint32_t v = value;
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<uint8_t>(v >> (8 * i)));
}

template <typename T>
void emit_packed(const T* values, size_t count, int bit_width, ByteBuffer* out) {
  size_t groups = (count + 7) / 8;
  append_varint(out, (static_cast<uint64_t>(groups) << 1) | 1);
  if (bit_width == 0) return;
  size_t nbytes = groups * static_cast<size_t>(bit_width);
  uint8_t* p = out->extend(nbytes);
  uint64_t acc = 0;
  int bits = 0;
  size_t total = groups * 8;
  for (size_t i = 0; i < total; ++i) {
    uint64_t v = i < count ? static_cast<uint64_t>(values[i]) : 0;  // pad the last group
    acc |= v << bits;
    bits += bit_width;
    while (bits >= 8) {
      *p++ = static_cast<uint8_t>(acc);
      acc >>= 8;
      bits -= 8;
    }
  }
}

template <typename T>
void encode_impl(const T* v, size_t n, int bit_width, ByteBuffer* out) {
  size_t literal_start = 0;
  size_t i = 0;
  while (i < n) {
    size_t j = i + 1;
    while (j < n && v[j] == v[i]) ++j;
    size_t run = j - i;
    if (run >= 8) {
      // A bit-packed run must hold a multiple of 8 values unless it is the last one, so top
      // the pending literals up with values from this run before starting the RLE run.
      size_t literals = i - literal_start;
      size_t pad = (8 - literals % 8) % 8;
      if (run - pad >= 8) {
        if (literals + pad > 0) emit_packed(v + literal_start, literals + pad, bit_width, out);
        emit_rle(v[i], run - pad, bit_width, out);
        literal_start = j;
      }
    }
    i = j;
  }
  if (literal_start < n) emit_packed(v + literal_start, n - literal_start, bit_width, out);
}

}  // namespace

void rle_hybrid_encode(const uint8_t* values, size_t n, int bit_width, ByteBuffer* out) {
  encode_impl(values, n, bit_width, out);
}

void rle_hybrid_encode(const uint32_t* values, size_t n, int bit_width, ByteBuffer* out) {
  encode_impl(values, n, bit_width, out);
}

Status RleHybridDecoder::next_run() {
  if (bit_width_ < 0 || bit_width_ > 32) return Status::Corrupt("RLE: bit width out of range");
  uint64_t header;
  if (!read_varint(&pos_, end_, &header))
    return Status::Corrupt("RLE: data ends inside a run header");
  size_t left = static_cast<size_t>(end_ - pos_);
  if ((header & 1) == 0) {
    rle_ = true;
    remaining_ = header >> 1;
    size_t bytes = static_cast<size_t>(bit_width_ + 7) / 8;
    if (bytes > left) return Status::Corrupt("RLE: data ends inside a run value");
    uint32_t v = 0;
    for (size_t i = 0; i < bytes; ++i) v |= static_cast<uint32_t>(pos_[i]) << (8 * i);
    rle_value_ = v;
    pos_ += bytes;
  } else {
    rle_ = false;
    uint64_t groups = header >> 1;
    if (bit_width_ == 0) {
      remaining_ = groups > (UINT64_MAX >> 4) ? (UINT64_MAX >> 1) : groups * 8;
      packed_bytes_ = 0;
    } else {
      // Some writers end the last run early; accept the values its bytes actually hold.
      uint64_t want = groups > left ? UINT64_MAX : groups * static_cast<uint64_t>(bit_width_);
      packed_bytes_ = static_cast<size_t>(std::min<uint64_t>(want, left));
      remaining_ = std::min<uint64_t>(groups * 8, packed_bytes_ * 8 / bit_width_);
    }
    packed_ = pos_;
    packed_index_ = 0;
    pos_ += packed_bytes_;
  }
  return Status::OK();
}

template <typename T>
Status RleHybridDecoder::decode_impl(T* out, size_t n) {
  const uint64_t mask = bit_width_ >= 32 ? 0xffffffffull : ((1ull << bit_width_) - 1);
  size_t done = 0;
  while (done < n) {
    if (remaining_ == 0) {
      if (pos_ == end_) return Status::Corrupt("RLE: data ends before all values are decoded");
      SPARKIFY_RETURN_NOT_OK(next_run());
      continue;
    }
    size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, n - done));
    if (rle_) {
      std::fill(out + done, out + done + take, static_cast<T>(rle_value_));
    } else if (bit_width_ == 0) {
      std::fill(out + done, out + done + take, T{0});
    } else {
      for (size_t k = 0; k < take; ++k) {
        uint64_t bit = (packed_index_ + k) * static_cast<uint64_t>(bit_width_);
        size_t byte = static_cast<size_t>(bit >> 3);
        uint64_t word = 0;
        size_t avail = packed_bytes_ - byte;
        if (avail >= 8) {
          word = load_le<uint64_t>(packed_ + byte);
        } else {
          std::memcpy(&word, packed_ + byte, avail);
        }
        out[done + k] = static_cast<T>((word >> (bit & 7)) & mask);
      }
      packed_index_ += take;
    }
    remaining_ -= take;
    done += take;
  }
  return Status::OK();
}

Status RleHybridDecoder::decode(uint8_t* out, size_t n) { return decode_impl(out, n); }
Status RleHybridDecoder::decode(uint32_t* out, size_t n) { return decode_impl(out, n); }

}  // namespace sparkify::parquet
