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

const model::Column& named(const model::TableData& t, std::string_view name) {
  return t.columns.at(static_cast<size_t>(t.spec->column_index(name)));
}

TEST(LogTables, TimeColumnsAreBoundByName) {
  // 2018-11-15 (a Thursday, ISO week 46) 16:07:08 UTC: every int32 field differs.
  std::vector<int64_t> ts{1542298028000};
  model::TableData t = make_time_batch(ts, 1);
  auto value = [&](std::string_view name) {
    return std::get<std::vector<int32_t>>(named(t, name).values).at(0);
  };
  EXPECT_EQ(value("hour"), 16);
  EXPECT_EQ(value("day"), 15);
  EXPECT_EQ(value("week"), 46);
  EXPECT_EQ(value("month"), 11);
  EXPECT_EQ(value("year"), 2018);
  EXPECT_EQ(value("weekday"), 5);  // 1 = Sunday
  EXPECT_EQ(std::get<std::vector<int64_t>>(named(t, "start_time").values).at(0), 1542298028000000);
}

TEST(LogTables, BlocksRoundTripThroughTheirBinaryForm) {
  SongIndex index;
  LogWorkerState state(&index, 3);
  state.begin_block(5, 2, 100);
  auto e = event(1000, 8, "free", 1);
  e.session_id = 77;
  state.on_event(e);
  state.on_event(event(2000, 9, "paid", 2));
  auto blocks = state.take_blocks();
  ASSERT_EQ(blocks.size(), 1u);
  std::vector<uint8_t> bytes;
  blocks[0].serialize(bytes);
  EventBlock back;
  ASSERT_TRUE(EventBlock::deserialize(bytes, back));
  EXPECT_EQ(back.file_index, 5u);
  EXPECT_EQ(back.block_index, 2u);
  EXPECT_EQ(back.worker, 3u);
  EXPECT_EQ(back.ts, blocks[0].ts);
  EXPECT_EQ(back.session_id, blocks[0].session_id);
  EXPECT_EQ(back.session_valid, blocks[0].session_valid);
  EXPECT_EQ(back.level, blocks[0].level);
  bytes.pop_back();
  EXPECT_FALSE(EventBlock::deserialize(bytes, back));  // truncated: refused, not misread
}

