#include "generate/generator.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <unistd.h>

#include "common/parallel.h"
#include "generate/catalog.h"
#include "generate/event_log.h"
#include "generate/json_text.h"

namespace sparkify::generate {

namespace {

Status validate(const GenerateOptions& o) {
  if (o.output.empty()) return Status::Invalid("--output is required");
  if (o.days < 1 || o.days > 3660) return Status::Invalid("--days must be between 1 and 3660");
  if (!(o.bad_fraction >= 0 && o.bad_fraction <= 1)) {
    return Status::Invalid("--bad-fraction must be between 0 and 1");
  }
  if (!(o.match_fraction >= 0 && o.match_fraction <= 0.99)) {
    return Status::Invalid("--match-fraction must be between 0 and 0.99");
  }
  if (o.songs > 0xFFFFFFFFULL) return Status::Invalid("--songs must be below 2^32");
  if (o.threads < 0) return Status::Invalid("--threads must not be negative");
  return Status::OK();
}

// A day file written piece by piece: streamed to a local file, so a day of any size needs one
// render buffer; collected and written whole on stores without appends (S3).
class DayFile {
 public:
  static Result<std::unique_ptr<DayFile>> Open(io::FileSystem& fs, const std::string& path) {
    auto f = std::unique_ptr<DayFile>(new DayFile(fs, path));
    if (fs.kind() == "local") {
      SPARKIFY_RETURN_NOT_OK(fs.make_dirs(std::filesystem::path(path).parent_path().string()));
      f->fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (f->fd_ < 0) return f->error("cannot create");
    }
    return f;
  }
  ~DayFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  Status append(std::string_view piece) {
    if (fd_ < 0) {
      whole_.append(piece);
      return Status::OK();
    }
    while (!piece.empty()) {
      ssize_t n = ::write(fd_, piece.data(), piece.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return error("cannot write");
      piece.remove_prefix(static_cast<size_t>(n));
    }
    return Status::OK();
  }
  Status close() {
    if (fd_ < 0) {
      return fs_.write_text(path_, whole_);
    }
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) return error("cannot write");
    return Status::OK();
  }

 private:
  DayFile(io::FileSystem& fs, std::string path) : fs_(fs), path_(std::move(path)) {}
  Status error(const char* what) {
    return Status::IoError(std::string(what) + " " + path_ + ": " + std::strerror(errno));
  }

