#include "parse/json_parsers.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sparkify::parse {
namespace {

Buffer padded(const std::string& s) {
  return Buffer::CopyOf({reinterpret_cast<const uint8_t*>(s.data()), s.size()}, 64);
}

struct SongResult {
  std::vector<model::SongRecord> songs;
  std::vector<model::RejectRecord> rejects;
  ParseStats stats;
  model::StringArena arena;
};

SongResult parse_songs(const std::string& text) {
  SongResult r;
  SongParser parser;
  Buffer b = padded(text);
  parser.parse_file("s.json", b, r.arena, r.songs, r.rejects, r.stats);
  return r;
}

TEST(SongParser, ReadsARealSongObject) {
  auto r = parse_songs(
      R"({"num_songs": 1, "artist_id": "ARD7TVE1187B99BFB1", "artist_latitude": null, )"
      R"("artist_longitude": null, "artist_location": "California - LA", "artist_name": )"
      R"("Casual", "song_id": "SOMZWCG12A8C13C480", "title": "I Didn't Mean To", "duration": )"
      R"(218.93179, "year": 0})");
  ASSERT_EQ(r.songs.size(), 1u);
  ASSERT_TRUE(r.rejects.empty());
  const auto& s = r.songs[0];
  EXPECT_EQ(s.song_id, "SOMZWCG12A8C13C480");
  EXPECT_EQ(s.artist_id, "ARD7TVE1187B99BFB1");
  EXPECT_EQ(s.title.value, "I Didn't Mean To");
  EXPECT_EQ(s.artist_location.value, "California - LA");
  EXPECT_FALSE(s.latitude.has_value());
  EXPECT_EQ(s.year, 0);
  EXPECT_DOUBLE_EQ(*s.duration, 218.93179);
}

TEST(SongParser, NumericStringsEscapesAndSeveralDocuments) {
  auto r = parse_songs(
      "{\"song_id\":\"S1\",\"artist_id\":\"A1\",\"year\":\"1999\",\"duration\":\"12.5\","
      "\"title\":\"a\\/b \\u00e9\"}\n{\n \"song_id\": \"S2\",\n \"artist_id\": \"A2\"\n}");
  ASSERT_EQ(r.songs.size(), 2u);
  EXPECT_EQ(r.songs[0].year, 1999);
  EXPECT_EQ(r.songs[0].duration, 12.5);
  EXPECT_EQ(r.songs[0].title.value, "a/b \xc3\xa9");
  EXPECT_EQ(r.songs[1].song_id, "S2");
  EXPECT_FALSE(r.songs[1].title.valid);
}

TEST(SongParser, RejectsWithReasons) {
  auto r = parse_songs(
      "{\"artist_id\":\"A\"}\n"                                   // missing song_id
      "{\"song_id\":\"S\",\"artist_id\":\"\"}\n"                  // empty artist_id
      "{\"song_id\":\"S\",\"artist_id\":\"A\",\"year\":\"x\"}\n"  // wrong type
      "{\"song_id\":\"S\",\"artist_id\":\"A\",\"year\":1.5}\n"    // not an integer
      "{\"song_id\":\"S\",\"artist_id\":\"A\",\"f\":tru}\n"       // bad JSON in an ignored key
      "[1,2]\n"                                                   // not an object
      "{\"song_id\":\"S\",\"artist_id\":\"A\",\"title\":5}\n"     // wrong type
      "{\"song_id\":\"S\"");                                      // truncated
  EXPECT_TRUE(r.songs.empty());
  ASSERT_EQ(r.rejects.size(), 8u);
  EXPECT_EQ(r.rejects[0].reason, "missing song_id");
  EXPECT_EQ(r.rejects[1].reason, "missing artist_id");
  EXPECT_NE(r.rejects[2].reason.find("year"), std::string::npos);
  EXPECT_NE(r.rejects[3].reason.find("integer"), std::string::npos);
  EXPECT_NE(r.rejects[4].reason.find("invalid JSON"), std::string::npos);
  EXPECT_EQ(r.rejects[5].reason, "expected a JSON object");
  EXPECT_NE(r.rejects[6].reason.find("title"), std::string::npos);
  EXPECT_NE(r.rejects[7].reason.find("unterminated"), std::string::npos);
  EXPECT_EQ(r.rejects[7].line, 8u);
  EXPECT_EQ(r.rejects[0].raw, "{\"artist_id\":\"A\"}");
  EXPECT_EQ(r.stats.rejected, 8u);
}

struct CollectingSink : model::EventSink {
  struct Row {
    int64_t ts, user_id;
    std::string level, user_agent;
    uint64_t line;
  };
  std::vector<Row> rows;
  void on_event(const model::EventRecord& e) override {
    rows.push_back(
        {e.ts, e.user_id, std::string(e.level.value), std::string(e.user_agent.value), e.line});
  }
};

struct EventResult {
  CollectingSink sink;
  std::vector<model::RejectRecord> rejects;
  ParseStats stats;
};

EventResult parse_events(const std::string& text) {
  EventResult r;
  EventParser parser;
  Buffer b = padded(text);
  parser.parse_file("l.json", b, r.sink, r.rejects, r.stats);
  return r;
}

TEST(EventParser, NextSongOnlyWithQuirks) {
  std::string text =
      "{\"artist\":null,\"page\":\"Home\",\"ts\":1,\"userId\":\"\"}\r\n"
      "\r\n"
      "{\"artist\":\"A\",\"page\":\"NextSong\",\"ts\":\"1541903636796\",\"userId\":\"39\","
      "\"level\":\"free\",\"userAgent\":\"\\\"Mozilla\\/5.0\\\"\",\"sessionId\":38,"
      "\"registration\":1.540919166796E12,\"status\":200}\r\n"
      "{\"page\":\"NextSong\",\"ts\":2,\"userId\":7}";
  auto [sink, rejects, stats] = parse_events(text);
  EXPECT_TRUE(rejects.empty()) << rejects[0].reason;
  ASSERT_EQ(sink.rows.size(), 2u);
  EXPECT_EQ(sink.rows[0].ts, 1541903636796);
  EXPECT_EQ(sink.rows[0].user_id, 39);
  EXPECT_EQ(sink.rows[0].user_agent, "\"Mozilla/5.0\"");
  EXPECT_EQ(sink.rows[0].line, 3u);
  EXPECT_EQ(sink.rows[1].user_id, 7);
  EXPECT_EQ(stats.records, 3u);
  EXPECT_EQ(stats.accepted, 2u);
}

TEST(EventParser, EscapedFieldNamesAreStillRecognized) {
  std::string text = "{\"p\\u0061ge\":\"NextSong\",\"t\\u0073\":5,\"userId\":\"2\"}";
  auto [sink, rejects, stats] = parse_events(text);
  ASSERT_TRUE(rejects.empty()) << rejects[0].reason;
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0].ts, 5);
}

