// Timing helper for the Parquet writer benchmark (bench/parquet/bench_parquet.mjs drives it):
//   parquet_bench tiny [FILES]      writes FILES tiny files (1-3 rows) of two table shapes and
//                                   prints the time per file (the ETL's partitioned output)
//   parquet_bench read FILE [ROUNDS] reads every column of FILE ROUNDS times and prints the best
//                                   time (file already in memory)
//   parquet_bench serve ROWS DIR    builds a songplays-shaped table of ROWS rows once, writes it
//                                   as DIR/input.parquet (uncompressed, for the peer to load), then
//                                   on each stdin line "write snappy|zstd|none [dict]" writes it
//                                   to DIR/ours.parquet and prints one JSON line with the timing
// Not a test: nothing here asserts.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "parquet/file_reader.h"
#include "parquet/file_writer.h"

using namespace sparkify;
using namespace sparkify::parquet;
using Clock = std::chrono::steady_clock;

namespace {

/// Streams to a file through a 1 MiB buffer: the writer hands over pages and chunks.
class FileOutputStream final : public OutputStream {
 public:
  explicit FileOutputStream(const std::string& path) : f_(std::fopen(path.c_str(), "wb")) {
    if (f_) std::setvbuf(f_, nullptr, _IOFBF, 1 << 20);
  }
  ~FileOutputStream() override {
    if (f_) std::fclose(f_);
  }
  bool ok() const { return f_ != nullptr; }
  Status write(const void* data, size_t size) override {
    if (std::fwrite(data, 1, size, f_) != size) return Status::IoError("write failed");
    return Status::OK();
  }
  Status close() {
    int rc = std::fclose(f_);
    f_ = nullptr;
    return rc == 0 ? Status::OK() : Status::IoError("close failed");
  }

 private:
  std::FILE* f_;
};

/// The songplays fact table's shape (SPEC §3), with partition columns kept in.
struct Songplays {
  size_t rows = 0;
  std::vector<int64_t> songplay_id, start_time, user_id, session_id;
  std::vector<int32_t> year, month;
  std::vector<uint8_t> song_valid;
  std::vector<std::string> levels, songs, artists, locations, agents;  // distinct values
  std::vector<int32_t> level_idx, song_idx, location_idx, agent_idx;
  std::vector<std::string_view> level, song_id, artist_id, location, user_agent;
  size_t logical_bytes = 0;  ///< bytes of the values themselves: what "MB/s" counts
};

std::string random_id(std::mt19937_64& rng, const char* prefix) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string s = prefix;
  while (s.size() < 18) s += alphabet[rng() % 36];
  return s;
}

Songplays make_songplays(size_t n) {
  std::mt19937_64 rng(42);
  Songplays t;
  t.rows = n;
  t.levels = {"free", "paid"};
  for (int i = 0; i < 70; ++i) {
    t.songs.push_back(random_id(rng, "SO"));
    t.artists.push_back(random_id(rng, "AR"));
  }
  for (int i = 0; i < 100; ++i)
    t.locations.push_back("City " + std::to_string(i) + "-Metro Area, ST-" +
                          std::to_string(i % 50));
  for (int i = 0; i < 50; ++i) {
    std::string ua = "\"Mozilla/5.0 (Windows NT 6." + std::to_string(i % 4) +
                     "; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/3" +
                     std::to_string(i) + ".0.1985.143 Safari/537.36\"";
    t.agents.push_back(ua);
  }
  int64_t ts = 1541030400000000LL;  // 2018-11-01
  for (size_t i = 0; i < n; ++i) {
    ts += static_cast<int64_t>(rng() % 3000000);
    t.songplay_id.push_back(static_cast<int64_t>(i + 1));
    t.start_time.push_back(ts);
    t.user_id.push_back(static_cast<int64_t>(rng() % 100 + 1));
    t.session_id.push_back(static_cast<int64_t>(rng() % 5000));
    t.year.push_back(2018);
    t.month.push_back(11);
    t.level_idx.push_back(static_cast<int32_t>(rng() % 4 == 0 ? 0 : 1));
    bool matched = rng() % 20 == 0;  // most events match no song: song_id/artist_id null
    t.song_valid.push_back(matched);
    t.song_idx.push_back(static_cast<int32_t>(rng() % 70));
    t.location_idx.push_back(static_cast<int32_t>(rng() % 100));
    t.agent_idx.push_back(static_cast<int32_t>(rng() % 50));
  }
  for (size_t i = 0; i < n; ++i) {
    t.level.push_back(t.levels[t.level_idx[i]]);
    t.song_id.push_back(t.song_valid[i] ? std::string_view(t.songs[t.song_idx[i]])
                                        : std::string_view());
    t.artist_id.push_back(t.song_valid[i] ? std::string_view(t.artists[t.song_idx[i]])
                                          : std::string_view());
    t.location.push_back(t.locations[t.location_idx[i]]);
    t.user_agent.push_back(t.agents[t.agent_idx[i]]);
    t.logical_bytes += 4 * 8 + 2 * 4 + t.level[i].size() + t.song_id[i].size() +
                       t.artist_id[i].size() + t.location[i].size() + t.user_agent[i].size();
  }
  return t;
}

