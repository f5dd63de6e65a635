#include "exec/external_sort.h"

#include <algorithm>
#include <queue>

#include "common/sorted.h"

namespace sparkify::exec {

namespace {

// Start times arrive in file order, and a day's log is in time order: a batch is usually
// sorted already, or a few sorted runs. Those are merged rather than sorted again.
void sort_distinct(std::vector<int64_t>& v) {
  sort_runs(v);
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// One sorted run being merged: from memory, or read from a spill file in slices.
class RunCursor {
 public:
  RunCursor(const std::vector<int64_t>* memory) : memory_(memory) {}
  RunCursor(const SpillFile* file, uint64_t offset, uint64_t count)
      : file_(file), offset_(offset), remaining_(count) {}

  // False at the end of the run.
  Result<bool> valid() {
    if (memory_) return pos_ < memory_->size();
    if (pos_ < buffer_.size()) return true;
    if (remaining_ == 0) return false;
    size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, 64 * 1024));
    buffer_.resize(n);
    SPARKIFY_RETURN_NOT_OK(
        file_->read(offset_, {reinterpret_cast<uint8_t*>(buffer_.data()), n * sizeof(int64_t)}));
    offset_ += n * sizeof(int64_t);
    remaining_ -= n;
    pos_ = 0;
    return true;
  }
  int64_t value() const { return memory_ ? (*memory_)[pos_] : buffer_[pos_]; }
  void advance() { ++pos_; }

 private:
  const std::vector<int64_t>* memory_ = nullptr;
  const SpillFile* file_ = nullptr;
  uint64_t offset_ = 0, remaining_ = 0;
  std::vector<int64_t> buffer_;
  size_t pos_ = 0;
};

}  // namespace

Status DistinctSorter::add(std::vector<int64_t> values) {
  sort_distinct(values);
  // A batch's start times are mostly repeats: keeping the run at the batch's capacity would hold
  // every start time of every batch until the next spill, while only the distinct ones count.
  if (values.capacity() > values.size() + values.size() / 4) values.shrink_to_fit();
  held_ += values.capacity();
  memory_runs_.push_back(std::move(values));
  if (held_ > memory_values_) return spill_memory();
  return Status::OK();
}

Status DistinctSorter::spill_memory() {
  std::vector<int64_t> merged;
  merged.reserve(held_);
  for (auto& run : memory_runs_) {
    merged.insert(merged.end(), run.begin(), run.end());
    run = {};
  }
  memory_runs_.clear();
  held_ = 0;
  sort_distinct(merged);
  if (!file_) {
    SPARKIFY_ASSIGN_OR_RETURN(file_, spill_.create_file("time"));
  }
  SPARKIFY_ASSIGN_OR_RETURN(uint64_t offset,
                            file_->append({reinterpret_cast<const uint8_t*>(merged.data()),
                                           merged.size() * sizeof(int64_t)}));
  disk_runs_.push_back({offset, merged.size()});
  return Status::OK();
}

Status DistinctSorter::for_each_sorted(
    size_t batch, const std::function<Status(std::span<const int64_t>)>& on_batch) {
  if (memory_runs_.size() > 1) {  // one in-memory run to merge, not many
    std::vector<int64_t> merged;
    merged.reserve(held_);
    for (auto& run : memory_runs_) {
      merged.insert(merged.end(), run.begin(), run.end());
      run = {};
    }
    memory_runs_.clear();
    sort_distinct(merged);  // a concatenation of sorted runs: merged, not sorted
    memory_runs_.push_back(std::move(merged));
  }
  if (disk_runs_.empty()) {  // nothing spilled: the one run is the answer
    std::vector<int64_t> run =
        memory_runs_.empty() ? std::vector<int64_t>{} : std::move(memory_runs_[0]);
    memory_runs_.clear();
    held_ = 0;
    size_t step = std::max<size_t>(batch, 1);
    for (size_t at = 0; at < run.size(); at += step) {
      SPARKIFY_RETURN_NOT_OK(
          on_batch(std::span<const int64_t>(run).subspan(at, std::min(step, run.size() - at))));
    }
    return Status::OK();
  }
  std::vector<RunCursor> cursors;
  for (const auto& run : memory_runs_) cursors.emplace_back(&run);
  for (const auto& run : disk_runs_) cursors.emplace_back(file_.get(), run.offset, run.count);

  using Entry = std::pair<int64_t, size_t>;  // value, cursor
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap;
  for (size_t i = 0; i < cursors.size(); ++i) {
    SPARKIFY_ASSIGN_OR_RETURN(bool ok, cursors[i].valid());
    if (ok) heap.push({cursors[i].value(), i});
  }
  std::vector<int64_t> out;
  out.reserve(std::max<size_t>(batch, 1));
  while (!heap.empty()) {
    auto [value, i] = heap.top();
    heap.pop();
    if (out.empty() || out.back() != value) {
      if (out.size() == batch) {
        SPARKIFY_RETURN_NOT_OK(on_batch(out));
        out.clear();
      }
      out.push_back(value);
    }
    cursors[i].advance();
    SPARKIFY_ASSIGN_OR_RETURN(bool ok, cursors[i].valid());
    if (ok) heap.push({cursors[i].value(), i});
  }
  if (!out.empty()) SPARKIFY_RETURN_NOT_OK(on_batch(out));
  return Status::OK();
}

}  // namespace sparkify::exec
