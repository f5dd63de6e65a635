// The lake's commit log (SPEC §9): OUT/_sparkify/commits/<version>.json, one JSON document per
// commit, the newest naming every file of every table and the folder holding the state an
// incremental load merges with (song keys, users' latest event times, the cumulative rejects, and
// every input file the lake has taken in: a Parquet table, ingested_files_spec()). As in Delta Lake
// and Iceberg, a load writes its data files first and its commit last: the commit is the moment it
// happens. A document that does not parse (a write cut short by a kill) is no commit.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "io/file_system.h"
#include "model/table.h"

namespace sparkify::sink {

/// One input file the lake has taken in, named as rejects name it (relative to --input, e.g.
/// `log_data/2018/11/2018-11-01-events.json`).
struct IngestedFile {
  std::string path;
  uint64_t size = 0;
  std::string version;  ///< S3 ETag or local modification time (ns)
  std::string run;      ///< the run that took it in
};

/// The state's record of ingested input files, one row per file (the fields of IngestedFile).
/// Held as a table so that 50k entries read and write as four Parquet columns, not as JSON.
const model::TableSpec& ingested_files_spec();

struct LakeCommit {
  uint64_t version = 0;   ///< 1, 2, … ; the newest readable one is the lake's state
  std::string run;        ///< the run that wrote it
  std::string mode;       ///< "full" or "incremental"
  int64_t songplays = 0;  ///< rows in songplays = its largest songplay_id
  std::string state;      ///< folder of the merge state, relative to the lake root
  /// Every table's files, relative to the table folder, after this commit.
  std::map<std::string, std::vector<std::string>> tables;
  /// Files this commit added (a subset of `tables`) and removed, per table: what applying it
  /// after a kill must finish.
  std::map<std::string, std::vector<std::string>> added, removed;
  /// Rows per table where the load knew them (a full run, or an incremental one on a record
  /// that had them): what each table's `_SUCCESS` manifest states.
  std::map<std::string, uint64_t> rows;
  /// Input files ingested so far: the rows of the state's ingested-files table.
  uint64_t input_files = 0;
  /// Records written before the state held that table list the files here; read, never written.
  std::vector<IngestedFile> inline_inputs;
};

std::string commit_to_json(const LakeCommit& commit);
/// Corrupt when `text` is not a commit document.
Result<LakeCommit> parse_commit(std::string_view text);

/// OUT/_sparkify/commits
std::string commits_dir(const std::string& root);
/// OUT/_sparkify/commits/<version>.json
std::string commit_path(const std::string& root, uint64_t version);
/// OUT/_sparkify/unrecorded: why the lake has no load record, written when a run forgets the
/// records (a full run's publish, an --only run) and removed when a full run writes one again.
std::string unrecorded_path(const std::string& root);
/// What a full run leaves there while it replaces the tables: found later, it stopped midway.
inline constexpr std::string_view kFullRunStopped =
    "its last full run stopped while it replaced the tables (killed or failed), so they may "
    "come from two runs";
/// OUT/_sparkify/state, and OUT/_sparkify/state/<run>
std::string states_dir(const std::string& root);
std::string state_dir(const std::string& root, const std::string& run);

struct CommitLog {
  std::optional<LakeCommit> latest;   ///< the newest commit that parses
  std::vector<std::string> obsolete;  ///< older or unreadable commit files (full paths)
};

/// Reads the commit log; no commit at all is not an error (latest is empty).
Result<CommitLog> read_commit_log(io::FileSystem& fs, const std::string& root);

/// Writes `commit` as the next version (it must be newer than every existing one).
Status write_commit(io::FileSystem& fs, const std::string& root, const LakeCommit& commit);
/// The same with the commit already serialized (commit_to_json), e.g. on another thread.
Status write_commit_json(io::FileSystem& fs, const std::string& root, uint64_t version,
                         std::string_view json);

}  // namespace sparkify::sink