Schema songplays_schema() {
  return Schema{{ColumnSchema::Int64("songplay_id", Repetition::kRequired),
                 ColumnSchema::TimestampMicros("start_time"), ColumnSchema::Int64("user_id"),
                 ColumnSchema::String("level"), ColumnSchema::String("song_id"),
                 ColumnSchema::String("artist_id"), ColumnSchema::Int64("session_id"),
                 ColumnSchema::String("location"), ColumnSchema::String("user_agent"),
                 ColumnSchema::Int32("year"), ColumnSchema::Int32("month")}};
}

/// Views over rows [offset, offset + n); `dict` passes strings as DictionaryStrings.
std::vector<ColumnView> songplays_views(const Songplays& t, size_t offset, size_t n, bool dict,
                                        std::vector<std::vector<std::string_view>>* dict_storage) {
  std::vector<ColumnView> v(11);
  auto i64 = [&](const std::vector<int64_t>& c) {
    return std::span<const int64_t>(c).subspan(offset, n);
  };
  auto i32 = [&](const std::vector<int32_t>& c) {
    return std::span<const int32_t>(c).subspan(offset, n);
  };
  auto str = [&](const std::vector<std::string_view>& c) {
    return std::span<const std::string_view>(c).subspan(offset, n);
  };
  v[0].values = i64(t.songplay_id);
  v[1].values = i64(t.start_time);
  v[2].values = i64(t.user_id);
  v[3].values = str(t.level);
  v[4].values = str(t.song_id);
  v[4].validity = std::span<const uint8_t>(t.song_valid).subspan(offset, n);
  v[5].values = str(t.artist_id);
  v[5].validity = v[4].validity;
  v[6].values = i64(t.session_id);
  v[7].values = str(t.location);
  v[8].values = str(t.user_agent);
  v[9].values = i32(t.year);
  v[10].values = i32(t.month);
  if (dict) {
    dict_storage->clear();
    auto views_of = [&](const std::vector<std::string>& d) {
      dict_storage->emplace_back(d.begin(), d.end());
      return std::span<const std::string_view>(dict_storage->back());
    };
    dict_storage->reserve(5);
    v[3].values = DictionaryStrings{views_of(t.levels), i32(t.level_idx)};
    v[4].values = DictionaryStrings{views_of(t.songs), i32(t.song_idx)};
    v[5].values = DictionaryStrings{views_of(t.artists), i32(t.song_idx)};
    v[7].values = DictionaryStrings{views_of(t.locations), i32(t.location_idx)};
    v[8].values = DictionaryStrings{views_of(t.agents), i32(t.agent_idx)};
  }
  return v;
}

Status write_songplays(const Songplays& t, const std::string& path, Codec codec, bool dict_input,
                       bool dictionary) {
  FileOutputStream out(path);
  if (!out.ok()) return Status::IoError("cannot open " + path);
  WriterOptions options;
  options.codec = codec;
  options.dictionary = dictionary;
  SPARKIFY_ASSIGN_OR_RETURN(auto writer, FileWriter::Make(songplays_schema(), options, &out));
  std::vector<std::vector<std::string_view>> dict_storage;
  auto views = songplays_views(t, 0, t.rows, dict_input, &dict_storage);
  SPARKIFY_RETURN_NOT_OK(writer->write_batch(views, t.rows));
  SPARKIFY_RETURN_NOT_OK(writer->close());
  return out.close();
}

