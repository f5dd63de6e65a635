// IdTable: a hash table from int64 ids to values, for lookups made once per event (the log
// stage's users). Open addressing over 4-byte slots that index the entries, which are kept in
// fixed blocks: a lookup reads one slot and the entry it names (where the value is), no node or
// bucket chain; growing copies no entry, so there is no moment holding the entries twice.
#pragma once

#include <bit>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace sparkify::transform {

template <typename V>
class IdTable {
 public:
  /// The value of `id`, inserted as `value` when absent; true when inserted.
  std::pair<V&, bool> try_emplace(int64_t id, const V& value = V{}) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    size_t slot = home(id);
    for (int32_t at; (at = slots_[slot]) >= 0; slot = (slot + 1) & mask_) {
      Entry& e = entry(static_cast<size_t>(at));
      if (e.id == id) return {e.value, false};
    }
    if ((size_ & kBlockMask) == 0) blocks_.push_back(std::make_unique<Entry[]>(kBlockEntries));
    Entry& e = entry(size_);
    e = Entry{id, value};
    slots_[slot] = static_cast<int32_t>(size_++);
    return {e.value, true};
  }

  size_t size() const { return size_; }

  /// Calls f(id, value) for every entry, in insertion order.
  template <typename F>
  void for_each(F&& f) const {
    for (size_t i = 0; i < size_; ++i) {
      const Entry& e = entry(i);
      f(e.id, e.value);
    }
  }

  /// Empties the table and frees its memory.
  void clear() {
    std::vector<int32_t>().swap(slots_);
    std::vector<std::unique_ptr<Entry[]>>().swap(blocks_);
    size_ = 0;
    mask_ = 0;
    shift_ = 64;
  }

  /// Bytes the table holds (entries by whole blocks, and slots).
  size_t memory_bytes() const {
    return blocks_.size() * kBlockEntries * sizeof(Entry) + slots_.size() * sizeof(int32_t);
  }

 private:
  struct Entry {
    int64_t id;
    V value;
  };
  static constexpr size_t kBlockShift = 10;  // 1024 entries a block
  static constexpr size_t kBlockEntries = size_t{1} << kBlockShift;
  static constexpr size_t kBlockMask = kBlockEntries - 1;

  Entry& entry(size_t i) { return blocks_[i >> kBlockShift][i & kBlockMask]; }
  const Entry& entry(size_t i) const { return blocks_[i >> kBlockShift][i & kBlockMask]; }

  // Fibonacci hashing: the top bits of id × 2^64/φ, so ids that differ in low bits (user ids
  // are small, dense integers) spread over the whole table.
  size_t home(int64_t id) const {
    return static_cast<size_t>((static_cast<uint64_t>(id) * 0x9E3779B97F4A7C15ull) >> shift_);
  }

  void grow() {
    size_t capacity = slots_.empty() ? 64 : slots_.size() * 2;
    slots_.assign(capacity, -1);
    mask_ = capacity - 1;
    shift_ = std::countl_zero(static_cast<uint64_t>(mask_));  // 64 - log2(capacity)
    for (size_t i = 0; i < size_; ++i) {
      size_t slot = home(entry(i).id);
      while (slots_[slot] >= 0) slot = (slot + 1) & mask_;
      slots_[slot] = static_cast<int32_t>(i);
    }
  }

  std::vector<int32_t> slots_;  // -1: empty; else the entry's index
  std::vector<std::unique_ptr<Entry[]>> blocks_;
  size_t size_ = 0;
  size_t mask_ = 0;
  int shift_ = 64;
};

}  // namespace sparkify::transform
