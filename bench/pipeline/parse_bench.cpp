// The log-parsing contest, on one thread: sparkify's EventParser against a bare simdjson
// On-Demand walk over the same NDJSON files, alternated, so their ratio is measured side by side
// in one run. Both contenders load each file into one reused padded buffer (the same read code),
// then parse it:
//   walk      parser.iterate_many over the file; for each document, visit its fields and read
//             the 7 the job's fact table needs (page, ts, userId, song, artist, length,
//             sessionId) as their types; nothing else is validated. Compiled for this machine
//             (-march=native), simdjson at its best.
//   sparkify  parse::EventParser::parse_file, as the ETL calls it: every field typed and every
//             value validated, rejects made, NextSong events handed to a counting sink; with the
//             kernel the program picks at run time (SPARKIFY_PARSE_KERNEL forces one).
// Prints one JSON object on stdout.
//
//   sparkify_parse_bench --logs DIR [--reps 5] [--only walk|sparkify]   (--only: for profiling)
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "common/buffer.h"
#include "parse/json_parsers.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace od = simdjson::ondemand;

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "sparkify_parse_bench: %s\n", why.c_str());
  std::exit(2);
}

void list_json(const std::string& dir, std::vector<std::string>& out) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) die("cannot list " + dir);
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] == '.' || e->d_name[0] == '_') continue;
    std::string path = dir + "/" + e->d_name;
    if (e->d_type == DT_DIR) {
      list_json(path, out);
    } else if (path.size() > 5 && path.compare(path.size() - 5, 5, ".json") == 0) {
      out.push_back(path);
    }
  }
  closedir(d);
}

// Reads a whole file into `buffer` (reused) with simdjson's padding zeroed after it.
void load(const std::string& path, sparkify::Buffer& buffer) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) die("cannot read " + path);
  struct stat st;
  if (fstat(fd, &st) != 0) die("cannot stat " + path);
  size_t size = static_cast<size_t>(st.st_size);
  buffer.resize_for_overwrite(size, simdjson::SIMDJSON_PADDING);
  size_t done = 0;
  while (done < size) {
    ssize_t n = read(fd, buffer.data() + done, size - done);
    if (n <= 0) die("short read on " + path);
    done += static_cast<size_t>(n);
  }
  close(fd);
}

struct Tally {
  uint64_t documents = 0, next_song = 0, errors = 0, checksum = 0;
};

// The bare walk over one NDJSON buffer.
void walk(od::parser& parser, const sparkify::Buffer& buffer, Tally& tally) {
  od::document_stream stream;
  if (parser.iterate_many(buffer.data(), buffer.size(), 1 << 20).get(stream)) {
    ++tally.errors;
    return;
  }
  for (auto doc_result : stream) {
    ++tally.documents;
    od::document_reference doc;
    od::object object;
    if (std::move(doc_result).get(doc) || doc.get_object().get(object)) {
      ++tally.errors;
      continue;
    }
    bool next_song = false;
    for (auto field_result : object) {
      od::field field;
      if (std::move(field_result).get(field)) {
        ++tally.errors;
        break;
      }
      const char* key = field.key().raw();  // keys here hold no escapes
      // key.raw() runs to the closing quote; compare by the bytes before it.
      auto is = [&](const char* name) {
        size_t n = std::strlen(name);
        return std::memcmp(key, name, n) == 0 && key[n] == '"';
      };
      od::value value = field.value();
      std::string_view s;
      int64_t i;
      double d;
      if (is("page")) {
        if (!value.get_string().get(s)) next_song = s == "NextSong";
      } else if (is("ts") || is("sessionId")) {
        if (!value.get_int64().get(i)) tally.checksum += static_cast<uint64_t>(i);
      } else if (is("userId") || is("song") || is("artist")) {
        if (!value.get_string().get(s)) tally.checksum += s.size();
      } else if (is("length")) {
        if (!value.get_double().get(d)) tally.checksum += static_cast<uint64_t>(d);
      }
    }
    tally.next_song += next_song;
  }
}

class CountingSink : public sparkify::model::EventSink {
 public:
  void on_event(const sparkify::model::EventRecord& event) override {
    checksum += static_cast<uint64_t>(event.ts) + event.song.value.size();
  }
  uint64_t checksum = 0;
};

// CPU time of the process: on a shared machine it is disturbed less by other tenants than wall
// time (both are reported).
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

