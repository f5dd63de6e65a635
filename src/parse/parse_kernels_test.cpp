// Every parsing kernel this CPU runs must give the same records, rejects (with their reasons)
// and counts on the same input: mutated real records, and the real Udacity sample when present.
// One exception, from simdjson itself: its portable fallback stage 1 (which simdjson also picks
// at run time on a CPU without SSE4.2) may name a different first error in malformed JSON than
// its SIMD kernels (e.g. "not valid UTF-8" rather than "improper structure"). For the fallback
// the same records must be rejected at the same places, but the reason's wording may differ.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "parse/json_parsers.h"
#include "support/json_mutation.h"

namespace sparkify::parse {
namespace {

using sparkify::testing::kEventSeeds;
using sparkify::testing::mutate_json;

const char* kSong =
    R"({"num_songs": 1, "artist_id": "ARD7TVE1187B99BFB1", "artist_latitude": 35.14968, )"
    R"("artist_longitude": "-90.04892", "artist_location": "California - LA", "artist_name": )"
    R"("Casual \u00e9", "song_id": "SOMZWCG12A8C13C480", "title": "I Didn't Mean To", )"
    R"("duration": 218.93179, "year": "1999", "extra": [1, {"x": [true, null, -1e5]}]})";

std::string show(const model::NullableString& s) {
  return s.valid ? "\"" + std::string(s.value) + "\"" : "null";
}
template <typename T>
std::string show(const std::optional<T>& v) {
  if (!v) return "null";
  std::ostringstream out;
  out.precision(17);
  out << *v;
  return out.str();
}

struct TextSink : model::EventSink {
  std::string text;
  void on_event(const model::EventRecord& e) override {
    text += std::to_string(e.line) + " " + std::to_string(e.ts) + " " + std::to_string(e.user_id) +
            " " + show(e.session_id) + " " + show(e.length) + " " + show(e.artist) + show(e.song) +
            show(e.first_name) + show(e.last_name) + show(e.gender) + show(e.level) +
            show(e.location) + show(e.user_agent) + "\n";
  }
};

bool g_with_reasons = true;  // false: reject reasons are left out of the comparison

std::string show_rejects(const std::vector<model::RejectRecord>& rejects, const ParseStats& s) {
  std::string text = std::to_string(s.records) + "/" + std::to_string(s.accepted) + "/" +
                     std::to_string(s.rejected) + "\n";
  for (const auto& r : rejects) {
    text += r.source + ":" + std::to_string(r.line) + "@" + std::to_string(r.offset) + " " +
            (g_with_reasons ? r.reason : "") + " [" + r.raw + "]\n";
  }
  return text;
}

Buffer padded(const std::string& s) {
  return Buffer::CopyOf({reinterpret_cast<const uint8_t*>(s.data()), s.size()}, 64);
}

// Everything the current kernel makes of these song and log files, as text.
std::string parse_all(const std::vector<std::string>& song_files,
                      const std::vector<std::string>& log_files) {
  SongParser songs;
  EventParser events;
  std::string text;
  for (const std::string& file : song_files) {
    model::StringArena arena;
    std::vector<model::SongRecord> out;
    std::vector<model::RejectRecord> rejects;
    ParseStats stats;
    songs.parse_file("s.json", padded(file), arena, out, rejects, stats);
    for (const auto& s : out) {
      text += std::string(s.song_id) + " " + std::string(s.artist_id) + " " + show(s.title) +
              show(s.artist_name) + show(s.artist_location) + " " + show(s.year) + " " +
              show(s.duration) + " " + show(s.latitude) + " " + show(s.longitude) + "\n";
    }
    text += show_rejects(rejects, stats);
  }
  for (const std::string& file : log_files) {
    TextSink sink;
    std::vector<model::RejectRecord> rejects;
    ParseStats stats;
    events.parse_file("e.json", padded(file), sink, rejects, stats);
    text += sink.text + show_rejects(rejects, stats);
  }
  return text;
}

std::vector<std::string> read_tree(const std::filesystem::path& root) {
  std::vector<std::filesystem::path> paths;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (e.is_regular_file() && e.path().extension() == ".json") paths.push_back(e.path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> files;
  for (const auto& p : paths) {
    std::ifstream in(p, std::ios::binary);
    files.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return files;
}

class ParseKernels : public ::testing::Test {
 protected:
  void TearDown() override { ASSERT_TRUE(set_parse_kernel("auto").ok()); }

  // Parses the files with every supported kernel and expects the same text from each.
  void expect_same_everywhere(const std::vector<std::string>& songs,
                              const std::vector<std::string>& logs) {
    std::vector<std::string> kernels = supported_parse_kernels();
    ASSERT_FALSE(kernels.empty());
    std::string first, first_without_reasons;
    for (const std::string& kernel : kernels) {
      ASSERT_TRUE(set_parse_kernel(kernel).ok()) << kernel;
      ASSERT_EQ(parse_kernel_name(), kernel);
      g_with_reasons = true;
      std::string text = parse_all(songs, logs);
      g_with_reasons = false;
      std::string without_reasons = parse_all(songs, logs);
      if (first.empty()) {
        first = text;
        first_without_reasons = without_reasons;
        ASSERT_FALSE(first.empty());
      } else if (kernel == "fallback") {
        ASSERT_EQ(without_reasons, first_without_reasons)
            << "kernel " << kernel << " differs from " << kernels[0];
      } else {
        ASSERT_EQ(text, first) << "kernel " << kernel << " differs from " << kernels[0];
      }
    }
    g_with_reasons = true;
  }
};

TEST_F(ParseKernels, TheDefaultIsTheBestSupported) {
  std::vector<std::string> kernels = supported_parse_kernels();
  ASSERT_FALSE(kernels.empty());
  EXPECT_EQ(parse_kernel_name(), kernels[0]);
#if defined(__x86_64__)
  // Every x86-64 CPU runs SSE2-only code: the portable kernel is always there.
  EXPECT_EQ(kernels.back(), "fallback");
#endif
}

TEST_F(ParseKernels, UnknownOrUnsupportedKernelsAreRefused) {
  Status st = set_parse_kernel("pentium");
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("unknown JSON parse kernel"), std::string::npos) << st.message();
  EXPECT_STREQ(parse_kernel_name(), supported_parse_kernels()[0].c_str());
}

TEST_F(ParseKernels, AllKernelsAgreeOnMutatedRecords) {
  std::mt19937_64 rng(20261129);
  std::vector<std::string> songs, logs;
  for (int i = 0; i < 400; ++i) {
    std::string file;
    for (int r = 0; r < 1 + static_cast<int>(rng() % 3); ++r) {
      file += rng() % 2 ? mutate_json(kSong, rng, 3, false) : std::string(kSong);
      file += "\n";
    }
    songs.push_back(file);
  }
  for (int i = 0; i < 100; ++i) {
    std::string file;
    for (int r = 0; r < 20; ++r) {
      std::string line = kEventSeeds[rng() % 2];
      file += (rng() % 3 == 0 ? mutate_json(line, rng, 3, false) : line) +
              (rng() % 5 == 0 ? "\r\n" : "\n");
    }
    logs.push_back(file);
  }
  expect_same_everywhere(songs, logs);
}

TEST_F(ParseKernels, AllKernelsAgreeOnTheRealSample) {
  std::filesystem::path sample = SPARKIFY_SHARED_DATA "/udacity-sample";
  if (!std::filesystem::exists(sample)) {
    GTEST_SKIP() << "the real sample is not at " << sample << " (../shared/data)";
  }
  expect_same_everywhere(read_tree(sample / "song_data"), read_tree(sample / "log_data"));
}

}  // namespace
}  // namespace sparkify::parse
