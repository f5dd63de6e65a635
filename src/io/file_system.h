// FileSystem: the one interface through which sparkify reads inputs and writes the lake, so that
// local folders and S3 buckets are interchangeable. The implementation is chosen by URL scheme.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/buffer.h"
#include "common/result.h"

namespace sparkify::io {

/// One file (or object) found by a listing.
struct FileInfo {
  std::string path;  ///< relative to the listed root, '/'-separated, no leading '/'
  /// Bytes as the listing reports them: S3 gives every object's size; the local listing stats
  /// nothing (one getdents per folder) and leaves 0 — read the file to learn its size.
  uint64_t size = 0;
  /// What changes when the file's content does: S3's ETag from the listing; for local files
  /// empty in a listing, the modification time (nanoseconds) from stat().
  std::string version = {};
};

/// Writes many files, possibly with many requests in flight; `finish()` waits for all of them and
/// reports the first failure. Paths are absolute in the owning FileSystem's namespace.
class BatchWriter {
 public:
  virtual ~BatchWriter() = default;
  /// Queues (or performs) a whole-file write; takes ownership of the bytes.
  virtual Status write(std::string path, Buffer data) = 0;
  virtual Status finish() = 0;
};

/// A file written but not yet visible: on S3, a multipart upload whose parts are all uploaded
/// but which is not completed (as Hadoop's S3A "magic" committer leaves them until job commit).
/// Completing it makes the whole file appear at once; aborting it leaves no trace.
struct PendingFile {
  std::string path;  ///< absolute, in the owning FileSystem's namespace
  std::string upload_id;
  std::vector<std::string> etags;  ///< one per part, in order (empty when found by a listing)
};

/// The pending files of one table; a pending writer adds to it from many threads.
class PendingFiles {
 public:
  void add(PendingFile file) {
    std::lock_guard<std::mutex> lock(mutex_);
    files_.push_back(std::move(file));
  }
  /// Everything added so far; the set is empty afterwards.
  std::vector<PendingFile> take() {
    std::lock_guard<std::mutex> lock(mutex_);
    return std::exchange(files_, {});
  }

 private:
  std::mutex mutex_;
  std::vector<PendingFile> files_;
};

/// Held while a run writes a lake; released when destroyed.
class DirectoryLock {
 public:
  virtual ~DirectoryLock() = default;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  /// "local" or "s3", for messages and for local-only shortcuts (discovery, reading). The commit
  /// protocol is chosen by capability: supports_rename() and supports_pending_writes().
  virtual std::string kind() const = 0;

  /// Every file below `root`, recursively, paths relative to `root`, in unspecified order.
  /// NotFound when `root` does not exist.
  virtual Result<std::vector<FileInfo>> list(const std::string& root) = 0;

  /// The size and version of one file (local: one stat; S3: listing already carries both, so
  /// the default is NotSupported). NotFound when it does not exist.
  virtual Result<FileInfo> stat(const std::string& path);

  /// Renames one file, creating the destination's parent folders (local only).
  virtual Status rename_file(const std::string& from, const std::string& to);

  /// Gives the file `from` a second name `to`, creating `to`'s parent folders, without copying
  /// its bytes (local: a hard link). NotSupported where the store cannot (S3, or a file system
  /// without hard links); the caller then writes the bytes again.
  virtual Status link_file(const std::string& from, const std::string& to);

  /// list() with every file's size and version filled in (local: one fstatat per file in the
  /// walk; S3's listing has both already, so the default is list()).
  virtual Result<std::vector<FileInfo>> list_detailed(const std::string& root) {
    return list(root);
  }

  /// One of `count` disjoint shares of list()/list_detailed(): every file is in exactly one
  /// share, and the same call on any machine that sees the same tree cuts it the same way (so
  /// processes can list a tree together). A store that cannot cut its listing puts every file
  /// in share 0 (the default); the local file system shares out folders.
  virtual Result<std::vector<FileInfo>> list_share(const std::string& root, bool detailed,
                                                   int index, int count) {
    if (index != 0) return std::vector<FileInfo>{};
    return detailed ? list_detailed(root) : list(root);
  }

  /// True when `path` exists as a file or folder (for S3: as an object or a non-empty prefix).
  virtual Result<bool> exists(const std::string& path) = 0;

  /// Reads a whole file; the buffer carries `padding` zero bytes after the end.
  virtual Result<Buffer> read(const std::string& path, size_t padding = 0) = 0;

  /// Reads a whole file into `buffer`, reusing its allocation when it is large enough.
  virtual Status read_into(const std::string& path, size_t padding, Buffer& buffer);

