#include "exec/incremental.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>

#include "common/civil_date.h"
#include "common/hash.h"
#include "common/kill_point.h"
#include "common/parallel.h"
#include "lake/lake_reader.h"
#include "lake/manifest.h"
#include "parquet/file_reader.h"
#include "parquet/metadata.h"
#include "sink/commit.h"
#include "sink/dataset_writer.h"
#include "transform/log_tables.h"
#include "transform/song_tables.h"

namespace sparkify::exec {

namespace {

using io::FileSystem;

constexpr const char* kSongRejects = "rejects/songs.jsonl";
constexpr const char* kLogRejects = "rejects/logs.jsonl";

// A table of the lake (or of its state), empty when its folder does not exist.
Result<model::TableData> read_table_or_empty(FileSystem& fs, const std::string& root,
                                             const model::TableSpec& spec, int threads) {
  auto table = lake::read_lake_table(fs, root, spec, threads);
  if (table.ok()) return std::move(table->data);
  if (table.status().code() == ErrorCode::kNotFound) return model::empty_typed_table(spec);
  return table.status();
}

Result<std::string> read_text_or_empty(FileSystem& fs, const std::string& path) {
  auto bytes = fs.read(path);
  if (bytes.ok()) return std::string(bytes->view());
  if (bytes.status().code() == ErrorCode::kNotFound) return std::string();
  return bytes.status();
}

// The record's entries under one root, found by their names below it (the recorded name less
// the root's prefix): an open-addressing table of row indices, built in one pass with no node or
// string per entry (50k entries on L). The first row of a name is the one found.
class KnownInputs {
 public:
  KnownInputs(const model::TableData* known, std::string_view prefix) : prefix_(prefix.size()) {
    if (!known || known->num_rows == 0) return;
    const model::Column& paths = model::column(*known, "path");
    paths_.reserve(known->num_rows);
    for (size_t i = 0; i < known->num_rows; ++i) paths_.push_back(paths.string_at(i));
    size_t capacity = 16;
    while (capacity < paths_.size() * 2) capacity <<= 1;
    slots_.assign(capacity, kEmpty);
    for (size_t i = 0; i < paths_.size(); ++i) {
      if (!paths_[i].starts_with(prefix)) continue;
      uint32_t& slot = slots_[probe(paths_[i].substr(prefix_))];
      if (slot == kEmpty) slot = static_cast<uint32_t>(i);
    }
  }

  /// The row recording `relative`, or -1.
  int64_t find(std::string_view relative) const {
    if (slots_.empty()) return -1;
    uint32_t i = slots_[probe(relative)];
    return i == kEmpty ? -1 : static_cast<int64_t>(i);
  }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;

  // The slot holding `relative`, or the empty one where it would go.
  size_t probe(std::string_view relative) const {
    const size_t mask = slots_.size() - 1;
    for (size_t s = hash_bytes(relative.data(), relative.size()) & mask;; s = (s + 1) & mask) {
      if (slots_[s] == kEmpty || paths_[slots_[s]].substr(prefix_) == relative) return s;
    }
  }

