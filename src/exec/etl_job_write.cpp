// One run of `sparkify etl`, its write side: the tables written (each rank its share), the users
// reduced by user_id across ranks, the time rows cut among the ranks, and the run's figures summed
// over them. run() and the read side are in etl_job.cpp; the lake side in etl_job_lake.cpp.
#include <algorithm>
#include <cstring>

#include "common/hash.h"
#include "exec/dist/cluster.h"
#include "exec/etl_job_impl.h"
#include "exec/log_stage.h"
#include "exec/memory_plan.h"
#include "sink/commit.h"
#include "sink/dataset_writer.h"
#include "transform/log_tables.h"

namespace sparkify::exec {

sink::DatasetWriteOptions EtlJob::write_options(const std::string& table) {
  sink::DatasetWriteOptions o;
  o.pending = committer_->pending(table);
  o.codec = options_.codec;
  o.threads = options_.threads;
  o.max_rows_per_file = options_.max_rows_per_file;
  o.job_uuid = job_uuid_;
  return o;
}

void EtlJob::add_table(const std::string& name, std::vector<std::string> files, uint64_t rows,
                       size_t partitions, uint64_t bytes, StageReport& stage, bool appended) {
  report_.tables.push_back({name, rows, files.size(), partitions, bytes, appended});
  stage.files += files.size();
  stage.records += rows;
  stage.bytes += bytes;
  staged_.emplace_back(name, std::move(files));
  count_file(progress_, rows, bytes);
}

model::TableData EtlJob::songs_of_my_artists(const model::TableData& songs) const {
  const model::Column& artist = songs.columns[songs.spec->column_index("artist_id")];
  std::vector<uint32_t> rows;
  auto ranks = static_cast<uint64_t>(cluster_.size());
  for (size_t r = 0; r < songs.num_rows; ++r) {
    std::string_view id = artist.is_null(r) ? std::string_view() : artist.string_at(r);
    if (hash_bytes(id) % ranks == static_cast<uint64_t>(cluster_.rank())) {
      rows.push_back(static_cast<uint32_t>(r));
    }
  }
  return model::take_rows(songs, rows);
}

Status EtlJob::write_table(const model::TableData& table, StageReport& stage, size_t first_file,
                           bool appended) {
  const std::string& name = table.spec->name;
  sink::DatasetWriteOptions options = write_options(name);
  options.first_file_index = first_file;
  SPARKIFY_ASSIGN_OR_RETURN(
      auto written, sink::write_dataset(*out_fs_, committer_->staging_dir(name), table, options));
  add_table(name, std::move(written.files), written.rows, written.partitions, written.bytes, stage,
            appended);
  return Status::OK();
}

Status EtlJob::reduce_users(LogStage& logs, const std::vector<Bytes>& my_users) {
  transform::MergedUsers merged;
  Status st = [&]() -> Status {
    model::TableData users, latest;
    if (!distributed()) {
      users = logs.users(&latest);
    } else {
      std::vector<transform::LogWorkerState> states;
      states.emplace_back(nullptr);
      for (const auto& bytes : my_users) {
        if (!states[0].merge_users(bytes)) return Status::Internal("a rank sent unreadable users");
      }
      users = transform::build_users(states, &latest);
    }
    if (!incremental()) {
      merged.users = std::move(users);
      merged.latest = std::move(latest);
      merged.changed = true;
      return Status::OK();
    }
    // The lake's users this rank owns (all of them in one process) merge with the new ones.
    const model::TableData* prior_users = &base_.users;
    const model::TableData* prior_latest = &base_.user_latest;
    model::TableData share_users, share_latest;
    if (distributed()) {
      share_users = my_share(base_.users);
      share_latest = my_share(base_.user_latest);
      prior_users = &share_users;
      prior_latest = &share_latest;
    }
    merged = transform::merge_lake_users(*prior_users, *prior_latest, users, latest);
    return Status::OK();
  }();
  SPARKIFY_RETURN_NOT_OK(cluster_.agree(st));
  // The users table is rewritten whole when any rank's share changed.
  uint64_t changed[] = {merged.changed};
  SPARKIFY_ASSIGN_OR_RETURN(auto any, cluster_.sum(changed));
  users_ = std::move(merged.users);
  user_latest_ = std::move(merged.latest);
  write_users_ = any[0] > 0;
  return Status::OK();
}

model::TableData EtlJob::my_share(const model::TableData& users) const {
  const auto& ids = std::get<std::vector<int64_t>>(model::column(users, "user_id").values);
  auto ranks = static_cast<uint64_t>(cluster_.size());
  std::vector<uint32_t> rows;
  for (size_t r = 0; r < users.num_rows; ++r) {
    // The partition LogWorkerState::encode_users sends a user to.
    if (static_cast<uint64_t>(ids[r]) % ranks == static_cast<uint64_t>(cluster_.rank())) {
      rows.push_back(static_cast<uint32_t>(r));
    }
  }
  return model::take_rows(users, rows);
}

Status EtlJob::write_log_tables(LogStage& logs, StageReport& stage) {
  // An empty share adds no file; rank 0 always writes one, so the table exists.
  if (write_users_ && (users_.num_rows > 0 || cluster_.is_root())) {
    SPARKIFY_RETURN_NOT_OK(write_table(users_, stage, rank_file_base()));
  }
  users_ = {};  // written: songplays and time do not need it
  const std::string& name = model::songplays_spec().name;
  sink::DatasetWriteOptions options = write_options(name);
  options.first_file_index = rank_file_base();
  StreamedTable songplays;
  Status st = logs.write_songplays(*out_fs_, committer_->staging_dir(name), options,
                                   first_songplay_id_, songplays);
  if (!st.ok()) {
    staged_.emplace_back(name, std::move(songplays.files));
    return st.with_context("writing the log tables");
  }
  add_table(name, std::move(songplays.files), songplays.rows, songplays.partitions, songplays.bytes,
            stage, incremental());
  return Status::OK();
}

Status EtlJob::exchange_and_write_time(LogStage& logs, StageReport& stage) {
  const std::string& name = model::time_spec().name;
  if (distributed()) {
    size_t ranks = static_cast<size_t>(cluster_.size());
    // Rank r takes the start times between the r-th and (r+1)-th splitter: quantiles of every
    // rank's sample, so each rank sorts, deduplicates and writes an equal share of the rows even
    // when every event falls in one month (its files join the others' in the partition).
    const std::vector<int64_t>& mine = logs.time_samples();
    SPARKIFY_ASSIGN_OR_RETURN(auto gathered,
                              cluster_.all_gather({reinterpret_cast<const uint8_t*>(mine.data()),
                                                   mine.size() * sizeof(int64_t)}));
    std::vector<int64_t> samples;
    for (const auto& bytes : gathered) {
      size_t at = samples.size();
      samples.resize(at + bytes.size() / sizeof(int64_t));
      if (bytes.size() >= sizeof(int64_t)) {
        std::memcpy(samples.data() + at, bytes.data(), (samples.size() - at) * sizeof(int64_t));
      }
    }
    std::sort(samples.begin(), samples.end());
    std::vector<int64_t> splitters;
    for (size_t r = 1; r < ranks && !samples.empty(); ++r) {
      splitters.push_back(samples[r * samples.size() / ranks]);
    }
    std::vector<Bytes> to(ranks);
    Status st = logs.take_times([&](std::span<const int64_t> ts) {
      for (int64_t t : ts) {
        auto owner = std::upper_bound(splitters.begin(), splitters.end(), t) - splitters.begin();
        Bytes& out = to[static_cast<size_t>(owner)];
        size_t at = out.size();
        out.resize(at + sizeof t);
        std::memcpy(out.data() + at, &t, sizeof t);
      }
      return Status::OK();
    });
    SPARKIFY_ASSIGN_OR_RETURN(auto got, cluster_.all_to_all(to));
    to.clear();
    for (auto& bytes : got) {
      if (!st.ok()) break;
      std::vector<int64_t> ts(bytes.size() / sizeof(int64_t));
      if (!ts.empty()) std::memcpy(ts.data(), bytes.data(), ts.size() * sizeof(int64_t));
      bytes = {};
      st = logs.add_times(std::move(ts));
    }
    SPARKIFY_RETURN_NOT_OK(cluster_.agree(st.with_context("exchanging start times")));
  }
  StreamedTable time;
  sink::DatasetWriteOptions options = write_options(name);
  options.first_file_index = rank_file_base();  // ranks write into the same partitions
  Status st = logs.write_time(*out_fs_, committer_->staging_dir(name), options, time);
  if (st.ok()) {
    add_table(name, std::move(time.files), time.rows, time.partitions, time.bytes, stage,
              incremental());
  } else {
    staged_.emplace_back(name, std::move(time.files));
  }
  return cluster_.agree(st.with_context("writing the time table"));
}

Status EtlJob::sum_figures() {
  if (!distributed()) {
    order_tables();
    return Status::OK();
  }
  auto parsed = [](const StageReport& st) { return st.name == "songs" || st.name == "logs"; };
  RankReport mine{
      0, 0, 0, report_.songplays, peak_rss(), cluster_.bytes_sent(), cluster_.bytes_received()};
  mine.collective_seconds = cluster_.collective_seconds();
  for (const auto& st : report_.stages) {
    if (st.name == "songs") mine.songs_seconds = st.seconds;
    if (st.name == "logs") mine.logs_seconds = st.seconds;
    if (st.name == "write") mine.write_seconds = st.seconds;
    if (!parsed(st)) continue;
    mine.files += st.files;
    mine.records += st.records;
    mine.bytes += st.bytes;
  }
  SPARKIFY_ASSIGN_OR_RETURN(
      auto ranks, cluster_.gather({reinterpret_cast<const uint8_t*>(&mine), sizeof mine}, 0));
  for (const auto& bytes : ranks) {
    if (bytes.size() != sizeof(RankReport)) continue;  // our own struct: cannot happen
    std::memcpy(&report_.per_rank.emplace_back(), bytes.data(), sizeof(RankReport));
  }
  std::vector<uint64_t> v = {report_.input_bytes, report_.songplays, report_.matched_songplays};
  for (const auto& st : report_.stages) {
    if (parsed(st)) v.insert(v.end(), {st.files, st.records, st.bytes});
  }
  std::vector<std::string> streamed;
  if (options_.only != Only::kLogs) streamed.push_back("songs");
  if (options_.only != Only::kSongs) {
    for (const char* t : {"users", "songplays", "time"}) streamed.push_back(t);
  }
  for (const auto& name : streamed) {
    TableReport* t = find_table(name);
    v.insert(v.end(), {t ? t->rows : 0, t ? t->files : 0, t ? t->bytes : 0});
  }
  SPARKIFY_ASSIGN_OR_RETURN(auto total, cluster_.sum(v));
  size_t i = 0;
  report_.input_bytes = total[i++];
  report_.songplays = total[i++];
  report_.matched_songplays = total[i++];
  for (auto& st : report_.stages) {
    if (!parsed(st)) continue;
    st.files = total[i++];
    st.records = total[i++];
    st.bytes = total[i++];
  }
  for (const auto& name : streamed) {
    TableReport* t = find_table(name);
    if (!t && total[i] == 0 && total[i + 1] == 0) {
      i += 3;  // no rank wrote it (an incremental load's unchanged users)
      continue;
    }
    if (!t) {
      report_.tables.push_back({name, 0, 0, 0, 0});
      t = &report_.tables.back();
    }
    t->rows = total[i++];
    t->files = total[i++];
    t->bytes = total[i++];
  }
  order_tables();
  // The write stage as the sum of the tables.
  for (auto& st : report_.stages) {
    if (st.name != "write") continue;
    st.files = st.records = st.bytes = 0;
    for (const auto& t : report_.tables) {
      st.files += t.files;
      st.records += t.rows;
      st.bytes += t.bytes;
    }
  }
  return Status::OK();
}

void EtlJob::order_tables() {
  std::vector<TableReport> ordered;
  for (const auto* spec : model::all_table_specs()) {
    if (TableReport* t = find_table(spec->name)) ordered.push_back(*t);
  }
  report_.tables = std::move(ordered);
}

TableReport* EtlJob::find_table(const std::string& name) {
  for (auto& t : report_.tables) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

}  // namespace sparkify::exec
