#include "exec/lake_verifier.h"

#include <algorithm>
#include <climits>
#include <optional>
#include <unordered_set>

#include "common/sorted.h"
#include "exec/lake_record_check.h"
#include "lake/lake_reader.h"
#include "model/table.h"
#include "transform/time_breakdown.h"

// The tables are streamed a row group at a time (lake::scan_lake_table), never held whole: what
// stays in memory is what a check must hold — the dimensions' key sets (songs, artists, users,
// time) and the songplay ids as runs of consecutive values (a handful on a good lake). Checks that
// report "the first" failure keep it per file and combine the files in listing order, the order a
// whole-table read concatenates them in, so every result is what reading whole tables gave.

namespace sparkify::exec {

namespace {

using lake::LakeRowGroup;
using parquet::ColumnData;

CheckResult named_check(std::string name) {
  CheckResult r;
  r.name = std::move(name);
  return r;
}

template <typename T>
std::string show(const T& v) {
  if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>)
    return "\"" + std::string(v) + "\"";
  else
    return std::to_string(v);
}

const std::vector<int64_t>& int64s(const ColumnData& c) {
  return std::get<std::vector<int64_t>>(c.values);
}
const std::vector<int32_t>& int32s(const ColumnData& c) {
  return std::get<std::vector<int32_t>>(c.values);
}
const parquet::StringColumn& strings(const ColumnData& c) {
  return std::get<parquet::StringColumn>(c.values);
}

// What one check found in one file.
struct Tally {
  uint64_t checked = 0, failures = 0;
  std::string detail;  // of the file's first failure

  template <typename Describe>
  void fail(Describe&& describe) {
    if (failures++ == 0) detail = describe();
  }
};

// The files' tallies in listing order: the first failure is the first file's that has one.
CheckResult combined(std::string name, const std::vector<Tally>& files) {
  CheckResult r = named_check(std::move(name));
  for (const Tally& f : files) {
    r.checked += f.checked;
    if (f.failures > 0 && r.failures == 0) r.detail = f.detail;
    r.failures += f.failures;
  }
  r.passed = r.failures == 0;
  return r;
}

// Null keys per file: how many, and the first one's row in the file.
struct NullKeys {
  std::vector<uint64_t> rows, nulls;
  std::vector<std::optional<uint64_t>> first;

  explicit NullKeys(size_t files) : rows(files), nulls(files), first(files) {}
  void add(const LakeRowGroup& g, const ColumnData& c) {
    size_t f = g.file();
    for (size_t i = 0; i < g.rows(); ++i) {
      if (!c.is_null(i)) continue;
      if (nulls[f]++ == 0) first[f] = rows[f] + i;
    }
    rows[f] += g.rows();
  }
  // Adds the null keys to a unique-key check: one failure each; the first one's row (counted
  // over the whole table) is the detail when no duplicate came first.
  void report(CheckResult& r) const {
    uint64_t offset = 0;
    for (size_t f = 0; f < rows.size(); ++f) {
      if (nulls[f] > 0 && r.failures == 0) {
        r.detail = "null key in row " + std::to_string(offset + *first[f]);
      }
      r.failures += nulls[f];
      offset += rows[f];
    }
  }
};

// Every value of a dimension's key column (null rows as the value stored for them, as the
// column holds them), collected per worker; sorted, it gives the unique-key check and the set
// that references look up.
template <typename T>
struct KeyColumn {
  std::vector<std::vector<T>> per_worker;
  NullKeys null_keys;
  std::vector<T> sorted;

  KeyColumn(int threads, size_t files)
      : per_worker(static_cast<size_t>(threads)), null_keys(files) {}

