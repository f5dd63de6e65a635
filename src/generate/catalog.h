// The generated world behind the data: artists (some with several spellings and locations),
// songs (with the Million Song Dataset's quirks), users (who upgrade and downgrade) and the wider
// catalogue of songs users play that Sparkify's song data does not hold. Built once, in parallel,
// and then read by the file writers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "generate/bad_records.h"
#include "generate/random.h"

namespace sparkify::generate {

/// What the catalogue is built from (a subset of GenerateOptions).
struct CatalogOptions {
  uint64_t seed = 42;
  uint64_t songs = 0;
  uint64_t users = 0;   ///< 0: derived from `events`
  uint64_t events = 0;  ///< sizes the user base and the played catalogue
  double bad_fraction = 0;
  int64_t start_seconds = 0;  ///< epoch seconds of the first day (UTC midnight)
  int days = 30;
  int threads = 1;
};

/// One way an artist appears in a song file.
struct ArtistVariant {
  std::string name;
  std::string location;  ///< "" as in the raw data when unknown
  std::optional<double> latitude;
  std::optional<double> longitude;
};

struct Artist {
  std::string id;
  std::vector<ArtistVariant> variants;  ///< [0] is the usual one; more for ~12% of artists
};

struct Song {
  std::string track_id;  ///< the file name; characters 3..5 are its folders
  std::string song_id;
  std::string title;
  uint32_t artist = 0;
  uint8_t variant = 0;
  int32_t year = 0;
  double duration = 0;
  int64_t duplicate_of = -1;  ///< index of the song whose song_id this file repeats
  BadSongKind bad = BadSongKind::kNone;
  /// Whether a play of exactly this (title, artist name, duration) finds a good song file, and
  /// the same for the near-miss length (same title and artist, another duration).
  bool key_matches = false;
  bool near_miss_matches = false;
  /// Pieces of an event line, pre-escaped in the log dialect: `"artist"` value, `"song"` value,
  /// `"length"` for an exact play and for a near miss.
  std::string log_artist;
  std::string log_title;
  std::string log_length;
  std::string log_near_miss_length;
  double near_miss_length = 0;
};

/// A user, kept small (40 bytes) because a large run has hundreds of thousands: the text of an
/// event line that depends on who is logged in is shared through UserText's pieces.
struct User {
  uint32_t head = 0;       ///< into UserText::heads (first name and gender)
  uint32_t last_name = 0;  ///< into UserText::last_names
  uint32_t location = 0;   ///< into UserText::locations
  uint32_t agent = 0;      ///< into UserText::agents
  int64_t registration_ms = 0;
  int64_t level_change_ms = INT64_MAX;  ///< from this ts on, the level is the other one
  bool initial_paid = false;
  bool paid_at(int64_t ts_ms) const { return initial_paid != (ts_ms >= level_change_ms); }
};

/// The pieces of event lines that depend on who is logged in, pre-escaped, one per value.
struct UserText {
  std::vector<std::string>
      heads;  ///< ,"auth":"Logged In","firstName":..,"gender":..,"itemInSession":
  std::vector<std::string> last_names;  ///< ,"lastName":..,"length":
  std::vector<std::string> locations;   ///< ,"location":..,"method":
  std::vector<std::string> agents;      ///< ,"userAgent":..,"userId":"
};

/// A song users play that is not in the song data, pre-escaped for the log.
struct PlayedSong {
  std::string log_artist;
  std::string log_title;
  std::string log_length;
  double length = 0;
};

struct Catalog {
  std::vector<Artist> artists;
  std::vector<Song> songs;
  std::vector<User> users;  ///< user i has userId i + 1
  UserText user_text;
  std::vector<PlayedSong> played;
  AliasTable user_pick;
  AliasTable song_pick;
  AliasTable played_pick;
  uint64_t duplicate_song_files = 0;  ///< good files whose song_id a good file before has
};

Result<Catalog> build_catalog(const CatalogOptions& options);

/// The folder and file a song lives in: "song_data/A/B/C/TRABC....json".
std::string song_file_path(const Song& song);

/// A song file's text, byte for byte in the raw data's style (no trailing newline).
std::string song_file_text(const Catalog& catalog, const Song& song);

}  // namespace sparkify::generate
