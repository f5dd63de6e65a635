// `sparkify generate`: realistic synthetic Sparkify input of any size — song files in the Million
// Song Dataset's layout and daily event logs in the simulator's — with the real data's quirks and,
// on request, bad records of every kind. Byte-identical for the same flags at any thread count.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "io/file_system.h"

namespace sparkify::generate {

struct GenerateOptions {
  std::string output;  ///< folder that receives song_data/, log_data/ and _generate.json
  uint64_t songs = 0;
  uint64_t events = 0;
  int days = 30;  ///< log files from 2018-11-01 on, one per day
  uint64_t seed = 42;
  double bad_fraction = 0;       ///< share of song files and of event lines made bad
  double match_fraction = 0.05;  ///< share of NextSong plays naming a song of the song data
  uint64_t users = 0;            ///< 0: about one per 85 events, as in the real sample
  int threads = 0;               ///< 0: every core
  bool overwrite = false;  ///< replace song_data/ and log_data/ if the folder already has them
};

/// What was written: sizes, and the counts an ETL run on this data must reproduce.
struct GenerateReport {
  uint64_t song_files = 0;
  uint64_t song_bytes = 0;
  uint64_t log_files = 0;
  uint64_t log_bytes = 0;
  uint64_t events = 0;            ///< log lines, bad ones included
  uint64_t next_song_events = 0;  ///< good NextSong lines: the songplays rows
  uint64_t logged_out_events = 0;
  uint64_t matched_plays = 0;  ///< songplays rows that must get a song_id
  uint64_t artists = 0;
  uint64_t users = 0;
  uint64_t duplicate_song_files = 0;  ///< good files repeating the song_id of a good file before
  std::vector<std::pair<std::string, uint64_t>> bad_songs;   ///< kind -> files
  std::vector<std::pair<std::string, uint64_t>> bad_events;  ///< kind -> lines
  uint64_t bad_total = 0;
  double seconds = 0;
};

/// Validates the options and writes the data set through `fs`.
Result<GenerateReport> generate(io::FileSystem& fs, const GenerateOptions& options);

/// The options and the report but its time, as JSON; also written to OUTPUT/_generate.json (a
/// name the ETL's discovery skips), as deterministic as the data.
std::string report_json(const GenerateReport& report, const GenerateOptions& options);

}  // namespace sparkify::generate
