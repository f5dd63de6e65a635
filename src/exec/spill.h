// Spill: where intermediate data goes when it does not fit the memory limit (SPEC §8). One run
// owns one folder `<spill-dir>/sparkify-spill-<uuid>/`, created on first use, locked with flock
// while the run lives and removed when it ends, whatever the outcome. A run killed before it
// could remove its folder leaves it unlocked; the next run removes every unlocked one (the same
// rule as the lake's `_staging`).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>

#include "common/result.h"

namespace sparkify::exec {

/// One append-only spill file; blocks written to it are read back by (offset, size).
class SpillFile {
 public:
  SpillFile(int fd, std::string path, std::atomic<uint64_t>* spilled,
            std::atomic<uint64_t>* spilled_kind)
      : fd_(fd), path_(std::move(path)), spilled_(spilled), spilled_kind_(spilled_kind) {}
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  /// Appends bytes; returns the offset they start at.
  Result<uint64_t> append(std::span<const uint8_t> bytes);
  /// Reads `out.size()` bytes written at `offset`.
  Status read(uint64_t offset, std::span<uint8_t> out) const;
  uint64_t size() const { return size_; }

 private:
  int fd_;
  std::string path_;
  std::atomic<uint64_t>* spilled_;
  std::atomic<uint64_t>* spilled_kind_;
  uint64_t size_ = 0;
};

class SpillDir {
 public:
  /// `parent` is --spill-dir (empty: the system temp folder). Removes the folders of killed
  /// runs found there; creates nothing yet.
  explicit SpillDir(std::string parent);
  ~SpillDir();  ///< removes this run's folder and everything in it

  /// A new spill file for data of kind `kind` ("events", "time"), creating the run's folder
  /// first if needed. Thread-safe.
  Result<std::unique_ptr<SpillFile>> create_file(const std::string& kind);

  const std::string& parent() const { return parent_; }
  uint64_t bytes_spilled() const { return spilled_.load(); }
  uint64_t files_created() const { return files_.load(); }
  /// Bytes spilled per kind of data.
  std::map<std::string, uint64_t> bytes_by_kind() const;

  /// Creates this run's folder now rather than on first use, so that a folder that cannot hold
  /// it fails the run before any work instead of when spilling starts. Thread-safe.
  Status prepare();

  /// Removes this run's folder now (also done by the destructor).
  void remove();

 private:
  Status ensure_folder();

  std::string parent_;
  std::string folder_;  ///< empty until created
  int lock_fd_ = -1;
  mutable std::mutex mu_;
  std::atomic<uint64_t> spilled_{0}, files_{0};
  std::map<std::string, std::atomic<uint64_t>> by_kind_;  // node-based: counters stay put
};

/// The stale-spill rule on its own: removes `parent/sparkify-spill-*` folders nobody locks.
void remove_stale_spill(const std::string& parent);

}  // namespace sparkify::exec
