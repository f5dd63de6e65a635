// Unit tests for common/: Status and Result, the string hash, JSON escaping, UUIDs, UTF-8,
// Buffer, parallel_for and its thread pool.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/buffer.h"
#include "common/hash.h"
#include "common/json.h"
#include "common/parallel.h"
#include "common/result.h"
#include "common/sorted.h"
#include "common/utf8.h"
#include "common/uuid.h"

namespace sparkify {
namespace {

Result<int> half(int x) {
  if (x % 2 != 0) return Status::Invalid(std::to_string(x) + " is odd");
  return x / 2;
}

Status quarter(int x, int* out) {
  SPARKIFY_ASSIGN_OR_RETURN(int h, half(x));
  SPARKIFY_ASSIGN_OR_RETURN(*out, half(h));
  return Status::OK();
}

TEST(Status, DefaultIsOkAndContextIsPrependedToErrorsOnly) {
  EXPECT_TRUE(Status().ok());
  EXPECT_TRUE(Status::OK().with_context("reading x").ok());
  Status st = Status::NotFound("no such file").with_context("reading a.json");
  EXPECT_EQ(st.code(), ErrorCode::kNotFound);
  EXPECT_EQ(st.message(), "reading a.json: no such file");
  EXPECT_STREQ(error_code_name(ErrorCode::kCorrupt), "corrupt");
}

TEST(Result, HoldsAValueOrAnError) {
  Result<int> good = half(8);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 4);
  EXPECT_TRUE(good.status().ok());
  Result<int> bad = half(3);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "3 is odd");
}

TEST(Result, MacrosPropagateTheFirstError) {
  int out = 0;
  EXPECT_TRUE(quarter(12, &out).ok());
  EXPECT_EQ(out, 3);
  EXPECT_EQ(quarter(6, &out).message(), "3 is odd");
  EXPECT_EQ(quarter(5, &out).message(), "5 is odd");
}

TEST(Result, AnOkStatusBecomesAnInternalError) {
  Result<int> r{Status::OK()};
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInternal);
}

TEST(ResultDeathTest, ValueOfAnErrorStopsWithItsMessageInEveryBuild) {
  Result<std::string> r{Status::IoError("disk on fire")};
  EXPECT_DEATH((void)r.value(), "Result::value\\(\\) on an error: I/O error: disk on fire");
}

TEST(Hash, DependsOnEveryByteTheLengthAndTheSeed) {
  std::set<uint64_t> seen;
  std::string s;
  // Lengths 0..40 cover the 8-byte body and every tail length.
  for (int n = 0; n <= 40; ++n) {
    EXPECT_TRUE(seen.insert(hash_bytes(s)).second) << "length " << n;
    s.push_back('a');
  }
  EXPECT_EQ(hash_bytes("Hello"), hash_bytes(std::string("Hello")));
  EXPECT_NE(hash_bytes("Hello"), hash_bytes("Hellp"));
  EXPECT_NE(hash_bytes("Hello", 1), hash_bytes("Hello", 2));
  // A zero byte at the end is not the same as a shorter string.
  EXPECT_NE(hash_bytes(std::string_view("ab\0", 3)), hash_bytes("ab"));
}

TEST(Json, EscapesQuotesBackslashesAndControlBytesOnly) {
  EXPECT_EQ(json_escape("plain"), "plain");
  EXPECT_EQ(json_escape("a\"b\\c"), "a\\\"b\\\\c");
  EXPECT_EQ(json_escape("\n\r\t"), "\\n\\r\\t");
  EXPECT_EQ(json_escape(std::string_view("\x01\x1f\x7f", 3)), "\\u0001\\u001f\\u007f");
  EXPECT_EQ(json_escape("Beyoncé ♫"), "Beyoncé ♫");  // UTF-8 passes through
  EXPECT_EQ(json_quote("x\"y"), "\"x\\\"y\"");
}

TEST(Uuid, IsVersion4InCanonicalFormAndUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string u = make_uuid();
    ASSERT_EQ(u.size(), 36u);
    for (int dash : {8, 13, 18, 23}) EXPECT_EQ(u[dash], '-') << u;
    EXPECT_EQ(u[14], '4') << u;                                          // version
    EXPECT_NE(std::string("89ab").find(u[19]), std::string::npos) << u;  // variant
    EXPECT_TRUE(std::all_of(u.begin(), u.end(), [](char c) {
      return c == '-' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    })) << u;
    EXPECT_TRUE(seen.insert(u).second);
  }
}

