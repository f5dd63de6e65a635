#include "source/chunked_reader.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <future>
#include <memory>
#include <string>
#include <system_error>

#include "source/reader.h"  // kParserPadding

namespace sparkify::source {

namespace {

// A byte stream over one input: a local file, an object read by ranges, or gzip over either.
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

// A file already read whole (fetched ahead).
class MemoryStream final : public ByteStream {
 public:
  explicit MemoryStream(Buffer bytes) : bytes_(std::move(bytes)) {}
  Result<size_t> read(uint8_t* out, size_t size) override {
    size_t n = std::min(size, bytes_.size() - pos_);
    if (n) std::memcpy(out, bytes_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  Buffer bytes_;
  size_t pos_ = 0;
};

// Reads a file of another store (S3) by ranges: a window of one chunk ahead of what has been
// handed out is always requested, cut into up to `requests` pieces fetched at once, so the next
// chunk arrives while this one is parsed and memory stays about two chunks whatever the file's
// size. A piece that comes back short is the end of the file.
class RangeStream final : public ByteStream {
 public:
  RangeStream(io::FileSystem& fs, const InputFile& file, size_t window, int requests)
      : fs_(fs), path_(file.path), version_(file.version), listed_size_(file.size) {
    size_t n = static_cast<size_t>(std::clamp(requests, 1, kMaxRequests));
    // Pieces of at least 256 KiB: below that the requests cost more than they bring.
    piece_ = std::max<size_t>((window + n - 1) / n, std::min<size_t>(window, 256u << 10));
    window_ = std::max(window, piece_);
  }
  ~RangeStream() override {
    // Pieces still in flight read into buffers this object owns: wait for them.
    for (auto& p : ahead_) {
      if (p.result.valid()) p.result.wait();
    }
  }

  Result<size_t> read(uint8_t* out, size_t size) override {
    while (pos_ == current_.size()) {
      if (ahead_.empty()) {
        if (end_) return size_t{0};
        request_ahead();
        if (ahead_.empty()) return size_t{0};
      }
      Piece piece = std::move(ahead_.front());
      ahead_.pop_front();
      SPARKIFY_RETURN_NOT_OK(piece.result.get());
      current_ = std::move(*piece.data);
      pos_ = 0;
      if (current_.size() < piece.length) {
        // The end: pieces requested after this one find nothing (416) — let them finish unread.
        end_ = true;
        for (auto& p : ahead_) p.result.wait();
        ahead_.clear();
      } else {
        // Bytes past the size the listing gave: the object grew since. Read on to its end, as a
        // whole read would.
        if (piece.offset + piece.length > listed_size_) listed_size_ = 0;
        request_ahead();
      }
    }
    size_t n = std::min(size, current_.size() - pos_);
    std::memcpy(out, current_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  static constexpr int kMaxRequests = 4;
  struct Piece {
    uint64_t offset = 0;
    size_t length = 0;
    std::unique_ptr<Buffer> data;  // stable address for the fetching thread
    std::future<Status> result;
  };

  // Requests pieces until a window's worth is in flight. The listing's size (when it gave one)
  // stops requests one piece past it: that last request confirms the end, or finds that the
  // object grew (then the size is forgotten and pieces go on until one comes back short).
  void request_ahead() {
    size_t in_flight = 0;
    for (const auto& p : ahead_) in_flight += p.length;
    while (in_flight < window_ && !(listed_size_ > 0 && next_ > listed_size_)) {
      Piece p;
      p.offset = next_;
      p.length = piece_;
      p.data = std::make_unique<Buffer>();
      Buffer* into = p.data.get();
      io::FileSystem* fs = &fs_;
      const std::string* path = &path_;
      const std::string* version = &version_;
      uint64_t offset = p.offset;
      size_t length = p.length;
      auto fetch = [fs, path, version, offset, length, into] {
        return fs->read_range(*path, offset, length, *into, 0, *version);
      };
      try {
        p.result = std::async(std::launch::async, fetch);
      } catch (const std::system_error&) {
        p.result = std::async(std::launch::deferred, fetch);  // no thread to spare: read at get()
      }
      next_ += piece_;
      in_flight += piece_;
      ahead_.push_back(std::move(p));
    }
  }

  io::FileSystem& fs_;
  std::string path_;
  std::string version_;  // the listing's (S3: its ETag): every piece comes from that version
  uint64_t listed_size_;
  size_t piece_ = 0, window_ = 0;
  uint64_t next_ = 0;  // the first byte not yet requested
  bool end_ = false;
  Buffer current_;
  size_t pos_ = 0;
  std::deque<Piece> ahead_;  // requested, in file order; destroyed first (declared last)
};

std::unique_ptr<ByteStream> maybe_gunzip(std::unique_ptr<ByteStream> raw, const InputFile& file) {
  if (!file.gzip) return raw;
  return std::make_unique<GzipStream>(std::move(raw), file.relative);
}

Result<std::unique_ptr<ByteStream>> open_stream(io::FileSystem& fs, const InputFile& file,
                                                size_t chunk_bytes, int requests) {
  std::unique_ptr<ByteStream> raw;
  if (fs.kind() == "local") {
    int fd = ::open(file.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return Status::IoError("cannot read " + file.path + ": " + std::strerror(errno));
    }
    raw = std::make_unique<PlainFileStream>(fd, file.path);
  } else {
    raw = std::make_unique<RangeStream>(fs, file, chunk_bytes, requests);
  }
  return maybe_gunzip(std::move(raw), file);
}

// The line breaks in [p, p + n). memchr jumps from one to the next (a log line is ~450 bytes);
// std::count widened every byte to a 64-bit sum, 8% of a one-thread log stage.
uint64_t count_lines(const uint8_t* p, size_t n) {
  const uint8_t* end = p + n;
  uint64_t lines = 0;
  while ((p = static_cast<const uint8_t*>(std::memchr(p, '\n', static_cast<size_t>(end - p))))) {
    ++lines;
    ++p;
  }
  return lines;
}

std::string_view text_of(const uint8_t* p, size_t n) {
  return {reinterpret_cast<const char*>(p), n};
}

// Cuts what `stream` reads into chunks of whole records (see chunked_reader.h). Bytes are read
// straight into the chunk handed out; only the record a chunk cuts off is copied, to the start of
// the next one.
Status chunks_of(ByteStream& stream, const InputFile& file, size_t chunk_bytes,
                 const Records& records, const std::function<Status(const Chunk&)>& on_chunk) {
  // Chunks no bigger than a core's L2 cache: the bytes are read, split into lines and parsed
  // while they are still in it. Larger chunks (the memory plan's are megabytes) went out to
  // memory between the read and the parse, and two workers then waited on it together.
  chunk_bytes = std::min(chunk_bytes, kParseChunkBytes);
  bool strip_bom = true;
  // A plain file no bigger than a chunk is read in one go into a buffer of its size (+1 to see
  // its end); a file that turns out bigger than listed is still read to its end.
  size_t first_target = chunk_bytes;
  if (!file.gzip && file.size > 0 && file.size < chunk_bytes) {
    first_target = static_cast<size_t>(file.size) + 1;
  }
  Buffer block;     // [0, held): read and not yet handed out
  size_t held = 0;  // (uninitialized past it: every byte is read into before it is used)
  std::string cut;  // the partial record after a chunk, while the chunk's padding covers it
  uint32_t index = 0;
  uint64_t line = 0, offset = 0;
  bool eof = false;
  while (!eof || held > 0) {
    // Fill up to the chunk size, and beyond it while no record is whole (one longer than the
    // chunk), up to one byte past the longest record kept whole.
    size_t target = std::max(index == 0 ? first_target : chunk_bytes, held + 4096);
    // Never past one byte beyond the longest record held whole while none is whole yet (bytes
    // held after a byte-order mark was dropped could otherwise read a record's end past it).
    if (held <= kMaxLineBytes) target = std::min(target, kMaxLineBytes + 1);
    while (!eof && held < target) {
      block.resize(target, kParserPadding);  // keeps the bytes held
      SPARKIFY_ASSIGN_OR_RETURN(size_t n, stream.read(block.data() + held, target - held));
      held += n;
      eof = n == 0;
      if (held == target && held <= kMaxLineBytes &&
          records.whole(text_of(block.data(), held)) == 0) {
        target = std::min(target * 2, kMaxLineBytes + 1);
      }
    }
    uint8_t* bytes = block.data();
    if (strip_bom) {
      strip_bom = false;
      if (held >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF) {
        std::memmove(bytes, bytes + 3, held - 3);
        held -= 3;
      }
    }
    if (held == 0) break;
    size_t whole = records.whole(text_of(bytes, held));
    if (whole == 0 && held > kMaxLineBytes) {
      // A record too long to hold: keep its start, read on to its end dropping the rest. What
      // follows it (a line break, for a line) starts the next chunk.
      auto scan = records.end_scanner();
      size_t in_held = scan->feed(text_of(bytes, held));  // npos: none of it is whole
      uint64_t length = held;
      uint64_t lines = count_lines(bytes, held);
      size_t kept = std::min(held, kLongRecordKept);
      held = 0;
      while (!eof && in_held == std::string_view::npos) {
        block.resize(kept + chunk_bytes, kParserPadding);
        uint8_t* into = block.data() + kept;
        SPARKIFY_ASSIGN_OR_RETURN(size_t n, stream.read(into, chunk_bytes));
        eof = n == 0;
        size_t in_piece = scan->feed(text_of(into, n));
        size_t used = in_piece == std::string_view::npos ? n : in_piece;
        length += used;
        lines += count_lines(into, used);
        if (in_piece != std::string_view::npos) {
          cut.assign(reinterpret_cast<const char*>(into) + used, n - used);
          held = cut.size();
          break;
        }
      }
      block.resize(kept, kParserPadding);
      SPARKIFY_RETURN_NOT_OK(on_chunk(Chunk{block, index++, line, offset, length}));
      line += lines;
      offset += length;
      block.resize(held, kParserPadding);
      if (held) std::memcpy(block.data(), cut.data(), held);
      continue;
    }
    size_t end = eof ? held : whole;
    if (end == 0) continue;  // no whole record yet: read more (target doubled above)
    cut.assign(reinterpret_cast<const char*>(bytes) + end, held - end);
    block.resize(end, kParserPadding);  // the padding is zeroed over the cut record
    SPARKIFY_RETURN_NOT_OK(on_chunk(Chunk{block, index++, line, offset}));
    line += count_lines(block.data(), end);
    offset += end;
    held = cut.size();
    block.resize(held, kParserPadding);
    if (held) std::memcpy(block.data(), cut.data(), held);
  }
  return Status::OK();
}

// Log lines: a chunk is cut after its last line break; a line ends before its break.
class LineRecords final : public Records {
 public:
  size_t whole(std::string_view text) const override {
    const void* last = memrchr(text.data(), '\n', text.size());
    return last ? static_cast<size_t>(static_cast<const char*>(last) - text.data()) + 1 : 0;
  }
  std::unique_ptr<RecordEnd> end_scanner() const override {
    struct LineEnd final : RecordEnd {
      size_t feed(std::string_view piece) override { return piece.find('\n'); }
    };
    return std::make_unique<LineEnd>();
  }
};

const LineRecords kLines;

}  // namespace

Status for_each_chunk(io::FileSystem& fs, const InputFile& file, size_t chunk_bytes,
                      const std::function<Status(const Chunk&)>& on_chunk) {
  return for_each_chunk(fs, file, chunk_bytes, 1, on_chunk);
}

Status for_each_chunk(io::FileSystem& fs, const InputFile& file, size_t chunk_bytes, int requests,
                      const std::function<Status(const Chunk&)>& on_chunk) {
  return for_each_chunk(fs, file, chunk_bytes, requests, kLines, on_chunk);
}

Status for_each_chunk(io::FileSystem& fs, const InputFile& file, size_t chunk_bytes, int requests,
                      const Records& records, const std::function<Status(const Chunk&)>& on_chunk) {
  chunk_bytes = std::max<size_t>(chunk_bytes, 4096);
  SPARKIFY_ASSIGN_OR_RETURN(auto stream, open_stream(fs, file, chunk_bytes, requests));
  return chunks_of(*stream, file, chunk_bytes, records, on_chunk);
}

Status for_each_chunk(const InputFile& file, Buffer bytes, size_t chunk_bytes,
                      const std::function<Status(const Chunk&)>& on_chunk) {
  chunk_bytes = std::max<size_t>(chunk_bytes, 4096);
  auto stream = maybe_gunzip(std::make_unique<MemoryStream>(std::move(bytes)), file);
  return chunks_of(*stream, file, chunk_bytes, kLines, on_chunk);
}

}  // namespace sparkify::source
