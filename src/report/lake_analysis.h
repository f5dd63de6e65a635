// The song-play analysis behind `sparkify report` (SPEC §10): reads a lake with our Parquet
// reader and aggregates it into the figures the page shows. songplays is streamed file by file
// (one file per worker in memory at a time), so memory grows with the number of distinct days,
// songs, artists, users, locations and user agents, not with the number of plays.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "io/file_system.h"
#include "lake/lake_reader.h"

namespace sparkify::report {

/// How one of the five tables stands in the lake.
struct TableFacts {
  std::string name;
  bool present = false;   ///< the table folder exists
  bool complete = false;  ///< it holds `_SUCCESS`
  uint64_t files = 0;
  uint64_t rows = 0;
};

/// Plays on one UTC day.
struct DayPlays {
  int32_t day = 0;  ///< days since 1970-01-01
  uint64_t plays = 0, free = 0, paid = 0;
};

/// One row of a ranking: a key, what it is called, and its count.
struct Ranked {
  std::string key;     ///< song_id, artist_id, user_id, location, browser or OS
  std::string label;   ///< title, name, "first last", … (empty when the dimension lacks it)
  std::string detail;  ///< a song's artist, a user's level; empty otherwise
  uint64_t plays = 0;
  uint64_t users = 0;  ///< distinct users (locations only)
};

struct LakeAnalysis {
  std::string lake;
  std::array<TableFacts, 5> tables;  ///< songs, artists, users, time, songplays
  bool any_table = false;

  uint64_t songplays = 0;
  uint64_t matched = 0;                               ///< songplays with a song_id
  std::optional<uint64_t> song_rejects, log_rejects;  ///< lines in _rejects/*.jsonl, if present

  std::vector<DayPlays> days;  ///< days with plays, ascending
  /// plays by [weekday][hour]; weekday 0 = Sunday … 6 = Saturday (time.weekday − 1), UTC hours.
  std::array<std::array<uint64_t, 24>, 7> hour_weekday{};

  std::vector<Ranked> top_songs, top_artists, top_users, top_locations;
  std::vector<Ranked> browsers, systems;  ///< every class, most plays first

  const TableFacts& table(std::string_view name) const;
  uint64_t rejects() const { return song_rejects.value_or(0) + log_rejects.value_or(0); }
};

struct AnalysisOptions {
  int threads = 1;
  size_t top = 10;  ///< rows per ranking
};

/// Reads the lake at `lake`. Missing tables give empty figures (TableFacts says which); a path
/// that does not exist or holds none of the five tables is NotFound; an unreadable file is an
/// error.
Result<LakeAnalysis> analyze_lake(io::FileSystem& fs, const std::string& lake,
                                  const AnalysisOptions& options);

/// The same, with the tables listed through `listings` (shared with another reader of the
/// lake, e.g. the checks of `sparkify verify`, so each table is listed once).
Result<LakeAnalysis> analyze_lake(io::FileSystem& fs, const std::string& lake,
                                  const AnalysisOptions& options,
                                  sparkify::lake::LakeListings& listings);

/// "2018-11-03" for a day number.
std::string day_text(int32_t day);

}  // namespace sparkify::report
