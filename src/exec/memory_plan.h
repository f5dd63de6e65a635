// How a --memory-limit is shared between the parts of a run (SPEC §8). The song index and the
// process itself are measured (resident memory after the song stage), not guessed; what is left
// is cut into the read chunks of the workers, the parsed events held before they spill, one
// batch of output rows, and the time table's in-memory sort runs.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/result.h"

namespace sparkify::exec {

/// Default --memory-limit: fits a laptop with room to spare.
inline constexpr uint64_t kDefaultMemoryLimit = uint64_t{512} << 20;

/// The default --memory-limit of one of `processes` ranks sharing a machine: the machine's
/// default divided between them, so that `mpirun -np N` on one machine holds what one process
/// would; never below 128 MiB, the least a rank's working set needs beside a sizeable song index.
inline uint64_t default_memory_limit(int processes) {
  return std::max(kDefaultMemoryLimit / static_cast<uint64_t>(std::max(processes, 1)),
                  uint64_t{128} << 20);
}

struct MemoryPlan {
  uint64_t limit = kDefaultMemoryLimit;  ///< the --memory-limit the shares are cut from
  /// Per worker: log bytes read ahead by ranges (S3), and the input one block of parsed events
  /// covers; the parser is handed at most source::kParseChunkBytes at a time.
  size_t chunk_bytes = 8u << 20;
  size_t event_bytes = 128u << 20;    ///< parsed events held in memory before spilling
  size_t batch_rows = 1u << 20;       ///< songplays rows built and written at a time
  size_t time_values = 8u << 20;      ///< distinct start times sorted in memory
  size_t time_batch_rows = 1u << 20;  ///< time rows built and written at a time
};

/// Read chunks each worker holds at once: reading locally, the read buffer, the parser's copy
/// and its events; reading by ranges (S3), also the range being consumed and the next one.
inline constexpr int kChunksHeldLocal = 3;
inline constexpr int kChunksHeldRanged = 5;

/// What a plan starts from, measured after the song stage.
struct MemoryUse {
  uint64_t resident = 0;  ///< held now: the song index and the program
  uint64_t peak = 0;      ///< the most held so far (reading the song files)
  uint64_t publish = 0;   ///< what publishing will add: the load record (publish_bytes)
};

/// The load record's cost at publish for `inputs` input files: each is a row of the state's
/// ingested-files table, held as read and as extended (four views), and written as Parquet pages
/// (estimated well under 400 bytes together).
inline uint64_t publish_bytes(uint64_t inputs) { return inputs * 400; }

/// The plan for `limit` bytes given what is in use, `threads` workers each holding `chunks_held`
/// read chunks at once; an error naming the limit needed when it cannot fit.
Result<MemoryPlan> plan_memory(uint64_t limit, const MemoryUse& use, int threads,
                               int chunks_held = kChunksHeldLocal);

/// Plans the write stage's shares (songplays batch, time sort and batch) again from what is
/// `resident` when it starts: the users and the song tables' file names, known only then, come
/// out of the shares. Never fails: with nothing left, the shares are their minimums.
void replan_writes(uint64_t limit, uint64_t resident, int threads, MemoryPlan& plan);

/// Parses "512MB", "2GiB", "1g", "300000000" (bytes). KB/MB/GB/TB are powers of 1000; KiB, K,
/// MiB, M … powers of 1024.
Result<uint64_t> parse_size(const std::string& text);

/// "512 MiB"-style text for messages.
std::string size_text(uint64_t bytes);

/// Resident memory now, and the peak so far, of this process (bytes; 0 if unknown).
uint64_t current_rss();
uint64_t peak_rss();

/// Called when a batch or stage has freed its memory, so that what is resident stays under
/// `limit`. The C library's malloc trims its heaps at once. jemalloc (src/common/allocator.cpp)
/// keeps free pages for the next batch, which would otherwise fault them in again (each first
/// touch a zeroed page): all of them while resident memory is below 7/16 of `limit`, then while
/// it is below three quarters of `limit` and the kept pages come to less than an eighth of it;
/// past either bound it returns those that have stayed free for its decay time. At the end of a
/// stage (`stage_end`) past three quarters of `limit`, it returns them all: the next stage
/// allocates other sizes, which the kept pages seldom fit.
void release_free_memory(uint64_t limit, bool stage_end = false);

/// Memory in use: resident memory less the free pages the allocator keeps for reuse (jemalloc's
/// dirty pages; none with the C library's malloc). What a plan starts from.
uint64_t memory_in_use();

}  // namespace sparkify::exec
