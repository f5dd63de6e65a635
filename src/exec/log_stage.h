// The log stage as one partitioned, streaming execution (SPEC §8): log files are cut into
// contiguous chunks in byte-wise file order; each chunk's NextSong events become one block, kept
// in memory or spilled when the memory plan says so; then the blocks are read back in (file,
// chunk) order and turned into songplays batches (songplay_id from the count of events before
// each block), which are written as they are made, while their start times feed an external
// distinct sort that writes the time table; users are reduced by user_id in memory.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "exec/external_sort.h"
#include "exec/memory_plan.h"
#include "exec/spill.h"
#include "io/file_system.h"
#include "model/records.h"
#include "parse/json_parsers.h"
#include "sink/dataset_writer.h"
#include "source/discovery.h"
#include "transform/log_tables.h"
#include "transform/song_tables.h"

namespace sparkify::exec {

/// What a streamed table left in its staging folder.
struct StreamedTable {
  std::vector<std::string> files;
  uint64_t rows = 0, bytes = 0;
  size_t partitions = 0;
};

class LogStage {
 public:
  /// Names a file for rejects; counts a finished file (records, bytes) for the progress display.
  using SourceName = std::function<std::string(const source::InputFile&)>;
  using CountFile = std::function<void(uint64_t records, uint64_t bytes)>;

  /// Keeps the start times (ascending, distinct, epoch ms) that are new to the lake.
  using TimeFilter =
      std::function<Status(std::span<const int64_t> sorted, std::vector<int64_t>& kept)>;

  LogStage(const transform::SongTables& songs, const MemoryPlan& plan, SpillDir& spill,
           int threads);

  /// For an incremental load: songplay_id starts after the lake's largest, and the time table
  /// gets only start times `filter` keeps.
  void continue_lake(int64_t first_songplay_id, TimeFilter filter) {
    first_songplay_id_ = first_songplay_id;
    time_filter_ = std::move(filter);
  }

  /// The plan the stage works to; the write stage's shares may be planned again (replan_writes)
  /// between parsing and writing.
  MemoryPlan& plan() { return plan_; }

  /// Parses every log file; events are held or spilled, rejects returned in file order.
  /// `first_file_index` is the position of files[0] in the whole input (non-zero on a rank
  /// that takes a later range of the files), so users and blocks order across ranks.
  Status parse(io::FileSystem& fs, const std::vector<source::InputFile>& files,
               const SourceName& source_name, const CountFile& count_file,
               std::vector<model::RejectRecord>& rejects, parse::ParseStats& stats, uint64_t& bytes,
               uint32_t first_file_index = 0);

  /// Writes songplays and time into their staging folders, batch by batch.
  Status write_songplays_and_time(io::FileSystem& fs, const std::string& songplays_dir,
                                  const std::string& time_dir,
                                  const sink::DatasetWriteOptions& songplays_options,
                                  const sink::DatasetWriteOptions& time_options,
                                  StreamedTable& songplays, StreamedTable& time);

  /// Writes songplays (the first with id `first_id`; file numbers from
  /// songplays_options.first_file_index) and keeps their distinct start times for the time table.
  Status write_songplays(io::FileSystem& fs, const std::string& dir,
                         const sink::DatasetWriteOptions& options, int64_t first_id,
                         StreamedTable& songplays);
  /// Hands over the kept start times (ascending, distinct, in batches) and forgets them.
  Status take_times(const std::function<Status(std::span<const int64_t>)>& on_batch);
  /// Adds start times (any order, duplicates allowed) to those the time table is written from.
  Status add_times(std::vector<int64_t> ts);
  /// A deterministic sample of the start times write_songplays saw (every `stride`-th, at most
  /// about 64k values): what ranks cut the time table's start-time range by.
  const std::vector<int64_t>& time_samples() const { return time_samples_; }
  /// Writes the time table from the kept start times.
  Status write_time(io::FileSystem& fs, const std::string& dir,
                    const sink::DatasetWriteOptions& options, StreamedTable& time);

  /// The users table (call after write_songplays_and_time); with `latest`, each user's latest
  /// event time too (transform::user_latest_spec()).
  model::TableData users(model::TableData* latest = nullptr);
  /// This stage's users in the form transform::LogWorkerState::merge_users reads, cut in `parts`
  /// by user_id (user u in part u mod parts), for the ranks that reduce them. The workers' users
  /// are reduced into the first worker's first.
  std::vector<std::vector<uint8_t>> encode_users(int parts);
  /// Frees the users the workers hold, once users() or encode_users() has taken them: they grow
  /// with the input's distinct users and are not needed to write songplays or time.
  void drop_users();

  uint64_t matched() const;

 private:
  // One block of events: in memory, or in the worker's spill file at (offset, size).
  struct BlockRef {
    uint32_t file_index, block_index, worker;
    size_t rows;
    std::unique_ptr<transform::EventBlock> memory;
    uint64_t offset = 0, size = 0;
  };
  struct Worker {
    std::vector<BlockRef> blocks;
    size_t held = 0;
    std::unique_ptr<SpillFile> spill;
  };

  /// Takes the worker's finished blocks (all of them when `all`), spilling when too much is held.
  Status keep_blocks(int worker, bool all);
  void sample_times(std::span<const int64_t> ts, uint64_t first_number);
  Status spill_blocks(int worker);
  Status spill_held_tail();
  Result<transform::EventBlock> load(BlockRef& ref);

  const transform::SongTables& songs_;
  MemoryPlan plan_;
  SpillDir& spill_;
  int threads_;
  std::vector<transform::LogWorkerState> states_;
  std::vector<Worker> workers_;
  std::atomic<size_t> held_{0};
  int64_t first_songplay_id_ = 1;
  TimeFilter time_filter_;
  std::unique_ptr<DistinctSorter> times_;
  std::vector<int64_t> time_samples_;
  uint64_t time_sample_stride_ = 64, time_sample_next_ = 0;  // next sampled start time's number
};

}  // namespace sparkify::exec
