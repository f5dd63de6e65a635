#include "exec/file_feeder.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "common/parallel.h"
#include "source/reader.h"

namespace sparkify::exec {

namespace {

// A bounded hand-off from the fetching thread to the parsing workers, so a fast network cannot
// fill memory with files nobody has parsed yet.
class FileQueue {
 public:
  explicit FileQueue(size_t capacity) : capacity_(capacity) {}

  // False when the consumers have failed and nothing more is wanted.
  bool push(size_t index, Buffer buffer) {
    std::unique_lock lock(mu_);
    not_full_.wait(lock, [&] { return items_.size() < capacity_ || cancelled_; });
    if (cancelled_) return false;
    items_.emplace_back(index, std::move(buffer));
    not_empty_.notify_one();
    return true;
  }
  // False when the queue is closed and drained.
  bool pop(size_t& index, Buffer& buffer) {
    std::unique_lock lock(mu_);
    not_empty_.wait(lock, [&] { return !items_.empty() || closed_ || cancelled_; });
    if (items_.empty() || cancelled_) return false;
    index = items_.front().first;
    buffer = std::move(items_.front().second);
    items_.pop_front();
    not_full_.notify_one();
    return true;
  }
  void close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    not_empty_.notify_all();
  }
  void cancel() {
    std::lock_guard lock(mu_);
    cancelled_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable not_empty_, not_full_;
  std::deque<std::pair<size_t, Buffer>> items_;
  size_t capacity_;
  bool closed_ = false;
  bool cancelled_ = false;
};

}  // namespace

Status for_each_input(io::FileSystem& fs, const std::vector<source::InputFile>& files, int threads,
                      const FileTask& task) {
  if (fs.preferred_read_concurrency() <= 1) {
    std::vector<Buffer> buffers(threads);
    return parallel_for(files.size(), threads, [&](size_t i, int worker) -> Status {
      SPARKIFY_RETURN_NOT_OK(source::read_input(fs, files[i], buffers[worker]));
      return task(i, worker, buffers[worker]);
    });
  }

  std::vector<std::string> paths;
  paths.reserve(files.size());
  for (const auto& f : files) paths.push_back(f.path);
  FileQueue queue(static_cast<size_t>(fs.preferred_read_concurrency()) * 2);
  Status fetch_status;
  std::thread fetcher([&] {
    fetch_status = fs.read_many(paths, source::kParserPadding, [&](size_t i, Buffer raw) {
      if (!queue.push(i, std::move(raw))) return Status(ErrorCode::kCancelled, "cancelled");
      return Status::OK();
    });
    queue.close();
  });
  Status work_status =
      parallel_for(static_cast<size_t>(threads), threads, [&](size_t, int worker) -> Status {
        size_t index;
        Buffer raw;
        while (queue.pop(index, raw)) {
          Status st = source::prepare_input(files[index], raw);
          if (st.ok()) st = task(index, worker, raw);
          if (!st.ok()) {
            queue.cancel();
            return st;
          }
        }
        return Status::OK();
      });
  if (!work_status.ok()) queue.cancel();
  fetcher.join();
  if (!work_status.ok()) return work_status;
  if (!fetch_status.ok() && fetch_status.code() != ErrorCode::kCancelled) return fetch_status;
  return Status::OK();
}

}  // namespace sparkify::exec
