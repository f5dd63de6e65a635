#include "generate/catalog.h"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "common/parallel.h"
#include "generate/json_text.h"
#include "generate/vocabulary.h"

namespace sparkify::generate {

namespace {

constexpr char kUpper[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr char kAlnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
constexpr char kHexUpper[] = "0123456789ABCDEF";

// Shares that shape the data; the real Udacity sample (../shared/data/udacity-sample) is the
// reference for each.
constexpr double kArtistsPerSong = 0.45;
constexpr double kArtistVariantShare = 0.12;
constexpr double kSongUsesVariant = 0.4;
constexpr double kNoLocationShare = 0.45;
constexpr double kCoordinatesShare = 0.6;  // of artists with a location
constexpr double kYearZeroShare = 0.5;
constexpr double kDuplicateShare = 0.002;
constexpr double kPaidShare = 0.3;
constexpr double kUpgradeShare = 0.10;    // of free users, during the period
constexpr double kDowngradeShare = 0.06;  // of paid users
constexpr double kMojibakeShare = 0.6;    // of played names with non-ASCII letters
constexpr double kLostApostropheShare = 0.3;
constexpr int64_t kDurationUnits = 100000;  // durations carry 5 decimals, as the MSD's do

void append_chars(std::string& out, Rng& rng, const char* alphabet, size_t alphabet_size, int n) {
  for (int i = 0; i < n; ++i) out.push_back(alphabet[rng.below(alphabet_size)]);
}

void append_hex(std::string& out, uint32_t value, int digits) {
  for (int i = digits - 1; i >= 0; --i) out.push_back(kHexUpper[(value >> (4 * i)) & 15]);
}

std::string_view pick(Rng& rng, std::span<const std::string_view> items) {
  return items[rng.below(items.size())];
}

std::string person_name(Rng& rng) {
  std::string name(pick(rng, vocab::artist_first_names()));
  name += ' ';
  name += pick(rng, vocab::last_names());
  return name;
}

std::string artist_name(Rng& rng) {
  double r = rng.uniform();
  std::string name;
  if (r < 0.30) {
    name = person_name(rng);
  } else if (r < 0.48) {
    name = "The ";
    if (rng.chance(0.5)) {
      name += pick(rng, vocab::title_words());
      name += ' ';
    }
    name += pick(rng, vocab::band_words());
  } else if (r < 0.62) {
    name = std::string(pick(rng, vocab::title_words())) + " " +
           std::string(pick(rng, vocab::band_words()));
  } else if (r < 0.70) {
    name =
        person_name(rng) + (rng.chance(0.5) ? " & " : " and ") +
        (rng.chance(0.5) ? person_name(rng) : "The " + std::string(pick(rng, vocab::band_words())));
  } else if (r < 0.80) {
    name = std::string(pick(rng, vocab::title_words()));
    if (rng.chance(0.2)) name = std::string(pick(rng, vocab::accented_words()));
  } else if (r < 0.85) {
    name = person_name(rng) + (rng.chance(0.5) ? " featuring " : " feat. ") + person_name(rng);
  } else if (r < 0.88) {
    // Classical credits list everyone, separated by ';' (as the MSD does).
    int n = static_cast<int>(rng.between(2, 5));
    for (int i = 0; i < n; ++i) {
      if (i) name += ';';
      name += person_name(rng);
    }
  } else if (r < 0.94) {
    name = std::string(pick(rng, vocab::accented_words())) + " " +
           std::string(pick(rng, vocab::band_words()));
  } else if (r < 0.975) {
    name = person_name(rng) + " / " + person_name(rng);
  } else if (r < 0.98) {
    // A stray double quote, like the real 'Weird Al" Yankovic'.
    name = std::string(pick(rng, vocab::artist_first_names())) + " Al\" " +
           std::string(pick(rng, vocab::last_names()));
  } else {
    name = std::string(pick(rng, vocab::title_words()));
    name += pick(rng, vocab::title_words());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; });
  }
  return name;
}

std::string song_title(Rng& rng) {
  int words = 1 + static_cast<int>(std::min<double>(5, std::floor(rng.lognormal(0.5, 0.6))));
  int accented_at = rng.chance(0.07) ? static_cast<int>(rng.below(words)) : -1;
  std::string title;
  if (rng.chance(0.01)) title += '"';  // "Heroes"-style quoted titles
  bool quoted = !title.empty();
  for (int i = 0; i < words; ++i) {
    if (i) title += ' ';
    title +=
        i == accented_at ? pick(rng, vocab::accented_words()) : pick(rng, vocab::title_words());
  }
  if (quoted) title += '"';
  if (rng.chance(0.01)) title += "/" + std::string(pick(rng, vocab::title_words()));
  if (rng.chance(0.02)) title += " Can\u2019t Stop";  // typographic apostrophe
  if (rng.chance(0.002)) title += " \U0001F3B5";      // outside the BMP: a surrogate pair
  if (rng.chance(0.12)) title += pick(rng, vocab::title_suffixes());
  return title;
}

int64_t duration_units(Rng& rng) {
  double seconds = rng.lognormal(std::log(225.0), 0.38);
  seconds = std::clamp(seconds, 15.0, 1800.0);
  return static_cast<int64_t>(std::llround(seconds * kDurationUnits));
}

double units_to_seconds(int64_t units) {
  return static_cast<double>(units) / static_cast<double>(kDurationUnits);
}

ArtistVariant artist_variant_base(Rng& rng) {
  ArtistVariant v;
  v.name = artist_name(rng);
  if (!rng.chance(kNoLocationShare)) {
    const auto& place = vocab::places()[rng.below(vocab::places().size())];
    v.location = std::string(place.text);
    if (rng.chance(kCoordinatesShare)) {
      v.latitude = place.latitude;
      v.longitude = place.longitude;
    }
  }
  return v;
}

// Another spelling or another location for the same artist_id, as the MSD has them.
ArtistVariant artist_variant_other(const ArtistVariant& base, Rng& rng) {
  ArtistVariant v = base;
  switch (rng.below(5)) {
    case 0:
      std::transform(v.name.begin(), v.name.end(), v.name.begin(),
                     [](char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; });
      break;
    case 1:
      if (v.name.rfind("The ", 0) == 0) {
        v.name = v.name.substr(4);
      } else {
        v.name = "The " + v.name;
      }
      break;
    case 2:
      v.name += " featuring " + person_name(rng);
      break;
    case 3:  // less known about this record
      v.location.clear();
      v.latitude.reset();
      v.longitude.reset();
      break;
    default: {  // the same place written another way, or another place
      const auto& place = vocab::places()[rng.below(vocab::places().size())];
      v.location = std::string(place.text);
      if (rng.chance(0.5)) {
        v.latitude = place.latitude;
        v.longitude = place.longitude;
      } else {
        v.latitude.reset();
        v.longitude.reset();
      }
    }
  }
  return v;
}

std::string artist_id(uint64_t index, uint64_t seed, Rng& rng) {
  uint32_t p = permute32(static_cast<uint32_t>(index), static_cast<uint32_t>(seed * 7 + 1));
  std::string id = "AR";
  append_chars(id, rng, kAlnum, 36, 2);
  uint32_t high = p >> 20;  // 12 bits as 3 base-36 digits keep the id unique
  id.push_back(kAlnum[high / 1296]);
  id.push_back(kAlnum[(high / 36) % 36]);
  id.push_back(kAlnum[high % 36]);
  id += "1187";
  id += rng.chance(0.5) ? "B9" : "FB";
  append_hex(id, p & 0xFFFFF, 5);
  return id;
}

std::string song_key(std::string_view title, std::string_view artist, double duration) {
  std::string key;
  key.reserve(title.size() + artist.size() + 10);
  key.append(title);
  key.push_back('\0');
  key.append(artist);
  key.push_back('\0');
  append_python_double(key, duration);
  return key;
}

std::string log_string(std::string_view s) {
  std::string out;
  append_json_string(out, s, /*escape_slash=*/true);
  return out;
}

std::string log_double(double d) {
  std::string out;
  append_python_double(out, d);
  // The simulator writes lengths as Java doubles; for these magnitudes that is the same text
  // except that it never adds ".0" — and our lengths always have decimals anyway.
  return out;
}

User make_user(uint64_t index, const CatalogOptions& options) {
  Rng rng = Rng::For(options.seed, Stream::kUser, index);
  User u;
  bool female = rng.chance(0.55);
  // Heads list the female first names, then the male ones (see user_text).
  u.head = static_cast<uint32_t>(female ? rng.below(vocab::female_first_names().size())
                                        : vocab::female_first_names().size() +
                                              rng.below(vocab::male_first_names().size()));
  u.last_name = static_cast<uint32_t>(rng.below(vocab::last_names().size()));
  // Bigger metros and commoner browsers first in the lists: a rank-skewed pick.
  auto skewed = [&](size_t n) {
    return static_cast<uint32_t>(std::floor(std::pow(rng.uniform(), 1.8) * static_cast<double>(n)));
  };
  u.location = skewed(vocab::metro_areas().size());
  u.agent = skewed(vocab::user_agents().size());
  int64_t start_ms = options.start_seconds * 1000;
  u.registration_ms = start_ms - rng.between(1, 45 * 86400) * 1000 + 796;
  u.initial_paid = rng.chance(kPaidShare);
  if (rng.chance(u.initial_paid ? kDowngradeShare : kUpgradeShare)) {
    u.level_change_ms = start_ms + rng.between(3600, options.days * 86400LL - 3600) * 1000;
  }
  return u;
}

// Every value a user's text can take, escaped once for all users.
UserText user_text() {
  UserText t;
  auto head = [&](std::string_view first, const char* gender) {
    t.heads.push_back(",\"auth\":\"Logged In\",\"firstName\":" + log_string(first) +
                      ",\"gender\":" + gender + ",\"itemInSession\":");
  };
  for (std::string_view first : vocab::female_first_names()) head(first, "\"F\"");
  for (std::string_view first : vocab::male_first_names()) head(first, "\"M\"");
  for (std::string_view last : vocab::last_names())
    t.last_names.push_back(",\"lastName\":" + log_string(last) + ",\"length\":");
  for (std::string_view metro : vocab::metro_areas())
    t.locations.push_back(",\"location\":" + log_string(metro) + ",\"method\":");
  for (std::string_view agent : vocab::user_agents())
    t.agents.push_back(",\"userAgent\":" + log_string(agent) + ",\"userId\":\"");
  return t;
}

PlayedSong make_played(uint64_t index, uint64_t seed) {
  Rng rng = Rng::For(seed, Stream::kPlayed, index);
  std::string artist = artist_name(rng);
  std::string title = song_title(rng);
  auto damage = [&](std::string& s) {
    bool non_ascii = std::any_of(s.begin(), s.end(), [](char c) { return c & 0x80; });
    if (non_ascii && rng.chance(kMojibakeShare)) s = mojibake(mojibake(s));
    size_t apos = s.find('\'');
    if (apos != std::string::npos && rng.chance(kLostApostropheShare)) s[apos] = '\x19';
  };
  damage(artist);
  damage(title);
  PlayedSong p;
  p.length = units_to_seconds(duration_units(rng));
  p.log_artist = log_string(artist);
  p.log_title = log_string(title);
  p.log_length = log_double(p.length);
  return p;
}

}  // namespace

