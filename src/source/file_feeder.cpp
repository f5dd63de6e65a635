#include "source/file_feeder.h"

#include <thread>
#include <utility>

#include "common/bounded_queue.h"
#include "common/parallel.h"
#include "source/reader.h"

namespace sparkify::source {

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
  // A bounded hand-off from the fetching thread to the parsing workers, so a fast network
  // cannot fill memory with files nobody has parsed yet.
  BoundedQueue<std::pair<size_t, Buffer>> queue(
      static_cast<size_t>(fs.preferred_read_concurrency()) * 2);
  Status fetch_status;
  std::thread fetcher([&] {
    fetch_status = fs.read_many(paths, source::kParserPadding, [&](size_t i, Buffer raw) {
      if (!queue.push({i, std::move(raw)})) return Status(ErrorCode::kCancelled, "cancelled");
      return Status::OK();
    });
    queue.close();
  });
  Status work_status =
      parallel_for(static_cast<size_t>(threads), threads, [&](size_t, int worker) -> Status {
        while (auto item = queue.pop()) {
          auto& [index, raw] = *item;
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

}  // namespace sparkify::source