  Status add(LakeRowGroup& g, int worker, std::string_view name) {
    SPARKIFY_ASSIGN_OR_RETURN(ColumnData c, g.read(name));
    add(g, worker, c);
    return Status::OK();
  }
  void add(const LakeRowGroup& g, int worker, const ColumnData& c) {
    auto& out = per_worker[static_cast<size_t>(worker)];
    if constexpr (std::is_same_v<T, std::string>) {
      const auto& s = strings(c);
      for (size_t i = 0; i < s.size(); ++i) out.emplace_back(s.at(i));
    } else {
      const auto& v = int64s(c);
      out.insert(out.end(), v.begin(), v.end());
    }
    null_keys.add(g, c);
  }

  // Sorts the values and checks them: REQUIRED and unique.
  CheckResult unique(const std::string& table, std::string_view name) {
    for (auto& part : per_worker) {
      sorted.insert(sorted.end(), std::make_move_iterator(part.begin()),
                    std::make_move_iterator(part.end()));
      part = {};
    }
    sort_runs(sorted);  // files written sorted (time) give a few runs to merge
    CheckResult r = named_check(table + "." + std::string(name) + " is a unique key");
    r.checked = sorted.size();
    for (size_t i = 1; i < sorted.size(); ++i) {
      if (sorted[i] == sorted[i - 1] && r.failures++ == 0)
        r.detail = "duplicate " + show(sorted[i]);
    }
    null_keys.report(r);
    r.passed = r.failures == 0;
    return r;
  }
};

// The sorted keys as a set to look values up in. Keys of a narrow range (user ids) become a
// bitmap, looked up at once; others (start times, microseconds) are searched from the previous
// lookup's position, as songplays come in start-time order.
class Int64Keys {
 public:
  explicit Int64Keys(const std::vector<int64_t>& sorted) : sorted_(&sorted) {
    if (sorted.empty()) return;
    uint64_t span = static_cast<uint64_t>(sorted.back()) - static_cast<uint64_t>(sorted.front());
    if (span / 64 >= 4 * sorted.size() + 1024) return;  // sparse: search instead
    first_ = sorted.front();
    bits_.assign(span / 64 + 1, 0);
    for (int64_t k : sorted) {
      uint64_t at = static_cast<uint64_t>(k) - static_cast<uint64_t>(first_);
      bits_[at / 64] |= uint64_t{1} << (at % 64);
    }
  }

  // `near`: where the previous lookup ended (updated).
  bool contains(int64_t v, size_t& near) const {
    if (!bits_.empty()) {
      if (v < first_) return false;
      uint64_t at = static_cast<uint64_t>(v) - static_cast<uint64_t>(first_);
      return at / 64 < bits_.size() && (bits_[at / 64] >> (at % 64) & 1) != 0;
    }
    near = lower_bound_near(*sorted_, v, near);
    return near < sorted_->size() && (*sorted_)[near] == v;
  }

