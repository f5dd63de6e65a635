// The parsing kernel: song files and NDJSON event logs through simdjson On-Demand, compiled once
// per instruction set (see parse_kernel.h); SPARKIFY_PARSE_KERNEL_NS names this copy's namespace.
#include <cstdint>
#include <cstring>
#include <optional>

#include "common/percent_coding.h"
#include "parse/document_splitter.h"
#include "parse/parse_kernel.h"
#include "parse/value_reader.h"

#define SPARKIFY_STRINGIFY2(x) #x
#define SPARKIFY_STRINGIFY(x) SPARKIFY_STRINGIFY2(x)

SPARKIFY_DECLARE_PARSE_KERNEL(SPARKIFY_PARSE_KERNEL_NS)

namespace sparkify::parse::SPARKIFY_PARSE_KERNEL_NS {

#ifdef SPARKIFY_PARSE_KERNEL_EXPECT
// The -march given for this copy must make simdjson compile the kernel it is named after.
static_assert(std::string_view(SPARKIFY_STRINGIFY(SIMDJSON_BUILTIN_IMPLEMENTATION)) ==
                  SPARKIFY_PARSE_KERNEL_EXPECT,
              "this -march does not select the intended simdjson kernel");
#endif

const char* kernel_name() { return SPARKIFY_STRINGIFY(SIMDJSON_BUILTIN_IMPLEMENTATION); }

namespace {

// The longest escaped artist_id whose folder name `artist_id=<id>` fits NAME_MAX (255 bytes).
constexpr size_t kMaxArtistIdEscaped = 255 - std::string_view("artist_id=").size();

model::RejectRecord make_reject(std::string_view source, uint64_t line, uint64_t offset,
                                std::string reason, std::string_view raw) {
  model::RejectRecord r;
  r.source = std::string(source);
  r.line = line;
  r.offset = offset;
  r.reason = std::move(reason);
  keep_raw(r, raw, raw.size());
  return r;
}

// Starts an on-demand parse of [begin, begin + size) inside a buffer whose padding follows its
// end, so every document can be parsed in place without a copy.
simdjson::error_code start_document(od::parser& parser, const Buffer& data, size_t begin,
                                    size_t size, od::document& doc, od::object& object) {
  const char* base = reinterpret_cast<const char*>(data.data());
  size_t capacity = data.size() + data.padding() - begin;
  if (auto error = parser.iterate(base + begin, size, capacity).get(doc)) return error;
  return doc.get_object().get(object);
}

// The key of a field. Keys almost never hold escapes, so read them in place from the input
// rather than having simdjson copy each one (18 keys per event); unescape only when needed.
bool field_key(od::field& field, std::string_view& key) {
  const char* begin = field.key().raw();
  const char* end = begin;
  while (*end != '"' && *end != '\\') ++end;  // the document is padded: a quote always follows
  if (*end == '"') {
    key = {begin, static_cast<size_t>(end - begin)};
    return true;
  }
  return !field.unescaped_key().get(key);
}

// True when nothing but whitespace follows the document's value.
bool at_end(od::document& doc) { return doc.current_location().error() == simdjson::OUT_OF_BOUNDS; }

std::string object_error(simdjson::error_code error) {
  if (error == simdjson::INCORRECT_TYPE) return "expected a JSON object";
  return std::string("invalid JSON: ") + simdjson::error_message(error);
}

model::NullableString copy_to(model::StringArena& arena, const model::NullableString& s) {
  return {arena.add(s.value), s.valid};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Songs

class SongParserKernel final : public SongKernel {
 public:
  void parse_file(std::string_view source, const Buffer& data, model::StringArena& arena,
                  std::vector<model::SongRecord>& out, std::vector<model::RejectRecord>& rejects,
                  ParseStats& stats) override;

 private:
  od::parser parser;
  ValueReader reader;

  // Parses one document into `record`. A rejected one leaves `reader.failed()` set and its reason
  // in `reader.reason()`.
  void parse_document(const Buffer& data, size_t begin, size_t size, model::SongRecord& record) {
    reader.start_document(size);
    od::document doc;
    od::object object;
    if (auto error = start_document(parser, data, begin, size, doc, object)) {
      return reader.fail(object_error(error));
    }
    model::NullableString song_id, artist_id;
    for (auto field_result : object) {
      // By reference: a copy of the field costs a store-forwarding stall per field.
      if (auto error = field_result.error()) return reader.fail_json(error);
      od::field& field = field_result.value_unsafe();
      std::string_view key;
      if (auto error = field.unescaped_key().get(key)) return reader.fail_json(error);
      od::value& value = field.value();
      if (key == "song_id")
        reader.read_string(value, key, song_id);
      else if (key == "artist_id")
        reader.read_string(value, key, artist_id);
      else if (key == "title")
        reader.read_string(value, key, record.title);
      else if (key == "artist_name")
        reader.read_string(value, key, record.artist_name);
      else if (key == "artist_location")
        reader.read_string(value, key, record.artist_location);
      else if (key == "year")
        reader.read_int32(value, key, record.year);
      else if (key == "duration")
        reader.read_double(value, key, record.duration);
      else if (key == "artist_latitude")
        reader.read_double(value, key, record.latitude);
      else if (key == "artist_longitude")
        reader.read_double(value, key, record.longitude);
      else
        reader.validate(value);
      if (reader.failed()) return;
    }
    if (!at_end(doc)) return reader.fail("invalid JSON: content after the object");
    if (!song_id.valid || song_id.value.empty()) return reader.fail("missing song_id");
    if (!artist_id.valid || artist_id.value.empty()) return reader.fail("missing artist_id");
    // The songs table is partitioned by artist_id (SPEC §4): its folder name, `artist_id=` and
    // the escaped id, must fit a file system's 255-byte name (on S3 too: the same lake anywhere).
    if (size_t escaped = hive_escaped_size(artist_id.value); escaped > kMaxArtistIdEscaped) {
      return reader.fail("artist_id too long for its partition folder: " + std::to_string(escaped) +
                         " bytes once escaped, at most " + std::to_string(kMaxArtistIdEscaped));
    }
    record.song_id = song_id.value;
    record.artist_id = artist_id.value;
  }
};

void SongParserKernel::parse_file(std::string_view source, const Buffer& data,
                                  model::StringArena& arena, std::vector<model::SongRecord>& out,
                                  std::vector<model::RejectRecord>& rejects, ParseStats& total) {
  ParseStats stats;  // added to `total` once (see EventParserKernel::parse_file)
  DocumentSplitter splitter(data.view());
  Document document;
  while (splitter.next(document)) {
    ++stats.records;
    std::string_view raw = data.view().substr(document.begin, document.size);
    if (!document.complete) {
      ++stats.rejected;
      rejects.push_back(make_reject(source, document.line, document.begin,
                                    "invalid JSON: unterminated document", raw));
      continue;
    }
    model::SongRecord record;
    parse_document(data, document.begin, document.size, record);
    if (reader.failed()) {
      ++stats.rejected;
      rejects.push_back(make_reject(source, document.line, document.begin, reader.reason(), raw));
      continue;
    }
    // The parser's string buffer is reused by the next document: keep copies.
    record.song_id = arena.add(record.song_id);
    record.artist_id = arena.add(record.artist_id);
    record.title = copy_to(arena, record.title);
    record.artist_name = copy_to(arena, record.artist_name);
    record.artist_location = copy_to(arena, record.artist_location);
    ++stats.accepted;
    out.push_back(record);
  }
  total += stats;
}

// ---------------------------------------------------------------------------------------------
// Events

namespace {

enum class EventKey : uint8_t {
  kUnknown,
  kArtist,
  kFirstName,
  kGender,
  kLastName,
  kLength,
  kLevel,
  kLocation,
  kPage,
  kSessionId,
  kSong,
  kTs,
  kUserAgent,
  kUserId,
};

EventKey classify_event_key(std::string_view key) {
  switch (key.size()) {
    case 2:
      return key == "ts" ? EventKey::kTs : EventKey::kUnknown;
    case 4:
      if (key == "page") return EventKey::kPage;
      if (key == "song") return EventKey::kSong;
      return EventKey::kUnknown;
    case 5:
      return key == "level" ? EventKey::kLevel : EventKey::kUnknown;
    case 6:
      if (key == "artist") return EventKey::kArtist;
      if (key == "gender") return EventKey::kGender;
      if (key == "length") return EventKey::kLength;
      if (key == "userId") return EventKey::kUserId;
      return EventKey::kUnknown;
    case 8:
      if (key == "location") return EventKey::kLocation;
      if (key == "lastName") return EventKey::kLastName;
      return EventKey::kUnknown;
    case 9:
      if (key == "firstName") return EventKey::kFirstName;
      if (key == "sessionId") return EventKey::kSessionId;
      if (key == "userAgent") return EventKey::kUserAgent;
      return EventKey::kUnknown;
    default:
      return EventKey::kUnknown;
  }
}

// Recognizes the keys of real event logs from their raw bytes, which run to the closing quote,
// without first scanning for that quote. Sets `key` and returns true when it knows the key
// (kUnknown for the five the job ignores); false for anything else, escaped keys included,
// which then take the general path.
template <size_t N>
bool raw_key_is(const char* raw, const char (&name)[N]) {
  // The document is padded, so reading N bytes from inside it stays in the buffer.
  return std::memcmp(raw, name, N - 1) == 0 && raw[N - 1] == '"';
}

bool match_raw_event_key(const char* raw, EventKey& kind, std::string_view& key) {
#define SPARKIFY_KEY(name, k)      \
  if (raw_key_is(raw, name)) {     \
    kind = EventKey::k;            \
    key = {raw, sizeof(name) - 1}; \
    return true;                   \
  }
  // clang-format off
  switch (raw[0]) {
    case 'a': SPARKIFY_KEY("artist", kArtist) SPARKIFY_KEY("auth", kUnknown) break;
    case 'f': SPARKIFY_KEY("firstName", kFirstName) break;
    case 'g': SPARKIFY_KEY("gender", kGender) break;
    case 'i': SPARKIFY_KEY("itemInSession", kUnknown) break;
    case 'l':
      SPARKIFY_KEY("lastName", kLastName) SPARKIFY_KEY("length", kLength)
      SPARKIFY_KEY("level", kLevel) SPARKIFY_KEY("location", kLocation) break;
    case 'm': SPARKIFY_KEY("method", kUnknown) break;
    case 'p': SPARKIFY_KEY("page", kPage) break;
    case 'r': SPARKIFY_KEY("registration", kUnknown) break;
    case 's':
      SPARKIFY_KEY("sessionId", kSessionId) SPARKIFY_KEY("song", kSong)
      SPARKIFY_KEY("status", kUnknown) break;
    case 't': SPARKIFY_KEY("ts", kTs) break;
    case 'u': SPARKIFY_KEY("userAgent", kUserAgent) SPARKIFY_KEY("userId", kUserId) break;
    default: break;
  }
    // clang-format on
#undef SPARKIFY_KEY
  return false;
}

// What one line's fields set, beside the event itself.
struct EventFields {
  model::NullableString page, user_id_text;
  std::optional<int64_t> ts, user_id, session_id;
  bool user_id_seen = false;
};

bool is_line_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// Lines are parsed a window at a time through one simdjson stage 1 (iterate_many): a window
// holds whole lines, about this many bytes (and at most kMaxWindowBytes: longer lines are parsed
// one by one).
constexpr size_t kWindowBytes = 256 * 1024;
constexpr size_t kMaxWindowBytes = 512 * 1024;

}  // namespace

class EventParserKernel final : public EventKernel {
 public:
  explicit EventParserKernel(bool batch_lines) : batch_lines_(batch_lines) {
#ifdef SIMDJSON_THREADS_ENABLED
    parser.threaded = false;  // a window is one batch: no stage-1 helper thread
#endif
  }

  void parse_file(std::string_view source, const Buffer& data, model::EventSink& sink,
                  std::vector<model::RejectRecord>& rejects, ParseStats& stats) override;

 private:
  od::parser parser;
  ValueReader reader;
  bool batch_lines_;

  // Reads an event's fields into `event` and `f`; false (reader failed) at the first bad one.
  bool read_fields(od::object& object, model::EventRecord& event, EventFields& f) {
    for (auto field_result : object) {
      // By reference: a copy of the field costs a store-forwarding stall per field.
      if (auto error = field_result.error()) {
        reader.fail_json(error);
        return false;
      }
      od::field& field = field_result.value_unsafe();
      std::string_view key;
      EventKey kind;
      if (!match_raw_event_key(field.key().raw(), kind, key)) {
        if (!field_key(field, key)) {
          reader.fail(object_error(simdjson::STRING_ERROR));
          return false;
        }
        kind = classify_event_key(key);
      }
      od::value& value = field.value();
      switch (kind) {
        case EventKey::kArtist:
          reader.read_string(value, key, event.artist);
          break;
        case EventKey::kSong:
          reader.read_string(value, key, event.song);
          break;
        case EventKey::kFirstName:
          reader.read_string(value, key, event.first_name);
          break;
        case EventKey::kLastName:
          reader.read_string(value, key, event.last_name);
          break;
        case EventKey::kGender:
          reader.read_string(value, key, event.gender);
          break;
        case EventKey::kLevel:
          reader.read_string(value, key, event.level);
          break;
        case EventKey::kLocation:
          reader.read_string(value, key, event.location);
          break;
        case EventKey::kUserAgent:
          reader.read_string(value, key, event.user_agent);
          break;
        case EventKey::kPage:
          reader.read_string(value, key, f.page);
          break;
        case EventKey::kLength:
          reader.read_double(value, key, event.length);
          break;
        case EventKey::kTs:
          reader.read_int64(value, key, f.ts);
          break;
        case EventKey::kSessionId:
          reader.read_int64(value, key, f.session_id);
          break;
        case EventKey::kUserId: {
          // "" is how logged-out events say "no user"; only NextSong events must have one.
          od::json_type type;
          if (auto error = value.type().get(type)) {
            reader.fail_json(error);
            break;
          }
          if (type == od::json_type::string) {
            // Read into its place (see ValueReader::read_string_fast).
            std::string_view& s = f.user_id_text.value;
            if (!reader.read_string_fast(value, s)) {
              if (auto error = value.get_string().get(s)) {
                reader.fail_json(error);
                break;
              }
            }
            f.user_id_seen = true;
            f.user_id_text.valid = true;
            break;
          }
          reader.read_int64(value, key, f.user_id);
          break;
        }
        case EventKey::kUnknown:
          reader.validate(value);
          break;
      }
      if (reader.failed()) return false;
    }
    return true;
  }

  // The checks after a line's fields are read; returns whether it is a NextSong event (then
  // completing `event`).
  bool finish_event(EventFields& f, model::EventRecord& event) {
    if (f.user_id_seen && !f.user_id_text.value.empty()) {
      // The string's view lives in the parser's buffer, which is still valid here.
      int64_t parsed;
      if (!parse_integer_text(f.user_id_text.value, parsed)) {
        reader.fail("userId: expected an integer, got \"" +
                    std::string(f.user_id_text.value.substr(0, 40)) + "\"");
        return false;
      }
      f.user_id = parsed;
    }
    if (!f.page.valid || f.page.value != "NextSong") return false;
    if (!f.ts) {
      reader.fail("missing ts");
      return false;
    }
    if (!f.user_id) {
      reader.fail("missing userId");
      return false;
    }
    // start_time is ts × 1000 microseconds: refuse instants that would overflow it.
    if (*f.ts > INT64_MAX / 1000 || *f.ts < INT64_MIN / 1000) {
      reader.fail("ts: " + std::to_string(*f.ts) + " is out of range");
      return false;
    }
    event.ts = *f.ts;
    event.user_id = *f.user_id;
    event.session_id = f.session_id;
    return true;
  }

  // Parses one line on its own; on success returns whether it is a NextSong event (filled into
  // `event`). This is the reference: a batched line is taken only when it reads the same.
  bool parse_line(const Buffer& data, size_t begin, size_t size, model::EventRecord& event) {
    reader.start_document(size);
    od::document doc;
    od::object object;
    if (auto error = start_document(parser, data, begin, size, doc, object)) {
      reader.fail(object_error(error));
      return false;
    }
    EventFields f;
    if (!read_fields(object, event, f)) return false;
    if (!at_end(doc)) {
      reader.fail("invalid JSON: content after the object");
      return false;
    }
    return finish_event(f, event);
  }

  // Parses the lines in [pos, end) one by one, counting `line`.
  void parse_lines(std::string_view source, const Buffer& data, size_t pos, size_t end,
                   uint64_t& line, model::EventSink& sink,
                   std::vector<model::RejectRecord>& rejects, ParseStats& stats);

  size_t parse_window(const Buffer& data, size_t begin, size_t end, uint64_t& line,
                      model::EventSink& sink, ParseStats& stats);
};

// The whole lines in [begin, end) through one iterate_many: each document is taken when it is
// exactly one line's content (only blanks before it on its line; the line's end after its last
// token and before the next document's first) and reads without a fault. Returns the offset of
// the first line not taken — at a document that is not one whole line, or a line that is bad
// in any way — from which the caller parses line by line, so every reject and its reason come
// from parse_line.
size_t EventParserKernel::parse_window(const Buffer& data, size_t begin, size_t end, uint64_t& line,
                                       model::EventSink& sink, ParseStats& stats) {
  const char* base = reinterpret_cast<const char*>(data.data());
  od::document_stream stream;
  if (parser.iterate_many(base + begin, end - begin, kMaxWindowBytes).get(stream)) return begin;
  size_t pos = begin;  // the first line not taken
  for (auto it = stream.begin(); it != stream.end(); ++it) {
    size_t doc_start = begin + it.current_index();
    // Only blank lines come before the document on its line's start (each taken as it is).
    for (size_t i = pos; i < doc_start; ++i) {
      if (base[i] == '\n') {
        ++line;
        pos = i + 1;
      } else if (!is_line_space(base[i])) {
        return pos;
      }
    }
    od::document_reference doc;
    od::object object;
    if ((*it).get(doc) || doc.get_object().get(object)) return pos;
    reader.start_document(end - doc_start);
    model::EventRecord event;
    event.line = line + 1;
    EventFields f;
    if (!read_fields(object, event, f)) return pos;
    // The document is the whole line: its line ends after its last token (only whitespace lies
    // between that token and the next document's first, or the window's end), and before that
    // next token. Looked for now, while the line is in cache.
    size_t next = end;
    auto location = doc.current_location();
    if (location.error() == simdjson::SUCCESS) {
      next = static_cast<size_t>(location.value_unsafe() - base);
    } else if (location.error() != simdjson::OUT_OF_BOUNDS) {
      return pos;
    }
    size_t last = next;  // the document's last token
    while (last > doc_start && is_json_space(base[last - 1])) --last;
    const void* newline = std::memchr(base + doc_start, '\n', next - doc_start);
    size_t line_end = newline != nullptr ? static_cast<const char*>(newline) - base : end;
    if (line_end < last || (newline == nullptr && next != end)) return pos;
    bool next_song = finish_event(f, event);
    if (reader.failed()) return pos;
    ++line;
    ++stats.records;
    pos = line_end + 1;
    if (!next_song) continue;
    ++stats.accepted;
    sink.on_event(event);
  }
  return pos;
}

void EventParserKernel::parse_lines(std::string_view source, const Buffer& data, size_t pos,
                                    size_t end, uint64_t& line, model::EventSink& sink,
                                    std::vector<model::RejectRecord>& rejects, ParseStats& stats) {
  std::string_view text = data.view();
  while (pos < end) {
    ++line;
    size_t newline = text.find('\n', pos);
    size_t line_end = newline == std::string_view::npos ? text.size() : newline;
    size_t begin = pos;
    pos = line_end + 1;
    size_t trimmed_end = line_end;
    if (trimmed_end > begin && text[trimmed_end - 1] == '\r') --trimmed_end;  // CRLF files
    std::string_view raw = text.substr(begin, trimmed_end - begin);
    if (raw.find_first_not_of(" \t\r") == std::string_view::npos) continue;  // blank line
    ++stats.records;
    model::EventRecord event;
    event.line = line;
    bool next_song = parse_line(data, begin, trimmed_end - begin, event);
    if (reader.failed()) {
      ++stats.rejected;
      rejects.push_back(make_reject(source, line, begin, reader.reason(), raw));
      continue;
    }
    if (!next_song) continue;
    ++stats.accepted;
    sink.on_event(event);
  }
}

void EventParserKernel::parse_file(std::string_view source, const Buffer& data,
                                   model::EventSink& sink,
                                   std::vector<model::RejectRecord>& rejects, ParseStats& total) {
  // Counted here and added to `total` once: the workers' stats sit side by side in memory, and
  // a store per line into one cache line from two cores cost the 2-thread log stage ~0.25
  // CPU-seconds on the L tier.
  ParseStats stats;
  std::string_view text = data.view();
  uint64_t line = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    // The window: whole lines from `pos`, about kWindowBytes (all of them, line by line, when
    // not batching: the reference the windows are tested against).
    size_t end = text.size();
    if (batch_lines_ && text.size() - pos > kWindowBytes) {
      size_t newline = text.find('\n', pos + kWindowBytes - 1);
      if (newline != std::string_view::npos) end = newline + 1;
    }
    size_t taken = batch_lines_ && end - pos <= kMaxWindowBytes
                       ? parse_window(data, pos, end, line, sink, stats)
                       : pos;
    parse_lines(source, data, taken, end, line, sink, rejects, stats);
    pos = end;
  }
  total += stats;
}

std::unique_ptr<SongKernel> make_song_kernel() { return std::make_unique<SongParserKernel>(); }
std::unique_ptr<EventKernel> make_event_kernel(bool batch_lines) {
  return std::make_unique<EventParserKernel>(batch_lines);
}

}  // namespace sparkify::parse::SPARKIFY_PARSE_KERNEL_NS
