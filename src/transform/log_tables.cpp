#include "transform/log_tables.h"

#include <algorithm>
#include <tuple>

#include "common/parallel.h"
#include "transform/time_breakdown.h"

namespace sparkify::transform {

LogWorkerState::LogWorkerState(const SongIndex* index)
    : index_(index), pool_(std::make_shared<StringPool>()) {}

void LogWorkerState::begin_file(uint32_t file_index, size_t expected_events) {
  files_.emplace_back();
  FileEvents& f = files_.back();
  f.file_index = file_index;
  // Growing by doubling would copy each column about twice and fault in pages it then frees.
  for (auto* v : {&f.ts, &f.user_id, &f.session_id}) v->reserve(expected_events);
  for (auto* v : {&f.level, &f.location, &f.user_agent, &f.song}) v->reserve(expected_events);
  f.session_valid.reserve(expected_events);
}

void LogWorkerState::on_event(const model::EventRecord& e) {
  FileEvents& f = files_.back();
  f.ts.push_back(e.ts);
  f.user_id.push_back(e.user_id);
  f.session_id.push_back(e.session_id.value_or(0));
  f.session_valid.push_back(e.session_id.has_value());
  f.level.push_back(intern(e.level));
  f.location.push_back(intern(e.location));
  f.user_agent.push_back(intern(e.user_agent));
  int32_t song = -1;
  if (e.song.valid && e.artist.valid && e.length) {
    song = index_->find(e.song.value, e.artist.value, *e.length);
  }
  matched_ += song >= 0;
  f.song.push_back(song);

  // Users take their fields from their latest event: (ts, file, line) orders events totally, so
  // the winner does not depend on which worker saw which file.
  auto key = std::make_tuple(e.ts, f.file_index, e.line);
  auto [it, inserted] = users_.try_emplace(e.user_id);
  LatestUserEvent& u = it->second;
  if (inserted || key >= std::make_tuple(u.ts, u.file_index, u.line)) {
    u = {e.ts, f.file_index, e.line, intern(e.first_name), intern(e.last_name), intern(e.gender),
         f.level.back()};
  }
}

namespace {

using StringBuilder = model::ColumnBuilder<std::string_view>;

void push_pooled(StringBuilder& b, const StringPool& pool, int32_t id) {
  if (id == StringPool::kNull) b.push_null();
  else b.push(pool.get(id));
}

// The time table: one row per distinct start_time. The halves are sorted on two threads and
// merged; the calendar fields are computed in parallel slices.
model::TableData make_time_table(std::vector<int64_t> all_ts, int threads) {
  auto middle = all_ts.begin() + static_cast<std::ptrdiff_t>(all_ts.size() / 2);
  (void)parallel_for(2, threads, [&](size_t half, int) {
    if (half == 0) std::sort(all_ts.begin(), middle);
    else std::sort(middle, all_ts.end());
    return Status::OK();
  });
  std::inplace_merge(all_ts.begin(), middle, all_ts.end());
  all_ts.erase(std::unique(all_ts.begin(), all_ts.end()), all_ts.end());
  size_t n = all_ts.size();
  std::vector<int64_t> start(n);
  std::vector<int32_t> hour(n), day(n), week(n), month(n), year(n), weekday(n);
  constexpr size_t kSlice = 64 * 1024;
  (void)parallel_for((n + kSlice - 1) / kSlice, threads, [&](size_t slice, int) {
    for (size_t i = slice * kSlice; i < std::min(n, (slice + 1) * kSlice); ++i) {
      TimeParts p = time_parts_from_millis(all_ts[i]);
      start[i] = all_ts[i] * 1000;
      hour[i] = p.hour;
      day[i] = p.day;
      week[i] = p.week;
      month[i] = p.month;
      year[i] = p.year;
      weekday[i] = p.weekday;
    }
    return Status::OK();
  });
  model::TableData t;
  t.spec = &model::time_spec();
  t.num_rows = n;
  t.columns.resize(7);
  t.columns[0].values = std::move(start);
  t.columns[1].values = std::move(hour);
  t.columns[2].values = std::move(day);
  t.columns[3].values = std::move(week);
  t.columns[4].values = std::move(month);
  t.columns[5].values = std::move(year);
  t.columns[6].values = std::move(weekday);
  return t;
}

}  // namespace

// A dictionary column over every worker's pool: worker w's id k is global id offset[w] + k. The
// pools are not merged (a value may repeat across workers); the Parquet writer dedups per file.
// Sized up front so parts of it can be filled from several threads.
struct PooledColumn {
  model::DictionaryColumn column;
  std::vector<uint8_t> valid;

