// The dataset writer and the lake reader against each other: grouping into Hive folders
// (escaped and null values), splitting large partitions, Spark file names and numbering, empty
// tables, and what the reader skips. (DuckDB reads the same files in tests/e2e.)
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <regex>
#include <string>
#include <tuple>
#include <vector>

#include "io/local/local_file_system.h"
#include "lake/lake_reader.h"
#include "sink/dataset_writer.h"
#include "support/temp_dir.h"

namespace sparkify::sink {
namespace {

namespace fs = std::filesystem;
using lake::read_lake_table;
using sparkify::testing::TempDir;

struct SongRow {
  std::string song_id, title, artist_id;
  std::optional<int32_t> year;
  double duration;
  bool operator<(const SongRow& o) const { return song_id < o.song_id; }
  bool operator==(const SongRow& o) const {
    return std::tie(song_id, title, artist_id, year, duration) ==
           std::tie(o.song_id, o.title, o.artist_id, o.year, o.duration);
  }
};

model::TableData songs_table(const std::vector<SongRow>& rows) {
  model::ColumnBuilder<std::string_view> id, title, artist;
  model::ColumnBuilder<int32_t> year;
  model::ColumnBuilder<double> duration;
  for (const SongRow& r : rows) {
    id.push(r.song_id);
    title.push(r.title);
    artist.push(r.artist_id);
    year.push_optional(r.year);
    duration.push(r.duration);
  }
  model::TableData t;
  t.spec = &model::songs_spec();
  t.columns.push_back(id.finish());
  t.columns.push_back(title.finish());
  t.columns.push_back(artist.finish());
  t.columns.push_back(year.finish());
  t.columns.push_back(duration.finish());
  t.num_rows = rows.size();
  return t;
}

std::vector<SongRow> rows_of(const model::TableData& t) {
  const model::TableSpec& spec = *t.spec;
  auto col = [&](const char* name) -> const model::Column& {
    return t.columns[static_cast<size_t>(spec.column_index(name))];
  };
  std::vector<SongRow> out;
  for (size_t i = 0; i < t.num_rows; ++i) {
    SongRow r;
    r.song_id = std::string(col("song_id").string_at(i));
    r.title = std::string(col("title").string_at(i));
    r.artist_id = std::string(col("artist_id").string_at(i));
    if (!col("year").is_null(i)) r.year = std::get<std::vector<int32_t>>(col("year").values)[i];
    r.duration = std::get<std::vector<double>>(col("duration").values)[i];
    out.push_back(r);
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(DatasetAndLake, PartitionsRoundTripWithEscapingNullsAndSplitting) {
  TempDir dir;
  io::LocalFileSystem lfs;
  std::vector<SongRow> rows = {
      {"S1", "One", "AR1", 1969, 100.5},           {"S2", "Two", "AR1", 1969, 200.0},
      {"S3", "Three", "AR1", 1969, 300.0},         {"S4", "Slash", "AR/2", 2001, 1.0},
      {"S5", "No year", "AR3", std::nullopt, 2.0},
  };
  DatasetWriteOptions options;
  options.max_rows_per_file = 2;  // AR1's three rows need two files
  options.threads = 2;
  options.job_uuid = "00000000-0000-4000-8000-000000000000";
  auto written = write_dataset(lfs, dir / "lake/songs", songs_table(rows), options);
  ASSERT_TRUE(written.ok()) << written.status().message();
  EXPECT_EQ(written->rows, rows.size());
  EXPECT_EQ(written->partitions, 3u);
  EXPECT_EQ(written->files.size(), 4u);

  std::vector<std::string> files = written->files;
  std::sort(files.begin(), files.end());
  const std::regex spark_name(
      R"(part-\d{5}-00000000-0000-4000-8000-000000000000\.c000\.snappy\.parquet)");
  std::vector<std::string> folders;
  for (const std::string& f : files) {
    size_t slash = f.rfind('/');
    ASSERT_NE(slash, std::string::npos) << f;
    EXPECT_TRUE(std::regex_match(f.substr(slash + 1), spark_name)) << f;
    folders.push_back(f.substr(0, slash));
    EXPECT_TRUE(fs::exists(dir / ("lake/songs/" + f))) << f;
  }
  EXPECT_EQ(folders, (std::vector<std::string>{"year=1969/artist_id=AR1", "year=1969/artist_id=AR1",
                                               "year=2001/artist_id=AR%2F2",
                                               "year=__HIVE_DEFAULT_PARTITION__/artist_id=AR3"}));

  // A stray hidden file and a Spark checksum are not part of the table.
  ASSERT_TRUE(lfs.write(dir / "lake/songs/_SUCCESS", {}).ok());
  ASSERT_TRUE(lfs.write(dir / "lake/songs/year=1969/.part.crc", {}).ok());
  auto back = read_lake_table(lfs, dir / "lake", model::songs_spec(), 2);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_TRUE(back->has_success);
  EXPECT_EQ(back->files, 4u);
  EXPECT_EQ(rows_of(back->data), rows);
}

class ThreadsGroupRows : public ::testing::TestWithParam<int> {};

TEST_P(ThreadsGroupRows, AsOnePassWould) {
  // 150k rows are grouped in ranges of rows on several threads; partitions that span the ranges
  // (and come back after others) must get the same files, numbers and row order. 20k rows in
  // many partitions are split by partition between the threads: the same again.
  const int n = GetParam();
  std::vector<SongRow> rows;
  for (int i = 0; i < n; ++i) {
    int artist = n > 100000 ? (i / 1000) % 7 + (i % 5000 == 0 ? 100 + i / 5000 : 0)
                            : (i * 7919) % 1500 + (i / 3000) % 2;
    rows.push_back({"S" + std::to_string(i), "t", "AR" + std::to_string(artist), 1990 + artist % 3,
                    static_cast<double>(i)});
  }
  auto write = [&](const fs::path& root, int threads) {
    io::LocalFileSystem lfs;
    DatasetWriteOptions options;
    options.max_rows_per_file = 9000;
    options.threads = threads;
    options.job_uuid = "22222222-2222-4222-8222-222222222222";
    auto written = write_dataset(lfs, root.string(), songs_table(rows), options);
    EXPECT_TRUE(written.ok()) << written.status().message();
    return written.ok() ? written->files : std::vector<std::string>{};
  };
  TempDir dir;
  std::vector<std::string> one = write(dir / "one", 1), three = write(dir / "three", 3);
  ASSERT_EQ(one, three);
  EXPECT_GT(one.size(), 40u);
  for (const std::string& f : one) {
    std::ifstream a(dir / ("one/" + f), std::ios::binary),
        b(dir / ("three/" + f), std::ios::binary);
    std::string ca((std::istreambuf_iterator<char>(a)), {}),
        cb((std::istreambuf_iterator<char>(b)), {});
    EXPECT_EQ(ca, cb) << f;
  }
}

INSTANTIATE_TEST_SUITE_P(DatasetAndLake, ThreadsGroupRows, ::testing::Values(150000, 20000));

TEST(DatasetAndLake, BatchesNumberFilesOnAndEmptyTablesWriteNothing) {
  TempDir dir;
  io::LocalFileSystem lfs;
  DatasetWriteOptions options;
  options.job_uuid = "11111111-1111-4111-8111-111111111111";
  auto empty = write_dataset(lfs, dir / "t", songs_table({}), options);
  ASSERT_TRUE(empty.ok()) << empty.status().message();
  EXPECT_TRUE(empty->files.empty());
  EXPECT_EQ(empty->rows, 0u);

  options.first_file_index = 7;
  auto batch = write_dataset(lfs, dir / "t", songs_table({{"S9", "x", "AR9", 1999, 1.0}}), options);
  ASSERT_TRUE(batch.ok()) << batch.status().message();
  ASSERT_EQ(batch->files.size(), 1u);
  EXPECT_NE(batch->files[0].find("/part-00007-"), std::string::npos) << batch->files[0];
}

}  // namespace
}  // namespace sparkify::sink