TEST(Utf8, EncodesEachLengthAtItsBoundaries) {
  struct Case {
    uint32_t cp;
    std::string bytes;
  };
  for (const Case& c : std::vector<Case>{{0x24, "$"},
                                         {0x7F, "\x7F"},
                                         {0x80, "\xC2\x80"},
                                         {0xE9, "é"},
                                         {0x7FF, "\xDF\xBF"},
                                         {0x800, "\xE0\xA0\x80"},
                                         {0x266B, "♫"},
                                         {0xFFFF, "\xEF\xBF\xBF"},
                                         {0x10000, "\xF0\x90\x80\x80"},
                                         {0x1F3B5, "🎵"},
                                         {0x10FFFF, "\xF4\x8F\xBF\xBF"}}) {
    std::string out;
    append_utf8(out, c.cp);
    EXPECT_EQ(out, c.bytes) << std::hex << c.cp;
  }
}

TEST(Buffer, PaddingIsZeroAfterEveryResize) {
  Buffer b =
      Buffer::CopyOf(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>("abcdef"), 6), 4);
  EXPECT_EQ(b.view(), "abcdef");
  EXPECT_EQ(b.padding(), 4u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(b.data()[6 + i], 0);
  const uint8_t* before = b.data();
  b.resize_for_overwrite(3, 4);  // fits: the allocation is reused
  EXPECT_EQ(b.data(), before);
  EXPECT_EQ(b.size(), 3u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(b.data()[3 + i], 0);
  b.resize_for_overwrite(100, 8);  // grows
  EXPECT_EQ(b.size(), 100u);
  std::memset(b.data(), 'x', 100);
  b.truncate(10);
  EXPECT_EQ(b.view(), std::string(10, 'x'));
  for (size_t i = 0; i < 8; ++i) EXPECT_EQ(b.data()[10 + i], 0);
  b.truncate(50);  // never grows
  EXPECT_EQ(b.size(), 10u);
  EXPECT_TRUE(Buffer().empty());
}

TEST(Buffer, AppendGrowsAndKeepsContentsAndPadding) {
  Buffer b = Buffer::Allocate(0, 4);
  std::string expected;
  for (int i = 0; i < 3000; ++i) {
    std::string piece = std::to_string(i) + ",";
    b.append(piece.data(), piece.size());
    expected += piece;
  }
  EXPECT_EQ(b.view(), expected);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(b.data()[b.size() + i], 0);
}

TEST(Buffer, ReserveKeepsContentsAndPaddingAndSparesTheGrowth) {
  Buffer b = Buffer::Allocate(0, 4);
  b.append("abc", 3);
  b.reserve(1000);
  EXPECT_EQ(b.view(), "abc");
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(b.data()[b.size() + i], 0);
  const uint8_t* at = b.data();
  std::string more(997, 'x');
  b.append(more.data(), more.size());  // fits what was reserved: not moved
  EXPECT_EQ(b.data(), at);
  EXPECT_EQ(b.view(), "abc" + more);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(b.data()[b.size() + i], 0);
  Buffer empty;
  empty.reserve(10);
  empty.append("z", 1);
  EXPECT_EQ(empty.view(), "z");
}

// The default --threads: the cores, fewer when the affinity mask or the cgroup quota say so (a
// quota of 1.5 CPUs still gets 2 threads), never 0.
TEST(DefaultThreadCount, TakesTheSmallestOfCoresAffinityAndQuota) {
  EXPECT_EQ(default_thread_count(8, 0, 0, 0), 8);
  EXPECT_EQ(default_thread_count(8, 2, 0, 0), 2);
  EXPECT_EQ(default_thread_count(8, 0, 150000, 100000), 2);
  EXPECT_EQ(default_thread_count(8, 4, 100000, 100000), 1);
  EXPECT_EQ(default_thread_count(2, 0, 800000, 100000), 2);
  EXPECT_EQ(default_thread_count(0, 0, 0, 0), 1);
  EXPECT_EQ(default_thread_count(8, 0, 1000, 100000), 1);
  EXPECT_GE(default_thread_count(), 1);
}

TEST(ParallelFor, VisitsEveryIndexOnceOnEveryWorkerCount) {
  for (int threads : {1, 2, 7}) {
    for (size_t n : {size_t{0}, size_t{1}, size_t{3}, size_t{1000}}) {
      std::vector<std::atomic<int>> hits(n);
      std::atomic<int> bad_worker{0};
      Status st = parallel_for(n, threads, [&](size_t i, int worker) {
        if (worker < 0 || worker >= threads) bad_worker++;
        hits[i]++;
        return Status::OK();
      });
      EXPECT_TRUE(st.ok());
      EXPECT_EQ(bad_worker.load(), 0);
      for (size_t i = 0; i < n; ++i) EXPECT_EQ(hits[i].load(), 1) << i;
    }
  }
}

TEST(ParallelFor, ReturnsTheFailureWithTheLowestIndexThatRan) {
  // Every index from 10 on fails; whichever ran first, index 10 is the lowest that can fail,
  // and with one worker the order is exact.
  Status st = parallel_for(100, 1, [](size_t i, int) {
    return i >= 10 ? Status::IoError("file " + std::to_string(i)) : Status::OK();
  });
  EXPECT_EQ(st.message(), "file 10");
  for (int round = 0; round < 20; ++round) {
    Status any = parallel_for(100, 4, [](size_t i, int) {
      return i % 2 == 1 ? Status::IoError("odd " + std::to_string(i)) : Status::OK();
    });
    ASSERT_FALSE(any.ok());
    EXPECT_EQ(any.message().rfind("odd ", 0), 0u);
  }
}

TEST(ParallelFor, WorkersAreDistinctWhileTheyRun) {
  // Per-worker state indexed by `worker` must never be shared by two threads at once.
  for (int round = 0; round < 20; ++round) {
    std::vector<std::atomic<int>> in_use(4);
    std::atomic<int> clashes{0};
    Status st = parallel_for(400, 4, [&](size_t, int worker) {
      if (in_use[worker].fetch_add(1) != 0) clashes++;
      std::this_thread::yield();
      in_use[worker].fetch_sub(1);
      return Status::OK();
    });
    EXPECT_TRUE(st.ok());
    EXPECT_EQ(clashes.load(), 0);
  }
}

TEST(ParallelFor, NestedCallsFinish) {
  // Every outer task runs its own parallel_for: the pool's threads are all busy in outer tasks,
  // and each inner call still finishes (its caller does the work no free thread takes).
  std::atomic<size_t> inner{0};
  Status st = parallel_for(16, 4, [&](size_t, int) {
    return parallel_for(50, 4, [&](size_t, int) {
      inner++;
      return Status::OK();
    });
  });
  EXPECT_TRUE(st.ok());
  EXPECT_EQ(inner.load(), 16u * 50u);
}

TEST(ThreadPool, ReusesItsThreadsAcrossCalls) {
  ASSERT_TRUE(parallel_for(64, 3, [](size_t, int) { return Status::OK(); }).ok());
  size_t started = ThreadPool::shared().size();
  EXPECT_GE(started, 2u);
  for (int round = 0; round < 50; ++round) {
    ASSERT_TRUE(parallel_for(64, 3, [](size_t, int) { return Status::OK(); }).ok());
  }
  // Sequential calls of the same width take idle threads instead of starting new ones (a thread
  // still on its way back to idle can make one call start one more, never one per call).
  EXPECT_LE(ThreadPool::shared().size(), started + 2);
}

}  // namespace
}  // namespace sparkify

