#include "report/lake_analysis.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "common/parallel.h"
#include "lake/hive_partition.h"
#include "lake/lake_reader.h"
#include "model/table.h"
#include "parquet/file_reader.h"
#include "report/user_agent.h"

namespace sparkify::report {

namespace {

constexpr int64_t kMicrosPerDay = int64_t{86'400'000'000};
constexpr int64_t kMicrosPerHour = int64_t{3'600'000'000};

// Hash maps keyed by std::string that can be probed with a string_view without allocating.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

template <typename V>
V& slot(StringMap<V>& map, std::string_view key) {
  auto it = map.find(key);
  if (it == map.end()) it = map.emplace(std::string(key), V{}).first;
  return it->second;
}

struct DayTally {
  uint64_t plays = 0, free = 0, paid = 0;
};

struct LocationTally {
  uint64_t plays = 0;
  std::unordered_set<int64_t> users;
};

struct SongTally {
  uint64_t plays = 0;
  std::string artist_id;  // of its plays: tells which songs/ folder holds the song
};

// One worker's share of the songplays aggregation; partials merge once at the end.
struct Partial {
  uint64_t plays = 0, matched = 0;
  std::unordered_map<int32_t, DayTally> days;
  std::array<std::array<uint64_t, 24>, 7> hour_weekday{};
  StringMap<SongTally> songs;
  StringMap<uint64_t> artists, agents;
  StringMap<LocationTally> locations;
  std::unordered_map<int64_t, uint64_t> users;
};

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

using model::column;

template <typename T>
const std::vector<T>& values(const model::TableData& t, std::string_view name) {
  return std::get<std::vector<T>>(column(t, name).values);
}

// One Parquet file of the lake, read column by column and row group by row group, so a worker
// holds at most two decoded columns of one row group (plus the file's bytes) at a time.
class ColumnFile {
 public:
  static Result<ColumnFile> Open(io::FileSystem& fs, const std::string& path) {
    ColumnFile f;
    f.path_ = path;
    SPARKIFY_ASSIGN_OR_RETURN(f.bytes_, fs.read(path));
    SPARKIFY_ASSIGN_OR_RETURN(f.reader_, parquet::FileReader::Open(f.bytes_.bytes(), path));
    return f;
  }
  int row_groups() const { return reader_->num_row_groups(); }

  /// One column of one row group, read as `table`'s column of that name (accepting what Spark
  /// writes for it, as the lake reader does).
  Result<parquet::ColumnData> read(int row_group, std::string_view name,
                                   const model::TableSpec& table = model::songplays_spec()) {
    SPARKIFY_ASSIGN_OR_RETURN(const model::ColumnSpec* spec, column_spec(table, name));
    return lake::read_lake_column(*reader_, row_group, *spec, path_);
  }

  /// A songplays string column of one row group as its dictionary and indices, when the file
  /// stores it so (nullopt: read() it instead).
  Result<std::optional<parquet::DictionaryColumn>> read_dictionary(int row_group,
                                                                   std::string_view name) {
    SPARKIFY_ASSIGN_OR_RETURN(const model::ColumnSpec* spec,
                              column_spec(model::songplays_spec(), name));
    return lake::read_lake_dictionary(*reader_, row_group, *spec, path_);
  }

 private:
  static Result<const model::ColumnSpec*> column_spec(const model::TableSpec& table,
                                                      std::string_view name) {
    int index = table.column_index(name);
    if (index < 0) return Status::Internal("no column " + std::string(name) + " in " + table.name);
    return &table.columns[static_cast<size_t>(index)];
  }

  std::string path_;
  Buffer bytes_;
  std::unique_ptr<parquet::FileReader> reader_;
};

template <typename F>
void each_string(const parquet::ColumnData& c, F&& f) {
  const auto& s = std::get<parquet::StringColumn>(c.values);
  for (size_t i = 0; i < s.size(); ++i) {
    if (!c.is_null(i)) f(i, s.at(i));
  }
}

// The columns of a row group hold the same rows (the reader checks each chunk's count against
// its row group's), so rows index them all alike.
Status aggregate_file(io::FileSystem& fs, const std::string& path, Partial& p) {
  SPARKIFY_ASSIGN_OR_RETURN(ColumnFile file, ColumnFile::Open(fs, path));
  for (int g = 0; g < file.row_groups(); ++g) {
    {
      SPARKIFY_ASSIGN_OR_RETURN(auto start, file.read(g, "start_time"));
      // Each play's level: 1 free, 2 paid, 0 anything else or none; from the dictionary when
      // the file has one (two or three entries), else compared row by row.
      std::vector<uint8_t> level_of;
      {
        auto code = [](std::string_view l) -> uint8_t {
          return l == "free" ? 1 : l == "paid" ? 2 : 0;
        };
        SPARKIFY_ASSIGN_OR_RETURN(auto dict, file.read_dictionary(g, "level"));
        if (dict) {
          std::vector<uint8_t> codes(dict->dictionary.size());
          for (size_t k = 0; k < codes.size(); ++k) codes[k] = code(dict->dictionary.at(k));
          level_of.reserve(dict->indices.size());
          for (int32_t k : dict->indices)
            level_of.push_back(k < 0 ? 0 : codes[static_cast<size_t>(k)]);
        } else {
          SPARKIFY_ASSIGN_OR_RETURN(auto level, file.read(g, "level"));
          const auto& levels = std::get<parquet::StringColumn>(level.values);
          level_of.reserve(levels.size());
          for (size_t i = 0; i < levels.size(); ++i) {
            level_of.push_back(level.is_null(i) ? 0 : code(levels.at(i)));
          }
        }
      }
      const auto& us_values = std::get<std::vector<int64_t>>(start.values);
      p.plays += us_values.size();
      int32_t last_day = 0;
      DayTally* last = nullptr;  // plays come in time order: the day changes seldom
      for (size_t i = 0; i < us_values.size(); ++i) {
        if (start.is_null(i)) continue;
        int64_t us = us_values[i];
        auto day = static_cast<int32_t>(floor_div(us, kMicrosPerDay));
        int hour = static_cast<int>(floor_div(us - int64_t{day} * kMicrosPerDay, kMicrosPerHour));
        int weekday = static_cast<int>(((int64_t{day} + 4) % 7 + 7) % 7);  // 1970-01-01: Thu
        if (last == nullptr || day != last_day) {
          last = &p.days[day];  // unordered_map: the reference stays valid as it grows
          last_day = day;
        }
        DayTally& d = *last;
        ++d.plays;
        d.free += level_of[i] == 1;
        d.paid += level_of[i] == 2;
        ++p.hour_weekday[weekday][hour];
      }
    }
    {
      SPARKIFY_ASSIGN_OR_RETURN(auto song, file.read(g, "song_id"));
      SPARKIFY_ASSIGN_OR_RETURN(auto artist, file.read(g, "artist_id"));
      const auto& artists = std::get<parquet::StringColumn>(artist.values);
      each_string(song, [&](size_t i, std::string_view id) {
        ++p.matched;
        SongTally& t = slot(p.songs, id);
        ++t.plays;
        if (t.artist_id.empty() && !artist.is_null(i)) t.artist_id = artists.at(i);
      });
      each_string(artist, [&](size_t, std::string_view id) { ++slot(p.artists, id); });
    }
    {
      // Counted per dictionary entry when the file has one: a handful of long strings, never
      // hashed or expanded per play.
      SPARKIFY_ASSIGN_OR_RETURN(auto dict, file.read_dictionary(g, "user_agent"));
      if (dict) {
        std::vector<uint64_t> counts(dict->dictionary.size() + 1);  // the last: no agent
        for (int32_t k : dict->indices)
          ++counts[k < 0 ? counts.size() - 1 : static_cast<size_t>(k)];
        for (size_t k = 0; k < counts.size(); ++k) {
          if (counts[k] == 0) continue;
          bool none = k + 1 == counts.size();
          slot(p.agents, none ? std::string_view("\x01") : dict->dictionary.at(k)) += counts[k];
        }
      } else {
        SPARKIFY_ASSIGN_OR_RETURN(auto agent, file.read(g, "user_agent"));
        const auto& agents = std::get<parquet::StringColumn>(agent.values);
        for (size_t i = 0; i < agents.size(); ++i) {
          ++slot(p.agents, agent.is_null(i) ? std::string_view("\x01") : agents.at(i));
        }
      }
    }
    {
      SPARKIFY_ASSIGN_OR_RETURN(auto user, file.read(g, "user_id"));
      const auto& ids = std::get<std::vector<int64_t>>(user.values);
      for (size_t i = 0; i < ids.size(); ++i) {
        if (!user.is_null(i)) ++p.users[ids[i]];
      }
      auto add = [&](size_t i, LocationTally& t) {
        ++t.plays;
        if (!user.is_null(i)) t.users.insert(ids[i]);
      };
      SPARKIFY_ASSIGN_OR_RETURN(auto dict, file.read_dictionary(g, "location"));
      if (dict) {
        // Each entry's tally looked up once (unordered_map: references stay valid).
        std::vector<LocationTally*> tally(dict->dictionary.size(), nullptr);
        for (size_t i = 0; i < dict->indices.size(); ++i) {
          int32_t k = dict->indices[i];
          if (k < 0) continue;
          LocationTally*& t = tally[static_cast<size_t>(k)];
          if (t == nullptr) t = &slot(p.locations, dict->dictionary.at(static_cast<size_t>(k)));
          add(i, *t);
        }
      } else {
        SPARKIFY_ASSIGN_OR_RETURN(auto location, file.read(g, "location"));
        each_string(location,
                    [&](size_t i, std::string_view loc) { add(i, slot(p.locations, loc)); });
      }
    }
  }
  return Status::OK();
}

void merge(Partial& into, Partial& from) {
  into.plays += from.plays;
  into.matched += from.matched;
  for (auto& [day, t] : from.days) {
    DayTally& d = into.days[day];
    d.plays += t.plays;
    d.free += t.free;
    d.paid += t.paid;
  }
  for (int w = 0; w < 7; ++w)
    for (int h = 0; h < 24; ++h) into.hour_weekday[w][h] += from.hour_weekday[w][h];
  for (auto& [k, v] : from.songs) {
    SongTally& t = slot(into.songs, k);
    t.plays += v.plays;
    if (t.artist_id.empty()) t.artist_id = std::move(v.artist_id);
  }
  for (auto& [k, v] : from.artists) slot(into.artists, k) += v;
  for (auto& [k, v] : from.agents) slot(into.agents, k) += v;
  for (auto& [k, v] : from.locations) {
    LocationTally& t = slot(into.locations, k);
    t.plays += v.plays;
    t.users.merge(v.users);
  }
  for (auto& [k, v] : from.users) into.users[k] += v;
}

// Most plays first; ties by key, ascending (byte-wise for strings, numeric for user ids).
template <typename Key>
std::vector<std::pair<Key, uint64_t>> top_n(const auto& counts, size_t n) {
  std::vector<std::pair<Key, uint64_t>> all(counts.begin(), counts.end());
  auto order = [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  };
  if (n < all.size()) {
    std::partial_sort(all.begin(), all.begin() + static_cast<ptrdiff_t>(n), all.end(), order);
    all.resize(n);
  } else {
    std::sort(all.begin(), all.end(), order);
  }
  return all;
}

std::vector<Ranked> ranked_classes(const StringMap<uint64_t>& agents,
                                   std::string_view (*classify)(std::string_view)) {
  StringMap<uint64_t> classes;
  for (const auto& [agent, plays] : agents) {
    slot(classes, agent == "\x01" ? std::string_view("(none)") : classify(agent)) += plays;
  }
  std::vector<Ranked> out;
  for (auto& [name, plays] : top_n<std::string>(classes, classes.size())) {
    Ranked r;
    r.key = name;
    r.plays = plays;
    out.push_back(std::move(r));
  }
  return out;
}

// Reads a dimension table whole (dimensions are small next to songplays) and records its facts.
Result<std::optional<lake::LakeTable>> read_dimension(io::FileSystem& fs, const std::string& lake,
                                                      const model::TableSpec& spec, int threads,
                                                      TableFacts& facts) {
  auto table = lake::read_lake_table(fs, lake, spec, threads);
  if (!table.ok()) {
    if (table.status().code() == ErrorCode::kNotFound) return std::optional<lake::LakeTable>();
    return table.status();
  }
  facts.present = true;
  facts.complete = table->has_success;
  facts.files = table->files;
  facts.rows = table->data.num_rows;
  return std::optional<lake::LakeTable>(std::move(*table));
}

// Rows of a table: from its `_SUCCESS` manifest when that names exactly its files, else from the
// files' footers, without decoding any column. (The songs table is one small file per artist
// folder: tens of thousands of files to open on a large lake.)
Status count_rows(io::FileSystem& fs, const lake::LakeListing& listing, int threads,
                  uint64_t& rows) {
  SPARKIFY_ASSIGN_OR_RETURN(std::optional<uint64_t> stated, lake::manifest_rows(fs, listing));
  if (stated) {
    rows += *stated;
    return Status::OK();
  }
  std::vector<uint64_t> per_file(listing.files.size());
  SPARKIFY_RETURN_NOT_OK(parallel_for(listing.files.size(), threads, [&](size_t i, int) -> Status {
    std::string path = io::FileSystem::join(listing.dir, listing.files[i]);
    SPARKIFY_ASSIGN_OR_RETURN(Buffer bytes, fs.read(path));
    SPARKIFY_ASSIGN_OR_RETURN(auto reader, parquet::FileReader::Open(bytes.bytes(), path));
    per_file[i] = static_cast<uint64_t>(reader->num_rows());
    return Status::OK();
  }));
  for (uint64_t n : per_file) rows += n;
  return Status::OK();
}

Result<std::optional<uint64_t>> count_reject_lines(io::FileSystem& fs, const std::string& lake,
                                                   const char* name) {
  std::string path = io::FileSystem::join(lake, std::string("_rejects/") + name);
  SPARKIFY_ASSIGN_OR_RETURN(bool exists, fs.exists(path));
  if (!exists) return std::optional<uint64_t>();
  SPARKIFY_ASSIGN_OR_RETURN(Buffer bytes, fs.read(path));
  auto data = bytes.bytes();
  return std::optional<uint64_t>(
      static_cast<uint64_t>(std::count(data.begin(), data.end(), uint8_t{'\n'})));
}

// string_view lookup into a dimension: key column value -> row.
std::unordered_map<std::string_view, size_t> index_strings(const model::TableData& t,
                                                           std::string_view key) {
  std::unordered_map<std::string_view, size_t> out;
  const auto& c = column(t, key);
  for (size_t i = 0; i < t.num_rows; ++i) {
    if (!c.is_null(i)) out.emplace(c.string_at(i), i);
  }
  return out;
}

std::string string_or_empty(const model::TableData& t, std::string_view name, size_t row) {
  const auto& c = column(t, name);
  return c.is_null(row) ? std::string() : std::string(c.string_at(row));
}

// Titles of `ids`, read from the song files in their artists' folders only.
Result<std::unordered_map<std::string, std::string>> song_titles(
    io::FileSystem& fs, const lake::LakeListing& listing, const StringMap<SongTally>& songs,
    const std::vector<std::string>& ids) {
  std::unordered_set<std::string> folders;
  std::unordered_set<std::string_view> wanted(ids.begin(), ids.end());
  for (const auto& id : ids) {
    auto it = songs.find(id);
    if (it != songs.end() && !it->second.artist_id.empty()) {
      folders.insert(lake::partition_folder("artist_id", it->second.artist_id));
    }
  }
  // Whether a file lies in one of those folders: each of its folders looked up once.
  auto in_folder = [&](std::string_view rel) {
    for (size_t start = 0, slash; (slash = rel.find('/', start)) != std::string_view::npos;
         start = slash + 1) {
      if (folders.count(std::string(rel.substr(start, slash - start)))) return true;
    }
    return false;
  };
  std::unordered_map<std::string, std::string> titles;
  for (const auto& rel : listing.files) {
    if (!in_folder(rel)) continue;
    SPARKIFY_ASSIGN_OR_RETURN(ColumnFile file,
                              ColumnFile::Open(fs, io::FileSystem::join(listing.dir, rel)));
    for (int g = 0; g < file.row_groups(); ++g) {
      SPARKIFY_ASSIGN_OR_RETURN(auto id, file.read(g, "song_id", model::songs_spec()));
      SPARKIFY_ASSIGN_OR_RETURN(auto title, file.read(g, "title", model::songs_spec()));
      const auto& title_values = std::get<parquet::StringColumn>(title.values);
      each_string(id, [&](size_t i, std::string_view song) {
        if (wanted.count(song) && !title.is_null(i)) {
          titles.emplace(std::string(song), std::string(title_values.at(i)));
        }
      });
    }
  }
  return titles;
}

}  // namespace

const TableFacts& LakeAnalysis::table(std::string_view name) const {
  for (const auto& t : tables) {
    if (t.name == name) return t;
  }
  return tables[0];
}

std::string day_text(int32_t day) {
  std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{day}}};
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return text;
}

Result<LakeAnalysis> analyze_lake(io::FileSystem& fs, const std::string& lake,
                                  const AnalysisOptions& options) {
  sparkify::lake::LakeListings listings(fs, lake);
  return analyze_lake(fs, lake, options, listings);
}

Result<LakeAnalysis> analyze_lake(io::FileSystem& fs, const std::string& lake,
                                  const AnalysisOptions& options,
                                  sparkify::lake::LakeListings& listings) {
  SPARKIFY_ASSIGN_OR_RETURN(bool exists, fs.exists(lake));
  if (!exists) return Status::NotFound("the lake " + lake + " does not exist");
  LakeAnalysis out;
  out.lake = lake;
  const auto specs = model::all_table_specs();
  for (size_t i = 0; i < specs.size(); ++i) out.tables[i].name = specs[i]->name;
  auto facts = [&](std::string_view name) -> TableFacts& {
    for (auto& t : out.tables) {
      if (t.name == name) return t;
    }
    return out.tables[0];  // unreachable: every name above is one of the five
  };
  int threads = std::max(1, options.threads);

  // songplays: streamed, one file per worker at a time.
  const auto& listing = listings.of(model::songplays_spec());
  if (!listing.ok() && listing.status().code() != ErrorCode::kNotFound) return listing.status();
  Partial total;
  if (listing.ok()) {
    TableFacts& f = facts("songplays");
    f.present = true;
    f.complete = listing->has_success;
    f.files = listing->files.size();
    std::vector<Partial> partials(static_cast<size_t>(threads));
    SPARKIFY_RETURN_NOT_OK(
        parallel_for(listing->files.size(), threads, [&](size_t i, int worker) -> Status {
          return aggregate_file(fs, io::FileSystem::join(listing->dir, listing->files[i]),
                                partials[static_cast<size_t>(worker)]);
        }));
    total = std::move(partials[0]);  // the others merge into the first worker's tallies
    for (size_t w = 1; w < partials.size(); ++w) merge(total, partials[w]);
    f.rows = total.plays;
  }
  out.songplays = total.plays;
  out.matched = total.matched;
  for (const auto& [day, t] : total.days) out.days.push_back({day, t.plays, t.free, t.paid});
  std::sort(out.days.begin(), out.days.end(),
            [](const DayPlays& a, const DayPlays& b) { return a.day < b.day; });
  out.hour_weekday = total.hour_weekday;

  // time: only its size is shown.
  const auto& time_listing = listings.of(model::time_spec());
  if (time_listing.ok()) {
    TableFacts& f = facts("time");
    f.present = true;
    f.complete = time_listing->has_success;
    f.files = time_listing->files.size();
    SPARKIFY_RETURN_NOT_OK(count_rows(fs, *time_listing, threads, f.rows));
  } else if (time_listing.status().code() != ErrorCode::kNotFound) {
    return time_listing.status();
  }

  // songs: one small file per artist folder, so the count comes from the manifest (or the
  // footers); titles come from the folders of the top songs' artists only (below).
  const auto& song_listing = listings.of(model::songs_spec());
  if (song_listing.ok()) {
    TableFacts& f = facts("songs");
    f.present = true;
    f.complete = song_listing->has_success;
    f.files = song_listing->files.size();
    SPARKIFY_RETURN_NOT_OK(count_rows(fs, *song_listing, threads, f.rows));
  } else if (song_listing.status().code() != ErrorCode::kNotFound) {
    return song_listing.status();
  }
  SPARKIFY_ASSIGN_OR_RETURN(
      auto artists, read_dimension(fs, lake, model::artists_spec(), threads, facts("artists")));
  SPARKIFY_ASSIGN_OR_RETURN(auto users,
                            read_dimension(fs, lake, model::users_spec(), threads, facts("users")));
  for (const auto& t : out.tables) out.any_table = out.any_table || t.present;
  if (!out.any_table) {
    return Status::NotFound(lake +
                            " is not a sparkify lake: it holds none of the tables songs, "
                            "artists, users, time, songplays");
  }

  std::unordered_map<std::string_view, size_t> artist_rows;
  if (artists) artist_rows = index_strings(artists->data, "artist_id");
  auto artist_name = [&](std::string_view id) {
    auto it = artist_rows.find(id);
    return it == artist_rows.end() ? std::string()
                                   : string_or_empty(artists->data, "name", it->second);
  };

  std::vector<std::pair<std::string, uint64_t>> song_plays;
  song_plays.reserve(total.songs.size());
  for (const auto& [id, t] : total.songs) song_plays.emplace_back(id, t.plays);
  auto top_songs = top_n<std::string>(song_plays, options.top);
  std::unordered_map<std::string, std::string> titles;
  if (song_listing.ok()) {
    std::vector<std::string> wanted_ids;
    for (const auto& [id, plays] : top_songs) wanted_ids.push_back(id);
    SPARKIFY_ASSIGN_OR_RETURN(titles, song_titles(fs, *song_listing, total.songs, wanted_ids));
  }
  for (auto& [id, plays] : top_songs) {
    Ranked r;
    r.key = id;
    r.plays = plays;
    r.label = titles[id];
    r.detail = artist_name(total.songs[id].artist_id);
    out.top_songs.push_back(std::move(r));
  }
  for (auto& [id, plays] : top_n<std::string>(total.artists, options.top)) {
    Ranked r;
    r.key = id;
    r.label = artist_name(id);
    r.plays = plays;
    out.top_artists.push_back(std::move(r));
  }

  std::unordered_map<int64_t, size_t> user_rows;
  if (users) {
    const auto& ids = values<int64_t>(users->data, "user_id");
    for (size_t i = 0; i < users->data.num_rows; ++i) user_rows.emplace(ids[i], i);
  }
  for (auto& [id, plays] : top_n<int64_t>(total.users, options.top)) {
    Ranked r;
    r.key = std::to_string(id);
    r.plays = plays;
    if (auto it = user_rows.find(id); it != user_rows.end()) {
      std::string first = string_or_empty(users->data, "first_name", it->second);
      std::string last = string_or_empty(users->data, "last_name", it->second);
      r.label = first.empty() || last.empty() ? first + last : first + " " + last;
      r.detail = string_or_empty(users->data, "level", it->second);
    }
    out.top_users.push_back(std::move(r));
  }
  std::vector<std::pair<std::string, uint64_t>> location_plays;
  location_plays.reserve(total.locations.size());
  for (const auto& [loc, t] : total.locations) location_plays.emplace_back(loc, t.plays);
  for (auto& [loc, plays] : top_n<std::string>(location_plays, options.top)) {
    Ranked r;
    r.key = loc;
    r.plays = plays;
    r.users = total.locations[loc].users.size();
    out.top_locations.push_back(std::move(r));
  }
  out.browsers = ranked_classes(total.agents, browser_of);
  out.systems = ranked_classes(total.agents, os_of);

  SPARKIFY_ASSIGN_OR_RETURN(out.song_rejects, count_reject_lines(fs, lake, "songs.jsonl"));
  SPARKIFY_ASSIGN_OR_RETURN(out.log_rejects, count_reject_lines(fs, lake, "logs.jsonl"));
  return out;
}

}  // namespace sparkify::report
