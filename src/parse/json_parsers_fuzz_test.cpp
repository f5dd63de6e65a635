// Mutation fuzz test of the song and event parsers, built with AddressSanitizer + UBSan: real
// records with bits flipped, bytes inserted and removed, and files cut short must each end up
// accepted or rejected — never a crash, a hang or a read past the buffer.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "parse/json_parsers.h"
#include "support/json_mutation.h"

namespace sparkify::parse {
namespace {

using sparkify::testing::kEventSeeds;
using sparkify::testing::mutate_json;

const char* kSongSeeds[] = {
    R"({"num_songs": 1, "artist_id": "ARD7TVE1187B99BFB1", "artist_latitude": null, )"
    R"("artist_longitude": null, "artist_location": "California - LA", "artist_name": "Casual", )"
    R"("song_id": "SOMZWCG12A8C13C480", "title": "I Didn't Mean To", "duration": 218.93179, )"
    R"("year": 0})",
    "{\n  \"song_id\": \"S\\u00e9\",\n  \"artist_id\": \"A\\/B\",\n  \"year\": \"1999\",\n"
    "  \"duration\": \"1e2\", \"artist_latitude\": -12.5, \"extra\": [1, {\"x\": [true, null]}]\n}"
    " {\"song_id\":\"S2\",\"artist_id\":\"A2\"}",
};

Buffer padded(const std::string& s) {
  return Buffer::CopyOf({reinterpret_cast<const uint8_t*>(s.data()), s.size()}, 64);
}

struct CountingSink : model::EventSink {
  uint64_t events = 0;
  uint64_t bytes_seen = 0;
  void on_event(const model::EventRecord& e) override {
    ++events;
    // Read every byte of every string: ASan checks the views point at live memory.
    for (const auto* s : {&e.artist, &e.song, &e.first_name, &e.last_name, &e.gender, &e.level,
                          &e.location, &e.user_agent}) {
      for (char c : s->value) bytes_seen += static_cast<unsigned char>(c);
    }
  }
};

TEST(JsonParsersFuzz, MutatedRecordsAreAcceptedOrRejectedNeverCrash) {
  std::mt19937_64 rng(20261122);
  SongParser songs;
  EventParser events;
  uint64_t rejected = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string file;
    int records = 1 + static_cast<int>(rng() % 3);
    bool song_file = round % 2 == 0;
    for (int r = 0; r < records; ++r) {
      std::string seed = song_file ? kSongSeeds[rng() % 2] : kEventSeeds[rng() % 2];
      file += (rng() % 3 == 0) ? mutate_json(seed, rng) : seed;
      file += (rng() % 4 == 0) ? "\r\n" : "\n";
    }
    Buffer data = padded(file);
    std::vector<model::RejectRecord> rejects;
    ParseStats stats;
    if (song_file) {
      model::StringArena arena;
      std::vector<model::SongRecord> out;
      songs.parse_file("fuzz.json", data, arena, out, rejects, stats);
      ASSERT_EQ(stats.accepted + stats.rejected, stats.records) << file;
      ASSERT_EQ(out.size(), stats.accepted);
    } else {
      CountingSink sink;
      events.parse_file("fuzz.json", data, sink, rejects, stats);
      ASSERT_LE(stats.accepted + stats.rejected, stats.records) << file;
      ASSERT_EQ(sink.events, stats.accepted);
    }
    ASSERT_EQ(rejects.size(), stats.rejected);
    for (const auto& r : rejects) {
      ASSERT_FALSE(r.reason.empty());
      ASSERT_LE(r.offset, file.size());
    }
    rejected += stats.rejected;
  }
  EXPECT_GT(rejected, 1000u);  // the mutations did reach the reject paths
}

// Every accepted event, in full, as text: two parses agree when their texts do.
struct RecordingSink : model::EventSink {
  std::string text;
  void on_event(const model::EventRecord& e) override {
    auto num = [](const auto& v) { return v ? std::to_string(*v) : std::string("null"); };
    text += std::to_string(e.line) + " " + std::to_string(e.ts) + " " + std::to_string(e.user_id) +
            " " + num(e.session_id) + " " + num(e.length);
    for (const auto* s : {&e.artist, &e.song, &e.first_name, &e.last_name, &e.gender, &e.level,
                          &e.location, &e.user_agent}) {
      text += s->valid ? "|" + std::string(s->value) : "|null";
    }
    text += "\n";
  }
};

// Lines that are one JSON document only in part, or more than one: a window must not take them.
const char* kAwkwardLines[] = {
    "",
    "   \t ",
    "\r",
    R"({"page":"NextSong","ts":1,"userId":"2"}})",
    R"({"page":"NextSong","ts":1,"userId":"2"} {"page":"NextSong","ts":3,"userId":"4"})",
    R"({"page":"NextSong","ts":1,"userId":"2"},)",
    R"({"page":"NextSong","ts":1,"userId":"2"} x)",
    R"(  {"page":"NextSong","ts":5,"userId":"6"}   )",
    R"({"page":"NextSong","ts":1,)",
    R"("userId":"2"})",
    R"({"page":"NextSong","ts":1,"userId":{"a":)",
    R"(1}})",
    R"([{"page":"NextSong","ts":1,"userId":"2"}])",
    R"("NextSong")",
    "42",
    "}",
    "{",
    R"({"page":"NextSong","ts":1,"userId":"2","song":"unterminated)",
    "{\"page\":\"NextSong\",\"ts\":1,\"userId\":\"2\",\"song\":\"\xff\"}",
    R"({"page":"NextSong","ts":"x","userId":"2"})",
    R"({"page":"NextSong","userId":"2"})",
    R"({"page":"NextSong","ts":1,"userId":"two"})",
    // One document over two or three lines.
    "{\"page\":\"NextSong\",\"ts\":1,\n\"userId\":\"2\"}",
    "{\"page\":\"NextSong\",\"ts\":1,\"userId\":\"2\"\n}",
    "{\"page\":\"NextSong\",\"ts\":1,\"userId\":{\"a\":\n1}}",
    "{\"page\":\"NextSong\",\r\n\n\"ts\":1,\"userId\":\"2\"}",
};

