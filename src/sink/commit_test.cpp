#include "sink/commit.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/uuid.h"
#include "io/local/local_file_system.h"

namespace sparkify::sink {
namespace {

namespace fs = std::filesystem;

std::string read_text(io::FileSystem& f, const std::string& path) {
  auto b = f.read(path);
  return b.ok() ? std::string(b->view()) : std::string("<missing>");
}

Status put(io::FileSystem& f, const std::string& path, std::string_view text) {
  return f.write(path, {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
}

TEST(Commit, ManifestRoundTrip) {
  std::vector<std::string> files{"year=1/a.parquet", "we\"ird\\name\x01.parquet"};
  auto parsed = parse_success_manifest(success_manifest(files));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed, files);
  EXPECT_FALSE(parse_success_manifest("").has_value());  // Spark's empty _SUCCESS
  EXPECT_FALSE(parse_success_manifest("{\"committer\":\"sparkify 1\",\"files\":[\"a").has_value());
}

TEST(Commit, LocalReplacesTableWholeAndCleansDebris) {
  io::LocalFileSystem lfs;
  std::string root = (fs::temp_directory_path() / ("sparkify-commit-" + make_uuid())).string();
  // Debris of a killed run, and a previous table.
  ASSERT_TRUE(put(lfs, root + "/_staging/dead/songs/x.parquet", "junk").ok());
  ASSERT_TRUE(put(lfs, root + "/songs/old.parquet", "old").ok());

  auto committer = TableCommitter::Make(lfs, root, "run1");
  ASSERT_TRUE(committer->recover({"songs"}).ok());
  EXPECT_FALSE(fs::exists(root + "/_staging/dead"));
  std::string staged = committer->staging_dir("songs");
  ASSERT_TRUE(put(lfs, staged + "/new.parquet", "new").ok());
  EXPECT_EQ(read_text(lfs, root + "/songs/old.parquet"), "old");  // not visible yet
  ASSERT_TRUE(committer->publish("songs", {"new.parquet"}).ok());
  EXPECT_EQ(read_text(lfs, root + "/songs/new.parquet"), "new");
  EXPECT_FALSE(fs::exists(root + "/songs/old.parquet"));
  auto manifest = parse_success_manifest(read_text(lfs, root + "/songs/_SUCCESS"));
  ASSERT_TRUE(manifest.has_value());
  EXPECT_EQ(*manifest, std::vector<std::string>{"new.parquet"});
  // A first publish of a table that did not exist.
  ASSERT_TRUE(put(lfs, committer->staging_dir("users") + "/u.parquet", "u").ok());
  ASSERT_TRUE(committer->publish("users", {"u.parquet"}).ok());
  ASSERT_TRUE(committer->finish().ok());
  EXPECT_FALSE(fs::exists(root + "/_staging"));
  EXPECT_TRUE(fs::exists(root + "/users/_SUCCESS"));
  fs::remove_all(root);
}

// A file system without rename, to exercise the object-store protocol on local disk.
class NoRenameFileSystem final : public io::FileSystem {
 public:
  std::string kind() const override { return "object store"; }
  Result<std::vector<io::FileInfo>> list(const std::string& r) override { return inner.list(r); }
  Result<bool> exists(const std::string& p) override { return inner.exists(p); }
  Result<Buffer> read(const std::string& p, size_t pad) override { return inner.read(p, pad); }
  Status write(const std::string& p, std::span<const uint8_t> d) override {
    return inner.write(p, d);
  }
  Status remove_files(const std::vector<std::string>& p) override {
    return inner.remove_files(p);
  }
  Status remove_all(const std::string& p) override { return inner.remove_all(p); }
  Status make_dirs(const std::string&) override { return Status::OK(); }
  io::LocalFileSystem inner;
};

TEST(Commit, ObjectStoreKeepsOldTableUntilManifestThenDeletes) {
  NoRenameFileSystem store;
  std::string root = (fs::temp_directory_path() / ("sparkify-commit-" + make_uuid())).string();
  auto first = TableCommitter::Make(store, root, "run1");
  ASSERT_TRUE(put(store, first->staging_dir("t") + "/a.parquet", "a").ok());
  ASSERT_TRUE(first->publish("t", {"a.parquet"}).ok());

  // A second run is killed after uploading b but before its manifest: a stays the table.
  auto killed = TableCommitter::Make(store, root, "run2");
  ASSERT_TRUE(put(store, killed->staging_dir("t") + "/b.parquet", "b").ok());
  auto third = TableCommitter::Make(store, root, "run3");
  ASSERT_TRUE(third->recover({"t"}).ok());
  EXPECT_FALSE(fs::exists(root + "/t/b.parquet"));
  EXPECT_TRUE(fs::exists(root + "/t/a.parquet"));
  ASSERT_TRUE(put(store, third->staging_dir("t") + "/c.parquet", "c").ok());
  ASSERT_TRUE(third->publish("t", {"c.parquet"}).ok());
  EXPECT_FALSE(fs::exists(root + "/t/a.parquet"));
  EXPECT_TRUE(fs::exists(root + "/t/c.parquet"));
  fs::remove_all(root);
}

}  // namespace
}  // namespace sparkify::sink
