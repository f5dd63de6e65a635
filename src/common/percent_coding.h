// Percent-decoding ("%2F" -> "/"), shared by the SigV4 signer (URL paths and queries) and Hive
// partition folder names, which escape the same way; and the characters a Hive partition value
// escapes (Spark's ExternalCatalogUtils.escapePathName), which the lake's folder names and the
// song parser's check of their length share.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sparkify {

/// The value of one hex digit, or -1.
inline int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Whether a Hive partition value writes `c` as %XX in its folder name.
inline bool hive_needs_escape(unsigned char c) {
  if (c < 0x20 || c == 0x7F) return true;
  switch (c) {
    case '"':
    case '#':
    case '%':
    case '\'':
    case '*':
    case '/':
    case ':':
    case '=':
    case '?':
    case '\\':
    case '{':
    case '[':
    case ']':
    case '^':
      return true;
    default:
      return false;
  }
}

/// The length of `value` once Hive-escaped (each escaped byte takes three).
inline size_t hive_escaped_size(std::string_view value) {
  size_t n = value.size();
  for (char c : value) n += hive_needs_escape(static_cast<unsigned char>(c)) ? 2 : 0;
  return n;
}

/// Decodes every "%XX" (either case); a '%' not followed by two hex digits is kept as it is.
/// '+' stays '+' (this is not form decoding).
inline std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      int hi = hex_digit_value(text[i + 1]), lo = hex_digit_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

}  // namespace sparkify