TEST(EventParser, RejectsBadLines) {
  std::string text =
      "{\"page\":\"NextSong\",\"userId\":\"5\"}\n"             // missing ts
      "{\"page\":\"NextSong\",\"ts\":1,\"userId\":\"\"}\n"     // logged-out NextSong
      "{\"page\":\"NextSong\",\"ts\":1,\"userId\":\"abc\"}\n"  // non-numeric userId
      "{\"page\":\"NextSong\",\"ts\":1,\"userId\":1} x\n"      // trailing content
      "{\"page\":\"NextSong\",\"ts\":1,\"userId\":1,\"length\":\"long\"}\n"
      "not json\n"
      "{\"page\":\"NextSong\",\"ts\":1,\"userId\":1,\"auth\":{\"a\":[1,2,}}\n"
      "{\"page\":\"NextSong\",\"ts\":1,\"userId\":\"\xff\"}\n";  // invalid UTF-8
  auto [sink, rejects, stats] = parse_events(text);
  EXPECT_TRUE(sink.rows.empty());
  ASSERT_EQ(rejects.size(), 8u);
  EXPECT_EQ(rejects[0].reason, "missing ts");
  EXPECT_EQ(rejects[1].reason, "missing userId");
  EXPECT_NE(rejects[2].reason.find("userId"), std::string::npos);
  EXPECT_NE(rejects[3].reason.find("invalid JSON"), std::string::npos) << rejects[3].reason;
  EXPECT_NE(rejects[4].reason.find("length"), std::string::npos);
  EXPECT_EQ(rejects[5].line, 6u);
  EXPECT_NE(rejects[6].reason.find("invalid JSON"), std::string::npos);
  EXPECT_NE(rejects[7].reason.find("UTF-8"), std::string::npos) << rejects[7].reason;
  EXPECT_EQ(rejects[1].offset, text.find("{\"page\":\"NextSong\",\"ts\":1,\"userId\":\"\"}"));
}

