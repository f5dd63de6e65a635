#include "lake/hive_partition.h"

#include <gtest/gtest.h>

namespace sparkify::lake {
namespace {

TEST(HivePartition, EscapesLikeSpark) {
  EXPECT_EQ(escape_partition_value("ARMJAGH1187FB546F3"), "ARMJAGH1187FB546F3");
  EXPECT_EQ(escape_partition_value("a/b"), "a%2Fb");
  EXPECT_EQ(escape_partition_value("x=y"), "x%3Dy");
  EXPECT_EQ(escape_partition_value("100%"), "100%25");
  EXPECT_EQ(escape_partition_value(".."), "..");
  EXPECT_EQ(escape_partition_value("a b"), "a b");  // spaces are kept, as Spark does
  EXPECT_EQ(escape_partition_value("\"#'*:?\\{[]^"), "%22%23%27%2A%3A%3F%5C%7B%5B%5D%5E");
  EXPECT_EQ(escape_partition_value(std::string("\x01\x1f\x7f", 3)), "%01%1F%7F");
  EXPECT_EQ(escape_partition_value("caf\xc3\xa9"), "caf\xc3\xa9");  // UTF-8 kept
}

TEST(HivePartition, FoldersAndDefaults) {
  EXPECT_EQ(partition_folder("year", std::string_view("1969")), "year=1969");
  EXPECT_EQ(partition_folder("year", std::nullopt), "year=__HIVE_DEFAULT_PARTITION__");
  EXPECT_EQ(partition_folder("artist_id", std::string_view("")),
            "artist_id=__HIVE_DEFAULT_PARTITION__");
  EXPECT_EQ(partition_folder("artist_id", std::string_view("../../etc")),
            "artist_id=..%2F..%2Fetc");
}

TEST(HivePartition, RoundTrip) {
  for (std::string v : {"a/b=c%d", "plain", "..", "\x01x\x7f", "%zz"}) {
    std::string_view name;
    std::string value;
    bool is_null;
    std::string folder = partition_folder("k", std::string_view(v));
    ASSERT_TRUE(parse_partition_folder(folder, name, value, is_null));
    EXPECT_EQ(name, "k");
    EXPECT_EQ(value, v);
    EXPECT_FALSE(is_null);
    EXPECT_EQ(folder.find('/'), std::string::npos);
  }
  std::string_view name;
  std::string value;
  bool is_null;
  ASSERT_TRUE(parse_partition_folder("year=__HIVE_DEFAULT_PARTITION__", name, value, is_null));
  EXPECT_TRUE(is_null);
  EXPECT_FALSE(parse_partition_folder("noequals", name, value, is_null));
}

}  // namespace
}  // namespace sparkify::lake
