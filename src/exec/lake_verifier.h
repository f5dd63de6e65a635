// `sparkify verify`: data-quality checks on a published lake — every table present and
// complete, keys unique and non-null, songplays pointing at existing users, times, songs and
// artists, partitions and time columns consistent with start_time.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "io/file_system.h"
#include "lake/lake_reader.h"

namespace sparkify::exec {

struct CheckResult {
  std::string name;  ///< e.g. "songplays.user_id references users"
  bool passed = true;
  uint64_t checked = 0;  ///< rows (or files) looked at
  uint64_t failures = 0;
  std::string detail;  ///< the first failing value, for the message
};

struct VerifyReport {
  std::vector<CheckResult> checks;
  bool passed() const {
    for (const auto& c : checks) {
      if (!c.passed) return false;
    }
    return true;
  }
};

/// Reads the five tables under `lake` and checks them. An unreadable lake (missing folder,
/// corrupt file) is an error; a lake that reads but breaks a rule gives failed checks.
Result<VerifyReport> verify_lake(const std::string& lake, const io::FileSystemOptions& storage,
                                 int threads);

/// The same on a file system already open on the lake, with its tables listed through
/// `listings` (shared with another reader of the lake, so each table is listed once).
Result<VerifyReport> verify_lake(io::FileSystem& fs, const std::string& lake, int threads,
                                 sparkify::lake::LakeListings& listings);

}  // namespace sparkify::exec
