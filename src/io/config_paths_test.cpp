#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "io/storage_options.h"
#include "support/temp_dir.h"

namespace sparkify::io {
namespace {

class ConfigPathsTest : public ::testing::Test {
 protected:
  std::string write_cfg(const std::string& text) {
    auto path = dir_.path() / "dl.cfg";
    std::ofstream(path) << text;
    return path.string();
  }
  sparkify::testing::TempDir dir_{"sparkify-config-paths"};
};

TEST_F(ConfigPathsTest, ReadsTheSeedsS3SectionWithGlobsAndQuotes) {
  auto p = read_config_paths(write_cfg(
      "[AWS]\nAWS_ACCESS_KEY_ID = AKIDEXAMPLE\nAWS_SECRET_ACCESS_KEY = secret#1\n\n"
      "[S3]\nINPUT_DATA = 's3a://udacity-dend/'\nOUTPUT_DATA = s3a://my-bucket/lake  # results\n"
      "SONG_DATA=s3a://udacity-dend/song_data/*/*/*/*.json\nLOG_DATA: "
      "s3a://udacity-dend/log_data/*/*/*.json\n"));
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_TRUE(p->has_aws_section);
  EXPECT_EQ(p->input, "s3a://udacity-dend/");
  EXPECT_EQ(p->output, "s3a://my-bucket/lake");
  EXPECT_EQ(p->songs, "s3a://udacity-dend/song_data/");
  EXPECT_EQ(p->logs, "s3a://udacity-dend/log_data/");
}

TEST_F(ConfigPathsTest, PathsSectionWinsOverS3AndOtherSectionsAreIgnored) {
  auto p = read_config_paths(write_cfg(
      "[PATHS]\ninput_data=./data\n[S3]\nINPUT_DATA=s3://other/\nOUTPUT_DATA=s3://b/lake\n"
      "[CLUSTER]\nINPUT_DATA=nope\n"));
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_FALSE(p->has_aws_section);
  EXPECT_EQ(p->input, "./data");
  EXPECT_EQ(p->output, "s3://b/lake");
  EXPECT_TRUE(p->songs.empty());
}

TEST_F(ConfigPathsTest, ABrokenLineIsOneSentenceNamingTheLineWithoutItsText) {
  std::string path = write_cfg("[AWS]\nKEY=AKID\nmy-secret-value\n");
  auto p = read_config_paths(path);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(), path + " line 3: expected [SECTION] or KEY = VALUE");
  auto q = read_config_paths(write_cfg("# comment\n[PATHS\nINPUT_DATA=x\n"));
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.status().message().find("line 2: the section header [PATHS has no closing ]"),
            std::string::npos);
  EXPECT_FALSE(read_config_paths((dir_.path() / "missing.cfg").string()).ok());
}

// The complete example of README.md ("dl.cfg"), comments and all.
TEST_F(ConfigPathsTest, TheReadmeExampleReads) {
  auto p = read_config_paths(write_cfg(
      R"(# Credentials: flags win over this section, which wins over the AWS_* environment variables.
[AWS]
AWS_ACCESS_KEY_ID = AKIA...                  # or KEY
AWS_SECRET_ACCESS_KEY = ...                  # or SECRET
# AWS_SESSION_TOKEN = ...                    # temporary credentials only
# REGION = us-west-2                         # default us-east-1
# ENDPOINT = http://127.0.0.1:9000           # MinIO, Ceph: path-style addressing

# Where the job reads and writes. --input/--songs/--logs and --output override these.
[PATHS]                                      # [S3] is read too; [PATHS] wins over it
INPUT_DATA = s3a://udacity-dend/             # holds song_data/ and log_data/
OUTPUT_DATA = s3a://my-bucket/sparkify-lake/
# SONG_DATA = s3a://udacity-dend/song_data/*/*/*/*.json   # instead of INPUT_DATA
# LOG_DATA = s3a://udacity-dend/log_data/*/*/*.json
)"));
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_TRUE(p->has_aws_section);
  EXPECT_EQ(p->input, "s3a://udacity-dend/");
  EXPECT_EQ(p->output, "s3a://my-bucket/sparkify-lake/");
  EXPECT_TRUE(p->songs.empty());
  auto bad = read_config_paths(write_cfg("[PATHS] INPUT_DATA = x\n"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 1: unexpected text after the section header"),
            std::string::npos);
}

}  // namespace
}  // namespace sparkify::io
