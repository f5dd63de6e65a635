#include "sink/commit.h"

#include <cstdio>
#include <optional>
#include <unordered_set>

#include "common/version.h"
#include "common/json.h"

namespace sparkify::sink {

namespace {

constexpr const char* kStaging = "_staging";
constexpr const char* kSuccess = "_SUCCESS";

Status write_text(io::FileSystem& fs, const std::string& path, const std::string& text) {
  return fs.write(path, {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
}

class LocalCommitter final : public TableCommitter {
 public:
  LocalCommitter(io::FileSystem& fs, std::string root, std::string run_id)
      : fs_(fs), root_(std::move(root)), run_dir_(io::FileSystem::join(
                                             io::FileSystem::join(root_, kStaging), run_id)) {}

  Status recover(const std::vector<std::string>&) override {
    // Every staging area is a dead run's: the caller holds the lake's lock, so no other run is
    // live.
    return fs_.remove_all(io::FileSystem::join(root_, kStaging));
  }

  std::string staging_dir(const std::string& table) const override {
    return io::FileSystem::join(run_dir_, table);
  }

  Status publish(const std::string& table, const std::vector<std::string>& files) override {
    std::string staged = staging_dir(table);
    SPARKIFY_RETURN_NOT_OK(fs_.make_dirs(staged));
    SPARKIFY_RETURN_NOT_OK(write_text(fs_, io::FileSystem::join(staged, kSuccess),
                                      success_manifest(files)));
    std::string live = io::FileSystem::join(root_, table);
    SPARKIFY_ASSIGN_OR_RETURN(bool exists, fs_.exists(live));
    if (!exists) return fs_.rename_dir(staged, live);
    Status swapped = fs_.exchange_dir(staged, live);
    if (swapped.ok()) return fs_.remove_all(staged);  // `staged` now holds the old table
    if (swapped.code() != ErrorCode::kNotSupported) return swapped;
    // No atomic exchange here: move the old table aside first. A kill between the two renames
    // leaves no table (allowed), never a mixed one.
    std::string old = staged + ".old";
    SPARKIFY_RETURN_NOT_OK(fs_.rename_dir(live, old));
    SPARKIFY_RETURN_NOT_OK(fs_.rename_dir(staged, live));
    return fs_.remove_all(old);
  }

  Status abort(const std::string& table, const std::vector<std::string>&) override {
    return fs_.remove_all(staging_dir(table));
  }

  Status finish() override {
    SPARKIFY_RETURN_NOT_OK(fs_.remove_all(run_dir_));
    // Remove the parent too when no other staging area is in it.
    std::string parent = io::FileSystem::join(root_, kStaging);
    auto listed = fs_.list(parent);
    if (listed.ok() && listed->empty()) return fs_.remove_all(parent);
    return Status::OK();
  }

 private:
  io::FileSystem& fs_;
  std::string root_;
  std::string run_dir_;
};

class ObjectStoreCommitter final : public TableCommitter {
 public:
  ObjectStoreCommitter(io::FileSystem& fs, std::string root) : fs_(fs), root_(std::move(root)) {}

  Status recover(const std::vector<std::string>& tables) override {
    for (const auto& table : tables) SPARKIFY_RETURN_NOT_OK(remove_unlisted(table));
    return Status::OK();
  }

  std::string staging_dir(const std::string& table) const override {
    return io::FileSystem::join(root_, table);
  }

  Status publish(const std::string& table, const std::vector<std::string>& files) override {
    std::string dir = staging_dir(table);
    SPARKIFY_RETURN_NOT_OK(
        write_text(fs_, io::FileSystem::join(dir, kSuccess), success_manifest(files)));
    return remove_unlisted(table);
  }

  Status abort(const std::string& table, const std::vector<std::string>& files) override {
    std::vector<std::string> paths;
    for (const auto& f : files) paths.push_back(io::FileSystem::join(staging_dir(table), f));
    return fs_.remove_files(paths);
  }

  Status finish() override { return Status::OK(); }

 private:
  // Deletes every object under the table that its current manifest does not name. Without a
  // manifest of ours (no committed table yet, or one Spark wrote) nothing is deleted: those files
  // are either the only copy of a table or debris the next publish removes.
  Status remove_unlisted(const std::string& table) {
    std::string dir = staging_dir(table);
    auto listed = fs_.list(dir);
    if (!listed.ok()) {
      if (listed.status().code() == ErrorCode::kNotFound) return Status::OK();
      return listed.status();
    }
    bool has_manifest = false;
    for (const auto& info : *listed) has_manifest |= info.path == kSuccess;
    if (!has_manifest) return Status::OK();
    SPARKIFY_ASSIGN_OR_RETURN(Buffer manifest, fs_.read(io::FileSystem::join(dir, kSuccess)));
    auto files = parse_success_manifest(manifest.view());
    if (!files) return Status::OK();
    std::unordered_set<std::string> keep(files->begin(), files->end());
    keep.insert(kSuccess);
    std::vector<std::string> doomed;
    for (const auto& info : *listed) {
      if (!keep.count(info.path)) doomed.push_back(io::FileSystem::join(dir, info.path));
    }
    if (doomed.empty()) return Status::OK();
    return fs_.remove_files(doomed);
  }

  io::FileSystem& fs_;
  std::string root_;
};

}  // namespace

std::unique_ptr<TableCommitter> TableCommitter::Make(io::FileSystem& fs, std::string output_root,
                                                     std::string run_id) {
  if (fs.supports_rename()) {
    return std::make_unique<LocalCommitter>(fs, std::move(output_root), std::move(run_id));
  }
  return std::make_unique<ObjectStoreCommitter>(fs, std::move(output_root));
}

std::string success_manifest(const std::vector<std::string>& files) {
  std::string out = "{\"committer\":\"sparkify " SPARKIFY_VERSION "\",\"files\":[";
  for (size_t i = 0; i < files.size(); ++i) {
    if (i) out += ",";
    out += "\"" + json_escape(files[i]) + "\"";
  }
  return out + "]}\n";
}

std::optional<std::vector<std::string>> parse_success_manifest(std::string_view text) {
  // Reads back what success_manifest writes; anything else (an empty Spark `_SUCCESS`, a damaged
  // file) is nullopt, so no caller deletes files on the word of a manifest it cannot read.
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  size_t pos = text.find("\"files\":[");
  if (text.rfind("{\"committer\":\"sparkify", 0) != 0 || pos == std::string_view::npos) {
    return std::nullopt;
  }
  pos += 9;
  std::vector<std::string> files;
  while (pos < text.size() && text[pos] != ']') {
    if (text[pos] == ',') ++pos;
    if (pos >= text.size() || text[pos] != '"') return std::nullopt;
    ++pos;
    std::string value;
    while (pos < text.size() && text[pos] != '"') {
      if (text[pos] != '\\') {
        value.push_back(text[pos++]);
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

}  // namespace sparkify::sink
