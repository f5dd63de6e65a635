#include "source/chunked_reader.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include "source/reader.h"

namespace sparkify::source {

namespace {

// Leaves new elements uninitialized on resize (the reader writes them before any use).
template <typename T>
struct UninitializedAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };
  UninitializedAllocator() = default;
  template <typename U>
  UninitializedAllocator(const UninitializedAllocator<U>&) noexcept {}
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

// A byte stream over one input: plain file, gzip file, or a whole buffer already in memory.
class ByteStream {
 public:
  virtual ~ByteStream() = default;
  /// Reads up to `size` bytes; 0 at the end.
  virtual Result<size_t> read(uint8_t* out, size_t size) = 0;
};

class PlainFileStream final : public ByteStream {
 public:
  PlainFileStream(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  ~PlainFileStream() override { ::close(fd_); }
  Result<size_t> read(uint8_t* out, size_t size) override {
    for (;;) {
      ssize_t n = ::read(fd_, out, size);
      if (n >= 0) return static_cast<size_t>(n);
      if (errno == EINTR) continue;
      return Status::IoError("cannot read " + name_ + ": " + std::strerror(errno));
    }
  }

 private:
  int fd_;
  std::string name_;
};

// Inflates gzip (several concatenated members are one file, as gzip -d treats them).
class GzipStream final : public ByteStream {
 public:
  GzipStream(std::unique_ptr<ByteStream> raw, std::string name)
      : raw_(std::move(raw)), name_(std::move(name)), in_(1 << 16) {}
  ~GzipStream() override {
    if (initialized_) inflateEnd(&zs_);
  }
  Result<size_t> read(uint8_t* out, size_t size) override {
    if (!initialized_) {
      if (inflateInit2(&zs_, 15 + 32) != Z_OK) return Status::Internal("zlib init failed");
      initialized_ = true;
    }
    zs_.next_out = out;
    zs_.avail_out = static_cast<uInt>(std::min<size_t>(size, 1u << 30));
    while (zs_.avail_out == static_cast<uInt>(std::min<size_t>(size, 1u << 30)) && !done_) {
      if (zs_.avail_in == 0 && !raw_eof_) {
        SPARKIFY_ASSIGN_OR_RETURN(size_t n, raw_->read(in_.data(), in_.size()));
        raw_eof_ = n == 0;
        zs_.next_in = in_.data();
        zs_.avail_in = static_cast<uInt>(n);
      }
      if (zs_.avail_in == 0 && raw_eof_) {
        if (!member_done_) return corrupt("truncated");
        done_ = true;
        break;
      }
      member_done_ = false;
      int rc = inflate(&zs_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        member_done_ = true;
        if (inflateReset(&zs_) != Z_OK) return corrupt("reset failed");
        continue;
      }
      if (rc != Z_OK && rc != Z_BUF_ERROR) return corrupt(zs_.msg ? zs_.msg : "bad data");
    }
    return size_t{static_cast<size_t>(zs_.next_out - out)};
  }

 private:
  Status corrupt(const std::string& why) {
    return Status::Corrupt("cannot read " + name_ + ": not a valid gzip file (" + why + ")");
  }

  std::unique_ptr<ByteStream> raw_;
  std::string name_;
  std::vector<uint8_t> in_;
  z_stream zs_{};
  bool initialized_ = false, raw_eof_ = false, done_ = false;
  bool member_done_ = false;  // an empty .gz file is not a valid gzip file
};

class MemoryStream final : public ByteStream {
 public:
  explicit MemoryStream(Buffer data) : data_(std::move(data)) {}
  Result<size_t> read(uint8_t* out, size_t size) override {
    size_t n = std::min(size, data_.size() - pos_);
    if (n) std::memcpy(out, data_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  Buffer data_;
  size_t pos_ = 0;
};

Result<std::unique_ptr<ByteStream>> open_stream(io::FileSystem& fs, const InputFile& file) {
  if (fs.kind() == "local") {
    int fd = ::open(file.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return Status::IoError("cannot read " + file.path + ": " + std::strerror(errno));
    }
    std::unique_ptr<ByteStream> plain = std::make_unique<PlainFileStream>(fd, file.path);
    if (!file.gzip) return plain;
    return std::unique_ptr<ByteStream>(
        std::make_unique<GzipStream>(std::move(plain), file.relative));
  }
  // Other stores are read whole (one object per request) and then cut like a local file.
  Buffer whole;
  SPARKIFY_RETURN_NOT_OK(read_input(fs, file, whole));
  return std::unique_ptr<ByteStream>(std::make_unique<MemoryStream>(std::move(whole)));
}

}  // namespace

Status for_each_chunk(io::FileSystem& fs, const InputFile& file, size_t chunk_bytes,
                      const std::function<Status(const Chunk&)>& on_chunk) {
  chunk_bytes = std::max<size_t>(chunk_bytes, 4096);
  SPARKIFY_ASSIGN_OR_RETURN(auto stream, open_stream(fs, file));
  // A local stream still needs its byte-order mark dropped; read_input did that for the rest.
  bool strip_bom = fs.kind() == "local";
  // Bytes read but not yet handed out (a partial line). Grown without zeroing: every byte is
  // read into before it is used, and zeroing a 16 MB chunk buffer per small file was most of the
  // time spent on a folder of small day files.
  std::vector<uint8_t, UninitializedAllocator<uint8_t>> pending;
  // A plain file no bigger than a chunk is read in one go into a buffer of its size (+1 to see
  // its end); a file that turns out bigger than listed is still read to its end.
  size_t first_target = chunk_bytes;
  if (!file.gzip && file.size > 0 && file.size < chunk_bytes) {
    first_target = static_cast<size_t>(file.size) + 1;
  }
  pending.reserve(first_target);
  Buffer block;
  uint32_t index = 0;
  uint64_t line = 0, offset = 0;
  bool eof = false;
  while (!eof || !pending.empty()) {
    // Fill up to the chunk size, and beyond it while no line break has been seen.
    size_t target = std::max(index == 0 ? first_target : chunk_bytes, pending.size() + 4096);
    while (!eof && pending.size() < target) {
      size_t old = pending.size();
      pending.resize(target);
      SPARKIFY_ASSIGN_OR_RETURN(size_t n, stream->read(pending.data() + old, target - old));
      pending.resize(old + n);
      eof = n == 0;
      if (pending.size() == target &&
          std::memchr(pending.data(), '\n', pending.size()) == nullptr) {
        target *= 2;  // one line longer than the chunk: keep it whole
      }
    }
    if (strip_bom) {
      strip_bom = false;
      if (pending.size() >= 3 && pending[0] == 0xEF && pending[1] == 0xBB && pending[2] == 0xBF) {
        pending.erase(pending.begin(), pending.begin() + 3);
      }
    }
    if (pending.empty()) break;
    size_t end = pending.size();
    if (!eof) {
      const auto* last = static_cast<const uint8_t*>(memrchr(pending.data(), '\n', pending.size()));
      if (last == nullptr) continue;  // no line break yet: read more (target doubled above)
      end = static_cast<size_t>(last - pending.data()) + 1;
    }
    block.resize_for_overwrite(end, kParserPadding);
    std::memcpy(block.data(), pending.data(), end);
    SPARKIFY_RETURN_NOT_OK(on_chunk(Chunk{block, index++, line, offset}));
    line += static_cast<uint64_t>(std::count(pending.begin(), pending.begin() + end, '\n'));
    offset += end;
    pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(end));
  }
  return Status::OK();
}

}  // namespace sparkify::source
