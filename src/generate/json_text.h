// The two JSON dialects of Sparkify's raw data, byte for byte: song files look like Python's
// json.dumps (", " and ": " separators, non-ASCII as \uXXXX, '/' verbatim) and event logs like the
// event simulator's output (compact, '/' written as "\/", non-ASCII as \uXXXX).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sparkify::generate {

/// Appends `utf8` as a quoted JSON string: '"' and '\' escaped, control characters and every
/// non-ASCII code point as lowercase \uXXXX (surrogate pairs past U+FFFF), and '/' as "\/" when
/// `escape_slash`.
void append_json_string(std::string& out, std::string_view utf8, bool escape_slash);

/// Appends a double as Python's repr does for the values we write: the shortest digits that read
/// back as the same double, in fixed notation, with ".0" when there is no fraction.
void append_python_double(std::string& out, double value);

/// Appends a signed integer in decimal.
void append_int(std::string& out, int64_t value);

/// One round of the classic mojibake: the UTF-8 bytes of `utf8` misread as Latin-1 and encoded
/// to UTF-8 again ("é" becomes "Ã©"). The event logs hold strings that went through this twice.
std::string mojibake(std::string_view utf8);

}  // namespace sparkify::generate
