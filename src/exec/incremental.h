// Incremental loads (SPEC §9): which inputs are new, the state a load merges with, the time rows
// the lake already has, and the lake-level commit that makes a load all-or-nothing.
//
// A load writes its new files where readers do not look (local: the run's staging folder; S3:
// pending multipart uploads, completed time first and songplays next, so a reader never sees a
// songplay whose time row is missing), then the merge state, then the commit record
// (sink/lake_log.h) — the moment the load happens — and then applies it: moves the staged files
// into the tables, removes the files it replaces (users, artists), rewrites each changed table's
// `_SUCCESS` manifest and OUT/_rejects/. Applying is idempotent: a run that finds the newest
// commit's run trace (sink::run_trace_path) applies it again, so a load killed after its commit
// is rolled forward and one killed before it is rolled back by the table committer's recovery.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "exec/log_stage.h"
#include "io/file_system.h"
#include "model/table.h"
#include "sink/lake_log.h"
#include "source/discovery.h"

namespace sparkify::exec {

/// The order a load makes its tables' new files visible in (S3 completions, then applying the
/// commit): time before songplays, so a reader that globs the folders never sees a songplay
/// whose time row is missing.
inline constexpr const char* kLoadOrder[] = {"time", "songplays", "songs", "artists", "users"};

/// The input files of one stage, split into those a load takes and those the lake already has.
struct InputChoice {
  std::vector<source::InputFile> take;    ///< new files, in file order
  std::vector<sink::IngestedFile> taken;  ///< how the commit records them
  uint64_t skipped = 0;                   ///< files the lake already holds
};

/// Identifies every file (size and version: the listing's ETag, or a stat) and keeps those
/// `known` (sink::ingested_files_spec()) does not name (all of them when `known` is null). A
/// known file whose size or version changed is an error naming it. A file's recorded name is
/// `name_prefix` + its relative path.
Result<InputChoice> choose_inputs(io::FileSystem& fs, std::vector<source::InputFile> files,
                                  const std::string& name_prefix, const model::TableData* known,
                                  const std::string& run, int threads);

/// The ingested-files table after a load: `before`'s rows, then `taken`'s (which it keeps).
model::TableData ingested_after(const model::TableData& before,
                                std::vector<sink::IngestedFile> taken);

/// What an incremental load merges with: the newest commit and its state.
struct LakeBase {
  sink::LakeCommit commit;
  model::TableData song_keys;  ///< transform::song_keys_spec()
  /// The one state folder of the chain (relative to the lake) that holds every song key, when
  /// one does (no later load added songs); empty otherwise.
  std::string song_keys_state;
  model::TableData user_latest;  ///< transform::user_latest_spec()
  model::TableData artists, users;
  model::TableData inputs;                ///< sink::ingested_files_spec(); read only when asked for
  std::string song_rejects, log_rejects;  ///< every earlier load's rejects, as JSON lines
};

/// Reads the state `commit` names (and the ingested files when `with_inputs`: only the process
/// that chooses the inputs needs them). Corrupt when the state holds another number of ingested
/// files than the commit counts.
Result<LakeBase> load_lake_base(io::FileSystem& fs, const std::string& root,
                                sink::LakeCommit commit, int threads, bool with_inputs);

/// The base of a first incremental load into an empty lake: no rows, no inputs.
LakeBase empty_lake_base();

/// The merge state a commit names, written into `dir` (OUT/_sparkify/state/<run>) in parts: the
/// song keys (under mpirun by the last rank, which holds them too)…
Status write_song_key_state(io::FileSystem& fs, const std::string& dir,
                            const model::TableData& song_keys);
/// …or, when a load added no song, the previous state's song keys (in `from_dir`) linked into
/// `dir`: NotSupported where the store cannot link (S3), NotFound when there are none…
Status link_song_key_state(io::FileSystem& fs, const std::string& from_dir, const std::string& dir);
/// …the rejects so far (rank 0)…
Status write_reject_state(io::FileSystem& fs, const std::string& dir,
                          const std::string& song_rejects, const std::string& log_rejects);

/// …and the ingested files (one writer: rank 0)…
Status write_input_state(io::FileSystem& fs, const std::string& dir,
                         const model::TableData& inputs);
/// …and each user's latest event time, which under mpirun every rank writes its share of (the
/// users it owns), its files numbered from `first_file`.
Status write_user_state(io::FileSystem& fs, const std::string& dir,
                        const model::TableData& user_latest, size_t first_file);

/// Keeps the start times the lake's time table lacks, reading each (year, month) partition of
/// `time_files` (relative to OUT/time) once, when a batch first reaches it.
LogStage::TimeFilter lake_time_filter(io::FileSystem& fs, const std::string& root,
                                      std::vector<std::string> time_files);

/// Applies `commit` (see above); safe to repeat.
Status apply_commit(io::FileSystem& fs, const std::string& root, const sink::LakeCommit& commit);

/// Rolls the newest commit forward when its run died before applying it, then removes commit
/// records outside its chain and state it does not need (prune_states). Returns the newest commit.
Result<std::optional<sink::LakeCommit>> recover_lake(io::FileSystem& fs, const std::string& root);

/// Removes from OUT/_sparkify/state/ what `latest` (null: no record) does not need: every folder
/// but its own and those of the older records in its chain, and of those all but their song keys
/// and ingested files (their users' latest times and rejects are in `latest`'s own state).
Status prune_states(io::FileSystem& fs, const std::string& root, const sink::LakeCommit* latest);

/// Forgets the lake's commits (a full rebuild or a partial `--only` run is about to replace
/// tables, after which no earlier record describes the lake), leaving `why` (a clause: "it was
/// written by …") for an incremental load to tell the user (sink::unrecorded_path).
Status forget_commits(io::FileSystem& fs, const std::string& root, std::string_view why);

}  // namespace sparkify::exec
