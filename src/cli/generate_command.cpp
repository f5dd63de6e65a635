// `sparkify generate`: flags, then one line saying what was written.
#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <memory>

#include "cli/commands.h"
#include "generate/generator.h"
#include "io/file_system.h"

namespace sparkify::cli {

Command add_generate_command(CLI::App& app) {
  auto options = std::make_shared<generate::GenerateOptions>();
  CLI::App* sub = app.add_subcommand(
      "generate", "Write realistic synthetic song files and event logs (any size, deterministic)");
  sub->add_option("--output", options->output, "Folder to write song_data/ and log_data/ into")
      ->required();
  sub->add_option("--songs", options->songs, "Number of song files")->required();
  sub->add_option("--events", options->events, "Number of event log lines")->required();
  sub->add_option("--days", options->days, "Days of logs from 2018-11-01, one file per day")
      ->capture_default_str();
  sub->add_option("--seed", options->seed, "Random seed: same seed and flags, same bytes")
      ->capture_default_str();
  sub->add_option("--bad-fraction", options->bad_fraction,
                  "Share of song files and event lines made bad (every kind of defect)")
      ->capture_default_str();
  sub->add_option("--match-fraction", options->match_fraction,
                  "Share of NextSong plays that name a song of the song data exactly")
      ->capture_default_str();
  sub->add_option("--users", options->users, "Number of users (default: one per 85 events)");
  sub->add_option("--threads", options->threads,
                  "Worker threads (default: every core this process may use)")
      ->check(CLI::Range(1, 4096));
  sub->add_flag("--overwrite", options->overwrite,
                "Replace song_data/ and log_data/ if the output folder already has them");

  Command command;
  command.app = sub;
  command.run = [options]() -> int {
    auto fs = io::make_file_system(options->output, io::FileSystemOptions{});
    if (!fs.ok()) {
      fmt::print(stderr, "sparkify generate: {}\n", fs.status().message());
      return 2;
    }
    auto report = generate::generate(**fs, *options);
    if (!report.ok()) {
      fmt::print(stderr, "sparkify generate: {}\n", report.status().message());
      return report.status().code() == ErrorCode::kInvalidArgument ? 2 : 1;
    }
    const auto& r = *report;
    double mb = static_cast<double>(r.song_bytes + r.log_bytes) / 1e6;
    std::string bad;
    if (r.bad_total > 0) {
      bad = fmt::format("; {} bad records (songs:", r.bad_total);
      for (const auto& [kind, n] : r.bad_songs) bad += fmt::format(" {}={}", kind, n);
      bad += "; events:";
      for (const auto& [kind, n] : r.bad_events) bad += fmt::format(" {}={}", kind, n);
      bad += ")";
    }
    fmt::print(
        "generated {} song files and {} events in {} log files ({:.1f} MB) in {:.2f} s "
        "({:.2f} M events/s) into {}{}\n",
        r.song_files, r.events, r.log_files, mb, r.seconds,
        r.seconds > 0 ? static_cast<double>(r.events) / r.seconds / 1e6 : 0.0, options->output,
        bad);
    return 0;
  };
  return command;
}

}  // namespace sparkify::cli
