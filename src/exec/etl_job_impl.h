// Internal to exec/: the ETL job (one run of `sparkify etl`) as a class whose steps live in three
// files: etl_job.cpp holds run() and the read side in the order it runs (input, songs, logs,
// rejects); etl_job_write.cpp the write side (tables, users reduced across ranks, time rows cut
// among them, the run's figures); etl_job_lake.cpp the job's dealings with the lake (taking and
// locking it, joining ranks to it, collecting staged files, publishing and the load commit).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/uuid.h"
#include "exec/dist/cluster.h"
#include "exec/etl_job.h"
#include "exec/incremental.h"
#include "exec/log_stage.h"
#include "exec/spill.h"
#include "sink/commit.h"
#include "sink/dataset_writer.h"
#include "sink/lake_log.h"
#include "source/discovery.h"
#include "transform/song_tables.h"

namespace sparkify::exec {

using Clock = std::chrono::steady_clock;

// Rank r numbers its songs, users and songplays files from r * kRankFileStride (part-00000…,
// part-100000…), so ranks writing one folder never pick the same name.
constexpr size_t kRankFileStride = 100'000;

inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

inline void set_stage(Progress* progress, Stage stage, uint64_t files_total) {
  if (!progress) return;
  progress->files_total = files_total;
  progress->files_done = 0;
  progress->records = 0;
  progress->bytes = 0;
  progress->stage = static_cast<int>(stage);
}

inline void count_file(Progress* progress, uint64_t records, uint64_t bytes) {
  if (!progress) return;
  progress->files_done.fetch_add(1, std::memory_order_relaxed);
  progress->records.fetch_add(records, std::memory_order_relaxed);
  progress->bytes.fetch_add(bytes, std::memory_order_relaxed);
}

// What a stage leaves for the rest of the job.
struct SongStage {
  transform::SongTables tables;
  std::vector<model::RejectRecord> rejects;
  bool from_lake = false;
};

// The input of one stage: its file system and this rank's files in order (all of them in a
// single process), files[0] being file `first_index` of the whole input.
struct StageInput {
  std::shared_ptr<io::FileSystem> fs;
  std::vector<source::InputFile> files;
  size_t first_index = 0;
};

class EtlJob {
 public:
  EtlJob(const EtlOptions& options, Progress* progress, EtlReport& report, Cluster& cluster)
      : options_(options), progress_(progress), report_(report), cluster_(cluster) {}

  // Every rank goes through the same collectives in the same order; a rank that fails carries
  // its status to the next agree(), where every rank learns of it and stops.
  Status run();

  // Figures that hold whatever the outcome: the memory used and what was spilled.
  void finish_report();

  // Leaves nothing staged behind a failed run. Rank 0 owns the run's staging area and record;
  // the other ranks drop only what they staged themselves.
  void abandon();

 private:
  bool distributed() const { return cluster_.size() > 1; }

  // Rank 0 takes the lake: checks the locations, locks it (one run per lake) and removes what
  // killed runs left; the other ranks wait for it (the agree after) before writing anything.
  Status open_lake();
  // Its two halves: the locations checked and the lake locked; then what killed runs left
  // recovered and the load record (and, incremental, the lake's state) read.
  Status reach_lake();
  Status read_lake();

  bool incremental() const { return options_.mode == Mode::kIncremental; }

  // An incremental load without a load record may only start a new lake.
  Status check_empty_lake();

  // A full run that writes every table, and every incremental load, record their input (sizes
  // and versions) for the next incremental load.
  bool records_inputs() const { return incremental() || options_.only == Only::kAll; }

  // Every rank writes into rank 0's staging area with rank 0's file-name uuid.
  Status join_lake();

  // Under mpirun, an incremental load's base (rank 0's, from open_lake) on every rank.
  Status share_lake_base();

