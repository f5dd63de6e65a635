// Builds users, time and songplays from NextSong events (SPEC §3) in pieces, so the work can be
// cut by a memory budget (and later by a rank count):
//   - each worker thread sinks the events of the chunks it parses into its own LogWorkerState
//     (no locks); a chunk's events become one EventBlock, keyed (file, block) — the blocks of
//     all files in that order are the input in order, however they were spread over threads;
//   - finished blocks can be taken out of a state and serialized (to spill) and read back;
//   - SongplayBatcher turns consecutive blocks into songplays rows: songplay_id is 1 + the
//     NextSong events before the row, so a batch only needs its first id;
//   - make_time_batch turns ascending distinct start times into time rows;
//   - build_users reduces every worker's latest-event-per-user (bounded by distinct users).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "model/records.h"
#include "model/table.h"
#include "transform/id_table.h"
#include "transform/song_index.h"
#include "transform/string_pool.h"

namespace sparkify::transform {

/// The NextSong events of one chunk of one file, columnar. Strings are ids into the pool of the
/// worker that parsed them (`worker`).
struct EventBlock {
  uint32_t file_index = 0;
  uint32_t block_index = 0;
  uint32_t worker = 0;
  std::vector<int64_t> ts;
  std::vector<int64_t> user_id;
  std::vector<int64_t> session_id;
  std::vector<uint8_t> session_valid;
  std::vector<int32_t> level, location, user_agent;  // pool ids or StringPool::kNull
  std::vector<int32_t> song;                         // SongIndex id or -1

  size_t rows() const { return ts.size(); }
  /// Bytes the block holds in memory.
  size_t memory_bytes() const;
  /// A compact binary form (little-endian columns after a small header), and back.
  void serialize(std::vector<uint8_t>& out) const;
  static bool deserialize(std::span<const uint8_t> bytes, EventBlock& out);
};

// Cache-line aligned: the workers' states sit side by side in a vector, and each writes its own
// per event (matched_, the current block) while the next one's first fields are read.
class alignas(64) LogWorkerState final : public model::EventSink {
 public:
  LogWorkerState(const SongIndex* index, uint32_t worker = 0);

  /// Events that follow belong to chunk `block_index` of input file `file_index` (its position
  /// in file order); their line numbers are relative to the chunk, which starts after
  /// `first_line` lines of the file. `expected_events` sizes the columns (0 if unknown).
  void begin_block(uint32_t file_index, uint32_t block_index, uint64_t first_line,
                   size_t expected_events = 0);
  void begin_file(uint32_t file_index, size_t expected_events = 0) {
    begin_block(file_index, 0, 0, expected_events);
  }
  /// As begin_block for chunk `chunk` of the file (about `chunk_events` events), but the events
  /// join the last block when it ends with the chunk before and is not full. A new block is
  /// sized for `block_events` and full at that many: chunks are sized for the cache, blocks for
  /// spilling and for the songplays batches.
  void begin_chunk(uint32_t file_index, uint32_t chunk, uint64_t first_line, size_t chunk_events,
                   size_t block_events);
  void on_event(const model::EventRecord& event) override;

  /// Moves the finished blocks out (the state keeps the users and the pool); with `keep_last`,
  /// the last block stays, for begin_chunk to extend.
  std::vector<EventBlock> take_blocks(bool keep_last = false);
  /// Bytes held by the users table and the string pool (grows with distinct values only).
  size_t resident_bytes() const;
  uint64_t matched() const { return matched_; }

  /// Appends the users this state holds (each with its latest event's (ts, file, line)) in a form
  /// another process can merge; file indexes must be positions in the whole input's file order.
  /// With `parts` > 1, user u goes to out_parts[u mod parts] (hash partitioning by user_id).
  void encode_users(std::vector<uint8_t>& out) const;
  void encode_users(std::vector<std::vector<uint8_t>>& out_parts) const;
  /// Merges users written by encode_users, by the same latest-event rule; false if unreadable.
  bool merge_users(std::span<const uint8_t> bytes);
  /// Moves `other`'s users into this state (the same latest-event rule) and frees other's.
  void absorb_users(LogWorkerState& other);
  /// Frees the users this state holds (once build_users or encode_users has taken them).
  void drop_users();

