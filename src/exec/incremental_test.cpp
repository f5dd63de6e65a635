#include "exec/incremental.h"

#include <gtest/gtest.h>

#include <map>

namespace sparkify::exec {
namespace {

// A store whose listing carries sizes but no versions, and which cannot stat (as an S3-compatible
// store that omits ETags would be).
class ListingOnlyFileSystem final : public io::FileSystem {
 public:
  std::string kind() const override { return "listing-only"; }
  Result<std::vector<io::FileInfo>> list(const std::string&) override {
    return std::vector<io::FileInfo>();
  }
  Result<bool> exists(const std::string&) override { return false; }
  Result<Buffer> read(const std::string& path, size_t) override { return Status::NotFound(path); }
  Status write(const std::string&, std::span<const uint8_t>) override { return Status::OK(); }
  Status remove_files(const std::vector<std::string>&) override { return Status::OK(); }
  Status remove_all(const std::string&) override { return Status::OK(); }
  Status make_dirs(const std::string&) override { return Status::OK(); }
};

std::vector<source::InputFile> inputs(std::map<std::string, uint64_t> sizes) {
  std::vector<source::InputFile> out;
  for (const auto& [name, size] : sizes) out.push_back({"/in/" + name, name, size, false});
  return out;
}

TEST(ChooseInputs, NewKnownAndChangedFiles) {
  ListingOnlyFileSystem fs;
  const std::string name = "song_data/";  // a recorded name: this + the relative path
  auto first = choose_inputs(fs, inputs({{"a.json", 10}, {"b.json", 20}}), name, nullptr, "r1", 2);
  ASSERT_TRUE(first.ok()) << first.status().message();
  ASSERT_EQ(first->take.size(), 2u);
  EXPECT_EQ(first->taken[1].path, "song_data/b.json");
  EXPECT_EQ(first->taken[1].size, 20u);
  EXPECT_EQ(first->taken[1].run, "r1");

  const model::TableData known = ingested_after(model::TableData{}, first->taken);
  ASSERT_EQ(known.num_rows, 2u);
  auto second = choose_inputs(fs, inputs({{"a.json", 10}, {"b.json", 20}, {"c.json", 5}}), name,
                              &known, "r2", 2);
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(second->skipped, 2u);
  ASSERT_EQ(second->take.size(), 1u);
  EXPECT_EQ(second->take[0].relative, "c.json");

  auto changed = choose_inputs(fs, inputs({{"a.json", 11}, {"b.json", 20}}), name, &known, "r3", 1);
  ASSERT_FALSE(changed.ok());
  EXPECT_NE(changed.status().message().find("by run r1"), std::string::npos);
  EXPECT_NE(changed.status().message().find("song_data/a.json"), std::string::npos);
  EXPECT_NE(changed.status().message().find("--mode full"), std::string::npos);

  // Entries under another root (the logs' names beside the songs') are not this root's.
  // The record after a second load: the first's table extended by its files.
  const model::TableData record = ingested_after(known, {{"log_data/c.json", 5, "", "r1"}});
  ASSERT_EQ(record.num_rows, 3u);
  EXPECT_EQ(model::column(record, "path").string_at(2), "log_data/c.json");
  EXPECT_EQ(model::column(record, "run").string_at(0), "r1");
  auto other_root =
      choose_inputs(fs, inputs({{"a.json", 10}, {"c.json", 5}}), name, &record, "r4", 2);
  ASSERT_TRUE(other_root.ok()) << other_root.status().message();
  EXPECT_EQ(other_root->skipped, 1u);
  ASSERT_EQ(other_root->taken.size(), 1u);
  EXPECT_EQ(other_root->taken[0].path, "song_data/c.json");
}

TEST(ChooseInputs, ManyFilesAgainstALargeRecord) {
  // More files than one lookup block and a table that wraps: every known file found, every
  // new one taken, in file order.
  ListingOnlyFileSystem fs;
  std::map<std::string, uint64_t> all;
  for (int i = 0; i < 10000; ++i) all["f" + std::to_string(i) + ".json"] = 100 + i;
  std::vector<sink::IngestedFile> entries;
  for (const auto& [name, size] : all) {
    if (size % 3 != 0) entries.push_back({"in/" + name, size, "", "r1"});
  }
  const model::TableData record = ingested_after(model::TableData{}, entries);
  auto choice = choose_inputs(fs, inputs(all), "in/", &record, "r2", 2);
  ASSERT_TRUE(choice.ok()) << choice.status().message();
  EXPECT_EQ(choice->skipped, entries.size());
  ASSERT_EQ(choice->take.size() + entries.size(), all.size());
  for (size_t i = 0; i < choice->take.size(); ++i) {
    EXPECT_EQ(choice->take[i].size % 3, 0u);
    EXPECT_EQ(choice->taken[i].path, "in/" + choice->take[i].relative);
    if (i > 0) {
      EXPECT_LT(choice->take[i - 1].relative, choice->take[i].relative);
    }
  }
}

}  // namespace
}  // namespace sparkify::exec
