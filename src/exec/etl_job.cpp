#include "exec/etl_job.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>
#include <set>

#include "common/civil_date.h"
#include "common/hash.h"
#include "common/kill_point.h"
#include "common/uuid.h"
#include "common/wire.h"
#include "exec/dist/cluster.h"
#include "exec/dist/rank_work.h"
#include "exec/file_feeder.h"
#include "exec/incremental.h"
#include "exec/log_stage.h"
#include "exec/memory_plan.h"
#include "exec/spill.h"
#include "model/string_arena.h"
#include "parse/json_parsers.h"
#include "sink/commit.h"
#include "sink/dataset_writer.h"
#include "sink/lake_log.h"
#include "sink/lake_reader.h"
#include "sink/rejects_writer.h"
#include "source/discovery.h"
#include "transform/log_tables.h"
#include "transform/song_tables.h"

namespace sparkify::exec {

namespace {

using Clock = std::chrono::steady_clock;

// Rank r numbers its songs, users and songplays files from r * kRankFileStride (part-00000…,
// part-100000…), so ranks writing one folder never pick the same name.
constexpr size_t kRankFileStride = 100'000;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

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
  return out + "/";
}

bool is_inside(const std::string& inner, const std::string& outer) {
  std::string a = normalized_location(inner), b = normalized_location(outer);
  return a.rfind(b, 0) == 0;
}

void set_stage(Progress* progress, Stage stage, uint64_t files_total) {
  if (!progress) return;
  progress->files_total = files_total;
  progress->files_done = 0;
  progress->records = 0;
  progress->bytes = 0;
  progress->stage = static_cast<int>(stage);
}

void count_file(Progress* progress, uint64_t records, uint64_t bytes) {
  if (!progress) return;
  progress->files_done.fetch_add(1, std::memory_order_relaxed);
  progress->records.fetch_add(records, std::memory_order_relaxed);
  progress->bytes.fetch_add(bytes, std::memory_order_relaxed);
}

// What a stage leaves for the rest of the job.
struct SongStage {
  transform::SongTables tables;
  std::vector<model::RejectRecord> rejects;
  bool from_lake = false;
};

class EtlJob {
 public:
  EtlJob(const EtlOptions& options, Progress* progress, EtlReport& report, Cluster& cluster)
      : options_(options), progress_(progress), report_(report), cluster_(cluster) {}

  // Every rank goes through the same collectives in the same order; a rank that fails carries
  // its status to the next agree(), where every rank learns of it and stops.
  Status run() {
    report_.ranks = cluster_.size();
    report_.load.mode = options_.mode;
    if (incremental() && options_.only != Only::kAll) {
      return Status::Invalid(
          "--only cannot be combined with --mode incremental, which updates every table");
    }
    if (incremental() && distributed()) {
      // Every rank sees the same flags, so every rank stops here alike.
      return Status::NotSupported(
          "--mode incremental does not run under mpirun yet; run the daily load as one process");
    }
    SPARKIFY_RETURN_NOT_OK(cluster_.agree(cluster_.is_root() ? open_lake() : Status::OK()));
    if (distributed()) SPARKIFY_RETURN_NOT_OK(cluster_.agree(join_lake()));
    if (!distributed()) {
      // One process lists its input before anything else: an incremental load with nothing new
      // stops here, having changed nothing.
      if (options_.only != Only::kLogs) {
        SPARKIFY_ASSIGN_OR_RETURN(song_input_, find_inputs(options_.songs_input));
      }
      if (options_.only != Only::kSongs) {
        SPARKIFY_ASSIGN_OR_RETURN(log_input_, find_inputs(options_.logs_input));
      }
      prefound_ = true;
      if (incremental() && song_input_.files.empty() && log_input_.files.empty()) {
        report_.load.nothing_new = true;  // the lake already holds every input: nothing to do
        return committer_->finish();
      }
    }

    spill_ = std::make_unique<SpillDir>(options_.spill_dir);

    SongStage songs;
    if (options_.only == Only::kLogs) {
      auto loaded = load_songs_from_lake();
      SPARKIFY_RETURN_NOT_OK(cluster_.agree(loaded.status()));
      songs = std::move(loaded).value();
    } else {
      SPARKIFY_ASSIGN_OR_RETURN(songs, run_song_stage());
    }
    // The song index is the state that must be held at once; the rest of the limit is planned.
    release_free_memory();  // what the stage freed is not held: measure what is
    auto planned = plan_memory(options_.memory_limit, current_rss(), options_.threads);
    SPARKIFY_RETURN_NOT_OK(cluster_.agree(planned.status()));  // ranks' memory use differs
    MemoryPlan plan = std::move(planned).value();
    std::vector<model::RejectRecord> log_rejects;
    std::unique_ptr<LogStage> logs;
    if (options_.only != Only::kSongs) {
      logs = std::make_unique<LogStage>(songs.tables, plan, *spill_, options_.threads);
      if (incremental()) {
        logs->continue_lake(base_.commit.songplays + 1,
                            lake_time_filter(*out_fs_, options_.output,
                                             base_.commit.tables[model::time_spec().name]));
      }
      SPARKIFY_RETURN_NOT_OK(run_log_stage(*logs, log_rejects));
    }

    SPARKIFY_RETURN_NOT_OK(gather_and_write_rejects(songs, log_rejects));
    uint64_t rejects = report_.song_rejects + report_.log_rejects;
    if (options_.max_bad_records >= 0 &&
        rejects > static_cast<uint64_t>(options_.max_bad_records)) {
      return Status(ErrorCode::kTooManyRejects,
                    std::to_string(rejects) + " bad records exceed --max-bad-records " +
                        std::to_string(options_.max_bad_records) + "; nothing was published (see " +
                        io::FileSystem::join(options_.output, "_rejects") + ")");
    }

    auto start = Clock::now();
    set_stage(progress_, Stage::kWriting, (songs.from_lake ? 0 : 2) + (logs ? 3 : 0));
    StageReport write_stage{"write", 0, 0, 0, 0};
    // Users are hash-partitioned by user_id: rank r reduces (and writes) the users whose id mod N
    // is r, from every rank's latest events for them.
    std::vector<Bytes> my_users;
    if (logs && distributed()) {
      SPARKIFY_ASSIGN_OR_RETURN(my_users, cluster_.all_to_all(logs->encode_users(cluster_.size())));
    }
    Status st;
    if (!songs.from_lake) {
      if (!distributed()) {
        // An incremental load adds its new songs beside the lake's; artists change whole or not.
        if (!incremental() || songs.tables.songs.num_rows > 0) {
          st = write_table(songs.tables.songs, write_stage, 0, incremental());
        }
      } else {
        // Every rank holds the songs; each writes those of the artists it owns (by a hash of
        // artist_id), so each (year, artist_id) folder has one writer and the many small song
        // files are written in parallel. Artists (one file) come from rank 0.
        st = write_table(songs_of_my_artists(songs.tables.songs), write_stage, rank_file_base());
      }
      if (st.ok() && cluster_.is_root() && (!incremental() || songs.tables.artists_changed)) {
        st = write_table(songs.tables.artists, write_stage);
      }
    }
    if (logs && st.ok()) st = write_log_tables(*logs, my_users, write_stage);
    SPARKIFY_RETURN_NOT_OK(cluster_.agree(st));
    if (logs) SPARKIFY_RETURN_NOT_OK(exchange_and_write_time(*logs, write_stage));
    write_stage.seconds = seconds_since(start);
    report_.stages.push_back(write_stage);
    SPARKIFY_RETURN_NOT_OK(sum_figures());
    st = collect_staged();
    song_keys_ = std::move(songs.tables.keys);
    if (st.ok() && cluster_.is_root()) st = incremental() ? publish_load() : publish();
    return cluster_.agree(st);
  }

