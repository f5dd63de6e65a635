// Small input files fetched ahead of the workers that parse them, for a store where every
// request costs a round trip (S3). A worker that starts file i finds it read already, and the
// small files after i are being fetched meanwhile, within a byte budget and a number of requests
// in flight. Without it, a prefix of many small day files is read one round trip after another
// per worker. Files bigger than a chunk stream by ranges as before (chunked_reader.h).
#pragma once

#include <cstddef>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "common/buffer.h"
#include "common/result.h"
#include "io/file_system.h"
#include "source/discovery.h"

namespace sparkify::source {

class SmallFilePrefetcher {
 public:
  /// Fetches files of `files` no bigger than `max_file_bytes` (by the listing's size), holding at
  /// most `budget_bytes` fetched ahead and `max_in_flight` fetches at once. `fs` and `files`
  /// must outlive the prefetcher.
  SmallFilePrefetcher(io::FileSystem& fs, const std::vector<InputFile>& files,
                      size_t max_file_bytes, size_t budget_bytes, int max_in_flight);
  /// Waits for the fetches still in flight (they read into buffers this object owns).
  ~SmallFilePrefetcher();

  /// Called by the worker that starts file `i` (indices claimed in increasing order, as
  /// parallel_for hands them out): file i's bytes when they were fetched ahead, nullopt when the
  /// worker should read it itself; an error of the fetch (e.g. the object changed since it was
  /// listed) is returned as it is. Starts fetching the small files after i. Thread-safe.
  Result<std::optional<Buffer>> take(size_t i);

 private:
  struct Fetch {
    Buffer bytes;
    std::future<Status> done;
  };
  void fill();  // with mutex_ held

  io::FileSystem& fs_;
  const std::vector<InputFile>& files_;
  size_t max_file_bytes_, budget_bytes_;
  size_t max_in_flight_;
  std::mutex mutex_;
  size_t next_ = 0;     // the first file not yet considered for fetching
  size_t claimed_ = 0;  // files below this have been started by a worker
  size_t held_ = 0;     // bytes fetched or being fetched, not yet taken
  std::map<size_t, std::unique_ptr<Fetch>> ahead_;
};

}  // namespace sparkify::source
