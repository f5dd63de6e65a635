// DistinctSorter: the distinct values of a stream of int64 runs, in ascending order, holding at
// most a set number of values in memory; past it, runs are merged and written to spill files,
// and read back by a k-way merge. Used for the time table's start times.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "common/result.h"
#include "exec/spill.h"

namespace sparkify::exec {

class DistinctSorter {
 public:
  DistinctSorter(SpillDir& spill, size_t memory_values)
      : spill_(spill), memory_values_(std::max<size_t>(memory_values, 1024)) {}

  /// Adds values (any order, duplicates allowed).
  Status add(std::vector<int64_t> values);

  /// Calls `on_batch` with the distinct values in ascending order, at most `batch` at a time.
  Status for_each_sorted(size_t batch,
                         const std::function<Status(std::span<const int64_t>)>& on_batch);

 private:
  struct DiskRun {
    uint64_t offset, count;
  };
  Status spill_memory();

  SpillDir& spill_;
  size_t memory_values_;
  std::vector<std::vector<int64_t>> memory_runs_;  // each sorted and distinct
  size_t held_ = 0;
  std::unique_ptr<SpillFile> file_;
  std::vector<DiskRun> disk_runs_;
};

}  // namespace sparkify::exec
