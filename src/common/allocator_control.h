// Run-time control of the allocator the program links (src/common/allocator.cpp): jemalloc, or
// the C library's malloc, where each call here does nothing (or what it says). Library code uses
// these instead of an allocator's own interface, so it builds and runs with either.
#pragma once

#include <cstdint>

namespace sparkify {

/// True when the program runs on jemalloc.
bool allocator_is_jemalloc();

/// jemalloc: keeps free pages for reuse (`keep`, how the program starts: src/common/allocator.cpp)
/// or, from now on, returns those that have stayed free for its default decay time (10 s).
void allocator_keep_free_pages(bool keep);

/// jemalloc: returns the free pages that have stayed free for the decay time (none while kept).
void allocator_decay();

/// jemalloc: returns every free page it keeps, at once.
void allocator_purge();

/// jemalloc: bytes of free pages it keeps for reuse (resident, "dirty"); 0 on the C library's.
uint64_t allocator_free_bytes();

/// Whether memory the program touches from now on may be backed by transparent huge pages (as
/// the allocator asks for: src/common/allocator.cpp). Pages already touched stay as they are.
void allocator_use_huge_pages(bool use);

/// jemalloc: hands the blocks this thread's cache holds back to the arena. For a pool thread
/// whose step is done: an S3 read runs on up to 64 of them, and their caches kept ~15 MiB after
/// the song stage (44 MiB in use then without the flush, 30 with it; 21 on the C library's
/// malloc).
void flush_thread_cache();

}  // namespace sparkify
