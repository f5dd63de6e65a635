#include "exec/dist/thread_cluster.h"

#include <cstring>

namespace sparkify::exec {

namespace {

// Every collective is an all-to-all through `slots` (slots[from][to]) between two barriers:
// the first publishes what each rank put, the second keeps a fast rank from overwriting slots
// a slow one has not read yet.
struct Exchange {
  explicit Exchange(int n) : size(n), slots(n, std::vector<Bytes>(n)), sync(n) {}
  int size;
  std::vector<std::vector<Bytes>> slots;
  std::barrier<> sync;
};

class ThreadCluster final : public Cluster {
 public:
  ThreadCluster(std::shared_ptr<Exchange> exchange, int rank)
      : x_(std::move(exchange)), rank_(rank) {}

  int rank() const override { return rank_; }
  int size() const override { return x_->size; }
  int ranks_on_this_machine() const override { return x_->size; }  // one process holds them all

  Result<std::vector<Bytes>> all_to_all(const std::vector<Bytes>& to) override {
    Timed timed(*this);
    if (static_cast<int>(to.size()) != x_->size) {
      return Status::Internal("all_to_all needs one buffer per rank");
    }
    x_->slots[rank_] = to;
    x_->sync.arrive_and_wait();
    std::vector<Bytes> got(x_->size);
    for (int r = 0; r < x_->size; ++r) {
      got[r] = x_->slots[r][rank_];
      if (r != rank_) count(to[r].size(), got[r].size());
    }
    x_->sync.arrive_and_wait();
    return got;
  }

  Result<std::vector<Bytes>> all_gather(std::span<const uint8_t> mine) override {
    Timed timed(*this);
    return all_to_all(std::vector<Bytes>(x_->size, Bytes(mine.begin(), mine.end())));
  }

  Result<std::vector<Bytes>> gather(std::span<const uint8_t> mine, int root) override {
    Timed timed(*this);
    std::vector<Bytes> to(x_->size);
    to[root].assign(mine.begin(), mine.end());
    auto got = all_to_all(to);
    if (!got.ok() || rank_ == root) return got;
    return std::vector<Bytes>();
  }

  Result<std::vector<uint64_t>> sum(std::span<const uint64_t> mine) override {
    Timed timed(*this);
    auto all = all_gather({reinterpret_cast<const uint8_t*>(mine.data()), mine.size_bytes()});
    if (!all.ok()) return all.status();
    std::vector<uint64_t> out(mine.size());
    for (const auto& bytes : *all) {
      for (size_t i = 0; i < out.size(); ++i) {
        uint64_t v;
        std::memcpy(&v, bytes.data() + i * sizeof v, sizeof v);
        out[i] += v;
      }
    }
    return out;
  }

  Result<uint64_t> exclusive_sum(uint64_t mine) override {
    Timed timed(*this);
    auto all = all_gather({reinterpret_cast<const uint8_t*>(&mine), sizeof mine});
    if (!all.ok()) return all.status();
    uint64_t before = 0;
    for (int r = 0; r < rank_; ++r) {
      uint64_t v;
      std::memcpy(&v, (*all)[r].data(), sizeof v);
      before += v;
    }
    return before;
  }

  Result<Bytes> broadcast(std::span<const uint8_t> mine, int root) override {
    Timed timed(*this);
    auto all = all_gather(mine);
    if (!all.ok()) return all.status();
    return std::move((*all)[root]);
  }

 private:
  std::shared_ptr<Exchange> x_;
  int rank_;
};

}  // namespace

std::vector<std::unique_ptr<Cluster>> make_thread_clusters(int ranks) {
  auto exchange = std::make_shared<Exchange>(ranks);
  std::vector<std::unique_ptr<Cluster>> out;
  for (int r = 0; r < ranks; ++r) out.push_back(std::make_unique<ThreadCluster>(exchange, r));
  return out;
}

}  // namespace sparkify::exec
