// S3FileSystem: the FileSystem interface over S3 (s3:// and s3a:// URLs). Built for the lake's
// shape — tens of thousands of small objects — so reads, writes and deletes keep many requests
// in flight, and every request is retried within a budget.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "io/file_system.h"
#include "io/http/http_client.h"
#include "io/s3/retry.h"
#include "io/s3/s3_client.h"
#include "io/s3/s3_xml.h"

namespace sparkify::io::s3 {

/// Tuning beyond FileSystemOptions; the defaults suit AWS.
struct S3Config {
  RetryPolicy retry;
  http::HttpClientOptions http;
  /// A write larger than this goes up as a multipart upload.
  size_t multipart_threshold = size_t{32} << 20;
  /// Bytes per part (S3 requires at least 5 MiB for every part but the last).
  size_t part_size = size_t{16} << 20;
  /// Keys per DeleteObjects request (S3 allows at most 1000).
  size_t delete_batch = 1000;
};

class S3FileSystem final : public FileSystem {
 public:
  /// An S3 file system talking through libcurl.
  static Result<std::shared_ptr<S3FileSystem>> Make(const FileSystemOptions& options,
                                                    S3Config config = {});
  /// The same over a given HTTP client (tests use a scripted one).
  static Result<std::shared_ptr<S3FileSystem>> Make(std::shared_ptr<http::HttpClient> http,
                                                    const FileSystemOptions& options,
                                                    S3Config config,
                                                    RetryClock clock = RetryClock::Real());

  std::string kind() const override { return "s3"; }
  Result<std::vector<FileInfo>> list(const std::string& root) override;
  Result<bool> exists(const std::string& path) override;
  Result<Buffer> read(const std::string& path, size_t padding = 0) override;
  /// GET with `Range: bytes=a-b` (and `If-Match` with the ETag given as `version`): expects 206
  /// and a Content-Range naming exactly those bytes (a shorter answer is continued from where it
  /// ended); 416 past the end reads nothing; 412 means the object changed. A server that ignores
  /// Range (200 with the whole object) is an error, not a silent whole read.
  Status read_range(const std::string& path, uint64_t offset, size_t length, Buffer& buffer,
                    size_t padding = 0, const std::string& version = {}) override;
  int preferred_read_concurrency() const override { return max_connections_; }
  Status read_many(const std::vector<std::string>& paths, size_t padding,
                   const std::function<Status(size_t, Buffer)>& on_file) override;
  Status write(const std::string& path, std::span<const uint8_t> data) override;
  std::unique_ptr<BatchWriter> batch_writer() override;
  Status remove_files(const std::vector<std::string>& paths) override;
  Status remove_all(const std::string& path) override;
  bool supports_rename() const override { return false; }
  bool supports_pending_writes() const override { return true; }
  std::unique_ptr<BatchWriter> pending_writer(PendingFiles& pending) override;
  Status complete_pending(const std::vector<PendingFile>& files) override;
  Status abort_pending(const std::vector<PendingFile>& files) override;
  Result<std::vector<PendingFile>> list_pending(const std::string& root) override;
  Status make_dirs(const std::string& path) override { return Status::OK(); }

  int max_connections() const { return max_connections_; }

  /// Uploads one object, choosing PUT or multipart by size; `cancel` abandons retries.
  Status put_object(const S3Path& path, std::span<const uint8_t> data,
                    const std::atomic<bool>* cancel);
  /// Uploads one object as a multipart upload that is left pending (one part below part_size).
  Result<PendingFile> stage_object(const S3Path& path, std::span<const uint8_t> data,
                                   const std::atomic<bool>* cancel);

 private:
  S3FileSystem(std::unique_ptr<S3Client> client, S3Config config, int max_connections,
               std::function<void(const std::string&)> debug);

  Result<ListPage> list_page(const std::string& bucket, const std::string& prefix,
                             const std::string& delimiter, const std::string& token,
                             size_t max_keys, const std::atomic<bool>* cancel = nullptr);
  /// Every object under `prefix`, one page after another, at most `limit`.
  Result<std::vector<ListedObject>> list_prefix(const std::string& bucket,
                                                const std::string& prefix, size_t limit);
  /// Every object under `prefix`: one request when it fits in a page, otherwise a parallel walk
  /// of its "folders".
  Result<std::vector<ListedObject>> list_tree(const std::string& bucket, const std::string& prefix);
  Result<Buffer> get_object(const S3Path& path, size_t padding, const std::atomic<bool>* cancel);
  /// Plain pagination of `prefix` when a delimiter listing contradicted the first page.
  Result<std::vector<ListedObject>> list_sequentially(const std::string& bucket,
                                                      const std::string& prefix);
  /// Create, upload parts, complete; aborted on any failure.
  Status multipart_upload(const S3Path& path, std::span<const uint8_t> data,
                          const std::atomic<bool>* cancel);
  Result<std::string> start_upload(const S3Path& path, const std::atomic<bool>* cancel);
  /// The parts' ETags, in order; parts go up `max_connections` (at most 8) at a time.
  Result<std::vector<std::string>> upload_parts(const S3Path& path, const std::string& upload_id,
                                                std::span<const uint8_t> data,
                                                const std::atomic<bool>* cancel);
  Status complete_upload(const S3Path& path, const std::string& upload_id,
                         const std::vector<std::string>& etags, const std::atomic<bool>* cancel);
  /// Best effort: abandoned parts are billed until aborted.
  Status abort_upload(const S3Path& path, const std::string& upload_id);
  Status delete_keys(const std::string& bucket, const std::vector<std::string>& keys);

  std::unique_ptr<S3Client> client_;
  S3Config config_;
  int max_connections_;
  std::function<void(const std::string&)> debug_;
};

}  // namespace sparkify::io::s3
