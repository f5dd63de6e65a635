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

}  // namespace
}  // namespace sparkify::parse
