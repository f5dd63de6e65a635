#include "generate/json_text.h"

#include <charconv>
#include <cstring>

#include "common/utf8.h"

namespace sparkify::generate {

namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_u_escape(std::string& out, uint32_t unit) {
  char buf[6] = {
      '\\',           'u', kHex[(unit >> 12) & 15], kHex[(unit >> 8) & 15], kHex[(unit >> 4) & 15],
      kHex[unit & 15]};
  out.append(buf, 6);
}

// Decodes one UTF-8 sequence starting at s[i]; our inputs are generated, so they are valid, but a
// stray byte is still written as its own code point rather than read past the end.
uint32_t decode_utf8(std::string_view s, size_t& i) {
  auto b = static_cast<unsigned char>(s[i]);
  int extra = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : 0;
  if (extra != 0 && i + extra >= s.size()) extra = 0;
  uint32_t cp = extra == 3 ? (b & 0x07) : extra == 2 ? (b & 0x0F) : extra == 1 ? (b & 0x1F) : b;
  for (int k = 1; k <= extra; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += 1 + extra;
  return cp;
}

}  // namespace

void append_json_string(std::string& out, std::string_view utf8, bool escape_slash) {
  out.push_back('"');
  size_t i = 0;
  while (i < utf8.size()) {
    auto c = static_cast<unsigned char>(utf8[i]);
    if (c >= 0x20 && c < 0x80) {
      if (c == '"' || c == '\\') {
        out.push_back('\\');
      } else if (c == '/' && escape_slash) {
        out.push_back('\\');
      }
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    if (c < 0x20) {
      // Python writes the five short escapes; everything else below 0x20 as \u00XX.
      switch (c) {
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        case '\b':
          out.append("\\b");
          break;
        case '\f':
          out.append("\\f");
          break;
        default:
          append_u_escape(out, c);
      }
      ++i;
      continue;
    }
    uint32_t cp = decode_utf8(utf8, i);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      append_u_escape(out, 0xD800 + (cp >> 10));
      append_u_escape(out, 0xDC00 + (cp & 0x3FF));
    } else {
      append_u_escape(out, cp);
    }
  }
  out.push_back('"');
}

void append_python_double(std::string& out, double value) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
  std::string_view text(buf, static_cast<size_t>(res.ptr - buf));
  out.append(text);
  if (text.find('.') == std::string_view::npos) out.append(".0");
}

void append_int(std::string& out, int64_t value) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, static_cast<size_t>(res.ptr - buf));
}

std::string mojibake(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size() * 2);
  for (char ch : utf8) append_utf8(out, static_cast<unsigned char>(ch));
  return out;
}

}  // namespace sparkify::generate
