// A table's `_SUCCESS` manifest (SPEC §4): written last when a table is published, it names the
// committer, the table's files and, when the writer knew it, how many rows they hold — so a
// reader can count a table of tens of thousands of small files without opening them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sparkify::lake {

/// The manifest of a table made of `files` (relative to the table folder) holding `rows` rows.
std::string success_manifest(const std::vector<std::string>& files,
                             std::optional<uint64_t> rows = std::nullopt);
/// The files a manifest of ours names; nullopt for anything else (an empty Spark `_SUCCESS`).
std::optional<std::vector<std::string>> parse_success_manifest(std::string_view text);
/// The rows a manifest of ours states; nullopt when it states none or is not ours.
std::optional<uint64_t> parse_success_manifest_rows(std::string_view text);

}  // namespace sparkify::lake
