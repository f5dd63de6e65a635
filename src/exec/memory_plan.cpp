#include "exec/memory_plan.h"

#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "common/allocator_control.h"

namespace sparkify::exec {

namespace {

// Bytes each part of the plan costs per unit (measured on generated logs, with headroom):
// a parsed event held in a block ~41 B; a songplays row while it is built, gathered by partition
// and encoded ~160 B; a time row ~80 B; a read chunk is held `chunks_held` times (see
// memory_plan.h).
constexpr uint64_t kSongplayRowBytes = 160;
constexpr uint64_t kTimeRowBytes = 80;
// Memory the plan does not cut into shares: allocator slack, and per worker the Parquet writer's
// page, compression and file buffers for the file it is encoding (measured: the write stage
// rises ~4 MiB a worker above its shares).
constexpr uint64_t kWorkingBase = uint64_t{8} << 20;
constexpr uint64_t kWorkingPerWorker = uint64_t{4} << 20;

uint64_t working_bytes(int threads) {
  return kWorkingBase + kWorkingPerWorker * static_cast<uint64_t>(std::max(1, threads));
}

// The write stage's shares of `avail` bytes. Those held at once sum to about half of it:
// allocator slack and the Parquet writer's page and file buffers take the rest. Small shares for
// held events and time runs keep the peak flat (they are what would otherwise grow with the
// input); spilling them costs little. A batch of songplays or of time rows, the largest things
// the stage holds, gets a fifth: no faster with more, and each batch's pages are fresh memory the
// kernel zeroes. Measured at the default limit: L peaked at 290 MB with two fifths for songplays,
// 210 MB with one, in the same time (12 alternated runs); 6M events at 295 MB with half for time
// rows (2.1M of them, one batch: the peak came with it), 219 MB with a fifth, no slower.
void plan_write_shares(uint64_t avail, MemoryPlan& p) {
  p.batch_rows = static_cast<size_t>(std::max<uint64_t>(avail * 2 / 10 / kSongplayRowBytes, 4096));
  p.time_values = static_cast<size_t>(std::max<uint64_t>(avail * 5 / 100 / 16, 4096));
  p.time_batch_rows = static_cast<size_t>(std::max<uint64_t>(avail * 2 / 10 / kTimeRowBytes, 4096));
}

}  // namespace

Result<MemoryPlan> plan_memory(uint64_t limit, const MemoryUse& use, int threads, int chunks_held) {
  const uint64_t resident = use.resident;
  uint64_t working = working_bytes(threads);
  uint64_t needed = std::max(use.peak, resident + working + (uint64_t{8} << 20) + use.publish);
  if (limit < needed) {
    std::string peaked = use.peak > resident + (uint64_t{1} << 20)
                             ? " (reading the song files peaked at " + size_text(use.peak) + ")"
                             : "";
    // Past a few workers, their share is what does not fit (a host with a hundred cores).
    std::string workers = threads > 4
                              ? " for " + std::to_string(threads) + " threads (each needs " +
                                    size_text(kWorkingPerWorker) + "), or fewer --threads"
                              : "";
    return Status::Invalid("--memory-limit " + size_text(limit) +
                           " is too small: the song index and the program already use " +
                           size_text(resident) + peaked + "; give at least " +
                           size_text((needed + (1u << 20) - 1) & ~uint64_t{(1u << 20) - 1}) +
                           workers);
  }
  uint64_t avail = limit - resident - working;
  MemoryPlan p;
  p.limit = limit;
  uint64_t t = static_cast<uint64_t>(std::max(1, threads));
  p.chunk_bytes = static_cast<size_t>(
      std::clamp<uint64_t>(avail / 10 / (static_cast<uint64_t>(std::max(1, chunks_held)) * t),
                           uint64_t{64} << 10, uint64_t{16} << 20));
  p.event_bytes = static_cast<size_t>(avail * 15 / 100);
  plan_write_shares(avail, p);
  return p;
}

void replan_writes(uint64_t limit, uint64_t resident, int threads, MemoryPlan& plan) {
  uint64_t reserved = resident + working_bytes(threads);
  plan_write_shares(limit > reserved ? limit - reserved : 0, plan);
}

Result<uint64_t> parse_size(const std::string& text) {
  size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  double number = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  }
  if (i == 0 || std::sscanf(text.substr(0, i).c_str(), "%lf", &number) != 1) {
    return Status::Invalid("cannot read the size '" + text + "' (write e.g. 512MB or 2GiB)");
  }
  std::string unit;
  for (char c : text.substr(i)) {
    if (c != ' ') unit.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  struct Unit {
    const char* name;
    double factor;
  };
  static constexpr Unit units[] = {{"", 1},
                                   {"b", 1},
                                   {"kb", 1e3},
                                   {"mb", 1e6},
                                   {"gb", 1e9},
                                   {"tb", 1e12},
                                   {"k", 1024.0},
                                   {"m", 1048576.0},
                                   {"g", 1073741824.0},
                                   {"t", 1099511627776.0},
                                   {"kib", 1024.0},
                                   {"mib", 1048576.0},
                                   {"gib", 1073741824.0},
                                   {"tib", 1099511627776.0}};
  for (const auto& u : units) {
    if (unit == u.name) {
      double bytes = number * u.factor;
      if (bytes < 1 || bytes > 9e18) {
        return Status::Invalid("the size '" + text + "' is out of range");
      }
      return static_cast<uint64_t>(bytes);
    }
  }
  return Status::Invalid("cannot read the size '" + text + "': unknown unit '" + unit +
                         "' (use KB, MB, GB, KiB, MiB, GiB)");
}

std::string size_text(uint64_t bytes) {
  char buf[32];
  if (bytes >= (uint64_t{1} << 30)) {
    std::snprintf(buf, sizeof buf, "%.1f GiB", static_cast<double>(bytes) / (1 << 30));
  } else {
    std::snprintf(buf, sizeof buf, "%.0f MiB", static_cast<double>(bytes) / (1 << 20));
  }
  return buf;
}

uint64_t current_rss() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0;
  unsigned long size = 0, resident = 0;
  int n = std::fscanf(f, "%lu %lu", &size, &resident);
  std::fclose(f);
  if (n != 2) return 0;
  return static_cast<uint64_t>(resident) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

uint64_t peak_rss() {
  // VmHWM is this program's own high-water mark. getrusage's ru_maxrss is not: Linux carries it
  // across exec, so a child forked from a large parent (a Node test harness holding DuckDB,
  // 170 MB) would report the parent's footprint as its own peak.
  if (FILE* f = std::fopen("/proc/self/status", "r")) {
    char line[256];
    unsigned long kib = 0;
    bool found = false;
    while (!found && std::fgets(line, sizeof line, f)) {
      found = std::sscanf(line, "VmHWM: %lu kB", &kib) == 1;
    }
    std::fclose(f);
    if (found) return static_cast<uint64_t>(kib) * 1024;
  }
  struct rusage usage {};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<uint64_t>(usage.ru_maxrss) * 1024;
}

void release_free_memory(uint64_t limit, bool stage_end) {
  if (allocator_is_jemalloc()) {
    // Free pages are kept for the next batch while resident memory is below three quarters of
    // the limit and they come to less than an eighth of it. Returning those that had stayed free
    // for jemalloc's decay time made the next batch fault them in again, each a page the kernel
    // zeroes: on the L tier (2M events, peak ~285 MB at the default limit) the bound saves ~8%
    // of the time, keeping them all ~17%. Past either bound they decay as jemalloc's default has
    // them, as before: kept up to a quarter of the limit, 20M events peaked at 411 MB against
    // 361 (an eighth: 354), and purging them all instead made every batch fault them in again
    // (under --memory-limit 100MB, L took 170k faults and twice the time).
    //
    // Between stages, past three quarters of the limit, every kept page goes back: the log
    // stage's freed chunks and event blocks were not reused by the write stage's tables and
    // buffers. Under a 112 MB limit, 163k users (2M events): 46 MB of the 102 MB resident at
    // the log stage's end was kept free pages, and building the users table took the run to
    // 110-112 MB; returning them at the stage's end, to 100-103 MB, in the same time.
    //
    // Under 7/16 of the limit every freed page is kept: the run is far from its bound, and a page
    // used again costs nothing where a returned one is zeroed by the kernel when touched anew (on
    // a virtual machine whose host takes back the pages a guest frees, several times what the
    // zeroing costs alone). The L tier's write stage used to return 239 MiB that the log stage
    // had freed and fault most of it in again: keeping them made a run 6% faster (paired median
    // of 10 alternated runs, 1.78 -> 1.68 s; 20M events 11.1-11.4 -> 10.1-11.3 s) for a peak 20-30
    // MB higher (2M events 214 -> 241 MB at most, 20M 226 -> 252). Under half the limit the
    // 20M-event run's freed batches grew to it (258 MB, 1.21x the 2M peak; the target is 1.2x).
    const uint64_t resident = current_rss();
    bool near = resident > limit / 4 * 3;
    bool roomy = resident < limit / 16 * 7;
    bool tight = near || (!roomy && allocator_free_bytes() > limit / 8);
    allocator_keep_free_pages(!tight);
    if (stage_end && near) {
      allocator_purge();
    } else if (tight) {
      allocator_decay();
    }
    return;
  }
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

uint64_t memory_in_use() {
  uint64_t resident = current_rss();
  return resident - std::min(resident, allocator_free_bytes());
}

}  // namespace sparkify::exec