std::string song_file_path(const Song& song) {
  std::string path = "song_data/";
  path += song.track_id[2];
  path += '/';
  path += song.track_id[3];
  path += '/';
  path += song.track_id[4];
  path += '/';
  path += song.track_id;
  path += ".json";
  return path;
}

std::string song_file_text(const Catalog& catalog, const Song& song) {
  const Artist& artist = catalog.artists[song.artist];
  const ArtistVariant& v = artist.variants[song.variant];
  std::string out;
  out.reserve(320);
  out += "{\"num_songs\": 1, \"artist_id\": ";
  append_json_string(out, artist.id, false);
  out += ", \"artist_latitude\": ";
  if (v.latitude) {
    append_python_double(out, *v.latitude);
  } else {
    out += "null";
  }
  out += ", \"artist_longitude\": ";
  if (v.longitude) {
    append_python_double(out, *v.longitude);
  } else {
    out += "null";
  }
  out += ", \"artist_location\": ";
  append_json_string(out, v.location, false);
  out += ", \"artist_name\": ";
  append_json_string(out, v.name, false);
  out += ", \"song_id\": ";
  append_json_string(out, song.song_id, false);
  out += ", \"title\": ";
  append_json_string(out, song.title, false);
  out += ", \"duration\": ";
  append_python_double(out, song.duration);
  out += ", \"year\": ";
  append_int(out, song.year);
  out += '}';
  return out;
}