  /// read_into for a file a detailed listing gave as `listed_size` bytes; a store may use the
  /// size to save a call (local: no fstat). A file that has changed since is read as it is now.
  virtual Status read_listed(const std::string& path, uint64_t listed_size, size_t padding,
                             Buffer& buffer);

  /// Reads bytes [offset, offset + length) of a file into `buffer` (reusing its allocation where
  /// the store allows), followed by `padding` zero bytes. Fewer bytes come back only where the
  /// file ends first — none at or past its end — so a short read means the end. Local files use
  /// pread; S3 a GET with a Range header. With a `version` (FileInfo::version from a listing),
  /// a file that is no longer that version is an error, so pieces of one file never mix two
  /// versions. Stores without ranged reads answer NotSupported.
  virtual Status read_range(const std::string& path, uint64_t offset, size_t length, Buffer& buffer,
                            size_t padding = 0, const std::string& version = {});

  /// How many reads this file system wants in flight to reach its throughput. A local disk says 1:
  /// callers read from their own worker threads. S3 says e.g. 64 and overrides read_many.
  virtual int preferred_read_concurrency() const { return 1; }

  /// Reads many files, calling `on_file(index, buffer)` as each completes (any order, one thread
  /// at a time). Stops at and returns the first error from a read or from `on_file`.
  virtual Status read_many(const std::vector<std::string>& paths, size_t padding,
                           const std::function<Status(size_t, Buffer)>& on_file);

  /// Writes a whole file, creating parent folders as needed, replacing any existing file.
  virtual Status write(const std::string& path, std::span<const uint8_t> data) = 0;

  /// write() for text (manifests, records, JSON lines).
  Status write_text(const std::string& path, std::string_view text) {
    return write(path, {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
  }

  /// A writer for many files; the default one writes synchronously through write().
  virtual std::unique_ptr<BatchWriter> batch_writer();

  /// Whether pending_writer and the *_pending calls work (object stores: yes; local: no).
  virtual bool supports_pending_writes() const { return false; }
  /// A writer whose files stay invisible until complete_pending: each written file is added to
  /// `pending` (which must outlive the writer) once all of its bytes are stored.
  virtual std::unique_ptr<BatchWriter> pending_writer(PendingFiles& pending);
  /// Makes pending files visible, many requests in flight; each file appears whole or not at
  /// all. Stops at the first failure.
  virtual Status complete_pending(const std::vector<PendingFile>& files);
  /// Discards pending files (already gone is not an error); returns the first failure.
  virtual Status abort_pending(const std::vector<PendingFile>& files);
  /// Every pending file under the folder `root` (any run's), for cleaning up after a kill.
  virtual Result<std::vector<PendingFile>> list_pending(const std::string& root);

  /// Deletes these files (missing ones are not an error).
  virtual Status remove_files(const std::vector<std::string>& paths) = 0;

  /// Deletes `path` and everything below it (missing is not an error).
  virtual Status remove_all(const std::string& path) = 0;

  /// Whether rename_dir/exchange_dir work (local: yes; S3: no — it has no rename).
  virtual bool supports_rename() const { return false; }
  /// Atomically renames a folder; `to` must not exist.
  virtual Status rename_dir(const std::string& from, const std::string& to);
  /// Atomically swaps two existing folders.
  virtual Status exchange_dir(const std::string& a, const std::string& b);
  /// Creates a folder and its parents (a no-op where folders are implicit, as on S3).
  virtual Status make_dirs(const std::string& path) = 0;

  /// Takes an exclusive, advisory lock on an existing folder so two runs cannot write one lake
  /// at once; a folder locked by another process is an error naming it. Storage without locks
  /// (S3) returns no lock and success.
  virtual Result<std::unique_ptr<DirectoryLock>> lock_directory(const std::string& path);

  /// Joins a folder and a relative path with exactly one '/'.
  static std::string join(const std::string& dir, const std::string& rel);
};

/// Options that only some file systems use (credentials, endpoint); filled from explicit
/// settings, dl.cfg and the environment by the caller.
struct FileSystemOptions {
  std::string access_key;
  std::string secret_key;
  std::string session_token;
  std::string region;
  std::string endpoint;  ///< e.g. http://127.0.0.1:9000 (path-style addressing)
  int max_connections = 64;
  bool verify_tls = true;
  /// Threads a local folder listing may use (an S3 listing uses the connections instead).
  int threads = 1;
  /// Receives diagnostic notes (e.g. a listing that fell back to a slower method); may be empty.
  std::function<void(const std::string&)> debug;
};

/// True for s3:// and s3a:// URLs.
bool is_s3_url(const std::string& url);

/// The file system for a path or URL: local for plain paths, S3 for s3:// and s3a://.
Result<std::shared_ptr<FileSystem>> make_file_system(const std::string& url,
                                                     const FileSystemOptions& options);

}  // namespace sparkify::io
