// A one-line progress display (stage, files, records, bytes) redrawn on a terminal while a job
// runs; does nothing when stdout is not a terminal.
#pragma once

#include <atomic>
#include <thread>

#include "exec/etl_job.h"

namespace sparkify::cli {

class ProgressDisplay {
 public:
  /// Starts drawing `progress` every 100 ms when stdout is a terminal and `enabled`.
  ProgressDisplay(const exec::Progress& progress, bool enabled);
  /// Stops and clears the line.
  ~ProgressDisplay();

 private:
  void draw();

  const exec::Progress& progress_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace sparkify::cli
