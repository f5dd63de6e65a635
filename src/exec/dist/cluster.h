// Cluster: the few collectives a run split over processes needs (SPEC §8 "Distributed"), behind
// an interface so the job is the same code for one process and for N MPI ranks. `mpi.h` is
// included by mpi_cluster.cpp only, built as a module loaded at run time under a launcher; the
// single-process implementation needs nothing.
//
// Every method is collective: every rank must call the same methods in the same order. A rank
// that fails locally still calls them, carrying its failure to `agree`, so no rank waits forever.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"

namespace sparkify::exec {

using Bytes = std::vector<uint8_t>;

class Cluster {
 public:
  virtual ~Cluster() = default;

  virtual int rank() const = 0;
  virtual int size() const = 0;
  bool is_root() const { return rank() == 0; }
  /// Ranks that share this rank's machine (its memory and cores), this one included.
  virtual int ranks_on_this_machine() const { return 1; }

  /// Every rank's bytes, in rank order, on every rank.
  virtual Result<std::vector<Bytes>> all_gather(std::span<const uint8_t> mine) = 0;
  /// Rank `root` gets every rank's bytes in rank order; the others get an empty list.
  virtual Result<std::vector<Bytes>> gather(std::span<const uint8_t> mine, int root) = 0;
  /// Sends `to[r]` to rank r; returns what each rank sent here, in rank order.
  virtual Result<std::vector<Bytes>> all_to_all(const std::vector<Bytes>& to) = 0;
  /// Element-wise sums over the ranks, on every rank.
  virtual Result<std::vector<uint64_t>> sum(std::span<const uint64_t> mine) = 0;
  /// The sum of `mine` over the ranks before this one (0 on rank 0).
  virtual Result<uint64_t> exclusive_sum(uint64_t mine) = 0;
  /// `root`'s bytes, on every rank.
  virtual Result<Bytes> broadcast(std::span<const uint8_t> mine, int root) = 0;

  /// OK when every rank's `mine` is OK; otherwise the failure of the lowest failing rank, the
  /// same on every rank ("rank R: " in front when R > 0 and not every rank failed alike).
  Status agree(const Status& mine);
  /// A string from rank 0, on every rank.
  Result<std::string> broadcast_string(const std::string& mine);

  /// Payload bytes this rank has sent to and received from other ranks so far.
  uint64_t bytes_sent() const { return sent_; }
  uint64_t bytes_received() const { return received_; }
  /// Seconds this rank has spent inside collectives so far: waiting for the slowest rank to
  /// arrive, then the transfer. A rank's own work is its elapsed time less this.
  double collective_seconds() const { return collective_seconds_; }

 protected:
  void count(uint64_t sent, uint64_t received) {
    sent_ += sent;
    received_ += received;
  }

  /// Adds the lifetime of the collective it is made in to collective_seconds(); a collective
  /// called inside another counts once.
  class Timed {
   public:
    explicit Timed(Cluster& cluster) : cluster_(cluster), start_(std::chrono::steady_clock::now()) {
      ++cluster_.depth_;
    }
    ~Timed() {
      if (--cluster_.depth_ == 0) {
        cluster_.collective_seconds_ +=
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
      }
    }
    Timed(const Timed&) = delete;
    Timed& operator=(const Timed&) = delete;

   private:
    Cluster& cluster_;
    std::chrono::steady_clock::time_point start_;
  };

 private:
  uint64_t sent_ = 0, received_ = 0;
  double collective_seconds_ = 0;
  int depth_ = 0;
};

/// One process: rank 0 of 1; every collective is the identity.
class LocalCluster final : public Cluster {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  Result<std::vector<Bytes>> all_gather(std::span<const uint8_t> mine) override;
  Result<std::vector<Bytes>> gather(std::span<const uint8_t> mine, int root) override;
  Result<std::vector<Bytes>> all_to_all(const std::vector<Bytes>& to) override;
  Result<std::vector<uint64_t>> sum(std::span<const uint64_t> mine) override;
  Result<uint64_t> exclusive_sum(uint64_t mine) override;
  Result<Bytes> broadcast(std::span<const uint8_t> mine, int root) override;
};

/// True when this process was started by an MPI launcher (mpirun, srun, …), judged from the
/// environment the launcher sets, so a plain run never initialises MPI.
bool launched_by_mpi();

/// The cluster this process belongs to: an MPI world when launched by an MPI launcher (the MPI
/// module, libsparkify_mpi.so, is loaded and MPI initialised here, and finalised when the object
/// is destroyed), else a LocalCluster — a plain run never loads OpenMPI.
Result<std::unique_ptr<Cluster>> join_cluster();

}  // namespace sparkify::exec
