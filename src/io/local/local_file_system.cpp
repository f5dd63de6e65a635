#include "io/local/local_file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <memory>
#include <optional>
#include <system_error>

#include "common/parallel.h"

namespace sparkify::io {

namespace {

Status errno_status(const std::string& what, const std::string& path, int err) {
  std::string msg = what + " " + path + ": " + std::strerror(err);
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return Status::NotFound(std::move(msg));
    case EACCES:
    case EPERM:
    case EROFS:
      return Status::PermissionDenied(std::move(msg));
    default:
      return Status::IoError(std::move(msg));
  }
}

// A file's version for change detection: its modification time in nanoseconds.
std::string mtime_version(const struct stat& st) {
  return std::to_string(static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec);
}

// A descriptor (or a failed open's -1), closed when it goes out of scope.
class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ~ScopedFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  int fd() const { return fd_; }
  /// Closes the descriptor held, if any, and holds `fd` instead.
  void reset(int fd) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_;
};

// O_NONBLOCK changes nothing for a regular file; a named pipe given by mistake (`sparkify
// parquet schema fifo`) then opens at once and fails its read, where the open waited forever
// for a writer.
ScopedFd open_for_reading(const std::string& path) {
  return ScopedFd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
}

// The sentence for a failed open or read of `path`. A folder opens for reading and answers
// EISDIR to the first read; a pipe or device answers a positioned read with ESPIPE, an empty
// non-blocking pipe with EAGAIN.
Status read_error(const std::string& path, int err) {
  if (err == EISDIR) return Status::Invalid("cannot read " + path + ": it is a folder");
  if (err == ESPIPE || err == EAGAIN) {
    return Status::Invalid("cannot read " + path + ": it is not a regular file");
  }
  return errno_status("cannot read", path, err);
}

// Up to `length` bytes from `offset` into `dest`, fewer only at the end of the file.
Result<size_t> read_at(int fd, const std::string& path, uint64_t offset, uint8_t* dest,
                       size_t length) {
  size_t done = 0;
  while (done < length) {
    ssize_t n = ::pread(fd, dest + done, length - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return read_error(path, errno);
    }
    if (n == 0) break;  // the end of the file (it may have shrunk since it was sized)
    done += static_cast<size_t>(n);
  }
  return done;
}

// One folder's entries, read with getdents64 on a descriptor opened with O_DIRECTORY: four
// system calls per folder (open, two reads, close) where opendir/readdir add an fstat and two
// fcntl. d_type spares a stat per entry except for symbolic links and file systems that do
// not fill it in. A walk aims one at each folder it opens at a given depth (reset), reusing
// its buffer.
class DirectoryEntries {
 public:
  DirectoryEntries() = default;

  int fd() const { return fd_.fd(); }

  /// Reads the folder open on `fd` from its start (closing the one read before); -1 closes it.
  void reset(int fd) {
    fd_.reset(fd);
    pos_ = end_ = 0;
  }

  /// The next entry other than "." and "..", or nullptr at the end; errno is set on failure.
  const struct dirent64* next() {
    for (;;) {
      if (pos_ >= end_) {
        ssize_t n = ::getdents64(fd_.fd(), buffer_, sizeof(buffer_));
        if (n <= 0) {
          if (n == 0) errno = 0;
          return nullptr;
        }
        pos_ = 0;
        end_ = static_cast<size_t>(n);
      }
      auto* entry = reinterpret_cast<const struct dirent64*>(buffer_ + pos_);
      pos_ += entry->d_reclen;
      const char* name = entry->d_name;
      if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) continue;
      return entry;
    }
  }

 private:
  ScopedFd fd_{-1};
  size_t pos_ = 0, end_ = 0;
  alignas(struct dirent64) char buffer_[16384];
};

struct WalkContext {
  int root_fd;                    // the listed folder
  const std::string& shown_path;  // the root as the caller named it, for messages
  bool detailed;                  // fill in sizes and versions (one fstatat per file)

  std::string shown(const std::string& rel) const {
    return rel.empty() ? shown_path : shown_path + "/" + rel;
  }
};