  // Figures that hold whatever the outcome: the memory used and what was spilled.
  void finish_report() {
    report_.memory_limit = options_.memory_limit;
    report_.peak_memory = peak_rss();
    if (spill_) {
      report_.spilled_bytes = spill_->bytes_spilled();
      report_.spill_files = spill_->files_created();
      auto by_kind = spill_->bytes_by_kind();
      report_.spilled_event_bytes = by_kind["events"];
      report_.spilled_time_bytes = by_kind["time"];
      spill_->remove();
    }
  }

  // Leaves nothing staged behind a failed run. Rank 0 owns the run's staging area and record;
  // the other ranks drop only what they staged themselves.
  void abandon() {
    if (!committer_) return;
    if (committed_) return;  // the lake holds this run's load; the next run finishes applying it
    for (const auto& [table, files] : staged_) (void)committer_->abort(table, files);
    if (cluster_.is_root()) (void)committer_->finish();
  }

 private:
  bool distributed() const { return cluster_.size() > 1; }

  // Rank 0 takes the lake: checks the locations, locks it (one run per lake) and removes what
  // killed runs left; the other ranks wait for it (the agree after) before writing anything.
  Status open_lake() {
    SPARKIFY_RETURN_NOT_OK(check_locations());
    SPARKIFY_ASSIGN_OR_RETURN(out_fs_, io::make_file_system(options_.output, options_.storage));
    SPARKIFY_RETURN_NOT_OK(out_fs_->make_dirs(options_.output));
    SPARKIFY_ASSIGN_OR_RETURN(lock_, out_fs_->lock_directory(options_.output));
    // A load killed after its commit is finished before anything else touches the lake.
    SPARKIFY_ASSIGN_OR_RETURN(auto latest, recover_lake(*out_fs_, options_.output));
    committer_ = sink::TableCommitter::Make(*out_fs_, options_.output, run_id_);
    std::vector<std::string> tables;
    for (const auto* spec : model::all_table_specs()) {
      if (writes(*spec)) tables.push_back(spec->name);
    }
    SPARKIFY_RETURN_NOT_OK(committer_->recover(tables));
    if (!distributed() && options_.only == Only::kLogs && latest) {
      // The load record's song keys give exactly the join a full run made.
      SPARKIFY_ASSIGN_OR_RETURN(
          base_, load_lake_base(*out_fs_, options_.output, std::move(*latest), options_.threads));
    }
    if (incremental()) {
      if (latest) {
        SPARKIFY_ASSIGN_OR_RETURN(
            base_, load_lake_base(*out_fs_, options_.output, std::move(*latest), options_.threads));
      } else {
        SPARKIFY_RETURN_NOT_OK(check_empty_lake());
        base_ = empty_lake_base();
      }
    }
    return Status::OK();
  }

