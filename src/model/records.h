// The records parse/ hands to transform/: one accepted song or event, its strings borrowed from
// the parser (valid until the next record) or from an arena, and the reject of a bad record.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sparkify::model {

/// A JSON string that may be null (or missing): `valid == false`. An empty string is valid.
struct NullableString {
  std::string_view value;
  bool valid = false;
};

/// One accepted song-file object (song_id and artist_id present and non-empty).
struct SongRecord {
  std::string_view song_id;
  std::string_view artist_id;
  NullableString title;
  NullableString artist_name;
  NullableString artist_location;
  std::optional<int32_t> year;
  std::optional<double> duration;
  std::optional<double> latitude;
  std::optional<double> longitude;
};

/// One accepted NextSong event (ts and a numeric userId present).
struct EventRecord {
  int64_t ts = 0;  ///< epoch milliseconds
  int64_t user_id = 0;
  std::optional<int64_t> session_id;
  std::optional<double> length;
  NullableString artist;
  NullableString song;
  NullableString first_name;
  NullableString last_name;
  NullableString gender;
  NullableString level;
  NullableString location;
  NullableString user_agent;
  uint64_t line = 0;  ///< 1-based line in its file
};

/// Receives accepted NextSong events in file-then-line order, one file at a time. The record's
/// strings are valid only during the call (they live in the parser's buffer).
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_event(const EventRecord& event) = 0;
};

/// The most of a record's bytes its reject keeps as `raw`; the reason of a reject cut so says.
inline constexpr size_t kRejectRawBytes = size_t{64} << 10;

/// A record that could not be used, kept with where it came from and why (SPEC §5).
struct RejectRecord {
  std::string source;   ///< path relative to the input root
  uint64_t line = 0;    ///< 1-based line where the record starts
  uint64_t offset = 0;  ///< byte offset of the record in the (decompressed) file
  std::string reason;
  std::string raw;  ///< the record's bytes as found (at most kRejectRawBytes of them)
};

}  // namespace sparkify::model
