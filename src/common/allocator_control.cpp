#include "common/allocator_control.h"

#include <sys/prctl.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdio>

// jemalloc's control interface, declared weak: null unless the program links jemalloc.
extern "C" int mallctl(const char* name, void* oldp, size_t* oldlenp, void* newp, size_t newlen)
    __attribute__((weak));

namespace sparkify {

bool allocator_is_jemalloc() { return mallctl != nullptr; }

void allocator_decay() {
  if (mallctl != nullptr) mallctl("arena.4096.decay", nullptr, nullptr, nullptr, 0);  // all arenas
}

void allocator_purge() {
  if (mallctl != nullptr) mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0);  // all arenas
}

void allocator_keep_free_pages(bool keep) {
  if (mallctl == nullptr) return;
  ssize_t before = 0;
  size_t size = sizeof before;
  if (mallctl("arenas.dirty_decay_ms", &before, &size, nullptr, 0) != 0) return;
  // Setting the decay time starts its clock again: only a change is written.
  if ((before < 0) == keep) return;
  ssize_t decay_ms = keep ? -1 : 10000;  // jemalloc's default
  mallctl("arenas.dirty_decay_ms", nullptr, nullptr, &decay_ms, sizeof decay_ms);  // new arenas
  unsigned arenas = 0;
  size_t arenas_size = sizeof arenas;
  if (mallctl("arenas.narenas", &arenas, &arenas_size, nullptr, 0) == 0) {
    char name[64];
    for (unsigned i = 0; i < arenas; ++i) {
      std::snprintf(name, sizeof name, "arena.%u.dirty_decay_ms", i);
      mallctl(name, nullptr, nullptr, &decay_ms, sizeof decay_ms);  // fails for unused slots
    }
  }
}

uint64_t allocator_free_bytes() {
  if (mallctl == nullptr) return 0;
  uint64_t epoch = 1;  // statistics are snapshots, refreshed by advancing the epoch
  size_t epoch_size = sizeof epoch;
  size_t dirty_pages = 0, page = 0;
  size_t dirty_size = sizeof dirty_pages, page_size = sizeof page;
  if (mallctl("epoch", &epoch, &epoch_size, &epoch, epoch_size) != 0 ||
      mallctl("stats.arenas.4096.pdirty", &dirty_pages, &dirty_size, nullptr, 0) != 0 ||
      mallctl("arenas.page", &page, &page_size, nullptr, 0) != 0) {
    return 0;
  }
  return uint64_t{dirty_pages} * page;
}

void allocator_use_huge_pages(bool use) {
  // The kernel's per-process switch (Linux 3.15+); it overrides the allocator's MADV_HUGEPAGE.
  prctl(PR_SET_THP_DISABLE, use ? 0 : 1, 0, 0, 0);
}

void flush_thread_cache() {
  if (mallctl != nullptr) mallctl("thread.tcache.flush", nullptr, nullptr, nullptr, 0);
}

}  // namespace sparkify
