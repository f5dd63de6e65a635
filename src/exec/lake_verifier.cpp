#include "exec/lake_verifier.h"

#include <algorithm>
#include <map>
#include <unordered_set>

#include "lake/lake_reader.h"
#include "model/table.h"
#include "transform/time_breakdown.h"

namespace sparkify::exec {

namespace {

using Strings = std::vector<std::string_view>;

template <typename T>
const std::vector<T>& col(const model::TableData& t, std::string_view name) {
  return std::get<std::vector<T>>(t.columns[t.spec->column_index(name)].values);
}

using model::column;

CheckResult named_check(std::string name) {
  CheckResult r;
  r.name = std::move(name);
  return r;
}

template <typename T>
std::string show(const T& v) {
  if constexpr (std::is_same_v<T, std::string_view>)
    return "\"" + std::string(v) + "\"";
  else
    return std::to_string(v);
}

// Keys are REQUIRED and unique.
template <typename T>
CheckResult unique_key(const model::TableData& t, std::string_view name) {
  CheckResult r =
      named_check(std::string(t.spec->name) + "." + std::string(name) + " is a unique key");
  const auto& values = col<T>(t, name);
  std::vector<T> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  r.checked = sorted.size();
  for (size_t i = 1; i < sorted.size(); ++i) {
    if (sorted[i] == sorted[i - 1]) {
      if (r.failures++ == 0) r.detail = "duplicate " + show(sorted[i]);
    }
  }
  const auto& c = column(t, name);
  for (size_t i = 0; i < t.num_rows; ++i) {
    if (c.is_null(i) && r.failures++ == 0) r.detail = "null key in row " + std::to_string(i);
  }
  r.passed = r.failures == 0;
  return r;
}

// Every non-null value of `from.name` appears among `keys`.
template <typename T>
CheckResult references(const model::TableData& from, std::string_view name,
                       const std::unordered_set<T>& keys, const std::string& target) {
  CheckResult r =
      named_check(std::string(from.spec->name) + "." + std::string(name) + " references " + target);
  const auto& values = col<T>(from, name);
  const auto& c = column(from, name);
  for (size_t i = 0; i < from.num_rows; ++i) {
    if (c.is_null(i)) continue;
    ++r.checked;
    if (!keys.count(values[i]) && r.failures++ == 0) r.detail = "missing " + show(values[i]);
  }
  r.passed = r.failures == 0;
  return r;
}

template <typename T>
std::unordered_set<T> key_set(const model::TableData& t, std::string_view name) {
  const auto& v = col<T>(t, name);
  return {v.begin(), v.end()};
}

CheckResult time_columns(const model::TableData& time) {
  CheckResult r = named_check("time columns match start_time (UTC, ISO week, 1 = Sunday)");
  const auto& start = col<int64_t>(time, "start_time");
  for (size_t i = 0; i < time.num_rows; ++i) {
    ++r.checked;
    transform::TimeParts p = transform::time_parts_from_millis(start[i] / 1000);
    int32_t want[] = {p.hour, p.day, p.week, p.month, p.year, p.weekday};
    const char* names[] = {"hour", "day", "week", "month", "year", "weekday"};
    for (int k = 0; k < 6; ++k) {
      const auto& c = column(time, names[k]);
      if (c.is_null(i) || std::get<std::vector<int32_t>>(c.values)[i] != want[k]) {
        if (r.failures++ == 0) {
          r.detail = std::string(names[k]) + " wrong for start_time " + std::to_string(start[i]);
        }
        break;
      }
    }
  }
  r.passed = r.failures == 0;
  return r;
}

CheckResult songplay_partitions(const model::TableData& sp) {
  CheckResult r = named_check("songplays year/month match start_time");
  const auto& start = col<int64_t>(sp, "start_time");
  const auto& year = col<int32_t>(sp, "year");
  const auto& month = col<int32_t>(sp, "month");
  for (size_t i = 0; i < sp.num_rows; ++i) {
    if (column(sp, "start_time").is_null(i)) continue;
    ++r.checked;
    auto p = transform::time_parts_from_millis(start[i] / 1000);
    if ((p.year != year[i] || p.month != month[i]) && r.failures++ == 0) {
      r.detail = "row with start_time " + std::to_string(start[i]) +
                 " is in year=" + std::to_string(year[i]) + "/month=" + std::to_string(month[i]);
    }
  }
  r.passed = r.failures == 0;
  return r;
}

CheckResult songplay_ids_dense(const model::TableData& sp) {
  CheckResult r = named_check("songplays.songplay_id runs 1..N");
  std::vector<int64_t> ids = col<int64_t>(sp, "songplay_id");
  std::sort(ids.begin(), ids.end());
  r.checked = ids.size();
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] != static_cast<int64_t>(i) + 1) {
      r.failures = 1;
      r.detail = "expected " + std::to_string(i + 1) + ", found " + std::to_string(ids[i]);
      break;
    }
  }
  r.passed = r.failures == 0;
  return r;
}

}  // namespace

