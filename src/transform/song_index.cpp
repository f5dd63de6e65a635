#include "transform/song_index.h"

#include <cstring>

#include "common/hash.h"

namespace sparkify::transform {

uint64_t SongIndex::duration_bits(double duration) {
  if (duration == 0.0) duration = 0.0;  // -0.0 == 0.0 must hash alike
  uint64_t bits;
  std::memcpy(&bits, &duration, sizeof bits);
  return bits;
}

uint64_t SongIndex::hash(std::string_view title, std::string_view artist, uint64_t bits) {
  uint64_t h = hash_bytes(artist, hash_bytes(title, bits));
  return h == 0 ? 1 : h;
}

void SongIndex::reserve(size_t songs) {
  entries_.reserve(songs);
  size_t capacity = 64;
  while (capacity < (songs + 1) * 2) capacity *= 2;
  if (capacity > slot_hash_.size()) rehash(capacity);
}

void SongIndex::grow() { rehash(slot_hash_.empty() ? 64 : slot_hash_.size() * 2); }

void SongIndex::rehash(size_t capacity) {
  slot_hash_.assign(capacity, 0);
  slot_entry_.assign(capacity, -1);
  mask_ = capacity - 1;
  for (size_t i = 0; i < entries_.size(); ++i) {
    const Entry& e = entries_[i];
    uint64_t h = hash(e.title, e.artist, e.duration_bits);
    size_t slot = h & mask_;
    while (slot_hash_[slot] != 0) slot = (slot + 1) & mask_;
    slot_hash_[slot] = h;
    slot_entry_[slot] = static_cast<int32_t>(i);
  }
}

void SongIndex::add(std::string_view title, std::string_view artist_name, double duration,
                    SongMatch match) {
  uint64_t bits = duration_bits(duration);
  if (find(title, artist_name, duration) >= 0) return;
  entries_.push_back({title, artist_name, bits, match});
  if (duration_filter_.empty()) duration_filter_.assign((size_t{1} << kFilterBits) / 64, 0);
  uint64_t f = (bits * 0x9e3779b97f4a7c15ULL) >> (64 - kFilterBits);
  duration_filter_[f >> 6] |= uint64_t{1} << (f & 63);
  if ((entries_.size() + 1) * 2 > slot_hash_.size()) {
    grow();  // rehashes every entry, the new one included
    return;
  }
  uint64_t h = hash(title, artist_name, bits);
  size_t slot = h & mask_;
  while (slot_hash_[slot] != 0) slot = (slot + 1) & mask_;
  slot_hash_[slot] = h;
  slot_entry_[slot] = static_cast<int32_t>(entries_.size() - 1);
}

int32_t SongIndex::find(std::string_view song, std::string_view artist, double length) const {
  if (entries_.empty()) return -1;
  uint64_t bits = duration_bits(length);
  if (!may_have_duration(bits)) return -1;
  uint64_t h = hash(song, artist, bits);
  for (size_t slot = h & mask_; slot_hash_[slot] != 0; slot = (slot + 1) & mask_) {
    if (slot_hash_[slot] != h) continue;
    const Entry& e = entries_[static_cast<size_t>(slot_entry_[slot])];
    if (e.duration_bits == bits && e.title == song && e.artist == artist) return slot_entry_[slot];
  }
  return -1;
}

}  // namespace sparkify::transform