  explicit PooledColumn(size_t rows) {
    column.indices.resize(rows);
    valid.resize(rows);
  }
  void set(size_t row, int32_t global_id) {
    column.indices[row] = global_id < 0 ? 0 : global_id;
    valid[row] = global_id >= 0;
  }
  model::Column finish() {
    model::Column c;
    c.values = std::move(column);
    if (std::find(valid.begin(), valid.end(), 0) != valid.end()) c.valid = std::move(valid);
    return c;
  }
};

struct LogCombiner {
  static LogTables combine(std::vector<LogWorkerState>& workers, const SongIndex& index,
                           std::vector<std::shared_ptr<const void>> owners) {
    struct Part {
      LogWorkerState::FileEvents* events;
      int32_t pool_offset;
      size_t first_row;
    };
    std::vector<Part> parts;
    std::vector<std::string_view> pooled;  // every worker's pool, concatenated
    LogTables out;
    for (auto& w : workers) {
      owners.push_back(w.pool_);
      out.matched_songplays += w.matched_;
      int32_t offset = static_cast<int32_t>(pooled.size());
      for (size_t i = 0; i < w.pool_->size(); ++i) {
        pooled.push_back(w.pool_->get(static_cast<int32_t>(i)));
      }
      for (auto& f : w.files_) parts.push_back({&f, offset, 0});
    }
    std::sort(parts.begin(), parts.end(), [](const Part& a, const Part& b) {
      return a.events->file_index < b.events->file_index;
    });
    size_t total = 0;
    for (Part& part : parts) {
      part.first_row = total;  // songplay_id is 1-based in file then line order
      total += part.events->ts.size();
    }

    std::vector<int64_t> songplay_id(total), start_time(total), user_id(total), session(total);
    std::vector<uint8_t> session_valid(total);
    std::vector<int32_t> year(total), month(total);
    PooledColumn level(total), location(total), user_agent(total), song_id(total),
        artist_id(total);
    std::vector<int64_t> all_ts(total);

    int threads = static_cast<int>(std::max<size_t>(1, workers.size()));
    (void)parallel_for(parts.size(), threads, [&](size_t p, int) {
      const Part& part = parts[p];
      LogWorkerState::FileEvents& f = *part.events;
      auto global = [&](int32_t id) { return id < 0 ? -1 : id + part.pool_offset; };
      int64_t cached_day = INT64_MIN;
      TimeParts cached{};
      for (size_t i = 0; i < f.ts.size(); ++i) {
        size_t row = part.first_row + i;
        songplay_id[row] = static_cast<int64_t>(row) + 1;
        start_time[row] = f.ts[i] * 1000;
        all_ts[row] = f.ts[i];
        user_id[row] = f.user_id[i];
        session[row] = f.session_id[i];
        session_valid[row] = f.session_valid[i];
        int64_t day = f.ts[i] >= 0 ? f.ts[i] / 86400000 : (f.ts[i] - 86399999) / 86400000;
        if (day != cached_day) {
          cached = time_parts_from_millis(f.ts[i]);
          cached_day = day;
        }
        year[row] = cached.year;
        month[row] = cached.month;
        level.set(row, global(f.level[i]));
        location.set(row, global(f.location[i]));
        user_agent.set(row, global(f.user_agent[i]));
        song_id.set(row, f.song[i]);
        artist_id.set(row, f.song[i]);
      }
      // Each file's events are copied once; free them now so the peak holds one copy, not two.
      f = LogWorkerState::FileEvents{};
      return Status::OK();
    });
    level.column.dictionary = pooled;
    location.column.dictionary = pooled;
    user_agent.column.dictionary = std::move(pooled);
    song_id.column.dictionary.reserve(index.size());
    artist_id.column.dictionary.reserve(index.size());
    for (size_t i = 0; i < index.size(); ++i) {
      song_id.column.dictionary.push_back(index.match(static_cast<int32_t>(i)).song_id);
      artist_id.column.dictionary.push_back(index.match(static_cast<int32_t>(i)).artist_id);
    }

    model::TableData& sp = out.songplays;
    sp.spec = &model::songplays_spec();
    sp.num_rows = total;
    sp.columns.resize(11);
    sp.columns[0].values = std::move(songplay_id);
    sp.columns[1].values = std::move(start_time);
    sp.columns[2].values = std::move(user_id);
    sp.columns[3] = level.finish();
    sp.columns[4] = song_id.finish();
    sp.columns[5] = artist_id.finish();
    sp.columns[6].values = std::move(session);
    if (std::find(session_valid.begin(), session_valid.end(), 0) != session_valid.end()) {
      sp.columns[6].valid = std::move(session_valid);
    }
    sp.columns[7] = location.finish();
    sp.columns[8] = user_agent.finish();
    sp.columns[9].values = std::move(year);
    sp.columns[10].values = std::move(month);
    sp.owners = owners;

    out.time = make_time_table(std::move(all_ts), threads);
    out.users = combine_users(workers);
    out.users.owners = std::move(owners);
    return out;
  }

  static model::TableData combine_users(std::vector<LogWorkerState>& workers) {
    struct Winner {
      LogWorkerState::LatestUserEvent event;
      const StringPool* pool;
    };
    std::unordered_map<int64_t, Winner> users;
    for (auto& w : workers) {
      for (const auto& [id, e] : w.users_) {
        auto [it, inserted] = users.try_emplace(id, Winner{e, w.pool_.get()});
        if (!inserted && std::make_tuple(e.ts, e.file_index, e.line) >
                             std::make_tuple(it->second.event.ts, it->second.event.file_index,
                                             it->second.event.line)) {
          it->second = {e, w.pool_.get()};
        }
      }
    }
    std::vector<int64_t> ids;
    ids.reserve(users.size());
    for (const auto& [id, w] : users) ids.push_back(id);
    std::sort(ids.begin(), ids.end());
    StringBuilder first, last, gender, level;
    for (int64_t id : ids) {
      const Winner& w = users.at(id);
      push_pooled(first, *w.pool, w.event.first_name);
      push_pooled(last, *w.pool, w.event.last_name);
      push_pooled(gender, *w.pool, w.event.gender);
      push_pooled(level, *w.pool, w.event.level);
    }
    model::TableData t;
    t.spec = &model::users_spec();
    t.num_rows = ids.size();
    t.columns.resize(5);
    t.columns[0].values = std::move(ids);
    t.columns[1] = first.finish();
    t.columns[2] = last.finish();
    t.columns[3] = gender.finish();
    t.columns[4] = level.finish();
    return t;
  }
};

LogTables build_log_tables(std::vector<LogWorkerState>& workers, const SongIndex& index,
                           std::vector<std::shared_ptr<const void>> song_owners) {
  return LogCombiner::combine(workers, index, std::move(song_owners));
}

}  // namespace sparkify::transform
