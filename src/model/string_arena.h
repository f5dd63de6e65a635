// StringArena: owns copies of strings in large blocks so string_views into it stay valid for the
// arena's lifetime (no per-string allocation, no invalidation on growth).
#pragma once

#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace sparkify::model {

class StringArena {
 public:
  explicit StringArena(size_t block_size = 64 * 1024) : block_size_(block_size) {}
  StringArena(StringArena&&) = default;
  StringArena& operator=(StringArena&&) = default;

  /// Copies `s` into the arena and returns a view of the copy.
  std::string_view add(std::string_view s) {
    if (s.empty()) return {};
    if (s.size() > remaining_) grow(s.size());
    char* dst = cursor_;
    std::memcpy(dst, s.data(), s.size());
    cursor_ += s.size();
    remaining_ -= s.size();
    return {dst, s.size()};
  }

  size_t bytes_reserved() const { return reserved_; }

 private:
  void grow(size_t need) {
    size_t size = need > block_size_ ? need : block_size_;
    blocks_.emplace_back(new char[size]);
    cursor_ = blocks_.back().get();
    remaining_ = size;
    reserved_ += size;
  }

  size_t block_size_;
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* cursor_ = nullptr;
  size_t remaining_ = 0;
  size_t reserved_ = 0;
};

}  // namespace sparkify::model