// The folder at `rel` or above it, up to the listed root, that is the folder `target` (a symbolic
// link found in `rel`) leads to, if any: following such a link would list the same folders
// without end. Only links to folders are checked, so a walk without them pays nothing.
std::optional<std::string> folder_above(const WalkContext& ctx, const std::string& rel,
                                        const struct stat& target) {
  auto is_target = [&](const std::string& prefix) {
    struct stat st;
    return fstatat(ctx.root_fd, prefix.empty() ? "." : prefix.c_str(), &st, 0) == 0 &&
           st.st_dev == target.st_dev && st.st_ino == target.st_ino;
  };
  if (is_target("")) return std::string();
  for (size_t end = 0; end < rel.size(); ++end) {
    end = std::min(rel.find('/', end), rel.size());
    if (std::string prefix = rel.substr(0, end); is_target(prefix)) return prefix;
  }
  return std::nullopt;
}

// Lists the folder open on `dir_fd` (relative path `rel_prefix`): files go to `files`; sub-folders
// are walked depth-first, or, when `subfolders` is given, only collected there for later. The
// walk keeps its open folders in a list rather than on the call stack, so no depth of folders
// can overflow the stack; a symbolic link back to a folder above it is an error.
Status walk(int dir_fd, const std::string& rel_prefix, const WalkContext& ctx,
            std::vector<FileInfo>& files, std::vector<std::string>* subfolders) {
  struct Level {
    DirectoryEntries dir;
    std::string rel;
  };
  std::vector<std::unique_ptr<Level>> levels;  // the open folders, outermost first
  size_t depth = 0;
  auto enter = [&](int fd, std::string rel) {
    if (levels.size() == depth) levels.push_back(std::make_unique<Level>());
    levels[depth]->dir.reset(fd);
    levels[depth]->rel = std::move(rel);
    ++depth;
  };
  enter(dir_fd, rel_prefix);
  while (depth > 0) {
    Level& level = *levels[depth - 1];
    const struct dirent64* entry = level.dir.next();
    if (entry == nullptr) {
      if (errno != 0) return errno_status("cannot list", ctx.shown(level.rel), errno);
      level.dir.reset(-1);
      --depth;
      continue;
    }
    const char* name = entry->d_name;
    unsigned char type = entry->d_type;
    std::string rel = level.rel.empty() ? std::string(name) : level.rel + "/" + name;
    struct stat st;
    bool stated = false;  // st holds what the entry leads to
    if (type == DT_UNKNOWN) {
      if (fstatat(level.dir.fd(), name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
      stated = !S_ISLNK(st.st_mode);
      type = S_ISLNK(st.st_mode)   ? DT_LNK
             : S_ISDIR(st.st_mode) ? DT_DIR
             : S_ISREG(st.st_mode) ? DT_REG
                                   : DT_UNKNOWN;
    }
    if (type == DT_LNK) {
      if (fstatat(level.dir.fd(), name, &st, 0) != 0) continue;  // dangling: nothing to read
      stated = true;
      type = S_ISDIR(st.st_mode) ? DT_DIR : (S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN);
      if (type == DT_DIR) {
        if (auto above = folder_above(ctx, level.rel, st)) {
          return Status::Invalid("cannot list " + ctx.shown(rel) + ": it is a symbolic link to " +
                                 ctx.shown(*above) + ", a folder that holds it");
        }
      }
    }
    if (type == DT_DIR) {
      if (subfolders != nullptr) {
        subfolders->push_back(std::move(rel));
        continue;
      }
      int child = openat(level.dir.fd(), name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (child < 0) return errno_status("cannot list", ctx.shown(rel), errno);
      enter(child, std::move(rel));
    } else if (type == DT_REG) {
      FileInfo info{std::move(rel), 0};
      if (ctx.detailed && (stated || fstatat(level.dir.fd(), name, &st, 0) == 0)) {
        info.size = static_cast<uint64_t>(st.st_size);
        info.version = mtime_version(st);
      }
      files.push_back(std::move(info));
    }
  }
  return Status::OK();
}

// Opens `rel` under the root (the root itself when empty).
Result<int> open_folder(int root_fd, const std::string& rel, const std::string& shown_path) {
  // "." rather than a duplicate of root_fd: a duplicate would share its read position.
  int fd = openat(root_fd, rel.empty() ? "." : rel.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return errno_status("cannot list", rel.empty() ? shown_path : shown_path + "/" + rel, errno);
  return fd;
}

}  // namespace

LocalFileSystem::LocalFileSystem(int threads) : threads_(std::max(1, threads)) {}

Result<std::vector<FileInfo>> LocalFileSystem::list(const std::string& root) {
  return list_files(root, false);
}

Result<std::vector<FileInfo>> LocalFileSystem::list_detailed(const std::string& root) {
  return list_files(root, true);
}

Result<std::vector<FileInfo>> LocalFileSystem::list_share(const std::string& root, bool detailed,
                                                          int index, int count) {
  if (count < 1 || index < 0 || index >= count) {
    return Status::Invalid("listing share " + std::to_string(index) + " of " +
                           std::to_string(count) + " does not exist");
  }
  return list_files(root, detailed, index, count);
}

// The first of `path`'s folders that is not one (ENOTDIR names the whole path: `--input afile`
// is listed as afile/song_data, and the message must name afile).
std::string file_on_path(const std::string& path) {
  for (size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    std::string prefix = path.substr(0, slash);
    struct stat st;
    if (::stat(prefix.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) return prefix;
    if (slash == std::string::npos) return path;
  }
}

// The top levels are read breadth-first on the calling thread until there are enough folders
// to share (the files found on the way are share 0's); the folders, sorted by name, are dealt
// out to the shares in turn, and a share's threads walk its folders depth-first, each into its
// own list, joined in folder order (so the result does not depend on the thread count).
Result<std::vector<FileInfo>> LocalFileSystem::list_files(const std::string& root, bool detailed,
                                                          int index, int count) {
  int root_fd = open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0) {
    int err = errno;
    if (err == ENOTDIR) return Status::Invalid(file_on_path(root) + " is a file, not a folder");
    return errno_status("cannot open folder", root, err);
  }
  ScopedFd root_closer(root_fd);
  WalkContext ctx{root_fd, root, detailed};
  std::vector<FileInfo> out;
  std::vector<std::string> frontier{""};
  // Reads the frontier's folders a level at a time until it holds at least `target` folders.
  auto expand = [&](size_t target) -> Status {
    while (!frontier.empty() && frontier.size() < target) {
      std::vector<std::string> next;
      for (const std::string& rel : frontier) {
        SPARKIFY_ASSIGN_OR_RETURN(int fd, open_folder(root_fd, rel, root));
        SPARKIFY_RETURN_NOT_OK(walk(fd, rel, ctx, out, &next));
      }
      frontier = std::move(next);
    }
    return Status::OK();
  };
  if (count > 1) {
    // The same cut for every share (nothing here depends on this process's thread count).
    SPARKIFY_RETURN_NOT_OK(expand(8 * static_cast<size_t>(count)));
    if (index != 0) out.clear();
    std::sort(frontier.begin(), frontier.end());
    size_t kept = 0;
    for (size_t i = static_cast<size_t>(index); i < frontier.size();
         i += static_cast<size_t>(count)) {
      if (kept != i) frontier[kept] = std::move(frontier[i]);
      ++kept;
    }
    frontier.resize(kept);
  }
  if (threads_ > 1) SPARKIFY_RETURN_NOT_OK(expand(8 * static_cast<size_t>(threads_)));
  std::vector<std::vector<FileInfo>> found(frontier.size());
  SPARKIFY_RETURN_NOT_OK(parallel_for(frontier.size(), threads_, [&](size_t i, int) -> Status {
    SPARKIFY_ASSIGN_OR_RETURN(int fd, open_folder(root_fd, frontier[i], root));
    return walk(fd, frontier[i], ctx, found[i], nullptr);
  }));
  size_t total = out.size();
  for (const auto& part : found) total += part.size();
  out.reserve(total);
  for (auto& part : found) std::move(part.begin(), part.end(), std::back_inserter(out));
  return out;
}

Result<bool> LocalFileSystem::exists(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) return true;
  if (errno == ENOENT || errno == ENOTDIR) return false;
  return errno_status("cannot inspect", path, errno);
}

Result<Buffer> LocalFileSystem::read(const std::string& path, size_t padding) {
  Buffer buffer;
  SPARKIFY_RETURN_NOT_OK(read_into(path, padding, buffer));
  return buffer;
}

Status LocalFileSystem::read_into(const std::string& path, size_t padding, Buffer& buffer) {
  ScopedFd file = open_for_reading(path);
  if (file.fd() < 0) return read_error(path, errno);
  struct stat st;
  if (fstat(file.fd(), &st) != 0) return read_error(path, errno);
  if (S_ISDIR(st.st_mode)) return read_error(path, EISDIR);
  if (!S_ISREG(st.st_mode)) return read_error(path, ESPIPE);
  auto size = static_cast<size_t>(st.st_size);
  buffer.resize_for_overwrite(size, padding);
  SPARKIFY_ASSIGN_OR_RETURN(size_t done, read_at(file.fd(), path, 0, buffer.data(), size));
  buffer.truncate(done);
  return Status::OK();
}

// One read of one byte more than the listing saw: getting exactly the listed size back means
// the file is whole, without the fstat that read_into sizes its buffer by (three system calls a
// file instead of four: the song stage reads 50k small files). Any other count means the file
// changed since it was listed; it is read again as it is now.
Status LocalFileSystem::read_listed(const std::string& path, uint64_t listed_size, size_t padding,
                                    Buffer& buffer) {
  if (listed_size >= (uint64_t{1} << 30)) return read_into(path, padding, buffer);
  auto size = static_cast<size_t>(listed_size);
  {
    ScopedFd file = open_for_reading(path);
    if (file.fd() < 0) return read_error(path, errno);
    buffer.resize_for_overwrite(size + 1, padding);
    ssize_t n;
    do {
      n = ::read(file.fd(), buffer.data(), size + 1);
    } while (n < 0 && errno == EINTR);
    if (n < 0) return read_error(path, errno);
    if (static_cast<size_t>(n) == size) {
      buffer.truncate(size);
      return Status::OK();
    }
  }
  return read_into(path, padding, buffer);
}

Status LocalFileSystem::read_range(const std::string& path, uint64_t offset, size_t length,
                                   Buffer& buffer, size_t padding, const std::string& version) {
  ScopedFd file = open_for_reading(path);
  if (file.fd() < 0) return read_error(path, errno);
  if (!version.empty()) {
    struct stat st;
    if (fstat(file.fd(), &st) != 0) return read_error(path, errno);
    if (mtime_version(st) != version) {
      return Status::IoError("cannot read " + path + ": it changed while it was being read");
    }
  }
  buffer.resize_for_overwrite(length, padding);
  SPARKIFY_ASSIGN_OR_RETURN(size_t done, read_at(file.fd(), path, offset, buffer.data(), length));
  buffer.truncate(done);
  return Status::OK();
}

Result<int> LocalFileSystem::with_parent_folders(const std::string& path,
                                                 const std::function<int()>& create) {
  int rc = create();
  if (rc >= 0 || errno != ENOENT) return rc;
  auto slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return rc;
  SPARKIFY_RETURN_NOT_OK(make_dirs(path.substr(0, slash)));
  return create();
}

Status LocalFileSystem::write(const std::string& path, std::span<const uint8_t> data) {
  SPARKIFY_ASSIGN_OR_RETURN(int fd, with_parent_folders(path, [&] {
                              return open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                                          0644);
                            }));
  if (fd < 0) return errno_status("cannot write", path, errno);
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      close(fd);
      return errno_status("cannot write", path, err);
    }
    done += static_cast<size_t>(n);
  }
  if (close(fd) != 0) return errno_status("cannot write", path, errno);
  return Status::OK();
}

