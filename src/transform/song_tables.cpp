#include "transform/song_tables.h"

#include <algorithm>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "common/parallel.h"
#include "transform/string_pool.h"

namespace sparkify::transform {

namespace {

using Strings = model::ColumnBuilder<std::string_view>;

model::NullableString nullable(const model::Column& c, size_t row) {
  if (c.is_null(row)) return {};
  return {c.string_at(row), true};
}

std::optional<double> nullable_double(const model::Column& c, size_t row) {
  if (c.is_null(row)) return std::nullopt;
  return std::get<std::vector<double>>(c.values)[row];
}

void push_string(Strings& b, const model::NullableString& s) {
  if (s.valid)
    b.push(s.value);
  else
    b.push_null();
}

// The artist a record (or a prior artists row) offers, and how complete it is.
struct ArtistChoice {
  std::string_view id;
  model::NullableString name, location;
  std::optional<double> latitude, longitude;

  int score() const {
    return (name.valid && !name.value.empty()) + (location.valid && !location.value.empty()) +
           latitude.has_value() + longitude.has_value();
  }
};

// Songs, artists and the join index, fed prior rows first and then records in file order.
class SongTableBuilder {
 public:
  explicit SongTableBuilder(size_t expected) { index_.reserve(expected); }

  // Songs (first in file order wins; the song keys and the index) and artists (most complete
  // wins) are independent reductions of the same records: the two can run at once.
  void add_prior_songs(const PriorSongs& prior) {
    if (!prior.keys) return;
    const model::TableData& k = *prior.keys;
    const auto& song_id = model::column(k, "song_id");
    const auto &title = model::column(k, "title"), &artist_id = model::column(k, "artist_id");
    const auto& artist_name = model::column(k, "artist_name");
    const auto& duration = model::column(k, "duration");
    for (size_t i = 0; i < k.num_rows; ++i) {
      std::string_view id = song_id.string_at(i);
      if (!first_song(id)) continue;
      add_key(id, nullable(title, i), artist_id.string_at(i), nullable(artist_name, i),
              nullable_double(duration, i));
    }
  }

  void add_prior_artists(const PriorSongs& prior) {
    if (!prior.artists) return;
    const model::TableData& a = *prior.artists;
    const auto &id = model::column(a, "artist_id"), &name = model::column(a, "name");
    const auto& location = model::column(a, "location");
    const auto &lat = model::column(a, "latitude"), &lon = model::column(a, "longitude");
    for (size_t i = 0; i < a.num_rows; ++i) {
      offer_artist({id.string_at(i), nullable(name, i), nullable(location, i),
                    nullable_double(lat, i), nullable_double(lon, i)});
    }
    artists_changed_ = false;
  }

  void add_song(const model::SongRecord& r) {
    if (!first_song(r.song_id)) {
      ++duplicates_;
      return;
    }
    song_id_.push(r.song_id);
    push_string(title_, r.title);
    artist_id_.push(r.artist_id);
    year_.push_optional(r.year);
    duration_.push_optional(r.duration);
    ++new_songs_;
    add_key(r.song_id, r.title, r.artist_id, r.artist_name, r.duration);
  }

  void add_artist(const model::SongRecord& r) {
    offer_artist({r.artist_id, r.artist_name, r.artist_location, r.latitude, r.longitude});
  }

  SongTables finish(std::vector<std::shared_ptr<const void>> owners, const PriorSongs& prior) {
    SongTables out;
    out.duplicate_songs = duplicates_;
    out.artists_changed = artists_changed_;
    out.songs = model::empty_table(model::songs_spec(), new_songs_);
    model::bind(out.songs, "song_id", song_id_.finish());
    model::bind(out.songs, "title", title_.finish());
    model::bind(out.songs, "artist_id", artist_id_.finish());
    model::bind(out.songs, "year", year_.finish());
    model::bind(out.songs, "duration", duration_.finish());

    out.keys = model::empty_table(song_keys_spec(), keys_);
    model::bind(out.keys, "song_id", k_song_id_.finish());
    model::bind(out.keys, "title", k_title_.finish());
    model::bind(out.keys, "artist_id", k_artist_id_.finish());
    model::bind(out.keys, "artist_name", k_artist_name_.finish());
    model::bind(out.keys, "duration", k_duration_.finish());

    Strings a_id, name, location;
    model::ColumnBuilder<double> latitude, longitude;
    for (const ArtistChoice& c : artists_) {
      a_id.push(c.id);
      push_string(name, c.name);
      if (c.location.valid && !c.location.value.empty()) {
        location.push(c.location.value);
      } else {
        location.push_null();  // SPEC: an empty artist_location is stored as null
      }
      latitude.push_optional(c.latitude);
      longitude.push_optional(c.longitude);
    }
    out.artists = model::empty_table(model::artists_spec(), artists_.size());
    model::bind(out.artists, "artist_id", a_id.finish());
    model::bind(out.artists, "name", name.finish());
    model::bind(out.artists, "location", location.finish());
    model::bind(out.artists, "latitude", latitude.finish());
    model::bind(out.artists, "longitude", longitude.finish());

    for (const auto* t : {prior.keys, prior.artists}) {
      if (t) owners.insert(owners.end(), t->owners.begin(), t->owners.end());
    }
    out.songs.owners = owners;
    out.keys.owners = owners;
    out.artists.owners = std::move(owners);
    out.index = std::move(index_);
    return out;
  }

