// BoundedQueue: a blocking producer/consumer queue with a limit on items and on their total
// weight (bytes), so a fast producer cannot fill memory ahead of slow consumers. close() lets
// consumers drain what is queued; cancel() drops it and wakes everyone.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>

namespace sparkify {

template <typename T>
class BoundedQueue {
 public:
  /// At most `max_items` items and `max_weight` total weight; one item always fits into an
  /// empty queue, however heavy, so nothing can block forever.
  explicit BoundedQueue(size_t max_items, size_t max_weight = SIZE_MAX)
      : max_items_(max_items == 0 ? 1 : max_items), max_weight_(max_weight) {}

  /// Blocks while the queue is full. False (and `item` is dropped) once closed or cancelled.
  bool push(T item, size_t weight = 0) {
    std::unique_lock<std::mutex> lock(mutex_);
    not_full_.wait(lock, [&] {
      return closed_ || items_.empty() ||
             (items_.size() < max_items_ && weight_ + weight <= max_weight_);
    });
    if (closed_) return false;
    weight_ += weight;
    items_.emplace_back(std::move(item), weight);
    not_empty_.notify_one();
    return true;
  }

  /// Blocks while the queue is empty and open; nullopt once it is closed and drained (or
  /// cancelled).
  std::optional<T> pop() {
    std::unique_lock<std::mutex> lock(mutex_);
    not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) return std::nullopt;
    auto [item, weight] = std::move(items_.front());
    items_.pop_front();
    weight_ -= weight;
    not_full_.notify_all();
    return std::move(item);
  }

  /// No more pushes; pop() still returns what is queued, then nullopt.
  void close() {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

  /// Like close(), and drops everything queued.
  void cancel() {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    items_.clear();
    weight_ = 0;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

  size_t size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return items_.size();
  }

 private:
  size_t max_items_;
  size_t max_weight_;
  mutable std::mutex mutex_;
  std::condition_variable not_empty_, not_full_;
  std::deque<std::pair<T, size_t>> items_;
  size_t weight_ = 0;
  bool closed_ = false;
};

}  // namespace sparkify
