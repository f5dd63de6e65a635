#include "io/file_system.h"

#include "io/local/local_file_system.h"
#include "io/s3/s3_file_system.h"

namespace sparkify::io {

namespace {

class SyncBatchWriter final : public BatchWriter {
 public:
  explicit SyncBatchWriter(FileSystem* fs) : fs_(fs) {}
  Status write(std::string path, Buffer data) override { return fs_->write(path, data.bytes()); }
  Status finish() override { return Status::OK(); }

 private:
  FileSystem* fs_;
};

class UnsupportedBatchWriter final : public BatchWriter {
 public:
  explicit UnsupportedBatchWriter(Status why) : why_(std::move(why)) {}
  Status write(std::string, Buffer) override { return why_; }
  Status finish() override { return Status::OK(); }

 private:
  Status why_;
};

}  // namespace

Status FileSystem::read_many(const std::vector<std::string>& paths, size_t padding,
                             const std::function<Status(size_t, Buffer)>& on_file) {
  for (size_t i = 0; i < paths.size(); ++i) {
    SPARKIFY_ASSIGN_OR_RETURN(Buffer buffer, read(paths[i], padding));
    SPARKIFY_RETURN_NOT_OK(on_file(i, std::move(buffer)));
  }
  return Status::OK();
}

Status FileSystem::read_into(const std::string& path, size_t padding, Buffer& buffer) {
  SPARKIFY_ASSIGN_OR_RETURN(buffer, read(path, padding));
  return Status::OK();
}

Status FileSystem::read_listed(const std::string& path, uint64_t, size_t padding, Buffer& buffer) {
  return read_into(path, padding, buffer);
}

Status FileSystem::read_range(const std::string& path, uint64_t, size_t, Buffer&, size_t,
                              const std::string&) {
  return Status::NotSupported(kind() + " storage cannot read part of a file (" + path + ")");
}

std::unique_ptr<BatchWriter> FileSystem::batch_writer() {
  return std::make_unique<SyncBatchWriter>(this);
}

std::unique_ptr<BatchWriter> FileSystem::pending_writer(PendingFiles&) {
  return std::make_unique<UnsupportedBatchWriter>(
      Status::NotSupported(kind() + " storage cannot hold files back until commit"));
}

Status FileSystem::complete_pending(const std::vector<PendingFile>& files) {
  if (files.empty()) return Status::OK();
  return Status::NotSupported(kind() + " storage has no pending files");
}

Status FileSystem::abort_pending(const std::vector<PendingFile>& files) {
  return complete_pending(files);
}

Result<std::vector<PendingFile>> FileSystem::list_pending(const std::string&) {
  return std::vector<PendingFile>();
}

Result<FileInfo> FileSystem::stat(const std::string& path) {
  return Status::NotSupported(kind() + " storage cannot stat " + path);
}

Status FileSystem::rename_file(const std::string&, const std::string&) {
  return Status::NotSupported(kind() + " storage cannot rename files");
}

Status FileSystem::link_file(const std::string&, const std::string&) {
  return Status::NotSupported(kind() + " storage cannot link files");
}

Status FileSystem::rename_dir(const std::string&, const std::string&) {
  return Status::NotSupported(kind() + " storage cannot rename folders");
}

Status FileSystem::exchange_dir(const std::string&, const std::string&) {
  return Status::NotSupported(kind() + " storage cannot exchange folders");
}

Result<std::unique_ptr<DirectoryLock>> FileSystem::lock_directory(const std::string&) {
  return std::unique_ptr<DirectoryLock>();
}

std::string FileSystem::join(const std::string& dir, const std::string& rel) {
  if (dir.empty()) return rel;
  if (rel.empty()) return dir;
  bool dir_slash = dir.back() == '/';
  bool rel_slash = rel.front() == '/';
  if (dir_slash && rel_slash) return dir + rel.substr(1);
  if (dir_slash || rel_slash) return dir + rel;
  return dir + "/" + rel;
}

bool is_s3_url(const std::string& url) {
  return url.rfind("s3://", 0) == 0 || url.rfind("s3a://", 0) == 0;
}

Result<std::shared_ptr<FileSystem>> make_file_system(const std::string& url,
                                                     const FileSystemOptions& options) {
  if (is_s3_url(url)) {
    SPARKIFY_ASSIGN_OR_RETURN(auto parsed, s3::parse_s3_url(url));
    (void)parsed;  // reject a malformed URL here, with the URL in the message
    SPARKIFY_ASSIGN_OR_RETURN(auto fs, s3::S3FileSystem::Make(options));
    return std::shared_ptr<FileSystem>(std::move(fs));
  }
  return std::shared_ptr<FileSystem>(std::make_shared<LocalFileSystem>(options.threads));
}

}  // namespace sparkify::io
