// SongParser and EventParser: simdjson on-demand parsing of song files (one or more JSON objects
// separated by whitespace) and NDJSON event logs into typed records, with every bad record turned
// into a RejectRecord naming its position and the reason (SPEC §2, §5). Each worker thread owns
// one of each and reuses it for every file, so the parser's buffers are allocated once.
//
// The parsing code is compiled for several x86-64 instruction sets (simdjson's kernels: icelake
// = AVX-512, haswell = AVX2, westmere = SSE4.2, fallback = none) and the best one this CPU runs
// is chosen at run time; parse_kernel_name() says which.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/buffer.h"
#include "common/result.h"
#include "model/records.h"
#include "model/string_arena.h"

namespace sparkify::parse {

/// Counts for the progress display and the run report.
struct ParseStats {
  uint64_t records = 0;   ///< JSON documents / non-blank lines seen
  uint64_t accepted = 0;  ///< records handed on (songs; NextSong events)
  uint64_t rejected = 0;

  ParseStats& operator+=(const ParseStats& other) {
    records += other.records;
    accepted += other.accepted;
    rejected += other.rejected;
    return *this;
  }
};

/// The kernel parsers made from now on use: simdjson's name for its instruction set.
const char* parse_kernel_name();

/// The kernels compiled into this program that this CPU can run, best first.
std::vector<std::string> supported_parse_kernels();

/// Makes parsers created afterwards use the kernel `name` (one of supported_parse_kernels(), or
/// "auto" for the best). Also points simdjson's own run-time dispatch (its stage 1) at the same
/// instruction set. Not thread-safe: call it before any parsing starts.
Status set_parse_kernel(std::string_view name);

/// Sets `reject.raw` to the first bytes of a record `record_bytes` long, `start` (at least as
/// many as a reject keeps): all of it when it fits kRejectRawBytes, else a cut there, moved back
/// to the start of a UTF-8 character it would split (so UTF-8 text stays text), and the reason
/// then says how much was kept.
void keep_raw(model::RejectRecord& reject, std::string_view start, uint64_t record_bytes);

/// The reject of a record (`kind`: a log "line", a song file's "document") `length` bytes long,
/// more than `max_length` (the longest a reader holds whole), of which `start` is the first
/// bytes; `line` is 1-based.
model::RejectRecord long_record_reject(std::string_view source, std::string_view kind,
                                       uint64_t line, uint64_t offset, uint64_t length,
                                       uint64_t max_length, std::string_view start);

class SongParser {
 public:
  SongParser();
  ~SongParser();
  SongParser(SongParser&&) noexcept;
  SongParser& operator=(SongParser&&) noexcept;

  /// Parses one song file held in `data` (which must carry simdjson padding). Accepted records
  /// are appended to `out` with their strings copied into `arena`.
  void parse_file(std::string_view source, const Buffer& data, model::StringArena& arena,
                  std::vector<model::SongRecord>& out, std::vector<model::RejectRecord>& rejects,
                  ParseStats& stats);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// How EventParser runs simdjson over a file's lines.
enum class LineBatching {
  /// A window of lines (~256 KB) at a time through one stage-1 pass (simdjson's iterate_many),
  /// a line taken when it is one whole document; any line it cannot vouch for, from the first
  /// on, is parsed on its own. Faster; the results are the same.
  kWindows,
  /// Each line on its own: the reference the windows must match (the tests compare them).
  kNone,
};

class EventParser {
 public:
  explicit EventParser(LineBatching batching = LineBatching::kWindows);
  ~EventParser();
  EventParser(EventParser&&) noexcept;
  EventParser& operator=(EventParser&&) noexcept;

  /// Parses one NDJSON log file; NextSong events go to `sink`, other valid events are counted
  /// and dropped, bad lines become rejects.
  void parse_file(std::string_view source, const Buffer& data, model::EventSink& sink,
                  std::vector<model::RejectRecord>& rejects, ParseStats& stats);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sparkify::parse
