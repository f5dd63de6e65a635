#include "lake/manifest.h"

#include <charconv>

#include "common/json.h"
#include "common/version.h"

namespace sparkify::lake {

std::string success_manifest(const std::vector<std::string>& files, std::optional<uint64_t> rows) {
  std::string out = "{\"committer\":\"sparkify " SPARKIFY_VERSION "\",\"files\":[";
  for (size_t i = 0; i < files.size(); ++i) {
    if (i) out += ",";
    out += "\"" + json_escape(files[i]) + "\"";
  }
  out += "]";
  if (rows) out += ",\"rows\":" + std::to_string(*rows);
  return out + "}\n";
}

std::optional<std::vector<std::string>> parse_success_manifest(std::string_view text) {
  return parse_sparkify_string_list(text, "\"files\":[");
}

std::optional<uint64_t> parse_success_manifest_rows(std::string_view text) {
  // "rows" follows the file list, whose names cannot hold a bare `],"rows":` (quotes are escaped).
  constexpr std::string_view kRows = "],\"rows\":";
  if (!parse_success_manifest(text)) return std::nullopt;
  size_t pos = text.rfind(kRows);
  if (pos == std::string_view::npos) return std::nullopt;
  const char* begin = text.data() + pos + kRows.size();
  const char* end = text.data() + text.size();
  uint64_t rows = 0;
  auto [next, ec] = std::from_chars(begin, end, rows);
  if (ec != std::errc() || next == end || *next != '}') return std::nullopt;
  return rows;
}

}  // namespace sparkify::lake
