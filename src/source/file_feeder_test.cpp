// for_each_input over a fake file system that keeps files in memory and fails on request, in
// both modes: workers reading for themselves (concurrency 1, like a local disk) and one fetching
// thread feeding the workers through a bounded queue (concurrency > 1, like S3).
#include "source/file_feeder.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "source/reader.h"
#include "support/gzip.h"

namespace sparkify::source {
namespace {

using sparkify::testing::gzip_member;

class FakeFileSystem final : public io::FileSystem {
 public:
  explicit FakeFileSystem(int concurrency) : concurrency_(concurrency) {}

  std::map<std::string, std::string> files;
  std::set<std::string> failing;  ///< reads of these paths fail with an I/O error
  std::atomic<int> reads{0};

  std::string kind() const override { return "fake"; }
  int preferred_read_concurrency() const override { return concurrency_; }
  Result<std::vector<io::FileInfo>> list(const std::string&) override {
    return Status::NotSupported("list");
  }
  Result<bool> exists(const std::string& path) override { return files.count(path) > 0; }
  Result<Buffer> read(const std::string& path, size_t padding) override {
    ++reads;
    if (failing.count(path)) return Status::IoError("injected failure reading " + path);
    auto it = files.find(path);
    if (it == files.end()) return Status::NotFound(path);
    return Buffer::CopyOf({reinterpret_cast<const uint8_t*>(it->second.data()), it->second.size()},
                          padding);
  }
  Status write(const std::string&, std::span<const uint8_t>) override {
    return Status::NotSupported("write");
  }
  Status remove_files(const std::vector<std::string>&) override { return Status::OK(); }
  Status remove_all(const std::string&) override { return Status::OK(); }
  Status make_dirs(const std::string&) override { return Status::OK(); }

 private:
  int concurrency_;
};

std::vector<source::InputFile> add_files(FakeFileSystem& fs, size_t n) {
  std::vector<source::InputFile> inputs;
  for (size_t i = 0; i < n; ++i) {
    std::string name = "in/f" + std::to_string(i) + (i % 3 == 0 ? ".json.gz" : ".json");
    std::string text = "{\"n\":" + std::to_string(i) + "}\n";
    if (i % 5 == 1) text = "\xEF\xBB\xBF" + text;  // a byte-order mark to drop
    fs.files[name] = i % 3 == 0 ? gzip_member(text) : text;
    inputs.push_back({name, name.substr(3), fs.files[name].size(), i % 3 == 0});
  }
  return inputs;
}

// Parametrized over the file system's read concurrency: 1 = workers read, 8 = fetcher thread.
class FileFeeder : public ::testing::TestWithParam<int> {};

TEST_P(FileFeeder, HandsEveryFileOnceDecompressedWithoutBomAndPadded) {
  FakeFileSystem fs(GetParam());
  auto inputs = add_files(fs, 40);
  std::mutex mu;
  std::map<size_t, std::string> seen;
  Status st = for_each_input(fs, inputs, 3, [&](size_t i, int worker, const Buffer& bytes) {
    EXPECT_GE(worker, 0);
    EXPECT_LT(worker, 3);
    EXPECT_GE(bytes.padding(), source::kParserPadding);
    EXPECT_EQ(bytes.data()[bytes.size()], 0);
    std::lock_guard lock(mu);
    EXPECT_TRUE(seen.emplace(i, std::string(bytes.view())).second) << "file " << i << " twice";
    return Status::OK();
  });
  ASSERT_TRUE(st.ok()) << st.message();
  ASSERT_EQ(seen.size(), inputs.size());
  for (const auto& [i, text] : seen) EXPECT_EQ(text, "{\"n\":" + std::to_string(i) + "}\n");
}

TEST_P(FileFeeder, NoFilesCallsNothing) {
  FakeFileSystem fs(GetParam());
  Status st = for_each_input(fs, {}, 4, [&](size_t, int, const Buffer&) {
    ADD_FAILURE() << "task called without files";
    return Status::OK();
  });
  EXPECT_TRUE(st.ok()) << st.message();
}

TEST_P(FileFeeder, AFailedReadStopsTheRunAndIsReturnedNamingThePath) {
  FakeFileSystem fs(GetParam());
  auto inputs = add_files(fs, 200);
  fs.failing.insert(inputs[17].path);
  std::atomic<int> calls{0};
  Status st = for_each_input(fs, inputs, 3, [&](size_t, int, const Buffer&) {
    ++calls;
    return Status::OK();
  });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), ErrorCode::kIoError);
  EXPECT_NE(st.message().find(inputs[17].path), std::string::npos) << st.message();
  EXPECT_LT(calls.load(), 200) << "the run went on past the failure";
}

TEST_P(FileFeeder, CorruptGzipIsAnErrorNotACrash) {
  FakeFileSystem fs(GetParam());
  auto inputs = add_files(fs, 12);
  fs.files[inputs[6].path] = "\x1f\x8b\x08 this is not deflate data";
  Status st =
      for_each_input(fs, inputs, 2, [](size_t, int, const Buffer&) { return Status::OK(); });
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.code(), ErrorCode::kOk);
}

TEST_P(FileFeeder, ATaskFailureStopsReadingAndComesBackUnchanged) {
  FakeFileSystem fs(GetParam());
  auto inputs = add_files(fs, 500);
  Status st = for_each_input(fs, inputs, 2, [&](size_t i, int, const Buffer&) {
    if (i == 3) return Status::Corrupt("record 3 is bad");
    return Status::OK();
  });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), ErrorCode::kCorrupt);
  EXPECT_EQ(st.message(), "record 3 is bad");
  // The fetcher stops at the bounded queue: it cannot have read everything after the failure
  // (local mode reads at most one file per worker past it).
  EXPECT_LT(fs.reads.load(), 500);
}

INSTANTIATE_TEST_SUITE_P(ReadConcurrency, FileFeeder, ::testing::Values(1, 8),
                         [](const auto& info) {
                           return info.param == 1 ? std::string("WorkersRead")
                                                  : std::string("FetcherThread");
                         });

}  // namespace
}  // namespace sparkify::source
