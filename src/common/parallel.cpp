#include "common/parallel.h"

#include <sched.h>

#include <charconv>
#include <fstream>
#include <string>

#include "common/allocator_control.h"

namespace sparkify {

namespace {

// The CPU quota of this process's cgroup: cgroup v2's cpu.max ("max 100000" or "200000 100000")
// or v1's cfs quota and period. False when there is none or it cannot be read.
bool cgroup_cpu_quota(int64_t& quota_us, int64_t& period_us) {
  std::ifstream self("/proc/self/cgroup");
  std::string line, v2_path, v1_path;
  while (std::getline(self, line)) {
    if (line.starts_with("0::")) v2_path = line.substr(3);
    size_t colon = line.find(':'), last = line.rfind(':');
    if (colon != std::string::npos && last > colon) {
      std::string controllers = "," + line.substr(colon + 1, last - colon - 1) + ",";
      if (controllers.find(",cpu,") != std::string::npos) v1_path = line.substr(last + 1);
    }
  }
  // Inside a container the process's cgroup is usually the root of what it sees; outside it the
  // path names it. Either way the first file that reads wins.
  for (const std::string& dir : {"/sys/fs/cgroup" + v2_path, std::string("/sys/fs/cgroup")}) {
    std::ifstream max(dir + "/cpu.max");
    std::string quota;
    if (max >> quota >> period_us) {
      if (quota == "max" || period_us <= 0) return false;
      auto [end, ec] = std::from_chars(quota.data(), quota.data() + quota.size(), quota_us);
      return ec == std::errc() && end == quota.data() + quota.size() && quota_us > 0;
    }
  }
  for (const std::string& dir :
       {"/sys/fs/cgroup/cpu" + v1_path, std::string("/sys/fs/cgroup/cpu"),
        "/sys/fs/cgroup/cpu,cpuacct" + v1_path, std::string("/sys/fs/cgroup/cpu,cpuacct")}) {
    std::ifstream q(dir + "/cpu.cfs_quota_us"), p(dir + "/cpu.cfs_period_us");
    if (q >> quota_us && p >> period_us) return quota_us > 0 && period_us > 0;
  }
  return false;
}

}  // namespace

int default_thread_count(unsigned cores, int affinity, int64_t quota_us, int64_t period_us) {
  int64_t n = cores == 0 ? 1 : cores;
  if (affinity > 0) n = std::min<int64_t>(n, affinity);
  if (quota_us > 0 && period_us > 0) n = std::min(n, (quota_us + period_us - 1) / period_us);
  return static_cast<int>(std::max<int64_t>(n, 1));
}

int default_thread_count() {
  static const int threads = [] {
    cpu_set_t set;
    CPU_ZERO(&set);
    int affinity = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 0;
    int64_t quota = 0, period = 0;
    if (!cgroup_cpu_quota(quota, period)) quota = 0;
    return default_thread_count(std::thread::hardware_concurrency(), affinity, quota, period);
  }();
  return threads;
}

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
