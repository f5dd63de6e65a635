// parallel_for: runs task(i, worker) for i in [0, n) on `threads` threads pulling indices from a
// shared counter (dynamic scheduling, so one slow file does not stall a static slice). `worker`
// is in [0, threads): index per-worker state with it, so the hot path needs no locks.
//
// The threads come from one pool for the whole process (ThreadPool::shared()), started once and
// grown on demand, so the run's many parallel steps do not each start and join their own
// threads. The calling thread always works too, and waits only for pool threads that joined
// in: a parallel_for called from inside another one never waits on a thread that is busy
// elsewhere, so nesting cannot deadlock (it gets fewer helpers, never none of its own work).
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/result.h"

namespace sparkify {

/// Default thread count: the cores the process may use — those of its CPU affinity mask
/// (taskset, numactl, a batch scheduler's binding), no more than its cgroup's CPU quota allows
/// (a container's --cpus, a Kubernetes CPU limit), rounded up; at least 1.
int default_thread_count();

/// The same from its parts (for tests): `cores` online, `affinity` CPUs in the mask (0: unknown),
/// a quota of `quota_us` per `period_us` (quota 0: none).
int default_thread_count(unsigned cores, int affinity, int64_t quota_us, int64_t period_us);

/// The process's worker threads. Threads are started when a request needs more idle ones than
/// there are (S3 transfers ask for dozens, blocked on the network) and then kept for the next.
class ThreadPool {
 public:
  static ThreadPool& shared();
  ~ThreadPool();

  /// Runs body(1) … body(helpers) on pool threads as they come free, and body(0) on the calling
  /// thread; returns when body(0) has returned and every body that started has returned. A body
  /// not started by then is never started (body(0) must do the work the others would have).
  void run(int helpers, const std::function<void(int worker)>& body);

  /// Threads started so far (for tests).
  size_t size() const;

 private:
  struct Job;
  void work();

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<Job>> queue_;  // one entry per helper asked for
  std::vector<std::thread> threads_;
  size_t idle_ = 0;
  bool stopping_ = false;
};

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
    ThreadPool::shared().run(threads - 1, body);
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
