// The lake's commit protocol (SPEC §4): a table becomes visible only when complete, replaces the
// previous one whole, gets `_SUCCESS` last, and a run killed at any moment leaves either the
// previous table or none, plus debris the next run removes.
//
// Local storage stages each table under OUT/_staging/<run>/ and swaps it in with one atomic
// rename (renameat2 RENAME_EXCHANGE). Object stores have no rename: new files (unique names) go
// straight under the table prefix, `_SUCCESS` — a manifest listing the table's files, as
// Hadoop's S3A committers write — is put last, and only then are the previous files deleted.
// A killed run's stray files are those no manifest names; recover() deletes them.
#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "common/result.h"
#include "io/file_system.h"

namespace sparkify::sink {

class TableCommitter {
 public:
  /// Picks the protocol the file system supports. `run_id` names this run's staging area.
  static std::unique_ptr<TableCommitter> Make(io::FileSystem& fs, std::string output_root,
                                              std::string run_id);
  virtual ~TableCommitter() = default;

  /// Removes what killed runs left behind for these tables (and stale staging areas).
  virtual Status recover(const std::vector<std::string>& tables) = 0;
  /// The folder this run writes `table`'s files into.
  virtual std::string staging_dir(const std::string& table) const = 0;
  /// Publishes the staged table whose files (relative to staging_dir) are `files`.
  virtual Status publish(const std::string& table, const std::vector<std::string>& files) = 0;
  /// Drops this run's staged, unpublished files of `table`.
  virtual Status abort(const std::string& table, const std::vector<std::string>& files) = 0;
  /// Removes the run's (now empty) staging area, if any.
  virtual Status finish() = 0;
};

/// The `_SUCCESS` manifest: JSON naming the committer and the table's files.
std::string success_manifest(const std::vector<std::string>& files);
/// The files a manifest of ours names; nullopt for anything else (an empty Spark `_SUCCESS`).
std::optional<std::vector<std::string>> parse_success_manifest(std::string_view text);

}  // namespace sparkify::sink
