// Internal to parse/: typed reads of simdjson on-demand values with SPEC §2's leniency (numbers
// may arrive as numeric strings; null and missing mean null) and full validation of the values
// we ignore, so a record is accepted only when it is valid JSON throughout.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/records.h"
#include "parse/byte_scan.h"

namespace sparkify::parse::SPARKIFY_PARSE_KERNEL_NS {

namespace od = simdjson::ondemand;

/// The quotes (`a`) and backslashes (`b`) of the block at `p`, inside a string's text.
inline ByteHits quotes_and_backslashes(const char* p) { return find_bytes(p, '"', '\\'); }

/// The length of the string whose text starts at `src` (after its opening quote) when its
/// closing quote comes before any backslash (within one block compare), else -1. Such a string
/// is a view of the input: simdjson's stage 1 has already checked the document's UTF-8 and that
/// no string holds a control character, so nothing is left to check or copy.
inline ptrdiff_t length_without_escapes(const char* src) {
  ByteHits first = quotes_and_backslashes(src);
  if (((first.b - 1) & first.a) == 0) return -1;
  return static_cast<ptrdiff_t>(__builtin_ctzll(first.a));
}

inline bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// True when `token` (a value's raw token: its text up to the next token, spaces included) is a
/// valid JSON string without escapes, or a plain decimal number (no exponent, at most 19 digits
/// either side of the point), read without converting it. False says nothing: such values take
/// simdjson's full check.
inline bool plain_scalar(std::string_view token) {
  size_t i = 0, n = token.size();
  if (n == 0) return false;
  if (token[0] == '"') {
    ptrdiff_t length = length_without_escapes(token.data() + 1);
    if (length < 0) return false;
    i = 2 + static_cast<size_t>(length);
  } else {
    if (token[i] == '-') ++i;
    size_t digits = i;
    if (i < n && token[i] == '0') {
      ++i;
    } else {
      while (i < n && is_digit(token[i])) ++i;
    }
    if (i == digits || i - digits > 19) return false;
    if (i < n && token[i] == '.') {
      size_t fraction = ++i;
      while (i < n && is_digit(token[i])) ++i;
      if (i == fraction || i - fraction > 19) return false;
    }
  }
  for (; i < n; ++i) {
    if (!is_json_space(token[i])) return false;
  }
  return true;
}

/// Parses a whole string as an integer ("39", "-5", or an exact float such as "39.0").
bool parse_integer_text(std::string_view text, int64_t& out);

/// Collects the first problem with a record; once failed, further reads are no-ops.
class ValueReader {
 public:
  bool failed() const { return failed_; }
  const std::string& reason() const { return reason_; }
  /// Starts a document of at most `size` bytes: clears the last one's failure and makes room to
  /// unescape its strings (their views stay valid until the next call).
  void start_document(size_t size) {
    failed_ = false;
    reason_.clear();
    if (unescaped_.size() < size + kStringBlock) unescaped_.resize(size + kStringBlock);
    unescaped_end_ = unescaped_.data();
  }

  void fail_json(simdjson::error_code error);
  void fail(std::string reason);

  // The common cases inline (the kernel calls them once per field); the rest out of line.
  void read_string(od::value& value, std::string_view key, model::NullableString& out) {
    if (!failed_ && read_string_fast(value, out.value)) {
      out.valid = true;
      return;
    }
    read_string_general(value, key, out);
  }
  void read_int64(od::value& value, std::string_view key, std::optional<int64_t>& out);
  void read_int32(od::value& value, std::string_view key, std::optional<int32_t>& out);
  void read_double(od::value& value, std::string_view key, std::optional<double>& out);
  /// Walks a value we do not use, so malformed JSON inside it still rejects the record. Most
  /// are short strings and plain numbers, checked from their text without being copied or
  /// converted (the value is left unread, which simdjson skips).
  void validate(od::value& value, int depth = 0) {
    if (!failed_ && plain_scalar(value.raw_json_token())) return;
    validate_general(value, depth);
  }

  /// Reads a string value without simdjson's copy where it can: a view of the input when it has
  /// no escape, else unescaped into this reader's buffer (unescape_string); false, having read
  /// nothing, when the value is not a string or holds an escape left to simdjson (\uXXXX, or an
  /// invalid one).
  ///
  /// `out` is written field by field where it lies: a view built in a local and then copied
  /// whole is a 16-byte load of two 8-byte stores just made, which the CPU cannot forward (a
  /// stall of ~12 cycles per string, 8% of the log parser's time).
  bool read_string_fast(od::value& value, std::string_view& out) {
    std::string_view token = value.raw_json_token();
    if (token.empty() || token.front() != '"') return false;
    const char* src = token.data() + 1;
    if (ptrdiff_t length = length_without_escapes(src); length >= 0) {
      out = std::string_view(src, static_cast<size_t>(length));
      return true;
    }
    return unescape_string(src, out);
  }

  /// The deepest nesting validate() walks (simdjson's default depth limit); deeper is rejected.
  static constexpr int kMaxDepth = 1024;

  /// The bytes a string scan reads at a time (the document's padding covers a block past its end).
  static constexpr size_t kStringBlock = 64;

 private:
  void read_string_general(od::value& value, std::string_view key, model::NullableString& out);
  void validate_general(od::value& value, int depth);
  bool unescape_string(const char* src, std::string_view& out);
  bool type_of(od::value& value, od::json_type& type);
  /// Reads a string holding a number ("39", "218.9"); false (and failed) when it does not.
  template <typename T, typename Parse>
  bool read_numeric_string(od::value& value, std::string_view key, std::string_view expected,
                           Parse parse, T& out);
  void fail_type(std::string_view key, std::string_view expected, od::json_type got);

  bool failed_ = false;
  std::string reason_;
  std::vector<char> unescaped_;    // the document's unescaped strings
  char* unescaped_end_ = nullptr;  // where the next one goes
};

}  // namespace sparkify::parse::SPARKIFY_PARSE_KERNEL_NS
