// The program's allocator settings. Linked into the executables (not the libraries) when the
// build uses jemalloc (SPARKIFY_ALLOCATOR, the default outside sanitizer builds).
//
// Why: a run touches a few hundred MB of fresh heap, and each first touch of a 4 KiB page is a
// page fault. Where faults are dear (a virtual machine with shadow page tables: ~12 µs each was
// measured) glibc's malloc spent about a third of a run's CPU in them (150k faults on the L
// tier). jemalloc backs its memory with transparent huge pages when asked (`thp:always`:
// MADV_HUGEPAGE on every mapping it makes), one fault per 2 MiB.
// An incremental load that takes little input turns them off for itself
// (allocator_use_huge_pages, called from exec::EtlJob::run).
//
// Freed pages are kept for reuse (no decay: `dirty_decay_ms:-1`) until the run's resident memory
// nears its --memory-limit, or, once past 7/16 of it, the kept pages pass an eighth of it;
// exec::release_free_memory then switches to jemalloc's default decay. A page returned and used
// again is zeroed again by the kernel, which on such a machine costs about 2 ms per MB: the L tier
// (2 threads) takes 0.92 of its time with default decay throughout (8 alternated pairs), for an 8
// MB higher peak.
//
// One arena for all threads: memory that one thread frees, another reuses. With an arena per
// thread (the default: four per core) each kept its own free pages, and a run under a
// --memory-limit of 110 MB peaked at 117 MB; with one, at 104 MB, no slower.
//
// jemalloc reads this string at start-up ("The malloc_conf global variable", jemalloc(3)); the
// MALLOC_CONF environment variable still overrides it.
extern "C" {
// NOLINTNEXTLINE: the name and type are jemalloc's interface.
extern const char* malloc_conf;
const char* malloc_conf = "thp:always,metadata_thp:auto,narenas:1,dirty_decay_ms:-1";
}
