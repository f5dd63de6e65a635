#include "transform/log_tables.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <tuple>

#include "common/parallel.h"
#include "common/wire.h"
#include "transform/time_breakdown.h"

namespace sparkify::transform {

namespace {

using model::bind;
using model::empty_table;

template <typename T>
model::Column values_column(std::vector<T> values) {
  model::Column c;
  c.values = std::move(values);
  return c;
}

template <typename T>
void put(std::vector<uint8_t>& out, const std::vector<T>& v) {
  size_t at = out.size();
  out.resize(at + v.size() * sizeof(T));
  if (!v.empty()) std::memcpy(out.data() + at, v.data(), v.size() * sizeof(T));
}

template <typename T>
bool get(std::span<const uint8_t>& in, std::vector<T>& v, size_t n) {
  if (in.size() < n * sizeof(T)) return false;
  v.resize(n);
  if (n) std::memcpy(v.data(), in.data(), n * sizeof(T));
  in = in.subspan(n * sizeof(T));
  return true;
}

}  // namespace

size_t EventBlock::memory_bytes() const {
  return ts.capacity() * 8 + user_id.capacity() * 8 + session_id.capacity() * 8 +
         session_valid.capacity() +
         (level.capacity() + location.capacity() + user_agent.capacity() + song.capacity()) * 4 +
         sizeof(EventBlock);
}

void EventBlock::serialize(std::vector<uint8_t>& out) const {
  out.clear();
  uint64_t header[4] = {file_index, block_index, worker, rows()};
  out.resize(sizeof header);
  std::memcpy(out.data(), header, sizeof header);
  put(out, ts);
  put(out, user_id);
  put(out, session_id);
  put(out, session_valid);
  put(out, level);
  put(out, location);
  put(out, user_agent);
  put(out, song);
}

bool EventBlock::deserialize(std::span<const uint8_t> in, EventBlock& b) {
  uint64_t header[4];
  if (in.size() < sizeof header) return false;
  std::memcpy(header, in.data(), sizeof header);
  in = in.subspan(sizeof header);
  b.file_index = static_cast<uint32_t>(header[0]);
  b.block_index = static_cast<uint32_t>(header[1]);
  b.worker = static_cast<uint32_t>(header[2]);
  size_t n = header[3];
  return get(in, b.ts, n) && get(in, b.user_id, n) && get(in, b.session_id, n) &&
         get(in, b.session_valid, n) && get(in, b.level, n) && get(in, b.location, n) &&
         get(in, b.user_agent, n) && get(in, b.song, n) && in.empty();
}

LogWorkerState::LogWorkerState(const SongIndex* index, uint32_t worker)
    : index_(index), worker_(worker), pool_(std::make_shared<StringPool>()) {}

namespace {

// Room for `events` rows in every column of `b`.
void reserve_rows(EventBlock& b, size_t events) {
  for (auto* v : {&b.ts, &b.user_id, &b.session_id}) v->reserve(events);
  for (auto* v : {&b.level, &b.location, &b.user_agent, &b.song}) v->reserve(events);
  b.session_valid.reserve(events);
}

}  // namespace

void LogWorkerState::begin_block(uint32_t file_index, uint32_t block_index, uint64_t first_line,
                                 size_t expected_events) {
  blocks_.emplace_back();
  EventBlock& b = blocks_.back();
  b.file_index = file_index;
  b.block_index = block_index;
  b.worker = worker_;
  first_line_ = first_line;
  last_chunk_ = block_index;
  block_events_ = expected_events;
  // Growing by doubling would copy each column about twice and fault in pages it then frees.
  reserve_rows(b, expected_events);
}

void LogWorkerState::begin_chunk(uint32_t file_index, uint32_t chunk, uint64_t first_line,
                                 size_t chunk_events, size_t block_events) {
  if (blocks_.empty() || blocks_.back().file_index != file_index || last_chunk_ + 1 != chunk ||
      blocks_.back().rows() >= block_events_) {
    return begin_block(file_index, chunk, first_line, block_events);
  }
  EventBlock& b = blocks_.back();
  first_line_ = first_line;
  last_chunk_ = chunk;
  size_t needed = b.rows() + chunk_events;
  // Sized for the whole block when it began; past that (shorter lines), grown geometrically.
  if (b.ts.capacity() < needed) reserve_rows(b, std::max(needed, 2 * b.ts.capacity()));
}

void LogWorkerState::on_event(const model::EventRecord& e) {
  EventBlock& b = blocks_.back();
  auto [u, inserted] = users_.try_emplace(e.user_id);
  b.ts.push_back(e.ts);
  b.user_id.push_back(e.user_id);
  b.session_id.push_back(e.session_id.value_or(0));
  b.session_valid.push_back(e.session_id.has_value());
  // Each string is first compared with the user's: an event repeats its user's level, location
  // and user agent, and its names, nearly always.
  int32_t level = intern(e.level, u.level);
  u.seen_location = intern(e.location, u.seen_location);
  u.seen_user_agent = intern(e.user_agent, u.seen_user_agent);
  b.level.push_back(level);
  b.location.push_back(u.seen_location);
  b.user_agent.push_back(u.seen_user_agent);
  int32_t song = -1;
  if (e.song.valid && e.artist.valid && e.length) {
    song = index_->find(e.song.value, e.artist.value, *e.length);
  }
  matched_ += song >= 0;
  b.song.push_back(song);

  // Users take their fields from their latest event: (ts, file, line) orders events totally, so
  // the winner does not depend on which worker saw which file or how files were cut in chunks.
  uint64_t line = first_line_ + e.line;
  auto key = std::make_tuple(e.ts, b.file_index, line);
  if (inserted || key >= std::make_tuple(u.ts, u.file_index, u.line)) {
    u.ts = e.ts;
    u.file_index = b.file_index;
    u.line = line;
    u.first_name = intern(e.first_name, u.first_name);
    u.last_name = intern(e.last_name, u.last_name);
    u.gender = intern(e.gender, u.gender);
    u.level = level;
  }
}

void LogWorkerState::offer_user(int64_t user_id, const LatestUserEvent& e) {
  auto [u, inserted] = users_.try_emplace(user_id, e);
  if (!inserted &&
      std::make_tuple(e.ts, e.file_index, e.line) >= std::make_tuple(u.ts, u.file_index, u.line)) {
    u = e;
  }
}

void LogWorkerState::encode_users(std::vector<uint8_t>& out) const {
  std::vector<std::vector<uint8_t>> parts(1);
  parts[0] = std::move(out);
  encode_users(parts);
  out = std::move(parts[0]);
}

void LogWorkerState::encode_users(std::vector<std::vector<uint8_t>>& out_parts) const {
  uint64_t parts = out_parts.size();
  std::vector<uint64_t> counts(parts);
  users_.for_each(
      [&](int64_t id, const LatestUserEvent&) { counts[static_cast<uint64_t>(id) % parts]++; });
  std::vector<WireWriter> writers;
  for (uint64_t p = 0; p < parts; ++p) {
    writers.emplace_back(out_parts[p]);
    writers.back().put<uint64_t>(counts[p]);
  }
  users_.for_each([&](int64_t id, const LatestUserEvent& u) {
    WireWriter& w = writers[static_cast<uint64_t>(id) % parts];
    w.put<int64_t>(id);
    w.put<int64_t>(u.ts);
    w.put<uint32_t>(u.file_index);
    w.put<uint64_t>(u.line);
    for (int32_t s : {u.first_name, u.last_name, u.gender, u.level}) {
      w.put<uint8_t>(s != StringPool::kNull);
      if (s != StringPool::kNull) w.put_string(pool_->get(s));
    }
  });
}

bool LogWorkerState::merge_users(std::span<const uint8_t> bytes) {
  WireReader r(bytes);
  uint64_t n = 0;
  if (!r.get(n)) return false;
  for (uint64_t i = 0; i < n; ++i) {
    int64_t id = 0;
    LatestUserEvent e{};
    if (!r.get(id) || !r.get(e.ts) || !r.get(e.file_index) || !r.get(e.line)) return false;
    for (int32_t* field : {&e.first_name, &e.last_name, &e.gender, &e.level}) {
      uint8_t valid = 0;
      std::string_view value;
      if (!r.get(valid) || (valid && !r.get_view(value))) return false;
      *field = valid ? pool_->intern(value) : StringPool::kNull;
    }
    offer_user(id, e);
  }
  return r.done();
}

void LogWorkerState::absorb_users(LogWorkerState& other) {
  // User by user from other's table, which is freed whole after: both tables at once (~70 bytes a
  // user each), where the node map this replaced, freed node by node, held ~96 at the start. No
  // encoded copy of other's users is made (as merge_users reads: ~70 bytes a user more, the
  // peak of a 20M-event run, 210k users).
  auto pooled = [&](int32_t id) {
    return id == StringPool::kNull ? id : pool_->intern(other.pool_->get(id));
  };
  other.users_.for_each([&](int64_t id, LatestUserEvent e) {
    for (int32_t* field : {&e.first_name, &e.last_name, &e.gender, &e.level})
      *field = pooled(*field);
    e.seen_location = e.seen_user_agent = StringPool::kNull;  // ids of other's pool
    offer_user(id, e);
  });
  other.drop_users();
}

void LogWorkerState::drop_users() { users_.clear(); }

std::vector<EventBlock> LogWorkerState::take_blocks(bool keep_last) {
  std::vector<EventBlock> out = std::move(blocks_);
  blocks_.clear();
  if (keep_last && !out.empty()) {
    blocks_.push_back(std::move(out.back()));
    out.pop_back();
  }
  return out;
}

size_t LogWorkerState::resident_bytes() const {
  // A pooled string is its bytes plus ~40 of index.
  return users_.memory_bytes() + pool_->size() * 64;
}

// A dictionary column over every worker's pool: worker w's id k is global id offset[w] + k. The
// pools are not merged (a value may repeat across workers); the Parquet writer dedups per file.
// Sized up front so parts of it can be filled from several threads.
struct PooledColumn {
  model::DictionaryColumn column;
  std::vector<uint8_t> valid;

