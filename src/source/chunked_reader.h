// Reads a log file in bounded chunks that end at a line break, so a file of any size is parsed
// with one chunk per worker in memory. Each chunk carries the line number and byte offset of its
// first byte in the whole (decompressed) file, so rejects name the same place a whole-file read
// would; a line longer than the chunk size grows the chunk until the line is whole, up to
// kMaxLineBytes: a longer line is read to its end without being held, and handed out as its
// first bytes alone, marked, for the caller to reject (memory stays bounded whatever the line's
// length, as it does whatever the file's). Records other than lines (a song file's JSON
// documents) are cut the same way, by rules the caller gives (Records). Local files
// stream through read(); other stores (S3) by ranged reads of the chunk size, the next range
// fetched while this chunk is parsed; gzip inflates through zlib over either.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "common/buffer.h"
#include "common/result.h"
#include "io/file_system.h"
#include "source/discovery.h"

namespace sparkify::source {

/// The largest chunk handed out, whatever `chunk_bytes` a caller gives (which also sizes the
/// read-ahead of a store read by ranges): small enough to stay in a core's L2 cache from the
/// read to the parse.
inline constexpr size_t kParseChunkBytes = size_t{256} << 10;

/// The longest line handed out whole: 1 MiB, some 2000 times a log event's length. The lake must
/// not depend on --memory-limit, so this does not either; a worker holds a few such lines at
/// most, well inside the least memory a worker is planned.
inline constexpr size_t kMaxLineBytes = size_t{1} << 20;

/// The first bytes of a record longer than kMaxLineBytes that its chunk keeps (for its reject):
/// as much as a reject keeps of any record (model::kRejectRawBytes; exec/ checks they agree, as
/// source/ does not depend on model/).
inline constexpr size_t kLongRecordKept = size_t{64} << 10;

struct Chunk {
  const Buffer& data;     ///< whole lines (the last may lack its '\n' at end of file), padded
  uint32_t index;         ///< 0, 1, 2 … within the file
  uint64_t first_line;    ///< lines before this chunk (add to the chunk's 1-based line numbers)
  uint64_t first_offset;  ///< bytes before this chunk (after a byte-order mark)
  /// Not 0: `data` is only the first bytes of one record (line) this long, longer than
  /// kMaxLineBytes; the rest was read and dropped. What ends it (a line break) starts the next.
  uint64_t long_record = 0;

  /// The file's bytes this chunk stands for: data.size(), or a long record's length.
  uint64_t file_bytes() const { return long_record ? long_record : data.size(); }
};

/// Where a record that may be too long to hold ends, found from its start, fed in pieces.
class RecordEnd {
 public:
  virtual ~RecordEnd() = default;
  /// The offset in `piece` where the record ends (what follows is not part of it), or npos when
  /// it goes on past `piece`.
  virtual size_t feed(std::string_view piece) = 0;
};

/// What a file's chunks are cut into: log lines (the default), or another kind of record that a
/// caller defines (song files: whole JSON documents).
class Records {
 public:
  virtual ~Records() = default;
  /// The length of the longest prefix of `text` made of whole records, when the file may go on
  /// after it (0: none is whole yet).
  virtual size_t whole(std::string_view text) const = 0;
  /// A scan for the end of a record that starts at the next byte fed to it.
  virtual std::unique_ptr<RecordEnd> end_scanner() const = 0;
};

/// Calls `on_chunk` for each chunk of `file`, in order; stops at the first error.
Status for_each_chunk(io::FileSystem& fs, const InputFile& file, size_t chunk_bytes,
                      const std::function<Status(const Chunk&)>& on_chunk);

/// The same, with up to `requests` ranged reads in flight for a store that is not local (the
/// next chunk's bytes, cut in pieces); at most about one chunk is read ahead.
Status for_each_chunk(io::FileSystem& fs, const InputFile& file, size_t chunk_bytes, int requests,
                      const std::function<Status(const Chunk&)>& on_chunk);

/// The same with chunks of whole `records`, the longest held whole kMaxLineBytes.
Status for_each_chunk(io::FileSystem& fs, const InputFile& file, size_t chunk_bytes, int requests,
                      const Records& records, const std::function<Status(const Chunk&)>& on_chunk);

/// The same for a file already read whole into `bytes` (e.g. fetched ahead: prefetch.h).
Status for_each_chunk(const InputFile& file, Buffer bytes, size_t chunk_bytes,
                      const std::function<Status(const Chunk&)>& on_chunk);

}  // namespace sparkify::source
