// Runs a task over every input file in parallel, handing each task the file's prepared bytes.
// Local disks are read by the worker threads themselves; stores that want many requests in
// flight (S3) are read by one fetching thread through FileSystem::read_many while the workers
// parse what has arrived.
#pragma once

#include <functional>
#include <vector>

#include "common/buffer.h"
#include "common/result.h"
#include "io/file_system.h"
#include "source/discovery.h"

namespace sparkify::source {

/// task(file_index, worker, bytes) — called once per file, on one of `threads` workers. The
/// bytes are valid only during the call (the worker's buffer is reused for its next file).
using FileTask = std::function<Status(size_t, int, const Buffer&)>;

Status for_each_input(io::FileSystem& fs, const std::vector<source::InputFile>& files, int threads,
                      const FileTask& task);

}  // namespace sparkify::source
