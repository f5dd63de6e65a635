#include "source/prefetch.h"

#include <algorithm>
#include <system_error>

namespace sparkify::source {

SmallFilePrefetcher::SmallFilePrefetcher(io::FileSystem& fs, const std::vector<InputFile>& files,
                                         size_t max_file_bytes, size_t budget_bytes,
                                         int max_in_flight)
    : fs_(fs),
      files_(files),
      max_file_bytes_(max_file_bytes),
      budget_bytes_(budget_bytes),
      max_in_flight_(static_cast<size_t>(std::max(1, max_in_flight))) {}

SmallFilePrefetcher::~SmallFilePrefetcher() {
  for (auto& [i, fetch] : ahead_) {
    if (fetch->done.valid()) fetch->done.wait();
  }
}

void SmallFilePrefetcher::fill() {
  next_ = std::max(next_, claimed_);
  while (next_ < files_.size() && ahead_.size() < max_in_flight_) {
    const InputFile& file = files_[next_];
    bool small = file.size > 0 && file.size <= max_file_bytes_;
    if (small && held_ + file.size > budget_bytes_) return;  // wait for room
    size_t i = next_++;
    if (!small) continue;  // a worker streams it
    auto fetch = std::make_unique<Fetch>();
    Buffer* into = &fetch->bytes;
    io::FileSystem* fs = &fs_;
    // One byte past the listed size: a file that grew since is then seen, and streamed instead.
    auto read = [fs, &file, into] {
      return fs->read_range(file.path, 0, static_cast<size_t>(file.size) + 1, *into, 0,
                            file.version);
    };
    try {
      fetch->done = std::async(std::launch::async, read);
    } catch (const std::system_error&) {
      return;  // no thread to spare: the worker reads the file itself
    }
    held_ += file.size;
    ahead_.emplace(i, std::move(fetch));
  }
}

Result<std::optional<Buffer>> SmallFilePrefetcher::take(size_t i) {
  std::unique_ptr<Fetch> fetch;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    claimed_ = std::max(claimed_, i + 1);
    if (auto it = ahead_.find(i); it != ahead_.end()) {
      fetch = std::move(it->second);
      ahead_.erase(it);
      held_ -= files_[i].size;
    }
    fill();
  }
  if (!fetch) return std::optional<Buffer>();
  SPARKIFY_RETURN_NOT_OK(fetch->done.get());
  // Bigger than listed: the object grew since; the worker streams it to its end.
  if (fetch->bytes.size() > files_[i].size) return std::optional<Buffer>();
  return std::optional<Buffer>(std::move(fetch->bytes));
}

}  // namespace sparkify::source
