// StringPool: interns strings to dense int32 ids so a worker stores each distinct level,
// location or user agent once, however many millions of events repeat it. A flat
// open-addressing table keyed by a 64-bit hash: interning runs several times per event.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/hash.h"
#include "model/string_arena.h"

namespace sparkify::transform {

class StringPool {
 public:
  static constexpr int32_t kNull = -1;

  int32_t intern(std::string_view s) {
    uint64_t h = hash_bytes(s) | 1;  // nonzero: 0 marks an empty slot
    if (!slot_hash_.empty()) {
      for (size_t slot = h & mask_; slot_hash_[slot] != 0; slot = (slot + 1) & mask_) {
        if (slot_hash_[slot] == h && values_[slot_id_[slot]] == s) return slot_id_[slot];
      }
    }
    int32_t id = static_cast<int32_t>(values_.size());
    values_.push_back(arena_.add(s));
    hashes_.push_back(h);
    if (values_.size() * 2 > slot_hash_.size()) {
      rehash();
    } else {
      place(h, id);
    }
    return id;
  }

  std::string_view get(int32_t id) const { return values_[static_cast<size_t>(id)]; }
  size_t size() const { return values_.size(); }

 private:
  void place(uint64_t h, int32_t id) {
    size_t slot = h & mask_;
    while (slot_hash_[slot] != 0) slot = (slot + 1) & mask_;
    slot_hash_[slot] = h;
    slot_id_[slot] = id;
  }
  void rehash() {
    size_t capacity = slot_hash_.empty() ? 64 : slot_hash_.size() * 2;
    slot_hash_.assign(capacity, 0);
    slot_id_.assign(capacity, 0);
    mask_ = capacity - 1;
    for (size_t i = 0; i < values_.size(); ++i) place(hashes_[i], static_cast<int32_t>(i));
  }

  model::StringArena arena_;
  std::vector<std::string_view> values_;
  std::vector<uint64_t> hashes_;
  std::vector<uint64_t> slot_hash_;
  std::vector<int32_t> slot_id_;
  size_t mask_ = 0;
};

}  // namespace sparkify::transform
