#include "transform/song_index.h"

#include <cstring>
#include <functional>

namespace sparkify::transform {

size_t SongIndex::KeyHash::operator()(const Key& k) const noexcept {
  size_t h = std::hash<std::string_view>{}(k.title);
  h ^= std::hash<std::string_view>{}(k.artist) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h ^= std::hash<uint64_t>{}(k.duration_bits) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h;
}

SongIndex::Key SongIndex::make_key(std::string_view title, std::string_view artist,
                                   double duration) {
  if (duration == 0.0) duration = 0.0;  // -0.0 == 0.0 must hash alike
  uint64_t bits;
  std::memcpy(&bits, &duration, sizeof bits);
  return {title, artist, bits};
}

void SongIndex::add(std::string_view title, std::string_view artist_name, double duration,
                    SongMatch match) {
  auto [it, inserted] = map_.try_emplace(make_key(title, artist_name, duration),
                                         static_cast<int32_t>(matches_.size()));
  if (inserted) matches_.push_back(match);
}

int32_t SongIndex::find(std::string_view song, std::string_view artist, double length) const {
  if (map_.empty()) return -1;
  auto it = map_.find(make_key(song, artist, length));
  return it == map_.end() ? -1 : it->second;
}

}  // namespace sparkify::transform
