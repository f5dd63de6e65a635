// One log file parsed on every worker: the worker reading it hands chunks to workers with no
// file left (log_stage.cpp, ChunkHandoff). The lake must be the one a single worker writes —
// every row, songplay_id included, and the same rejects with the same line numbers and byte
// offsets. Labelled `threads`, so the ThreadSanitizer build runs it too.
#include <gtest/gtest.h>

#include "exec/etl_job.h"
#include "exec/memory_plan.h"
#include "generate/generator.h"
#include "support/lake_rows.h"
#include "support/temp_dir.h"

namespace sparkify::exec {
namespace {

TEST(LogStageHandoff, OneFileOnTwoWorkersWritesTheOneWorkerLake) {
  testing::TempDir dir("sparkify-handoff");
  generate::GenerateOptions g;
  g.output = dir.str() + "/input";
  g.songs = 300;
  g.events = 30000;  // one day file of ~14 MB: many chunks at the small limit below
  g.days = 1;
  g.seed = 11;
  g.bad_fraction = 0.03;
  g.threads = 1;
  auto fs = io::make_file_system(g.output, {});
  ASSERT_TRUE(fs.ok());
  auto generated = generate::generate(**fs, g);
  ASSERT_TRUE(generated.ok()) << generated.status().message();

  auto options_for = [&](const std::string& lake, int threads) {
    EtlOptions o;
    o.input = g.output;
    o.songs_input = o.input + "/song_data";
    o.logs_input = o.input + "/log_data";
    o.output = dir.str() + "/" + lake;
    o.spill_dir = dir.str();
    o.threads = threads;
    return o;
  };
  EtlReport one = run_etl(options_for("one", 1));
  ASSERT_TRUE(one.status.ok()) << one.status.message();
  // A limit just above what the process has held so far: chunks of well under a MiB.
  EtlOptions small = options_for("two", 2);
  small.memory_limit = peak_rss() + (uint64_t{48} << 20);
  EtlReport two = run_etl(small);
  ASSERT_TRUE(two.status.ok()) << two.status.message();

  std::string a = dir.str() + "/one", b = dir.str() + "/two";
  for (const auto* spec : model::all_table_specs()) {
    EXPECT_EQ(testing::lake_rows(b, *spec), testing::lake_rows(a, *spec)) << spec->name;
  }
  std::string want = testing::read_text(a + "/_rejects/logs.jsonl");
  EXPECT_FALSE(want.empty());
  EXPECT_EQ(testing::read_text(b + "/_rejects/logs.jsonl"), want);
  EXPECT_EQ(two.log_rejects, one.log_rejects);
}

}  // namespace
}  // namespace sparkify::exec
