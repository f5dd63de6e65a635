#include "transform/song_tables.h"

#include <gtest/gtest.h>

namespace sparkify::transform {
namespace {

using Strings = std::vector<std::string_view>;

model::SongRecord song(std::string_view id, std::string_view artist, std::string_view title,
                       std::string_view name, std::optional<double> duration) {
  model::SongRecord r;
  r.song_id = id;
  r.artist_id = artist;
  r.title = {title, true};
  r.artist_name = {name, true};
  r.duration = duration;
  return r;
}

TEST(SongTables, DedupArtistChoiceAndIndex) {
  std::vector<model::SongRecord> f1, f2;
  f1.push_back(song("S1", "A1", "T1", "Name", 100.0));
  f1.back().artist_location = {"", true};  // empty: counts as unknown, stored as null
  f2.push_back(song("S1", "A1", "T1 again", "Other", 1.0));  // duplicate song
  f2.back().artist_location = {"Paris", true};               // better artist record
  f2.push_back(song("S2", "A2", "T2", "N2", 5.0));
  f2.push_back(song("S3", "A2", "T2", "N2", 5.0));  // same join key: S2 wins
  f2.back().latitude = 1.0;                         // A2: more fields in the later record
  const std::vector<model::SongRecord>* files[] = {&f1, &f2};
  SongTables t = build_song_tables(files, {});
  EXPECT_EQ(t.duplicate_songs, 1u);
  ASSERT_EQ(t.songs.num_rows, 3u);
  EXPECT_EQ(std::get<Strings>(t.songs.columns[1].values)[0], "T1");
  ASSERT_EQ(t.artists.num_rows, 2u);
  const auto& names = std::get<Strings>(t.artists.columns[1].values);
  const auto& locs = std::get<Strings>(t.artists.columns[2].values);
  EXPECT_EQ(names[0], "Other");
  EXPECT_EQ(locs[0], "Paris");
  EXPECT_TRUE(t.artists.columns[2].is_null(1));
  EXPECT_FALSE(t.artists.columns[3].is_null(1));  // A2 took the record with a latitude
  int32_t m = t.index.find("T2", "N2", 5.0);
  ASSERT_GE(m, 0);
  EXPECT_EQ(t.index.match(m).song_id, "S2");
  EXPECT_EQ(t.index.find("T2", "N2", 5.0000001), -1);
  EXPECT_GE(t.index.find("T1", "Name", 100.0), 0);
}

TEST(SongTables, ArtistTieGoesToFirst) {
  std::vector<model::SongRecord> f;
  f.push_back(song("S1", "A", "t", "First", std::nullopt));
  f.push_back(song("S2", "A", "t", "Second", std::nullopt));
  const std::vector<model::SongRecord>* files[] = {&f};
  SongTables t = build_song_tables(files, {});
  EXPECT_EQ(std::get<Strings>(t.artists.columns[1].values)[0], "First");
}

}  // namespace
}  // namespace sparkify::transform
