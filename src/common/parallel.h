// parallel_for: runs task(i, worker) for i in [0, n) on `threads` threads pulling indices from a
// shared counter (dynamic scheduling, so one slow file does not stall a static slice). `worker`
// is in [0, threads): index per-worker state with it, so the hot path needs no locks.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <thread>
#include <vector>

#include "common/result.h"

namespace sparkify {

/// Default thread count: every core the process may use.
inline int default_thread_count() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

/// Stops handing out new indices after the first failing task and returns its Status (the
/// failure with the lowest index among those that ran, so the error is deterministic).
inline Status parallel_for(size_t n, int threads,
                           const std::function<Status(size_t index, int worker)>& task) {
  threads = std::max(1, std::min<int>(threads, static_cast<int>(std::max<size_t>(n, 1))));
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::vector<Status> first_error(threads);
  std::vector<size_t> first_error_index(threads, SIZE_MAX);
  auto body = [&](int worker) {
    for (;;) {
      if (failed.load(std::memory_order_relaxed)) return;
      size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= n) return;
      Status st = task(i, worker);
      if (!st.ok()) {
        if (i < first_error_index[worker]) {
          first_error_index[worker] = i;
          first_error[worker] = std::move(st);
        }
        failed.store(true, std::memory_order_relaxed);
        return;
      }
    }
  };
  if (threads == 1) {
    body(0);
  } else {
    std::vector<std::thread> pool;
    pool.reserve(threads - 1);
    for (int w = 1; w < threads; ++w) pool.emplace_back(body, w);
    body(0);
    for (auto& t : pool) t.join();
  }
  size_t best = SIZE_MAX;
  Status result;
  for (int w = 0; w < threads; ++w) {
    if (first_error_index[w] < best) {
      best = first_error_index[w];
      result = first_error[w];
    }
  }
  return result;
}

}  // namespace sparkify
