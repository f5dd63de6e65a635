// The distributed job without MPI: N ranks as N threads (ThreadClusters) must write the lake one
// process writes — every row of every table, songplay_id included, and the same rejects.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

#include "exec/dist/thread_cluster.h"
#include "exec/etl_job.h"
#include "generate/generator.h"
#include "lake/lake_reader.h"
#include "model/table.h"
#include "support/lake_rows.h"
#include "support/temp_dir.h"

namespace sparkify::exec {
namespace {

class DistributedEtlTest : public ::testing::TestWithParam<int> {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir("sparkify-dist");
    generate::GenerateOptions g;
    g.output = dir_->str() + "/input";
    g.songs = 300;
    g.events = 6000;
    g.days = 3;  // fewer log files than the largest rank count
    g.seed = 7;
    g.bad_fraction = 0.03;
    g.threads = 1;
    auto fs = io::make_file_system(g.output, {});
    ASSERT_TRUE(fs.ok());
    auto generated = generate::generate(**fs, g);
    ASSERT_TRUE(generated.ok()) << generated.status().message();
    EtlReport single = run_etl(options_for(dir_->str() + "/single"));
    ASSERT_TRUE(single.status.ok()) << single.status.message();
  }
  static void TearDownTestSuite() { delete dir_; }

  static EtlOptions options_for(const std::string& output) {
    EtlOptions o;
    o.input = dir_->str() + "/input";
    o.songs_input = o.input + "/song_data";
    o.logs_input = o.input + "/log_data";
    o.output = output;
    o.threads = 2;
    o.max_rows_per_file = 700;  // several files per partition, from several ranks
    return o;
  }

  static testing::TempDir* dir_;
};

testing::TempDir* DistributedEtlTest::dir_ = nullptr;

TEST_P(DistributedEtlTest, WritesTheOneProcessLake) {
  int ranks = GetParam();
  std::string lake = dir_->str() + "/ranks-" + std::to_string(ranks);
  auto clusters = make_thread_clusters(ranks);
  std::vector<EtlReport> reports(ranks);
  std::vector<std::thread> threads;
  for (int r = 0; r < ranks; ++r) {
    threads.emplace_back(
        [&, r] { reports[r] = run_etl(options_for(lake), nullptr, clusters[r].get()); });
  }
  for (auto& t : threads) t.join();
  for (int r = 0; r < ranks; ++r)
    ASSERT_TRUE(reports[r].status.ok()) << reports[r].status.message();
  EXPECT_TRUE(reports[0].published);
  EXPECT_EQ(reports[0].ranks, ranks);
  EXPECT_EQ(reports[0].per_rank.size(), ranks > 1 ? static_cast<size_t>(ranks) : 0u);
  double longest = 0;
  for (const EtlReport& r : reports) longest = std::max(longest, r.seconds);
  for (const RankReport& k : reports[0].per_rank) {
    EXPECT_GT(k.write_seconds, 0.0);  // every rank timed its own stages
    EXPECT_GT(k.logs_seconds, 0.0);
    // Every rank waits in collectives, for less than its whole run.
    EXPECT_GT(k.collective_seconds, 0.0);
    EXPECT_LT(k.collective_seconds, longest);
  }

  std::string single = dir_->str() + "/single";
  for (const auto* spec : model::all_table_specs()) {
    EXPECT_EQ(testing::lake_rows(lake, *spec), testing::lake_rows(single, *spec)) << spec->name;
  }
  for (const char* f : {"/_rejects/songs.jsonl", "/_rejects/logs.jsonl"}) {
    std::string want = testing::read_text(single + f);
    EXPECT_FALSE(want.empty()) << f;
    EXPECT_EQ(testing::read_text(lake + f), want) << f;
  }
  EXPECT_FALSE(std::filesystem::exists(lake + "/_staging"));
}

INSTANTIATE_TEST_SUITE_P(Ranks, DistributedEtlTest, ::testing::Values(1, 2, 3, 5));

}  // namespace
}  // namespace sparkify::exec
