#include "source/discovery.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "io/local/local_file_system.h"
#include "support/temp_dir.h"

namespace sparkify::source {
namespace {

TEST(Discovery, InputPathRules) {
  EXPECT_TRUE(is_input_path("song_data/A/B/C/TRABC.json"));
  EXPECT_TRUE(is_input_path("log_data/2018/11/2018-11-01-events.json.gz"));
  EXPECT_FALSE(is_input_path("log_data/readme.txt"));
  EXPECT_FALSE(is_input_path("log_data/x.json.bak"));
  EXPECT_FALSE(is_input_path(".ipynb_checkpoints/a.json"));
  EXPECT_FALSE(is_input_path("a/_SUCCESS"));
  EXPECT_FALSE(is_input_path("a/_tmp/b.json"));
  EXPECT_FALSE(is_input_path("a/.b.json"));
  EXPECT_TRUE(is_input_path("a/b_c/d.json"));  // only a leading '_' hides
}

TEST(Discovery, SortsByteWiseAndSkipsHidden) {
  namespace fs = std::filesystem;
  testing::TempDir dir("sparkify-disc");
  const fs::path& root = dir.path();
  for (const char* rel : {"b/x.json", "a/Z.json", "a/a.json", "a/\xc3\xa9.json", "_skip/y.json",
                          "a/.hidden.json", "a/notes.txt", "c/d.json.gz"}) {
    fs::create_directories((root / rel).parent_path());
    std::FILE* f = std::fopen((root / rel).c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fclose(f);
  }
  io::LocalFileSystem lfs;
  auto files = discover(lfs, root.string());
  ASSERT_TRUE(files.ok()) << files.status().message();
  std::vector<std::string> rel;
  for (auto& f : *files) rel.push_back(f.relative);
  EXPECT_EQ(rel, (std::vector<std::string>{"a/Z.json", "a/a.json", "a/\xc3\xa9.json", "b/x.json",
                                           "c/d.json.gz"}));
  EXPECT_TRUE(files->back().gzip);
}

TEST(Discovery, ALargeListingSortedInPartsEqualsOneSort) {
  namespace fs = std::filesystem;
  testing::TempDir dir("sparkify-disc-large");
  const fs::path& root = dir.path();
  // Past the size that is cut into parts, in folders whose names sort unlike their order of
  // creation, with non-input files among them.
  for (int i = 0; i < 9000; ++i) {
    fs::path folder = root / std::to_string((i * 7919) % 97) / std::to_string(i % 3);
    fs::create_directories(folder);
    std::string name = std::to_string((i * 104729) % 100003) + (i % 50 == 0 ? ".txt" : ".json");
    std::FILE* f = std::fopen((folder / name).c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fclose(f);
  }
  io::LocalFileSystem lfs;
  auto one = discover(lfs, root.string(), true, 1);
  auto two = discover(lfs, root.string(), true, 2);
  ASSERT_TRUE(one.ok() && two.ok());
  ASSERT_EQ(one->size(), 9000u - 180u);
  ASSERT_EQ(two->size(), one->size());
  for (size_t i = 0; i < one->size(); ++i) {
    EXPECT_EQ((*two)[i].relative, (*one)[i].relative) << i;
    EXPECT_EQ((*two)[i].path, (*one)[i].path) << i;
    EXPECT_EQ((*two)[i].version, (*one)[i].version) << i;
    if (i > 0) {
      EXPECT_LT((*one)[i - 1].relative, (*one)[i].relative) << i;
    }
  }
}

TEST(Discovery, MissingRootIsNotFound) {
  io::LocalFileSystem lfs;
  auto files = discover(lfs, "/nonexistent/sparkify/input");
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(files.status().message().find("/nonexistent/sparkify/input"), std::string::npos);
}

}  // namespace
}  // namespace sparkify::source
