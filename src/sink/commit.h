// The lake's commit protocol (SPEC §4): a table becomes visible only when complete, replaces the
// previous one whole, gets `_SUCCESS` last, and a run killed at any moment leaves either the
// previous table or none, plus debris the next run removes.
//
// Local storage stages each table under OUT/_staging/<run>/ and swaps it in with one atomic
// rename (renameat2 RENAME_EXCHANGE). Object stores have no rename: as Hadoop's S3A "magic"
// committer does, each file is uploaded under its final name as a multipart upload left
// pending (invisible); publish completes them all in parallel, puts `_SUCCESS` — a manifest
// listing the table's files (lake/manifest.h) — and only then deletes the previous files. A record
// under OUT/_sparkify/runs/ names the tables a run writes; after a kill, the next run's recover()
// aborts their pending uploads and deletes completed files no manifest names.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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
  /// Where the writers of `table` must put their files to hold them back until publish (a
  /// pending writer's set), or nullptr when they write straight into staging_dir.
  virtual io::PendingFiles* pending(const std::string& table) { return nullptr; }
  /// Makes the files this process staged for `table` visible without publishing the table: an
  /// object store completes the pending multipart uploads (publish() completes whatever is still
  /// pending). Under mpirun every rank completes its own at once before rank 0 publishes, rather
  /// than rank 0 completing every rank's. Nothing to do where files are written in place.
  virtual Status complete_staged(const std::string& table) { return Status::OK(); }
  /// Publishes the staged table whose files (relative to staging_dir) are `files`, holding
  /// `rows` rows when the caller knows (the `_SUCCESS` manifest records it: lake/manifest.h).
  virtual Status publish(const std::string& table, const std::vector<std::string>& files,
                         std::optional<uint64_t> rows) = 0;
  /// Drops this run's staged, unpublished files of `table`.
  virtual Status abort(const std::string& table, const std::vector<std::string>& files) = 0;
  /// Removes the run's (now empty) staging area, if any.
  virtual Status finish() = 0;
};

/// What a run that died leaves behind on `fs` while it lives (local: its staging folder; object
/// stores: its run record): present after a kill, gone after a finished run.
std::string run_trace_path(io::FileSystem& fs, const std::string& output_root,
                           const std::string& run_id);
/// Where the local committer of run `run_id` stages `table`'s files.
std::string local_staging_dir(const std::string& output_root, const std::string& run_id,
                              const std::string& table);

/// The record of a run in progress on an object store: JSON naming its run id and tables.
std::string run_record(const std::string& run_id, const std::vector<std::string>& tables);
/// The tables a run record names; nullopt for anything else.
std::optional<std::vector<std::string>> parse_run_record(std::string_view text);

}  // namespace sparkify::sink