  bool incremental() const { return options_.mode == Mode::kIncremental; }

  // An incremental load without a load record may only start a new lake.
  Status check_empty_lake() {
    for (const auto* spec : model::all_table_specs()) {
      SPARKIFY_ASSIGN_OR_RETURN(bool exists,
                                out_fs_->exists(io::FileSystem::join(options_.output, spec->name)));
      if (exists) {
        return Status::NotFound(
            "the lake at " + options_.output +
            " has tables but no load record (_sparkify/commits/): it was written by an older "
            "sparkify, by hand or by a run with --only; rebuild it once with --mode full");
      }
    }
    return Status::OK();
  }

  // A full single-process run that writes every table, and every incremental load, record their
  // input (sizes and versions) for the next incremental load.
  bool records_inputs() const {
    return incremental() || (options_.only == Only::kAll && !distributed());
  }

  // Every rank writes into rank 0's staging area with rank 0's file-name uuid.
  Status join_lake() {
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

  bool writes(const model::TableSpec& spec) const {
    bool song_table = &spec == &model::songs_spec() || &spec == &model::artists_spec();
    if (options_.only == Only::kSongs) return song_table;
    if (options_.only == Only::kLogs) return !song_table;
    return true;
  }

  Status check_locations() {
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

  // How rejects name a file: relative to --input when it was given (song_data/A/B/C/x.json),
  // else relative to the --songs or --logs folder.
  std::string source_name(const std::string& root, const source::InputFile& file) const {
    if (options_.input.empty()) return file.relative;
    std::string prefix = options_.input;
    if (prefix.back() != '/') prefix.push_back('/');
    if (root.rfind(prefix, 0) != 0) return file.relative;
    return io::FileSystem::join(root.substr(prefix.size()), file.relative);
  }

  // The input of one stage: its file system and this rank's files in order (all of them in a
  // single process), files[0] being file `first_index` of the whole input.
  struct StageInput {
    std::shared_ptr<io::FileSystem> fs;
    std::vector<source::InputFile> files;
    size_t first_index = 0;
  };

  // Rank 0 lists the input (one listing, so every rank cuts the same list) and every rank takes
  // its contiguous range, balanced by size. The local listing reports no sizes: they are stat'ed.
  // A stage's input files in one process: every one (full), or those the lake has not taken in
  // (incremental).
  Result<StageInput> find_inputs(const std::string& root) {
    StageInput in;
    SPARKIFY_ASSIGN_OR_RETURN(in.fs, io::make_file_system(root, options_.storage));
    SPARKIFY_ASSIGN_OR_RETURN(in.files, source::discover(*in.fs, root, records_inputs()));
    if (!records_inputs()) return in;
    SPARKIFY_ASSIGN_OR_RETURN(
        InputChoice choice,
        choose_inputs(
            *in.fs, std::move(in.files),
            [&](const source::InputFile& f) { return source_name(root, f); },
            incremental() ? &base_.commit.inputs : nullptr, run_id_, options_.threads));
    in.files = std::move(choice.take);
    report_.load.files_skipped += choice.skipped;
    for (auto& f : choice.taken) taken_.push_back(std::move(f));
    return in;
  }

  Result<StageInput> open_stage(const std::string& root, Stage stage, StageInput& found) {
    if (prefound_) {
      StageInput in = std::move(found);
      report_.input_files += in.files.size();
      report_.load.files_taken += in.files.size();
      set_stage(progress_, stage, in.files.size());
      return in;
    }
    StageInput in;
    Status st = [&]() -> Status {
      SPARKIFY_ASSIGN_OR_RETURN(in.fs, io::make_file_system(root, options_.storage));
      if (!cluster_.is_root()) return Status::OK();
      // Ranks split the input by size: the listing gives sizes (local: a stat in the walk).
      SPARKIFY_ASSIGN_OR_RETURN(in.files, source::discover(*in.fs, root, distributed()));
      return Status::OK();
    }();
    SPARKIFY_RETURN_NOT_OK(cluster_.agree(st));
    if (distributed()) {
      SPARKIFY_ASSIGN_OR_RETURN(Bytes listed, cluster_.broadcast(encode_input_files(in.files), 0));
      SPARKIFY_ASSIGN_OR_RETURN(in.files, decode_input_files(listed));
    }
    report_.input_files += in.files.size();
    report_.load.files_taken += in.files.size();
    if (distributed()) {
      std::vector<uint64_t> sizes;
      for (const auto& f : in.files) sizes.push_back(f.size);
      FileRange mine = split_by_size(sizes, cluster_.size())[cluster_.rank()];
      in.files = std::vector<source::InputFile>(in.files.begin() + mine.begin,
                                                in.files.begin() + mine.end);
      in.first_index = mine.begin;
    }
    set_stage(progress_, stage, in.files.size());
    return in;
  }

  // Runs parse(file index, worker, source name, bytes, rejects, stats) over every file of a
  // stage on the worker threads; returns the rejects in file order and adds the stage's figures.
  using ParseFile = std::function<void(size_t, int, const std::string&, const Buffer&,
                                       std::vector<model::RejectRecord>&, parse::ParseStats&)>;
  Result<std::vector<model::RejectRecord>> parse_files(const char* name, const std::string& root,
                                                       const StageInput& in,
                                                       Clock::time_point start,
                                                       const ParseFile& parse) {
    int threads = options_.threads;
    std::vector<std::vector<model::RejectRecord>> rejects(in.files.size());
    std::vector<parse::ParseStats> stats(threads);
    std::vector<uint64_t> bytes(threads);
    SPARKIFY_RETURN_NOT_OK(
        for_each_input(*in.fs, in.files, threads, [&](size_t i, int w, const Buffer& data) {
          uint64_t before = stats[w].records;
          parse(i, w, source_name(root, in.files[i]), data, rejects[i], stats[w]);
          bytes[w] += data.size();
          count_file(progress_, stats[w].records - before, data.size());
          return Status::OK();
        }));
    StageReport r{name, seconds_since(start), in.files.size(), 0, 0};
    for (const auto& st : stats) r.records += st.records;
    for (uint64_t b : bytes) r.bytes += b;
    report_.input_bytes += r.bytes;
    report_.stages.push_back(r);
    std::vector<model::RejectRecord> all;
    for (auto& per_file : rejects) {
      for (auto& reject : per_file) all.push_back(std::move(reject));
    }
    return all;
  }

  Result<SongStage> run_song_stage() {
    auto start = Clock::now();
    SPARKIFY_ASSIGN_OR_RETURN(StageInput in,
                              open_stage(options_.songs_input, Stage::kSongs, song_input_));
    std::vector<parse::SongParser> parsers(options_.threads);
    std::vector<std::shared_ptr<model::StringArena>> arenas;
    for (int i = 0; i < options_.threads; ++i) {
      arenas.push_back(std::make_shared<model::StringArena>());
    }
    std::vector<std::vector<model::SongRecord>> records(in.files.size());
    SongStage stage;
    auto parsed =
        parse_files("songs", options_.songs_input, in, start,
                    [&](size_t i, int w, const std::string& source, const Buffer& data,
                        std::vector<model::RejectRecord>& rejects, parse::ParseStats& stats) {
                      parsers[w].parse_file(source, data, *arenas[w], records[i], rejects, stats);
                    });
    SPARKIFY_RETURN_NOT_OK(cluster_.agree(parsed.status()));
    stage.rejects = std::move(parsed).value();
    std::vector<std::shared_ptr<const void>> owners(arenas.begin(), arenas.end());
    if (distributed()) {
      // Every rank builds the same song index from every rank's records, in file order (the
      // ranks' ranges are contiguous), so first-wins and most-complete pick the same rows.
      SPARKIFY_ASSIGN_OR_RETURN(auto all, cluster_.all_gather(encode_song_records(records)));
      records.clear();
      owners.clear();
      for (auto& bytes : all) {
        auto held = std::make_shared<Bytes>(std::move(bytes));
        SPARKIFY_RETURN_NOT_OK(decode_song_records(*held, records));
        owners.push_back(held);
      }
    }
    // The tables' strings live in the arenas, which the tables own; the record vectors can go.
    std::vector<const std::vector<model::SongRecord>*> ordered;
    for (const auto& r : records) ordered.push_back(&r);
    transform::PriorSongs prior;
    if (incremental()) prior = {&base_.song_keys, &base_.artists};
    stage.tables = transform::build_song_tables(ordered, std::move(owners), prior);
    report_.duplicate_songs = stage.tables.duplicate_songs;
    report_.stages.back().seconds = seconds_since(start);
    return stage;
  }

  Result<SongStage> load_songs_from_lake() {
    auto start = Clock::now();
    set_stage(progress_, Stage::kSongs, 2);
    SongStage stage;
    stage.from_lake = true;
    SPARKIFY_ASSIGN_OR_RETURN(
        auto songs,
        sink::read_lake_table(*out_fs_, options_.output, model::songs_spec(), options_.threads));
    SPARKIFY_ASSIGN_OR_RETURN(
        auto artists,
        sink::read_lake_table(*out_fs_, options_.output, model::artists_spec(), options_.threads));
    if (!songs.has_success || !artists.has_success) {
      return Status::NotFound("the lake at " + options_.output +
                              " has no complete songs and artists tables; run --only songs first");
    }
    if (base_.song_keys.num_rows > 0) {
      transform::SongTables keyed =
          transform::build_song_tables({}, {}, {&base_.song_keys, nullptr});
      stage.tables.index = std::move(keyed.index);
      stage.tables.keys = std::move(keyed.keys);
    } else {
      stage.tables.index = transform::song_index_from_tables(songs.data, artists.data);
    }
    stage.tables.songs = std::move(songs.data);
    stage.tables.artists = std::move(artists.data);
    StageReport r{"songs (from lake)", seconds_since(start), songs.files + artists.files,
                  stage.tables.songs.num_rows + stage.tables.artists.num_rows, 0};
    report_.stages.push_back(r);
    return stage;
  }

  Status run_log_stage(LogStage& logs, std::vector<model::RejectRecord>& log_rejects) {
    auto start = Clock::now();
    SPARKIFY_ASSIGN_OR_RETURN(StageInput in,
                              open_stage(options_.logs_input, Stage::kLogs, log_input_));
    parse::ParseStats stats;
    uint64_t bytes = 0;
    SPARKIFY_RETURN_NOT_OK(cluster_.agree(logs.parse(
        *in.fs, in.files,
        [&](const source::InputFile& f) { return source_name(options_.logs_input, f); },
        [&](uint64_t records, uint64_t file_bytes) { count_file(progress_, records, file_bytes); },
        log_rejects, stats, bytes, static_cast<uint32_t>(in.first_index))));
    // songplay_id counts NextSong events in file order: this rank's come after the earlier ranks'.
    SPARKIFY_ASSIGN_OR_RETURN(uint64_t before, cluster_.exclusive_sum(stats.accepted));
    // An incremental load's ids follow the lake's largest.
    first_songplay_id_ = base_.commit.songplays + 1 + static_cast<int64_t>(before);
    report_.input_bytes += bytes;
    report_.songplays = stats.accepted;
    report_.matched_songplays = logs.matched();
    report_.stages.push_back({"logs", seconds_since(start), in.files.size(), stats.records, bytes});
    return Status::OK();
  }

  // Rank 0 writes every rank's rejects, in rank (= file) order; every rank learns the totals.
  Status gather_and_write_rejects(const SongStage& songs,
                                  const std::vector<model::RejectRecord>& logs) {
    Status st;
    std::vector<model::RejectRecord> all_songs, all_logs;
    const std::vector<model::RejectRecord>* song_rejects = &songs.rejects;
    const std::vector<model::RejectRecord>* log_rejects = &logs;
    if (distributed()) {
      SPARKIFY_ASSIGN_OR_RETURN(auto s, cluster_.gather(encode_rejects(songs.rejects), 0));
      SPARKIFY_ASSIGN_OR_RETURN(auto l, cluster_.gather(encode_rejects(logs), 0));
      // Only rank 0 decodes: a failure here still goes through the collectives below.
      for (const auto& bytes : s) {
        if (st.ok()) st = decode_rejects(bytes, all_songs);
      }
      for (const auto& bytes : l) {
        if (st.ok()) st = decode_rejects(bytes, all_logs);
      }
      song_rejects = &all_songs;
      log_rejects = &all_logs;
    }
    uint64_t counts[] = {songs.rejects.size(), logs.size()};
    SPARKIFY_ASSIGN_OR_RETURN(auto totals, cluster_.sum(counts));
    report_.song_rejects = totals[0];
    report_.log_rejects = totals[1];
    if (st.ok() && cluster_.is_root()) st = write_rejects(songs, *song_rejects, *log_rejects);
    return cluster_.agree(st);
  }

  // OUT/_rejects/: this run's rejects, after the lake's earlier loads' (incremental).
  Status write_rejects(const SongStage& songs, const std::vector<model::RejectRecord>& song_rejects,
                       const std::vector<model::RejectRecord>& logs) {
    auto write = [&](const char* name, const std::string& text) {
      return out_fs_->write_text(
          io::FileSystem::join(io::FileSystem::join(options_.output, "_rejects"), name), text);
    };
    song_rejects_ = base_.song_rejects + sink::rejects_to_jsonl(song_rejects);
    log_rejects_ = base_.log_rejects + sink::rejects_to_jsonl(logs);
    if (!songs.from_lake) SPARKIFY_RETURN_NOT_OK(write("songs.jsonl", song_rejects_));
    if (options_.only != Only::kSongs) SPARKIFY_RETURN_NOT_OK(write("logs.jsonl", log_rejects_));
    return Status::OK();
  }

  /// How `table` is written: on S3 its files stay pending uploads until it is published.
  sink::DatasetWriteOptions write_options(const std::string& table) {
    sink::DatasetWriteOptions o;
    o.pending = committer_->pending(table);
    o.codec = options_.codec;
    o.threads = options_.threads;
    o.max_rows_per_file = options_.max_rows_per_file;
    o.job_uuid = job_uuid_;
    return o;
  }

  void add_table(const std::string& name, std::vector<std::string> files, uint64_t rows,
                 size_t partitions, uint64_t bytes, StageReport& stage, bool appended = false) {
    report_.tables.push_back({name, rows, files.size(), partitions, bytes, appended});
    stage.files += files.size();
    stage.records += rows;
    stage.bytes += bytes;
    staged_.emplace_back(name, std::move(files));
    count_file(progress_, rows, bytes);
  }

  model::TableData songs_of_my_artists(const model::TableData& songs) const {
    const model::Column& artist = songs.columns[songs.spec->column_index("artist_id")];
    std::vector<uint32_t> rows;
    auto ranks = static_cast<uint64_t>(cluster_.size());
    for (size_t r = 0; r < songs.num_rows; ++r) {
      std::string_view id = artist.is_null(r) ? std::string_view() : artist.string_at(r);
      if (hash_bytes(id) % ranks == static_cast<uint64_t>(cluster_.rank())) {
        rows.push_back(static_cast<uint32_t>(r));
      }
    }
    return model::take_rows(songs, rows);
  }

  // File numbers from a per-rank base keep names unique across ranks writing one folder.
  size_t rank_file_base() const { return static_cast<size_t>(cluster_.rank()) * kRankFileStride; }

  Status write_table(const model::TableData& table, StageReport& stage, size_t first_file = 0,
                     bool appended = false) {
    const std::string& name = table.spec->name;
    sink::DatasetWriteOptions options = write_options(name);
    options.first_file_index = first_file;
    SPARKIFY_ASSIGN_OR_RETURN(
        auto written, sink::write_dataset(*out_fs_, committer_->staging_dir(name), table, options));
    add_table(name, std::move(written.files), written.rows, written.partitions, written.bytes,
              stage, appended);
    return Status::OK();
  }

  // This rank's users (all of them in a single process) and songplays, streamed batch by batch
  // (a failure part-way leaves files in staging, which abandon() removes with the staging area).
  Status write_log_tables(LogStage& logs, const std::vector<Bytes>& my_users, StageReport& stage) {
    if (!distributed()) {
      model::TableData latest;
      model::TableData users = logs.users(&latest);
      if (incremental()) {
        auto merged = transform::merge_lake_users(base_.users, base_.user_latest, users, latest);
        user_latest_ = std::move(merged.latest);
        if (merged.changed) SPARKIFY_RETURN_NOT_OK(write_table(merged.users, stage));
      } else {
        user_latest_ = std::move(latest);
        SPARKIFY_RETURN_NOT_OK(write_table(users, stage));
      }
    } else {
      std::vector<transform::LogWorkerState> merged;
      merged.emplace_back(nullptr);
      for (const auto& bytes : my_users) {
        if (!merged[0].merge_users(bytes)) return Status::Internal("a rank sent unreadable users");
      }
      model::TableData users = transform::build_users(merged);
      // An empty share adds no file; rank 0 always writes one, so the table exists.
      if (users.num_rows > 0 || cluster_.is_root()) {
        SPARKIFY_RETURN_NOT_OK(write_table(users, stage, rank_file_base()));
      }
    }
    const std::string& name = model::songplays_spec().name;
    sink::DatasetWriteOptions options = write_options(name);
    options.first_file_index = rank_file_base();
    StreamedTable songplays;
    Status st = logs.write_songplays(*out_fs_, committer_->staging_dir(name), options,
                                     first_songplay_id_, songplays);
    if (!st.ok()) {
      staged_.emplace_back(name, std::move(songplays.files));
      return st.with_context("writing the log tables");
    }
    add_table(name, std::move(songplays.files), songplays.rows, songplays.partitions,
              songplays.bytes, stage, incremental());
    return Status::OK();
  }

  // The time table: each (year, month) partition belongs to one rank, which gets every rank's
  // start times in it and writes the partition's distinct rows.
  Status exchange_and_write_time(LogStage& logs, StageReport& stage) {
    const std::string& name = model::time_spec().name;
    if (distributed()) {
      size_t ranks = static_cast<size_t>(cluster_.size());
      std::vector<Bytes> to(ranks);
      Status st = logs.take_times([&](std::span<const int64_t> ts) {
        for (int64_t t : ts) {
          CivilDate d = civil_from_days(floor_div(t, 86'400'000));
          uint64_t month = static_cast<uint64_t>(d.year * 12 + d.month - 1);
          Bytes& out = to[month % ranks];
          size_t at = out.size();
          out.resize(at + sizeof t);
          std::memcpy(out.data() + at, &t, sizeof t);
        }
        return Status::OK();
      });
      SPARKIFY_ASSIGN_OR_RETURN(auto got, cluster_.all_to_all(to));
      to.clear();
      for (auto& bytes : got) {
        if (!st.ok()) break;
        std::vector<int64_t> ts(bytes.size() / sizeof(int64_t));
        if (!ts.empty()) std::memcpy(ts.data(), bytes.data(), ts.size() * sizeof(int64_t));
        bytes = {};
        st = logs.add_times(std::move(ts));
      }
      SPARKIFY_RETURN_NOT_OK(cluster_.agree(st.with_context("exchanging start times")));
    }
    StreamedTable time;
    Status st = logs.write_time(*out_fs_, committer_->staging_dir(name), write_options(name), time);
    if (st.ok()) {
      add_table(name, std::move(time.files), time.rows, time.partitions, time.bytes, stage,
                incremental());
    } else {
      staged_.emplace_back(name, std::move(time.files));
    }
    return cluster_.agree(st.with_context("writing the time table"));
  }

  // Whole-run figures on rank 0: what every rank parsed and wrote, summed. (Spill figures stay
  // each rank's own.)
  Status sum_figures() {
    if (!distributed()) {
      order_tables();
      return Status::OK();
    }
    auto parsed = [](const StageReport& st) { return st.name == "songs" || st.name == "logs"; };
    RankReport mine{
        0, 0, 0, report_.songplays, peak_rss(), cluster_.bytes_sent(), cluster_.bytes_received()};
    for (const auto& st : report_.stages) {
      if (!parsed(st)) continue;
      mine.files += st.files;
      mine.records += st.records;
      mine.bytes += st.bytes;
    }
    SPARKIFY_ASSIGN_OR_RETURN(
        auto ranks, cluster_.gather({reinterpret_cast<const uint8_t*>(&mine), sizeof mine}, 0));
    for (const auto& bytes : ranks) {
      if (bytes.size() != sizeof(RankReport)) continue;  // our own struct: cannot happen
      std::memcpy(&report_.per_rank.emplace_back(), bytes.data(), sizeof(RankReport));
    }
    std::vector<uint64_t> v = {report_.input_bytes, report_.songplays, report_.matched_songplays};
    for (const auto& st : report_.stages) {
      if (parsed(st)) v.insert(v.end(), {st.files, st.records, st.bytes});
    }
    std::vector<std::string> streamed;
    if (options_.only != Only::kLogs) streamed.push_back("songs");
    if (options_.only != Only::kSongs) {
      for (const char* t : {"users", "songplays", "time"}) streamed.push_back(t);
    }
    for (const auto& name : streamed) {
      TableReport* t = find_table(name);
      v.insert(v.end(), {t ? t->rows : 0, t ? t->files : 0, t ? t->bytes : 0});
    }
    SPARKIFY_ASSIGN_OR_RETURN(auto total, cluster_.sum(v));
    size_t i = 0;
    report_.input_bytes = total[i++];
    report_.songplays = total[i++];
    report_.matched_songplays = total[i++];
    for (auto& st : report_.stages) {
      if (!parsed(st)) continue;
      st.files = total[i++];
      st.records = total[i++];
      st.bytes = total[i++];
    }
    for (const auto& name : streamed) {
      TableReport* t = find_table(name);
      if (!t) {
        report_.tables.push_back({name, 0, 0, 0, 0});
        t = &report_.tables.back();
      }
      t->rows = total[i++];
      t->files = total[i++];
      t->bytes = total[i++];
    }
    order_tables();
    // The write stage as the sum of the tables.
    for (auto& st : report_.stages) {
      if (st.name != "write") continue;
      st.files = st.records = st.bytes = 0;
      for (const auto& t : report_.tables) {
        st.files += t.files;
        st.records += t.rows;
        st.bytes += t.bytes;
      }
    }
    return Status::OK();
  }

  // The report lists tables in the lake's order, whatever order they were written in.
  void order_tables() {
    std::vector<TableReport> ordered;
    for (const auto* spec : model::all_table_specs()) {
      if (TableReport* t = find_table(spec->name)) ordered.push_back(*t);
    }
    report_.tables = std::move(ordered);
  }

  TableReport* find_table(const std::string& name) {
    for (auto& t : report_.tables) {
      if (t.name == name) return &t;
    }
    return nullptr;
  }

  // Rank 0 gets every rank's staged files (and, on S3, their pending uploads) to publish them;
  // from here on, undoing them is rank 0's job.
  Status collect_staged() {
    if (!distributed()) return Status::OK();
    Bytes mine;
    WireWriter w(mine);
    w.put<uint64_t>(staged_.size());
    for (const auto& [table, files] : staged_) {
      w.put_string(table);
      Bytes names = encode_strings(files);
      w.put_string({reinterpret_cast<const char*>(names.data()), names.size()});
      std::vector<io::PendingFile> pending;
      if (!cluster_.is_root()) {
        if (io::PendingFiles* set = committer_->pending(table)) pending = set->take();
      }
      Bytes p = encode_pending(pending);
      w.put_string({reinterpret_cast<const char*>(p.data()), p.size()});
    }
    SPARKIFY_ASSIGN_OR_RETURN(auto all, cluster_.gather(mine, 0));
    if (!cluster_.is_root()) {
      staged_.clear();
      return Status::OK();
    }
    for (size_t r = 1; r < all.size(); ++r) {
      WireReader in(all[r]);
      uint64_t tables = 0;
      if (!in.get(tables)) return Status::Internal("a rank sent an unreadable file list");
      for (uint64_t t = 0; t < tables; ++t) {
        std::string table;
        std::string_view names, pending_bytes;
        if (!in.get_string(table) || !in.get_view(names) || !in.get_view(pending_bytes)) {
          return Status::Internal("a rank sent an unreadable file list");
        }
        auto* entry = staged_entry(table);
        SPARKIFY_RETURN_NOT_OK(decode_strings(as_bytes(names), entry->second));
        std::vector<io::PendingFile> pending;
        SPARKIFY_RETURN_NOT_OK(decode_pending(as_bytes(pending_bytes), pending));
        if (io::PendingFiles* set = committer_->pending(table)) {
          for (auto& f : pending) set->add(std::move(f));
        }
      }
    }
    // Partitions of the tables several ranks wrote: the distinct folders of their files.
    for (const auto& [table, files] : staged_) {
      TableReport* t = find_table(table);
      if (!t) continue;
      std::set<std::string> folders;
      for (const auto& f : files) {
        size_t slash = f.rfind('/');
        folders.insert(slash == std::string::npos ? "" : f.substr(0, slash));
      }
      t->partitions = folders.size();
    }
    return Status::OK();
  }

  static std::span<const uint8_t> as_bytes(std::string_view s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
  }

  std::pair<std::string, std::vector<std::string>>* staged_entry(const std::string& table) {
    for (auto& entry : staged_) {
      if (entry.first == table) return &entry;
    }
    staged_.emplace_back(table, std::vector<std::string>());
    return &staged_.back();
  }

  Status publish() {
    auto start = Clock::now();
    set_stage(progress_, Stage::kPublishing, staged_.size());
    // Publish in the lake's table order, whatever order the tables were written in.
    std::vector<std::pair<std::string, std::vector<std::string>>> ordered;
    for (const auto* spec : model::all_table_specs()) {
      for (auto& entry : staged_) {
        if (entry.first == spec->name) ordered.push_back(std::move(entry));
      }
    }
    staged_.clear();
    // From the first replaced table on, no earlier load record describes the lake.
    SPARKIFY_RETURN_NOT_OK(forget_commits(*out_fs_, options_.output));
    for (size_t i = 0; i < ordered.size(); ++i) {
      const auto& [table, files] = ordered[i];
      Status st = committer_->publish(table, files).with_context("publishing " + table);
      if (!st.ok()) {
        for (size_t j = i; j < ordered.size(); ++j) staged_.push_back(std::move(ordered[j]));
        return st;
      }
      count_file(progress_, 0, 0);
    }
    report_.published = true;
    if (records_inputs()) {
      // The record later incremental loads start from. (Under mpirun no record is written yet:
      // the next incremental load asks for a one-process full run.)
      sink::LakeCommit commit = next_commit("full");
      for (const auto& [table, files] : ordered) commit.tables[table] = files;
      SPARKIFY_RETURN_NOT_OK(write_commit(commit));
    }
    SPARKIFY_RETURN_NOT_OK(committer_->finish());
    report_.stages.push_back({"publish", seconds_since(start), 0, 0, 0});
    return Status::OK();
  }

  sink::LakeCommit next_commit(const char* mode) {
    sink::LakeCommit commit;
    commit.version = base_.commit.version + 1;
    commit.run = run_id_;
    commit.mode = mode;
    commit.songplays = base_.commit.songplays + static_cast<int64_t>(report_.songplays);
    commit.state = "_sparkify/state/" + run_id_;
    commit.inputs = base_.commit.inputs;
    for (const auto& f : taken_) commit.inputs.push_back(f);
    return commit;
  }

  // The merge state, then the commit record: the moment the load happens.
  Status write_commit(const sink::LakeCommit& commit) {
    kill_point("before-state");
    SPARKIFY_RETURN_NOT_OK(write_lake_state(*out_fs_,
                                            io::FileSystem::join(options_.output, commit.state),
                                            song_keys_, user_latest_, song_rejects_, log_rejects_)
                               .with_context("writing the lake's load state"));
    kill_point("before-commit");
    SPARKIFY_RETURN_NOT_OK(sink::write_commit(*out_fs_, options_.output, commit)
                               .with_context("writing the lake's load record"));
    kill_point("after-commit");
    committed_ = true;
    report_.load.lake_version = commit.version;
    return Status::OK();
  }

  // An incremental load's publish (see exec/incremental.h): new files made durable where readers
  // do not look (local staging; S3: completed, time first), the commit, then applying it.
  Status publish_load() {
    auto start = Clock::now();
    set_stage(progress_, Stage::kPublishing, staged_.size());
    sink::LakeCommit commit = next_commit("incremental");
    commit.tables = base_.commit.tables;
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
      all.insert(all.end(), files.begin(), files.end());
      commit.added[table] = files;
    }
    if (!out_fs_->supports_rename()) {
      for (const char* table : kLoadOrder) {
        if (io::PendingFiles* pending = committer_->pending(table)) {
          SPARKIFY_RETURN_NOT_OK(out_fs_->complete_pending(pending->take()));
          kill_point(std::string("completed-") + table);
        }
      }
    }
    SPARKIFY_RETURN_NOT_OK(write_commit(commit));
    staged_.clear();
    SPARKIFY_RETURN_NOT_OK(apply_commit(*out_fs_, options_.output, commit));
    report_.published = true;
    kill_point("applied");
    SPARKIFY_RETURN_NOT_OK(committer_->finish());
    // The previous commit and its state are now obsolete.
    if (base_.commit.version > 0) {
      SPARKIFY_RETURN_NOT_OK(
          out_fs_->remove_files({sink::commit_path(options_.output, base_.commit.version)}));
      SPARKIFY_RETURN_NOT_OK(
          out_fs_->remove_all(io::FileSystem::join(options_.output, base_.commit.state)));
    }
    report_.stages.push_back({"publish", seconds_since(start), 0, 0, 0});
    return Status::OK();
  }

  const EtlOptions& options_;
  Progress* progress_;
  EtlReport& report_;
  std::shared_ptr<io::FileSystem> out_fs_;
  std::unique_ptr<io::DirectoryLock> lock_;  // one run per lake: the commit protocol assumes it
  std::unique_ptr<sink::TableCommitter> committer_;
  std::vector<std::pair<std::string, std::vector<std::string>>> staged_;
  std::unique_ptr<SpillDir> spill_;
  Cluster& cluster_;
  std::string run_id_ = make_uuid();
  std::string job_uuid_ = make_uuid();
  int64_t first_songplay_id_ = 1;
  // Incremental loads (SPEC §9): the lake's state before this run, the inputs this run takes,
  // and the state it leaves for the next.
  LakeBase base_;
  StageInput song_input_, log_input_;
  bool prefound_ = false;  // one process: the stages' input was listed (and chosen) up front
  std::vector<sink::IngestedFile> taken_;
  model::TableData song_keys_, user_latest_;
  std::string song_rejects_, log_rejects_;
  bool committed_ = false;
};

}  // namespace

EtlReport run_etl(const EtlOptions& options, Progress* progress, Cluster* cluster) {
  auto start = Clock::now();
  EtlReport report;
  LocalCluster local;
  EtlJob job(options, progress, report, cluster ? *cluster : local);
  report.status = job.run();
  if (!report.status.ok()) job.abandon();
  job.finish_report();
  report.seconds = seconds_since(start);
  return report;
}

}  // namespace sparkify::exec