 private:
  const std::vector<int64_t>* sorted_;
  int64_t first_ = 0;
  std::vector<uint64_t> bits_;
};
struct StringKeys {
  std::unordered_set<std::string_view> set;
  explicit StringKeys(const std::vector<std::string>& sorted) : set(sorted.begin(), sorted.end()) {}
  bool contains(std::string_view v) const { return set.count(v) > 0; }
};

// Every non-null value of a column appears among `keys`: one file's rows.
template <typename Keys>
void check_references(const ColumnData& c, const Keys& keys, Tally& t) {
  if constexpr (std::is_same_v<Keys, StringKeys>) {
    const auto& s = strings(c);
    for (size_t i = 0; i < s.size(); ++i) {
      if (c.is_null(i)) continue;
      ++t.checked;
      if (!keys.contains(s.at(i))) t.fail([&] { return "missing " + show(s.at(i)); });
    }
  } else {
    const auto& v = int64s(c);
    size_t near = 0;
    for (size_t i = 0; i < v.size(); ++i) {
      if (c.is_null(i)) continue;
      ++t.checked;
      if (!keys.contains(v[i], near)) t.fail([&] { return "missing " + show(v[i]); });
    }
  }
}

// The non-null values of a string column in row order, equal neighbours counted once: for a
// reference check that must wait for the table it points at (songs.artist_id, a partition
// column: one run per file).
struct ValueRun {
  std::string value;
  uint64_t rows = 0;
};

void add_runs(const ColumnData& c, std::vector<ValueRun>& runs) {
  const auto& s = strings(c);
  for (size_t i = 0; i < s.size(); ++i) {
    if (c.is_null(i)) continue;
    if (runs.empty() || runs.back().value != s.at(i)) runs.push_back({std::string(s.at(i)), 0});
    ++runs.back().rows;
  }
}

CheckResult run_references(std::string name, const std::vector<std::vector<ValueRun>>& files,
                           const StringKeys& keys) {
  std::vector<Tally> tallies(files.size());
  for (size_t f = 0; f < files.size(); ++f) {
    for (const ValueRun& run : files[f]) {
      tallies[f].checked += run.rows;
      if (keys.contains(run.value)) continue;
      if (tallies[f].failures == 0) tallies[f].detail = "missing " + show(run.value);
      tallies[f].failures += run.rows;
    }
  }
  return combined(std::move(name), tallies);
}

// The values of an integer column as runs of consecutive values — a good songplays table's ids
// 1..N are a few runs, one per file — with exact duplicate counts: what the unique-key and 1..N
// checks need, without one value per row.
class IdRuns {
 public:
  void add(int64_t v) {
    ++count_;
    if (!runs_.empty() && runs_.back().last != INT64_MAX && runs_.back().last + 1 == v) {
      runs_.back().last = v;
      return;
    }
    runs_.push_back({v, v});
    if (runs_.size() >= compact_at_) compact();
  }

  void merge(IdRuns&& other) {
    count_ += other.count_;
    duplicates_ += other.duplicates_;
    note_duplicate(other.min_duplicate_);
    runs_.insert(runs_.end(), other.runs_.begin(), other.runs_.end());
    other = IdRuns();
    compact();
  }

  // Sorts the runs and joins overlapping or adjacent ones; what overlaps is a duplicate. Sorted
  // by start, a run can only overlap the last joined one.
  void compact() {
    std::sort(runs_.begin(), runs_.end(), [](const Run& a, const Run& b) {
      return a.first != b.first ? a.first < b.first : a.last < b.last;
    });
    std::vector<Run> out;
    for (const Run& r : runs_) {
      if (!out.empty() && r.first <= out.back().last) {
        int64_t end = std::min(r.last, out.back().last);
        duplicates_ += static_cast<uint64_t>(end) - static_cast<uint64_t>(r.first) + 1;
        note_duplicate(r.first);
        out.back().last = std::max(out.back().last, r.last);
      } else if (!out.empty() && out.back().last != INT64_MAX && r.first == out.back().last + 1) {
        out.back().last = r.last;
      } else {
        out.push_back(r);
      }
    }
    runs_ = std::move(out);
    compact_at_ = std::max<size_t>(2 * runs_.size(), 4096);
  }

  uint64_t count() const { return count_; }
  uint64_t duplicates() const { return duplicates_; }
  std::optional<int64_t> min_duplicate() const { return min_duplicate_; }

  // Where the sorted values first differ from 1, 2, 3, …: {expected, found}, or nullopt when
  // they are exactly 1..count. Call after compact().
  std::optional<std::pair<int64_t, int64_t>> first_gap() const {
    if (runs_.empty()) return std::nullopt;
    if (runs_[0].first != 1) return std::pair<int64_t, int64_t>{1, runs_[0].first};
    // 1..last are all there; the first value seen twice, or the gap after `last`, comes next.
    int64_t last = runs_[0].last;
    if (min_duplicate_ && *min_duplicate_ <= last) {
      return std::pair<int64_t, int64_t>{*min_duplicate_ + 1, *min_duplicate_};
    }
    if (runs_.size() > 1) return std::pair<int64_t, int64_t>{last + 1, runs_[1].first};
    return std::nullopt;
  }

 private:
  struct Run {
    int64_t first, last;
  };
  void note_duplicate(std::optional<int64_t> v) {
    if (v && (!min_duplicate_ || *v < *min_duplicate_)) min_duplicate_ = v;
  }

