// One run of `sparkify etl`: run() and the read side in the order it runs (see etl_job_impl.h;
// the write side is in etl_job_write.cpp; the lake side — taking it, publishing, the load
// commit — in etl_job_lake.cpp).
#include "exec/etl_job.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>

#include "common/allocator_control.h"
#include "common/uuid.h"
#include "common/wire.h"
#include "exec/dist/cluster.h"
#include "exec/dist/rank_work.h"
#include "exec/etl_job_impl.h"
#include "exec/incremental.h"
#include "exec/log_stage.h"
#include "exec/memory_plan.h"
#include "exec/song_files.h"
#include "exec/spill.h"
#include "lake/lake_reader.h"
#include "model/string_arena.h"
#include "parse/json_parsers.h"
#include "sink/commit.h"
#include "sink/dataset_writer.h"
#include "sink/lake_log.h"
#include "sink/rejects_writer.h"
#include "source/chunked_reader.h"
#include "source/discovery.h"
#include "transform/log_tables.h"
#include "transform/song_tables.h"

namespace sparkify::exec {

namespace {

// Input bytes per process from which an incremental load runs on huge pages (see run()). Measured
// on a 2-core VM: one day (39 MB) into the L lake takes 0.225 s on small pages against 0.295 on
// huge ones (6 alternated pairs); a full L run (968 MB) is within noise either way.
constexpr uint64_t kHugePagesFrom = uint64_t{256} << 20;

// The --memory-limit below which a run keeps to small pages. A huge page is resident whole once
// touched, so the allocator's partly used 2 MiB extents count in full: under a 50 MB limit a
// run (300k events, spilling) peaked at 45.8-51 MB on huge pages (one run in ten over its limit)
// and at 43.2-44.0 MB on small ones, no slower (AMD EPYC 2-core VM, 12 runs each).
constexpr uint64_t kHugePagesLimitFrom = uint64_t{256} << 20;

}  // namespace

Status EtlJob::run() {
  report_.ranks = cluster_.size();
  report_.load.mode = options_.mode;
  if (incremental() && options_.only != Only::kAll) {
    return Status::Invalid(
        "--only cannot be combined with --mode incremental, which updates every table");
  }
  // The input is listed before anything else (under mpirun by every rank, a share each, joined
  // on rank 0 into the one list every rank cuts): an incremental load with nothing new stops
  // here, having changed nothing.
  //
  // Huge pages (src/common/allocator.cpp) pay off for a run that reads all its input; an
  // incremental load that takes a day touches a few tens of MB in scattered blocks, and the
  // kernel zeroes every huge page it starts whole. It runs on small pages unless it takes much.
  // A run under a small --memory-limit runs on small pages throughout (kHugePagesLimitFrom).
  const bool small_limit = options_.memory_limit < kHugePagesLimitFrom;
  if (incremental() || small_limit) allocator_use_huge_pages(false);
  SPARKIFY_RETURN_NOT_OK(open_lake_and_list());
  SPARKIFY_RETURN_NOT_OK(cluster_.agree(choose_inputs_to_take()));
  uint64_t taken_bytes = 0;
  for (const auto* in : {&song_input_, &log_input_}) {
    for (const auto& f : in->files) taken_bytes += f.size;
  }
  uint64_t chosen[] = {
      cluster_.is_root() && incremental() && song_input_.files.empty() && log_input_.files.empty(),
      cluster_.is_root() ? taken_bytes : 0};
  SPARKIFY_ASSIGN_OR_RETURN(auto any, cluster_.sum(chosen));
  if (incremental() && !small_limit &&
      any[1] / static_cast<uint64_t>(cluster_.size()) >= kHugePagesFrom) {
    allocator_use_huge_pages(true);
  }
  if (any[0] > 0) {
    report_.load.nothing_new = true;  // the lake already holds every input: nothing to do
    return cluster_.agree(cluster_.is_root() ? committer_->finish() : Status::OK());
  }

  spill_ = std::make_unique<SpillDir>(options_.spill_dir);
  // A --spill-dir given is checked now: a run should not fail at its first spill, minutes in,
  // for a folder it could have refused at once. (The system temp folder is used only if needed.)
  if (!options_.spill_dir.empty()) SPARKIFY_RETURN_NOT_OK(cluster_.agree(spill_->prepare()));

  SongStage songs;
  if (options_.only == Only::kLogs) {
    auto loaded = load_songs_from_lake();
    SPARKIFY_RETURN_NOT_OK(cluster_.agree(loaded.status()));
    songs = std::move(loaded).value();
  } else {
    SPARKIFY_ASSIGN_OR_RETURN(songs, run_song_stage());
  }
  // The song index is the state that must be held at once; the rest of the limit is planned.
  // What the stage freed is not held: memory_in_use() counts only what is.
  release_free_memory(options_.memory_limit, /*stage_end=*/true);
  // Logs on S3 are read by ranges, the next one fetched while a chunk is parsed: two more
  // chunks per worker than a local read.
  int chunks_held = io::is_s3_url(options_.logs_input) ? kChunksHeldRanged : kChunksHeldLocal;
  MemoryUse use{.resident = memory_in_use(), .peak = peak_rss()};
  if (cluster_.is_root() && records_inputs()) {
    use.publish = publish_bytes(base_.inputs.num_rows + taken_.size());
  }
  auto planned = plan_memory(options_.memory_limit, use, options_.threads, chunks_held);
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
  if (options_.max_bad_records >= 0 && rejects > static_cast<uint64_t>(options_.max_bad_records)) {
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
  if (logs) {
    std::vector<Bytes> my_users;
    if (distributed()) {
      auto parts = logs->encode_users(cluster_.size());
      logs->drop_users();  // sent as encoded
      SPARKIFY_ASSIGN_OR_RETURN(my_users, cluster_.all_to_all(parts));
      parts = {};
    }
    SPARKIFY_RETURN_NOT_OK(reduce_users(*logs, my_users));
    // What the users table is built from, sent or merged is not needed past here.
    logs->drop_users();
    my_users = {};
    base_.users = {};
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
      if (!incremental() || songs.tables.songs.num_rows > 0) {
        st = write_table(songs_of_my_artists(songs.tables.songs), write_stage, rank_file_base(),
                         incremental());
      }
    }
    if (st.ok() && cluster_.is_root() && (!incremental() || songs.tables.artists_changed)) {
      st = write_table(songs.tables.artists, write_stage);
    }
  }
  if (logs) {
    // The users and the song tables' file names are held now; what is left is the log tables'.
    release_free_memory(options_.memory_limit, /*stage_end=*/true);
    replan_writes(options_.memory_limit, memory_in_use(), options_.threads, logs->plan());
  }
  if (logs && st.ok()) st = write_log_tables(*logs, write_stage);
  SPARKIFY_RETURN_NOT_OK(cluster_.agree(st));
  if (logs) SPARKIFY_RETURN_NOT_OK(exchange_and_write_time(*logs, write_stage));
  if (logs && distributed() && records_inputs()) {
    // Each rank's share of the users' latest event times goes into the load's state folder.
    SPARKIFY_RETURN_NOT_OK(cluster_.agree(
        write_user_state(*out_fs_, io::FileSystem::join(options_.output, state_folder()),
                         user_latest_, rank_file_base())
            .with_context("writing the lake's load state")));
  }
  write_stage.seconds = seconds_since(start);
  report_.stages.push_back(write_stage);
  SPARKIFY_RETURN_NOT_OK(sum_figures());
  st = collect_staged();
  song_keys_ = std::move(songs.tables.keys);
  SPARKIFY_RETURN_NOT_OK(cluster_.agree(st));
  // Publishing needs neither the songs nor the log stage: the load record it writes is built
  // where they were held.
  logs.reset();
  songs = SongStage{};
  release_free_memory(options_.memory_limit, /*stage_end=*/true);
  return cluster_.agree(incremental() ? publish_load() : publish());
}

void EtlJob::finish_report() {
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

bool EtlJob::writes(const model::TableSpec& spec) const {
  bool song_table = &spec == &model::songs_spec() || &spec == &model::artists_spec();
  if (options_.only == Only::kSongs) return song_table;
  if (options_.only == Only::kLogs) return !song_table;
  return true;
}

std::string EtlJob::source_prefix(const std::string& root) const {
  if (options_.input.empty()) return {};
  std::string prefix = options_.input;
  if (prefix.back() != '/') prefix.push_back('/');
  if (root.rfind(prefix, 0) != 0) return {};
  std::string below = root.substr(prefix.size());
  if (!below.empty() && below.back() != '/') below.push_back('/');
  return below;
}

std::string EtlJob::source_name(const std::string& root, const source::InputFile& file) const {
  return source_prefix(root) + file.relative;
}

Result<StageInput> EtlJob::list_folder(const std::string& root, bool sized) {
  StageInput in;
  // Sizes and versions: the load record keeps them, ranks split the input by size, and the song
  // stage streams the files too large to read whole.
  const bool detailed = sized || records_inputs() || distributed();
  if (!distributed()) {
    SPARKIFY_ASSIGN_OR_RETURN(in.fs, io::make_file_system(root, options_.storage));
    SPARKIFY_ASSIGN_OR_RETURN(in.files, source::discover(*in.fs, root, detailed, options_.threads));
  } else {
    // Every rank lists a share of the folders (on S3, rank 0 lists it all); rank 0 joins the
    // shares into the one sorted list that open_stage hands to every rank.
    auto share = [&]() -> Result<std::vector<source::InputFile>> {
      SPARKIFY_ASSIGN_OR_RETURN(in.fs, io::make_file_system(root, options_.storage));
      return source::discover_share(*in.fs, root, detailed, cluster_.rank(), cluster_.size(),
                                    options_.threads);
    }();
    SPARKIFY_RETURN_NOT_OK(cluster_.agree(share.status()));
    SPARKIFY_ASSIGN_OR_RETURN(auto shares, cluster_.gather(encode_input_files(*share), 0));
    if (!cluster_.is_root()) return in;
    // Each share comes sorted: merge them.
    auto by_name = [](const source::InputFile& a, const source::InputFile& b) {
      return a.relative < b.relative;
    };
    for (const auto& bytes : shares) {
      SPARKIFY_ASSIGN_OR_RETURN(auto files, decode_input_files(bytes));
      size_t middle = in.files.size();
      for (auto& f : files) in.files.push_back(std::move(f));
      std::inplace_merge(in.files.begin(), in.files.begin() + static_cast<ptrdiff_t>(middle),
                         in.files.end(), by_name);
    }
  }
  return in;
}

Status EtlJob::choose_from(const std::string& root, StageInput& in) {
  // Rank 0 holds the whole listing (list_folder) and chooses; the others have none.
  if (!records_inputs() || !cluster_.is_root()) return Status::OK();
  SPARKIFY_ASSIGN_OR_RETURN(
      InputChoice choice,
      choose_inputs(*in.fs, std::move(in.files), source_prefix(root),
                    incremental() ? &base_.inputs : nullptr, run_id_, options_.threads));
  in.files = std::move(choice.take);
  report_.load.files_skipped += choice.skipped;
  for (auto& f : choice.taken) taken_.push_back(std::move(f));
  return Status::OK();
}

Result<StageInput> EtlJob::open_stage(const std::string& root, Stage stage, StageInput& found) {
  StageInput in = std::move(found);  // the joined listing on rank 0 (list_inputs); none on others
  if (distributed()) {
    Status st;
    if (!in.fs) {
      auto fs = io::make_file_system(root, options_.storage);
      if (fs.ok()) in.fs = *fs;
      st = fs.status();
    }
    SPARKIFY_RETURN_NOT_OK(cluster_.agree(st));
    SPARKIFY_ASSIGN_OR_RETURN(Bytes listed, cluster_.broadcast(encode_input_files(in.files), 0));
    SPARKIFY_ASSIGN_OR_RETURN(in.files, decode_input_files(listed));
  }
  report_.input_files += in.files.size();
  report_.load.files_taken += in.files.size();
  if (distributed()) {
    std::vector<uint64_t> sizes;
    for (const auto& f : in.files) sizes.push_back(f.size);
    FileRange mine = split_by_size(sizes, cluster_.size())[cluster_.rank()];
    in.files =
        std::vector<source::InputFile>(in.files.begin() + mine.begin, in.files.begin() + mine.end);
    in.first_index = mine.begin;
  }
  set_stage(progress_, stage, in.files.size());
  return in;
}

Result<std::vector<model::RejectRecord>> EtlJob::parse_files(const char* name,
                                                             const std::string& root,
                                                             const StageInput& in,
                                                             Clock::time_point start,
                                                             const ParseFile& parse) {
  int threads = options_.threads;
  std::vector<std::vector<model::RejectRecord>> rejects(in.files.size());
  std::vector<parse::ParseStats> stats(threads);
  std::vector<uint64_t> bytes(threads);
  // Per worker: records and bytes of the file it is reading, counted when the file is done.
  std::vector<uint64_t> file_records(threads), file_bytes(threads);
  std::vector<std::vector<model::RejectRecord>> piece_rejects(threads);
  SPARKIFY_RETURN_NOT_OK(
      for_each_song_piece(*in.fs, in.files, threads, [&](const SongPiece& p, int w) {
        std::string source = source_name(root, in.files[p.file]);
        uint64_t before = stats[w].records;
        if (p.long_document) {
          // The piece starts at the document's first byte (whitespace before it is whole).
          rejects[p.file].push_back(
              parse::long_record_reject(source, "document", p.first_line + 1, p.first_offset,
                                        p.long_document, source::kMaxLineBytes, p.data.view()));
          ++stats[w].records;
          ++stats[w].rejected;
        } else if (p.first_line == 0 && p.first_offset == 0) {
          parse(p.file, w, source, p.data, rejects[p.file], stats[w]);
        } else {
          // A chunk of a large file: its rejects' positions are within the chunk.
          piece_rejects[w].clear();
          parse(p.file, w, source, p.data, piece_rejects[w], stats[w]);
          for (auto& r : piece_rejects[w]) {
            r.line += p.first_line;
            r.offset += p.first_offset;
            rejects[p.file].push_back(std::move(r));
          }
        }
        bytes[w] += p.file_bytes();
        file_records[w] += stats[w].records - before;
        file_bytes[w] += p.file_bytes();
        if (p.last) {
          count_file(progress_, file_records[w], file_bytes[w]);
          file_records[w] = file_bytes[w] = 0;
        }
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

Result<SongStage> EtlJob::run_song_stage() {
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
  stage.tables = transform::build_song_tables(ordered, std::move(owners), prior, options_.threads);
  report_.duplicate_songs = stage.tables.duplicate_songs;
  report_.stages.back().seconds = seconds_since(start);
  return stage;
}

Result<SongStage> EtlJob::load_songs_from_lake() {
  auto start = Clock::now();
  set_stage(progress_, Stage::kSongs, 2);
  SongStage stage;
  stage.from_lake = true;
  SPARKIFY_ASSIGN_OR_RETURN(
      auto songs,
      lake::read_lake_table(*out_fs_, options_.output, model::songs_spec(), options_.threads));
  SPARKIFY_ASSIGN_OR_RETURN(
      auto artists,
      lake::read_lake_table(*out_fs_, options_.output, model::artists_spec(), options_.threads));
  if (!songs.has_success || !artists.has_success) {
    return Status::NotFound("the lake at " + options_.output +
                            " has no complete songs and artists tables; run --only songs first");
  }
  if (base_.song_keys.num_rows > 0) {
    transform::SongTables keyed = transform::build_song_tables({}, {}, {&base_.song_keys, nullptr});
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

Status EtlJob::run_log_stage(LogStage& logs, std::vector<model::RejectRecord>& log_rejects) {
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

Status EtlJob::gather_and_write_rejects(const SongStage& songs,
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
  report_.rejects_counted = true;
  if (st.ok() && cluster_.is_root()) st = write_rejects(songs, *song_rejects, *log_rejects);
  return cluster_.agree(st);
}

Status EtlJob::write_rejects(const SongStage& songs,
                             const std::vector<model::RejectRecord>& song_rejects,
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

Status EtlJob::list_inputs() {
  if (options_.only != Only::kLogs) {
    auto found = list_folder(options_.songs_input, /*sized=*/true);
    // Ranks list together: the log listing starts on all of them or on none.
    if (distributed()) SPARKIFY_RETURN_NOT_OK(cluster_.agree(found.status()));
    SPARKIFY_ASSIGN_OR_RETURN(song_input_, std::move(found));
  }
  if (options_.only != Only::kSongs) {
    SPARKIFY_ASSIGN_OR_RETURN(log_input_, list_folder(options_.logs_input, /*sized=*/false));
  }
  return Status::OK();
}

Status EtlJob::choose_inputs_to_take() {
  if (options_.only != Only::kLogs) {
    SPARKIFY_RETURN_NOT_OK(choose_from(options_.songs_input, song_input_));
  }
  if (options_.only != Only::kSongs) {
    SPARKIFY_RETURN_NOT_OK(choose_from(options_.logs_input, log_input_));
  }
  return Status::OK();
}

Status EtlJob::open_lake_and_list() {
  if (distributed()) {
    // Under mpirun the listing is collective: the lake first, as every rank expects.
    SPARKIFY_RETURN_NOT_OK(cluster_.agree(cluster_.is_root() ? open_lake() : Status::OK()));
    SPARKIFY_RETURN_NOT_OK(cluster_.agree(join_lake()));
    if (incremental()) SPARKIFY_RETURN_NOT_OK(share_lake_base());
    return cluster_.agree(list_inputs());
  }
  // One process: the input is listed (50k stats on L) while the lake's load record is read; the
  // two do not depend on each other. A lake that cannot be reached or is locked stops the run
  // before the listing starts; the lake's errors come first, as when the two ran in turn.
  SPARKIFY_RETURN_NOT_OK(reach_lake());
  Status listed;
  std::thread lister([&] { listed = list_inputs(); });
  Status opened = read_lake();
  lister.join();
  SPARKIFY_RETURN_NOT_OK(opened);
  return listed;
}

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
