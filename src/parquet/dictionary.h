// Dictionaries of one column chunk: StringDictionary keeps the distinct strings PLAIN-encoded
// (ready to be the dictionary page), NumericDictionary the distinct fixed-width values; both are
// indexed by an open-addressing hash table, so interning a value is one hash and usually one probe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "common/hash.h"
#include "parquet/bit_util.h"
#include "parquet/byte_buffer.h"

namespace sparkify::parquet {

class StringDictionary {
 public:
  static constexpr int32_t kFull = -1;

  /// The index of `s`, adding it when new; kFull when adding it would make the dictionary
  /// page larger than `limit` bytes (the dictionary is then unchanged).
  int32_t get_or_insert(std::string_view s, size_t limit) {
    uint64_t h = hash_bytes(s.data(), s.size());
    if (slots_.empty()) grow();
    uint32_t tag = static_cast<uint32_t>(h >> 32);
    size_t i = static_cast<size_t>(h) & mask_;
    for (;;) {
      Slot& slot = slots_[i];
      if (slot.index < 0) break;
      if (slot.tag == tag && entry(static_cast<size_t>(slot.index)) == s) return slot.index;
      i = (i + 1) & mask_;
    }
    if (plain_.size() + 4 + s.size() > limit) return kFull;
    int32_t index = static_cast<int32_t>(offsets_.size());
    offsets_.push_back(static_cast<uint32_t>(plain_.size() + 4));
    uint8_t* p = plain_.extend(4 + s.size());
    store_le<uint32_t>(p, static_cast<uint32_t>(s.size()));
    if (!s.empty()) std::memcpy(p + 4, s.data(), s.size());
    slots_[i] = Slot{tag, index};
    if (offsets_.size() * 2 > slots_.size()) grow();
    return index;
  }

  size_t size() const { return offsets_.size(); }
  /// Bytes of the dictionary page body.
  size_t plain_size() const { return plain_.size(); }
  /// Every entry PLAIN-encoded in index order: the dictionary page body.
  std::span<const uint8_t> plain() const { return plain_.span(); }
  std::string_view entry(size_t i) const {
    uint32_t off = offsets_[i];
    uint32_t len = load_le<uint32_t>(plain_.data() + off - 4);
    return {reinterpret_cast<const char*>(plain_.data() + off), len};
  }

  void clear() {
    plain_.clear();
    offsets_.clear();
    slots_.clear();
    mask_ = 0;
  }

 private:
  struct Slot {
    uint32_t tag;   // high hash bits, to skip most string compares
    int32_t index;  // -1 = empty
  };

  void grow();

  ByteBuffer plain_;
  std::vector<uint32_t> offsets_;  // where entry i's bytes start in plain_ (after its length)
  std::vector<Slot> slots_;
  size_t mask_ = 0;
};

/// Distinct INT32/INT64/DOUBLE values, compared by bit pattern (so -0.0, +0.0 and each NaN
/// payload stay distinct and round-trip exactly).
template <typename T>
class NumericDictionary {
 public:
  static constexpr int32_t kFull = -1;

  /// The index of `v`, adding it when new; kFull when adding it would make the dictionary page
  /// larger than `limit` bytes.
  int32_t get_or_insert(T v, size_t limit) {
    const uint64_t key = bits(v);
    if (slots_.empty()) grow();
    size_t i = slot_of(key);
    for (;;) {
      int32_t s = slots_[i];
      if (s < 0) break;
      if (bits(values_[static_cast<size_t>(s)]) == key) return s;
      i = (i + 1) & mask_;
    }
    if ((values_.size() + 1) * sizeof(T) > limit) return kFull;
    int32_t index = static_cast<int32_t>(values_.size());
    values_.push_back(v);
    slots_[i] = index;
    if (values_.size() * 2 > slots_.size()) grow();
    return index;
  }

  size_t size() const { return values_.size(); }
  size_t plain_size() const { return values_.size() * sizeof(T); }
  /// The dictionary page body: the values PLAIN-encoded (little-endian, as in memory).
  std::span<const uint8_t> plain() const {
    return {reinterpret_cast<const uint8_t*>(values_.data()), values_.size() * sizeof(T)};
  }
  void clear() {
    values_.clear();
    slots_.clear();
  }

 private:
  static uint64_t bits(T v) {
    if constexpr (sizeof(T) == 4) {
      uint32_t b;
      std::memcpy(&b, &v, 4);
      return b;
    } else {
      uint64_t b;
      std::memcpy(&b, &v, 8);
      return b;
    }
  }
  size_t slot_of(uint64_t key) const {
    return static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_);
  }
  void grow() {
    size_t capacity = slots_.empty() ? 64 : slots_.size() * 2;
    slots_.assign(capacity, -1);
    mask_ = capacity - 1;
    shift_ = 64 - bit_width(capacity - 1);
    for (size_t k = 0; k < values_.size(); ++k) {
      size_t i = slot_of(bits(values_[k]));
      while (slots_[i] >= 0) i = (i + 1) & mask_;
      slots_[i] = static_cast<int32_t>(k);
    }
  }

  std::vector<T> values_;
  std::vector<int32_t> slots_;  // index into values_, -1 = empty
  size_t mask_ = 0;
  int shift_ = 64;
};

}  // namespace sparkify::parquet
