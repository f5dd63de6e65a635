#include "exec/spill.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "common/uuid.h"

namespace sparkify::exec {

namespace {

constexpr const char* kPrefix = "sparkify-spill-";
constexpr const char* kLockName = ".lock";

std::string default_parent() {
  const char* tmp = std::getenv("TMPDIR");
  return tmp && *tmp ? tmp : "/tmp";
}

Status spill_error(const std::string& what, const std::string& path, int err) {
  if (err == ENOSPC || err == EDQUOT) {
    return Status::IoError("the spill folder " + path +
                           " is full (no space left on device); free space there or choose "
                           "another --spill-dir");
  }
  return Status::IoError("cannot " + what + " in the spill folder " + path + ": " +
                         std::strerror(err) + "; choose a writable --spill-dir");
}

}  // namespace

void remove_stale_spill(const std::string& parent) {
  DIR* dir = opendir(parent.c_str());
  if (!dir) return;
  std::vector<std::string> stale;
  while (struct dirent* e = readdir(dir)) {
    if (std::strncmp(e->d_name, kPrefix, std::strlen(kPrefix)) != 0) continue;
    std::string folder = parent + "/" + e->d_name;
    int fd = ::open((folder + "/" + kLockName).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      bool free = flock(fd, LOCK_EX | LOCK_NB) == 0;
      ::close(fd);
      if (!free) continue;  // a live run owns it
    }
    stale.push_back(folder);
  }
  closedir(dir);
  for (const auto& folder : stale) {
    std::error_code ec;
    std::filesystem::remove_all(folder, ec);
  }
}

SpillFile::~SpillFile() { ::close(fd_); }

Result<uint64_t> SpillFile::append(std::span<const uint8_t> bytes) {
  uint64_t at = size_;
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n =
        ::pwrite(fd_, bytes.data() + done, bytes.size() - done, static_cast<off_t>(size_ + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return spill_error("write", path_, errno);
    }
    done += static_cast<size_t>(n);
  }
  size_ += bytes.size();
  spilled_->fetch_add(bytes.size(), std::memory_order_relaxed);
  spilled_kind_->fetch_add(bytes.size(), std::memory_order_relaxed);
  return at;
}

Status SpillFile::read(uint64_t offset, std::span<uint8_t> out) const {
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n =
        ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return Status::IoError("cannot read back the spill file " + path_ + ": " +
                             (n < 0 ? std::strerror(errno) : "it is shorter than written"));
    }
    done += static_cast<size_t>(n);
  }
  return Status::OK();
}

SpillDir::SpillDir(std::string parent)
    : parent_(parent.empty() ? default_parent() : std::move(parent)) {
  while (parent_.size() > 1 && parent_.back() == '/') parent_.pop_back();
  remove_stale_spill(parent_);
}

SpillDir::~SpillDir() { remove(); }

void SpillDir::remove() {
  std::lock_guard lock(mu_);
  if (folder_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(folder_, ec);
  if (lock_fd_ >= 0) ::close(lock_fd_);
  lock_fd_ = -1;
  folder_.clear();
}

Status SpillDir::ensure_folder() {
  if (!folder_.empty()) return Status::OK();
  std::string folder = parent_ + "/" + kPrefix + make_uuid();
  auto make = [&] { return ::mkdir(folder.c_str(), 0700) == 0 ? 0 : errno; };
  int err = make();
  if (err == ENOENT) {
    // A --spill-dir that does not exist yet is created, as --output is.
    std::error_code ec;
    std::filesystem::create_directories(parent_, ec);
    if (ec) {
      return Status::IoError("cannot create the spill folder " + parent_ + ": " + ec.message() +
                             "; choose a writable --spill-dir");
    }
    err = make();
  }
  if (err == ENOTDIR) {
    return Status::IoError("cannot create the spill folder " + parent_ +
                           ": part of its path is a file; choose a writable --spill-dir");
  }
  if (err != 0) return spill_error("create a folder", parent_, err);
  int fd = ::open((folder + "/" + kLockName).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    if (fd >= 0) ::close(fd);
    std::error_code ec;
    std::filesystem::remove_all(folder, ec);
    return spill_error("create a file", parent_, err);
  }
  folder_ = folder;
  lock_fd_ = fd;
  return Status::OK();
}

Status SpillDir::prepare() {
  std::lock_guard lock(mu_);
  return ensure_folder();
}

Result<std::unique_ptr<SpillFile>> SpillDir::create_file(const std::string& kind) {
  std::lock_guard lock(mu_);
  SPARKIFY_RETURN_NOT_OK(ensure_folder());
  std::string path = folder_ + "/" + kind + "-" + std::to_string(files_.load()) + ".bin";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return spill_error("create a file", parent_, errno);
  files_.fetch_add(1);
  return std::make_unique<SpillFile>(fd, path, &spilled_, &by_kind_[kind]);
}

std::map<std::string, uint64_t> SpillDir::bytes_by_kind() const {
  std::lock_guard lock(mu_);
  std::map<std::string, uint64_t> out;
  for (const auto& [kind, bytes] : by_kind_) out[kind] = bytes.load();
  return out;
}

}  // namespace sparkify::exec
