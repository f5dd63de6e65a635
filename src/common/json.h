// Minimal JSON helpers for reports, manifests and reject files.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sparkify {

/// Escapes UTF-8 text for the inside of a JSON string literal.
std::string json_escape(std::string_view text);

/// `"text"`, escaped.
inline std::string json_quote(std::string_view text) { return "\"" + json_escape(text) + "\""; }

/// The strings of JSON list `list` (e.g. `"files":[`) in a document sparkify wrote (it starts
/// `{"committer":"sparkify`); nullopt for anything else, so no caller acts on the word of a
/// document it cannot read.
std::optional<std::vector<std::string>> parse_sparkify_string_list(std::string_view text,
                                                                   std::string_view list);

}  // namespace sparkify
