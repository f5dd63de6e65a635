// `sparkify etl`: flags → EtlOptions, then the job with a progress display, the summary table
// and the optional JSON report.
#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>

#include "cli/commands.h"
#include "cli/progress_display.h"
#include "cli/run_report.h"
#include "cli/storage_flags.h"
#include "common/hash.h"
#include "common/parallel.h"
#include "common/version.h"
#include "exec/dist/cluster.h"
#include "exec/etl_job.h"
#include "exec/memory_plan.h"
#include "io/file_system.h"
#include "io/storage_options.h"

namespace sparkify::cli {

namespace {

struct EtlFlags {
  std::string input, songs, logs, output, only, compression = "snappy", report, mode = "full";
  std::optional<int> threads;  // unset: the machine's cores, divided between the ranks on it
  std::optional<int64_t> max_bad_records;  // unset: no limit
  size_t max_rows_per_file = size_t{1} << 20;
  bool no_progress = false;
  StorageFlags storage;
  std::optional<std::string> memory_limit;  // unset: the machine's default, divided likewise
  std::string spill_dir;
};

int exit_code_for(const Status& status) {
  switch (status.code()) {
    case ErrorCode::kOk:
      return 0;
    case ErrorCode::kInvalidArgument:
      return 2;
    case ErrorCode::kTooManyRejects:
      return 3;
    default:
      return 1;
  }
}

// Locations from dl.cfg's [PATHS]/[S3] fill what the flags left out: the input only when no
// --input/--songs/--logs was given, the output only without --output.
Status apply_config_paths(EtlFlags& f) {
  if (f.storage.config_path.empty()) return Status::OK();
  SPARKIFY_ASSIGN_OR_RETURN(io::ConfigPaths paths, io::read_config_paths(f.storage.config_path));
  if (f.input.empty() && f.songs.empty() && f.logs.empty()) {
    f.input = paths.input;
    f.songs = paths.songs;
    f.logs = paths.logs;
  }
  if (f.output.empty()) f.output = paths.output;
  bool gave_paths = !(paths.input + paths.songs + paths.logs + paths.output).empty();
  // A file with only [PATHS] (a local run) needs no [AWS] section.
  if (!paths.has_aws_section && gave_paths) f.storage.config_path.clear();
  return Status::OK();
}

// `ranks_here` is the number of processes of the run on this machine (1 without mpirun): the
// defaults of --threads and --memory-limit are the machine's, divided between them; a value given
// on the command line is each process's own.
Result<exec::EtlOptions> make_options(EtlFlags& f, int ranks_here) {
  SPARKIFY_RETURN_NOT_OK(apply_config_paths(f));
  if (f.output.empty()) {
    return Status::Invalid(
        "no output: give --output DIR_OR_URL, or OUTPUT_DATA in the [PATHS] "
        "section of the --config file");
  }
  exec::EtlOptions o;
  o.output = f.output;
  o.input = f.input;
  o.songs_input = !f.songs.empty()   ? f.songs
                  : !f.input.empty() ? io::FileSystem::join(f.input, "song_data")
                                     : std::string();
  o.logs_input = !f.logs.empty()    ? f.logs
                 : !f.input.empty() ? io::FileSystem::join(f.input, "log_data")
                                    : std::string();
  if (f.only == "songs")
    o.only = exec::Only::kSongs;
  else if (f.only == "logs")
    o.only = exec::Only::kLogs;
  if (o.only != exec::Only::kLogs && o.songs_input.empty()) {
    return Status::Invalid("no song input: give --input DIR (holding song_data/) or --songs DIR");
  }
  if (o.only != exec::Only::kSongs && o.logs_input.empty()) {
    return Status::Invalid("no log input: give --input DIR (holding log_data/) or --logs DIR");
  }
  if (o.only == exec::Only::kSongs) o.logs_input.clear();
  o.mode = f.mode == "incremental" ? exec::Mode::kIncremental : exec::Mode::kFull;
  if (o.mode == exec::Mode::kIncremental && o.only != exec::Only::kAll) {
    return Status::Invalid("--only cannot be combined with --mode incremental");
  }
  if (o.only == exec::Only::kLogs) o.songs_input.clear();
  if (f.threads && *f.threads < 1) return Status::Invalid("--threads must be at least 1");
  o.threads = f.threads ? *f.threads : std::max(1, default_thread_count() / ranks_here);
  if (f.compression == "snappy")
    o.codec = parquet::Codec::kSnappy;
  else if (f.compression == "zstd")
    o.codec = parquet::Codec::kZstd;
  else if (f.compression == "gzip")
    o.codec = parquet::Codec::kGzip;
  else if (f.compression == "none")
    o.codec = parquet::Codec::kUncompressed;
  if (f.max_bad_records && *f.max_bad_records < 0) {
    return Status::Invalid("--max-bad-records must be 0 or more (leave it out for no limit)");
  }
  o.max_bad_records = f.max_bad_records.value_or(-1);
  if (f.max_rows_per_file == 0) return Status::Invalid("--max-rows-per-file must be positive");
  o.max_rows_per_file = f.max_rows_per_file;
  SPARKIFY_ASSIGN_OR_RETURN(o.storage, resolve_storage_flags(f.storage));
  o.storage.threads = o.threads;
  if (!f.memory_limit) {
    o.memory_limit = exec::default_memory_limit(ranks_here);
  } else {
    auto limit = exec::parse_size(*f.memory_limit);
    if (!limit.ok()) return Status::Invalid("--memory-limit: " + limit.status().message());
    // A number without its unit is bytes, far below what any run needs: a usage error, not a
    // failed run saying that "0 MiB" is too small.
    if (*limit < 1000 * 1000) {
      return Status::Invalid("--memory-limit " + *f.memory_limit + " is " + std::to_string(*limit) +
                             " bytes; sizes take a unit, e.g. 512MB");
    }
    o.memory_limit = *limit;
  }
  o.spill_dir = f.spill_dir;
  return o;
}

// Under mpirun every rank must run the same sparkify with the same flags, or they would cut and
// combine different work: each rank's version and hashed arguments are compared with rank 0's.
Status check_same_invocation(exec::Cluster& cluster) {
  std::string mine =
      std::string(SPARKIFY_VERSION) + " " + fmt::format("{:016x}", hash_bytes(invocation()));
  auto all = cluster.all_gather({reinterpret_cast<const uint8_t*>(mine.data()), mine.size()});
  if (!all.ok()) return all.status();
  std::string root((*all)[0].begin(), (*all)[0].end());
  for (size_t r = 1; r < all->size(); ++r) {
    std::string other((*all)[r].begin(), (*all)[r].end());
    if (other == root) continue;
    std::string v0 = root.substr(0, root.rfind(' ')), vr = other.substr(0, other.rfind(' '));
    if (v0 != vr) {
      return Status::Invalid(fmt::format(
          "rank {} runs sparkify {} but rank 0 runs sparkify {}; install the same version on "
          "every machine",
          r, vr, v0));
    }
    return Status::Invalid(
        fmt::format("rank {} was started with different flags than rank 0; every rank of an "
                    "mpirun must get the same command line",
                    r));
  }
  return Status::OK();
}

// Whether --report's file can be written: opened for appending (created when missing, an old
// one left as it is until the run replaces it).
Status check_report_path(const std::string& path) {
  if (path.empty()) return Status::OK();
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status::Invalid("cannot write the report to " + path + ": " + std::strerror(errno));
  }
  ::close(fd);
  return Status::OK();
}

// Ctrl-C, or a scheduler's SIGTERM: one line saying what the interrupted run leaves, then the
// signal's own exit (130 or 143 in a shell). Only async-signal-safe calls here.
extern "C" void on_interrupt(int signal) {
  static const char kMessage[] =
      "\nsparkify etl: interrupted; run it again: the next run removes what this one left "
      "(staging, spill files, uploads not completed) and finishes or redoes its publish\n";
  ssize_t ignored = ::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
  (void)ignored;
  ::signal(signal, SIG_DFL);
  ::raise(signal);
}

}  // namespace

