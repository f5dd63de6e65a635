#include "source/discovery.h"

#include <algorithm>
#include <iterator>

#include "common/parallel.h"

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

Result<std::vector<InputFile>> discover(io::FileSystem& fs, const std::string& root, bool detailed,
                                        int threads) {
  return discover_share(fs, root, detailed, 0, 1, threads);
}

Result<std::vector<InputFile>> discover_share(io::FileSystem& fs, const std::string& root,
                                              bool detailed, int index, int count, int threads) {
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
  std::vector<io::FileInfo>& infos = *listed;
  // std::string compares char_traits<char>, which is unsigned byte order (memcmp).
  auto by_name = [](const InputFile& a, const InputFile& b) { return a.relative < b.relative; };
  // Large listings (50k song files) are filtered and sorted in parts on the threads, then merged.
  size_t parts = threads > 1 && infos.size() >= 8192 ? static_cast<size_t>(threads) : 1;
  std::vector<std::vector<InputFile>> sorted(parts);
  (void)parallel_for(parts, threads, [&](size_t part, int) -> Status {
    std::vector<InputFile>& files = sorted[part];
    for (size_t k = infos.size() * part / parts; k < infos.size() * (part + 1) / parts; ++k) {
      io::FileInfo& info = infos[k];
      if (!is_input_path(info.path)) continue;
      InputFile file;
      file.gzip = ends_with(info.path, ".gz");
      file.path = io::FileSystem::join(root, info.path);
      file.relative = std::move(info.path);
      file.size = info.size;
      file.version = std::move(info.version);
      files.push_back(std::move(file));
    }
    std::sort(files.begin(), files.end(), by_name);
    return Status::OK();
  });
  std::vector<InputFile> files = std::move(sorted[0]);
  for (size_t part = 1; part < parts; ++part) {
    auto middle = static_cast<ptrdiff_t>(files.size());
    std::move(sorted[part].begin(), sorted[part].end(), std::back_inserter(files));
    std::inplace_merge(files.begin(), files.begin() + middle, files.end(), by_name);
  }
  return files;
}

}  // namespace sparkify::source
