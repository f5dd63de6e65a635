// SongIndex: the songplays join (SPEC §3) — finds the song whose title, artist name and duration
// equal an event's song, artist and length exactly; the first song added for a key wins. Probed
// once per NextSong event, so it is a flat open-addressing table comparing a 64-bit hash before
// any string: most events match no song and never touch one.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace sparkify::transform {

struct SongMatch {
  std::string_view song_id;
  std::string_view artist_id;
};

class SongIndex {
 public:
  /// Adds a song; the strings must outlive the index. Later songs with the same key are ignored.
  void add(std::string_view title, std::string_view artist_name, double duration, SongMatch match);

  /// Makes room for `songs` songs at once, rather than growing (and rehashing) as they come.
  void reserve(size_t songs);

  /// The match for an event, or -1.
  int32_t find(std::string_view song, std::string_view artist, double length) const;
  const SongMatch& match(int32_t id) const { return entries_[static_cast<size_t>(id)].match; }
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string_view title;
    std::string_view artist;
    uint64_t duration_bits;
    SongMatch match;
  };
  static uint64_t duration_bits(double duration);
  static uint64_t hash(std::string_view title, std::string_view artist, uint64_t bits);
  void grow();
  void rehash(size_t capacity);

  // One bit per hashed duration: most events' lengths are no song's duration, and this 128 KiB
  // filter (it stays in cache) turns them away before any string is hashed.
  bool may_have_duration(uint64_t bits) const {
    uint64_t h = (bits * 0x9e3779b97f4a7c15ULL) >> (64 - kFilterBits);
    return (duration_filter_[h >> 6] >> (h & 63)) & 1;
  }
  static constexpr int kFilterBits = 20;

  std::vector<Entry> entries_;
  std::vector<uint64_t> duration_filter_;
  std::vector<uint64_t> slot_hash_;  // 0 = empty (hashes are forced nonzero)
  std::vector<int32_t> slot_entry_;
  size_t mask_ = 0;
};

}  // namespace sparkify::transform
