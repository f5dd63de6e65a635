// StringPool: interns strings to dense int32 ids so a worker stores each distinct level,
// location or user agent once, however many millions of events repeat it.
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/string_arena.h"

namespace sparkify::transform {

class StringPool {
 public:
  static constexpr int32_t kNull = -1;

  int32_t intern(std::string_view s) {
    auto it = ids_.find(s);
    if (it != ids_.end()) return it->second;
    std::string_view stored = arena_.add(s);
    int32_t id = static_cast<int32_t>(values_.size());
    values_.push_back(stored);
    ids_.emplace(stored, id);
    return id;
  }

  std::string_view get(int32_t id) const { return values_[static_cast<size_t>(id)]; }
  size_t size() const { return values_.size(); }

 private:
  model::StringArena arena_;
  std::vector<std::string_view> values_;
  std::unordered_map<std::string_view, int32_t> ids_;
};

}  // namespace sparkify::transform
