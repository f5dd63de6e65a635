// `sparkify verify --lake DIR_OR_URL`: runs the lake checks and prints one line per check.
// Exit 0 when every check passes, 1 otherwise.
#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <memory>

#include "cli/commands.h"
#include "cli/format.h"
#include "cli/storage_flags.h"
#include "common/parallel.h"
#include "exec/lake_verifier.h"

namespace sparkify::cli {

namespace {

struct VerifyFlags {
  std::string lake;
  int threads = default_thread_count();
  StorageFlags storage;
};

}  // namespace

Command add_verify_command(CLI::App& app) {
  auto f = std::make_shared<VerifyFlags>();
  CLI::App* sub = app.add_subcommand(
      "verify", "Data-quality checks on a lake: completeness, keys, references, partitions");
  sub->add_option("--lake", f->lake, "Folder or s3:// URL of the lake")->required();
  sub->add_option("--threads", f->threads, "Reader threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  add_storage_flags(sub, f->storage);

  Command command;
  command.app = sub;
  command.run = [f]() -> int {
    auto storage = resolve_storage_flags(f->storage);
    if (!storage.ok()) {
      fmt::print(stderr, "sparkify verify: {}\n", storage.status().message());
      return 2;
    }
    storage->threads = std::max(1, f->threads);  // a local lake is listed on them too
    auto report = exec::verify_lake(f->lake, *storage, storage->threads);
    if (!report.ok()) {
      fmt::print(stderr, "sparkify verify: {}\n", report.status().message());
      return 1;
    }
    size_t failed = 0;
    for (const auto& c : report->checks) {
      fmt::print("{}  {:<62} {:>12} checked", c.passed ? "ok  " : "FAIL", c.name,
                 with_thousands(c.checked));
      if (!c.passed) {
        ++failed;
        fmt::print(", {} failing: {}", with_thousands(c.failures), c.detail);
      }
      fmt::print("\n");
    }
    fmt::print("{} of {} checks passed\n", report->checks.size() - failed, report->checks.size());
    return failed == 0 ? 0 : 1;
  };
  return command;
}

}  // namespace sparkify::cli
