// Unit tests for LocalFileSystem: reads, writes, listings, removal, the atomic folder swap and
// the lake lock, each with its error cases.
#include "io/local/local_file_system.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>

#include "support/temp_dir.h"

namespace sparkify::io {
namespace {

namespace fs = std::filesystem;
using sparkify::testing::TempDir;

std::span<const uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string read_text(FileSystem& f, const std::string& path) {
  auto b = f.read(path);
  return b.ok() ? std::string(b->view()) : "<" + b.status().message() + ">";
}

TEST(LocalFileSystem, WriteCreatesParentsAndReadCarriesZeroPadding) {
  TempDir dir;
  LocalFileSystem lfs;
  ASSERT_TRUE(lfs.write(dir / "a/b/c.json", bytes("{\"x\":1}")).ok());
  auto b = lfs.read(dir / "a/b/c.json", 32);
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(b->view(), "{\"x\":1}");
  for (size_t i = 0; i < 32; ++i) EXPECT_EQ(b->data()[b->size() + i], 0);
  ASSERT_TRUE(lfs.write(dir / "a/b/c.json", bytes("short")).ok());  // replaces
  EXPECT_EQ(read_text(lfs, dir / "a/b/c.json"), "short");

  Buffer reused = Buffer::Allocate(100, 8);
  ASSERT_TRUE(lfs.read_into(dir / "a/b/c.json", 8, reused).ok());
  EXPECT_EQ(reused.view(), "short");
}

TEST(LocalFileSystem, ReadListedReadsTheFileAsItIsNowWhateverSizeWasListed) {
  TempDir dir;
  LocalFileSystem lfs;
  std::string path = dir / "f.json";
  ASSERT_TRUE(lfs.write(path, bytes("{\"song\":1}")).ok());
  Buffer b = Buffer::Allocate(4, 8);
  // The listed size, then a file that grew or shrank since it was listed: always the whole file,
  // with its zero padding.
  for (uint64_t listed : {uint64_t{10}, uint64_t{3}, uint64_t{64}, uint64_t{0}}) {
    ASSERT_TRUE(lfs.read_listed(path, listed, 8, b).ok()) << listed;
    EXPECT_EQ(b.view(), "{\"song\":1}") << listed;
    for (size_t i = 0; i < 8; ++i) EXPECT_EQ(b.data()[b.size() + i], 0) << listed;
  }
  ASSERT_TRUE(lfs.write(dir / "empty.json", bytes("")).ok());
  ASSERT_TRUE(lfs.read_listed(dir / "empty.json", 0, 8, b).ok());
  EXPECT_EQ(b.size(), 0u);
  fs::create_directories(dir / "folder.json");
  auto folder = lfs.read_listed(dir / "folder.json", 0, 8, b);
  EXPECT_EQ(folder.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(folder.message().find("it is a folder"), std::string::npos) << folder.message();
  EXPECT_EQ(lfs.read_listed(dir / "missing.json", 5, 8, b).code(), ErrorCode::kNotFound);
}

TEST(LocalFileSystem, ReadRangeReadsAPieceAndStopsAtTheEnd) {
  TempDir dir;
  LocalFileSystem lfs;
  ASSERT_TRUE(lfs.write(dir / "r.json", bytes("0123456789")).ok());
  Buffer b;
  ASSERT_TRUE(lfs.read_range(dir / "r.json", 2, 3, b, 16).ok());
  EXPECT_EQ(b.view(), "234");
  for (size_t i = 0; i < 16; ++i) EXPECT_EQ(b.data()[b.size() + i], 0);
  ASSERT_TRUE(lfs.read_range(dir / "r.json", 7, 100, b).ok());  // short: the end
  EXPECT_EQ(b.view(), "789");
  ASSERT_TRUE(lfs.read_range(dir / "r.json", 10, 4, b).ok());  // at the end: nothing
  EXPECT_TRUE(b.empty());
  ASSERT_TRUE(lfs.read_range(dir / "r.json", 50, 4, b).ok());  // past it: nothing
  EXPECT_TRUE(b.empty());
  auto listed = lfs.stat(dir / "r.json");
  ASSERT_TRUE(listed.ok());
  ASSERT_TRUE(lfs.read_range(dir / "r.json", 0, 4, b, 0, listed->version).ok());
  EXPECT_EQ(b.view(), "0123");
  Status changed = lfs.read_range(dir / "r.json", 0, 4, b, 0, listed->version + "7");
  EXPECT_EQ(changed.code(), ErrorCode::kIoError);
  EXPECT_NE(changed.message().find("changed while it was being read"), std::string::npos);
  Status missing = lfs.read_range(dir / "none.json", 0, 4, b);
  EXPECT_EQ(missing.code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.message().find("none.json"), std::string::npos);
}

TEST(LocalFileSystem, MissingPathsAreNotFoundWithTheirName) {
  TempDir dir;
  LocalFileSystem lfs;
  auto r = lfs.read(dir / "nope.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(r.status().message().find("nope.json"), std::string::npos);
  auto l = lfs.list(dir / "no_folder");
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.status().code(), ErrorCode::kNotFound);
  auto e = lfs.exists(dir / "no_folder");
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(*e);
}

TEST(LocalFileSystem, ListIsRecursiveWithRelativePaths) {
  TempDir dir;
  LocalFileSystem lfs;
  ASSERT_TRUE(lfs.write(dir / "root/x.json", bytes("12345")).ok());
  ASSERT_TRUE(lfs.write(dir / "root/A/B/y.json", bytes("1")).ok());
  ASSERT_TRUE(lfs.make_dirs(dir / "root/empty/deeper").ok());
  auto l = lfs.list(dir / "root");
  ASSERT_TRUE(l.ok()) << l.status().message();
  std::vector<FileInfo> files = *l;
  std::sort(files.begin(), files.end(),
            [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].path, "A/B/y.json");
  EXPECT_EQ(files[1].path, "x.json");
  // Sizes are not reported: the local listing reads d_type and stats nothing (FileInfo::size).
  EXPECT_EQ(files[0].size, 0u);
}

TEST(LocalFileSystem, ListingSharedBetweenThreadsFindsTheSameFiles) {
  // Enough folders (4 × 5 × 3, files at every level, a symbolic link to a file and one to a
  // folder, an empty folder, a hidden file) that four threads each take several sub-trees.
  TempDir dir;
  LocalFileSystem one(1), four(4);
  size_t written = 0;
  for (int a = 0; a < 4; ++a) {
    std::string pa = "root/" + std::to_string(a);
    ASSERT_TRUE(one.write(dir / (pa + "/top.json"), bytes("a")).ok());
    ++written;
    for (int b = 0; b < 5; ++b) {
      std::string pb = pa + "/" + std::to_string(b);
      for (int c = 0; c < 3; ++c) {
        ASSERT_TRUE(one.write(dir / (pb + "/" + std::to_string(c) + "/f.json"), bytes("xyz")).ok());
        ++written;
      }
    }
  }
  ASSERT_TRUE(one.write(dir / "root/.hidden", bytes("h")).ok());
  ASSERT_TRUE(one.make_dirs(dir / "root/empty").ok());
  fs::create_symlink(dir / "root/0/top.json", dir / "root/link.json");
  fs::create_directory_symlink(dir / "root/1", dir / "root/linked_folder");
  auto paths = [](std::vector<FileInfo> files) {
    std::vector<std::string> out;
    for (auto& f : files) out.push_back(f.path + " " + std::to_string(f.size) + " " + f.version);
    std::sort(out.begin(), out.end());
    return out;
  };
  auto a = one.list_detailed(dir / "root");
  auto b = four.list_detailed(dir / "root");
  ASSERT_TRUE(a.ok()) << a.status().message();
  ASSERT_TRUE(b.ok()) << b.status().message();
  // Every written file, the hidden one, the link to a file and the linked folder's 16 files.
  EXPECT_EQ(a->size(), written + 1 + 1 + 16);
  EXPECT_EQ(paths(*a), paths(*b));
  EXPECT_EQ(paths(*four.list(dir / "root")), paths(*one.list(dir / "root")));
  // Shares for several processes: disjoint, and together the whole listing.
  for (int count : {2, 3, 5, 200}) {
    std::vector<FileInfo> joined;
    for (int index = 0; index < count; ++index) {
      auto share = (index % 2 ? four : one).list_share(dir / "root", true, index, count);
      ASSERT_TRUE(share.ok()) << share.status().message();
      for (auto& f : *share) joined.push_back(f);
    }
    EXPECT_EQ(paths(joined), paths(*a)) << count << " shares";
  }
  EXPECT_FALSE(one.list_share(dir / "root", true, 2, 2).ok());
  auto missing = four.list(dir / "no_folder");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
}

TEST(LocalFileSystem, DeepFoldersListAndLinkLoopsAreOneSentence) {
  // 1000 nested folders: the walk holds its open folders off the call stack (one thread's
  // recursion with a 16 KiB buffer per level overflowed an 8 MiB stack at ~600). Made a step at
  // a time: the deepest one's path is longer than PATH_MAX.
  TempDir dir;
  LocalFileSystem one(1), two(2);
  ASSERT_TRUE(one.write(dir / "root/top.json", bytes("t")).ok());
  {
    fs::path here = fs::current_path();
    fs::current_path(fs::path(dir / "root"));
    for (int i = 0; i < 1000; ++i) {
      fs::create_directory("d");
      fs::current_path("d");
    }
    std::FILE* f = std::fopen("deep.json", "w");
    ASSERT_NE(f, nullptr);
    std::fclose(f);
    fs::current_path(here);
  }
  for (LocalFileSystem* lfs : {&one, &two}) {
    auto l = lfs->list_detailed(dir / "root");
    ASSERT_TRUE(l.ok()) << l.status().message();
    EXPECT_EQ(l->size(), 2u);
  }
  // A link to the folder that holds it, and one to a folder further up: an error naming both.
  ASSERT_TRUE(one.write(dir / "loop/a/b/x.json", bytes("x")).ok());
  fs::create_directory_symlink(".", dir / "loop/a/b/self");
  for (LocalFileSystem* lfs : {&one, &two}) {
    auto l = lfs->list(dir / "loop");
    ASSERT_FALSE(l.ok());
    EXPECT_EQ(l.status().message(), "cannot list " + (dir / "loop") +
                                        "/a/b/self: it is a symbolic link to " + (dir / "loop") +
                                        "/a/b, a folder that holds it");
  }
  fs::remove(dir / "loop/a/b/self");
  fs::create_directory_symlink("..", dir / "loop/a/b/up");
  for (LocalFileSystem* lfs : {&one, &two}) {
    auto l = lfs->list_detailed(dir / "loop/a");
    ASSERT_FALSE(l.ok());
    EXPECT_EQ(l.status().message(), "cannot list " + (dir / "loop/a") +
                                        "/b/up: it is a symbolic link to " + (dir / "loop/a") +
                                        ", a folder that holds it");
  }
  // A link above the listed folder is caught the second time it is reached.
  fs::remove(dir / "loop/a/b/up");
  fs::create_directory_symlink("../..", dir / "loop/a/b/up");
  for (LocalFileSystem* lfs : {&one, &two}) {
    auto l = lfs->list_detailed(dir / "loop/a");
    ASSERT_FALSE(l.ok());
    EXPECT_NE(l.status().message().find(": it is a symbolic link to"), std::string::npos)
        << l.status().message();
  }
  // A link to a folder beside it (not above) is followed, as before.
  fs::remove(dir / "loop/a/b/up");
  ASSERT_TRUE(one.write(dir / "loop/c/y.json", bytes("y")).ok());
  fs::create_directory_symlink("../../c", dir / "loop/a/b/side");
  auto l = two.list(dir / "loop");
  ASSERT_TRUE(l.ok()) << l.status().message();
  EXPECT_EQ(l->size(), 3u);
}

TEST(LocalFileSystem, RemoveToleratesMissingPaths) {
  TempDir dir;
  LocalFileSystem lfs;
  ASSERT_TRUE(lfs.write(dir / "t/a", bytes("a")).ok());
  ASSERT_TRUE(lfs.write(dir / "t/b", bytes("b")).ok());
  ASSERT_TRUE(lfs.remove_files({dir / "t/a", dir / "t/missing"}).ok());
  EXPECT_FALSE(fs::exists(dir / "t/a"));
  EXPECT_TRUE(fs::exists(dir / "t/b"));
  ASSERT_TRUE(lfs.remove_all(dir / "t").ok());
  EXPECT_FALSE(fs::exists(dir / "t"));
  EXPECT_TRUE(lfs.remove_all(dir / "t").ok());
}

TEST(LocalFileSystem, RenameAndExchangeFoldersAtomically) {
  TempDir dir;
  LocalFileSystem lfs;
  ASSERT_TRUE(lfs.supports_rename());
  ASSERT_TRUE(lfs.write(dir / "old/f", bytes("old")).ok());
  ASSERT_TRUE(lfs.write(dir / "new/f", bytes("new")).ok());
  ASSERT_TRUE(lfs.exchange_dir(dir / "old", dir / "new").ok());
  EXPECT_EQ(read_text(lfs, dir / "old/f"), "new");
  EXPECT_EQ(read_text(lfs, dir / "new/f"), "old");
  ASSERT_TRUE(lfs.rename_dir(dir / "new", dir / "moved").ok());
  EXPECT_EQ(read_text(lfs, dir / "moved/f"), "old");
  EXPECT_FALSE(lfs.rename_dir(dir / "moved", dir / "old").ok());  // target exists
  EXPECT_FALSE(lfs.exchange_dir(dir / "moved", dir / "absent").ok());
}

TEST(LocalFileSystem, LinkGivesAFileASecondNameThatOutlivesTheFirst) {
  TempDir dir;
  LocalFileSystem lfs;
  ASSERT_TRUE(lfs.write(dir / "state-1/keys/part-0", bytes("keys")).ok());
  // The destination's folders are created; both names are the same file.
  ASSERT_TRUE(lfs.link_file(dir / "state-1/keys/part-0", dir / "state-2/keys/part-0").ok());
  EXPECT_TRUE(fs::equivalent(dir / "state-1/keys/part-0", dir / "state-2/keys/part-0"));
  ASSERT_TRUE(lfs.remove_all(dir / "state-1").ok());
  EXPECT_EQ(read_text(lfs, dir / "state-2/keys/part-0"), "keys");
  // A missing source, or a name already taken, is an error naming the paths.
  Status missing = lfs.link_file(dir / "state-1/keys/part-0", dir / "state-3/part-0");
  EXPECT_EQ(missing.code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.message().find("state-1/keys/part-0"), std::string::npos);
  EXPECT_FALSE(lfs.link_file(dir / "state-2/keys/part-0", dir / "state-2/keys/part-0").ok());
}

TEST(LocalFileSystem, LakeLockIsExclusiveAndLeavesNoFile) {
  TempDir dir;
  LocalFileSystem lfs;
  std::string root = dir / "lake";
  ASSERT_TRUE(lfs.make_dirs(root).ok());
  {
    auto first = lfs.lock_directory(root);
    ASSERT_TRUE(first.ok()) << first.status().message();
    auto second = lfs.lock_directory(root);  // another open file description: refused
    ASSERT_FALSE(second.ok());
    EXPECT_NE(second.status().message().find("another sparkify run"), std::string::npos);
  }
  EXPECT_TRUE(lfs.lock_directory(root).ok());  // released with the first lock
  EXPECT_TRUE(fs::is_empty(root));             // and no lock file left in the lake
}

}  // namespace
}  // namespace sparkify::io
