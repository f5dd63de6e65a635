#include "exec/dist/cluster.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "common/wire.h"

namespace sparkify::exec {

Status Cluster::agree(const Status& mine) {
  Bytes bytes;
  WireWriter w(bytes);
  w.put<int32_t>(static_cast<int32_t>(mine.code()));
  w.put_string(mine.message());
  auto all = all_gather(bytes);
  if (!all.ok()) return all.status();
  // The rank is named when it is news: not when every rank failed alike (a bad flag), nor for
  // rank 0, which does the steps only one rank does (listing the input, publishing).
  bool alike = true;
  for (const auto& other : *all) alike = alike && other == all->front();
  for (size_t r = 0; r < all->size(); ++r) {
    WireReader in((*all)[r]);
    int32_t code = 0;
    std::string message;
    if (!in.get(code) || !in.get_string(message)) {
      return Status::Internal("rank " + std::to_string(r) + " sent an unreadable status");
    }
    if (code == static_cast<int32_t>(ErrorCode::kOk)) continue;
    if (r > 0 && !alike) message = "rank " + std::to_string(r) + ": " + message;
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

namespace {

// The MPI module sits beside the binary (a build tree) or in its library folder (installed);
// SPARKIFY_MPI_MODULE names another.
std::vector<std::string> mpi_module_candidates() {
  std::vector<std::string> out;
  if (const char* env = std::getenv("SPARKIFY_MPI_MODULE"); env && *env) out.emplace_back(env);
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto dir = exe.parent_path();
    out.push_back((dir / "libsparkify_mpi.so").string());
#ifdef SPARKIFY_MPI_MODULE_RELDIR
    out.push_back((dir / SPARKIFY_MPI_MODULE_RELDIR / "libsparkify_mpi.so").string());
#endif
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<Cluster>> join_cluster() {
  if (!launched_by_mpi()) return std::unique_ptr<Cluster>(std::make_unique<LocalCluster>());
#ifdef SPARKIFY_HAVE_MPI
  std::string tried, why;
  for (const auto& path : mpi_module_candidates()) {
    if (::access(path.c_str(), R_OK) != 0) {
      tried += (tried.empty() ? "" : ", ") + path;
      continue;
    }
    // Never closed: the cluster's code lives in it until the process ends.
    void* module = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!module) {
      const char* e = ::dlerror();
      return Status::NotSupported("cannot load the MPI module " + path + " (" +
                                  (e ? e : "unknown error") + "); is OpenMPI installed?");
    }
    using Join = Cluster* (*)(char*, size_t);
    auto join = reinterpret_cast<Join>(::dlsym(module, "sparkify_mpi_join"));
    if (!join) return Status::NotSupported(path + " is not sparkify's MPI module");
    char error[256] = {0};
    Cluster* cluster = join(error, sizeof error);
    if (!cluster) return Status::IoError(error);
    return std::unique_ptr<Cluster>(cluster);
  }
  return Status::NotSupported(
      "started by an MPI launcher, but sparkify's MPI module is missing (looked for " + tried +
      ")");
#else
  return Status::NotSupported(
      "this sparkify was built without MPI (SPARKIFY_WITH_MPI=OFF), so it cannot run under an "
      "MPI launcher; rebuild with OpenMPI or run it without mpirun");
#endif
}

}  // namespace sparkify::exec
