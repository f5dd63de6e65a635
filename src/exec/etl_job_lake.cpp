// The ETL job's dealings with the lake: taking it (locations checked, locked, killed runs
// recovered), joining ranks to it, collecting every rank's staged files, and publishing them —
// table by table for a full run, as one load commit for an incremental one (exec/incremental.h).
#include <filesystem>
#include <numeric>
#include <string_view>
#include <unordered_set>

#include "common/kill_point.h"
#include "common/parallel.h"
#include "common/wire.h"
#include "exec/dist/rank_work.h"
#include "exec/etl_job_impl.h"

namespace sparkify::exec {

namespace {

// Normalizes a location for containment checks: s3a:// → s3://, local paths made absolute.
std::string normalized_location(const std::string& location) {
  std::string out;
  if (io::is_s3_url(location)) {
    out = location.rfind("s3a://", 0) == 0 ? "s3://" + location.substr(6) : location;
  } else {
    std::error_code ec;
    auto p = std::filesystem::weakly_canonical(std::filesystem::absolute(location, ec), ec);
    out = ec ? location : p.string();
  }
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  if (out.back() != '/') out.push_back('/');  // "/" stays "/": every local path is inside it
  return out;
}

bool is_inside(const std::string& inner, const std::string& outer) {
  std::string a = normalized_location(inner), b = normalized_location(outer);
  return a.rfind(b, 0) == 0;
}

}  // namespace

Status EtlJob::share_lake_base() {
  // Rank 0 found the newest commit (after recovering the lake); the others read the state it
  // names from the shared lake. An empty text: a first load into an empty lake.
  std::string text = cluster_.is_root() && base_.commit.version > 0
                         ? sink::commit_to_json(base_.commit, /*whole=*/true)
                         : std::string();
  SPARKIFY_ASSIGN_OR_RETURN(std::string got, cluster_.broadcast_string(text));
  Status st;
  if (!cluster_.is_root()) {
    st = [&]() -> Status {
      if (got.empty()) {
        base_ = empty_lake_base();
        return Status::OK();
      }
      SPARKIFY_ASSIGN_OR_RETURN(sink::LakeCommit commit, sink::parse_commit(got));
      // Rank 0 alone chooses the inputs: the others need no record of the ingested files.
      SPARKIFY_ASSIGN_OR_RETURN(base_, load_lake_base(*out_fs_, options_.output, std::move(commit),
                                                      options_.threads, false));
      return Status::OK();
    }();
  }
  return cluster_.agree(st.with_context("reading the lake's load state"));
}

void EtlJob::abandon() {
  if (!committer_) return;
  if (committed_) return;  // the lake holds this run's load; the next run finishes applying it
  for (const auto& [table, files] : staged_) (void)committer_->abort(table, files);
  // Another rank's uploads: only it can abort those it has not completed (rank 0 deletes the
  // completed ones, whose names it holds).
  for (const auto& table : own_uploads_) (void)committer_->abort(table, {});
  if (cluster_.is_root()) (void)committer_->finish();
}

Status EtlJob::open_lake() {
  SPARKIFY_RETURN_NOT_OK(reach_lake());
  return read_lake();
}

Status EtlJob::reach_lake() {
  SPARKIFY_RETURN_NOT_OK(check_locations());
  SPARKIFY_ASSIGN_OR_RETURN(out_fs_, io::make_file_system(options_.output, options_.storage));
  SPARKIFY_RETURN_NOT_OK(out_fs_->make_dirs(options_.output));
  SPARKIFY_ASSIGN_OR_RETURN(lock_, out_fs_->lock_directory(options_.output));
  return Status::OK();
}

Status EtlJob::read_lake() {
  // A load killed after its commit is finished before anything else touches the lake.
  auto recovered = recover_lake(*out_fs_, options_.output);
  // A damaged record stops an incremental load; a full run replaces it (forget_commits).
  if (!recovered.ok() && (incremental() || recovered.status().code() != ErrorCode::kCorrupt)) {
    return recovered.status();
  }
  std::optional<sink::LakeCommit> latest;
  if (recovered.ok()) latest = std::move(*recovered);
  committer_ = sink::TableCommitter::Make(*out_fs_, options_.output, run_id_);
  std::vector<std::string> tables;
  for (const auto* spec : model::all_table_specs()) {
    if (writes(*spec)) tables.push_back(spec->name);
  }
  SPARKIFY_RETURN_NOT_OK(committer_->recover(tables));
  if (!distributed() && options_.only == Only::kLogs && latest) {
    // The load record's song keys give exactly the join a full run made.
    SPARKIFY_ASSIGN_OR_RETURN(base_, load_lake_base(*out_fs_, options_.output, std::move(*latest),
                                                    options_.threads, false));
  }
  if (incremental()) {
    if (latest) {
      SPARKIFY_ASSIGN_OR_RETURN(base_, load_lake_base(*out_fs_, options_.output, std::move(*latest),
                                                      options_.threads, true));
    } else {
      SPARKIFY_RETURN_NOT_OK(check_empty_lake());
      base_ = empty_lake_base();
    }
  }
  return Status::OK();
}

Status EtlJob::check_empty_lake() {
  for (const auto* spec : model::all_table_specs()) {
    SPARKIFY_ASSIGN_OR_RETURN(bool exists,
                              out_fs_->exists(io::FileSystem::join(options_.output, spec->name)));
    if (!exists) continue;
    // A run that forgot the records left why; without that, the lake predates them.
    std::string why = "it was written by an older sparkify, by hand or by a run with --only";
    auto left = out_fs_->read(sink::unrecorded_path(options_.output));
    if (left.ok() && !left->empty()) why = std::string(left->view());
    return Status::NotFound("the lake at " + options_.output +
                            " has tables but no load record (_sparkify/commits/): " + why +
                            "; rebuild it once with --mode full");
  }
  return Status::OK();
}

Status EtlJob::join_lake() {
  auto run_id = cluster_.broadcast_string(run_id_);
  if (!run_id.ok()) return run_id.status();
  auto job_uuid = cluster_.broadcast_string(job_uuid_);
  if (!job_uuid.ok()) return job_uuid.status();
  if (cluster_.is_root()) return Status::OK();
  run_id_ = *run_id;
  job_uuid_ = *job_uuid;
  SPARKIFY_ASSIGN_OR_RETURN(out_fs_, io::make_file_system(options_.output, options_.storage));
  committer_ = sink::TableCommitter::Make(*out_fs_, options_.output, run_id_);
  return Status::OK();
}

Status EtlJob::check_locations() {
  for (const auto* input : {&options_.input, &options_.songs_input, &options_.logs_input}) {
    if (input->empty()) continue;
    if (is_inside(options_.output, *input)) {
      return Status::Invalid("the output " + options_.output + " is inside the input " + *input +
                             "; choose an output folder outside the input");
    }
    if (is_inside(*input, options_.output)) {
      return Status::Invalid("the input " + *input + " is inside the output " + options_.output +
                             ", which the run replaces");
    }
  }
  return Status::OK();
}

Status EtlJob::collect_staged() {
  if (!distributed()) return Status::OK();
  Bytes mine;
  WireWriter w(mine);
  w.put<uint64_t>(staged_.size());
  for (const auto& [table, files] : staged_) {
    w.put_string(table);
    Bytes names = encode_strings(files);
    w.put_string({reinterpret_cast<const char*>(names.data()), names.size()});
  }
  SPARKIFY_ASSIGN_OR_RETURN(auto all, cluster_.gather(mine, 0));
  if (!cluster_.is_root()) {
    // Pending uploads stay with the rank that started them: it completes them at publish.
    if (out_fs_->supports_pending_writes()) {
      for (const auto& [table, files] : staged_) own_uploads_.push_back(table);
    }
    staged_.clear();
    return Status::OK();
  }
  for (size_t r = 1; r < all.size(); ++r) {
    WireReader in(all[r]);
    uint64_t tables = 0;
    if (!in.get(tables)) return Status::Internal("a rank sent an unreadable file list");
    for (uint64_t t = 0; t < tables; ++t) {
      std::string table;
      std::string_view names;
      if (!in.get_string(table) || !in.get_view(names)) {
        return Status::Internal("a rank sent an unreadable file list");
      }
      auto* entry = staged_entry(table);
      SPARKIFY_RETURN_NOT_OK(decode_strings(as_bytes(names), entry->second));
    }
  }
  // Partitions of the tables several ranks wrote: the distinct folders of their files (35.7k
  // for the songs table on L: hashed views, not a tree of copies, which took 50 ms on rank 0
  // while the others waited).
  for (const auto& [table, files] : staged_) {
    TableReport* t = find_table(table);
    if (!t) continue;
    std::unordered_set<std::string_view> folders;
    folders.reserve(files.size());
    for (const auto& f : files) {
      size_t slash = f.rfind('/');
      folders.insert(std::string_view(f).substr(0, slash == std::string::npos ? 0 : slash));
    }
    t->partitions = folders.size();
  }
  return Status::OK();
}

std::span<const uint8_t> EtlJob::as_bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::pair<std::string, std::vector<std::string>>* EtlJob::staged_entry(const std::string& table) {
  for (auto& entry : staged_) {
    if (entry.first == table) return &entry;
  }
  staged_.emplace_back(table, std::vector<std::string>());
  return &staged_.back();
}

Status EtlJob::complete_staged(const std::string& table) {
  return cluster_.agree(committer_->complete_staged(table).with_context("publishing " + table));
}

Status EtlJob::publish() {
  auto start = Clock::now();
  const bool root = cluster_.is_root();  // holds every rank's file names (collect_staged)
  if (root) set_stage(progress_, Stage::kPublishing, staged_.size());
  // Publish in the lake's table order, whatever order the tables were written in.
  std::vector<std::pair<std::string, std::vector<std::string>>> ordered;
  for (const auto* spec : model::all_table_specs()) {
    for (auto& entry : staged_) {
      if (entry.first == spec->name) ordered.push_back(std::move(entry));
    }
  }
  staged_.clear();
  size_t published = 0;  // ordered[published..] are still staged
  // From the first replaced table on, no earlier load record describes the lake. Should the run
  // stop before its own record, the lake says why it has none.
  std::string why = options_.only == Only::kAll
                        ? std::string(sink::kFullRunStopped)
                        : std::string("it was written by a run with --only ") +
                              (options_.only == Only::kSongs ? "songs" : "logs");
  Status st = cluster_.agree(root ? forget_commits(*out_fs_, options_.output, why) : Status::OK());
  // Every rank goes through every table, so the collectives line up.
  for (const auto* spec : model::all_table_specs()) {
    if (st.ok()) st = complete_staged(spec->name);
    if (!st.ok()) break;
    bool mine = root && published < ordered.size() && ordered[published].first == spec->name;
    Status done = Status::OK();
    if (mine) {
      const auto& [table, files] = ordered[published];
      done = committer_->publish(table, files, published_rows(table))
                 .with_context("publishing " + table);
    }
    st = cluster_.agree(done);
    if (mine && done.ok()) {
      ++published;
      count_file(progress_, 0, 0);
      kill_point("published-" + spec->name);
    }
  }
  if (!st.ok()) {
    for (size_t j = published; j < ordered.size(); ++j) staged_.push_back(std::move(ordered[j]));
    return st;
  }
  // Under mpirun (one thread per rank, as a rule) the last rank writes the record's song keys
  // while rank 0 serializes the record: 0.06 and 0.04 s on L, which rank 0 did in turn.
  const bool keys_on_last_rank = records_inputs() && distributed();
  if (!root) return keys_on_last_rank ? write_song_keys_elsewhere() : Status::OK();
  report_.published = true;
  if (records_inputs()) {
    // The record later incremental loads start from.
    sink::LakeCommit commit = next_commit("full");
    for (auto& [table, files] : ordered) {
      if (auto rows = published_rows(table)) commit.rows[table] = *rows;
      commit.tables[table] = std::move(files);  // published: the names are needed only here
    }
    SPARKIFY_RETURN_NOT_OK(write_commit(commit, keys_on_last_rank));
    SPARKIFY_RETURN_NOT_OK(out_fs_->remove_files({sink::unrecorded_path(options_.output)}));
  }
  SPARKIFY_RETURN_NOT_OK(committer_->finish());
  report_.stages.push_back({"publish", seconds_since(start), 0, 0, 0});
  return Status::OK();
}

std::optional<uint64_t> EtlJob::published_rows(const std::string& table) const {
  if (distributed()) return std::nullopt;
  for (const auto& t : report_.tables) {
    if (t.name == table && !t.appended) return t.rows;
  }
  return std::nullopt;
}

sink::LakeCommit EtlJob::next_commit(const char* mode) {
  sink::LakeCommit commit;
  commit.version = base_.commit.version + 1;
  commit.run = run_id_;
  commit.mode = mode;
  commit.songplays = base_.commit.songplays + static_cast<int64_t>(report_.songplays);
  commit.state = state_folder();
  commit.rows = base_.commit.rows;
  commit.input_files = base_.inputs.num_rows + taken_.size();
  // A whole record's state holds every ingested file: the base's, then this run's (kept by the
  // table, not copied); a change's only this run's.
  if (std::string_view(mode) == "full" || sink::next_record_is_whole(base_.commit)) {
    commit.checkpoint = commit.version;
    commit.chain_states = {commit.state};
    ingested_ = ingested_after(base_.inputs, std::move(taken_));
  } else {
    commit.base = base_.commit.version;
    commit.checkpoint = base_.commit.checkpoint;
    commit.chain_states = base_.commit.chain_states;
    commit.chain_states.push_back(commit.state);
    ingested_ = ingested_after(model::TableData{}, std::move(taken_));
  }
  taken_.clear();
  return commit;
}

void EtlJob::update_rows(sink::LakeCommit& commit, const std::string& table, bool appended) const {
  auto it = commit.rows.find(table);
  for (const auto& t : report_.tables) {
    if (t.name != table) continue;
    if (!appended) {
      commit.rows[table] = t.rows;
    } else if (it != commit.rows.end()) {
      it->second += t.rows;
    }
    return;
  }
  if (it != commit.rows.end()) commit.rows.erase(it);
}

Status EtlJob::write_song_keys(const std::string& state, bool change) {
  // Keys only grow: the prior ones, then the added songs'. A change's state holds the added ones
  // (none: no table at all); a whole record's every key.
  const size_t prior = base_.song_keys.num_rows;
  if (change) {
    if (song_keys_.num_rows == prior) return Status::OK();
    std::vector<uint32_t> added(song_keys_.num_rows - prior);
    std::iota(added.begin(), added.end(), static_cast<uint32_t>(prior));
    return write_song_key_state(*out_fs_, state, model::take_rows(song_keys_, added));
  }
  // A whole record when no load of the chain added songs: the one state's file that holds them
  // all is linked, not encoded again (0.03 s of an L load's publish), where the store can link.
  if (incremental() && !base_.song_keys_state.empty() && song_keys_.num_rows == prior) {
    Status linked = link_song_key_state(
        *out_fs_, io::FileSystem::join(options_.output, base_.song_keys_state), state);
    if (linked.code() != ErrorCode::kNotSupported && linked.code() != ErrorCode::kNotFound) {
      return linked;
    }
  }
  return write_song_key_state(*out_fs_, state, song_keys_);
}

Status EtlJob::write_song_keys_elsewhere() {
  Status st = cluster_.rank() == cluster_.size() - 1
                  ? write_song_keys(io::FileSystem::join(options_.output, state_folder()), false)
                  : Status::OK();
  return cluster_.agree(st.with_context("writing the lake's load state"));
}

Status EtlJob::write_commit(const sink::LakeCommit& commit, bool keys_on_last_rank) {
  kill_point("before-state");
  std::string state = io::FileSystem::join(options_.output, commit.state);
  // The state's parts are written, and the record serialized, side by side.
  std::string json;
  Status st = parallel_for(4, options_.threads, [&](size_t task, int) -> Status {
    switch (task) {
      case 0:
        if (!keys_on_last_rank) SPARKIFY_RETURN_NOT_OK(write_song_keys(state, commit.base != 0));
        return write_reject_state(*out_fs_, state, song_rejects_, log_rejects_);
      case 1:
        // Under mpirun every rank has written its share of the users' state already.
        return distributed() ? Status::OK() : write_user_state(*out_fs_, state, user_latest_, 0);
      case 2:
        return write_input_state(*out_fs_, state, ingested_);
      default:
        json = sink::commit_to_json(commit);
        return Status::OK();
    }
  });
  st = st.with_context("writing the lake's load state");
  // Every rank's part of the state is written before the record names it.
  if (keys_on_last_rank) st = cluster_.agree(st);
  SPARKIFY_RETURN_NOT_OK(st);
  kill_point("before-commit");
  SPARKIFY_RETURN_NOT_OK(sink::write_commit_json(*out_fs_, options_.output, commit.version, json)
                             .with_context("writing the lake's load record"));
  kill_point("after-commit");
  committed_ = true;
  report_.load.lake_version = commit.version;
  return Status::OK();
}

Status EtlJob::publish_load() {
  auto start = Clock::now();
  // New files made visible first (object stores), time first: every rank completes its own.
  if (!out_fs_->supports_rename()) {
    for (const char* table : kLoadOrder) {
      SPARKIFY_RETURN_NOT_OK(complete_staged(table));
      kill_point(std::string("completed-") + table);
    }
  }
  if (!cluster_.is_root()) return Status::OK();
  set_stage(progress_, Stage::kPublishing, staged_.size());
  sink::LakeCommit commit = next_commit("incremental");
  commit.tables = std::move(base_.commit.tables);
  for (auto& [table, files] : staged_) {
    bool appended = false;
    for (const auto& t : report_.tables) {
      if (t.name == table) appended = t.appended;
    }
    auto& all = commit.tables[table];
    if (!appended) {
      commit.removed[table] = all;
      all.clear();
    }
    update_rows(commit, table, appended);
    all.insert(all.end(), files.begin(), files.end());
    commit.added[table] = files;
  }
  SPARKIFY_RETURN_NOT_OK(write_commit(commit));
  staged_.clear();
  SPARKIFY_RETURN_NOT_OK(apply_commit(*out_fs_, options_.output, commit));
  report_.published = true;
  kill_point("applied");
  SPARKIFY_RETURN_NOT_OK(committer_->finish());
  // A whole record makes the previous chain obsolete; a change, the previous state but its
  // growing tables (song keys, ingested files).
  if (base_.commit.version > 0) {
    if (commit.base == 0) {
      std::vector<std::string> records;
      for (uint64_t v = base_.commit.checkpoint; v <= base_.commit.version; ++v) {
        records.push_back(sink::commit_path(options_.output, v));
      }
      SPARKIFY_RETURN_NOT_OK(out_fs_->remove_files(records));
    }
    SPARKIFY_RETURN_NOT_OK(prune_states(*out_fs_, options_.output, &commit));
  }
  report_.stages.push_back({"publish", seconds_since(start), 0, 0, 0});
  return Status::OK();
}

}  // namespace sparkify::exec
