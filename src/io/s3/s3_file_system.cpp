#include "io/s3/s3_file_system.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "common/bounded_queue.h"
#include "common/parallel.h"
#include "io/s3/s3_xml.h"

namespace sparkify::io::s3 {

namespace {

std::span<const uint8_t> as_bytes(const std::string& text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

// parallel_for reports the failure with the lowest index, which could be a request we cancelled
// because of the real failure elsewhere; remember the first real failure instead.
Status run_parallel(size_t n, int threads,
                    const std::function<Status(size_t, const std::atomic<bool>*)>& task) {
  std::atomic<bool> cancel{false};
  std::mutex mutex;
  Status first;
  Status any = parallel_for(n, threads, [&](size_t i, int) {
    Status status = task(i, &cancel);
    if (!status.ok()) {
      if (status.code() != ErrorCode::kCancelled) {
        std::lock_guard<std::mutex> lock(mutex);
        if (first.ok()) first = status;
      }
      cancel.store(true);
    }
    return status;
  });
  return first.ok() ? any : first;
}

// Uploads queued objects on a pool of threads; write() blocks when the queue holds enough to
// keep every connection busy, so memory stays bounded however fast the caller produces files.
// `upload` does the work for one object (a PUT, or a pending multipart upload).
class S3BatchWriter final : public BatchWriter {
 public:
  using Upload = std::function<Status(const S3Path&, const Buffer&, const std::atomic<bool>*)>;

  S3BatchWriter(int threads, Upload upload)
      : threads_(std::max(1, threads)),
        upload_(std::move(upload)),
        queue_(2 * static_cast<size_t>(threads_), kMaxQueuedBytes) {}
  ~S3BatchWriter() override { (void)finish(); }

  Status write(std::string path, Buffer data) override {
    SPARKIFY_ASSIGN_OR_RETURN(S3Path target, parse_s3_url(path));
    if (finished_) return Status::Invalid("batch writer used after finish()");
    size_t bytes = data.size();
    if (!queue_.push({std::move(target), std::move(data)}, bytes)) {
      Status error = first_error();
      return error.ok() ? Status(ErrorCode::kCancelled, "upload abandoned") : error;
    }
    // One more thread per queued object until every connection is busy.
    if (workers_.size() < static_cast<size_t>(threads_)) workers_.emplace_back([this] { run(); });
    return Status::OK();
  }

  Status finish() override {
    if (!finished_) {
      finished_ = true;
      queue_.close();
      for (auto& worker : workers_) worker.join();
      workers_.clear();
    }
    return first_error();
  }

 private:
  static constexpr size_t kMaxQueuedBytes = size_t{256} << 20;

  Status first_error() {
    std::lock_guard<std::mutex> lock(mutex_);
    return error_;
  }

  void run() {
    while (auto job = queue_.pop()) {
      Status status = upload_(job->first, job->second, &cancel_);
      if (status.ok()) continue;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (error_.ok() && status.code() != ErrorCode::kCancelled) error_ = status;
      }
      // Nothing queued will be written now: drop it, stop the other uploads, wake the producer.
      cancel_.store(true);
      queue_.cancel();
    }
  }

  int threads_;
  Upload upload_;
  BoundedQueue<std::pair<S3Path, Buffer>> queue_;
  bool finished_ = false;  // write() and finish() are called from one thread
  std::mutex mutex_;
  Status error_;
  std::atomic<bool> cancel_{false};
  std::vector<std::thread> workers_;
};

}  // namespace

S3FileSystem::S3FileSystem(std::unique_ptr<S3Client> client, S3Config config, int max_connections,
                           std::function<void(const std::string&)> debug)
    : client_(std::move(client)),
      config_(config),
      max_connections_(max_connections),
      debug_(std::move(debug)) {}

Result<std::shared_ptr<S3FileSystem>> S3FileSystem::Make(const FileSystemOptions& options,
                                                         S3Config config) {
  config.http.verify_tls = options.verify_tls;
  std::shared_ptr<http::HttpClient> http = http::make_curl_http_client(config.http);
  return Make(std::move(http), options, config);
}

Result<std::shared_ptr<S3FileSystem>> S3FileSystem::Make(std::shared_ptr<http::HttpClient> http,
                                                         const FileSystemOptions& options,
                                                         S3Config config, RetryClock clock) {
  std::string region = options.region.empty() ? "us-east-1" : options.region;
  SPARKIFY_ASSIGN_OR_RETURN(S3Endpoint endpoint, S3Endpoint::Make(options.endpoint, region));
  if (options.access_key.empty() != options.secret_key.empty()) {
    return Status::Invalid(options.access_key.empty()
                               ? "an S3 secret access key was given without an access key id"
                               : "an S3 access key id was given without a secret access key");
  }
  if (options.max_connections < 1) {
    return Status::Invalid("the number of S3 connections must be at least 1");
  }
  if (config.part_size == 0 || config.delete_batch == 0 || config.delete_batch > 1000) {
    return Status::Invalid("invalid S3 part size or delete batch size");
  }
  Credentials credentials{options.access_key, options.secret_key, options.session_token};
  auto client =
      std::make_unique<S3Client>(std::move(http), std::move(endpoint), std::move(credentials),
                                 region, config.retry, std::move(clock));
  return std::shared_ptr<S3FileSystem>(
      new S3FileSystem(std::move(client), config, options.max_connections, options.debug));
}

Result<ListPage> S3FileSystem::list_page(const std::string& bucket, const std::string& prefix,
                                         const std::string& delimiter, const std::string& token,
                                         size_t max_keys, const std::atomic<bool>* cancel) {
  S3Request request;
  request.method = "GET";
  request.bucket = bucket;
  request.query = {{"list-type", "2"},
                   {"prefix", prefix},
                   {"max-keys", std::to_string(std::min<size_t>(max_keys, 1000))}};
  if (!delimiter.empty()) request.query.emplace_back("delimiter", delimiter);
  if (!token.empty()) request.query.emplace_back("continuation-token", token);
  SPARKIFY_ASSIGN_OR_RETURN(http::HttpResponse response, client_->call(request, cancel));
  auto page = parse_list_objects_v2(response.body.view());
  if (!page.ok()) return page.status().with_context("listing " + s3_url(bucket, prefix));
  return page;
}

namespace {

// Moves to the page after `page`: a token the listing has already been given back means the
// endpoint would page forever (a faulty look-alike did, 10k requests in 5 s), so it is an error.
Status follow_token(ListPage& page, std::string& token, std::unordered_set<std::string>& seen,
                    const std::string& listing) {
  if (!seen.insert(page.next_token).second) {
    return Status::Corrupt("the S3 endpoint answered the listing of " + listing +
                           " with a continuation token it had already given: the listing would "
                           "never end");
  }
  token = std::move(page.next_token);
  return Status::OK();
}

}  // namespace

Result<std::vector<ListedObject>> S3FileSystem::list_prefix(const std::string& bucket,
                                                            const std::string& prefix,
                                                            size_t limit) {
  std::vector<ListedObject> out;
  std::string token;
  std::unordered_set<std::string> seen;
  while (true) {
    SPARKIFY_ASSIGN_OR_RETURN(ListPage page,
                              list_page(bucket, prefix, "", token, limit - out.size()));
    for (auto& object : page.objects) out.push_back(std::move(object));
    if (!page.truncated || out.size() >= limit) break;
    SPARKIFY_RETURN_NOT_OK(follow_token(page, token, seen, s3_url(bucket, prefix)));
  }
  return out;
}

Result<std::vector<ListedObject>> S3FileSystem::list_tree(const std::string& bucket,
                                                          const std::string& prefix) {
  SPARKIFY_ASSIGN_OR_RETURN(ListPage first, list_page(bucket, prefix, "", "", 1000));
  if (!first.truncated) return std::move(first.objects);

  // More than a page. ListObjectsV2 pages are strictly sequential (each needs the previous
  // token), so 400k song files would be 400 round trips one after another. Instead, list with
  // delimiter '/' level by level until there are enough "folders" to keep many requests busy
  // (song_data/A/ fans out into 26), then page through each folder in parallel. Descending
  // only as far as needed keeps a lake of thousands of one-file partitions from costing one
  // request per partition.
  constexpr size_t kFanout = 16;
  constexpr int kMaxDepth = 6;
  int max_threads = std::max(1, std::min(max_connections_, 32));
  std::vector<ListedObject> out;
  std::vector<std::string> frontier{prefix};
  auto list_all = [&](const std::string& folder, const std::string& delimiter,
                      const std::atomic<bool>* cancel, std::vector<ListedObject>& objects,
                      std::vector<std::string>& folders) -> Status {
    std::string token;
    std::unordered_set<std::string> seen;
    while (true) {
      SPARKIFY_ASSIGN_OR_RETURN(ListPage page,
                                list_page(bucket, folder, delimiter, token, 1000, cancel));
      for (auto& object : page.objects) objects.push_back(std::move(object));
      for (auto& sub : page.common_prefixes) folders.push_back(std::move(sub));
      if (!page.truncated) return Status::OK();
      SPARKIFY_RETURN_NOT_OK(follow_token(page, token, seen, s3_url(bucket, folder)));
    }
  };
  for (int depth = 0; depth < kMaxDepth && frontier.size() < kFanout; ++depth) {
    std::vector<std::vector<ListedObject>> objects(frontier.size());
    std::vector<std::vector<std::string>> folders(frontier.size());
    int threads = static_cast<int>(std::min<size_t>(frontier.size(), max_threads));
    SPARKIFY_RETURN_NOT_OK(run_parallel(frontier.size(), threads, [&](size_t i, auto cancel) {
      return list_all(frontier[i], "/", cancel, objects[i], folders[i]);
    }));
    std::vector<std::string> next;
    for (size_t i = 0; i < frontier.size(); ++i) {
      // Every folder here holds something (the first page, or a common prefix, said so).
      if (objects[i].empty() && folders[i].empty()) return list_sequentially(bucket, prefix);
      for (auto& object : objects[i]) out.push_back(std::move(object));
      for (auto& sub : folders[i]) next.push_back(std::move(sub));
    }
    frontier = std::move(next);
    if (frontier.empty()) return out;
  }
  std::vector<std::vector<ListedObject>> objects(frontier.size());
  int threads = static_cast<int>(std::min<size_t>(frontier.size(), max_threads));
  SPARKIFY_RETURN_NOT_OK(run_parallel(frontier.size(), threads, [&](size_t i, auto cancel) {
    std::vector<std::string> unused;
    return list_all(frontier[i], "", cancel, objects[i], unused);
  }));
  for (auto& part : objects) {
    if (part.empty()) return list_sequentially(bucket, prefix);
    for (auto& object : part) out.push_back(std::move(object));
  }
  return out;
}

Result<std::vector<ListedObject>> S3FileSystem::list_sequentially(const std::string& bucket,
                                                                  const std::string& prefix) {
  // Some S3 look-alikes answer a delimiter listing of nested keys with nothing at all (s3rver
  // 3.7 does). One page after another is slower but needs no delimiter.
  if (debug_) {
    debug_("listing " + s3_url(bucket, prefix) +
           ": a listing by folder found none of the objects the first page showed; listing "
           "page by page instead");
  }
  return list_prefix(bucket, prefix, SIZE_MAX);
}

Result<std::vector<FileInfo>> S3FileSystem::list(const std::string& root) {
  SPARKIFY_ASSIGN_OR_RETURN(S3Path path, parse_s3_url(root));
  std::string prefix = path.key;
  if (!prefix.empty() && prefix.back() != '/') prefix.push_back('/');
  SPARKIFY_ASSIGN_OR_RETURN(auto objects, list_tree(path.bucket, prefix));
  std::vector<FileInfo> out;
  out.reserve(objects.size());
  for (auto& object : objects) {
    if (object.key.size() <= prefix.size() || object.key.back() == '/') continue;  // markers
    out.push_back(FileInfo{object.key.substr(prefix.size()), object.size, std::move(object.etag)});
  }
  if (out.empty() && !path.key.empty()) {
    return Status::NotFound(s3_url(path.bucket, path.key) +
                            " does not exist (no objects under it)");
  }
  return out;
}

Result<bool> S3FileSystem::exists(const std::string& url) {
  SPARKIFY_ASSIGN_OR_RETURN(S3Path path, parse_s3_url(url));
  S3Request head;
  head.method = "HEAD";
  head.bucket = path.bucket;
  head.key = path.key;
  SPARKIFY_ASSIGN_OR_RETURN(http::HttpResponse response, client_->send(head));
  if (response.status >= 200 && response.status < 300) return true;
  if (response.status == 404 || response.status == 403 || response.status == 400) {
    // HEAD answers carry no error document; a listing tells a missing object from a missing
    // bucket or bad credentials, and finds "folders" (non-empty prefixes).
    if (path.key.empty() && response.status == 404) return false;
    std::string prefix = path.key;
    if (!prefix.empty() && prefix.back() != '/') prefix.push_back('/');
    SPARKIFY_ASSIGN_OR_RETURN(auto objects, list_prefix(path.bucket, prefix, 1));
    if (response.status != 404) return client_->error_status(response, head);
    return !objects.empty();
  }
  return client_->error_status(response, head);
}

Result<Buffer> S3FileSystem::get_object(const S3Path& path, size_t padding,
                                        const std::atomic<bool>* cancel) {
  S3Request request;
  request.method = "GET";
  request.bucket = path.bucket;
  request.key = path.key;
  request.body_padding = padding;
  SPARKIFY_ASSIGN_OR_RETURN(http::HttpResponse response, client_->call(request, cancel));
  return std::move(response.body);
}

Result<Buffer> S3FileSystem::read(const std::string& url, size_t padding) {
  SPARKIFY_ASSIGN_OR_RETURN(S3Path path, parse_s3_url(url));
  if (path.key.empty()) return Status::Invalid(url + " names a bucket, not an object");
  return get_object(path, padding, nullptr);
}

Status S3FileSystem::read_many(const std::vector<std::string>& paths, size_t padding,
                               const std::function<Status(size_t, Buffer)>& on_file) {
  std::vector<S3Path> parsed;
  parsed.reserve(paths.size());
  for (const auto& url : paths) {
    SPARKIFY_ASSIGN_OR_RETURN(S3Path path, parse_s3_url(url));
    if (path.key.empty()) return Status::Invalid(url + " names a bucket, not an object");
    parsed.push_back(std::move(path));
  }
  std::mutex callback_mutex;
  int threads = static_cast<int>(std::min<size_t>(parsed.size(), max_connections_));
  return run_parallel(parsed.size(), threads, [&](size_t i, const std::atomic<bool>* cancel) {
    SPARKIFY_ASSIGN_OR_RETURN(Buffer buffer, get_object(parsed[i], padding, cancel));
    std::lock_guard<std::mutex> lock(callback_mutex);
    if (cancel->load()) return Status(ErrorCode::kCancelled, "read abandoned");
    return on_file(i, std::move(buffer));
  });
}

Status S3FileSystem::put_object(const S3Path& path, std::span<const uint8_t> data,
                                const std::atomic<bool>* cancel) {
  if (path.key.empty()) return Status::Invalid(s3_url(path.bucket, "") + " has no object key");
  if (data.size() > config_.multipart_threshold) return multipart_upload(path, data, cancel);
  S3Request request;
  request.method = "PUT";
  request.bucket = path.bucket;
  request.key = path.key;
  request.body = data;
  request.headers = {{"content-type", "application/octet-stream"}};
  return client_->call(request, cancel).status();
}

Status S3FileSystem::write(const std::string& url, std::span<const uint8_t> data) {
  SPARKIFY_ASSIGN_OR_RETURN(S3Path path, parse_s3_url(url));
  return put_object(path, data, nullptr);
}

Status S3FileSystem::multipart_upload(const S3Path& path, std::span<const uint8_t> data,
                                      const std::atomic<bool>* cancel) {
  SPARKIFY_ASSIGN_OR_RETURN(std::string upload_id, start_upload(path, cancel));
  auto etags = upload_parts(path, upload_id, data, cancel);
  Status status = etags.ok() ? complete_upload(path, upload_id, *etags, cancel) : etags.status();
  // The abort's own failure must not hide the one that caused it.
  if (!status.ok()) (void)abort_upload(path, upload_id);
  return status;
}

Result<PendingFile> S3FileSystem::stage_object(const S3Path& path, std::span<const uint8_t> data,
                                               const std::atomic<bool>* cancel) {
  if (path.key.empty()) return Status::Invalid(s3_url(path.bucket, "") + " has no object key");
  SPARKIFY_ASSIGN_OR_RETURN(std::string upload_id, start_upload(path, cancel));
  auto etags = upload_parts(path, upload_id, data, cancel);
  if (!etags.ok()) {
    (void)abort_upload(path, upload_id);
    return etags.status();
  }
  return PendingFile{s3_url(path.bucket, path.key), std::move(upload_id), std::move(*etags)};
}

Result<std::string> S3FileSystem::start_upload(const S3Path& path,
                                               const std::atomic<bool>* cancel) {
  S3Request create;
  create.method = "POST";
  create.bucket = path.bucket;
  create.key = path.key;
  create.query = {{"uploads", ""}};
  create.headers = {{"content-type", "application/octet-stream"}};
  SPARKIFY_ASSIGN_OR_RETURN(http::HttpResponse created, client_->call(create, cancel));
  std::string upload_id = xml_first(created.body.view(), "UploadId");
  if (upload_id.empty()) {
    return Status::Corrupt("S3 did not return an upload id for the multipart upload of " +
                           s3_url(path.bucket, path.key));
  }
  return upload_id;
}

Result<std::vector<std::string>> S3FileSystem::upload_parts(const S3Path& path,
                                                            const std::string& upload_id,
                                                            std::span<const uint8_t> data,
                                                            const std::atomic<bool>* cancel) {
  // An empty object is one empty part: S3 has no upload without parts.
  size_t parts = std::max<size_t>(1, (data.size() + config_.part_size - 1) / config_.part_size);
  std::vector<std::string> etags(parts);
  int threads =
      static_cast<int>(std::min<size_t>({parts, size_t{8}, static_cast<size_t>(max_connections_)}));
  SPARKIFY_RETURN_NOT_OK(run_parallel(parts, threads, [&](size_t i, const std::atomic<bool>* stop) {
    size_t offset = i * config_.part_size;
    S3Request part;
    part.method = "PUT";
    part.bucket = path.bucket;
    part.key = path.key;
    part.query = {{"partNumber", std::to_string(i + 1)}, {"uploadId", upload_id}};
    part.body = data.subspan(offset, std::min(config_.part_size, data.size() - offset));
    if (cancel && cancel->load()) return Status(ErrorCode::kCancelled, "upload abandoned");
    SPARKIFY_ASSIGN_OR_RETURN(http::HttpResponse response, client_->call(part, stop));
    etags[i] = response.header("etag");
    if (etags[i].empty()) {
      return Status::Corrupt("S3 returned no ETag for part " + std::to_string(i + 1) + " of " +
                             s3_url(path.bucket, path.key));
    }
    return Status::OK();
  }));
  return etags;
}

Status S3FileSystem::complete_upload(const S3Path& path, const std::string& upload_id,
                                     const std::vector<std::string>& etags,
                                     const std::atomic<bool>* cancel) {
  std::string body = complete_multipart_body(etags);
  S3Request complete;
  complete.method = "POST";
  complete.bucket = path.bucket;
  complete.key = path.key;
  complete.query = {{"uploadId", upload_id}};
  complete.headers = {{"content-type", "application/xml"}};
  complete.body = as_bytes(body);
  SPARKIFY_ASSIGN_OR_RETURN(http::HttpResponse response, client_->send(complete, cancel));
  S3ErrorDoc doc = parse_error(response.body.view());
  if (response.status == 404 && doc.code == "NoSuchUpload") {
    // A retry after a completion whose answer was lost finds the upload gone. The object's
    // name is unique to this run, so if it is there, it is this upload's.
    S3Request head;
    head.method = "HEAD";
    head.bucket = path.bucket;
    head.key = path.key;
    SPARKIFY_ASSIGN_OR_RETURN(http::HttpResponse found, client_->send(head, cancel));
    if (found.status >= 200 && found.status < 300) return Status::OK();
  }
  if (response.status < 200 || response.status >= 300) {
    return client_->error_status(response, complete);
  }
  // CompleteMultipartUpload can fail after answering 200: the error is in the body.
  if (!doc.code.empty()) {
    return Status::IoError("S3 could not complete the multipart upload of " +
                           s3_url(path.bucket, path.key) + ": " + doc.code + " (" + doc.message +
                           ")");
  }
  return Status::OK();
}

Status S3FileSystem::abort_upload(const S3Path& path, const std::string& upload_id) {
  S3Request abort;
  abort.method = "DELETE";
  abort.bucket = path.bucket;
  abort.key = path.key;
  abort.query = {{"uploadId", upload_id}};
  SPARKIFY_ASSIGN_OR_RETURN(http::HttpResponse response, client_->send(abort));
  if ((response.status >= 200 && response.status < 300) || response.status == 404) {
    return Status::OK();  // 404: completed or aborted already
  }
  return client_->error_status(response, abort);
}

Status S3FileSystem::delete_keys(const std::string& bucket, const std::vector<std::string>& keys) {
  size_t batches = (keys.size() + config_.delete_batch - 1) / config_.delete_batch;
  int threads = static_cast<int>(
      std::min<size_t>({batches, size_t{16}, static_cast<size_t>(max_connections_)}));
  return run_parallel(batches, threads, [&](size_t b, const std::atomic<bool>* cancel) {
    auto first = keys.begin() + static_cast<std::ptrdiff_t>(b * config_.delete_batch);
    auto last = keys.begin() +
                static_cast<std::ptrdiff_t>(std::min(keys.size(), (b + 1) * config_.delete_batch));
    std::string body = delete_objects_body(std::vector<std::string>(first, last));
    S3Request request;
    request.method = "POST";
    request.bucket = bucket;
    request.query = {{"delete", ""}};
    request.body = as_bytes(body);
    // S3 insists on an integrity header for DeleteObjects.
    request.headers = {{"content-md5", md5_base64(request.body)},
                       {"content-type", "application/xml"}};
    SPARKIFY_ASSIGN_OR_RETURN(http::HttpResponse response, client_->call(request, cancel));
    for (const auto& failure : parse_delete_result(response.body.view())) {
      if (failure.code == "NoSuchKey") continue;
      return Status::IoError("S3 could not delete " + s3_url(bucket, failure.key) + ": " +
                             failure.code +
                             (failure.message.empty() ? "" : " (" + failure.message + ")"));
    }
    return Status::OK();
  });
}

Status S3FileSystem::remove_files(const std::vector<std::string>& paths) {
  std::map<std::string, std::vector<std::string>> by_bucket;
  for (const auto& url : paths) {
    SPARKIFY_ASSIGN_OR_RETURN(S3Path path, parse_s3_url(url));
    if (path.key.empty()) return Status::Invalid(url + " names a bucket, not an object");
    by_bucket[path.bucket].push_back(std::move(path.key));
  }
  for (const auto& [bucket, keys] : by_bucket) {
    SPARKIFY_RETURN_NOT_OK(delete_keys(bucket, keys));
  }
  return Status::OK();
}

Status S3FileSystem::remove_all(const std::string& url) {
  SPARKIFY_ASSIGN_OR_RETURN(S3Path path, parse_s3_url(url));
  std::string prefix = path.key;
  if (!prefix.empty() && prefix.back() != '/') prefix.push_back('/');
  auto objects = list_tree(path.bucket, prefix);
  if (!objects.ok()) {
    if (objects.status().code() == ErrorCode::kNotFound) return Status::OK();
    return objects.status();
  }
  std::vector<std::string> keys;
  keys.reserve(objects->size() + 1);
  for (auto& object : *objects) keys.push_back(std::move(object.key));
  if (!path.key.empty() && path.key.back() != '/') keys.push_back(path.key);  // an object itself
  if (keys.empty()) return Status::OK();
  return delete_keys(path.bucket, keys);
}

std::unique_ptr<BatchWriter> S3FileSystem::batch_writer() {
  return std::make_unique<S3BatchWriter>(
      max_connections_, [this](const S3Path& path, const Buffer& data, const auto* cancel) {
        return put_object(path, data.bytes(), cancel);
      });
}

std::unique_ptr<BatchWriter> S3FileSystem::pending_writer(PendingFiles& pending) {
  return std::make_unique<S3BatchWriter>(
      max_connections_,
      [this, &pending](const S3Path& path, const Buffer& data, const auto* cancel) -> Status {
        SPARKIFY_ASSIGN_OR_RETURN(PendingFile file, stage_object(path, data.bytes(), cancel));
        pending.add(std::move(file));
        return Status::OK();
      });
}

Status S3FileSystem::complete_pending(const std::vector<PendingFile>& files) {
  std::vector<S3Path> paths;
  paths.reserve(files.size());
  for (const auto& file : files) {
    SPARKIFY_ASSIGN_OR_RETURN(S3Path path, parse_s3_url(file.path));
    paths.push_back(std::move(path));
  }
  int threads = static_cast<int>(std::min<size_t>(files.size(), max_connections_));
  return run_parallel(files.size(), threads, [&](size_t i, const std::atomic<bool>* cancel) {
    return complete_upload(paths[i], files[i].upload_id, files[i].etags, cancel);
  });
}

Status S3FileSystem::abort_pending(const std::vector<PendingFile>& files) {
  std::vector<S3Path> paths;
  paths.reserve(files.size());
  for (const auto& file : files) {
    SPARKIFY_ASSIGN_OR_RETURN(S3Path path, parse_s3_url(file.path));
    paths.push_back(std::move(path));
  }
  // Every abort is attempted, whatever the others do: each one left over is billed.
  std::mutex mutex;
  Status first;
  int threads = static_cast<int>(std::min<size_t>(files.size(), max_connections_));
  Status all = parallel_for(files.size(), threads, [&](size_t i, int) {
    Status status = abort_upload(paths[i], files[i].upload_id);
    if (!status.ok()) {
      std::lock_guard<std::mutex> lock(mutex);
      if (first.ok()) first = status;
    }
    return Status::OK();
  });
  return first.ok() ? all : first;
}

Result<std::vector<PendingFile>> S3FileSystem::list_pending(const std::string& root) {
  SPARKIFY_ASSIGN_OR_RETURN(S3Path path, parse_s3_url(root));
  std::string prefix = path.key;
  if (!prefix.empty() && prefix.back() != '/') prefix.push_back('/');
  std::vector<PendingFile> out;
  std::string key_marker, id_marker;
  while (true) {
    S3Request request;
    request.method = "GET";
    request.bucket = path.bucket;
    request.query = {{"uploads", ""}, {"prefix", prefix}};
    if (!key_marker.empty()) {
      request.query.emplace_back("key-marker", key_marker);
      request.query.emplace_back("upload-id-marker", id_marker);
    }
    SPARKIFY_ASSIGN_OR_RETURN(http::HttpResponse response, client_->call(request));
    auto page = parse_list_multipart_uploads(response.body.view());
    if (!page.ok()) {
      return page.status().with_context("listing pending uploads under " +
                                        s3_url(path.bucket, prefix));
    }
    for (auto& upload : page->uploads) {
      out.push_back(PendingFile{s3_url(path.bucket, upload.key), std::move(upload.upload_id), {}});
    }
    if (!page->truncated) return out;
    key_marker = std::move(page->next_key_marker);
    id_marker = std::move(page->next_upload_id_marker);
  }
}

}  // namespace sparkify::io::s3
