// The Cluster over MPI_COMM_WORLD. The only file that includes mpi.h. It is built as a module
// (libsparkify_mpi.so) that join_cluster() loads only under an MPI launcher, so a plain run
// never maps OpenMPI's libraries. Only the main thread calls MPI (MPI_THREAD_FUNNELED); errors
// are returned (MPI_ERRORS_RETURN) and become a Status, so a failed collective ends the run with
// a sentence instead of MPI's abort.
#include <mpi.h>

#include <climits>
#include <cstdio>

#include "exec/dist/cluster.h"

namespace sparkify::exec {

namespace {

Status mpi_status(int code, const char* what) {
  if (code == MPI_SUCCESS) return Status::OK();
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(code, text, &len);
  return Status::IoError(std::string("MPI ") + what + " failed: " + std::string(text, len));
}

#define SPARKIFY_MPI(call, what) SPARKIFY_RETURN_NOT_OK(mpi_status((call), what))

// MPI counts are int: a payload past 2 GiB would need chunking, which no exchange here needs yet.
Result<std::vector<int>> displacements(const std::vector<uint64_t>& sizes,
                                       std::vector<int>& counts) {
  counts.resize(sizes.size());
  std::vector<int> displ(sizes.size());
  uint64_t total = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] > INT_MAX || total > INT_MAX) {
      return Status::NotSupported("an MPI exchange of more than 2 GiB is not supported");
    }
    counts[i] = static_cast<int>(sizes[i]);
    displ[i] = static_cast<int>(total);
    total += sizes[i];
  }
  if (total > INT_MAX) {
    return Status::NotSupported("an MPI exchange of more than 2 GiB is not supported");
  }
  return displ;
}

std::vector<Bytes> split(const Bytes& all, const std::vector<int>& counts,
                         const std::vector<int>& displ) {
  std::vector<Bytes> out(counts.size());
  for (size_t i = 0; i < counts.size(); ++i) {
    out[i].assign(all.begin() + displ[i], all.begin() + displ[i] + counts[i]);
  }
  return out;
}

}  // namespace

class MpiCluster final : public Cluster {
 public:
  MpiCluster(int rank, int size, int local_size)
      : rank_(rank), size_(size), local_size_(local_size) {}
  ~MpiCluster() override { MPI_Finalize(); }

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  int ranks_on_this_machine() const override { return local_size_; }

  Result<std::vector<Bytes>> all_gather(std::span<const uint8_t> mine) override {
    Timed timed(*this);
    uint64_t n = mine.size();
    std::vector<uint64_t> sizes(size_);
    SPARKIFY_MPI(MPI_Allgather(&n, 1, MPI_UINT64_T, sizes.data(), 1, MPI_UINT64_T, MPI_COMM_WORLD),
                 "Allgather");
    std::vector<int> counts;
    SPARKIFY_ASSIGN_OR_RETURN(auto displ, displacements(sizes, counts));
    Bytes all(static_cast<size_t>(displ.back()) + counts.back());
    SPARKIFY_MPI(MPI_Allgatherv(mine.data(), static_cast<int>(n), MPI_BYTE, all.data(),
                                counts.data(), displ.data(), MPI_BYTE, MPI_COMM_WORLD),
                 "Allgatherv");
    count(n * static_cast<uint64_t>(size_ - 1), all.size() - n);
    return split(all, counts, displ);
  }

  Result<std::vector<Bytes>> gather(std::span<const uint8_t> mine, int root) override {
    Timed timed(*this);
    uint64_t n = mine.size();
    std::vector<uint64_t> sizes(size_);
    SPARKIFY_MPI(
        MPI_Gather(&n, 1, MPI_UINT64_T, sizes.data(), 1, MPI_UINT64_T, root, MPI_COMM_WORLD),
        "Gather");
    std::vector<int> counts(size_), displ(size_);
    Bytes all;
    if (rank_ == root) {
      SPARKIFY_ASSIGN_OR_RETURN(displ, displacements(sizes, counts));
      all.resize(static_cast<size_t>(displ.back()) + counts.back());
    }
    SPARKIFY_MPI(MPI_Gatherv(mine.data(), static_cast<int>(n), MPI_BYTE, all.data(), counts.data(),
                             displ.data(), MPI_BYTE, root, MPI_COMM_WORLD),
                 "Gatherv");
    if (rank_ != root) {
      count(n, 0);
      return std::vector<Bytes>();
    }
    count(0, all.size() - n);
    return split(all, counts, displ);
  }

