#include "source/reader.h"

#include <zlib.h>

#include <cstring>

namespace sparkify::source {

namespace {

// Decompressed files larger than this are refused rather than risking memory exhaustion on a
// gzip bomb; a daily log is far smaller.
constexpr size_t kMaxInflatedBytes = size_t{16} << 30;

Result<Buffer> gunzip(const InputFile& file, const Buffer& raw) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK) return Status::Internal("zlib init failed");
  size_t capacity = std::max<size_t>(raw.size() * 4, 4096);
  Buffer out = Buffer::Allocate(capacity, kParserPadding);
  size_t produced = 0;
  zs.next_in = const_cast<Bytef*>(raw.data());
  zs.avail_in = static_cast<uInt>(raw.size());
  int rc = Z_OK;
  while (true) {
    if (produced == capacity) {
      if (capacity >= kMaxInflatedBytes) {
        inflateEnd(&zs);
        return Status::Corrupt("cannot read " + file.relative +
                               ": decompresses to more than 16 GiB");
      }
      size_t grown = capacity * 2;
      Buffer bigger = Buffer::Allocate(grown, kParserPadding);
      std::memcpy(bigger.data(), out.data(), produced);
      out = std::move(bigger);
      capacity = grown;
    }
    zs.next_out = out.data() + produced;
    zs.avail_out = static_cast<uInt>(std::min<size_t>(capacity - produced, 1u << 30));
    size_t before = zs.avail_out;
    rc = inflate(&zs, Z_NO_FLUSH);
    produced += before - zs.avail_out;
    if (rc == Z_STREAM_END) {
      // Concatenated gzip members are one file (as `cat a.gz b.gz` and gzip -d treat them).
      if (zs.avail_in == 0) break;
      if (inflateReset(&zs) != Z_OK) break;
      continue;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) break;
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) break;  // truncated stream
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    return Status::Corrupt("cannot read " + file.relative + ": not a valid gzip file (" +
                           (zs.msg ? std::string(zs.msg) : std::string("truncated")) + ")");
  }
  out.truncate(produced);
  return out;
}

}  // namespace

Status prepare_input(const InputFile& file, Buffer& data) {
  if (file.gzip) {
    SPARKIFY_ASSIGN_OR_RETURN(Buffer inflated, gunzip(file, data));
    data = std::move(inflated);
  }
  if (data.size() >= 3 && data.data()[0] == 0xEF && data.data()[1] == 0xBB &&
      data.data()[2] == 0xBF) {
    // Rare, but some editors add it; JSON forbids it. Shift rather than special-case offsets.
    std::memmove(data.data(), data.data() + 3, data.size() - 3);
    data.truncate(data.size() - 3);
  }
  return Status::OK();
}

Status read_input(io::FileSystem& fs, const InputFile& file, Buffer& buffer) {
  // A detailed listing (the one that gives versions) gave the size too.
  SPARKIFY_RETURN_NOT_OK(file.version.empty()
                             ? fs.read_into(file.path, kParserPadding, buffer)
                             : fs.read_listed(file.path, file.size, kParserPadding, buffer));
  return prepare_input(file, buffer);
}

}  // namespace sparkify::source
