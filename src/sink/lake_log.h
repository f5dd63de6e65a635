// The lake's commit log (SPEC §9): OUT/_sparkify/commits/<version>.json, one JSON document per
// commit. As in Delta Lake and Iceberg, a load writes its data files first and its commit last: the
// commit is the moment it happens. A document that does not parse (a write cut short by a kill) is
// no commit.
//
// A record is whole (a checkpoint: every file of every table) or a change on the record before it
// (the files it added and removed, `base` naming that record), so that a daily load writes what it
// changed rather than the whole lake's file list (3.9 MB on a lake of 36k song files). A full run
// writes a whole record, and so does every kCheckpointInterval-th load (as Delta Lake checkpoints
// every tenth commit); reading the lake's state is reading its newest whole record and the changes
// after it. Each record names a folder of merge state: the users' latest event times and the
// cumulative rejects, which its load rewrites whole; and two tables that only grow, the song keys
// and the input files taken in (a Parquet table, ingested_files_spec()). Of these a whole record's
// state holds every row, a change's only the rows its load added, so the lake's are those of every
// state in the chain, in order.
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

/// Loads between whole records: a chain is at most this many records long.
inline constexpr uint64_t kCheckpointInterval = 10;

struct LakeCommit {
  uint64_t version = 0;  ///< 1, 2, … ; the newest readable one is the lake's state
  /// The record this one changes (version - 1), or 0 for a whole record, which lists every table's
  /// files itself.
  uint64_t base = 0;
  std::string run;        ///< the run that wrote it
  std::string mode;       ///< "full" or "incremental"
  int64_t songplays = 0;  ///< rows in songplays = its largest songplay_id
  std::string state;      ///< folder of the merge state, relative to the lake root
  /// Every table's files, relative to the table folder, after this commit (for a change, put
  /// together by read_commit_log from its chain).
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

  // Known once the record is read with its chain (read_commit_log), not written:
  uint64_t checkpoint = 0;  ///< the whole record the chain starts at (`version` when whole)
  /// The chain's state folders, oldest first: together their song keys and input tables are the
  /// lake's (see above).
  std::vector<std::string> chain_states;
};

/// Whether the record after `base` (the lake's newest, as read_commit_log gives it; version 0:
/// none) is whole: the first, one after kCheckpointInterval - 1 changes, or one after a record
/// that lists its ingested files inline.
inline bool next_record_is_whole(const LakeCommit& base) {
  return base.version == 0 || base.chain_states.empty() ||
         base.version + 1 - base.checkpoint >= kCheckpointInterval;
}

/// The record as stored: whole, or (when `base` is set) its changes only. `whole` writes every
/// table's files whatever `base` says, and a change's chain of state folders (to hand a read
/// chain to another process in one document).
std::string commit_to_json(const LakeCommit& commit, bool whole = false);
/// Corrupt when `text` is not a commit document. A change's `tables` are left empty, to be put
/// together from its chain; a whole record's `checkpoint` and `chain_states` are filled in.
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
  std::optional<LakeCommit> latest;   ///< the newest commit that parses, its chain applied
  std::vector<std::string> obsolete;  ///< commit files outside its chain (full paths)
};

/// Reads the commit log; no commit at all is not an error (latest is empty). Corrupt when the
/// newest record's chain back to a whole record is broken (a record removed by hand).
Result<CommitLog> read_commit_log(io::FileSystem& fs, const std::string& root);

/// Writes `commit` as the next version (it must be newer than every existing one).
Status write_commit(io::FileSystem& fs, const std::string& root, const LakeCommit& commit);
/// The same with the commit already serialized (commit_to_json), e.g. on another thread.
Status write_commit_json(io::FileSystem& fs, const std::string& root, uint64_t version,
                         std::string_view json);

}  // namespace sparkify::sink
