#include "source/discovery.h"

#include <algorithm>

namespace sparkify::source {

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

bool is_input_path(std::string_view relative) {
  size_t start = 0;
  while (start <= relative.size()) {
    size_t slash = relative.find('/', start);
    std::string_view part = relative.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (!part.empty() && (part.front() == '.' || part.front() == '_')) return false;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return ends_with(relative, ".json") || ends_with(relative, ".json.gz");
}

Result<std::vector<InputFile>> discover(io::FileSystem& fs, const std::string& root,
                                        bool detailed) {
  return discover_share(fs, root, detailed, 0, 1);
}

Result<std::vector<InputFile>> discover_share(io::FileSystem& fs, const std::string& root,
                                              bool detailed, int index, int count) {
  auto listed = count == 1 ? (detailed ? fs.list_detailed(root) : fs.list(root))
                           : fs.list_share(root, detailed, index, count);
  if (!listed.ok()) {
    // A missing local folder reads best as such; S3 already says which part is missing (the
    // bucket, or nothing under the prefix).
    if (listed.status().code() == ErrorCode::kNotFound && fs.kind() == "local") {
      return Status::NotFound("input folder " + root + " does not exist");
    }
    return listed.status();
  }
  std::vector<InputFile> files;
  for (auto& info : *listed) {
    if (!is_input_path(info.path)) continue;
    InputFile file;
    file.gzip = ends_with(info.path, ".gz");
    file.path = io::FileSystem::join(root, info.path);
    file.relative = std::move(info.path);
    file.size = info.size;
    file.version = std::move(info.version);
    files.push_back(std::move(file));
  }
  // std::string compares char_traits<char>, which is unsigned byte order (memcmp).
  std::sort(files.begin(), files.end(),
            [](const InputFile& a, const InputFile& b) { return a.relative < b.relative; });
  return files;
}

}  // namespace sparkify::source
