#include "cli/progress_display.h"

#include <fmt/core.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "cli/format.h"

namespace sparkify::cli {

ProgressDisplay::ProgressDisplay(const exec::Progress& progress, bool enabled)
    : progress_(progress) {
  if (!enabled || !isatty(STDOUT_FILENO)) return;
  thread_ = std::thread([this] {
    while (!stop_.load()) {
      draw();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    fmt::print("\r\033[K");
    std::fflush(stdout);
  });
}

ProgressDisplay::~ProgressDisplay() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void ProgressDisplay::draw() {
  int stage = progress_.stage.load();
  if (stage < 0 || stage > static_cast<int>(exec::Stage::kPublishing)) return;
  const char* name = exec::Progress::stage_names[stage];
  uint64_t done = progress_.files_done.load(), total = progress_.files_total.load();
  const char* unit = stage >= static_cast<int>(exec::Stage::kWriting) ? "tables" : "files";
  fmt::print("\r\033[K{:<10} {:>7}/{:<7} {}  {:>12} records  {:>10}", name, done, total, unit,
             with_thousands(progress_.records.load()), human_bytes(progress_.bytes.load()));
  std::fflush(stdout);
}

}  // namespace sparkify::cli
