// ByteBuffer: a growable byte array that does not zero what it grows into, used for page bodies,
// column chunks and compression scratch, where std::vector's value-initialisation is wasted work.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <span>

namespace sparkify::parquet {

class ByteBuffer {
 public:
  ByteBuffer() = default;
  ByteBuffer(ByteBuffer&& other) noexcept { swap(other); }
  ByteBuffer& operator=(ByteBuffer&& other) noexcept {
    ByteBuffer tmp(std::move(other));
    swap(tmp);
    return *this;
  }
  ~ByteBuffer() { std::free(data_); }

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  std::span<const uint8_t> span() const { return {data_, size_}; }

  void clear() { size_ = 0; }
  void reserve(size_t n) {
    if (n > capacity_) grow_to(n);
  }
  /// Sets the size; new bytes are uninitialised.
  void resize(size_t n) {
    reserve(n);
    size_ = n;
  }
  /// Grows by n uninitialised bytes and returns a pointer to them.
  uint8_t* extend(size_t n) {
    if (size_ + n > capacity_) grow_to(size_ + n);
    uint8_t* p = data_ + size_;
    size_ += n;
    return p;
  }
  void append(const void* p, size_t n) {
    if (n == 0) return;
    std::memcpy(extend(n), p, n);
  }
  void append(std::span<const uint8_t> bytes) { append(bytes.data(), bytes.size()); }
  void push_back(uint8_t b) {
    if (size_ == capacity_) grow_to(size_ + 1);
    data_[size_++] = b;
  }
  void swap(ByteBuffer& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    std::swap(capacity_, other.capacity_);
  }
  /// Frees the storage (a buffer kept between row groups of a big file is worth keeping; one
  /// of a finished column is not).
  void release() {
    std::free(data_);
    data_ = nullptr;
    size_ = capacity_ = 0;
  }

 private:
  void grow_to(size_t n) {
    // 256 bytes first: a tiny file's pages then fit without a chain of reallocations.
    size_t cap = capacity_ < 256 ? 256 : capacity_;
    while (cap < n) cap += cap / 2 + 64;
    auto* p = static_cast<uint8_t*>(std::realloc(data_, cap));
    if (p == nullptr) throw std::bad_alloc();
    data_ = p;
    capacity_ = cap;
  }

  uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace sparkify::parquet
