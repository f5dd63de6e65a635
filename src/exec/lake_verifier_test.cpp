// verify on a small lake written by the dataset writer: a good lake passes every check; songplay
// ids split over files with a duplicate and a gap, and plays pointing at a missing song, fail
// with the counts and first values a whole-table read gives.
#include "exec/lake_verifier.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <variant>

#include "io/local/local_file_system.h"
#include "sink/dataset_writer.h"
#include "support/temp_dir.h"
#include "transform/time_breakdown.h"

namespace sparkify::exec {
namespace {

using Value = std::variant<int64_t, double, std::string>;
using Row = std::vector<Value>;

// A table of `spec` from rows of values in SPEC column order.
model::TableData table(const model::TableSpec& spec, const std::vector<Row>& rows) {
  auto strings = std::make_shared<std::deque<std::string>>();
  model::TableData t = model::empty_table(spec, rows.size());
  for (size_t c = 0; c < spec.columns.size(); ++c) {
    model::Column column;
    switch (spec.columns[c].type) {
      case model::ColumnType::kString: {
        std::vector<std::string_view> v;
        for (const Row& r : rows) v.push_back(strings->emplace_back(std::get<std::string>(r[c])));
        column.values = std::move(v);
        break;
      }
      case model::ColumnType::kInt32: {
        std::vector<int32_t> v;
        for (const Row& r : rows) v.push_back(static_cast<int32_t>(std::get<int64_t>(r[c])));
        column.values = std::move(v);
        break;
      }
      case model::ColumnType::kInt64:
      case model::ColumnType::kTimestampMicros: {
        std::vector<int64_t> v;
        for (const Row& r : rows) v.push_back(std::get<int64_t>(r[c]));
        column.values = std::move(v);
        break;
      }
      case model::ColumnType::kDouble: {
        std::vector<double> v;
        for (const Row& r : rows) v.push_back(std::get<double>(r[c]));
        column.values = std::move(v);
        break;
      }
    }
    t.columns[c] = std::move(column);
  }
  t.owners.push_back(strings);
  return t;
}

constexpr int64_t kNov1 = int64_t{1541030400} * 1'000'000;  // 2018-11-01T00:00:00Z, micros

Row time_row(int64_t us) {
  transform::TimeParts p = transform::time_parts_from_millis(us / 1000);
  return {us,
          int64_t{p.hour},
          int64_t{p.day},
          int64_t{p.week},
          int64_t{p.month},
          int64_t{p.year},
          int64_t{p.weekday}};
}

Row play(int64_t id, std::string song, int64_t user = 7, int64_t start = -1) {
  return {id,
          start < 0 ? kNov1 + id : start,
          user,
          std::string("free"),
          song,
          std::string("AR1"),
          int64_t{1},
          std::string("Here"),
          std::string("agent"),
          int64_t{2018},
          int64_t{11}};
}

// Writes the five tables (songplays three rows per file) under `root`: the users `user_ids`, and
// a time row for every play's start time but those in `no_time_row`.
void write_lake(io::FileSystem& fs, const std::string& root, const std::vector<Row>& plays,
                const std::vector<int64_t>& user_ids = {7},
                const std::vector<int64_t>& no_time_row = {}) {
  std::vector<Row> times, users;
  for (const Row& p : plays) {
    int64_t start = std::get<int64_t>(p[1]);
    if (std::find(no_time_row.begin(), no_time_row.end(), start) == no_time_row.end()) {
      times.push_back(time_row(start));
    }
  }
  for (int64_t id : user_ids) {
    users.push_back(
        {id, std::string("A"), std::string("B"), std::string("F"), std::string("free")});
  }
  std::map<std::string, std::vector<Row>> tables = {
      {"songs", {{std::string("S1"), std::string("One"), std::string("AR1"), int64_t{1999}, 1.5}}},
      {"artists", {{std::string("AR1"), std::string("Band"), std::string("Town"), 1.0, 2.0}}},
      {"users", users},
      {"time", times},
      {"songplays", plays}};
  for (const auto* spec : model::all_table_specs()) {
    sink::DatasetWriteOptions options;
    options.job_uuid = "00000000-0000-4000-8000-000000000000";
    options.max_rows_per_file = 3;
    std::string dir = io::FileSystem::join(root, spec->name);
    ASSERT_TRUE(sink::write_dataset(fs, dir, table(*spec, tables[spec->name]), options).ok());
    ASSERT_TRUE(fs.write_text(io::FileSystem::join(dir, "_SUCCESS"), "").ok());
  }
}

const CheckResult& find(const VerifyReport& report, const std::string& name) {
  for (const auto& c : report.checks) {
    if (c.name == name) return c;
  }
  static CheckResult none;
  ADD_FAILURE() << "no check named " << name;
  return none;
}

TEST(LakeVerifier, GoodLakePassesEveryCheck) {
  testing::TempDir dir;
  io::LocalFileSystem fs;
  write_lake(fs, dir.str(), {play(1, "S1"), play(2, "S1"), play(3, "S1"), play(4, "S1")});
  auto report = verify_lake(dir.str(), {}, 2);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_TRUE(report->passed());
  EXPECT_EQ(report->checks.size(), 19u);
  EXPECT_EQ(find(*report, "songplays.songplay_id runs 1..N").checked, 4u);
  EXPECT_EQ(find(*report, "songs is published (_SUCCESS) and readable").checked, 1u);
}

TEST(LakeVerifier, DuplicateAndMissingIdsAcrossFilesAndUnknownSongs) {
  testing::TempDir dir;
  io::LocalFileSystem fs;
  // Files of three rows each: {1, 2, 3}, {3, 5, 6}, {6}: 3 and 6 twice, 4 missing.
  write_lake(fs, dir.str(),
             {play(1, "S1"), play(2, "S1"), play(3, "S1"), play(3, "S9"), play(5, "S1"),
              play(6, "S8"), play(6, "S1")});
  auto report = verify_lake(dir.str(), {}, 2);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_FALSE(report->passed());

  const CheckResult& unique = find(*report, "songplays.songplay_id is a unique key");
  EXPECT_EQ(unique.checked, 7u);
  EXPECT_EQ(unique.failures, 2u);
  EXPECT_EQ(unique.detail, "duplicate 3");

  const CheckResult& dense = find(*report, "songplays.songplay_id runs 1..N");
  EXPECT_EQ(dense.failures, 1u);
  EXPECT_EQ(dense.detail, "expected 4, found 3");  // sorted: 1 2 3 3 5 6 6

  const CheckResult& songs = find(*report, "songplays.song_id references songs");
  EXPECT_EQ(songs.checked, 7u);
  EXPECT_EQ(songs.failures, 2u);
  EXPECT_EQ(songs.detail, "missing \"S9\"");  // the first in row order

  // The time table holds the duplicated start times twice too.
  const CheckResult& time = find(*report, "time.start_time is a unique key");
  EXPECT_EQ(time.failures, 2u);
  EXPECT_TRUE(find(*report, "songplays.start_time references time").passed);
}

TEST(LakeVerifier, GapWithoutDuplicates) {
  testing::TempDir dir;
  io::LocalFileSystem fs;
  write_lake(fs, dir.str(), {play(1, "S1"), play(2, "S1"), play(4, "S1"), play(5, "S1")});
  auto report = verify_lake(dir.str(), {}, 1);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_TRUE(find(*report, "songplays.songplay_id is a unique key").passed);
  EXPECT_EQ(find(*report, "songplays.songplay_id runs 1..N").detail, "expected 3, found 4");
}

TEST(LakeVerifier, PlaysOfUnknownUsersAndStartTimesWithoutATimeRow) {
  // Start times out of order (the search goes back as well as forward); user ids of a narrow
  // range (looked up in a bitmap) and of a wide one (searched).
  auto at = [](int64_t s) { return kNov1 + s * 1'000'000; };
  std::vector<Row> plays = {play(1, "S1", 7, at(50)), play(2, "S1", 8, at(10)),
                            play(3, "S1", 7, at(40)), play(4, "S1", -3, at(60)),
                            play(5, "S1", 7, at(5)),  play(6, "S1", 8, at(70))};
  for (const std::vector<int64_t>& users :
       {std::vector<int64_t>{7}, std::vector<int64_t>{7, int64_t{1} << 50}}) {
    testing::TempDir dir;
    io::LocalFileSystem fs;
    write_lake(fs, dir.str(), plays, users, {at(40), at(5)});
    auto report = verify_lake(dir.str(), {}, 2);
    ASSERT_TRUE(report.ok()) << report.status().message();
    const CheckResult& u = find(*report, "songplays.user_id references users");
    EXPECT_EQ(u.checked, 6u);
    EXPECT_EQ(u.failures, 3u) << users.size() << " users";
    EXPECT_EQ(u.detail, "missing 8");
    const CheckResult& t = find(*report, "songplays.start_time references time");
    EXPECT_EQ(t.checked, 6u);
    EXPECT_EQ(t.failures, 2u);
    EXPECT_EQ(t.detail, "missing " + std::to_string(at(40)));
  }
}

}  // namespace
}  // namespace sparkify::exec
