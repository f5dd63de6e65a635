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
  auto name = [](const source::InputFile& f) { return f.relative; };
  auto first = choose_inputs(fs, inputs({{"a.json", 10}, {"b.json", 20}}), name, nullptr, "r1", 2);
  ASSERT_TRUE(first.ok()) << first.status().message();
  ASSERT_EQ(first->take.size(), 2u);
  EXPECT_EQ(first->taken[1].path, "b.json");
  EXPECT_EQ(first->taken[1].size, 20u);
  EXPECT_EQ(first->taken[1].run, "r1");

  auto second = choose_inputs(fs, inputs({{"a.json", 10}, {"b.json", 20}, {"c.json", 5}}), name,
                              &first->taken, "r2", 2);
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(second->skipped, 2u);
  ASSERT_EQ(second->take.size(), 1u);
  EXPECT_EQ(second->take[0].relative, "c.json");

  auto changed =
      choose_inputs(fs, inputs({{"a.json", 11}, {"b.json", 20}}), name, &first->taken, "r3", 1);
  ASSERT_FALSE(changed.ok());
  EXPECT_NE(changed.status().message().find("a.json"), std::string::npos);
  EXPECT_NE(changed.status().message().find("--mode full"), std::string::npos);
}

}  // namespace
}  // namespace sparkify::exec
