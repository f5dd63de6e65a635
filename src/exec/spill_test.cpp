#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "exec/external_sort.h"
#include "exec/memory_plan.h"
#include "exec/spill.h"

namespace sparkify::exec {
namespace {

namespace fs = std::filesystem;

class SpillTest : public ::testing::Test {
 protected:
  void SetUp() override {
    parent_ = fs::temp_directory_path() / ("spill_test_" + std::to_string(getpid()));
    fs::create_directories(parent_);
  }
  void TearDown() override { fs::remove_all(parent_); }
  size_t entries() const {
    return static_cast<size_t>(std::distance(fs::directory_iterator(parent_), {}));
  }
  fs::path parent_;
};

TEST_F(SpillTest, CreatesOnFirstUseAndRemovesItsFolder) {
  {
    SpillDir dir(parent_.string());
    EXPECT_EQ(entries(), 0u);  // nothing until something spills
    auto file = dir.create_file("events");
    ASSERT_TRUE(file.ok()) << file.status().message();
    std::vector<uint8_t> data{1, 2, 3, 4, 5};
    auto at = (*file)->append(data);
    ASSERT_TRUE(at.ok());
    auto at2 = (*file)->append(data);
    ASSERT_TRUE(at2.ok());
    EXPECT_EQ(*at2, 5u);
    std::vector<uint8_t> back(5);
    ASSERT_TRUE((*file)->read(*at2, back).ok());
    EXPECT_EQ(back, data);
    EXPECT_EQ(dir.bytes_spilled(), 10u);
    EXPECT_EQ(dir.files_created(), 1u);
    EXPECT_EQ(dir.bytes_by_kind().at("events"), 10u);
    EXPECT_EQ(entries(), 1u);
  }
  EXPECT_EQ(entries(), 0u);
}

TEST_F(SpillTest, RemovesFoldersOfDeadRunsButNotOfLiveOnes) {
  // A killed run: a folder whose lock nobody holds.
  fs::create_directories(parent_ / "sparkify-spill-dead");
  std::ofstream(parent_ / "sparkify-spill-dead" / ".lock") << "";
  std::ofstream(parent_ / "sparkify-spill-dead" / "events-0.bin") << "data";
  // A live run: its lock is held (here, by this process through another descriptor).
  fs::create_directories(parent_ / "sparkify-spill-live");
  std::string live_lock = (parent_ / "sparkify-spill-live" / ".lock").string();
  int fd = ::open(live_lock.c_str(), O_RDWR | O_CREAT, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(flock(fd, LOCK_EX | LOCK_NB), 0);
  fs::create_directories(parent_ / "unrelated");
  SpillDir dir(parent_.string());
  EXPECT_FALSE(fs::exists(parent_ / "sparkify-spill-dead"));
  EXPECT_TRUE(fs::exists(parent_ / "sparkify-spill-live"));
  EXPECT_TRUE(fs::exists(parent_ / "unrelated"));
  ::close(fd);
}

// A missing --spill-dir is created (as --output is); one that cannot be is one sentence naming
// the flag, from prepare() as from the first spill file.
TEST_F(SpillTest, AMissingSpillFolderIsCreatedAndOneThatCannotBeIsOneClearError) {
  {
    SpillDir dir((parent_ / "missing" / "deeper").string());
    EXPECT_TRUE(dir.prepare().ok());
    EXPECT_TRUE(fs::is_directory(parent_ / "missing" / "deeper"));
  }
  std::ofstream(parent_ / "a-file") << "x";
  SpillDir dir((parent_ / "a-file" / "spill").string());
  Status prepared = dir.prepare();
  ASSERT_FALSE(prepared.ok());
  EXPECT_NE(prepared.message().find("--spill-dir"), std::string::npos) << prepared.message();
  auto file = dir.create_file("time");
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.status().message().find("--spill-dir"), std::string::npos)
      << file.status().message();
}

// The sorter's output, its batches checked against `batch` (and counted into `batches`).
std::vector<int64_t> sorted_output(DistinctSorter& sorter, size_t batch,
                                   size_t* batches = nullptr) {
  std::vector<int64_t> got;
  Status st = sorter.for_each_sorted(batch, [&](std::span<const int64_t> values) {
    EXPECT_LE(values.size(), batch);
    got.insert(got.end(), values.begin(), values.end());
    if (batches) ++*batches;
    return Status::OK();
  });
  EXPECT_TRUE(st.ok()) << st.message();
  return got;
}

std::vector<int64_t> distinct_sorted(std::vector<int64_t> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

TEST_F(SpillTest, DistinctSorterMergesSpilledAndMemoryRuns) {
  SpillDir dir(parent_.string());
  DistinctSorter sorter(dir, 1024);  // tiny: most runs spill
  std::mt19937_64 rng(7);
  std::vector<int64_t> all;
  for (int run = 0; run < 20; ++run) {
    std::vector<int64_t> values;
    for (int i = 0; i < 700; ++i) values.push_back(static_cast<int64_t>(rng() % 5000) - 2500);
    all.insert(all.end(), values.begin(), values.end());
    ASSERT_TRUE(sorter.add(values).ok());
  }
  EXPECT_GT(dir.bytes_by_kind()["time"], 0u);
  std::vector<int64_t> want = distinct_sorted(all);
  size_t batches = 0;
  EXPECT_EQ(sorted_output(sorter, 333, &batches), want);
  EXPECT_EQ(batches, (want.size() + 332) / 333);
}

TEST_F(SpillTest, DistinctSorterInMemoryTakesSortedRunsAndShuffledBatches) {
  // Batches as the log stage makes them (a few ascending runs: days in file order, with
  // repeats), one shuffled batch, and an empty one; nothing spills.
  SpillDir dir(parent_.string());
  DistinctSorter sorter(dir, 1 << 20);
  std::mt19937_64 rng(11);
  std::vector<int64_t> all;
  for (int batch = 0; batch < 6; ++batch) {
    std::vector<int64_t> values;
    for (int run = 0; run < 1 + batch; ++run) {
      int64_t t = static_cast<int64_t>(rng() % 1000);
      for (int i = 0; i < 500; ++i) values.push_back(t += static_cast<int64_t>(rng() % 3));
    }
    if (batch == 4) std::shuffle(values.begin(), values.end(), rng);
    if (batch == 5) values.clear();
    all.insert(all.end(), values.begin(), values.end());
    ASSERT_TRUE(sorter.add(values).ok());
  }
  EXPECT_EQ(dir.bytes_by_kind()["time"], 0u);
  EXPECT_EQ(sorted_output(sorter, 1000), distinct_sorted(all));
}

TEST(MemoryPlan, ParsesSizes) {
  EXPECT_EQ(*parse_size("512MB"), 512'000'000u);
  EXPECT_EQ(*parse_size("2GiB"), uint64_t{2} << 30);
  EXPECT_EQ(*parse_size("1.5g"), uint64_t{3} << 29);
  EXPECT_EQ(*parse_size("300000000"), 300'000'000u);
  EXPECT_EQ(*parse_size("64 MiB"), uint64_t{64} << 20);
  for (const char* bad : {"", "lots", "12XB", "MB", "0", "-5MB"}) {
    EXPECT_FALSE(parse_size(bad).ok()) << bad;
  }
}

TEST(MemoryPlan, RefusesALimitBelowWhatIsResident) {
  constexpr uint64_t MiB = uint64_t{1} << 20;
  auto plan = plan_memory(100 * MiB, {.resident = 90 * MiB}, 4);
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("give at least"), std::string::npos);
  auto ok = plan_memory(512 * MiB, {.resident = 60 * MiB}, 4);
  ASSERT_TRUE(ok.ok());
  EXPECT_GE(ok->batch_rows, 4096u);
  EXPECT_GE(ok->chunk_bytes, size_t{64} << 10);
}

TEST(MemoryPlan, CountsTheSongStagesPeakAndThePublish) {
  constexpr uint64_t MiB = uint64_t{1} << 20;
  // Room for the shares, but reading the songs already went past the limit.
  auto peaked = plan_memory(100 * MiB, {.resident = 40 * MiB, .peak = 110 * MiB}, 2);
  ASSERT_FALSE(peaked.ok());
  EXPECT_NE(peaked.status().message().find("peaked at 110 MiB"), std::string::npos)
      << peaked.status().message();
  EXPECT_NE(peaked.status().message().find("give at least 110 MiB"), std::string::npos);
  // The load record of 200k inputs does not fit beside the index.
  auto record = plan_memory(100 * MiB, {.resident = 40 * MiB, .publish = publish_bytes(200000)}, 2);
  ASSERT_FALSE(record.ok());
  ASSERT_TRUE(
      plan_memory(100 * MiB, {.resident = 40 * MiB, .publish = publish_bytes(2000)}, 2).ok());
}

TEST(MemoryPlan, WriteSharesPlannedAgainShrinkWithWhatIsHeld) {
  constexpr uint64_t MiB = uint64_t{1} << 20;
  auto plan = plan_memory(256 * MiB, {.resident = 40 * MiB}, 2);
  ASSERT_TRUE(plan.ok());
  MemoryPlan later = *plan;
  replan_writes(256 * MiB, 120 * MiB, 2, later);
  EXPECT_LT(later.batch_rows, plan->batch_rows);
  EXPECT_LT(later.time_batch_rows, plan->time_batch_rows);
  EXPECT_EQ(later.chunk_bytes, plan->chunk_bytes);  // parsing is over: left as it was
  EXPECT_EQ(later.event_bytes, plan->event_bytes);
  replan_writes(256 * MiB, 300 * MiB, 2, later);  // nothing left: the minimums
  EXPECT_EQ(later.batch_rows, 4096u);
  EXPECT_EQ(later.time_values, 4096u);
}

}  // namespace
}  // namespace sparkify::exec
