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

std::optional<std::vector<std::string>> parse_sparkify_string_list(std::string_view text,
                                                                   std::string_view list) {
  // Reads back what we write; anything else (an empty Spark `_SUCCESS`, a damaged file) is
  // nullopt, so no caller deletes files on the word of a document it cannot read.
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  size_t pos = text.find(list);
  if (text.rfind("{\"committer\":\"sparkify", 0) != 0 || pos == std::string_view::npos) {
    return std::nullopt;
  }
  pos += list.size();
  std::vector<std::string> files;
  while (pos < text.size() && text[pos] != ']') {
    if (text[pos] == ',') ++pos;
    if (pos >= text.size() || text[pos] != '"') return std::nullopt;
    ++pos;
    std::string value;
    while (pos < text.size() && text[pos] != '"') {
      if (text[pos] != '\\') {
        // A run without escapes, appended at once (a manifest names tens of thousands of files).
        size_t end = text.find_first_of("\"\\", pos);
        if (end == std::string_view::npos) end = text.size();
        value.append(text.substr(pos, end - pos));
        pos = end;
        continue;
      }
      if (pos + 1 >= text.size()) return std::nullopt;
      char e = text[pos + 1];
      if (e != 'u') {
        value.push_back(e);
        pos += 2;
        continue;
      }
      if (pos + 5 >= text.size()) return std::nullopt;
      int code = 0;
      for (size_t k = 2; k < 6; ++k) {
        int h = hex(text[pos + k]);
        if (h < 0) return std::nullopt;
        code = code * 16 + h;
      }
      value.push_back(static_cast<char>(code));
      pos += 6;
    }
    if (pos >= text.size()) return std::nullopt;
    ++pos;  // closing quote
    files.push_back(std::move(value));
  }
  if (pos >= text.size()) return std::nullopt;
  return files;
}

}  // namespace sparkify