  io::FileSystem& fs_;
  std::string path_;
  int fd_ = -1;
  std::string whole_;
};

// Clears what an earlier run left, but only when asked: the folder may hold someone's real data.
Status prepare_output(io::FileSystem& fs, const GenerateOptions& o) {
  for (const char* sub : {"song_data", "log_data"}) {
    std::string path = io::FileSystem::join(o.output, sub);
    SPARKIFY_ASSIGN_OR_RETURN(bool exists, fs.exists(path));
    if (!exists) continue;
    if (!o.overwrite) {
      return Status::Invalid(o.output + " already holds " + sub +
                             "/; pass --overwrite to replace it or choose another folder");
    }
    SPARKIFY_RETURN_NOT_OK(fs.remove_all(path));
  }
  SPARKIFY_RETURN_NOT_OK(fs.remove_files({io::FileSystem::join(o.output, "_generate.json")}));
  return fs.make_dirs(o.output);
}

void append_json_key(std::string& out, std::string_view key) {
  out += "  ";
  append_json_string(out, key, false);
  out += ": ";
}

}  // namespace

Result<GenerateReport> generate(io::FileSystem& fs, const GenerateOptions& options) {
  SPARKIFY_RETURN_NOT_OK(validate(options));
  auto started = std::chrono::steady_clock::now();
  SPARKIFY_RETURN_NOT_OK(prepare_output(fs, options));
  const int threads = options.threads > 0 ? options.threads : default_thread_count();

  CatalogOptions co;
  co.seed = options.seed;
  co.songs = options.songs;
  co.users = options.users;
  co.events = options.events;
  co.bad_fraction = options.bad_fraction;
  co.start_seconds = kLogStartSeconds;
  co.days = options.days;
  co.threads = threads;
  SPARKIFY_ASSIGN_OR_RETURN(Catalog catalog, build_catalog(co));

  GenerateReport report;
  report.artists = catalog.artists.size();
  report.users = catalog.users.size();
  report.duplicate_song_files = catalog.duplicate_song_files;
  report.song_files = catalog.songs.size();

  // Song files: small and many; blocks of them per task keep the scheduling overhead low.
  std::vector<uint64_t> song_bytes(threads, 0);
  std::array<std::atomic<uint64_t>, kBadSongKinds + 1> bad_songs{};
  constexpr size_t kSongBlock = 256;
  size_t n_songs = catalog.songs.size();
  SPARKIFY_RETURN_NOT_OK(parallel_for(
      (n_songs + kSongBlock - 1) / kSongBlock, threads, [&](size_t b, int worker) -> Status {
        for (size_t i = b * kSongBlock; i < std::min(n_songs, (b + 1) * kSongBlock); ++i) {
          const Song& song = catalog.songs[i];
          std::string text = song_file_text(catalog, song);
          if (song.bad != BadSongKind::kNone) {
            Rng rng = Rng::For(options.seed, Stream::kSongBad, i, 1);
            text = corrupt_song_file(text, song.bad, rng);
            bad_songs[static_cast<size_t>(song.bad)].fetch_add(1, std::memory_order_relaxed);
          }
          song_bytes[worker] += text.size();
          std::string path = io::FileSystem::join(options.output, song_file_path(song));
          SPARKIFY_RETURN_NOT_OK(fs.write_text(path, text));
        }
        return Status::OK();
      }));
  for (uint64_t b : song_bytes) report.song_bytes += b;

  // Log files: one task per day.
  std::vector<DayPlan> days =
      plan_days(options.seed, options.events, options.days, kLogStartSeconds);
  std::vector<DayStats> day_stats(days.size());
  std::vector<uint64_t> day_bytes(days.size());
  EventOptions eo;
  eo.seed = options.seed;
  eo.match_fraction = options.match_fraction;
  eo.bad_fraction = options.bad_fraction;
  std::vector<TextBuffer> buffers(threads);
  SPARKIFY_RETURN_NOT_OK(parallel_for(days.size(), threads, [&](size_t d, int worker) -> Status {
    std::string path = io::FileSystem::join(options.output, days[d].path);
    SPARKIFY_ASSIGN_OR_RETURN(auto file, DayFile::Open(fs, path));
    SPARKIFY_RETURN_NOT_OK(render_day(catalog, days[d], eo, day_stats[d], buffers[worker],
                                      [&](std::string_view piece) {
                                        day_bytes[d] += piece.size();
                                        return file->append(piece);
                                      }));
    return file->close();
  }));
  report.log_files = days.size();
  std::array<uint64_t, kBadEventKinds + 1> bad_events{};
  for (size_t d = 0; d < days.size(); ++d) {
    report.log_bytes += day_bytes[d];
    report.events += day_stats[d].lines;
    report.next_song_events += day_stats[d].next_song;
    report.logged_out_events += day_stats[d].logged_out;
    report.matched_plays += day_stats[d].matched_plays;
    for (int k = 1; k <= kBadEventKinds; ++k) bad_events[k] += day_stats[d].bad[k];
  }
  for (int k = 1; k <= kBadSongKinds; ++k) {
    uint64_t n = bad_songs[k].load();
    report.bad_songs.emplace_back(bad_song_kind_name(static_cast<BadSongKind>(k)), n);
    report.bad_total += n;
  }
  for (int k = 1; k <= kBadEventKinds; ++k) {
    report.bad_events.emplace_back(bad_event_kind_name(static_cast<BadEventKind>(k)),
                                   bad_events[k]);
    report.bad_total += bad_events[k];
  }
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  // Written last: its presence says the data set is complete.
  std::string manifest = report_json(report, options);
  SPARKIFY_RETURN_NOT_OK(
      fs.write_text(io::FileSystem::join(options.output, "_generate.json"), manifest));
  return report;
}

std::string report_json(const GenerateReport& r, const GenerateOptions& o) {
  std::string out = "{\n";
  auto number = [&](std::string_view key, uint64_t value) {
    append_json_key(out, key);
    append_int(out, static_cast<int64_t>(value));
    out += ",\n";
  };
  auto kinds = [&](std::string_view key, const std::vector<std::pair<std::string, uint64_t>>& v) {
    append_json_key(out, key);
    out += "{";
    for (size_t i = 0; i < v.size(); ++i) {
      if (i) out += ", ";
      append_json_string(out, v[i].first, false);
      out += ": ";
      append_int(out, static_cast<int64_t>(v[i].second));
    }
    out += "},\n";
  };
  append_json_key(out, "options");
  out += "{\"songs\": " + std::to_string(o.songs) + ", \"events\": " + std::to_string(o.events) +
         ", \"days\": " + std::to_string(o.days) + ", \"seed\": " + std::to_string(o.seed) +
         ", \"bad_fraction\": ";
  append_python_double(out, o.bad_fraction);
  out += ", \"match_fraction\": ";
  append_python_double(out, o.match_fraction);
  out += ", \"users\": " + std::to_string(o.users) + "},\n";
  number("song_files", r.song_files);
  number("song_bytes", r.song_bytes);
  number("log_files", r.log_files);
  number("log_bytes", r.log_bytes);
  number("events", r.events);
  number("next_song_events", r.next_song_events);
  number("logged_out_events", r.logged_out_events);
  number("matched_plays", r.matched_plays);
  number("artists", r.artists);
  number("users", r.users);
  number("duplicate_song_files", r.duplicate_song_files);
  kinds("bad_songs", r.bad_songs);
  kinds("bad_events", r.bad_events);
  number("bad_total", r.bad_total);
  out.resize(out.size() - 2);  // the last ",\n"
  out += "\n}\n";
  return out;
}

}  // namespace sparkify::generate