  std::vector<Run> runs_;
  size_t compact_at_ = 4096;
  uint64_t count_ = 0, duplicates_ = 0;
  std::optional<int64_t> min_duplicate_;
};

Status scan_time(io::FileSystem& fs, const lake::LakeListing& listing, int threads,
                 KeyColumn<int64_t>& keys, std::vector<Tally>& columns) {
  columns.assign(listing.files.size(), {});
  return lake::scan_lake_table(
      fs, listing, model::time_spec(), threads, [&](LakeRowGroup& g, int worker) -> Status {
        SPARKIFY_ASSIGN_OR_RETURN(ColumnData start_column, g.read("start_time"));
        keys.add(g, worker, start_column);
        const auto& start = int64s(start_column);
        const char* names[] = {"hour", "day", "week", "month", "year", "weekday"};
        std::vector<ColumnData> parts;
        for (const char* name : names) {
          SPARKIFY_ASSIGN_OR_RETURN(ColumnData c, g.read(name));
          parts.push_back(std::move(c));
        }
        Tally& t = columns[g.file()];
        transform::TimePartsByHour by_hour;
        for (size_t i = 0; i < g.rows(); ++i) {
          ++t.checked;
          const transform::TimeParts& p = by_hour.at(start[i] / 1000);
          int32_t want[] = {p.hour, p.day, p.week, p.month, p.year, p.weekday};
          for (int k = 0; k < 6; ++k) {
            if (parts[k].is_null(i) || int32s(parts[k])[i] != want[k]) {
              t.fail([&] {
                return std::string(names[k]) + " wrong for start_time " + std::to_string(start[i]);
              });
              break;
            }
          }
        }
        return Status::OK();
      });
}

// The songplays checks that need no other table, and the references to the dimensions present.
struct SongplayChecks {
  std::vector<IdRuns> ids;  // per worker
  std::optional<NullKeys> null_ids;
  std::vector<Tally> partitions, users, times, songs, artists;  // per file
};

Status scan_songplays(io::FileSystem& fs, const lake::LakeListing& listing, int threads,
                      const std::optional<Int64Keys>& users, const std::optional<Int64Keys>& times,
                      const std::optional<StringKeys>& songs,
                      const std::optional<StringKeys>& artists, SongplayChecks& out) {
  size_t files = listing.files.size();
  out.ids.resize(static_cast<size_t>(threads));
  out.null_ids.emplace(files);
  for (auto* v : {&out.partitions, &out.users, &out.times, &out.songs, &out.artists}) {
    v->assign(files, {});
  }
  auto refs = [](LakeRowGroup& g, const char* name, const auto& keys,
                 std::vector<Tally>& tallies) -> Status {
    if (!keys) return Status::OK();
    SPARKIFY_ASSIGN_OR_RETURN(ColumnData c, g.read(name));
    check_references(c, *keys, tallies[g.file()]);
    return Status::OK();
  };
  return lake::scan_lake_table(
      fs, listing, model::songplays_spec(), threads, [&](LakeRowGroup& g, int worker) -> Status {
        {
          SPARKIFY_ASSIGN_OR_RETURN(ColumnData id, g.read("songplay_id"));
          IdRuns& runs = out.ids[static_cast<size_t>(worker)];
          for (int64_t v : int64s(id)) runs.add(v);
          out.null_ids->add(g, id);
        }
        {
          SPARKIFY_ASSIGN_OR_RETURN(ColumnData start, g.read("start_time"));
          SPARKIFY_ASSIGN_OR_RETURN(ColumnData year_column, g.read("year"));
          SPARKIFY_ASSIGN_OR_RETURN(ColumnData month_column, g.read("month"));
          const auto& us = int64s(start);
          const auto& year = int32s(year_column);
          const auto& month = int32s(month_column);
          Tally& t = out.partitions[g.file()];
          transform::TimePartsByHour by_hour;
          for (size_t i = 0; i < g.rows(); ++i) {
            if (start.is_null(i)) continue;
            ++t.checked;
            const transform::TimeParts& p = by_hour.at(us[i] / 1000);
            if (p.year != year[i] || p.month != month[i]) {
              t.fail([&] {
                return "row with start_time " + std::to_string(us[i]) +
                       " is in year=" + std::to_string(year[i]) +
                       "/month=" + std::to_string(month[i]);
              });
            }
          }
          if (times) check_references(start, *times, out.times[g.file()]);
        }
        SPARKIFY_RETURN_NOT_OK(refs(g, "user_id", users, out.users));
        SPARKIFY_RETURN_NOT_OK(refs(g, "song_id", songs, out.songs));
        return refs(g, "artist_id", artists, out.artists);
      });
}

CheckResult songplay_ids_unique(const IdRuns& ids, const NullKeys& nulls) {
  CheckResult r = named_check("songplays.songplay_id is a unique key");
  r.checked = ids.count();
  r.failures = ids.duplicates();
  if (r.failures > 0) r.detail = "duplicate " + show(*ids.min_duplicate());
  nulls.report(r);
  r.passed = r.failures == 0;
  return r;
}

CheckResult songplay_ids_dense(const IdRuns& ids) {
  CheckResult r = named_check("songplays.songplay_id runs 1..N");
  r.checked = ids.count();
  if (auto gap = ids.first_gap()) {
    r.failures = 1;
    r.detail = "expected " + std::to_string(gap->first) + ", found " + std::to_string(gap->second);
  }
  r.passed = r.failures == 0;
  return r;
}

}  // namespace

