#include "common/json.h"

#include <cstdio>

namespace sparkify {

namespace {

bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\' || c == 0x7F; }

}  // namespace

void append_json_escaped(std::string& out, std::string_view text) {
  size_t plain = 0;  // the longest prefix that needs no escape is copied at once
  while (plain < text.size() && !needs_escape(static_cast<unsigned char>(text[plain]))) ++plain;
  out.append(text.data(), plain);
  for (char ch : text.substr(plain)) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(ch);
        }
    }
  }
}

std::string json_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  append_json_escaped(out, text);
  return out;
}

}  // namespace sparkify
