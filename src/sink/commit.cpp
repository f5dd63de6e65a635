#include "sink/commit.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <unordered_set>

#include "common/json.h"
#include "common/version.h"
#include "lake/manifest.h"

namespace sparkify::sink {

namespace {

constexpr const char* kStaging = "_staging";
constexpr const char* kSuccess = "_SUCCESS";
constexpr const char* kControl = "_sparkify";  // no reader of *.parquet looks in here

class LocalCommitter final : public TableCommitter {
 public:
  LocalCommitter(io::FileSystem& fs, std::string root, std::string run_id)
      : fs_(fs),
        root_(std::move(root)),
        run_id_(std::move(run_id)),
        run_dir_(io::FileSystem::join(io::FileSystem::join(root_, kStaging), run_id_)) {}

  Status recover(const std::vector<std::string>&) override {
    // Every staging area is a dead run's: the caller holds the lake's lock, so no other run is
    // live.
    return fs_.remove_all(io::FileSystem::join(root_, kStaging));
  }

  std::string staging_dir(const std::string& table) const override {
    return local_staging_dir(root_, run_id_, table);
  }

  Status publish(const std::string& table, const std::vector<std::string>& files,
                 std::optional<uint64_t> rows) override {
    std::string staged = staging_dir(table);
    SPARKIFY_RETURN_NOT_OK(fs_.make_dirs(staged));
    SPARKIFY_RETURN_NOT_OK(fs_.write_text(io::FileSystem::join(staged, kSuccess),
                                          lake::success_manifest(files, rows)));
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
  std::string run_id_;
  std::string run_dir_;
};

// Hadoop S3A's "magic" committer, without the magic paths: every data file goes up as a
// multipart upload left pending, so nothing of a table is visible until publish() completes
// the uploads (in parallel), writes `_SUCCESS` and deletes the previous files. What readers can
// see mixed is only that short window. A record under OUT/_sparkify/runs/, written before any
// upload starts, tells the next run which tables a killed run was writing; it aborts their
// pending uploads (found with ListMultipartUploads) and deletes completed files no manifest
// names.
class ObjectStoreCommitter final : public TableCommitter {
 public:
  ObjectStoreCommitter(io::FileSystem& fs, std::string root, std::string run_id)
      : fs_(fs),
        root_(std::move(root)),
        runs_dir_(io::FileSystem::join(io::FileSystem::join(root_, kControl), "runs")),
        record_(io::FileSystem::join(runs_dir_, run_id + ".json")),
        run_id_(std::move(run_id)) {}

  Status recover(const std::vector<std::string>& tables) override {
    std::vector<std::string> dirty = tables;
    SPARKIFY_ASSIGN_OR_RETURN(std::vector<std::string> records, dead_runs(dirty));
    for (const auto& table : dirty) {
      SPARKIFY_ASSIGN_OR_RETURN(auto pending, fs_.list_pending(staging_dir(table)));
      SPARKIFY_RETURN_NOT_OK(fs_.abort_pending(pending));
    }
    for (const auto& table : dirty) SPARKIFY_RETURN_NOT_OK(remove_unlisted(table));
    if (!records.empty()) SPARKIFY_RETURN_NOT_OK(fs_.remove_files(records));
    // Before any upload starts, so a kill at any later moment leaves a trail.
    return fs_.write_text(record_, run_record(run_id_, tables));
  }

  std::string staging_dir(const std::string& table) const override {
    return io::FileSystem::join(root_, table);
  }

  io::PendingFiles* pending(const std::string& table) override {
    if (!fs_.supports_pending_writes()) return nullptr;
    auto& state = tables_[table];
    if (!state) state = std::make_unique<TableState>();
    return &state->pending;
  }

  Status complete_staged(const std::string& table) override {
    return settle(table, &io::FileSystem::complete_pending);
  }

  Status publish(const std::string& table, const std::vector<std::string>& files,
                 std::optional<uint64_t> rows) override {
    std::string dir = staging_dir(table);
    SPARKIFY_RETURN_NOT_OK(complete_staged(table));
    SPARKIFY_RETURN_NOT_OK(
        fs_.write_text(io::FileSystem::join(dir, kSuccess), lake::success_manifest(files, rows)));
    published_.insert(table);
    return remove_unlisted(table);
  }

