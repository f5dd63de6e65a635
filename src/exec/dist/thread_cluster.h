// ThreadClusters: N ranks as N threads of one process, exchanging through shared memory — the
// in-process Cluster the distributed job is tested with, without MPI or a launcher.
#pragma once

#include <barrier>
#include <memory>
#include <vector>

#include "exec/dist/cluster.h"

namespace sparkify::exec {

/// Makes `ranks` clusters sharing one exchange; cluster r must be used by one thread only.
std::vector<std::unique_ptr<Cluster>> make_thread_clusters(int ranks);

}  // namespace sparkify::exec