Result<Catalog> build_catalog(const CatalogOptions& options) {
  Catalog c;
  const uint64_t seed = options.seed;
  const int threads = std::max(1, options.threads);

  // Artists: few enough to build on one thread.
  uint64_t n_artists =
      std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(options.songs * kArtistsPerSong)));
  c.artists.resize(n_artists);
  std::vector<double> artist_weight(n_artists);
  for (uint64_t k = 0; k < n_artists; ++k) {
    Rng rng = Rng::For(seed, Stream::kArtist, k);
    Artist& a = c.artists[k];
    a.id = artist_id(k, seed, rng);
    a.variants.push_back(artist_variant_base(rng));
    if (rng.chance(kArtistVariantShare)) {
      int extra = static_cast<int>(rng.between(1, 2));
      for (int e = 0; e < extra; ++e)
        a.variants.push_back(artist_variant_other(a.variants[0], rng));
    }
    artist_weight[k] = rng.lognormal(0, 1.0);
  }
  AliasTable artist_pick(artist_weight);

  // Songs, in blocks on all threads; each song draws from its own stream.
  const uint64_t n = options.songs;
  c.songs.resize(n);
  std::vector<double> popularity(n);
  std::vector<uint8_t> keeps_duration(n);
  constexpr uint64_t kBlock = 2048;
  uint32_t song_key32 = static_cast<uint32_t>(mix64(seed ^ 0x50));
  uint32_t track_key32 = static_cast<uint32_t>(mix64(seed ^ 0x7a));
  SPARKIFY_RETURN_NOT_OK(parallel_for((n + kBlock - 1) / kBlock, threads, [&](size_t b, int) {
    for (uint64_t i = b * kBlock; i < std::min(n, (b + 1) * kBlock); ++i) {
      Rng rng = Rng::For(seed, Stream::kSong, i);
      Song& s = c.songs[i];
      if (i > 0 && rng.chance(kDuplicateShare)) {
        s.duplicate_of = static_cast<int64_t>(rng.below(i));
        keeps_duration[i] = rng.chance(0.5);
      }
      s.track_id = "TR";
      append_chars(s.track_id, rng, kUpper, 26, 5);
      s.track_id += "12";
      s.track_id.push_back(kHexUpper[rng.below(16)]);
      append_hex(s.track_id, permute32(static_cast<uint32_t>(i), track_key32), 8);
      s.song_id = "SO";
      append_chars(s.song_id, rng, kUpper, 26, 5);
      s.song_id += "12A";
      append_hex(s.song_id, permute32(static_cast<uint32_t>(i), song_key32), 8);
      s.artist = artist_pick.sample(rng);
      size_t variants = c.artists[s.artist].variants.size();
      if (variants > 1 && rng.chance(kSongUsesVariant)) {
        s.variant = static_cast<uint8_t>(1 + rng.below(variants - 1));
      }
      s.title = song_title(rng);
      int64_t units = duration_units(rng);
      s.duration = units_to_seconds(units);
      s.near_miss_length =
          units_to_seconds(units + 50000 + static_cast<int64_t>(rng.below(250000)));
      s.year = rng.chance(kYearZeroShare)
                   ? 0
                   : 1955 + static_cast<int32_t>(std::floor(56 * std::pow(rng.uniform(), 0.6)));
      popularity[i] = rng.lognormal(0, 1.4);
      if (options.bad_fraction > 0) {
        Rng bad = Rng::For(seed, Stream::kSongBad, i);
        if (bad.chance(options.bad_fraction)) {
          s.bad = static_cast<BadSongKind>(1 + bad.below(kBadSongKinds));
        }
      }
    }
    return Status::OK();
  }));

  // Duplicates repeat an earlier song's id and metadata; resolved in index order so a copy of a
  // copy sees final values. Badness was drawn on its own stream, so it is untouched.
  for (uint64_t i = 0; i < n; ++i) {
    Song& s = c.songs[i];
    if (s.duplicate_of < 0) continue;
    const Song& o = c.songs[static_cast<size_t>(s.duplicate_of)];
    s.song_id = o.song_id;
    s.title = o.title;
    s.artist = o.artist;
    s.variant = o.variant;
    s.year = o.year;
    if (keeps_duration[i]) s.duration = o.duration;
  }

  // The ETL keeps, per song_id, the good file that comes first (paths sort as track ids do) and
  // joins plays only to kept songs; mirror that so the report says what the ETL must find.
  std::unordered_map<std::string_view, uint64_t> kept;
  kept.reserve(n);
  uint64_t good_files = 0;
  for (uint64_t i = 0; i < n; ++i) {
    const Song& s = c.songs[i];
    if (s.bad != BadSongKind::kNone) continue;
    ++good_files;
    auto [it, inserted] = kept.try_emplace(s.song_id, i);
    if (!inserted && s.track_id < c.songs[it->second].track_id) it->second = i;
  }
  c.duplicate_song_files = good_files - kept.size();
  std::unordered_set<std::string> good_keys;
  good_keys.reserve(kept.size());
  for (const auto& [id, i] : kept) {
    const Song& s = c.songs[i];
    good_keys.insert(song_key(s.title, c.artists[s.artist].variants[s.variant].name, s.duration));
  }
  SPARKIFY_RETURN_NOT_OK(parallel_for((n + kBlock - 1) / kBlock, threads, [&](size_t b, int) {
    for (uint64_t i = b * kBlock; i < std::min(n, (b + 1) * kBlock); ++i) {
      Song& s = c.songs[i];
      const std::string& name = c.artists[s.artist].variants[s.variant].name;
      s.key_matches = good_keys.count(song_key(s.title, name, s.duration)) > 0;
      s.near_miss_matches = good_keys.count(song_key(s.title, name, s.near_miss_length)) > 0;
      s.log_artist = log_string(name);
      s.log_title = log_string(s.title);
      s.log_length = log_double(s.duration);
      s.log_near_miss_length = log_double(s.near_miss_length);
    }
    return Status::OK();
  }));
  c.song_pick = AliasTable(popularity);

  // Users: about 85 events each over a month, as in the real sample (8,056 events, 97 users).
  uint64_t n_users = options.users;
  if (n_users == 0) n_users = std::max<uint64_t>(1, (options.events + 42) / 85);
  c.users.resize(n_users);
  std::vector<double> activity(n_users);
  SPARKIFY_RETURN_NOT_OK(parallel_for((n_users + kBlock - 1) / kBlock, threads, [&](size_t b, int) {
    for (uint64_t u = b * kBlock; u < std::min(n_users, (b + 1) * kBlock); ++u) {
      c.users[u] = make_user(u, options);
      Rng rng = Rng::For(seed, Stream::kUser, u, 1);
      bool ever_paid = c.users[u].initial_paid || c.users[u].level_change_ms != INT64_MAX;
      activity[u] = rng.lognormal(0, 1.0) * (ever_paid ? 5.0 : 1.0);
    }
    return Status::OK();
  }));
  c.user_pick = AliasTable(activity);
  c.user_text = user_text();

  // The songs users play that the song data lacks: a long tail, most played once or twice.
  uint64_t n_played = std::clamp<uint64_t>(options.events / 8, 500, 250000);
  c.played.resize(n_played);
  std::vector<double> rank_weight(n_played);
  SPARKIFY_RETURN_NOT_OK(
      parallel_for((n_played + kBlock - 1) / kBlock, threads, [&](size_t b, int) {
        for (uint64_t p = b * kBlock; p < std::min(n_played, (b + 1) * kBlock); ++p) {
          c.played[p] = make_played(p, seed);
          rank_weight[p] = std::pow(static_cast<double>(p + 1), -0.8);
        }
        return Status::OK();
      }));
  c.played_pick = AliasTable(rank_weight);
  return c;
}

}  // namespace sparkify::generate