  size_t prefix_;
  std::vector<std::string_view> paths_;
  std::vector<uint32_t> slots_;
};

}  // namespace

Result<InputChoice> choose_inputs(io::FileSystem& fs, std::vector<source::InputFile> files,
                                  const std::string& name_prefix, const model::TableData* known,
                                  const std::string& run, int threads) {
  // A listing without versions (local folders) is completed with one stat per file.
  SPARKIFY_RETURN_NOT_OK(parallel_for(files.size(), threads, [&](size_t i, int) -> Status {
    if (!files[i].version.empty()) return Status::OK();
    auto info = fs.stat(files[i].path);
    // A store whose listing gave no version and that cannot stat: the size alone identifies.
    if (!info.ok() && info.status().code() == ErrorCode::kNotSupported) return Status::OK();
    SPARKIFY_RETURN_NOT_OK(info.status());
    files[i].size = info->size;
    files[i].version = std::move(info->version);
    return Status::OK();
  }));
  const KnownInputs seen(known, name_prefix);
  // Lookups and the new files' recorded names on the threads, then the lists in file order; the
  // first changed input by file order is the one reported.
  std::vector<int64_t> before(files.size(), -1);
  std::vector<std::string> recorded(files.size());
  constexpr size_t kBlock = 4096;
  SPARKIFY_RETURN_NOT_OK(
      parallel_for((files.size() + kBlock - 1) / kBlock, threads, [&](size_t b, int) -> Status {
        for (size_t i = b * kBlock; i < std::min(files.size(), (b + 1) * kBlock); ++i) {
          before[i] = seen.find(files[i].relative);
          if (before[i] < 0) recorded[i] = name_prefix + files[i].relative;
        }
        return Status::OK();
      }));
  InputChoice choice;
  auto fresh = static_cast<size_t>(std::count(before.begin(), before.end(), -1));
  choice.taken.reserve(fresh);
  choice.take.reserve(fresh);
  const bool any_known = fresh < files.size();  // then `known` has rows
  const std::vector<int64_t>* known_sizes = nullptr;
  const model::Column *known_versions = nullptr, *known_runs = nullptr;
  if (any_known) {
    known_sizes = &std::get<std::vector<int64_t>>(model::column(*known, "size").values);
    known_versions = &model::column(*known, "version");
    known_runs = &model::column(*known, "run");
  }
  for (size_t i = 0; i < files.size(); ++i) {
    source::InputFile& file = files[i];
    if (before[i] >= 0) {
      auto row = static_cast<size_t>(before[i]);
      auto size = static_cast<uint64_t>((*known_sizes)[row]);
      if (size != file.size || known_versions->string_at(row) != file.version) {
        // The size says it best; with the same size, the version (a local file's modification
        // time in nanoseconds, an S3 object's ETag) is what changed.
        std::string how =
            size != file.size
                ? std::to_string(size) + " bytes then, " + std::to_string(file.size) + " now"
                : "the same " + std::to_string(size) +
                      " bytes, but its modification time or ETag changed: " +
                      std::string(known_versions->string_at(row)) + " then, " + file.version +
                      " now";
        return Status::Invalid(
            "the input " + name_prefix + file.relative + " was loaded into the lake by run " +
            std::string(known_runs->string_at(row)) + " and has changed since (" + how +
            "); rebuild the lake with --mode full");
      }
      ++choice.skipped;
      continue;
    }
    choice.taken.push_back({std::move(recorded[i]), file.size, file.version, run});
    choice.take.push_back(std::move(file));
  }
  return choice;
}

model::TableData ingested_after(const model::TableData& before,
                                std::vector<sink::IngestedFile> taken) {
  auto owned = std::make_shared<std::vector<sink::IngestedFile>>(std::move(taken));
  const size_t rows = before.num_rows + owned->size();
  std::vector<std::string_view> path, version, run;
  std::vector<int64_t> size;
  for (auto* v : {&path, &version, &run}) v->reserve(rows);
  size.reserve(rows);
  if (before.num_rows > 0) {
    const model::Column& p = model::column(before, "path");
    const model::Column& v = model::column(before, "version");
    const model::Column& r = model::column(before, "run");
    const auto& s = std::get<std::vector<int64_t>>(model::column(before, "size").values);
    for (size_t i = 0; i < before.num_rows; ++i) {
      path.push_back(p.string_at(i));
      version.push_back(v.string_at(i));
      run.push_back(r.string_at(i));
    }
    size.insert(size.end(), s.begin(), s.end());
  }
  for (const sink::IngestedFile& f : *owned) {
    path.push_back(f.path);
    size.push_back(static_cast<int64_t>(f.size));
    version.push_back(f.version);
    run.push_back(f.run);
  }
  model::TableData t = model::empty_table(sink::ingested_files_spec(), rows);
  model::bind(t, "path", {std::move(path), {}});
  model::bind(t, "size", {std::move(size), {}});
  model::bind(t, "version", {std::move(version), {}});
  model::bind(t, "run", {std::move(run), {}});
  t.owners = before.owners;
  t.owners.push_back(std::move(owned));
  return t;
}

Result<LakeBase> load_lake_base(io::FileSystem& fs, const std::string& root,
                                sink::LakeCommit commit, int threads, bool with_inputs) {
  LakeBase base;
  std::string state = FileSystem::join(root, commit.state);
  // The tables that only grow, from every state of the chain (at once on S3), in order: the whole
  // record's, then each change's additions (a record listing its inputs inline: its own state).
  const std::vector<std::string> states =
      commit.chain_states.empty() ? std::vector<std::string>{commit.state} : commit.chain_states;
  const bool read_inputs = with_inputs && commit.inline_inputs.empty();
  std::vector<model::TableData> keys(states.size()), inputs(read_inputs ? states.size() : 0);
  SPARKIFY_RETURN_NOT_OK(parallel_for(
      states.size() * (read_inputs ? 2 : 1), fs.preferred_read_concurrency(),
      [&](size_t task, int) -> Status {
        size_t i = task % states.size();
        std::string dir = FileSystem::join(root, states[i]);
        if (task < states.size()) {
          SPARKIFY_ASSIGN_OR_RETURN(
              keys[i], read_table_or_empty(fs, dir, transform::song_keys_spec(), threads));
        } else {
          SPARKIFY_ASSIGN_OR_RETURN(
              inputs[i], read_table_or_empty(fs, dir, sink::ingested_files_spec(), threads));
        }
        return Status::OK();
      }));
  size_t holding = 0;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i].num_rows == 0) continue;
    ++holding;
    base.song_keys_state = states[i];
  }
  if (holding != 1) base.song_keys_state.clear();
  base.song_keys = model::concat_tables(std::move(keys));
  if (!with_inputs) {
    base.inputs = model::empty_typed_table(sink::ingested_files_spec());
  } else if (!read_inputs) {
    base.inputs = ingested_after(model::TableData{}, std::move(commit.inline_inputs));
  } else {
    base.inputs = model::concat_tables(std::move(inputs));
    if (base.inputs.num_rows != commit.input_files) {
      std::string where = states.size() == 1 ? state
                                             : "the " + std::to_string(states.size()) +
                                                   " state folders of its chain";
      return Status::Corrupt("the lake's load record counts " + std::to_string(commit.input_files) +
                             " ingested input files but " + where + " holds " +
                             std::to_string(base.inputs.num_rows) +
                             "; rebuild the lake with --mode full");
    }
  }
  SPARKIFY_ASSIGN_OR_RETURN(base.user_latest,
                            read_table_or_empty(fs, state, transform::user_latest_spec(), threads));
  SPARKIFY_ASSIGN_OR_RETURN(base.artists,
                            read_table_or_empty(fs, root, model::artists_spec(), threads));
  SPARKIFY_ASSIGN_OR_RETURN(base.users,
                            read_table_or_empty(fs, root, model::users_spec(), threads));
  SPARKIFY_ASSIGN_OR_RETURN(base.song_rejects,
                            read_text_or_empty(fs, FileSystem::join(state, kSongRejects)));
  SPARKIFY_ASSIGN_OR_RETURN(base.log_rejects,
                            read_text_or_empty(fs, FileSystem::join(state, kLogRejects)));
  base.commit = std::move(commit);
  return base;
}