TEST(SortRuns, SortsAnyInputAndMergesAFewRuns) {
  std::mt19937_64 rng(7);
  for (size_t runs : {size_t{0}, size_t{1}, size_t{2}, size_t{3}, size_t{5}, size_t{200}}) {
    std::vector<int64_t> v;
    for (size_t r = 0; r < runs; ++r) {
      std::vector<int64_t> run(rng() % 50);
      for (auto& x : run) x = static_cast<int64_t>(rng() % 100) - 50;
      std::sort(run.begin(), run.end());
      v.insert(v.end(), run.begin(), run.end());
    }
    std::vector<int64_t> want = v;
    std::sort(want.begin(), want.end());
    sparkify::sort_runs(v, 8);  // 200 runs: sorted whole
    EXPECT_EQ(v, want) << runs << " runs";
  }
}

TEST(LowerBoundNear, AgreesWithLowerBoundFromAnyStartingPoint) {
  std::mt19937_64 rng(11);
  for (size_t n : {size_t{0}, size_t{1}, size_t{2}, size_t{7}, size_t{100}}) {
    std::vector<int64_t> keys(n);
    for (auto& k : keys) k = static_cast<int64_t>(rng() % 60);  // duplicates too
    std::sort(keys.begin(), keys.end());
    for (int64_t v = -2; v < 63; ++v) {
      size_t want =
          static_cast<size_t>(std::lower_bound(keys.begin(), keys.end(), v) - keys.begin());
      for (size_t near = 0; near <= n + 2; ++near) {
        EXPECT_EQ(sparkify::lower_bound_near(keys, v, near), want)
            << "n " << n << " v " << v << " near " << near;
      }
    }
  }
}