TEST(LogTables, ChunkLinesDecideTheLatestUserEvent) {
  // Two chunks of one file on two workers, equal ts: the later line (second chunk) wins.
  SongIndex index;
  std::vector<LogWorkerState> workers;
  workers.emplace_back(&index, 0);
  workers.emplace_back(&index, 1);
  workers[1].begin_block(0, 1, 50);  // chunk 1 starts after 50 lines
  workers[1].on_event(event(1000, 7, "paid", 1));
  workers[0].begin_block(0, 0, 0);
  workers[0].on_event(event(1000, 7, "free", 20));
  LogTables t = build_log_tables(workers, index, {});
  EXPECT_EQ(std::get<Strings>(named(t.users, "level").values).at(0), "paid");
  EXPECT_EQ(std::get<std::vector<int64_t>>(named(t.songplays, "songplay_id").values),
            (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(named(t.songplays, "level").string_at(0), "free");  // chunk 0 first
}

TEST(LogTables, EachEventKeepsItsOwnStringsWhateverItsUserSentBefore) {
  // One user's events, whose strings change, come back, go null and arrive out of time order:
  // every songplay keeps its own event's strings, the user its latest event's.
  SongIndex index;
  std::vector<LogWorkerState> workers;
  workers.emplace_back(&index);
  workers[0].begin_file(0);
  struct Step {
    int64_t ts;
    std::string_view level, location, agent, first;
  };
  const Step steps[] = {{1000, "free", "Here", "A", "Ann"},   {2000, "free", "Here", "A", "Ann"},
                        {3000, "paid", "There", "B", "Anna"}, {500, "free", "Old", "C", "Annie"},
                        {4000, "paid", "", "B", "Anna"},      {5000, "free", "Here", "A", "Ann"}};
  uint64_t line = 0;
  for (const Step& s : steps) {
    auto e = event(s.ts, 7, s.level, ++line);
    e.location = {s.location, !s.location.empty()};  // "" stands for null here
    e.user_agent = {s.agent, true};
    e.first_name = {s.first, true};
    workers[0].on_event(e);
  }
  workers[0].on_event(event(1500, 8, "paid", ++line));  // another user, the same level

  LogTables t = build_log_tables(workers, index, {});
  ASSERT_EQ(t.songplays.num_rows, 7u);
  const auto& level = named(t.songplays, "level");
  const auto& location = named(t.songplays, "location");
  const auto& agent = named(t.songplays, "user_agent");
  for (size_t i = 0; i < 6; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(level.string_at(i), steps[i].level);
    if (steps[i].location.empty()) {
      EXPECT_TRUE(location.is_null(i));
    } else {
      EXPECT_EQ(location.string_at(i), steps[i].location);
    }
    EXPECT_EQ(agent.string_at(i), steps[i].agent);
  }
  EXPECT_EQ(level.string_at(6), "paid");
  ASSERT_EQ(t.users.num_rows, 2u);
  EXPECT_EQ(std::get<Strings>(named(t.users, "first_name").values).at(0), "Ann");  // ts 5000
  EXPECT_EQ(std::get<Strings>(named(t.users, "level").values).at(0), "free");
  EXPECT_EQ(std::get<Strings>(named(t.users, "level").values).at(1), "paid");
}

TEST(LogTables, ConsecutiveChunksShareABlockUntilItIsFull) {
  SongIndex index;
  LogWorkerState state(&index, 0);
  state.begin_chunk(4, 0, 0, 1, 2);
  state.on_event(event(1000, 1, "free", 5));
  EXPECT_TRUE(state.take_blocks(true).empty());  // the block may still grow
  state.begin_chunk(4, 1, 10, 1, 2);             // the next chunk: the same block
  state.on_event(event(1000, 1, "paid", 1));     // line 11 of the file: the later event
  state.begin_chunk(4, 2, 20, 1, 2);             // the block is full: a new one
  state.on_event(event(900, 2, "free", 1));
  state.begin_chunk(4, 4, 40, 1, 2);  // chunk 3 went to another worker: a new one
  state.on_event(event(900, 3, "free", 1));
  state.begin_chunk(5, 5, 0, 1, 2);  // another file: a new one
  state.on_event(event(900, 4, "free", 1));
  auto first = state.take_blocks(true);
  auto rest = state.take_blocks();
  ASSERT_EQ(first.size(), 3u);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(first[0].rows(), 2u);
  EXPECT_EQ(first[0].block_index, 0u);
  EXPECT_EQ(first[1].block_index, 2u);
  EXPECT_EQ(first[2].block_index, 4u);
  EXPECT_EQ(rest[0].file_index, 5u);
  std::vector<LogWorkerState> workers;
  workers.push_back(std::move(state));
  model::TableData users = build_users(workers);
  EXPECT_EQ(named(users, "level").string_at(0), "paid");  // chunk 1's line 1 is line 11
}

// Users merged with a lake's (SPEC §9): the later event wins, a tie goes to the new one, a user
// the load does not mention keeps the lake's row; an identical row is no change.
TEST(LogTables, MergeUsersKeepsTheLatestEvent) {
  auto users_of = [](std::vector<model::EventRecord> events, model::TableData& latest) {
    std::vector<LogWorkerState> workers;
    workers.emplace_back(nullptr);
    workers[0].begin_file(0);
    for (auto& e : events) workers[0].on_event(e);
    auto t = build_users(workers, &latest);
    return std::make_pair(std::move(t), std::move(workers));
  };
  model::TableData lake_latest, new_latest;
  auto [lake, lake_workers] =
      users_of({event(5000, 1, "paid", 1), event(5000, 2, "free", 2), event(5000, 3, "free", 3)},
               lake_latest);
  auto [load, load_workers] = users_of(
      {event(4000, 1, "free", 1), event(5000, 2, "paid", 2), event(100, 4, "free", 3)}, new_latest);
  MergedUsers m = merge_lake_users(lake, lake_latest, load, new_latest);
  EXPECT_TRUE(m.changed);
  ASSERT_EQ(m.users.num_rows, 4u);
  const auto& ids = std::get<std::vector<int64_t>>(model::column(m.users, "user_id").values);
  EXPECT_EQ(ids, (std::vector<int64_t>{1, 2, 3, 4}));
  const auto& level = model::column(m.users, "level");
  EXPECT_EQ(level.string_at(0), "paid");  // the lake's event is later
  EXPECT_EQ(level.string_at(1), "paid");  // a tie: the new event is later in file order
  EXPECT_EQ(level.string_at(2), "free");
  const auto& ts = std::get<std::vector<int64_t>>(model::column(m.latest, "ts").values);
  EXPECT_EQ(ts, (std::vector<int64_t>{5000, 5000, 5000, 100}));

  MergedUsers again = merge_lake_users(m.users, m.latest, lake, lake_latest);
  EXPECT_TRUE(again.changed);  // user 2 goes back to free: same time, the newer record wins
  MergedUsers same = merge_lake_users(m.users, m.latest, m.users, m.latest);
  EXPECT_FALSE(same.changed);
}

// Reducing the workers' users into one state (after parsing) gives the same users table as
// reducing them while it is built.
TEST(LogTables, AbsorbUsersKeepsTheLatestEvent) {
  auto two_workers = [] {
    std::vector<LogWorkerState> workers;
    workers.emplace_back(nullptr, 0);
    workers.emplace_back(nullptr, 1);
    workers[1].begin_file(0);
    workers[1].on_event(event(2000, 7, "free", 1));
    workers[1].on_event(event(1000, 8, "paid", 2));
    workers[1].on_event(event(3000, 9, "paid", 3));
    workers[0].begin_file(1);
    workers[0].on_event(event(2000, 7, "paid", 1));  // same ts, later file: wins
    workers[0].on_event(event(500, 8, "free", 2));   // earlier: loses
    return workers;
  };
  auto separate = two_workers();
  model::TableData expected = build_users(separate);
  auto absorbed = two_workers();
  absorbed[0].absorb_users(absorbed[1]);
  std::vector<uint8_t> left;
  absorbed[1].encode_users(left);
  EXPECT_EQ(left.size(), sizeof(uint64_t));  // only the count (0) remains
  model::TableData users = build_users(absorbed);
  ASSERT_EQ(users.num_rows, 3u);
  for (const char* name : {"user_id", "first_name", "level"}) {
    for (size_t r = 0; r < 3; ++r) {
      const auto& got = model::column(users, name);
      const auto& want = model::column(expected, name);
      if (got.is_null(r) || want.is_null(r)) {
        EXPECT_EQ(got.is_null(r), want.is_null(r));
      } else if (std::string(name) == "user_id") {
        EXPECT_EQ(std::get<std::vector<int64_t>>(got.values)[r],
                  std::get<std::vector<int64_t>>(want.values)[r]);
      } else {
        EXPECT_EQ(got.string_at(r), want.string_at(r)) << name << " row " << r;
      }
    }
  }
  EXPECT_EQ(model::column(users, "level").string_at(0), "paid");
  EXPECT_EQ(model::column(users, "level").string_at(1), "paid");
}

}  // namespace
}  // namespace sparkify::transform
