// Minimal JSON helpers for reports, manifests and reject files.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sparkify {

/// Escapes UTF-8 text for the inside of a JSON string literal.
std::string json_escape(std::string_view text);

/// Appends the escaped text to `out` (no temporary string; text without escapes is copied whole).
void append_json_escaped(std::string& out, std::string_view text);

/// Appends `"text"`, escaped.
inline void append_json_quoted(std::string& out, std::string_view text) {
  out.push_back('"');
  append_json_escaped(out, text);
  out.push_back('"');
}

/// `"text"`, escaped.
inline std::string json_quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  append_json_quoted(out, text);
  return out;
}

/// The strings of JSON list `list` (e.g. `"files":[`) in a document sparkify wrote (it starts
/// `{"committer":"sparkify`); nullopt for anything else, so no caller acts on the word of a
/// document it cannot read.
std::optional<std::vector<std::string>> parse_sparkify_string_list(std::string_view text,
                                                                   std::string_view list);

}  // namespace sparkify
