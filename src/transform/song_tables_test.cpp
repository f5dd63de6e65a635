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

// A lake built from the first file, then merged with the second (SPEC §9), equals one build over
// both: the same artists, the same songs in two pieces, the same join index and keys.
TEST(SongTables, MergingWithAPriorEqualsOneBuild) {
  std::vector<model::SongRecord> f1, f2;
  f1.push_back(song("S1", "A1", "T1", "Name", 100.0));
  f1.push_back(song("S2", "A2", "T2", "Spelling one", 5.0));
  f2.push_back(song("S1", "A1", "T1 again", "Other", 1.0));   // duplicate of a lake song
  f2.back().artist_location = {"Paris", true};                // A1 gets more complete
  f2.push_back(song("S3", "A2", "T3", "Spelling two", 7.0));  // A2: not more complete
  f2.push_back(song("S4", "A3", "T4", "N4", 9.0));
  const std::vector<model::SongRecord>* both[] = {&f1, &f2};
  SongTables once = build_song_tables(both, {});

  const std::vector<model::SongRecord>* first[] = {&f1};
  SongTables lake = build_song_tables(first, {});
  EXPECT_TRUE(lake.artists_changed);
  const std::vector<model::SongRecord>* second[] = {&f2};
  SongTables merged = build_song_tables(second, {}, {&lake.keys, &lake.artists});
  EXPECT_EQ(merged.duplicate_songs, once.duplicate_songs);
  EXPECT_TRUE(merged.artists_changed);
  ASSERT_EQ(merged.songs.num_rows, 2u);  // only S3 and S4 are new
  EXPECT_EQ(model::column(merged.songs, "song_id").string_at(0), "S3");
  ASSERT_EQ(merged.artists.num_rows, once.artists.num_rows);
  for (size_t i = 0; i < once.artists.num_rows; ++i) {
    for (const char* c : {"artist_id", "name", "location"}) {
      const auto &a = model::column(once.artists, c), &b = model::column(merged.artists, c);
      ASSERT_EQ(a.is_null(i), b.is_null(i)) << c << " row " << i;
      if (!a.is_null(i)) {
        EXPECT_EQ(a.string_at(i), b.string_at(i)) << c << " row " << i;
      }
    }
  }
  ASSERT_EQ(merged.keys.num_rows, once.keys.num_rows);
  // The join uses each song's own artist name, which the artists table no longer holds.
  EXPECT_GE(merged.index.find("T3", "Spelling two", 7.0), 0);
  EXPECT_GE(merged.index.find("T2", "Spelling one", 5.0), 0);
  EXPECT_LT(merged.index.find("T1 again", "Other", 1.0), 0);

  // Nothing new: artists unchanged.
  std::vector<model::SongRecord> none;
  const std::vector<model::SongRecord>* empty[] = {&none};
  SongTables same = build_song_tables(empty, {}, {&merged.keys, &merged.artists});
  EXPECT_FALSE(same.artists_changed);
  EXPECT_EQ(same.songs.num_rows, 0u);
}

}  // namespace
}  // namespace sparkify::transform
