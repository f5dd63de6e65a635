// The event simulator: plans how many events each day gets, plays out listening sessions (logins,
// logouts, page views, songs back to back) and renders a day as the NDJSON the real logs hold.
// Each day draws from its own random stream, so days are generated in parallel.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "generate/bad_records.h"
#include "generate/catalog.h"

namespace sparkify::generate {

/// 2018-11-01T00:00:00Z, where the real logs start.
inline constexpr int64_t kLogStartSeconds = 1541030400;

struct DayPlan {
  int index = 0;
  int64_t start_seconds = 0;  ///< UTC midnight
  uint64_t events = 0;
  uint64_t first_session = 0;  ///< session ids of this day start above this
  std::string path;            ///< "log_data/2018/11/2018-11-01-events.json"
};

/// Splits `events` over `days` days (weekends quieter, day-to-day noise), exactly.
std::vector<DayPlan> plan_days(uint64_t seed, uint64_t events, int days, int64_t start_seconds);

struct EventOptions {
  uint64_t seed = 42;
  double match_fraction = 0.05;      ///< NextSong plays of a song in the song data
  double near_miss_fraction = 0.01;  ///< plays with a song's title and artist, another length
  double bad_fraction = 0;
};

/// What one day's file holds; bad lines are counted only in `bad`.
struct DayStats {
  uint64_t lines = 0;
  uint64_t next_song = 0;      ///< good NextSong lines
  uint64_t logged_out = 0;     ///< good lines with userId ""
  uint64_t matched_plays = 0;  ///< good NextSong lines whose (song, artist, length) is a good song
  std::array<uint64_t, kBadEventKinds + 1> bad{};  ///< indexed by BadEventKind
};

/// A growable byte buffer written through raw pointers: rendering a line is ~20 small copies, and
/// std::string's per-append checks cost as much as the copies themselves.
class TextBuffer {
 public:
  void clear() { size_ = 0; }
  /// Room for `n` more bytes; write them, then commit() the end pointer.
  char* tail(size_t n) {
    if (size_ + n > capacity_) grow(size_ + n);
    return data_.get() + size_;
  }
  void commit(char* end) { size_ = static_cast<size_t>(end - data_.get()); }
  void truncate(size_t size) { size_ = size; }
  size_t size() const { return size_; }
  std::string_view view() const { return {data_.get(), size_}; }

 private:
  void grow(size_t need);
  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

/// Receives a day's text piece by piece, in order.
using TextSink = std::function<Status(std::string_view)>;

/// Renders one day's log file through `out` (cleared first; pass the same buffer again to reuse
/// its memory), handing `emit` a piece whenever `flush_bytes` have been rendered, so a day of
/// any size is written with one buffer of about that size. Stops at emit's first error.
Status render_day(const Catalog& catalog, const DayPlan& day, const EventOptions& options,
                  DayStats& stats, TextBuffer& out, const TextSink& emit,
                  size_t flush_bytes = size_t{4} << 20);

/// "YYYY-MM-DD" for a day number since 1970-01-01.
std::string civil_date(int64_t days_since_epoch);

}  // namespace sparkify::generate