namespace {

Status write_state_table(io::FileSystem& fs, const std::string& dir, const model::TableData& table,
                         size_t first_file) {
  sink::DatasetWriteOptions options;
  options.job_uuid = "state";
  options.first_file_index = first_file;
  std::string table_dir = FileSystem::join(dir, table.spec->name);
  SPARKIFY_RETURN_NOT_OK(fs.make_dirs(table_dir));
  return sink::write_dataset(fs, table_dir, table, options).status();
}

}  // namespace

Status write_song_key_state(io::FileSystem& fs, const std::string& dir,
                            const model::TableData& song_keys) {
  return write_state_table(fs, dir, song_keys, 0);
}

Status write_reject_state(io::FileSystem& fs, const std::string& dir,
                          const std::string& song_rejects, const std::string& log_rejects) {
  SPARKIFY_RETURN_NOT_OK(fs.write_text(FileSystem::join(dir, kSongRejects), song_rejects));
  return fs.write_text(FileSystem::join(dir, kLogRejects), log_rejects);
}

Status write_input_state(io::FileSystem& fs, const std::string& dir,
                         const model::TableData& inputs) {
  return write_state_table(fs, dir, inputs, 0);
}

Status link_song_key_state(io::FileSystem& fs, const std::string& from_dir,
                           const std::string& dir) {
  const std::string& name = transform::song_keys_spec().name;
  std::string from = FileSystem::join(from_dir, name);
  std::string to = FileSystem::join(dir, name);
  SPARKIFY_ASSIGN_OR_RETURN(auto files, fs.list(from));
  if (files.empty()) return Status::NotFound(from + " holds no song keys");
  for (const auto& file : files) {
    SPARKIFY_RETURN_NOT_OK(
        fs.link_file(FileSystem::join(from, file.path), FileSystem::join(to, file.path)));
  }
  return Status::OK();
}

