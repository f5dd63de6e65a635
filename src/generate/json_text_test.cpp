#include "generate/json_text.h"

#include <gtest/gtest.h>

#include "generate/bad_records.h"
#include "generate/event_log.h"
#include "generate/random.h"

namespace sparkify::generate {
namespace {

std::string quoted(std::string_view s, bool escape_slash) {
  std::string out;
  append_json_string(out, s, escape_slash);
  return out;
}

TEST(JsonText, EscapesLikeTheRawData) {
  EXPECT_EQ(quoted("AC/DC", false), "\"AC/DC\"");
  EXPECT_EQ(quoted("AC/DC", true), "\"AC\\/DC\"");
  EXPECT_EQ(quoted("Weird Al\" Yankovic", true), "\"Weird Al\\\" Yankovic\"");
  EXPECT_EQ(quoted("back\\slash", false), "\"back\\\\slash\"");
  EXPECT_EQ(quoted("Clementina Santaf\u00e8", false), "\"Clementina Santaf\\u00e8\"");
  EXPECT_EQ(quoted("Don\x19t", true), "\"Don\\u0019t\"");
  EXPECT_EQ(quoted("a\nb\tc", false), "\"a\\nb\\tc\"");
  EXPECT_EQ(quoted("\u6771", false), "\"\\u6771\"");
  EXPECT_EQ(quoted("\U0001F3B5", false), "\"\\ud83c\\udfb5\"");  // a surrogate pair
}

TEST(JsonText, MojibakeTwiceMatchesTheRealLogs) {
  // The real logs hold "Caf\u00c3\u0083\u00c2\u00a9" where "Café" was meant.
  EXPECT_EQ(quoted(mojibake(mojibake("Caf\u00e9")), true), "\"Caf\\u00c3\\u0083\\u00c2\\u00a9\"");
}

TEST(JsonText, DoublesAsPythonReprWritesThem) {
  auto text = [](double d) {
    std::string out;
    append_python_double(out, d);
    return out;
  };
  EXPECT_EQ(text(267.7024), "267.7024");
  EXPECT_EQ(text(218.93179), "218.93179");
  EXPECT_EQ(text(-13.442), "-13.442");
  EXPECT_EQ(text(300.0), "300.0");
  EXPECT_EQ(text(1540919166796.0), "1540919166796.0");
  EXPECT_EQ(text(26770240 / 100000.0), "267.7024");
}

TEST(EventLog, CivilDatesAndDayPlans) {
  EXPECT_EQ(civil_date(kLogStartSeconds / 86400), "2018-11-01");
  EXPECT_EQ(civil_date(kLogStartSeconds / 86400 + 30), "2018-12-01");
  EXPECT_EQ(civil_date(kLogStartSeconds / 86400 + 61), "2019-01-01");
  auto plan = plan_days(7, 1001, 45, kLogStartSeconds);
  ASSERT_EQ(plan.size(), 45u);
  uint64_t total = 0;
  for (const auto& d : plan) total += d.events;
  EXPECT_EQ(total, 1001u);
  EXPECT_EQ(plan[0].path, "log_data/2018/11/2018-11-01-events.json");
  EXPECT_EQ(plan[44].path, "log_data/2018/12/2018-12-15-events.json");
}

TEST(Random, AliasTableFollowsTheWeights) {
  std::vector<double> w = {1, 0, 3};
  AliasTable table(w);
  Rng rng(1);
  int counts[3] = {};
  for (int i = 0; i < 40000; ++i) ++counts[table.sample(rng)];
  EXPECT_EQ(counts[1], 0);
  EXPECT_NEAR(counts[2] / 40000.0, 0.75, 0.02);
}

TEST(Random, StreamsDoNotDependOnEachOther) {
  EXPECT_EQ(Rng::For(1, Stream::kSong, 5).next(), Rng::For(1, Stream::kSong, 5).next());
  EXPECT_NE(Rng::For(1, Stream::kSong, 5).next(), Rng::For(1, Stream::kSong, 6).next());
  EXPECT_NE(Rng::For(1, Stream::kSong, 5).next(), Rng::For(1, Stream::kUser, 5).next());
  EXPECT_NE(Rng::For(1, Stream::kSong, 5).next(), Rng::For(2, Stream::kSong, 5).next());
}

TEST(BadRecords, EachKindChangesTheRecord) {
  std::string song =
      "{\"num_songs\": 1, \"artist_id\": \"ARX\", \"artist_latitude\": null, "
      "\"artist_longitude\": null, \"artist_location\": \"\", \"artist_name\": \"A\", "
      "\"song_id\": \"SOX\", \"title\": \"T\", \"duration\": 1.5, \"year\": 0}";
  Rng rng(3);
  EXPECT_EQ(corrupt_song_file(song, BadSongKind::kMissingSongId, rng).find("song_id"),
            std::string::npos);
  EXPECT_EQ(corrupt_song_file(song, BadSongKind::kMissingArtistId, rng).find("artist_id"),
            std::string::npos);
  std::string line =
      "{\"artist\":\"A\",\"auth\":\"Logged In\",\"firstName\":\"F\",\"gender\":\"F\","
      "\"itemInSession\":0,\"lastName\":\"L\",\"length\":1.5,\"level\":\"free\","
      "\"location\":\"X\",\"method\":\"PUT\",\"page\":\"NextSong\",\"registration\":1.0,"
      "\"sessionId\":3,\"song\":\"S\",\"status\":200,\"ts\":1541105830796,"
      "\"userAgent\":\"U\",\"userId\":\"39\"}";
  std::string no_ts = corrupt_event_line(line, BadEventKind::kMissingTs, rng);
  EXPECT_EQ(no_ts.find("\"ts\""), std::string::npos);
  EXPECT_NE(no_ts.find("\"status\":200,\"userAgent\""), std::string::npos);
  std::string user = corrupt_event_line(line, BadEventKind::kNonNumericUserId, rng);
  EXPECT_EQ(user.find("\"userId\":\"39\"}"), std::string::npos);
  EXPECT_EQ(user.back(), '}');
}

}  // namespace
}  // namespace sparkify::generate