std::string& invocation() {
  static std::string text;
  return text;
}

Command add_etl_command(CLI::App& app) {
  auto f = std::make_shared<EtlFlags>();
  CLI::App* sub =
      app.add_subcommand("etl", "Build the five star-schema tables from song files and event logs");
  sub->footer(
      "Under mpirun (or srun) each process is one rank: `mpirun -np N sparkify etl ...` with the "
      "same flags on every rank splits the input files between the ranks and writes the lake one "
      "process writes. Input and output must be reachable by every rank (S3, or a shared "
      "folder); rank 0 prints progress and the summary.");
  sub->add_option("--input", f->input,
                  "Folder or s3:// URL holding song_data/ and log_data/ (default: INPUT_DATA, "
                  "or SONG_DATA and LOG_DATA, in the [PATHS] or [S3] section of --config)");
  sub->add_option("--songs", f->songs, "Folder or URL of the song files (instead of --input)");
  sub->add_option("--logs", f->logs, "Folder or URL of the event logs (instead of --input)");
  sub->add_option("--output", f->output,
                  "Folder or s3:// URL of the lake (default: OUTPUT_DATA in --config)");
  sub->add_option("--only", f->only,
                  "songs: build songs and artists; logs: build users, time and songplays, "
                  "reading songs and artists back from the lake")
      ->check(CLI::IsMember({"songs", "logs"}));
  sub->add_option("--mode", f->mode,
                  "full: rebuild every table from all input; incremental: add only input files "
                  "the lake has not taken in (recorded under OUT/_sparkify/), merging them with "
                  "the lake's rows")
      ->check(CLI::IsMember({"full", "incremental"}))
      ->capture_default_str();
  sub->add_option("--threads", f->threads,
                  "Worker threads (default: every core this process may use, by its CPU affinity "
                  "and cgroup quota; under mpirun, those divided between the ranks on each "
                  "machine)")
      ->capture_default_str();
  sub->add_option("--compression", f->compression, "Parquet codec")
      ->check(CLI::IsMember({"snappy", "zstd", "gzip", "none"}))
      ->capture_default_str();
  sub->add_option("--max-bad-records", f->max_bad_records,
                  "Fail (exit 3, publish nothing) when more records than this are rejected "
                  "(default: no limit)");
  sub->add_option("--max-rows-per-file", f->max_rows_per_file,
                  "Split larger partitions over several files")
      ->capture_default_str();
  sub->add_option("--report", f->report, "Also write the run's figures as JSON to this file");
  sub->add_option("--memory-limit", f->memory_limit,
                  "Memory the run may use, e.g. 512MB or 2GiB; log files stream in chunks sized "
                  "from it (local files by reads, S3 objects by ranged GETs, never whole); past "
                  "it, parsed events and the time table's sort spill to --spill-dir (default: "
                  "512MiB; under mpirun, 512MiB divided between the ranks on each machine, at "
                  "least 128MiB each; a value given is each rank's)");
  sub->add_option("--spill-dir", f->spill_dir,
                  "Folder for spill files, created if missing and checked before the run starts; "
                  "the run's own folder in it is removed when the run ends (default: $TMPDIR or "
                  "/tmp, used only when the run spills)");
  sub->add_flag("--no-progress", f->no_progress, "No progress display, even on a terminal");
  add_storage_flags(sub, f->storage);

  Command command;
  command.app = sub;
  command.run = [f]() -> int {
    // Under an MPI launcher this process is one rank of the run; otherwise MPI is never touched.
    auto joined = exec::join_cluster();
    if (!joined.ok()) {
      fmt::print(stderr, "sparkify etl: {}\n", joined.status().message());
      return 1;
    }
    exec::Cluster& cluster = **joined;
    // Only rank 0 talks to the user; every rank returns the agreed exit code.
    bool root = cluster.is_root();
    // Under mpirun a failing rank's peers are sent SIGTERM: its sentence is the one to read.
    if (cluster.size() == 1) {
      ::signal(SIGINT, on_interrupt);
      ::signal(SIGTERM, on_interrupt);
    }
    // Every rank compares the same gathered list, so all reach the same verdict.
    Status same = check_same_invocation(cluster);
    auto options = make_options(*f, cluster.ranks_on_this_machine());
    if (same.ok()) same = cluster.agree(options.status());
    // The report's file is opened before the run: a run that published its lake and then could
    // not write the report would exit non-zero with the lake changed.
    if (same.ok()) same = cluster.agree(root ? check_report_path(f->report) : Status::OK());
    if (!same.ok()) {
      if (root) fmt::print(stderr, "sparkify etl: {}\n", same.message());
      return exit_code_for(same);
    }
    exec::Progress progress;
    exec::EtlReport report;
    {
      ProgressDisplay display(progress, !f->no_progress && root);
      report = exec::run_etl(*options, root ? &progress : nullptr, &cluster);
    }
    auto failed_run_code = [&] {
      int code = exit_code_for(report.status);
      return code == 2 ? 1 : code;  // an invalid setup found while running is a failed run
    };
    if (!root) return report.status.ok() ? 0 : failed_run_code();
    // A failed run's summary shows how far it got (the rejects that stopped it); a setup found
    // invalid on the way (a --memory-limit below what the song stage used) is its one sentence.
    bool invalid_setup = exit_code_for(report.status) == 2;
    if (report.status.ok() || (!report.stages.empty() && !invalid_setup)) {
      fmt::print("{}", summary_table(report, *options));
    }
    if (!f->report.empty()) {
      std::ofstream out(f->report, std::ios::binary | std::ios::trunc);
      out << report_json(report, *options);
      if (!out) {
        fmt::print(stderr, "sparkify etl: cannot write the report to {}\n", f->report);
        if (report.status.ok()) return 1;
      }
    }
    if (!report.status.ok()) {
      fmt::print(stderr, "sparkify etl: {}\n", report.status.message());
      return failed_run_code();
    }
    return 0;
  };
  return command;
}

}  // namespace sparkify::cli
