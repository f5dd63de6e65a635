// The kinds of bad record `--bad-fraction` sprinkles into the data, one defect each, so that every
// one of them must end up in the ETL's rejects (SPEC §5), and the text surgery that makes them.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "generate/random.h"

namespace sparkify::generate {

enum class BadSongKind : uint8_t {
  kNone = 0,
  kInvalidJson,      ///< a syntax error inside the object
  kTruncated,        ///< the file cut short
  kMissingSongId,    ///< no "song_id" key
  kMissingArtistId,  ///< no "artist_id" key
  kWrongType,        ///< "duration" or "year" holds a non-numeric string
};
inline constexpr int kBadSongKinds = 5;

enum class BadEventKind : uint8_t {
  kNone = 0,
  kInvalidJson,       ///< a syntax error in the line (any page)
  kTruncatedLine,     ///< the line cut short (any page)
  kMissingTs,         ///< a NextSong event without "ts"
  kNonNumericUserId,  ///< a NextSong event whose userId is not a number
  kWrongType,         ///< a NextSong event whose sessionId or length is a non-numeric string
};
inline constexpr int kBadEventKinds = 5;

/// Stable names used in reports ("invalid_json", "missing_song_id", ...).
std::string_view bad_song_kind_name(BadSongKind kind);
std::string_view bad_event_kind_name(BadEventKind kind);

/// Turns a good song file's text into a bad one of `kind`.
std::string corrupt_song_file(std::string_view good, BadSongKind kind, Rng& rng);

/// Turns a good event line (without its trailing newline) into a bad one of `kind`.
std::string corrupt_event_line(std::string_view good, BadEventKind kind, Rng& rng);

}  // namespace sparkify::generate
