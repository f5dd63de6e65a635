#include "transform/song_tables.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace sparkify::transform {

namespace {

int artist_score(const model::SongRecord& r) {
  return (r.artist_name.valid && !r.artist_name.value.empty()) +
         (r.artist_location.valid && !r.artist_location.value.empty()) + r.latitude.has_value() +
         r.longitude.has_value();
}

void push_string(model::ColumnBuilder<std::string_view>& b, const model::NullableString& s) {
  if (s.valid)
    b.push(s.value);
  else
    b.push_null();
}

}  // namespace

SongTables build_song_tables(std::span<const std::vector<model::SongRecord>* const> files,
                             std::vector<std::shared_ptr<const void>> owners) {
  SongTables out;
  size_t total = 0;
  for (const auto* f : files) total += f->size();

  std::unordered_set<std::string_view> seen_songs;
  seen_songs.reserve(total);
  model::ColumnBuilder<std::string_view> song_id, title, artist_id;
  model::ColumnBuilder<int32_t> year;
  model::ColumnBuilder<double> duration;

  struct ArtistChoice {
    const model::SongRecord* record;
    int score;
  };
  std::unordered_map<std::string_view, size_t> artist_slot;  // artist_id -> position in order
  std::vector<ArtistChoice> artists;
  artist_slot.reserve(total);

  for (const auto* file : files) {
    for (const model::SongRecord& r : *file) {
      auto [slot, new_artist] = artist_slot.try_emplace(r.artist_id, artists.size());
      int score = artist_score(r);
      if (new_artist) {
        artists.push_back({&r, score});
      } else if (score > artists[slot->second].score) {
        artists[slot->second] = {&r, score};  // strictly more: ties stay with the first
      }

      if (!seen_songs.insert(r.song_id).second) {
        ++out.duplicate_songs;
        continue;
      }
      song_id.push(r.song_id);
      push_string(title, r.title);
      artist_id.push(r.artist_id);
      year.push_optional(r.year);
      duration.push_optional(r.duration);
      if (r.title.valid && r.artist_name.valid && r.duration) {
        out.index.add(r.title.value, r.artist_name.value, *r.duration, {r.song_id, r.artist_id});
      }
    }
  }

  out.songs.spec = &model::songs_spec();
  out.songs.num_rows = seen_songs.size();
  out.songs.columns.push_back(song_id.finish());
  out.songs.columns.push_back(title.finish());
  out.songs.columns.push_back(artist_id.finish());
  out.songs.columns.push_back(year.finish());
  out.songs.columns.push_back(duration.finish());
  out.songs.owners = owners;

  model::ColumnBuilder<std::string_view> a_id, name, location;
  model::ColumnBuilder<double> latitude, longitude;
  for (const ArtistChoice& choice : artists) {
    const model::SongRecord& r = *choice.record;
    a_id.push(r.artist_id);
    push_string(name, r.artist_name);
    if (r.artist_location.valid && !r.artist_location.value.empty()) {
      location.push(r.artist_location.value);
    } else {
      location.push_null();  // SPEC: an empty artist_location is stored as null
    }
    latitude.push_optional(r.latitude);
    longitude.push_optional(r.longitude);
  }
  out.artists.spec = &model::artists_spec();
  out.artists.num_rows = artists.size();
  out.artists.columns.push_back(a_id.finish());
  out.artists.columns.push_back(name.finish());
  out.artists.columns.push_back(location.finish());
  out.artists.columns.push_back(latitude.finish());
  out.artists.columns.push_back(longitude.finish());
  out.artists.owners = std::move(owners);
  return out;
}

SongIndex song_index_from_tables(const model::TableData& songs, const model::TableData& artists) {
  using Strings = std::vector<std::string_view>;
  const auto& a_ids = std::get<Strings>(artists.columns[0].values);
  const auto& a_names = std::get<Strings>(artists.columns[1].values);
  std::unordered_map<std::string_view, std::string_view> artist_name;
  for (size_t i = 0; i < artists.num_rows; ++i) {
    if (!artists.columns[1].is_null(i)) artist_name.emplace(a_ids[i], a_names[i]);
  }
  const auto& song_ids = std::get<Strings>(songs.columns[0].values);
  const auto& titles = std::get<Strings>(songs.columns[1].values);
  const auto& s_artists = std::get<Strings>(songs.columns[2].values);
  const auto& durations = std::get<std::vector<double>>(songs.columns[4].values);
  std::vector<size_t> order(songs.num_rows);
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return song_ids[a] < song_ids[b]; });
  SongIndex index;
  for (size_t i : order) {
    if (songs.columns[1].is_null(i) || songs.columns[2].is_null(i) || songs.columns[4].is_null(i)) {
      continue;
    }
    auto name = artist_name.find(s_artists[i]);
    if (name == artist_name.end()) continue;
    index.add(titles[i], name->second, durations[i], {song_ids[i], s_artists[i]});
  }
  return index;
}

}  // namespace sparkify::transform