Result<VerifyReport> verify_lake(const std::string& lake, const io::FileSystemOptions& storage,
                                 int threads) {
  SPARKIFY_ASSIGN_OR_RETURN(auto fs, io::make_file_system(lake, storage));
  sparkify::lake::LakeListings listings(*fs, lake);
  return verify_lake(*fs, lake, threads, listings);
}

Result<VerifyReport> verify_lake(io::FileSystem& fs, const std::string& lake, int threads,
                                 sparkify::lake::LakeListings& listings) {
  SPARKIFY_ASSIGN_OR_RETURN(bool exists, fs.exists(lake));
  if (!exists) return Status::NotFound("the lake " + lake + " does not exist");
  threads = std::max(1, threads);

  // Each table in publishing order: listed, then streamed for what its checks keep.
  VerifyReport report;
  const lake::LakeListing *songs = nullptr, *artists = nullptr, *users = nullptr, *time = nullptr,
                          *songplays = nullptr;
  for (auto [spec, listing] : {std::pair{&model::songs_spec(), &songs},
                               {&model::artists_spec(), &artists},
                               {&model::users_spec(), &users},
                               {&model::time_spec(), &time},
                               {&model::songplays_spec(), &songplays}}) {
    CheckResult present = named_check(spec->name + " is published (_SUCCESS) and readable");
    const auto& listed = listings.of(*spec);
    if (!listed.ok()) {
      if (listed.status().code() != ErrorCode::kNotFound) return listed.status();
      present.passed = false;
      present.failures = 1;
      present.detail = listed.status().message();
      report.checks.push_back(present);
      continue;
    }
    present.checked = listed->files.size();
    if (!listed->has_success) {
      present.passed = false;
      present.failures = 1;
      present.detail = "no _SUCCESS: the table was never completely written";
    }
    report.checks.push_back(present);
    *listing = &*listed;
  }

  // The dimensions, in publishing order (a damaged file fails verify as when it read them whole).
  std::optional<KeyColumn<std::string>> song_ids, artist_ids;
  std::optional<KeyColumn<int64_t>> user_ids, time_keys;
  std::vector<std::vector<ValueRun>> song_artists;
  std::vector<Tally> time_columns;
  if (songs) {
    song_ids.emplace(threads, songs->files.size());
    song_artists.resize(songs->files.size());
    SPARKIFY_RETURN_NOT_OK(lake::scan_lake_table(
        fs, *songs, model::songs_spec(), threads, [&](LakeRowGroup& g, int worker) -> Status {
          SPARKIFY_RETURN_NOT_OK(song_ids->add(g, worker, "song_id"));
          SPARKIFY_ASSIGN_OR_RETURN(ColumnData artist, g.read("artist_id"));
          add_runs(artist, song_artists[g.file()]);
          return Status::OK();
        }));
  }
  if (artists) {
    artist_ids.emplace(threads, artists->files.size());
    SPARKIFY_RETURN_NOT_OK(lake::scan_lake_table(
        fs, *artists, model::artists_spec(), threads,
        [&](LakeRowGroup& g, int worker) { return artist_ids->add(g, worker, "artist_id"); }));
  }
  if (users) {
    user_ids.emplace(threads, users->files.size());
    SPARKIFY_RETURN_NOT_OK(lake::scan_lake_table(
        fs, *users, model::users_spec(), threads,
        [&](LakeRowGroup& g, int worker) { return user_ids->add(g, worker, "user_id"); }));
  }
  if (time) {
    time_keys.emplace(threads, time->files.size());
    SPARKIFY_RETURN_NOT_OK(scan_time(fs, *time, threads, *time_keys, time_columns));
  }

  if (song_ids) report.checks.push_back(song_ids->unique("songs", "song_id"));
  if (artist_ids) report.checks.push_back(artist_ids->unique("artists", "artist_id"));
  if (user_ids) report.checks.push_back(user_ids->unique("users", "user_id"));
  if (time_keys) {
    report.checks.push_back(time_keys->unique("time", "start_time"));
    report.checks.push_back(
        combined("time columns match start_time (UTC, ISO week, 1 = Sunday)", time_columns));
  }
  std::optional<StringKeys> song_set, artist_set;
  if (song_ids) song_set.emplace(song_ids->sorted);
  if (artist_ids) artist_set.emplace(artist_ids->sorted);
  if (songs && artists) {
    report.checks.push_back(
        run_references("songs.artist_id references artists", song_artists, *artist_set));
  }
  song_artists = {};

  if (songplays) {
    std::optional<Int64Keys> user_set, time_set;
    if (user_ids) user_set.emplace(user_ids->sorted);
    if (time_keys) time_set.emplace(time_keys->sorted);
    SongplayChecks sp;
    SPARKIFY_RETURN_NOT_OK(
        scan_songplays(fs, *songplays, threads, user_set, time_set, song_set, artist_set, sp));
    IdRuns ids;
    for (IdRuns& part : sp.ids) ids.merge(std::move(part));
    ids.compact();
    report.checks.push_back(songplay_ids_unique(ids, *sp.null_ids));
    report.checks.push_back(songplay_ids_dense(ids));
    report.checks.push_back(combined("songplays year/month match start_time", sp.partitions));
    if (users) report.checks.push_back(combined("songplays.user_id references users", sp.users));
    if (time) report.checks.push_back(combined("songplays.start_time references time", sp.times));
    if (songs) report.checks.push_back(combined("songplays.song_id references songs", sp.songs));
    if (artists) {
      report.checks.push_back(combined("songplays.artist_id references artists", sp.artists));
    }
  }
  SPARKIFY_ASSIGN_OR_RETURN(bool debris, fs.exists(io::FileSystem::join(lake, "_staging")));
  CheckResult clean = named_check("no staging debris from an interrupted run");
  clean.checked = 1;
  if (debris) {
    clean.passed = false;
    clean.failures = 1;
    clean.detail = "_staging/ exists (a run is active, or was killed: the next etl removes it)";
  }
  report.checks.push_back(clean);
  SPARKIFY_ASSIGN_OR_RETURN(auto record, check_load_record(fs, lake, listings));
  if (record) report.checks.push_back(std::move(*record));
  return report;
}

}  // namespace sparkify::exec
