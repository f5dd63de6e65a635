#include "transform/log_tables.h"

#include <gtest/gtest.h>

namespace sparkify::transform {
namespace {

using Strings = std::vector<std::string_view>;

model::EventRecord event(int64_t ts, int64_t user, std::string_view level, uint64_t line) {
  model::EventRecord e;
  e.ts = ts;
  e.user_id = user;
  e.level = {level, true};
  e.first_name = {level == "paid" ? "Paid" : "Free", true};
  e.line = line;
  return e;
}

TEST(LogTables, CombinesWorkersInFileOrder) {
  SongIndex index;
  index.add("Song", "Artist", 10.0, {"SID", "AID"});
  std::vector<LogWorkerState> workers;
  workers.emplace_back(&index);
  workers.emplace_back(&index);
  // Worker 1 parsed file 0, worker 0 parsed file 1: ids must still follow file order.
  workers[1].begin_file(0);
  workers[1].on_event(event(2000, 7, "free", 1));
  auto matched = event(1000, 8, "free", 2);
  matched.song = {"Song", true};
  matched.artist = {"Artist", true};
  matched.length = 10.0;
  workers[1].on_event(matched);
  workers[0].begin_file(1);
  workers[0].on_event(event(2000, 7, "paid", 1));  // same ts, later file: wins
  workers[0].on_event(event(1000, 8, "paid", 2));  // ts tie with file 0 line 2: later file wins

  LogTables t = build_log_tables(workers, index, {});
  ASSERT_EQ(t.songplays.num_rows, 4u);
  EXPECT_EQ(t.matched_songplays, 1u);
  const auto& ids = std::get<std::vector<int64_t>>(t.songplays.columns[0].values);
  const auto& start = std::get<std::vector<int64_t>>(t.songplays.columns[1].values);
  EXPECT_EQ(ids, (std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(start, (std::vector<int64_t>{2000000, 1000000, 2000000, 1000000}));
  EXPECT_TRUE(t.songplays.columns[4].is_null(0));
  EXPECT_EQ(t.songplays.columns[4].string_at(1), "SID");
  EXPECT_EQ(t.songplays.columns[5].string_at(1), "AID");
  EXPECT_EQ(t.songplays.columns[3].string_at(0), "free");
  EXPECT_EQ(t.songplays.columns[3].string_at(2), "paid");
  EXPECT_TRUE(t.songplays.columns[6].is_null(0));  // no sessionId given

  ASSERT_EQ(t.users.num_rows, 2u);
  const auto& levels = std::get<Strings>(t.users.columns[4].values);
  EXPECT_EQ(levels[0], "paid");
  EXPECT_EQ(levels[1], "paid");
  EXPECT_EQ(std::get<Strings>(t.users.columns[1].values)[0], "Paid");

  ASSERT_EQ(t.time.num_rows, 2u);  // distinct start times
  EXPECT_EQ(std::get<std::vector<int64_t>>(t.time.columns[0].values)[0], 1000000);
}

}  // namespace
}  // namespace sparkify::transform
