#include "lake/manifest.h"

#include <gtest/gtest.h>

namespace sparkify::lake {
namespace {

TEST(Manifest, RoundTrip) {
  std::vector<std::string> files{"year=1/a.parquet", "we\"ird\\name\x01.parquet"};
  auto parsed = parse_success_manifest(success_manifest(files));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed, files);
  EXPECT_FALSE(parse_success_manifest("").has_value());  // Spark's empty _SUCCESS
  EXPECT_FALSE(parse_success_manifest("{\"committer\":\"sparkify 1\",\"files\":[\"a").has_value());
}

TEST(Manifest, RowsWhenTheWriterKnewThem) {
  std::vector<std::string> files{"a.parquet", "x],\"rows\":7}.parquet"};
  std::string with_rows = success_manifest(files, 12345);
  EXPECT_EQ(parse_success_manifest(with_rows), files);
  EXPECT_EQ(parse_success_manifest_rows(with_rows), 12345u);
  EXPECT_EQ(parse_success_manifest_rows(success_manifest(files)), std::nullopt);
  EXPECT_EQ(parse_success_manifest_rows(success_manifest({}, 0)), 0u);
  EXPECT_EQ(parse_success_manifest_rows(""), std::nullopt);
  EXPECT_EQ(parse_success_manifest_rows("{\"other\":1,\"files\":[],\"rows\":3}"), std::nullopt);
  EXPECT_EQ(parse_success_manifest_rows("{\"committer\":\"sparkify 1\",\"files\":[],\"rows\":x}"),
            std::nullopt);
}

}  // namespace
}  // namespace sparkify::lake
