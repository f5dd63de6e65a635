// Buffer: an owned, contiguous byte block with optional zeroed padding after the end, so a file
// can be handed to simdjson (which reads up to SIMDJSON_PADDING bytes past the end) without a copy.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string_view>

namespace sparkify {

class Buffer {
 public:
  Buffer() = default;
  /// Allocates `size` bytes (uninitialized) followed by `padding` zero bytes.
  static Buffer Allocate(size_t size, size_t padding = 0) {
    Buffer b;
    b.data_.reset(new uint8_t[size + padding]);
    b.size_ = size;
    b.padding_ = padding;
    b.capacity_ = size + padding;
    if (padding) std::memset(b.data_.get() + size, 0, padding);
    return b;
  }
  static Buffer CopyOf(std::span<const uint8_t> bytes, size_t padding = 0) {
    Buffer b = Allocate(bytes.size(), padding);
    if (!bytes.empty()) std::memcpy(b.data(), bytes.data(), bytes.size());
    return b;
  }

  uint8_t* data() { return data_.get(); }
  const uint8_t* data() const { return data_.get(); }
  size_t size() const { return size_; }
  size_t padding() const { return padding_; }
  bool empty() const { return size_ == 0; }

  /// Makes room for `size` bytes plus `padding` zero bytes, reusing the allocation when it is
  /// large enough (contents are not kept). Lets a worker read file after file into one buffer
  /// without paying page faults for a fresh allocation each time.
  void resize_for_overwrite(size_t size, size_t padding) {
    if (size + padding > capacity_) {
      data_.reset(new uint8_t[size + padding]);
      capacity_ = size + padding;
    }
    size_ = size;
    padding_ = padding;
    if (padding) std::memset(data_.get() + size, 0, padding);
  }

  /// Makes room for `size` bytes plus `padding` zero bytes, keeping the first min(size, size())
  /// bytes (the rest uninitialized): lets a reader read on into the same block.
  void resize(size_t size, size_t padding) {
    if (size + padding > capacity_) {
      std::unique_ptr<uint8_t[]> grown(new uint8_t[size + padding]);
      if (size_) std::memcpy(grown.get(), data_.get(), std::min(size_, size));
      data_ = std::move(grown);
      capacity_ = size + padding;
    }
    size_ = size;
    padding_ = padding;
    if (padding) std::memset(data_.get() + size, 0, padding);
  }

  /// Makes room for `size` bytes (and the padding) without changing the contents.
  void reserve(size_t size) {
    if (size + padding_ <= capacity_) return;
    std::unique_ptr<uint8_t[]> grown(new uint8_t[size + padding_]);
    if (size_ + padding_) std::memcpy(grown.get(), data_.get(), size_ + padding_);
    data_ = std::move(grown);
    capacity_ = size + padding_;
  }

  /// Appends `n` bytes, growing the allocation geometrically (contents kept, padding re-zeroed):
  /// lets a writer build a file in the Buffer it is then handed over in, without a copy.
  void append(const void* bytes, size_t n) {
    if (size_ + n + padding_ > capacity_) {
      reserve(std::max({size_ + n + padding_, 2 * capacity_, size_t{4096}}) - padding_);
    }
    if (n) std::memcpy(data_.get() + size_, bytes, n);
    size_ += n;
    if (padding_) std::memset(data_.get() + size_, 0, padding_);
  }

  /// Shrinks the logical size (e.g. after a short read) and re-zeroes the padding.
  void truncate(size_t new_size) {
    if (new_size >= size_) return;
    size_ = new_size;
    if (padding_) std::memset(data_.get() + size_, 0, padding_);
  }

  std::span<const uint8_t> bytes() const { return {data_.get(), size_}; }
  std::string_view view() const { return {reinterpret_cast<const char*>(data_.get()), size_}; }

 private:
  std::unique_ptr<uint8_t[]> data_;
  size_t size_ = 0;
  size_t padding_ = 0;
  size_t capacity_ = 0;
};

}  // namespace sparkify
