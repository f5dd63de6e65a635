// TempDir: the one way unit tests make a scratch folder. Created under the system temp folder
// with mkdtemp (unique, mode 0700) and removed in the destructor, so it goes away even when an
// assertion fails and the test body is left early.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

namespace sparkify::testing {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "sparkify-test")
      : TempDir(prefix, std::filesystem::temp_directory_path()) {}
  /// Under `parent` instead of the system temp folder.
  TempDir(const std::string& prefix, const std::filesystem::path& parent) {
    std::string tmpl = (parent / (prefix + "-XXXXXX")).string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + tmpl);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  /// The parent for a TempDir in memory: /dev/shm where the system has it, for tests that write
  /// many files: on a disk-backed /tmp their creation and removal can take ten times longer.
  static std::filesystem::path memory_parent() {
    std::error_code ec;
    return std::filesystem::is_directory("/dev/shm", ec) ? std::filesystem::path("/dev/shm")
                                                         : std::filesystem::temp_directory_path();
  }

  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }
  /// `path() / relative` as a string.
  std::string operator/(const std::string& relative) const { return (path_ / relative).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace sparkify::testing