Status LocalFileSystem::remove_files(const std::vector<std::string>& paths) {
  for (const auto& path : paths) {
    if (unlink(path.c_str()) != 0 && errno != ENOENT) {
      return errno_status("cannot delete", path, errno);
    }
  }
  return Status::OK();
}

Status LocalFileSystem::remove_all(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec) return Status::IoError("cannot delete " + path + ": " + ec.message());
  return Status::OK();
}

Result<FileInfo> LocalFileSystem::stat(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return errno_status("cannot stat", path, errno);
  FileInfo info;
  info.path = path;
  info.size = static_cast<uint64_t>(st.st_size);
  info.version =
      std::to_string(static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec);
  return info;
}

Status LocalFileSystem::rename_file(const std::string& from, const std::string& to) {
  SPARKIFY_ASSIGN_OR_RETURN(
      int rc, with_parent_folders(to, [&] { return rename(from.c_str(), to.c_str()); }));
  if (rc == 0) return Status::OK();
  return errno_status("cannot rename " + from + " to", to, errno);
}

Status LocalFileSystem::link_file(const std::string& from, const std::string& to) {
  SPARKIFY_ASSIGN_OR_RETURN(
      int rc, with_parent_folders(to, [&] { return link(from.c_str(), to.c_str()); }));
  if (rc == 0) return Status::OK();
  // Across file systems, or on one without hard links (FAT, some network mounts).
  if (errno == EXDEV || errno == EPERM || errno == ENOTSUP || errno == EMLINK) {
    return Status::NotSupported("cannot link " + from + " to " + to + ": " + std::strerror(errno));
  }
  return errno_status("cannot link " + from + " to", to, errno);
}

