// Minimal JSON output helpers for reports, manifests and reject files.
#pragma once

#include <string>
#include <string_view>

namespace sparkify {

/// Escapes UTF-8 text for the inside of a JSON string literal.
std::string json_escape(std::string_view text);

/// `"text"`, escaped.
inline std::string json_quote(std::string_view text) { return "\"" + json_escape(text) + "\""; }

}  // namespace sparkify