  Status abort(const std::string& table, const std::vector<std::string>& files) override {
    // A published table is the lake's now; its files are named by its manifest.
    if (published_.count(table)) return Status::OK();
    Status aborted = abort_uncompleted(table);
    std::vector<std::string> paths;
    for (const auto& f : files) paths.push_back(io::FileSystem::join(staging_dir(table), f));
    Status removed = fs_.remove_files(paths);  // those a failed publish completed
    return aborted.ok() ? removed : aborted;
  }

  Status finish() override {
    Status status;
    for (const auto& [table, state] : tables_) {
      Status aborted = abort_uncompleted(table);
      if (status.ok()) status = aborted;
    }
    SPARKIFY_RETURN_NOT_OK(status);
    return fs_.remove_files({record_});
  }

 private:
  struct TableState {
    io::PendingFiles pending;                  // staged by the writers
    std::vector<io::PendingFile> uncompleted;  // taken by a call that failed part-way
  };

  Status abort_uncompleted(const std::string& table) {
    return settle(table, &io::FileSystem::abort_pending);
  }

  // Completes or aborts (`how`) the uploads the writers staged for `table` and those a failed
  // call left behind; they are forgotten once `how` succeeds.
  Status settle(const std::string& table,
                Status (io::FileSystem::*how)(const std::vector<io::PendingFile>&)) {
    auto it = tables_.find(table);
    if (it == tables_.end()) return Status::OK();
    TableState& state = *it->second;
    for (auto& file : state.pending.take()) state.uncompleted.push_back(std::move(file));
    SPARKIFY_RETURN_NOT_OK((fs_.*how)(state.uncompleted));
    state.uncompleted.clear();
    return Status::OK();
  }

  // The records of runs that died, and (added to `tables`) the tables they were writing.
  Result<std::vector<std::string>> dead_runs(std::vector<std::string>& tables) {
    auto listed = fs_.list(runs_dir_);
    if (!listed.ok()) {
      if (listed.status().code() == ErrorCode::kNotFound) return std::vector<std::string>();
      return listed.status();
    }
    std::vector<std::string> records;
    for (const auto& info : *listed) {
      std::string path = io::FileSystem::join(runs_dir_, info.path);
      SPARKIFY_ASSIGN_OR_RETURN(Buffer text, fs_.read(path));
      for (auto& table : parse_run_record(text.view()).value_or(std::vector<std::string>())) {
        // Only plain table names: a damaged record must not point the cleanup elsewhere.
        bool plain = !table.empty() && table.find_first_of("/.") == std::string::npos;
        if (plain && std::find(tables.begin(), tables.end(), table) == tables.end()) {
          tables.push_back(std::move(table));
        }
      }
      records.push_back(std::move(path));
    }
    return records;
  }

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
    auto files = lake::parse_success_manifest(manifest.view());
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
  std::string runs_dir_;
  std::string record_;
  std::string run_id_;
  std::map<std::string, std::unique_ptr<TableState>> tables_;
  std::set<std::string> published_;
};

}  // namespace

std::unique_ptr<TableCommitter> TableCommitter::Make(io::FileSystem& fs, std::string output_root,
                                                     std::string run_id) {
  if (fs.supports_rename()) {
    return std::make_unique<LocalCommitter>(fs, std::move(output_root), std::move(run_id));
  }
  return std::make_unique<ObjectStoreCommitter>(fs, std::move(output_root), std::move(run_id));
}

std::string local_staging_dir(const std::string& output_root, const std::string& run_id,
                              const std::string& table) {
  return io::FileSystem::join(
      io::FileSystem::join(io::FileSystem::join(output_root, kStaging), run_id), table);
}

std::string run_trace_path(io::FileSystem& fs, const std::string& output_root,
                           const std::string& run_id) {
  if (fs.supports_rename()) {
    return io::FileSystem::join(io::FileSystem::join(output_root, kStaging), run_id);
  }
  return io::FileSystem::join(
      io::FileSystem::join(io::FileSystem::join(output_root, kControl), "runs"), run_id + ".json");
}

std::string run_record(const std::string& run_id, const std::vector<std::string>& tables) {
  std::string out = "{\"committer\":\"sparkify " SPARKIFY_VERSION "\",\"run\":\"" +
                    json_escape(run_id) + "\",\"tables\":[";
  for (size_t i = 0; i < tables.size(); ++i) {
    if (i) out += ",";
    out += "\"" + json_escape(tables[i]) + "\"";
  }
  return out + "]}\n";
}

std::optional<std::vector<std::string>> parse_run_record(std::string_view text) {
  return parse_sparkify_string_list(text, "\"tables\":[");
}

}  // namespace sparkify::sink
