#include "transform/song_tables.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

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

// Songs and artists are reduced at once on two threads: the same tables as on one, with a prior
// (a lake) and with duplicate songs and competing artist records.
TEST(SongTables, TwoThreadsBuildWhatOneBuilds) {
  std::vector<std::string> text;  // the records' strings
  text.reserve(4 * 900);          // no reallocation: the records view these strings
  auto keep = [&](std::string s) -> std::string_view { return text.emplace_back(std::move(s)); };
  std::vector<model::SongRecord> lake_file, f1, f2;
  for (int i = 0; i < 900; ++i) {
    auto& f = i < 300 ? lake_file : (i % 2 ? f1 : f2);
    int id = i % 700;  // some song ids come back: duplicates
    f.push_back(song(keep("S" + std::to_string(id)), keep("A" + std::to_string(i % 53)),
                     keep("T" + std::to_string(id % 97)), keep("N" + std::to_string(i % 11)),
                     i % 13 ? std::optional<double>(i % 29) : std::nullopt));
    if (i % 7 == 0) f.back().artist_location = {"L", true};
    if (i % 5 == 0) f.back().latitude = 1.5;
  }
  auto strings = [](const model::TableData& t) {
    std::vector<std::string> rows(t.num_rows);
    for (size_t c = 0; c < t.columns.size(); ++c) {
      for (size_t i = 0; i < t.num_rows; ++i) {
        const auto& col = t.columns[c];
        std::string v = "null";
        if (!col.is_null(i)) {
          if (const auto* s = std::get_if<Strings>(&col.values)) v = std::string((*s)[i]);
          if (const auto* d = std::get_if<std::vector<double>>(&col.values))
            v = std::to_string((*d)[i]);
          if (const auto* n = std::get_if<std::vector<int32_t>>(&col.values))
            v = std::to_string((*n)[i]);
        }
        rows[i] += v + "|";
      }
    }
    return rows;
  };
  const std::vector<model::SongRecord>* lake_files[] = {&lake_file};
  const std::vector<model::SongRecord>* new_files[] = {&f1, &f2};
  SongTables lake = build_song_tables(lake_files, {});
  SongTables one = build_song_tables(new_files, {}, {&lake.keys, &lake.artists}, 1);
  SongTables two = build_song_tables(new_files, {}, {&lake.keys, &lake.artists}, 2);
  EXPECT_GT(one.duplicate_songs, 0u);
  EXPECT_EQ(one.duplicate_songs, two.duplicate_songs);
  EXPECT_EQ(one.artists_changed, two.artists_changed);
  EXPECT_EQ(strings(one.songs), strings(two.songs));
  EXPECT_EQ(strings(one.keys), strings(two.keys));
  EXPECT_EQ(strings(one.artists), strings(two.artists));
  for (int t = 0; t < 97; ++t) {
    for (int d = 0; d < 29; ++d) {
      std::string title = "T" + std::to_string(t);
      for (int n = 0; n < 11; ++n) {
        std::string name = "N" + std::to_string(n);
        EXPECT_EQ(one.index.find(title, name, d), two.index.find(title, name, d));
      }
    }
  }
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