 private:
  bool first_song(std::string_view song_id) {
    size_t before = seen_songs_.size();
    return static_cast<size_t>(seen_songs_.intern(song_id)) == before;
  }

  void offer_artist(const ArtistChoice& c) {
    // Pool ids are dense in first-seen order: an artist's id is its position in artists_.
    auto slot = static_cast<size_t>(artist_ids_.intern(c.id));
    if (slot == artists_.size()) {
      artists_.push_back(c);
      artists_changed_ = true;
    } else if (c.score() > artists_[slot].score()) {
      artists_[slot] = c;  // strictly more: ties stay with the first
      artists_changed_ = true;
    }
  }

  void add_key(std::string_view song_id, const model::NullableString& title,
               std::string_view artist_id, const model::NullableString& artist_name,
               std::optional<double> duration) {
    k_song_id_.push(song_id);
    push_string(k_title_, title);
    k_artist_id_.push(artist_id);
    push_string(k_artist_name_, artist_name);
    k_duration_.push_optional(duration);
    ++keys_;
    if (title.valid && artist_name.valid && duration) {
      index_.add(title.value, artist_name.value, *duration, {song_id, artist_id});
    }
  }

  StringPool seen_songs_;  // song ids
  StringPool artist_ids_;  // artist_id -> position in artists_
  std::vector<ArtistChoice> artists_;
  bool artists_changed_ = true;
  Strings song_id_, title_, artist_id_;
  model::ColumnBuilder<int32_t> year_;
  model::ColumnBuilder<double> duration_;
  Strings k_song_id_, k_title_, k_artist_id_, k_artist_name_;
  model::ColumnBuilder<double> k_duration_;
  size_t new_songs_ = 0, keys_ = 0;
  uint64_t duplicates_ = 0;
  SongIndex index_;
};

}  // namespace

const model::TableSpec& song_keys_spec() {
  using T = model::ColumnType;
  static const model::TableSpec spec{"song_keys",
                                     {{"song_id", T::kString, true},
                                      {"title", T::kString},
                                      {"artist_id", T::kString},
                                      {"artist_name", T::kString},
                                      {"duration", T::kDouble}},
                                     {}};
  return spec;
}

SongTables build_song_tables(std::span<const std::vector<model::SongRecord>* const> files,
                             std::vector<std::shared_ptr<const void>> owners,
                             const PriorSongs& prior, int threads) {
  size_t total = 0;
  for (const auto* f : files) total += f->size();
  SongTableBuilder builder(total + (prior.keys ? prior.keys->num_rows : 0));
  (void)parallel_for(2, threads, [&](size_t part, int) {
    if (part == 0) {
      builder.add_prior_songs(prior);
      for (const auto* file : files) {
        for (const model::SongRecord& r : *file) builder.add_song(r);
      }
    } else {
      builder.add_prior_artists(prior);
      for (const auto* file : files) {
        for (const model::SongRecord& r : *file) builder.add_artist(r);
      }
    }
    return Status::OK();
  });
  return builder.finish(std::move(owners), prior);
}

SongIndex song_index_from_tables(const model::TableData& songs, const model::TableData& artists) {
  using Strings = std::vector<std::string_view>;
  const model::Column& artist_name_column = model::column(artists, "name");
  const auto& a_ids = std::get<Strings>(model::column(artists, "artist_id").values);
  const auto& a_names = std::get<Strings>(artist_name_column.values);
  std::unordered_map<std::string_view, std::string_view> artist_name;
  for (size_t i = 0; i < artists.num_rows; ++i) {
    if (!artist_name_column.is_null(i)) artist_name.emplace(a_ids[i], a_names[i]);
  }
  const model::Column& title = model::column(songs, "title");
  const model::Column& artist = model::column(songs, "artist_id");
  const model::Column& duration = model::column(songs, "duration");
  const auto& song_ids = std::get<Strings>(model::column(songs, "song_id").values);
  const auto& titles = std::get<Strings>(title.values);
  const auto& s_artists = std::get<Strings>(artist.values);
  const auto& durations = std::get<std::vector<double>>(duration.values);
  std::vector<size_t> order(songs.num_rows);
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return song_ids[a] < song_ids[b]; });
  SongIndex index;
  for (size_t i : order) {
    if (title.is_null(i) || artist.is_null(i) || duration.is_null(i)) continue;
    auto name = artist_name.find(s_artists[i]);
    if (name == artist_name.end()) continue;
    index.add(titles[i], name->second, durations[i], {song_ids[i], s_artists[i]});
  }
  return index;
}

}  // namespace sparkify::transform