Status write_user_state(io::FileSystem& fs, const std::string& dir,
                        const model::TableData& user_latest, size_t first_file) {
  return write_state_table(fs, dir, user_latest, first_file);
}

namespace {

// One row group of a lake time file: its start-time range (epoch ms, from the footer's
// statistics; the widest range when it has none) and, once a batch reached it, its values.
struct TimeGroup {
  std::string path;
  int row_group = 0;
  int64_t min = INT64_MIN, max = INT64_MAX;
  bool loaded = false;
  std::vector<int64_t> values;  // ascending
};

int64_t stat_micros(const std::optional<std::string>& bytes, int64_t fallback) {
  if (!bytes || bytes->size() != sizeof(int64_t)) return fallback;
  int64_t v;
  std::memcpy(&v, bytes->data(), sizeof v);
  return v;
}

// The row groups of a partition's time files, with their ranges from the footers.
Result<std::vector<TimeGroup>> time_groups(io::FileSystem& fs, const std::string& time_dir,
                                           const std::vector<std::string>& files) {
  std::vector<TimeGroup> groups;
  for (const auto& rel : files) {
    std::string path = FileSystem::join(time_dir, rel);
    SPARKIFY_ASSIGN_OR_RETURN(Buffer bytes, fs.read(path));
    SPARKIFY_ASSIGN_OR_RETURN(auto reader, parquet::FileReader::Open(bytes.bytes(), path));
    int column = -1;
    for (size_t c = 0; c < reader->schema().columns.size(); ++c) {
      if (reader->schema().columns[c].name == "start_time") column = static_cast<int>(c);
    }
    const auto& row_groups = reader->metadata().row_groups;
    for (size_t rg = 0; rg < row_groups.size(); ++rg) {
      TimeGroup g;
      g.path = path;
      g.row_group = static_cast<int>(rg);
      const auto& chunks = row_groups[rg].columns;
      if (column >= 0 && static_cast<size_t>(column) < chunks.size() && chunks[column].meta_data &&
          chunks[column].meta_data->statistics &&
          reader->schema().columns[column].logical == parquet::LogicalType::kTimestampMicros) {
        const auto& st = *chunks[column].meta_data->statistics;
        g.min = floor_div(stat_micros(st.min_value, INT64_MIN), 1000);
        g.max = floor_div(stat_micros(st.max_value, INT64_MAX), 1000);
      }
      groups.push_back(std::move(g));
    }
  }
  return groups;
}

Status load_group(io::FileSystem& fs, TimeGroup& g) {
  const model::TableSpec& spec = model::time_spec();
  const model::ColumnSpec& start_time =
      spec.columns[static_cast<size_t>(spec.column_index("start_time"))];
  SPARKIFY_ASSIGN_OR_RETURN(Buffer bytes, fs.read(g.path));
  SPARKIFY_ASSIGN_OR_RETURN(auto reader, parquet::FileReader::Open(bytes.bytes(), g.path));
  SPARKIFY_ASSIGN_OR_RETURN(auto column,
                            lake::read_lake_column(*reader, g.row_group, start_time, g.path));
  for (int64_t micros : std::get<std::vector<int64_t>>(column.values)) {
    g.values.push_back(floor_div(micros, 1000));
  }
  if (!std::is_sorted(g.values.begin(), g.values.end()))
    std::sort(g.values.begin(), g.values.end());
  g.loaded = true;
  return Status::OK();
}

}  // namespace

