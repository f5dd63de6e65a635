#include "exec/dist/rank_work.h"

#include <gtest/gtest.h>

namespace sparkify::exec {
namespace {

void expect_contiguous(const std::vector<FileRange>& ranges, size_t files) {
  size_t next = 0;
  for (const auto& r : ranges) {
    EXPECT_EQ(r.begin, next);
    EXPECT_LE(r.begin, r.end);
    next = r.end;
  }
  EXPECT_EQ(next, files);
}

TEST(SplitBySize, BalancesBytesAndKeepsOrder) {
  std::vector<uint64_t> sizes = {100, 100, 100, 100, 100, 100};
  auto r = split_by_size(sizes, 3);
  expect_contiguous(r, sizes.size());
  for (const auto& x : r) EXPECT_EQ(x.size(), 2u);
}

TEST(SplitBySize, OneBigFileTakesARankAlone) {
  std::vector<uint64_t> sizes = {10, 10, 1000, 10, 10};
  auto r = split_by_size(sizes, 3);
  expect_contiguous(r, sizes.size());
  EXPECT_EQ(r[1].begin, 2u);
  EXPECT_EQ(r[1].end, 3u);
}

TEST(SplitBySize, MoreRanksThanFilesAndUnsizedFiles) {
  std::vector<uint64_t> sizes = {0, 0};
  auto r = split_by_size(sizes, 5);
  ASSERT_EQ(r.size(), 5u);
  expect_contiguous(r, sizes.size());
  size_t nonempty = 0;
  for (const auto& x : r) nonempty += x.size() > 0;
  EXPECT_EQ(nonempty, 2u);
  expect_contiguous(split_by_size({}, 4), 0);
  expect_contiguous(split_by_size(sizes, 1), 2);
}

TEST(RankWire, SongRecordsRoundTrip) {
  model::SongRecord s;
  s.song_id = "S1";
  s.artist_id = "A1";
  s.title = {"T", true};
  s.artist_location = {"", true};
  s.year = 1999;
  s.latitude = 1.5;
  std::vector<std::vector<model::SongRecord>> in = {{s, s}, {}, {s}};
  Bytes bytes = encode_song_records(in);
  std::vector<std::vector<model::SongRecord>> out;
  ASSERT_TRUE(decode_song_records(bytes, out).ok());
  ASSERT_EQ(out.size(), 3u);
  ASSERT_EQ(out[0].size(), 2u);
  EXPECT_EQ(out[2][0].song_id, "S1");
  EXPECT_EQ(out[2][0].title.value, "T");
  EXPECT_TRUE(out[2][0].artist_location.valid);
  EXPECT_FALSE(out[2][0].artist_name.valid);
  EXPECT_EQ(out[2][0].year, 1999);
  EXPECT_FALSE(out[2][0].duration.has_value());
  EXPECT_EQ(out[2][0].latitude, 1.5);
  bytes.pop_back();
  out.clear();
  EXPECT_FALSE(decode_song_records(bytes, out).ok());
}

TEST(RankWire, RejectsFilesAndPendingRoundTrip) {
  std::vector<model::RejectRecord> rejects = {{"log_data/a.json", 3, 40, "bad", "{x"}};
  std::vector<model::RejectRecord> back;
  ASSERT_TRUE(decode_rejects(encode_rejects(rejects), back).ok());
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].offset, 40u);
  EXPECT_EQ(back[0].raw, "{x");

  std::vector<source::InputFile> files = {{"/in/a.json", "a.json", 12, false, "1700000000"},
                                          {"/in/b.json.gz", "b.json.gz", 0, true}};
  auto files_back = decode_input_files(encode_input_files(files));
  ASSERT_TRUE(files_back.ok());
  EXPECT_EQ((*files_back)[0].size, 12u);
  EXPECT_EQ((*files_back)[0].version, "1700000000");  // the load record keeps it
  EXPECT_EQ((*files_back)[1].relative, "b.json.gz");
  EXPECT_TRUE((*files_back)[1].gzip);
}

TEST(LocalCluster, CollectivesAreTheIdentityAndAgreeKeepsTheSentence) {
  LocalCluster c;
  EXPECT_EQ(c.size(), 1);
  EXPECT_EQ(*c.exclusive_sum(7), 0u);
  EXPECT_TRUE(c.agree(Status::OK()).ok());
  Status st = c.agree(Status::NotFound("no such folder /x"));
  EXPECT_EQ(st.code(), ErrorCode::kNotFound);
  EXPECT_EQ(st.message(), "no such folder /x");
}

}  // namespace
}  // namespace sparkify::exec