 private:
  friend class SongplayBatcher;
  friend model::TableData build_users(std::vector<LogWorkerState>& workers,
                                      model::TableData* latest);

  struct LatestUserEvent {
    int64_t ts = 0;
    uint32_t file_index = 0;
    uint64_t line = 0;
    int32_t first_name = StringPool::kNull, last_name = StringPool::kNull,
            gender = StringPool::kNull, level = StringPool::kNull;
    // Not the latest event's: the location and user agent of the last event this worker read for
    // the user, tried before the pool (a user's next event mostly repeats them).
    int32_t seen_location = StringPool::kNull, seen_user_agent = StringPool::kNull;
  };

  void offer_user(int64_t user_id, const LatestUserEvent& e);
  /// `s`'s pool id; `likely` (an id, or kNull) is compared first, which spares the pool's hash
  /// when the user's previous event had the same value.
  int32_t intern(const model::NullableString& s, int32_t likely) {
    if (!s.valid) return StringPool::kNull;
    if (likely != StringPool::kNull && pool_->get(likely) == s.value) return likely;
    return pool_->intern(s.value);
  }

  const SongIndex* index_;
  uint32_t worker_;
  std::shared_ptr<StringPool> pool_;
  std::vector<EventBlock> blocks_;
  uint64_t first_line_ = 0;
  uint32_t last_chunk_ = 0;  // the chunk blocks_.back() ends with
  size_t block_events_ = 0;  // and the events that fill it (begin_block's expected_events)
  IdTable<LatestUserEvent> users_;
  uint64_t matched_ = 0;
};

/// Turns blocks (in (file, block) order) into songplays tables. Built once after parsing.
class SongplayBatcher {
 public:
  /// `owners` keep the SongIndex's strings alive; the workers' pools are added to them.
  SongplayBatcher(const std::vector<LogWorkerState>& workers, const SongIndex& index,
                  std::vector<std::shared_ptr<const void>> owners);

  /// Songplays rows for `blocks`, the first with id `first_id`; appends every row's epoch
  /// milliseconds to `ts` (for the time table). Frees each block's columns as it goes.
  model::TableData build(std::span<EventBlock> blocks, int64_t first_id, int threads,
                         std::vector<int64_t>& ts) const;

 private:
  std::vector<int32_t> pool_offset_;      ///< per worker
  std::vector<std::string_view> pooled_;  ///< every worker's pool, concatenated
  std::vector<std::string_view> song_ids_, artist_ids_;
  std::vector<std::shared_ptr<const void>> owners_;
};

/// Time rows for ascending, distinct epoch-millisecond instants.
model::TableData make_time_batch(std::span<const int64_t> sorted_distinct_ts, int threads);

/// The users state a lake keeps for incremental loads: user_id*, ts (epoch milliseconds of the
/// user's latest NextSong event, which the users table does not hold).
const model::TableSpec& user_latest_spec();

/// One users row per user_id (ascending), fields from the user's latest event; with `latest`,
/// also that event's time per user (user_latest_spec(), the same rows). Takes the workers' users:
/// they hold none afterwards.
model::TableData build_users(std::vector<LogWorkerState>& workers,
                             model::TableData* latest = nullptr);

struct MergedUsers {
  model::TableData users, latest;
  bool changed = false;  ///< some users row is new or differs from the prior one
};

/// Merges a lake's users with a load's (SPEC §9: the lake's events count as earlier, so a new
/// row wins when its event is at least as late). Rows come out by ascending user_id.
MergedUsers merge_lake_users(const model::TableData& prior_users,
                             const model::TableData& prior_latest,
                             const model::TableData& new_users, const model::TableData& new_latest);

struct LogTables {
  model::TableData users;
  model::TableData time;
  model::TableData songplays;
  uint64_t matched_songplays = 0;
};

/// Everything at once, in memory (small inputs and tests).
LogTables build_log_tables(std::vector<LogWorkerState>& workers, const SongIndex& index,
                           std::vector<std::shared_ptr<const void>> song_owners);

}  // namespace sparkify::transform
