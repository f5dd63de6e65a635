// `sparkify report --lake DIR_OR_URL --output report.html`: the song-play analysis (SPEC §10) as
// one self-contained HTML page, with the data-quality checks of `sparkify verify`.
#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <chrono>
#include <ctime>
#include <fstream>
#include <memory>

#include "cli/commands.h"
#include "cli/storage_flags.h"
#include "common/parallel.h"
#include "common/version.h"
#include "exec/lake_verifier.h"
#include "report/html_report.h"
#include "report/lake_analysis.h"

namespace sparkify::cli {

namespace {

struct ReportFlags {
  std::string lake, output;
  int threads = default_thread_count();
  size_t top = 10;
  bool no_checks = false;
  StorageFlags storage;
};

std::string utc_now() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &tm);
  return text;
}

}  // namespace

Command add_report_command(CLI::App& app) {
  auto f = std::make_shared<ReportFlags>();
  CLI::App* sub = app.add_subcommand(
      "report", "Song-play analysis of a lake as one self-contained HTML page (charts + tables)");
  sub->add_option("--lake", f->lake, "Folder or s3:// URL of the lake")->required();
  sub->add_option("--output", f->output, "HTML file to write")->required();
  sub->add_option("--threads", f->threads, "Reader threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  sub->add_option("--top", f->top, "Rows in each ranking (songs, artists, users, locations)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  sub->add_flag("--no-checks", f->no_checks,
                "Leave out the data-quality checks of `sparkify verify` (faster on large lakes)");
  add_storage_flags(sub, f->storage);

  Command command;
  command.app = sub;
  command.run = [f]() -> int {
    auto storage = resolve_storage_flags(f->storage);
    if (!storage.ok()) {
      fmt::print(stderr, "sparkify report: {}\n", storage.status().message());
      return 2;
    }
    int threads = std::max(1, f->threads);
    storage->threads = threads;  // a local lake is listed on them too
    auto fs = io::make_file_system(f->lake, *storage);
    if (!fs.ok()) {
      fmt::print(stderr, "sparkify report: {}\n", fs.status().message());
      return 1;
    }
    lake::LakeListings listings(**fs, f->lake);  // listed once for the figures and the checks
    auto analysis = report::analyze_lake(**fs, f->lake, {threads, f->top}, listings);
    if (!analysis.ok()) {
      fmt::print(stderr, "sparkify report: {}\n", analysis.status().message());
      return 1;
    }
    std::vector<report::QualityCheck> checks;
    if (!f->no_checks) {
      auto verified = exec::verify_lake(**fs, f->lake, threads, listings);
      if (!verified.ok()) {
        fmt::print(stderr, "sparkify report: {}\n", verified.status().message());
        return 1;
      }
      for (const auto& c : verified->checks) {
        checks.push_back({c.name, c.passed, c.checked, c.failures, c.detail});
      }
    }
    std::string html =
        report::render_report_html(*analysis, checks, {SPARKIFY_VERSION, utc_now(), !f->no_checks});
    std::ofstream out(f->output, std::ios::binary | std::ios::trunc);
    out << html;
    out.close();
    if (!out) {
      fmt::print(stderr, "sparkify report: cannot write {}\n", f->output);
      return 1;
    }
    fmt::print("wrote {} ({} song plays, {} days)\n", f->output, analysis->songplays,
               analysis->days.size());
    return 0;
  };
  return command;
}

}  // namespace sparkify::cli