int serve(size_t rows, const std::string& dir) {
  Songplays t = make_songplays(rows);
  Status st = write_songplays(t, dir + "/input.parquet", Codec::kUncompressed, false, true);
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.message().c_str());
    return 1;
  }
  std::printf("{\"ready\":true,\"rows\":%zu,\"logical_bytes\":%zu}\n", t.rows, t.logical_bytes);
  std::fflush(stdout);
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line == "exit") break;
    Codec codec = Codec::kSnappy;
    if (line.find("zstd") != std::string::npos) codec = Codec::kZstd;
    if (line.find("none") != std::string::npos) codec = Codec::kUncompressed;
    bool dict_input = line.find("dictinput") != std::string::npos;
    std::string path = dir + "/ours.parquet";
    auto start = Clock::now();
    st = write_songplays(t, path, codec, dict_input, true);
    double secs = std::chrono::duration<double>(Clock::now() - start).count();
    if (!st.ok()) {
      std::fprintf(stderr, "%s\n", st.message().c_str());
      return 1;
    }
    std::ifstream f(path, std::ios::binary | std::ios::ate);
    std::printf("{\"seconds\":%.6f,\"bytes\":%lld}\n", secs, static_cast<long long>(f.tellg()));
    std::fflush(stdout);
  }
  return 0;
}

/// The ETL's partitioned output: thousands of 1-3 row files. Encodes to memory (what the sink
/// hands to its FileSystem), so the figure is the writer's own cost.
int tiny(size_t files) {
  Songplays t = make_songplays(3 * files);
  Schema songs{{ColumnSchema::String("song_id", Repetition::kRequired),
                ColumnSchema::String("title"), ColumnSchema::Double("duration")}};
  std::vector<double> durations(3 * files);
  for (size_t i = 0; i < durations.size(); ++i) durations[i] = 100.0 + static_cast<double>(i % 300);
  size_t total_bytes = 0;
  for (int shape = 0; shape < 2; ++shape) {
    for (int round = 0; round < 3; ++round) {
      auto start = Clock::now();
      size_t offset = 0;
      for (size_t f = 0; f < files; ++f) {
        size_t n = 1 + f % 3;
        BufferOutputStream out;
        WriterOptions options;
        auto w = FileWriter::Make(shape == 0 ? songs : songplays_schema(), options, &out);
        std::vector<std::vector<std::string_view>> storage;
        std::vector<ColumnView> views;
        if (shape == 0) {
          views.resize(3);
          views[0].values = std::span<const std::string_view>(t.song_id).subspan(offset, n);
          views[1].values = std::span<const std::string_view>(t.location).subspan(offset, n);
          views[2].values = std::span<const double>(durations).subspan(offset, n);
        } else {
          views = songplays_views(t, offset, n, false, &storage);
        }
        if (!w.ok() || !(*w)->write_batch(views, n).ok() || !(*w)->close().ok()) return 1;
        total_bytes += out.bytes().size();
        offset += n;
      }
      double secs = std::chrono::duration<double>(Clock::now() - start).count();
      std::printf(
          "{\"shape\":\"%s\",\"files\":%zu,\"seconds\":%.6f,\"us_per_file\":%.2f,\"avg_file_"
          "bytes\":%zu}\n",
          shape == 0 ? "songs (3 columns)" : "songplays (11 columns)", files, secs,
          secs * 1e6 / files, total_bytes / files / (round + 1));
    }
    total_bytes = 0;
  }
  return 0;
}

int read_file(const std::string& path, int rounds) {
  std::ifstream f(path, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  double best = 1e30;
  int64_t rows = 0;
  for (int r = 0; r < rounds; ++r) {
    auto start = Clock::now();
    auto reader = FileReader::Open(bytes, path);
    if (!reader.ok()) {
      std::fprintf(stderr, "%s\n", reader.status().message().c_str());
      return 1;
    }
    for (size_t c = 0; c < (*reader)->schema().columns.size(); ++c) {
      auto d = (*reader)->read_column(static_cast<int>(c));
      if (!d.ok()) {
        std::fprintf(stderr, "%s\n", d.status().message().c_str());
        return 1;
      }
    }
    rows = (*reader)->num_rows();
    best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
  }
  std::printf("{\"rows\":%lld,\"best_seconds\":%.6f,\"mrows_per_s\":%.2f,\"file_mb_per_s\":%.0f}\n",
              static_cast<long long>(rows), best, static_cast<double>(rows) / best / 1e6,
              static_cast<double>(bytes.size()) / best / 1e6);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args[0] == "tiny")
    return tiny(args.size() > 1 ? std::stoul(args[1]) : 15000);
  if (args.size() == 3 && args[0] == "serve") return serve(std::stoul(args[1]), args[2]);
  if (args.size() >= 2 && args[0] == "read")
    return read_file(args[1], args.size() > 2 ? std::stoi(args[2]) : 5);
  std::fprintf(stderr, "usage: parquet_bench tiny [FILES] | read FILE [ROUNDS] | serve ROWS DIR\n");
  return 2;
}
