// Unit tests for model/: the five table specs state SPEC §3 exactly; columns and the arena.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "model/string_arena.h"
#include "model/table.h"

namespace sparkify::model {
namespace {

// SPEC §3 written out once more, by hand, as the check on table.cpp.
struct Expected {
  const TableSpec& spec;
  std::string name;
  std::vector<std::string> columns;  // "name type" with '*' for REQUIRED
  std::vector<std::string> partition_by;
};

std::string describe(const ColumnSpec& c) {
  static const char* const kNames[] = {"INT32", "INT64", "DOUBLE", "STRING", "TIMESTAMP"};
  return c.name + (c.required ? "* " : " ") + kNames[static_cast<int>(c.type)];
}

TEST(TableSpecs, StateSpecSection3) {
  std::vector<Expected> all = {
      {songs_spec(),
       "songs",
       {"song_id* STRING", "title STRING", "artist_id STRING", "year INT32", "duration DOUBLE"},
       {"year", "artist_id"}},
      {artists_spec(),
       "artists",
       {"artist_id* STRING", "name STRING", "location STRING", "latitude DOUBLE",
        "longitude DOUBLE"},
       {}},
      {users_spec(),
       "users",
       {"user_id* INT64", "first_name STRING", "last_name STRING", "gender STRING", "level STRING"},
       {}},
      {time_spec(),
       "time",
       {"start_time* TIMESTAMP", "hour INT32", "day INT32", "week INT32", "month INT32",
        "year INT32", "weekday INT32"},
       {"year", "month"}},
      {songplays_spec(),
       "songplays",
       {"songplay_id* INT64", "start_time TIMESTAMP", "user_id INT64", "level STRING",
        "song_id STRING", "artist_id STRING", "session_id INT64", "location STRING",
        "user_agent STRING", "year INT32", "month INT32"},
       {"year", "month"}},
  };
  ASSERT_EQ(all_table_specs().size(), all.size());
  for (size_t t = 0; t < all.size(); ++t) {
    const Expected& e = all[t];
    EXPECT_EQ(all_table_specs()[t], &e.spec);
    EXPECT_EQ(e.spec.name, e.name);
    std::vector<std::string> got;
    for (const ColumnSpec& c : e.spec.columns) got.push_back(describe(c));
    EXPECT_EQ(got, e.columns) << e.name;
    EXPECT_EQ(e.spec.partition_by, e.partition_by) << e.name;
    for (const std::string& p : e.partition_by) EXPECT_GE(e.spec.column_index(p), 0) << p;
  }
  EXPECT_EQ(time_spec().column_index("weekday"), 6);
  EXPECT_EQ(time_spec().column_index("no_such_column"), -1);
}

TEST(ColumnBuilder, KeepsValidityOnlyWhenSomethingIsNull) {
  ColumnBuilder<int32_t> all_set;
  all_set.push(1);
  all_set.push_optional(std::optional<int64_t>(2));
  Column a = all_set.finish();
  EXPECT_TRUE(a.valid.empty());
  EXPECT_EQ(std::get<std::vector<int32_t>>(a.values), (std::vector<int32_t>{1, 2}));
  EXPECT_FALSE(a.is_null(0));

  ColumnBuilder<int32_t> some_null;
  some_null.push(5);
  some_null.push_optional(std::optional<int32_t>());
  some_null.push_null();
  Column b = some_null.finish();
  EXPECT_EQ(b.valid, (std::vector<uint8_t>{1, 0, 0}));
  EXPECT_FALSE(b.is_null(0));
  EXPECT_TRUE(b.is_null(1));
  EXPECT_TRUE(b.is_null(2));

  // finish() leaves the builder empty and ready for the next column.
  some_null.push(9);
  Column c = some_null.finish();
  EXPECT_TRUE(c.valid.empty());
  EXPECT_EQ(std::get<std::vector<int32_t>>(c.values).size(), 1u);
}

TEST(Column, StringAtReadsPlainAndDictionaryColumns) {
  Column plain;
  plain.values = std::vector<std::string_view>{"a", "b"};
  EXPECT_EQ(plain.string_at(1), "b");
  Column dict;
  dict.values = DictionaryColumn{{"free", "paid"}, {1, 0, 1}};
  EXPECT_EQ(dict.string_at(0), "paid");
  EXPECT_EQ(dict.string_at(1), "free");
}

TEST(Table, ConcatKeepsRowsInOrderAcrossPlainAndDictionaryParts) {
  static const TableSpec spec{
      "t",
      {{"id", ColumnType::kString, true}, {"n", ColumnType::kInt64}, {"x", ColumnType::kDouble}},
      {}};
  TableData a = empty_table(spec, 2);
  a.columns[0].values = std::vector<std::string_view>{"a", "b"};
  a.columns[1].values = std::vector<int64_t>{1, 2};
  a.columns[2].values = std::vector<double>{0.5, 1.5};
  auto owner = std::make_shared<int>(7);
  a.owners.push_back(owner);
  TableData none = empty_typed_table(spec);
  TableData b = empty_table(spec, 3);
  b.columns[0].values = DictionaryColumn{{"x", "y"}, {1, 0, 1}};
  b.columns[1].values = std::vector<int64_t>{3, 0, 5};
  b.columns[1].valid = {1, 0, 1};
  b.columns[2].values = std::vector<double>{2.5, 3.5, 4.5};
  TableData all = concat_tables({a, none, b});
  ASSERT_EQ(all.num_rows, 5u);
  std::vector<std::string_view> ids;
  for (size_t r = 0; r < all.num_rows; ++r) ids.push_back(all.columns[0].string_at(r));
  EXPECT_EQ(ids, (std::vector<std::string_view>{"a", "b", "y", "x", "y"}));
  EXPECT_EQ(std::get<std::vector<int64_t>>(all.columns[1].values),
            (std::vector<int64_t>{1, 2, 3, 0, 5}));
  EXPECT_EQ(all.columns[1].valid, (std::vector<uint8_t>{1, 1, 1, 0, 1}));
  EXPECT_TRUE(all.columns[2].valid.empty());
  EXPECT_EQ(std::get<std::vector<double>>(all.columns[2].values).back(), 4.5);
  EXPECT_EQ(all.owners.size(), 1u);
  // Only empty parts: an empty table of the spec; one part: itself.
  EXPECT_EQ(concat_tables({none, none}).num_rows, 0u);
  EXPECT_EQ(concat_tables({none, none}).spec, &spec);
  EXPECT_EQ(concat_tables({none, a}).num_rows, 2u);
}

TEST(StringArena, ViewsStayValidAcrossGrowth) {
  StringArena arena(16);  // tiny blocks: most adds start a new block
  std::vector<std::string> originals;
  std::vector<std::string_view> views;
  for (int i = 0; i < 200; ++i) {
    originals.push_back(std::string(static_cast<size_t>(i % 40), static_cast<char>('a' + i % 26)));
    views.push_back(arena.add(originals.back()));
  }
  views.push_back(arena.add(std::string(1000, 'z')));  // larger than a block
  for (size_t i = 0; i < originals.size(); ++i) EXPECT_EQ(views[i], originals[i]) << i;
  EXPECT_EQ(views.back(), std::string(1000, 'z'));
  EXPECT_TRUE(arena.add("").empty());
  EXPECT_GE(arena.bytes_reserved(), 1000u);
}

}  // namespace
}  // namespace sparkify::model
