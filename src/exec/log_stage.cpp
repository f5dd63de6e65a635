#include "exec/log_stage.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <tuple>

#include "common/parallel.h"
#include "source/chunked_reader.h"
#include "source/prefetch.h"

namespace sparkify::exec {

// A long line's chunk keeps what its reject keeps: no less (the reject's raw text would be cut
// short of what a reject promises) and no more (held for nothing).
static_assert(source::kLongRecordKept == model::kRejectRawBytes);

LogStage::LogStage(const transform::SongTables& songs, const MemoryPlan& plan, SpillDir& spill,
                   int threads)
    : songs_(songs), plan_(plan), spill_(spill), threads_(std::max(1, threads)) {
  for (int i = 0; i < threads_; ++i) {
    states_.emplace_back(&songs.index, static_cast<uint32_t>(i));
  }
  workers_.resize(threads_);
}

uint64_t LogStage::matched() const {
  uint64_t n = 0;
  for (const auto& s : states_) n += s.matched();
  return n;
}

Status LogStage::keep_blocks(int w, bool all) {
  Worker& worker = workers_[w];
  for (auto& block : states_[w].take_blocks(!all)) {
    size_t bytes = block.memory_bytes();
    BlockRef ref{block.file_index, block.block_index, block.worker, block.rows(), nullptr};
    ref.memory = std::make_unique<transform::EventBlock>(std::move(block));
    worker.blocks.push_back(std::move(ref));
    worker.held += bytes;
    held_.fetch_add(bytes, std::memory_order_relaxed);
  }
  if (held_.load(std::memory_order_relaxed) > plan_.event_bytes) return spill_blocks(w);
  return Status::OK();
}

Status LogStage::spill_blocks(int w) {
  Worker& worker = workers_[w];
  if (!worker.spill) {
    SPARKIFY_ASSIGN_OR_RETURN(worker.spill, spill_.create_file("events"));
  }
  std::vector<uint8_t> bytes;
  for (BlockRef& ref : worker.blocks) {
    if (!ref.memory) continue;
    ref.memory->serialize(bytes);
    SPARKIFY_ASSIGN_OR_RETURN(ref.offset, worker.spill->append(bytes));
    ref.size = bytes.size();
    ref.memory.reset();
  }
  held_.fetch_sub(worker.held, std::memory_order_relaxed);
  worker.held = 0;
  // The freed blocks' pages go back past release_free_memory's bounds, as after each batch of the
  // write stage. Kept, they were not all reused (blocks of many sizes): at 20M events the
  // allocator's free pages grew to 190 MB over the stage, and the run peaked at 370-490 MB
  // against 300-320 MB with this, in the same time.
  release_free_memory(plan_.limit);
  return Status::OK();
}

Status LogStage::spill_held_tail() {
  bool spilled = false;
  for (const auto& worker : workers_) spilled |= worker.spill != nullptr;
  if (!spilled) return Status::OK();  // everything is held: the write reads no spill at all
  // Once the input outgrew the share for held events, what is still held is mostly the input's
  // tail, which the write reaches last: held, it would sit beside every songplays batch before
  // its own (at 20M events, 60 MB through the whole write). Spilled, it costs one more write.
  for (int w = 0; w < threads_; ++w) {
    if (workers_[w].held > 0) SPARKIFY_RETURN_NOT_OK(spill_blocks(w));
  }
  return Status::OK();
}

namespace {

// Chunks a file's worker hands to workers that have run out of files, so the last files (or the
// one new day of an incremental load) are parsed on every thread. A chunk is handed over only to
// a worker already waiting, so the queue never holds more than the waiting workers take, and each
// helper holds one chunk: the read buffer it no longer uses.
class ChunkHandoff {
 public:
  struct Item {
    size_t file = 0;
    std::string source;  // a copy: the file's worker may have moved on when this is parsed
    Buffer data;
    uint32_t index = 0;
    uint64_t first_line = 0, first_offset = 0;
  };

  explicit ChunkHandoff(size_t files) : unread_(files), outstanding_(files) {}

  /// A copy of `chunk` for a waiting worker, or false when none waits.
  bool offer(size_t file, const std::string& source, const source::Chunk& chunk) {
    std::lock_guard<std::mutex> lock(mu_);
    if (waiting_ <= queue_.size()) return false;
    Item item;
    item.file = file;
    item.source = source;
    item.data = Buffer::CopyOf({chunk.data.data(), chunk.data.size()}, chunk.data.padding());
    item.index = chunk.index;
    item.first_line = chunk.first_line;
    item.first_offset = chunk.first_offset;
    queue_.push_back(std::move(item));
    ++outstanding_[file];
    ready_.notify_one();
    return true;
  }