Result<VerifyReport> verify_lake(const std::string& lake, const io::FileSystemOptions& storage,
                                 int threads) {
  SPARKIFY_ASSIGN_OR_RETURN(auto fs, io::make_file_system(lake, storage));
  SPARKIFY_ASSIGN_OR_RETURN(bool exists, fs->exists(lake));
  if (!exists) return Status::NotFound("the lake " + lake + " does not exist");
  VerifyReport report;
  std::map<std::string, lake::LakeTable> tables;
  for (const auto* spec : model::all_table_specs()) {
    CheckResult present = named_check(spec->name + " is published (_SUCCESS) and readable");
    auto table = lake::read_lake_table(*fs, lake, *spec, threads);
    if (!table.ok()) {
      if (table.status().code() != ErrorCode::kNotFound) return table.status();
      present.passed = false;
      present.failures = 1;
      present.detail = table.status().message();
      report.checks.push_back(present);
      continue;
    }
    present.checked = table->files;
    if (!table->has_success) {
      present.passed = false;
      present.failures = 1;
      present.detail = "no _SUCCESS: the table was never completely written";
    }
    report.checks.push_back(present);
    tables.emplace(spec->name, std::move(*table));
  }
  auto has = [&](const char* name) { return tables.count(name) > 0; };
  if (has("songs"))
    report.checks.push_back(unique_key<std::string_view>(tables["songs"].data, "song_id"));
  if (has("artists")) {
    report.checks.push_back(unique_key<std::string_view>(tables["artists"].data, "artist_id"));
  }
  if (has("users")) report.checks.push_back(unique_key<int64_t>(tables["users"].data, "user_id"));
  if (has("time")) {
    report.checks.push_back(unique_key<int64_t>(tables["time"].data, "start_time"));
    report.checks.push_back(time_columns(tables["time"].data));
  }
  if (has("songs") && has("artists")) {
    auto artists = key_set<std::string_view>(tables["artists"].data, "artist_id");
    report.checks.push_back(
        references<std::string_view>(tables["songs"].data, "artist_id", artists, "artists"));
  }
  if (has("songplays")) {
    const auto& sp = tables["songplays"].data;
    report.checks.push_back(unique_key<int64_t>(sp, "songplay_id"));
    report.checks.push_back(songplay_ids_dense(sp));
    report.checks.push_back(songplay_partitions(sp));
    if (has("users")) {
      report.checks.push_back(references<int64_t>(
          sp, "user_id", key_set<int64_t>(tables["users"].data, "user_id"), "users"));
    }
    if (has("time")) {
      report.checks.push_back(references<int64_t>(
          sp, "start_time", key_set<int64_t>(tables["time"].data, "start_time"), "time"));
    }
    if (has("songs")) {
      report.checks.push_back(references<std::string_view>(
          sp, "song_id", key_set<std::string_view>(tables["songs"].data, "song_id"), "songs"));
    }
    if (has("artists")) {
      report.checks.push_back(references<std::string_view>(
          sp, "artist_id", key_set<std::string_view>(tables["artists"].data, "artist_id"),
          "artists"));
    }
  }
  SPARKIFY_ASSIGN_OR_RETURN(bool debris, fs->exists(io::FileSystem::join(lake, "_staging")));
  CheckResult clean = named_check("no staging debris from an interrupted run");
  clean.checked = 1;
  if (debris) {
    clean.passed = false;
    clean.failures = 1;
    clean.detail = "_staging/ exists (a run is active, or was killed: the next etl removes it)";
  }
  report.checks.push_back(clean);
  return report;
}

}  // namespace sparkify::exec
