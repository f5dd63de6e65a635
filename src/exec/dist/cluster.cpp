#include "exec/dist/cluster.h"

#include <cstdlib>

#include "common/wire.h"

namespace sparkify::exec {

#ifdef SPARKIFY_HAVE_MPI
Result<std::unique_ptr<Cluster>> make_mpi_cluster();  // mpi_cluster.cpp
#endif

Status Cluster::agree(const Status& mine) {
  Bytes bytes;
  WireWriter w(bytes);
  w.put<int32_t>(static_cast<int32_t>(mine.code()));
  w.put_string(mine.message());
  auto all = all_gather(bytes);
  if (!all.ok()) return all.status();
  for (size_t r = 0; r < all->size(); ++r) {
    WireReader in((*all)[r]);
    int32_t code = 0;
    std::string message;
    if (!in.get(code) || !in.get_string(message)) {
      return Status::Internal("rank " + std::to_string(r) + " sent an unreadable status");
    }
    if (code == static_cast<int32_t>(ErrorCode::kOk)) continue;
    if (size() > 1) message = "rank " + std::to_string(r) + ": " + message;
    return Status(static_cast<ErrorCode>(code), std::move(message));
  }
  return Status::OK();
}

Result<std::string> Cluster::broadcast_string(const std::string& mine) {
  auto bytes = broadcast({reinterpret_cast<const uint8_t*>(mine.data()), mine.size()}, 0);
  if (!bytes.ok()) return bytes.status();
  return std::string(bytes->begin(), bytes->end());
}

Result<std::vector<Bytes>> LocalCluster::all_gather(std::span<const uint8_t> mine) {
  return std::vector<Bytes>{Bytes(mine.begin(), mine.end())};
}

Result<std::vector<Bytes>> LocalCluster::gather(std::span<const uint8_t> mine, int) {
  return std::vector<Bytes>{Bytes(mine.begin(), mine.end())};
}

Result<std::vector<Bytes>> LocalCluster::all_to_all(const std::vector<Bytes>& to) { return to; }

Result<std::vector<uint64_t>> LocalCluster::sum(std::span<const uint64_t> mine) {
  return std::vector<uint64_t>(mine.begin(), mine.end());
}

Result<uint64_t> LocalCluster::exclusive_sum(uint64_t) { return uint64_t{0}; }

Result<Bytes> LocalCluster::broadcast(std::span<const uint8_t> mine, int) {
  return Bytes(mine.begin(), mine.end());
}

bool launched_by_mpi() {
  // OpenMPI's mpirun sets OMPI_COMM_WORLD_SIZE; PMIx launchers (srun --mpi=pmix, prterun) set
  // PMIX_RANK; MPICH-style and Slurm PMI-2 launchers set PMI_SIZE.
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"}) {
    if (const char* v = std::getenv(name); v && *v) return true;
  }
  return false;
}

bool mpi_available() {
#ifdef SPARKIFY_HAVE_MPI
  return true;
#else
  return false;
#endif
}

Result<std::unique_ptr<Cluster>> join_cluster() {
  if (!launched_by_mpi()) return std::unique_ptr<Cluster>(std::make_unique<LocalCluster>());
#ifdef SPARKIFY_HAVE_MPI
  return make_mpi_cluster();
#else
  return Status::NotSupported(
      "this sparkify was built without MPI (SPARKIFY_WITH_MPI=OFF), so it cannot run under an "
      "MPI launcher; rebuild with OpenMPI or run it without mpirun");
#endif
}

}  // namespace sparkify::exec