// A value nested past the walk's limit is a rejected record, not a stack overflow (70k levels in
// one line of a log crashed the run); shallow nesting in an unused field is still accepted.
std::string nested(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(EventParser, DeepNestingIsRejected) {
  std::string text = "{\"page\":\"NextSong\",\"ts\":1,\"userId\":1,\"x\":" + nested(200000) +
                     "}\n{\"page\":\"NextSong\",\"ts\":2,\"userId\":2,\"x\":" + nested(50) + "}\n";
  auto [sink, rejects, stats] = parse_events(text);
  ASSERT_EQ(rejects.size(), 1u);
  // The line is longer than a reject keeps: the reason says how much of it `raw` holds.
  size_t line_bytes = text.find('\n');
  EXPECT_EQ(rejects[0].reason, "nested deeper than 1024 levels; raw text: its first 65536 of " +
                                   std::to_string(line_bytes) + " bytes");
  EXPECT_EQ(rejects[0].raw, text.substr(0, model::kRejectRawBytes));
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0].ts, 2);
}

// A reject's raw text is cut at a character's start, so UTF-8 stays UTF-8 (a cut through 'é'
// made it bytes, written as raw_base64), and the reason says how many bytes were kept.
TEST(EventParser, RawTextIsCutBetweenCharacters) {
  std::string line = "a";
  for (int i = 0; i < 50000; ++i) line += "\xC3\xA9";  // é
  auto [sink, rejects, stats] = parse_events(line + "\n");
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0].raw, line.substr(0, 65535));
  EXPECT_TRUE(rejects[0].reason.ends_with("; raw text: its first 65535 of 100001 bytes"))
      << rejects[0].reason;
}

TEST(SongParser, DeepNestingIsRejected) {
  auto r = parse_songs("{\"song_id\":\"S\",\"artist_id\":\"A\",\"x\":{\"y\":" + nested(200000) +
                       "}}\n{\"song_id\":\"T\",\"artist_id\":\"A\",\"x\":" + nested(50) + "}");
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_TRUE(
      r.rejects[0].reason.starts_with("nested deeper than 1024 levels; raw text: its "
                                      "first 65536 of "))
      << r.rejects[0].reason;
  ASSERT_EQ(r.songs.size(), 1u);
}

TEST(SongParser, ArtistIdThatCannotNameItsPartitionFolderIsRejected) {
  // 245 bytes escaped is the most that fits `artist_id=` in a 255-byte folder name; '%' takes 3.
  auto r =
      parse_songs("{\"song_id\":\"S1\",\"artist_id\":\"" + std::string(245, 'A') +
                  "\"}\n{\"song_id\":\"S2\",\"artist_id\":\"" + std::string(246, 'A') +
                  "\"}\n{\"song_id\":\"S3\",\"artist_id\":\"" + std::string(82, '%') + "\"}\n");
  ASSERT_EQ(r.songs.size(), 1u);
  EXPECT_EQ(r.songs[0].song_id, "S1");
  ASSERT_EQ(r.rejects.size(), 2u);
  EXPECT_EQ(r.rejects[0].reason,
            "artist_id too long for its partition folder: 246 bytes once escaped, at most 245");
  EXPECT_EQ(r.rejects[1].line, 3u);
}

}  // namespace
}  // namespace sparkify::parse