LogStage::TimeFilter lake_time_filter(io::FileSystem& fs, const std::string& root,
                                      std::vector<std::string> time_files) {
  // Per (year, month): the partition's row groups. Only those whose range meets a batch's are
  // read: a new day's start times usually lie past every range, so nothing is.
  using Partition = std::pair<int64_t, int64_t>;
  auto partitions = std::make_shared<std::map<Partition, std::vector<TimeGroup>>>();
  std::string time_dir = FileSystem::join(root, model::time_spec().name);
  auto files = std::make_shared<std::vector<std::string>>(std::move(time_files));
  auto groups_of = [&fs, partitions, files,
                    time_dir](Partition p) -> Result<std::vector<TimeGroup>*> {
    auto it = partitions->find(p);
    if (it != partitions->end()) return &it->second;
    std::string prefix =
        "year=" + std::to_string(p.first) + "/month=" + std::to_string(p.second) + "/";
    std::vector<std::string> mine;
    for (const auto& rel : *files) {
      if (rel.rfind(prefix, 0) == 0) mine.push_back(rel);
    }
    SPARKIFY_ASSIGN_OR_RETURN(auto groups, time_groups(fs, time_dir, mine));
    return &partitions->emplace(p, std::move(groups)).first->second;
  };
  return [&fs, groups_of](std::span<const int64_t> sorted, std::vector<int64_t>& kept) -> Status {
    size_t i = 0;
    while (i < sorted.size()) {
      // The run of this batch's values in one (year, month).
      CivilDate date = civil_from_days(floor_div(sorted[i], 86'400'000));
      Partition p{date.year, date.month};
      size_t j = i + 1;
      while (j < sorted.size()) {
        CivilDate d = civil_from_days(floor_div(sorted[j], 86'400'000));
        if (d.year != date.year || d.month != date.month) break;
        ++j;
      }
      SPARKIFY_ASSIGN_OR_RETURN(std::vector<TimeGroup> * groups, groups_of(p));
      std::vector<TimeGroup*> overlapping;
      for (auto& g : *groups) {
        if (g.max < sorted[i] || g.min > sorted[j - 1]) continue;
        if (!g.loaded) SPARKIFY_RETURN_NOT_OK(load_group(fs, g));
        overlapping.push_back(&g);
      }
      for (size_t k = i; k < j; ++k) {
        bool known = false;
        for (const TimeGroup* g : overlapping) {
          if (std::binary_search(g->values.begin(), g->values.end(), sorted[k])) {
            known = true;
            break;
          }
        }
        if (!known) kept.push_back(sorted[k]);
      }
      i = j;
    }
    return Status::OK();
  };
}

Status apply_commit(io::FileSystem& fs, const std::string& root, const sink::LakeCommit& commit) {
  for (const char* table : kLoadOrder) {
    auto added = commit.added.find(table);
    auto removed = commit.removed.find(table);
    if (added == commit.added.end() && removed == commit.removed.end()) continue;
    std::string live = FileSystem::join(root, table);
    if (added != commit.added.end() && fs.supports_rename()) {
      std::string staged = sink::local_staging_dir(root, commit.run, table);
      for (const auto& file : added->second) {
        std::string to = FileSystem::join(live, file);
        Status moved = fs.rename_file(FileSystem::join(staged, file), to);
        if (moved.ok()) continue;
        // Moved by an earlier attempt at this commit?
        SPARKIFY_ASSIGN_OR_RETURN(bool there, fs.exists(to));
        if (!there) return moved;
      }
    }
    if (removed != commit.removed.end()) {
      std::vector<std::string> paths;
      for (const auto& file : removed->second) paths.push_back(FileSystem::join(live, file));
      SPARKIFY_RETURN_NOT_OK(fs.remove_files(paths));
    }
    auto files = commit.tables.find(table);
    auto rows = commit.rows.find(table);
    SPARKIFY_RETURN_NOT_OK(fs.write_text(
        FileSystem::join(live, "_SUCCESS"),
        lake::success_manifest(
            files == commit.tables.end() ? std::vector<std::string>() : files->second,
            rows == commit.rows.end() ? std::nullopt : std::optional<uint64_t>(rows->second))));
    kill_point(std::string("applied-") + table);
  }
  std::string state = FileSystem::join(root, commit.state);
  std::string rejects = FileSystem::join(root, "_rejects");
  SPARKIFY_ASSIGN_OR_RETURN(std::string songs,
                            read_text_or_empty(fs, FileSystem::join(state, kSongRejects)));
  SPARKIFY_ASSIGN_OR_RETURN(std::string logs,
                            read_text_or_empty(fs, FileSystem::join(state, kLogRejects)));
  SPARKIFY_RETURN_NOT_OK(fs.write_text(FileSystem::join(rejects, "songs.jsonl"), songs));
  return fs.write_text(FileSystem::join(rejects, "logs.jsonl"), logs);
}