// The first line where two texts differ, for a short failure message.
std::string first_difference(const std::string& a, const std::string& b) {
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  size_t from = a.rfind('\n', i) == std::string::npos ? 0 : a.rfind('\n', i) + 1;
  return "windows: " + a.substr(from, 200) + "\nalone:   " + b.substr(from, 200);
}

// Windows of lines through one stage 1 (LineBatching::kWindows) against each line on its own
// (kNone): the same events, rejects and counts, for files of real records mixed with mutated
// and awkward lines, up to ~1 MB (a window holds ~256 KB), some holding a line longer than a
// window may be (512 KB).
TEST(JsonParsersFuzz, WindowsOfLinesReadLikeEachLineOnItsOwn) {
  std::mt19937_64 rng(20261201);
  EventParser windows(LineBatching::kWindows);
  EventParser lines(LineBatching::kNone);
  const std::string long_line =
      R"({"page":"NextSong","ts":7,"userId":"8","song":")" + std::string(600 * 1024, 's') + R"("})";
  uint64_t events = 0, rejected = 0;
  for (int round = 0; round < 120; ++round) {
    std::string file;
    int records = 1 + static_cast<int>(rng() % 2000);
    int odd_one_in = 2 + static_cast<int>(rng() % 60);  // some files hold few bad lines
    for (int r = 0; r < records; ++r) {
      uint64_t pick = rng() % static_cast<uint64_t>(odd_one_in);
      if (round % 10 == 0 && r == records / 2) {
        file += long_line;
      } else if (pick == 0) {
        file += kAwkwardLines[rng() % std::size(kAwkwardLines)];
      } else if (pick == 1) {
        file += mutate_json(kEventSeeds[rng() % 2], rng);
      } else {
        file += kEventSeeds[rng() % 2];
      }
      if (r + 1 < records || rng() % 2 == 0) file += (rng() % 4 == 0) ? "\r\n" : "\n";
    }
    Buffer data = padded(file);
    RecordingSink a, b;
    std::vector<model::RejectRecord> ra, rb;
    ParseStats sa, sb;
    windows.parse_file("w.json", data, a, ra, sa);
    lines.parse_file("w.json", data, b, rb, sb);
    ASSERT_TRUE(a.text == b.text) << first_difference(a.text, b.text);
    ASSERT_EQ(sa.records, sb.records);
    ASSERT_EQ(sa.accepted, sb.accepted);
    ASSERT_EQ(sa.rejected, sb.rejected);
    ASSERT_EQ(ra.size(), rb.size());
    for (size_t i = 0; i < ra.size(); ++i) {
      ASSERT_EQ(ra[i].line, rb[i].line) << rb[i].raw;
      ASSERT_EQ(ra[i].offset, rb[i].offset) << rb[i].raw;
      ASSERT_EQ(ra[i].reason, rb[i].reason) << rb[i].raw;
      ASSERT_EQ(ra[i].raw, rb[i].raw);
    }
    events += sa.accepted;
    rejected += sa.rejected;
  }
  EXPECT_GT(events, 50000u);  // the files were long enough to take whole windows
  EXPECT_GT(rejected, 300u);
}

}  // namespace
}  // namespace sparkify::parse
