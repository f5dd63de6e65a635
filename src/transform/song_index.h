// SongIndex: the songplays join (SPEC §3) — finds the song whose title, artist name and duration
// equal an event's song, artist and length exactly; the first song added for a key wins.
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sparkify::transform {

struct SongMatch {
  std::string_view song_id;
  std::string_view artist_id;
};

class SongIndex {
 public:
  /// Adds a song; the strings must outlive the index. Later songs with the same key are ignored.
  void add(std::string_view title, std::string_view artist_name, double duration,
           SongMatch match);

  /// The match for an event, or -1.
  int32_t find(std::string_view song, std::string_view artist, double length) const;
  const SongMatch& match(int32_t id) const { return matches_[static_cast<size_t>(id)]; }
  size_t size() const { return matches_.size(); }

 private:
  struct Key {
    std::string_view title;
    std::string_view artist;
    uint64_t duration_bits;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const noexcept;
  };
  static Key make_key(std::string_view title, std::string_view artist, double duration);

  std::unordered_map<Key, int32_t, KeyHash> map_;
  std::vector<SongMatch> matches_;
};

}  // namespace sparkify::transform