Result<std::optional<sink::LakeCommit>> recover_lake(io::FileSystem& fs, const std::string& root) {
  SPARKIFY_ASSIGN_OR_RETURN(sink::CommitLog log, sink::read_commit_log(fs, root));
  if (log.latest && log.latest->mode == "incremental") {
    SPARKIFY_ASSIGN_OR_RETURN(bool died,
                              fs.exists(sink::run_trace_path(fs, root, log.latest->run)));
    if (died) {
      SPARKIFY_RETURN_NOT_OK(apply_commit(fs, root, *log.latest)
                                 .with_context("finishing the load of run " + log.latest->run));
    }
  }
  if (!log.obsolete.empty()) SPARKIFY_RETURN_NOT_OK(fs.remove_files(log.obsolete));
  SPARKIFY_RETURN_NOT_OK(prune_states(fs, root, log.latest ? &*log.latest : nullptr));
  return std::move(log.latest);
}

Status prune_states(io::FileSystem& fs, const std::string& root, const sink::LakeCommit* latest) {
  std::string states = sink::states_dir(root);
  auto listed = fs.list(states);
  if (!listed.ok()) {
    return listed.status().code() == ErrorCode::kNotFound ? Status::OK() : listed.status();
  }
  std::string whole = latest ? FileSystem::join(root, latest->state) : std::string();
  std::vector<std::string> chain;  // the older records' states (and the newest's)
  if (latest) {
    for (const auto& s : latest->chain_states) chain.push_back(FileSystem::join(root, s));
  }
  std::vector<std::string> doomed_dirs, doomed_files;
  auto doom_dir = [&](std::string dir) {
    if (std::find(doomed_dirs.begin(), doomed_dirs.end(), dir) == doomed_dirs.end()) {
      doomed_dirs.push_back(std::move(dir));
    }
  };
  for (const auto& info : *listed) {
    size_t slash = info.path.find('/');
    std::string dir = FileSystem::join(states, info.path.substr(0, slash));
    if (dir == whole) continue;
    if (std::find(chain.begin(), chain.end(), dir) == chain.end()) {
      doom_dir(dir);
      continue;
    }
    // A folder of the chain: all but its growing tables (each a folder; or a file beside them).
    if (slash == std::string::npos) continue;
    size_t end = info.path.find('/', slash + 1);
    std::string part =
        info.path.substr(slash + 1, end == std::string::npos ? end : end - slash - 1);
    if (part == sink::ingested_files_spec().name || part == transform::song_keys_spec().name) {
      continue;
    }
    if (end == std::string::npos) {
      doomed_files.push_back(FileSystem::join(states, info.path));
    } else {
      doom_dir(FileSystem::join(dir, part));
    }
  }
  if (!doomed_files.empty()) SPARKIFY_RETURN_NOT_OK(fs.remove_files(doomed_files));
  // At once where the store wants requests in flight: on S3 each is a listing and a delete (a
  // whole record retires ten states).
  return parallel_for(doomed_dirs.size(), fs.preferred_read_concurrency(),
                      [&](size_t i, int) { return fs.remove_all(doomed_dirs[i]); });
}

LakeBase empty_lake_base() {
  LakeBase base;
  base.song_keys = empty_typed_table(transform::song_keys_spec());
  base.user_latest = empty_typed_table(transform::user_latest_spec());
  base.artists = empty_typed_table(model::artists_spec());
  base.users = empty_typed_table(model::users_spec());
  base.inputs = empty_typed_table(sink::ingested_files_spec());
  base.commit.mode = "none";
  return base;
}

Status forget_commits(io::FileSystem& fs, const std::string& root, std::string_view why) {
  SPARKIFY_RETURN_NOT_OK(fs.write(sink::unrecorded_path(root),
                                  {reinterpret_cast<const uint8_t*>(why.data()), why.size()}));
  SPARKIFY_RETURN_NOT_OK(fs.remove_all(sink::commits_dir(root)));
  return fs.remove_all(sink::states_dir(root));
}

}  // namespace sparkify::exec