  Result<std::vector<Bytes>> all_to_all(const std::vector<Bytes>& to) override {
    Timed timed(*this);
    if (static_cast<int>(to.size()) != size_) {
      return Status::Internal("all_to_all needs one buffer per rank");
    }
    std::vector<uint64_t> send_sizes(size_), recv_sizes(size_);
    for (int r = 0; r < size_; ++r) send_sizes[r] = to[r].size();
    SPARKIFY_MPI(MPI_Alltoall(send_sizes.data(), 1, MPI_UINT64_T, recv_sizes.data(), 1,
                              MPI_UINT64_T, MPI_COMM_WORLD),
                 "Alltoall");
    std::vector<int> send_counts, recv_counts;
    SPARKIFY_ASSIGN_OR_RETURN(auto send_displ, displacements(send_sizes, send_counts));
    SPARKIFY_ASSIGN_OR_RETURN(auto recv_displ, displacements(recv_sizes, recv_counts));
    Bytes send;
    for (const auto& b : to) send.insert(send.end(), b.begin(), b.end());
    Bytes recv(static_cast<size_t>(recv_displ.back()) + recv_counts.back());
    SPARKIFY_MPI(
        MPI_Alltoallv(send.data(), send_counts.data(), send_displ.data(), MPI_BYTE, recv.data(),
                      recv_counts.data(), recv_displ.data(), MPI_BYTE, MPI_COMM_WORLD),
        "Alltoallv");
    return split(recv, recv_counts, recv_displ);
  }

  Result<std::vector<uint64_t>> sum(std::span<const uint64_t> mine) override {
    Timed timed(*this);
    std::vector<uint64_t> out(mine.size());
    SPARKIFY_MPI(MPI_Allreduce(mine.data(), out.data(), static_cast<int>(mine.size()), MPI_UINT64_T,
                               MPI_SUM, MPI_COMM_WORLD),
                 "Allreduce");
    count(mine.size_bytes(), mine.size_bytes());
    return out;
  }

  Result<uint64_t> exclusive_sum(uint64_t mine) override {
    Timed timed(*this);
    uint64_t out = 0;
    SPARKIFY_MPI(MPI_Exscan(&mine, &out, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD), "Exscan");
    count(sizeof mine, sizeof out);
    return rank_ == 0 ? 0 : out;  // MPI leaves rank 0's result undefined
  }

  Result<Bytes> broadcast(std::span<const uint8_t> mine, int root) override {
    Timed timed(*this);
    uint64_t n = mine.size();
    SPARKIFY_MPI(MPI_Bcast(&n, 1, MPI_UINT64_T, root, MPI_COMM_WORLD), "Bcast");
    if (n > INT_MAX) return Status::NotSupported("an MPI broadcast of more than 2 GiB");
    Bytes out(n);
    if (rank_ == root) out.assign(mine.begin(), mine.end());
    SPARKIFY_MPI(MPI_Bcast(out.data(), static_cast<int>(n), MPI_BYTE, root, MPI_COMM_WORLD),
                 "Bcast");
    if (rank_ == root) {
      count(n * static_cast<uint64_t>(size_ - 1), 0);
    } else {
      count(0, n);
    }
    return out;
  }

 private:
  int rank_, size_, local_size_;
};

}  // namespace sparkify::exec

/// The module's one entry point: initialises MPI and returns this process's rank of
/// MPI_COMM_WORLD (the caller owns it), or nullptr with a sentence in `error`.
extern "C" __attribute__((visibility("default"))) sparkify::exec::Cluster* sparkify_mpi_join(
    char* error, size_t error_size) {
  int provided = 0;
  if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
    std::snprintf(error, error_size, "MPI could not start (MPI_Init_thread failed)");
    return nullptr;
  }
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  // The ranks that share this machine's memory: the defaults for --memory-limit and --threads
  // are the machine's, divided between them.
  int local_size = 1;
  MPI_Comm local;
  if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &local) ==
      MPI_SUCCESS) {
    MPI_Comm_size(local, &local_size);
    MPI_Comm_free(&local);
  }
  return new sparkify::exec::MpiCluster(rank, size, local_size);
}
