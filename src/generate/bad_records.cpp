#include "generate/bad_records.h"

#include <string>

namespace sparkify::generate {

namespace {

// Replaces the first occurrence of `from`; the callers only ask for keys that every good record
// holds, so a miss would be a bug in the generator, not in the data.
std::string replace_first(std::string_view text, std::string_view from, std::string_view to) {
  std::string out(text);
  size_t at = out.find(from);
  if (at != std::string::npos) out.replace(at, from.size(), to);
  return out;
}

// The value after `"key": ` or `"key":` up to the next ',' or '}' (numbers and null only).
std::pair<size_t, size_t> scalar_span(std::string_view text, std::string_view key_with_colon) {
  size_t at = text.find(key_with_colon);
  if (at == std::string_view::npos) return {std::string_view::npos, 0};
  size_t begin = at + key_with_colon.size();
  size_t end = text.find_first_of(",}", begin);
  return {begin, end - begin};
}

// Erases `"key": "value", ` (Python style) — a string-valued key that is never the last one.
std::string erase_string_member(std::string_view text, std::string_view key) {
  std::string out(text);
  std::string head = "\"";  // built piecewise: GCC 12 warns falsely on "literal" + string
  head += key;
  head += "\": \"";
  size_t at = out.find(head);
  if (at == std::string::npos) return out;
  size_t close = out.find("\", ", at + head.size());  // ids never hold quotes
  if (close == std::string::npos) return out;
  out.erase(at, close + 3 - at);
  return out;
}

}  // namespace

std::string_view bad_song_kind_name(BadSongKind kind) {
  switch (kind) {
    case BadSongKind::kNone:
      return "none";
    case BadSongKind::kInvalidJson:
      return "invalid_json";
    case BadSongKind::kTruncated:
      return "truncated";
    case BadSongKind::kMissingSongId:
      return "missing_song_id";
    case BadSongKind::kMissingArtistId:
      return "missing_artist_id";
    case BadSongKind::kWrongType:
      return "wrong_type";
  }
  return "unknown";
}

std::string_view bad_event_kind_name(BadEventKind kind) {
  switch (kind) {
    case BadEventKind::kNone:
      return "none";
    case BadEventKind::kInvalidJson:
      return "invalid_json";
    case BadEventKind::kTruncatedLine:
      return "truncated_line";
    case BadEventKind::kMissingTs:
      return "nextsong_missing_ts";
    case BadEventKind::kNonNumericUserId:
      return "nextsong_non_numeric_user_id";
    case BadEventKind::kWrongType:
      return "wrong_type";
  }
  return "unknown";
}

std::string corrupt_song_file(std::string_view good, BadSongKind kind, Rng& rng) {
  switch (kind) {
    case BadSongKind::kNone:
      return std::string(good);
    case BadSongKind::kInvalidJson:
      switch (rng.below(3)) {
        case 0:
          return replace_first(good, "\"title\": ", "\"title\" ");  // missing colon
        case 1:
          return std::string(good.substr(0, good.size() - 1)) + ", }";  // trailing comma
        default:
          return replace_first(good, "\"year\"", "'year'");  // single-quoted key
      }
    case BadSongKind::kTruncated: {
      // Any prefix lacks the one top-level '}' at the very end, so none of them is valid JSON.
      size_t cut = good.size() / 4 + rng.below(good.size() - good.size() / 4 - 1);
      return std::string(good.substr(0, cut));
    }
    case BadSongKind::kMissingSongId:
      return erase_string_member(good, "song_id");
    case BadSongKind::kMissingArtistId:
      return erase_string_member(good, "artist_id");
    case BadSongKind::kWrongType: {
      bool duration = rng.chance(0.5);
      auto [begin, len] = scalar_span(good, duration ? "\"duration\": " : "\"year\": ");
      std::string out(good);
      if (begin != std::string::npos) out.replace(begin, len, duration ? "\"n/a\"" : "\"unknown\"");
      return out;
    }
  }
  return std::string(good);
}

std::string corrupt_event_line(std::string_view good, BadEventKind kind, Rng& rng) {
  switch (kind) {
    case BadEventKind::kNone:
      return std::string(good);
    case BadEventKind::kInvalidJson:
      switch (rng.below(3)) {
        case 0:
          return replace_first(good, ",\"auth\":", ",,\"auth\":");  // double comma
        case 1:
          return replace_first(good, "\"page\":", "page:");  // unquoted key
        default: {
          // A missing value. (Not NaN: some lenient readers, DuckDB's among them, accept it.)
          auto [begin, len] = scalar_span(good, "\"status\":");
          std::string out(good);
          out.erase(begin, len);
          return out;
        }
      }
    case BadEventKind::kTruncatedLine: {
      size_t cut = 1 + rng.below(good.size() - 2);
      return std::string(good.substr(0, cut));
    }
    case BadEventKind::kMissingTs: {
      std::string out(good);
      size_t at = out.find(",\"ts\":");
      size_t end = out.find(',', at + 6);
      out.erase(at, end - at);
      return out;
    }
    case BadEventKind::kNonNumericUserId: {
      size_t at = good.rfind("\"userId\":\"");
      std::string id(good.substr(at + 10, good.size() - 2 - (at + 10)));
      std::string replacement;
      switch (rng.below(4)) {
        case 0:
          replacement = "";
          break;
        case 1:
          replacement = "guest";
          break;
        case 2:
          replacement = "u" + id;
          break;
        default:
          replacement = id + "x";
          break;  // a numeric prefix must not be enough
      }
      return std::string(good.substr(0, at + 10)) + replacement + "\"}";
    }
    case BadEventKind::kWrongType: {
      std::string out(good);
      if (rng.chance(0.5)) {
        auto [begin, len] = scalar_span(out, "\"sessionId\":");
        out.replace(begin, len, "\"s" + out.substr(begin, len) + "\"");
      } else {
        auto [begin, len] = scalar_span(out, "\"length\":");
        out.replace(begin, len,
                    "\"" + std::to_string(rng.between(1, 9)) + ":" +
                        std::to_string(rng.between(10, 59)) + "\"");
      }
      return out;
    }
  }
  return std::string(good);
}

}  // namespace sparkify::generate