Status LocalFileSystem::rename_dir(const std::string& from, const std::string& to) {
  if (renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) {
    return Status::OK();
  }
  if (errno == EINVAL || errno == ENOSYS) {  // file system without renameat2 flags
    struct stat st;
    if (::stat(to.c_str(), &st) == 0) return Status::IoError("cannot rename onto existing " + to);
    if (rename(from.c_str(), to.c_str()) == 0) return Status::OK();
  }
  return errno_status("cannot rename " + from + " to", to, errno);
}

Status LocalFileSystem::exchange_dir(const std::string& a, const std::string& b) {
  if (renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_EXCHANGE) == 0) {
    return Status::OK();
  }
  if (errno == EINVAL || errno == ENOSYS) {
    return Status::NotSupported("this file system cannot exchange " + a + " and " + b);
  }
  return errno_status("cannot exchange " + a + " and", b, errno);
}

Status LocalFileSystem::make_dirs(const std::string& path) {
  if (path.empty()) return Status::OK();
  if (mkdir(path.c_str(), 0755) == 0) return Status::OK();
  if (errno == EEXIST) {
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) {
      return Status::IoError("cannot create folder " + path + ": a file has that name");
    }
    return Status::OK();
  }
  if (errno != ENOENT) return errno_status("cannot create folder", path, errno);
  auto slash = path.find_last_of('/');
  if (slash != std::string::npos && slash > 0) {
    SPARKIFY_RETURN_NOT_OK(make_dirs(path.substr(0, slash)));
  }
  if (mkdir(path.c_str(), 0755) == 0 || errno == EEXIST) return Status::OK();
  return errno_status("cannot create folder", path, errno);
}

namespace {

// flock(2) on the folder itself: no lock file appears in the lake, and the kernel drops the lock
// when the process dies, so a killed run never leaves the lake locked.
class FlockDirectoryLock final : public DirectoryLock {
 public:
  explicit FlockDirectoryLock(int fd) : fd_(fd) {}
  ~FlockDirectoryLock() override { close(fd_); }

 private:
  int fd_;
};

}  // namespace

Result<std::unique_ptr<DirectoryLock>> LocalFileSystem::lock_directory(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno_status("cannot open folder", path, errno);
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    close(fd);
    if (err == EWOULDBLOCK) {
      return Status::IoError("another sparkify run is writing to " + path +
                             "; wait for it to finish");
    }
    return errno_status("cannot lock folder", path, err);
  }
  return std::unique_ptr<DirectoryLock>(std::make_unique<FlockDirectoryLock>(fd));
}

}  // namespace sparkify::io
