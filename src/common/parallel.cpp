#include "common/parallel.h"

#include "common/allocator_control.h"

namespace sparkify {

// One parallel step. Helpers join it under the pool's mutex until the caller closes it.
struct ThreadPool::Job {
  const std::function<void(int)>* body;
  int next_worker = 1;  // the caller is worker 0
  int running = 0;
  bool closed = false;
  std::condition_variable done;
};

ThreadPool& ThreadPool::shared() {
  static ThreadPool pool;
  return pool;
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

size_t ThreadPool::size() const {
  std::lock_guard lock(mutex_);
  return threads_.size();
}

void ThreadPool::run(int helpers, const std::function<void(int)>& body) {
  auto job = std::make_shared<Job>();
  job->body = &body;
  {
    std::lock_guard lock(mutex_);
    for (int i = 0; i < helpers; ++i) queue_.push_back(job);
    // Start threads for what the idle ones cannot take; they stay for later steps.
    size_t waiting = queue_.size();
    for (size_t have = idle_; have < waiting; ++have) threads_.emplace_back([this] { work(); });
  }
  if (helpers == 1) {
    wake_.notify_one();
  } else {
    wake_.notify_all();
  }
  body(0);
  std::unique_lock lock(mutex_);
  job->closed = true;  // helpers that have not joined yet never will
  job->done.wait(lock, [&] { return job->running == 0; });
  // Drop this job's entries nobody took, so the queue holds only live work.
  std::erase(queue_, job);
}

void ThreadPool::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    ++idle_;
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    --idle_;
    if (queue_.empty()) return;  // stopping
    std::shared_ptr<Job> job = std::move(queue_.front());
    queue_.pop_front();
    if (job->closed) continue;
    int worker = job->next_worker++;
    ++job->running;
    lock.unlock();
    (*job->body)(worker);
    flush_thread_cache();  // its step done, the thread keeps no freed blocks while it waits
    lock.lock();
    if (--job->running == 0 && job->closed) job->done.notify_all();
  }
}

}  // namespace sparkify
