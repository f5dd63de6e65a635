// markup_escape: text made safe for XML and HTML element content and attribute values — the S3
// request bodies (io/s3) and the report's HTML and SVG (report/) share it.
#pragma once

#include <string>
#include <string_view>

namespace sparkify {

/// Escapes & < > " and ' (as &#39;, which XML 1.0, HTML 4 and HTML 5 all read); every other
/// byte is kept as it is.
inline std::string markup_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace sparkify