  /// Waits for a chunk; nullopt once every file is read (or the stage failed) and none is left.
  std::optional<Item> take() {
    std::unique_lock<std::mutex> lock(mu_);
    ++waiting_;
    ready_.wait(lock, [&] { return !queue_.empty() || unread_ == 0 || stopped_; });
    --waiting_;
    if (queue_.empty() || stopped_) return std::nullopt;
    Item item = std::move(queue_.front());
    queue_.pop_front();
    return item;
  }

  /// A handed-over chunk of `file` is parsed.
  void parsed(size_t file) {
    std::lock_guard<std::mutex> lock(mu_);
    --outstanding_[file];
    done_.notify_all();
  }

  /// `file` is read to its end: waits until its handed-over chunks are parsed (so the file is
  /// counted whole), then lets waiting workers go once no file is left to read.
  void file_read(size_t file) {
    std::unique_lock<std::mutex> lock(mu_);
    done_.wait(lock, [&] { return outstanding_[file] == 0 || stopped_; });
    if (--unread_ == 0) ready_.notify_all();
  }

  /// Files no worker will take (the stage stopped early) or the stage failed: release everyone.
  void stop() {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    ready_.notify_all();
    done_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable ready_, done_;
  std::deque<Item> queue_;
  size_t waiting_ = 0;
  size_t unread_;                    // files not yet read to their end
  std::vector<size_t> outstanding_;  // per file: handed-over chunks not yet parsed
  bool stopped_ = false;
};

}  // namespace

Status LogStage::parse(io::FileSystem& fs, const std::vector<source::InputFile>& files,
                       const SourceName& source_name, const CountFile& count_file,
                       std::vector<model::RejectRecord>& rejects, parse::ParseStats& stats,
                       uint64_t& total_bytes, uint32_t first_file_index) {
  std::vector<parse::EventParser> parsers(threads_);
  // Rejects by (file, chunk): chunks of one file may be parsed on several workers.
  struct ChunkRejects {
    size_t file;
    uint32_t chunk;
    std::vector<model::RejectRecord> rejects;
  };
  std::vector<std::vector<ChunkRejects>> worker_rejects(threads_);
  std::vector<parse::ParseStats> worker_stats(threads_);
  std::vector<uint64_t> worker_bytes(threads_);
  // Records and bytes of a file parsed by helpers, counted with the file when it is done.
  std::vector<std::atomic<uint64_t>> helped_records(files.size()), helped_bytes(files.size());

  // Parses one chunk of file i on worker w: rejects and events get whole-file positions.
  auto parse_chunk = [&](size_t i, int w, const std::string& source, const Buffer& data,
                         uint32_t index, uint64_t first_line, uint64_t first_offset) -> Status {
    ChunkRejects out{i, index, {}};
    // A log line is ~450 bytes; most are NextSong events. A block takes the events of up to a
    // plan chunk's bytes (consecutive chunks parsed on this worker), sized for them at once.
    constexpr size_t kLineBytes = 400;
    uint64_t left = files[i].size > first_offset ? files[i].size - first_offset : 0;
    size_t block_bytes = std::max<size_t>(
        data.size(), static_cast<size_t>(std::min<uint64_t>(left, plan_.chunk_bytes)));
    states_[w].begin_chunk(first_file_index + static_cast<uint32_t>(i), index, first_line,
                           data.size() / kLineBytes, block_bytes / kLineBytes);
    parsers[w].parse_file(source, data, states_[w], out.rejects, worker_stats[w]);
    for (auto& r : out.rejects) {
      r.line += first_line;
      r.offset += first_offset;
    }
    if (!out.rejects.empty()) worker_rejects[w].push_back(std::move(out));
    worker_bytes[w] += data.size();
    return keep_blocks(w, false);
  };

  // Every file streams in chunks, local or not: a store that wants many requests in flight (S3)
  // gets its share of them per worker as ranged reads of the next chunk, fetched while this
  // one is parsed, so memory stays a couple of chunks per worker whatever a file's size.
  int requests = std::max(1, fs.preferred_read_concurrency() / threads_);
  // Such a store also gets the small files fetched ahead, up to a chunk per worker: the
  // read-ahead the memory plan gives each worker (kChunksHeldRanged), unused while it parses a
  // file smaller than a chunk.
  std::optional<source::SmallFilePrefetcher> prefetch;
  if (fs.preferred_read_concurrency() > 1) {
    prefetch.emplace(fs, files, plan_.chunk_bytes, plan_.chunk_bytes * threads_,
                     fs.preferred_read_concurrency());
  }
  ChunkHandoff handoff(files.size());
  std::atomic<size_t> next_file{0};
  std::atomic<bool> failed{false};
  // A failure stops every worker; the one reported is that of the lowest file index (the error
  // is deterministic, as parallel_for's is).
  std::vector<Status> worker_status(threads_);
  std::vector<size_t> worker_failed_file(threads_, SIZE_MAX);
  auto fail = [&](int w, size_t file, Status st) {
    if (st.code() != ErrorCode::kCancelled && file < worker_failed_file[w]) {
      worker_failed_file[w] = file;
      worker_status[w] = std::move(st);
    }
    failed.store(true, std::memory_order_relaxed);
    handoff.stop();
  };
  auto read_files = [&](int w) {
    for (size_t i; !failed.load(std::memory_order_relaxed) &&
                   (i = next_file.fetch_add(1, std::memory_order_relaxed)) < files.size();) {
      std::string source = source_name(files[i]);
      uint64_t records = worker_stats[w].records, bytes = worker_bytes[w];
      auto on_chunk = [&](const source::Chunk& c) -> Status {
        if (failed.load(std::memory_order_relaxed)) return Status(ErrorCode::kCancelled, "");
        if (c.long_record) {
          // A line the reader would not hold (source::kMaxLineBytes): rejected unparsed.
          worker_rejects[w].push_back(ChunkRejects{
              i,
              c.index,
              {parse::long_record_reject(source, "line", c.first_line + 1, c.first_offset,
                                         c.long_record, source::kMaxLineBytes, c.data.view())}});
          ++worker_stats[w].records;
          ++worker_stats[w].rejected;
          worker_bytes[w] += c.file_bytes();
          return Status::OK();
        }
        if (handoff.offer(i, source, c)) return Status::OK();
        return parse_chunk(i, w, source, c.data, c.index, c.first_line, c.first_offset);
      };
      Status st;
      std::optional<Buffer> ahead;
      if (prefetch) {
        auto taken = prefetch->take(i);
        if (taken.ok()) {
          ahead = std::move(taken).value();
        } else {
          st = taken.status();
        }
      }
      if (st.ok()) {
        st = ahead
                 ? source::for_each_chunk(files[i], std::move(*ahead), plan_.chunk_bytes, on_chunk)
                 : source::for_each_chunk(fs, files[i], plan_.chunk_bytes, requests, on_chunk);
      }
      if (!st.ok()) return fail(w, i, std::move(st));
      handoff.file_read(i);
      count_file(worker_stats[w].records - records + helped_records[i].load(),
                 worker_bytes[w] - bytes + helped_bytes[i].load());
    }
  };
  auto help = [&](int w) {
    while (auto item = handoff.take()) {
      uint64_t records = worker_stats[w].records;
      Status st = parse_chunk(item->file, w, item->source, item->data, item->index,
                              item->first_line, item->first_offset);
      helped_records[item->file] += worker_stats[w].records - records;
      helped_bytes[item->file] += item->data.size();
      item->data = Buffer();
      handoff.parsed(item->file);
      if (!st.ok()) return fail(w, item->file, std::move(st));
    }
  };
  ThreadPool::shared().run(threads_ - 1, [&](int w) {
    read_files(w);
    help(w);
    // The block the worker's last chunk went to. A failure here is past every file's.
    if (Status st = keep_blocks(w, true); !st.ok()) fail(w, files.size(), std::move(st));
  });
  size_t first_failed = SIZE_MAX;
  Status failure;
  for (int w = 0; w < threads_; ++w) {
    if (worker_failed_file[w] < first_failed) {
      first_failed = worker_failed_file[w];
      failure = worker_status[w];
    }
  }
  SPARKIFY_RETURN_NOT_OK(failure);
  SPARKIFY_RETURN_NOT_OK(spill_held_tail());
  // Every worker saw nearly every user: one reduced copy, not one per worker, is what stays
  // resident through the write (at 20M events and 2 workers, 15 MB less).
  for (size_t w = 1; w < states_.size(); ++w) states_[0].absorb_users(states_[w]);
  release_free_memory(plan_.limit, /*stage_end=*/true);
  for (const auto& s : worker_stats) {
    stats.records += s.records;
    stats.accepted += s.accepted;
    stats.rejected += s.rejected;
  }
  for (uint64_t b : worker_bytes) total_bytes += b;
  std::vector<ChunkRejects*> ordered;
  for (auto& list : worker_rejects) {
    for (auto& chunk : list) ordered.push_back(&chunk);
  }
  std::sort(ordered.begin(), ordered.end(), [](const ChunkRejects* a, const ChunkRejects* b) {
    return std::tie(a->file, a->chunk) < std::tie(b->file, b->chunk);
  });
  for (ChunkRejects* chunk : ordered) {
    for (auto& r : chunk->rejects) rejects.push_back(std::move(r));
  }
  return Status::OK();
}

Result<transform::EventBlock> LogStage::load(BlockRef& ref) {
  if (ref.memory) {
    transform::EventBlock block = std::move(*ref.memory);
    ref.memory.reset();
    return block;
  }
  std::vector<uint8_t> bytes(ref.size);
  SPARKIFY_RETURN_NOT_OK(workers_[ref.worker].spill->read(ref.offset, bytes));
  transform::EventBlock block;
  if (!transform::EventBlock::deserialize(bytes, block)) {
    return Status::Corrupt("a spill file of this run is damaged (block of file " +
                           std::to_string(ref.file_index) + ")");
  }
  return block;
}

namespace {

// Rows per file for a batch of `rows` (at most `cap`): files are what the writer parallelizes, so
// a batch is split over the threads, but only into files of at least kMinSplitRows each. A daily
// load's few tens of thousands of rows then add one file per partition, not one per thread:
// every load's files stay in the lake, and each small file costs every later reader a request.
constexpr size_t kMinSplitRows = 64 * 1024;
size_t batch_rows_per_file(size_t rows, size_t cap, int threads) {
  size_t files =
      std::clamp<size_t>(rows / kMinSplitRows, 1, static_cast<size_t>(std::max(threads, 1)));
  return std::min(cap, std::max<size_t>(1, (rows + files - 1) / files));
}

void add_written(StreamedTable& table, sink::DatasetWriteResult& written,
                 std::set<std::string>& folders) {
  for (auto& f : written.files) table.files.push_back(std::move(f));
  table.rows += written.rows;
  table.bytes += written.bytes;
  for (auto& p : written.partition_folders) folders.insert(std::move(p));
  table.partitions = folders.size();
}

}  // namespace

void LogStage::sample_times(std::span<const int64_t> ts, uint64_t first_number) {
  constexpr size_t kMaxSamples = 1 << 16;
  for (uint64_t end = first_number + ts.size(); time_sample_next_ < end;
       time_sample_next_ += time_sample_stride_) {
    time_samples_.push_back(ts[time_sample_next_ - first_number]);
  }
  if (time_samples_.size() <= kMaxSamples) return;
  // Too many: keep every other one (those at multiples of the doubled stride) and go on with the
  // doubled stride, so the sample does not depend on how the events were batched. The next one
  // is then at or past this batch's end.
  size_t kept = 0;
  for (size_t i = 0; i < time_samples_.size(); i += 2) time_samples_[kept++] = time_samples_[i];
  time_samples_.resize(kept);
  time_sample_stride_ *= 2;
  time_sample_next_ = kept * time_sample_stride_;
}

Status LogStage::write_songplays_and_time(io::FileSystem& fs, const std::string& songplays_dir,
                                          const std::string& time_dir,
                                          const sink::DatasetWriteOptions& songplays_options,
                                          const sink::DatasetWriteOptions& time_options,
                                          StreamedTable& songplays, StreamedTable& time) {
  SPARKIFY_RETURN_NOT_OK(
      write_songplays(fs, songplays_dir, songplays_options, first_songplay_id_, songplays));
  return write_time(fs, time_dir, time_options, time);
}

Status LogStage::write_songplays(io::FileSystem& fs, const std::string& songplays_dir,
                                 const sink::DatasetWriteOptions& songplays_options,
                                 int64_t first_id, StreamedTable& songplays) {
  std::vector<BlockRef*> order;
  for (auto& worker : workers_) {
    for (auto& ref : worker.blocks) order.push_back(&ref);
  }
  std::sort(order.begin(), order.end(), [](const BlockRef* a, const BlockRef* b) {
    return std::tie(a->file_index, a->block_index) < std::tie(b->file_index, b->block_index);
  });

  std::vector<std::shared_ptr<const void>> owners = songs_.songs.owners;
  for (const auto& o : songs_.artists.owners) owners.push_back(o);
  transform::SongplayBatcher batcher(states_, songs_.index, std::move(owners));
  if (!times_) times_ = std::make_unique<DistinctSorter>(spill_, plan_.time_values);

  SPARKIFY_RETURN_NOT_OK(fs.make_dirs(songplays_dir));
  sink::DatasetWriteOptions batch_options = songplays_options;
  std::set<std::string> folders;
  int64_t next_id = first_id;
  uint64_t first_sample_number = 0;
  std::vector<transform::EventBlock> batch;
  size_t batch_rows = 0;
  auto flush = [&]() -> Status {
    std::vector<int64_t> ts;
    ts.reserve(batch_rows);
    model::TableData table = batcher.build(batch, next_id, threads_, ts);
    batch.clear();
    sample_times(ts, first_sample_number);
    first_sample_number += ts.size();
    // Into the time sorter before the write: deduplicated, the batch's start times shrink to a
    // fraction (15% at 20M events), and a merge of the sorter's runs into its spill file happens
    // before the writer's buffers exist rather than beside them.
    SPARKIFY_RETURN_NOT_OK(times_->add(std::move(ts)));
    next_id += static_cast<int64_t>(batch_rows);
    batch_rows = 0;
    batch_options.first_file_index = songplays_options.first_file_index + songplays.files.size();
    batch_options.max_rows_per_file =
        batch_rows_per_file(table.num_rows, songplays_options.max_rows_per_file, threads_);
    SPARKIFY_ASSIGN_OR_RETURN(auto written,
                              sink::write_dataset(fs, songplays_dir, table, batch_options));
    add_written(songplays, written, folders);
    return Status::OK();
  };
  // Batches of whole blocks, in file order; a batch's blocks are loaded (spilled ones read back
  // and decoded) on the threads.
  for (size_t begin = 0; begin < order.size();) {
    size_t end = begin;
    for (; end < order.size(); ++end) {
      if (end > begin && batch_rows + order[end]->rows > plan_.batch_rows) break;
      batch_rows += order[end]->rows;
    }
    batch.resize(end - begin);
    SPARKIFY_RETURN_NOT_OK(parallel_for(end - begin, threads_, [&](size_t i, int) -> Status {
      SPARKIFY_ASSIGN_OR_RETURN(batch[i], load(*order[begin + i]));
      return Status::OK();
    }));
    SPARKIFY_RETURN_NOT_OK(flush());
    release_free_memory(plan_.limit);
    begin = end;
  }
  for (auto& worker : workers_) {
    worker.blocks.clear();
    worker.spill.reset();
  }
  release_free_memory(plan_.limit, /*stage_end=*/true);
  return Status::OK();
}

Status LogStage::take_times(const std::function<Status(std::span<const int64_t>)>& on_batch) {
  if (!times_) return Status::OK();
  std::unique_ptr<DistinctSorter> times = std::move(times_);
  return times->for_each_sorted(plan_.time_batch_rows, on_batch);
}

Status LogStage::add_times(std::vector<int64_t> ts) {
  if (!times_) times_ = std::make_unique<DistinctSorter>(spill_, plan_.time_values);
  return times_->add(std::move(ts));
}

Status LogStage::write_time(io::FileSystem& fs, const std::string& time_dir,
                            const sink::DatasetWriteOptions& time_options, StreamedTable& time) {
  SPARKIFY_RETURN_NOT_OK(fs.make_dirs(time_dir));
  std::set<std::string> folders;
  sink::DatasetWriteOptions batch_options = time_options;
  std::vector<int64_t> kept;
  return take_times([&](std::span<const int64_t> ts) -> Status {
    if (time_filter_) {
      kept.clear();
      SPARKIFY_RETURN_NOT_OK(time_filter_(ts, kept));
      if (kept.empty()) return Status::OK();
      ts = kept;
    }
    model::TableData table = transform::make_time_batch(ts, threads_);
    batch_options.first_file_index = time_options.first_file_index + time.files.size();
    batch_options.max_rows_per_file =
        batch_rows_per_file(table.num_rows, time_options.max_rows_per_file, threads_);
    SPARKIFY_ASSIGN_OR_RETURN(auto written,
                              sink::write_dataset(fs, time_dir, table, batch_options));
    add_written(time, written, folders);
    table = {};
    release_free_memory(plan_.limit);
    return Status::OK();
  });
}

model::TableData LogStage::users(model::TableData* latest) {
  return transform::build_users(states_, latest);
}

void LogStage::drop_users() {
  for (auto& state : states_) state.drop_users();
}

std::vector<std::vector<uint8_t>> LogStage::encode_users(int parts) {
  // Reduced in place first (parse() has done so already), so the encoding holds each user once
  // and no merged copy is made beside the workers' (a rank held its users three times here).
  for (size_t w = 1; w < states_.size(); ++w) states_[0].absorb_users(states_[w]);
  std::vector<std::vector<uint8_t>> out(static_cast<size_t>(std::max(parts, 1)));
  if (!states_.empty()) states_[0].encode_users(out);
  return out;
}

}  // namespace sparkify::exec
