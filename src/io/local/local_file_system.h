// LocalFileSystem: FileSystem over POSIX calls, with atomic folder rename/exchange (renameat2)
// used by the lake's commit protocol.
#pragma once

#include <functional>
#include <string>

#include "io/file_system.h"

namespace sparkify::io {

class LocalFileSystem final : public FileSystem {
 public:
  /// `threads`: how many threads a listing may use (folders are shared between them).
  explicit LocalFileSystem(int threads = 1);
  std::string kind() const override { return "local"; }
  Result<std::vector<FileInfo>> list(const std::string& root) override;
  Result<std::vector<FileInfo>> list_detailed(const std::string& root) override;
  Result<std::vector<FileInfo>> list_share(const std::string& root, bool detailed, int index,
                                           int count) override;
  Result<bool> exists(const std::string& path) override;
  Result<Buffer> read(const std::string& path, size_t padding = 0) override;
  Status read_into(const std::string& path, size_t padding, Buffer& buffer) override;
  Status read_listed(const std::string& path, uint64_t listed_size, size_t padding,
                     Buffer& buffer) override;
  Status read_range(const std::string& path, uint64_t offset, size_t length, Buffer& buffer,
                    size_t padding = 0, const std::string& version = {}) override;
  Status write(const std::string& path, std::span<const uint8_t> data) override;
  Status remove_files(const std::vector<std::string>& paths) override;
  Result<FileInfo> stat(const std::string& path) override;
  Status rename_file(const std::string& from, const std::string& to) override;
  Status link_file(const std::string& from, const std::string& to) override;
  Status remove_all(const std::string& path) override;
  bool supports_rename() const override { return true; }
  Status rename_dir(const std::string& from, const std::string& to) override;
  Status exchange_dir(const std::string& a, const std::string& b) override;
  Status make_dirs(const std::string& path) override;
  Result<std::unique_ptr<DirectoryLock>> lock_directory(const std::string& path) override;

 private:
  Result<std::vector<FileInfo>> list_files(const std::string& root, bool detailed, int index = 0,
                                           int count = 1);
  // Runs `create` (a system call that makes `path`: a descriptor or 0 on success, -1 and errno
  // on failure) and, when it failed for want of `path`'s parent folder, makes the folders and
  // runs it once more. Returns its last result; errno is its.
  Result<int> with_parent_folders(const std::string& path, const std::function<int()>& create);

  int threads_;
};

}  // namespace sparkify::io