  // Rank 0 lists (and, when the lake records its input, chooses) each stage's input files.
  Status list_inputs();
  // Keeps, of the listed inputs, those the load takes (all of them in a full run), and notes them
  // for the load record (taken_); on rank 0, which holds the listing.
  Status choose_inputs_to_take();
  // Opens the lake (rank 0) and lists the input: side by side in one process, in turn under
  // mpirun.
  Status open_lake_and_list();

  // The load's state folder, relative to the lake.
  std::string state_folder() const { return "_sparkify/state/" + run_id_; }

  bool writes(const model::TableSpec& spec) const;

  Status check_locations();

  // How rejects name a file: relative to --input when it was given (song_data/A/B/C/x.json),
  // else relative to the --songs or --logs folder.
  std::string source_name(const std::string& root, const source::InputFile& file) const;
  // What source_name puts before a file's relative path ("song_data/", or nothing).
  std::string source_prefix(const std::string& root) const;

  // A stage's input files as listed (the whole list on rank 0, none on the others), with sizes
  // (and versions, when the lake records its input).
  Result<StageInput> list_folder(const std::string& root, bool sized);
  // Keeps every file (full) or those the lake has not taken in (incremental).
  Status choose_from(const std::string& root, StageInput& in);

  // A stage's input on this rank: rank 0's listing (`found`), sent to every rank, of which each
  // takes its contiguous range, balanced by size (all of it in one process).
  Result<StageInput> open_stage(const std::string& root, Stage stage, StageInput& found);

  // Runs parse(file index, worker, source name, bytes, rejects, stats) over every file of a
  // stage on the worker threads; returns the rejects in file order and adds the stage's figures.
  using ParseFile = std::function<void(size_t, int, const std::string&, const Buffer&,
                                       std::vector<model::RejectRecord>&, parse::ParseStats&)>;
  Result<std::vector<model::RejectRecord>> parse_files(const char* name, const std::string& root,
                                                       const StageInput& in,
                                                       Clock::time_point start,
                                                       const ParseFile& parse);

  Result<SongStage> run_song_stage();

  Result<SongStage> load_songs_from_lake();

  Status run_log_stage(LogStage& logs, std::vector<model::RejectRecord>& log_rejects);

  // Rank 0 writes every rank's rejects, in rank (= file) order; every rank learns the totals.
  Status gather_and_write_rejects(const SongStage& songs,
                                  const std::vector<model::RejectRecord>& logs);

  // OUT/_rejects/: this run's rejects, after the lake's earlier loads' (incremental).
  Status write_rejects(const SongStage& songs, const std::vector<model::RejectRecord>& song_rejects,
                       const std::vector<model::RejectRecord>& logs);

  /// How `table` is written: on S3 its files stay pending uploads until it is published.
  sink::DatasetWriteOptions write_options(const std::string& table);

  void add_table(const std::string& name, std::vector<std::string> files, uint64_t rows,
                 size_t partitions, uint64_t bytes, StageReport& stage, bool appended = false);

  model::TableData songs_of_my_artists(const model::TableData& songs) const;

  // File numbers from a per-rank base keep names unique across ranks writing one folder.
  size_t rank_file_base() const { return static_cast<size_t>(cluster_.rank()) * kRankFileStride; }

  Status write_table(const model::TableData& table, StageReport& stage, size_t first_file = 0,
                     bool appended = false);

  // This rank's users (all of them in a single process) and songplays, streamed batch by batch
  // (a failure part-way leaves files in staging, which abandon() removes with the staging area).
  Status write_log_tables(LogStage& logs, StageReport& stage);

  // Every rank: the users table this rank writes (its share under mpirun), merged with the
  // lake's for an incremental load, and whether the table is written at all (a load rewrites
  // it whole when any rank's share changed).
  Status reduce_users(LogStage& logs, const std::vector<Bytes>& my_users);

  // The rows of a users-keyed table (users, user_latest) this rank owns under mpirun.
  model::TableData my_share(const model::TableData& users) const;