  PooledColumn() = default;
  void resize(size_t rows) {
    column.indices.resize(rows);
    valid.resize(rows);
  }
  void set(size_t row, int32_t global_id) {
    column.indices[row] = global_id < 0 ? 0 : global_id;
    valid[row] = global_id >= 0;
  }
  model::Column finish(const std::vector<std::string_view>& dictionary) {
    model::Column c;
    column.dictionary = dictionary;
    c.values = std::move(column);
    if (std::find(valid.begin(), valid.end(), 0) != valid.end()) c.valid = std::move(valid);
    return c;
  }
};

SongplayBatcher::SongplayBatcher(const std::vector<LogWorkerState>& workers, const SongIndex& index,
                                 std::vector<std::shared_ptr<const void>> owners)
    : owners_(std::move(owners)) {
  for (const auto& w : workers) {
    owners_.push_back(w.pool_);
    pool_offset_.push_back(static_cast<int32_t>(pooled_.size()));
    for (size_t i = 0; i < w.pool_->size(); ++i) {
      pooled_.push_back(w.pool_->get(static_cast<int32_t>(i)));
    }
  }
  song_ids_.reserve(index.size());
  artist_ids_.reserve(index.size());
  for (size_t i = 0; i < index.size(); ++i) {
    song_ids_.push_back(index.match(static_cast<int32_t>(i)).song_id);
    artist_ids_.push_back(index.match(static_cast<int32_t>(i)).artist_id);
  }
}

model::TableData SongplayBatcher::build(std::span<EventBlock> blocks, int64_t first_id, int threads,
                                        std::vector<int64_t>& ts) const {
  std::vector<size_t> first_row(blocks.size());
  size_t total = 0;
  for (size_t b = 0; b < blocks.size(); ++b) {
    first_row[b] = total;
    total += blocks[b].rows();
  }
  size_t ts_base = ts.size();
  std::vector<int64_t> songplay_id, start_time, user_id, session;
  std::vector<uint8_t> session_valid;
  std::vector<int32_t> year, month;
  PooledColumn level, location, user_agent, song_id, artist_id;
  // The columns are allocated (and so zeroed, page by page) by all threads: on one, that was a
  // stretch of the write stage where the other threads waited.
  std::vector<std::function<void()>> allocate = {
      [&] { ts.resize(ts_base + total); }, [&] { songplay_id.resize(total); },
      [&] { start_time.resize(total); },   [&] { user_id.resize(total); },
      [&] { session.resize(total); },      [&] { session_valid.resize(total); },
      [&] { year.resize(total); },         [&] { month.resize(total); },
      [&] { level.resize(total); },        [&] { location.resize(total); },
      [&] { user_agent.resize(total); },   [&] { song_id.resize(total); },
      [&] { artist_id.resize(total); }};
  (void)parallel_for(allocate.size(), threads, [&](size_t i, int) {
    allocate[i]();
    return Status::OK();
  });

  (void)parallel_for(blocks.size(), threads, [&](size_t b, int) {
    EventBlock& f = blocks[b];
    int32_t offset = pool_offset_[f.worker];
    auto global = [&](int32_t id) { return id < 0 ? -1 : id + offset; };
    TimePartsByHour parts;
    for (size_t i = 0; i < f.rows(); ++i) {
      size_t row = first_row[b] + i;
      songplay_id[row] = first_id + static_cast<int64_t>(row);
      start_time[row] = f.ts[i] * 1000;
      ts[ts_base + row] = f.ts[i];
      user_id[row] = f.user_id[i];
      session[row] = f.session_id[i];
      session_valid[row] = f.session_valid[i];
      const TimeParts& p = parts.at(f.ts[i]);
      year[row] = p.year;
      month[row] = p.month;
      level.set(row, global(f.level[i]));
      location.set(row, global(f.location[i]));
      user_agent.set(row, global(f.user_agent[i]));
      song_id.set(row, f.song[i]);
      artist_id.set(row, f.song[i]);
    }
    // Each block's events are copied once; free them now so the peak holds one copy, not two.
    f = EventBlock{};
    return Status::OK();
  });

  model::TableData sp = empty_table(model::songplays_spec(), total);
  bind(sp, "songplay_id", values_column(std::move(songplay_id)));
  bind(sp, "start_time", values_column(std::move(start_time)));
  bind(sp, "user_id", values_column(std::move(user_id)));
  bind(sp, "level", level.finish(pooled_));
  bind(sp, "song_id", song_id.finish(song_ids_));
  bind(sp, "artist_id", artist_id.finish(artist_ids_));
  model::Column session_column = values_column(std::move(session));
  if (std::find(session_valid.begin(), session_valid.end(), 0) != session_valid.end()) {
    session_column.valid = std::move(session_valid);
  }
  bind(sp, "session_id", std::move(session_column));
  bind(sp, "location", location.finish(pooled_));
  bind(sp, "user_agent", user_agent.finish(pooled_));
  bind(sp, "year", values_column(std::move(year)));
  bind(sp, "month", values_column(std::move(month)));
  sp.owners = owners_;
  return sp;
}

model::TableData make_time_batch(std::span<const int64_t> all_ts, int threads) {
  size_t n = all_ts.size();
  std::vector<int64_t> start(n);
  std::vector<int32_t> hour(n), day(n), week(n), month(n), year(n), weekday(n);
  constexpr size_t kSlice = 64 * 1024;
  (void)parallel_for((n + kSlice - 1) / kSlice, threads, [&](size_t slice, int) {
    // The start times come sorted: the calendar fields change once a day, the hour once an hour.
    TimePartsByHour parts;
    for (size_t i = slice * kSlice; i < std::min(n, (slice + 1) * kSlice); ++i) {
      const TimeParts& p = parts.at(all_ts[i]);
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
  model::TableData t = empty_table(model::time_spec(), n);
  bind(t, "start_time", values_column(std::move(start)));
  bind(t, "hour", values_column(std::move(hour)));
  bind(t, "day", values_column(std::move(day)));
  bind(t, "week", values_column(std::move(week)));
  bind(t, "month", values_column(std::move(month)));
  bind(t, "year", values_column(std::move(year)));
  bind(t, "weekday", values_column(std::move(weekday)));
  return t;
}

namespace {

using StringBuilder = model::ColumnBuilder<std::string_view>;

void push_pooled(StringBuilder& b, const StringPool& pool, int32_t id) {
  if (id == StringPool::kNull)
    b.push_null();
  else
    b.push(pool.get(id));
}

}  // namespace

const model::TableSpec& user_latest_spec() {
  using T = model::ColumnType;
  static const model::TableSpec spec{
      "user_latest", {{"user_id", T::kInt64, true}, {"ts", T::kInt64}}, {}};
  return spec;
}

model::TableData build_users(std::vector<LogWorkerState>& workers, model::TableData* latest) {
  // The workers' users reduce into the first (user by user, each freed as it moves); the rows
  // come from its map through a sorted index of (user_id, entry), then the map goes. Held at
  // once: the map, the index (16 bytes a user) and the table's columns, each reserved whole.
  // Copying the users into a sorted vector instead held ~12 MB more at 210k users, the peak of a
  // 20M-event run under --memory-limit 112MB.
  std::vector<int64_t> ids;
  std::vector<int64_t> latest_ts;
  StringBuilder first, last, gender, level;
  if (!workers.empty()) {
    LogWorkerState& all = workers[0];
    for (size_t i = 1; i < workers.size(); ++i) all.absorb_users(workers[i]);
    std::vector<std::pair<int64_t, const LogWorkerState::LatestUserEvent*>> order;
    order.reserve(all.users_.size());
    all.users_.for_each(
        [&](int64_t id, const LogWorkerState::LatestUserEvent& e) { order.emplace_back(id, &e); });
    std::sort(order.begin(), order.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    ids.reserve(order.size());
    latest_ts.reserve(order.size());
    for (auto* b : {&first, &last, &gender, &level}) b->reserve(order.size());
    const StringPool& pool = *all.pool_;
    for (const auto& [id, e] : order) {
      ids.push_back(id);
      latest_ts.push_back(e->ts);
      push_pooled(first, pool, e->first_name);
      push_pooled(last, pool, e->last_name);
      push_pooled(gender, pool, e->gender);
      push_pooled(level, pool, e->level);
    }
    order = {};
    all.drop_users();
  }
  model::TableData t = empty_table(model::users_spec(), ids.size());
  bind(t, "user_id", values_column(std::move(ids)));
  bind(t, "first_name", first.finish());
  bind(t, "last_name", last.finish());
  bind(t, "gender", gender.finish());
  bind(t, "level", level.finish());
  for (const auto& w : workers) t.owners.push_back(w.pool_);
  if (latest) {
    *latest = empty_table(user_latest_spec(), t.num_rows);
    bind(*latest, "user_id",
         values_column(std::get<std::vector<int64_t>>(model::column(t, "user_id").values)));
    bind(*latest, "ts", values_column(std::move(latest_ts)));
  }
  return t;
}

MergedUsers merge_lake_users(const model::TableData& prior_users,
                             const model::TableData& prior_latest,
                             const model::TableData& new_users,
                             const model::TableData& new_latest) {
  static constexpr const char* kFields[] = {"first_name", "last_name", "gender", "level"};
  // A candidate row: the table it is in (its four field columns, looked up once) and its index.
  struct Source {
    const model::Column* fields[4];
  };
  auto source_of = [](const model::TableData& t) {
    Source s{};
    for (int f = 0; f < 4; ++f) s.fields[f] = &model::column(t, kFields[f]);
    return s;
  };
  const Source prior_source = source_of(prior_users), new_source = source_of(new_users);
  struct Row {
    const Source* source;
    size_t row;
  };
  auto ids_of = [](const model::TableData& t) -> const std::vector<int64_t>& {
    return std::get<std::vector<int64_t>>(model::column(t, "user_id").values);
  };
  std::unordered_map<int64_t, int64_t> prior_ts;
  prior_ts.reserve(prior_latest.num_rows);
  const auto& latest_ids = ids_of(prior_latest);
  const auto& latest_ts = std::get<std::vector<int64_t>>(model::column(prior_latest, "ts").values);
  for (size_t i = 0; i < prior_latest.num_rows; ++i) prior_ts[latest_ids[i]] = latest_ts[i];

  std::unordered_map<int64_t, std::pair<Row, int64_t>> winner;  // user_id -> (row, ts)
  winner.reserve(prior_users.num_rows + new_users.num_rows);
  const auto& prior_ids = ids_of(prior_users);
  for (size_t i = 0; i < prior_users.num_rows; ++i) {
    auto ts = prior_ts.find(prior_ids[i]);
    winner[prior_ids[i]] = {{&prior_source, i}, ts == prior_ts.end() ? INT64_MIN : ts->second};
  }
  MergedUsers out;
  auto same = [](const Row& a, const Row& b) {
    for (int f = 0; f < 4; ++f) {
      const model::Column &ca = *a.source->fields[f], &cb = *b.source->fields[f];
      if (ca.is_null(a.row) != cb.is_null(b.row)) return false;
      if (!ca.is_null(a.row) && ca.string_at(a.row) != cb.string_at(b.row)) return false;
    }
    return true;
  };
  const auto& new_ids = ids_of(new_users);
  const auto& new_ts = std::get<std::vector<int64_t>>(model::column(new_latest, "ts").values);
  for (size_t i = 0; i < new_users.num_rows; ++i) {
    Row row{&new_source, i};
    auto [it, inserted] = winner.try_emplace(new_ids[i], std::pair{row, new_ts[i]});
    if (inserted) {
      out.changed = true;
    } else if (new_ts[i] >= it->second.second) {
      if (!same(it->second.first, row)) out.changed = true;
      it->second = {row, new_ts[i]};
    }
  }

  std::vector<int64_t> ids;
  ids.reserve(winner.size());
  for (const auto& [id, w] : winner) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  StringBuilder fields[4];
  for (auto& f : fields) f.reserve(ids.size());
  std::vector<int64_t> ts;
  ts.reserve(ids.size());
  for (int64_t id : ids) {
    const auto& [row, row_ts] = winner.at(id);
    ts.push_back(row_ts);
    for (int f = 0; f < 4; ++f) {
      const model::Column& c = *row.source->fields[f];
      if (c.is_null(row.row))
        fields[f].push_null();
      else
        fields[f].push(c.string_at(row.row));
    }
  }
  out.users = empty_table(model::users_spec(), ids.size());
  bind(out.users, "user_id", values_column(ids));
  for (int f = 0; f < 4; ++f) bind(out.users, kFields[f], fields[f].finish());
  for (const auto* t : {&prior_users, &new_users}) {
    out.users.owners.insert(out.users.owners.end(), t->owners.begin(), t->owners.end());
  }
  out.latest = empty_table(user_latest_spec(), ids.size());
  bind(out.latest, "user_id", values_column(std::move(ids)));
  bind(out.latest, "ts", values_column(std::move(ts)));
  return out;
}

LogTables build_log_tables(std::vector<LogWorkerState>& workers, const SongIndex& index,
                           std::vector<std::shared_ptr<const void>> song_owners) {
  LogTables out;
  std::vector<EventBlock> blocks;
  for (size_t w = 0; w < workers.size(); ++w) {
    out.matched_songplays += workers[w].matched();
    for (auto& b : workers[w].take_blocks()) {
      b.worker = static_cast<uint32_t>(w);  // the pool it refers to is workers[w]'s
      blocks.push_back(std::move(b));
    }
  }
  std::sort(blocks.begin(), blocks.end(), [](const EventBlock& a, const EventBlock& b) {
    return std::tie(a.file_index, a.block_index) < std::tie(b.file_index, b.block_index);
  });
  int threads = static_cast<int>(std::max<size_t>(1, workers.size()));
  SongplayBatcher batcher(workers, index, std::move(song_owners));
  std::vector<int64_t> ts;
  out.songplays = batcher.build(blocks, 1, threads, ts);
  std::sort(ts.begin(), ts.end());
  ts.erase(std::unique(ts.begin(), ts.end()), ts.end());
  out.time = make_time_batch(ts, threads);
  out.users = build_users(workers);
  return out;
}

}  // namespace sparkify::transform
