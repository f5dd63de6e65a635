// The ETL job: discover → read → parse → build the star schema → write staged Parquet →
// publish, with the per-stage figures the run report needs. The only caller is cli/.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "common/result.h"
#include "io/file_system.h"
#include "parquet/schema.h"

namespace sparkify::exec {

class Cluster;

enum class Only { kAll, kSongs, kLogs };
/// --mode: rebuild every table, or add only input files the lake has not taken in (SPEC §9).
enum class Mode { kFull, kIncremental };

struct EtlOptions {
  std::string input;        ///< --input root (holds song_data/ and log_data/), if given
  std::string songs_input;  ///< folder or URL holding the song files
  std::string logs_input;   ///< folder or URL holding the log files
  std::string output;       ///< the lake's root
  Only only = Only::kAll;
  Mode mode = Mode::kFull;
  int threads = 1;
  parquet::Codec codec = parquet::Codec::kSnappy;
  int64_t max_bad_records = -1;  ///< -1: no limit
  size_t max_rows_per_file = size_t{1} << 20;
  io::FileSystemOptions storage;
  uint64_t memory_limit = uint64_t{512} << 20;  ///< --memory-limit (bytes)
  std::string spill_dir;                        ///< --spill-dir; empty: the system temp folder
};

/// The stages a run goes through, in order (shown by the progress display).
enum class Stage : int { kStarting = 0, kSongs, kLogs, kWriting, kPublishing };

/// Live counters for a progress display, written by workers, read by the CLI.
struct Progress {
  std::atomic<int> stage{0};  ///< a Stage, as an index into stage_names
  std::atomic<uint64_t> files_total{0}, files_done{0}, records{0}, bytes{0};
  static constexpr const char* stage_names[] = {"starting", "songs", "logs", "writing",
                                                "publishing"};
};

struct StageReport {
  std::string name;
  double seconds = 0;
  uint64_t files = 0, records = 0, bytes = 0;
};

struct TableReport {
  std::string name;
  uint64_t rows = 0, files = 0, partitions = 0, bytes = 0;  ///< what this run wrote
  bool appended = false;  ///< files added beside the lake's (incremental), not a replacement
};

/// What a run took in and the lake's commit it wrote (SPEC §9).
struct LoadReport {
  Mode mode = Mode::kFull;
  uint64_t files_taken = 0;    ///< input files read by this run
  uint64_t files_skipped = 0;  ///< input files the lake already held (incremental)
  uint64_t lake_version = 0;   ///< the commit this run wrote; 0 when none
  bool nothing_new = false;    ///< an incremental run that found no new input and changed nothing
};

/// What one rank of a distributed run parsed (its input ranges), its own peak memory and the
/// seconds of its own stages (the report's stages are rank 0's).
struct RankReport {
  uint64_t files = 0, records = 0, bytes = 0, songplays = 0, peak_memory = 0;
  uint64_t bytes_sent = 0, bytes_received = 0;  ///< to and from other ranks, before the report
  double songs_seconds = 0, logs_seconds = 0, write_seconds = 0;
  /// Seconds spent inside collectives, before the report: waiting for other ranks, mostly.
  double collective_seconds = 0;
};

struct EtlReport {
  Status status;
  std::vector<TableReport> tables;  ///< tables this run published (or would have)
  LoadReport load;
  std::vector<StageReport> stages;
  uint64_t song_rejects = 0, log_rejects = 0;
  /// The reject counts are the run's: false while a run that stopped early had not gathered them.
  bool rejects_counted = false;
  uint64_t duplicate_songs = 0;
  uint64_t songplays = 0, matched_songplays = 0;
  uint64_t input_files = 0, input_bytes = 0;
  bool published = false;
  double seconds = 0;
  uint64_t memory_limit = 0;  ///< bytes
  uint64_t peak_memory = 0;   ///< the process's peak resident memory, bytes
  uint64_t spilled_bytes = 0, spill_files = 0;
  uint64_t spilled_event_bytes = 0, spilled_time_bytes = 0;
  int ranks = 1;                     ///< processes the run was split over (mpirun -np N)
  std::vector<RankReport> per_rank;  ///< rank 0 of a distributed run: every rank's figures
};

/// Runs the job. Never throws; the outcome is in the report's status. Rejects are written to
/// OUT/_rejects/ once every input is parsed, also when they exceed --max-bad-records (an input
/// that cannot be read stops the run before that). Tables are published only after all of them
/// are written, one at a time in the lake's table order, each replaced whole (an incremental
/// load adds files instead and commits all tables at once: exec/incremental.h): a failure while
/// publishing leaves the tables before it published and the rest as they were.
///
/// With a `cluster` of N ranks every rank calls this with the same options: each parses a
/// contiguous, size-balanced range of the song files and of the log files, the ranks combine
/// their state with collectives, each writes its own songplays files and the time partitions it
/// owns, and rank 0 publishes once every rank has succeeded. Every rank returns the same status
/// (a failure names the rank it happened on); the report's figures are whole-run totals on rank 0.
EtlReport run_etl(const EtlOptions& options, Progress* progress = nullptr,
                  Cluster* cluster = nullptr);

}  // namespace sparkify::exec