  // The time table: each rank gets every rank's start times in its range of start times (cut
  // at quantiles of the ranks' samples) and writes their distinct rows.
  Status exchange_and_write_time(LogStage& logs, StageReport& stage);

  // Whole-run figures on rank 0: what every rank parsed and wrote, summed. (Spill figures stay
  // each rank's own.)
  Status sum_figures();

  // The report lists tables in the lake's order, whatever order they were written in.
  void order_tables();

  TableReport* find_table(const std::string& name);

  // Rank 0 gets every rank's staged files (and, on S3, their pending uploads) to publish them;
  // from here on, undoing them is rank 0's job.
  Status collect_staged();

  static std::span<const uint8_t> as_bytes(std::string_view s);

  std::pair<std::string, std::vector<std::string>>* staged_entry(const std::string& table);

  // Publishes the staged tables in the lake's order. Called on every rank: on an object store
  // each rank completes its own uploads of a table (at once) before rank 0 publishes it.
  Status publish();
  // The rows of a table this run replaces, for its `_SUCCESS` manifest (readers count a table of
  // many small files from it). Under MPI the count is left out: each rank wrote its share.
  std::optional<uint64_t> published_rows(const std::string& table) const;

  sink::LakeCommit next_commit(const char* mode);
  // A table's rows after this load, for its manifest: what it wrote, plus the table's previous
  // rows when it appended to it (unknown, and left out, when the previous record lacks them).
  void update_rows(sink::LakeCommit& commit, const std::string& table, bool appended) const;

  // The merge state, then the commit record: the moment the load happens. With
  // `keys_on_last_rank`, the last rank writes the state's song keys meanwhile
  // (write_song_keys_elsewhere, which this waits for).
  Status write_commit(const sink::LakeCommit& commit, bool keys_on_last_rank = false);
  // The state's song keys, into `state`: for a `change` record those its load added, else every
  // one (linked from the previous whole record's state when unchanged).
  Status write_song_keys(const std::string& state, bool change);
  // The last rank's part of write_commit under mpirun; the other ranks but rank 0 only wait.
  Status write_song_keys_elsewhere();

  // An incremental load's publish (see exec/incremental.h): new files made durable where readers
  // do not look (local staging; S3: completed, time first), the commit, then applying it.
  Status publish_load();
  // Every rank completes its staged uploads of `table` (object stores; nothing elsewhere): a
  // collective, so rank 0 never completes every rank's uploads alone.
  Status complete_staged(const std::string& table);

  const EtlOptions& options_;
  Progress* progress_;
  EtlReport& report_;
  std::shared_ptr<io::FileSystem> out_fs_;
  std::unique_ptr<io::DirectoryLock> lock_;  // one run per lake: the commit protocol assumes it
  std::unique_ptr<sink::TableCommitter> committer_;
  std::vector<std::pair<std::string, std::vector<std::string>>> staged_;
  // Under mpirun, the tables this rank holds pending uploads of (it completes them itself, and
  // aborts them if the run fails); rank 0's are in staged_.
  std::vector<std::string> own_uploads_;
  std::unique_ptr<SpillDir> spill_;
  Cluster& cluster_;
  std::string run_id_ = make_uuid();
  std::string job_uuid_ = make_uuid();
  int64_t first_songplay_id_ = 1;
  // Incremental loads (SPEC §9): the lake's state before this run, the inputs this run takes,
  // and the state it leaves for the next.
  LakeBase base_;
  StageInput song_input_, log_input_;
  std::vector<sink::IngestedFile> taken_;
  model::TableData ingested_;  // the record's ingested files after this run (next_commit)
  model::TableData song_keys_, user_latest_;
  model::TableData users_;  // what write_log_tables writes, from reduce_users
  bool write_users_ = false;
  std::string song_rejects_, log_rejects_;
  bool committed_ = false;
};

}  // namespace sparkify::exec
