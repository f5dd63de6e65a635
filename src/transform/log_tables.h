// Builds users, time and songplays from NextSong events (SPEC §3) the DuckDB way: each worker
// thread sinks the events of the files it parses into its own LogWorkerState (no locks), then
// build_log_tables combines the states once, in file order, so the result does not depend on
// how files were spread over threads.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "model/records.h"
#include "model/table.h"
#include "transform/song_index.h"
#include "transform/string_pool.h"

namespace sparkify::transform {

class LogWorkerState final : public model::EventSink {
 public:
  explicit LogWorkerState(const SongIndex* index);

  /// Events that follow belong to input file `file_index` (its position in file order);
  /// `expected_events` sizes the file's columns up front (an estimate; 0 if unknown).
  void begin_file(uint32_t file_index, size_t expected_events = 0);
  void on_event(const model::EventRecord& event) override;

 private:
  friend struct LogCombiner;

  struct FileEvents {
    uint32_t file_index = 0;
    std::vector<int64_t> ts;
    std::vector<int64_t> user_id;
    std::vector<int64_t> session_id;
    std::vector<uint8_t> session_valid;
    std::vector<int32_t> level, location, user_agent;  // pool ids or kNull
    std::vector<int32_t> song;                          // SongIndex id or -1
  };
  struct LatestUserEvent {
    int64_t ts;
    uint32_t file_index;
    uint64_t line;
    int32_t first_name, last_name, gender, level;
  };

  int32_t intern(const model::NullableString& s) {
    return s.valid ? pool_->intern(s.value) : StringPool::kNull;
  }

  const SongIndex* index_;
  std::shared_ptr<StringPool> pool_;
  std::vector<FileEvents> files_;
  std::unordered_map<int64_t, LatestUserEvent> users_;
  uint64_t matched_ = 0;
};

struct LogTables {
  model::TableData users;
  model::TableData time;
  model::TableData songplays;
  uint64_t matched_songplays = 0;
};

/// Combines every worker's state. `song_owners` keep the SongIndex's strings alive.
LogTables build_log_tables(std::vector<LogWorkerState>& workers, const SongIndex& index,
                           std::vector<std::shared_ptr<const void>> song_owners);

}  // namespace sparkify::transform
