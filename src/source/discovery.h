// Input discovery (SPEC §2): every `.json` / `.json.gz` file below a root, recursively, skipping
// names that start with `.` or `_` (as Hadoop does), in byte-wise order of the relative path.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "io/file_system.h"

namespace sparkify::source {

/// One input file: `path` is what the FileSystem reads; `relative` is what reports name.
struct InputFile {
  std::string path;
  std::string relative;
  uint64_t size = 0;
  bool gzip = false;
  std::string version = {};  ///< from the listing (S3's ETag), empty when it gave none
};

/// True when a relative path passes the discovery rules (suffix, hidden components).
bool is_input_path(std::string_view relative);

/// Lists `root` and returns the input files in deterministic (byte-wise) order. A missing root is
/// a NotFound error naming it.
/// With `detailed`, every file's size and version too (FileSystem::list_detailed).
/// `threads` filter and sort a large listing in parts.
Result<std::vector<InputFile>> discover(io::FileSystem& fs, const std::string& root,
                                        bool detailed = false, int threads = 1);

/// discover() of share `index` of `count` (FileSystem::list_share): the shares of every index,
/// joined and sorted, are discover()'s list.
Result<std::vector<InputFile>> discover_share(io::FileSystem& fs, const std::string& root,
                                              bool detailed, int index, int count, int threads = 1);

}  // namespace sparkify::source