double median(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  size_t m = xs.size() / 2;
  return xs.size() % 2 ? xs[m] : (xs[m - 1] + xs[m]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string logs;
  int reps = 5;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--logs" && i + 1 < argc) {
      logs = argv[++i];
    } else if (a == "--only" && i + 1 < argc) {
      only = argv[++i];
    } else if (a == "--reps" && i + 1 < argc) {
      reps = std::max(1, std::atoi(argv[++i]));
    } else {
      die("usage: sparkify_parse_bench --logs DIR [--reps N]");
    }
  }
  if (logs.empty()) die("usage: sparkify_parse_bench --logs DIR [--reps N]");
  std::vector<std::string> files;
  list_json(logs, files);
  std::sort(files.begin(), files.end());
  if (files.empty()) die("no .json files under " + logs);

  sparkify::Buffer buffer;
  od::parser walker;
#ifdef SIMDJSON_THREADS_ENABLED
  walker.threaded = false;  // one core for each contender: no stage-1 helper thread
#endif
  sparkify::parse::EventParser parser;
  std::vector<sparkify::model::RejectRecord> rejects;
  std::vector<double> walk_s, ours_s, walk_cpu, ours_cpu;
  uint64_t bytes = 0;
  Tally walk_tally;
  sparkify::parse::ParseStats stats;
  CountingSink sink;
  for (int rep = 0; rep < reps; ++rep) {
    // Alternate which contender goes first, so neither always inherits a warm cache.
    for (int turn = 0; turn < 2; ++turn) {
      bool ours = (turn == 0) == (rep % 2 == 1);
      if (!only.empty() && only != (ours ? "sparkify" : "walk")) continue;
      bytes = 0;
      if (ours) {
        stats = {};
      } else {
        walk_tally = {};
      }
      rejects.clear();
      auto t0 = Clock::now();
      double cpu0 = thread_cpu_seconds();
      for (const std::string& f : files) {
        load(f, buffer);
        bytes += buffer.size();
        if (ours) {
          parser.parse_file(f, buffer, sink, rejects, stats);
          rejects.clear();
        } else {
          walk(walker, buffer, walk_tally);
        }
      }
      double s = std::chrono::duration<double>(Clock::now() - t0).count();
      (ours ? ours_s : walk_s).push_back(s);
      (ours ? ours_cpu : walk_cpu).push_back(thread_cpu_seconds() - cpu0);
    }
  }
  if (walk_s.empty()) walk_s = walk_cpu = {0};
  if (ours_s.empty()) ours_s = ours_cpu = {0};
  double w = median(walk_s), o = median(ours_s);
  double wc = median(walk_cpu), oc = median(ours_cpu);
  // Each rep runs both contenders back to back: the median of the reps' own ratios is steadier
  // than the ratio of medians when the machine's speed changes between reps.
  std::vector<double> pairs;
  for (size_t i = 0; i < std::min(walk_s.size(), ours_s.size()); ++i) {
    if (ours_s[i] > 0) pairs.push_back(walk_s[i] / ours_s[i]);
  }
  double pair_ratio = pairs.empty() ? 0 : median(pairs);
  auto list = [](const std::vector<double>& xs) {
    std::string out;
    for (double x : xs) out += (out.empty() ? "" : ", ") + std::to_string(x);
    return "[" + out + "]";
  };
  std::printf(
      "{\"files\": %zu, \"bytes\": %llu, \"reps\": %d, \"kernel\": \"%s\", "
      "\"walk\": {\"median_s\": %.6f, \"gb_per_s\": %.4f, \"runs_s\": %s, \"median_cpu_s\": %.6f, "
      "\"cpu_gb_per_s\": %.4f, \"documents\": %llu, "
      "\"next_song\": %llu, \"errors\": %llu}, "
      "\"sparkify\": {\"median_s\": %.6f, \"gb_per_s\": %.4f, \"runs_s\": %s, \"median_cpu_s\": "
      "%.6f, "
      "\"cpu_gb_per_s\": %.4f, \"records\": %llu, "
      "\"accepted\": %llu, \"rejected\": %llu}, \"ratio\": %.4f, \"cpu_ratio\": %.4f, "
      "\"pair_ratio\": %.4f}\n",
      files.size(), static_cast<unsigned long long>(bytes), reps,
      sparkify::parse::parse_kernel_name(), w, bytes / w / 1e9, list(walk_s).c_str(), wc,
      bytes / wc / 1e9, static_cast<unsigned long long>(walk_tally.documents),
      static_cast<unsigned long long>(walk_tally.next_song),
      static_cast<unsigned long long>(walk_tally.errors), o, bytes / o / 1e9, list(ours_s).c_str(),
      oc, bytes / oc / 1e9, static_cast<unsigned long long>(stats.records),
      static_cast<unsigned long long>(stats.accepted),
      static_cast<unsigned long long>(stats.rejected), w / o, wc / oc, pair_ratio);
  return 0;
}
