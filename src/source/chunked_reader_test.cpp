#include "source/chunked_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include <mutex>
#include <vector>

#include "io/local/local_file_system.h"
#include "source/prefetch.h"
#include "source/reader.h"
#include "support/gzip.h"
#include "support/temp_dir.h"

namespace sparkify::source {
namespace {

using sparkify::testing::gzip_member;

class ChunkedReader : public ::testing::Test {
 protected:
  InputFile write(const std::string& name, const std::string& bytes) {
    std::string path = (dir_.path() / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return InputFile{path, name, bytes.size(), name.ends_with(".gz")};
  }

  // Reads `file` in chunks, checking each chunk's position against the text read so far.
  std::string read_all(const InputFile& file, size_t chunk_bytes, size_t* chunks = nullptr,
                       io::FileSystem* fs = nullptr, int requests = 1) {
    std::string all;
    size_t n = 0;
    Status st =
        for_each_chunk(fs ? *fs : fs_, file, chunk_bytes, requests, [&](const Chunk& c) -> Status {
          EXPECT_EQ(c.index, n);
          EXPECT_EQ(c.first_offset, all.size());
          EXPECT_EQ(c.first_line, static_cast<uint64_t>(std::count(all.begin(), all.end(), '\n')));
          EXPECT_GE(c.data.padding(), kParserPadding);
          EXPECT_EQ(c.data.data()[c.data.size()], 0);
          all += c.data.view();
          ++n;
          return Status::OK();
        });
    EXPECT_TRUE(st.ok()) << st.message();
    if (chunks) *chunks = n;
    return all;
  }

  sparkify::testing::TempDir dir_{"sparkify-chunked-reader"};
  io::LocalFileSystem fs_;
};

std::string lines(size_t count) {
  std::string text;
  for (size_t i = 0; i < count; ++i) {
    text += "{\"line\":" + std::to_string(i) + ",\"pad\":\"" + std::string(i % 97, 'x') + "\"}\n";
  }
  return text;
}

TEST_F(ChunkedReader, CutsAtLineBreaksAndKeepsPositions) {
  std::string text = lines(5000) + "{\"last\":\"no newline\"}";
  size_t chunks = 0;
  EXPECT_EQ(read_all(write("a.json", text), 4096, &chunks), text);
  EXPECT_GT(chunks, 10u);
}

TEST_F(ChunkedReader, HandsOutNoChunkLargerThanTheCacheSizedOne) {
  std::string text = lines(40000);  // ~2.4 MB
  ASSERT_GT(text.size(), 4 * kParseChunkBytes);
  size_t chunks = 0, largest = 0;
  Status st =
      for_each_chunk(fs_, write("big.json", text), size_t{16} << 20, [&](const Chunk& c) -> Status {
        largest = std::max(largest, c.data.size());
        ++chunks;
        return Status::OK();
      });
  ASSERT_TRUE(st.ok());
  EXPECT_LE(largest, kParseChunkBytes);
  EXPECT_GT(chunks, 4u);
  EXPECT_EQ(read_all(write("big2.json", text), size_t{16} << 20), text);
}

TEST_F(ChunkedReader, KeepsALineLongerThanTheChunkWhole) {
  std::string text = "{\"a\":1}\n{\"long\":\"" + std::string(50000, 'y') + "\"}\n{\"b\":2}\n";
  auto file = write("long.json", text);
  std::string all;
  Status st = for_each_chunk(fs_, file, 4096, [&](const Chunk& c) -> Status {
    std::string_view v = c.data.view();
    EXPECT_TRUE(v.back() == '\n');  // every chunk ends with whole lines
    all += v;
    return Status::OK();
  });
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(all, text);
}

TEST_F(ChunkedReader, StreamsMultiMemberGzipAndDropsTheByteOrderMark) {
  std::string text = lines(3000);
  std::string half1 = text.substr(0, text.size() / 2), half2 = text.substr(text.size() / 2);
  auto gz = write("b.json.gz", gzip_member("\xEF\xBB\xBF" + half1) + gzip_member(half2));
  EXPECT_EQ(read_all(gz, 4096), text);
  auto plain = write("c.json", "\xEF\xBB\xBF" + text);
  EXPECT_EQ(read_all(plain, 4096), text);
}

TEST_F(ChunkedReader, RefusesTruncatedOrInvalidGzip) {
  std::string member = gzip_member(lines(2000));
  for (const std::string& bytes :
       {member.substr(0, member.size() / 2), std::string("not gzip"), std::string()}) {
    auto file = write("bad.json.gz", bytes);
    Status st = for_each_chunk(fs_, file, 4096, [](const Chunk&) { return Status::OK(); });
    EXPECT_FALSE(st.ok());
    EXPECT_NE(st.message().find("not a valid gzip file"), std::string::npos) << st.message();
  }
}

// A store that is not local and reads only by ranges (as S3 does), over local files; records
// every range asked and can fail one.
class RangedFileSystem final : public io::FileSystem {
 public:
  std::string kind() const override { return "ranged"; }
  Result<std::vector<io::FileInfo>> list(const std::string&) override {
    return Status::NotSupported("no listing");
  }
  Result<bool> exists(const std::string& path) override { return local_.exists(path); }
  Result<Buffer> read(const std::string& path, size_t) override {
    return Status::Internal("a whole read of " + path + ": the chunked reader must use ranges");
  }
  Status read_range(const std::string& path, uint64_t offset, size_t length, Buffer& buffer,
                    size_t padding, const std::string& version) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      asked_.emplace_back(offset, length);
    }
    if (fail_at_ && offset >= *fail_at_) return Status::IoError("scripted failure at " + path);
    return local_.read_range(path, offset, length, buffer, padding, version);
  }
  int preferred_read_concurrency() const override { return 64; }
  Status write(const std::string&, std::span<const uint8_t>) override {
    return Status::NotSupported("read only");
  }
  Status remove_files(const std::vector<std::string>&) override { return Status::OK(); }
  Status remove_all(const std::string&) override { return Status::OK(); }
  Status make_dirs(const std::string&) override { return Status::OK(); }

  std::vector<std::pair<uint64_t, size_t>> asked() {
    std::lock_guard<std::mutex> lock(mutex_);
    auto out = asked_;
    std::sort(out.begin(), out.end());
    return out;
  }
  std::optional<uint64_t> fail_at_;

 private:
  io::LocalFileSystem local_;
  std::mutex mutex_;
  std::vector<std::pair<uint64_t, size_t>> asked_;
};

// A line past kMaxLineBytes is not held: its chunk is its first 64 KiB alone, marked with its
// length, and the lines around it come as usual with their positions — plain, gzip, by ranges,
// at the start of a file (after a byte-order mark) and at its end without a line break.
TEST_F(ChunkedReader, HandsOutOnlyTheStartOfALineTooLongToHold) {
  const std::string head = lines(300), tail = lines(200);
  const std::string huge = "{\"long\":\"" + std::string(3 * kMaxLineBytes, 'z') + "\"}";
  struct Case {
    std::string name, before, after;
  };
  for (const Case& c : {Case{"middle.json", head, "\n" + tail},
                        Case{"first.json", "\xEF\xBB\xBF", "\n"}, Case{"last.json.gz", head, ""}}) {
    std::string text = c.before + huge + c.after;
    auto file = write(c.name, c.name.ends_with(".gz") ? gzip_member(text) : text);
    if (c.before.starts_with("\xEF")) text = text.substr(3);
    for (int ranged_reads : {0, 1}) {
      RangedFileSystem ranged;
      io::FileSystem& fs = ranged_reads ? static_cast<io::FileSystem&>(ranged) : fs_;
      std::string all;  // the text rebuilt, the long line's dropped part as '?'
      int long_lines = 0;
      size_t largest = 0;
      Status st = for_each_chunk(fs, file, 64 << 10, 2, [&](const Chunk& ch) -> Status {
        EXPECT_EQ(ch.first_offset, all.size()) << c.name;
        EXPECT_EQ(ch.first_line, static_cast<uint64_t>(std::count(all.begin(), all.end(), '\n')));
        largest = std::max(largest, ch.data.size());
        all += ch.data.view();
        if (ch.long_record == 0) {
          EXPECT_EQ(ch.file_bytes(), ch.data.size());
          return Status::OK();
        }
        ++long_lines;
        EXPECT_EQ(ch.long_record, huge.size());
        EXPECT_EQ(ch.file_bytes(), huge.size());
        EXPECT_EQ(ch.data.view(), huge.substr(0, 64 << 10));
        EXPECT_EQ(ch.data.data()[ch.data.size()], 0);
        all += std::string(ch.long_record - ch.data.size(), '?');
        return Status::OK();
      });
      ASSERT_TRUE(st.ok()) << st.message();
      EXPECT_EQ(long_lines, 1) << c.name;
      EXPECT_LE(largest, kParseChunkBytes);
      std::string expected = text;
      size_t at = expected.find(huge);
      expected.replace(at + (64 << 10), huge.size() - (64 << 10),
                       std::string(huge.size() - (64 << 10), '?'));
      EXPECT_EQ(all, expected) << c.name << (ranged_reads ? " by ranges" : "");
    }
  }
}

// The longest line held whole is kMaxLineBytes; one byte more is a long line.
TEST_F(ChunkedReader, TheLongestLineHeldWholeIsTheLimit) {
  for (size_t length : {kMaxLineBytes, kMaxLineBytes + 1}) {
    std::string line = std::string(length, 'a');
    auto file = write("edge.json", "{}\n" + line + "\n{}\n");
    std::vector<uint64_t> long_lines;
    std::string whole;
    Status st = for_each_chunk(fs_, file, 4096, [&](const Chunk& ch) -> Status {
      if (ch.long_record)
        long_lines.push_back(ch.long_record);
      else
        whole += ch.data.view();
      return Status::OK();
    });
    ASSERT_TRUE(st.ok()) << st.message();
    if (length == kMaxLineBytes) {
      EXPECT_TRUE(long_lines.empty());
      EXPECT_EQ(whole, "{}\n" + line + "\n{}\n");
    } else {
      EXPECT_EQ(long_lines, std::vector<uint64_t>{length});
      EXPECT_EQ(whole, "{}\n\n{}\n");  // the long line's break starts the next chunk
    }
  }
}

// A first line after a byte-order mark: the mark is dropped after the read, which must not let
// a line a few KiB past the limit be read whole (it was, up to 4093 bytes past it).
TEST_F(ChunkedReader, TheLimitHoldsForAFirstLineAfterAByteOrderMark) {
  for (size_t length : {kMaxLineBytes, kMaxLineBytes + 1, kMaxLineBytes + 424}) {
    std::string line = std::string(length, 'a');
    auto file = write("bom.json", "\xEF\xBB\xBF" + line + "\n{}\n");
    std::vector<uint64_t> long_lines;
    Status st = for_each_chunk(fs_, file, 4096, [&](const Chunk& ch) -> Status {
      if (ch.long_record) long_lines.push_back(ch.long_record);
      return Status::OK();
    });
    ASSERT_TRUE(st.ok()) << st.message();
    EXPECT_EQ(long_lines,
              length == kMaxLineBytes ? std::vector<uint64_t>{} : std::vector<uint64_t>{length})
        << length;
  }
}

TEST_F(ChunkedReader, ReadsOtherStoresByRangesWithTheSamePositions) {
  std::string text = "\xEF\xBB\xBF" + lines(40000) + "{\"last\":\"no newline\"}";
  auto file = write("big.json", text);
  for (int requests : {1, 4}) {
    RangedFileSystem ranged;
    size_t chunks = 0;
    EXPECT_EQ(read_all(file, 1 << 20, &chunks, &ranged, requests), text.substr(3));
    EXPECT_GT(chunks, 2u);
    // Contiguous pieces from 0, each one piece long; the last starts at most at the end (the
    // request that confirms it).
    auto asked = ranged.asked();
    ASSERT_FALSE(asked.empty());
    uint64_t next = 0;
    for (auto [offset, length] : asked) {
      EXPECT_EQ(offset, next);
      EXPECT_EQ(length, requests == 1 ? size_t{1} << 20 : size_t{256} << 10);
      next = offset + length;
    }
    EXPECT_LE(asked.back().first, text.size());
    EXPECT_GT(next, text.size());
  }
}

TEST_F(ChunkedReader, ReadsAtMostAboutOneChunkAhead) {
  auto file = write("ahead.json", lines(80000));
  for (int requests : {1, 4}) {
    RangedFileSystem ranged;
    const size_t chunk = 1 << 20;
    Status st = for_each_chunk(ranged, file, chunk, requests, [&](const Chunk& c) {
      uint64_t requested_end = 0;
      for (auto [offset, length] : ranged.asked()) {
        requested_end = std::max(requested_end, offset + length);
      }
      // This chunk, the piece it ends in, and one chunk more: two chunks and a piece.
      EXPECT_LE(requested_end, c.first_offset + c.data.size() + 2 * chunk + chunk / requests)
          << "chunk " << c.index << " with " << requests << " requests";
      return Status::OK();
    });
    EXPECT_TRUE(st.ok()) << st.message();
  }
}

TEST_F(ChunkedReader, AnExactMultipleOfThePieceEndsWithOneEmptyRange) {
  std::string text = lines(100000).substr(0, 3 << 20);
  auto file = write("exact.json", text);
  RangedFileSystem ranged;
  EXPECT_EQ(read_all(file, 1 << 20, nullptr, &ranged, 1), text);
  auto asked = ranged.asked();
  ASSERT_EQ(asked.size(), 4u);
  EXPECT_EQ(asked.back().first, uint64_t{3} << 20);
  // Without a size from the listing, the reader finds the end by itself.
  file.size = 0;
  RangedFileSystem unsized;
  EXPECT_EQ(read_all(file, 1 << 20, nullptr, &unsized, 2), text);
}

TEST_F(ChunkedReader, AnObjectLargerThanListedIsReadToItsEnd) {
  std::string text = lines(60000);
  auto file = write("grew.json", text);
  for (uint64_t listed : {uint64_t{1}, uint64_t{300000}, uint64_t{1} << 20}) {
    file.size = listed;
    RangedFileSystem ranged;
    EXPECT_EQ(read_all(file, 1 << 20, nullptr, &ranged, 4), text) << "listed as " << listed;
  }
}

TEST_F(ChunkedReader, AFileThatChangedSinceItWasListedIsAnError) {
  auto file = write("changed.json", lines(20000));
  auto listed = fs_.stat(file.path);
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  RangedFileSystem ranged;
  file.version = listed->version;  // the version read matches: read as usual
  EXPECT_EQ(read_all(file, 1 << 20, nullptr, &ranged, 4), lines(20000));
  file.version = listed->version + "1";  // another version than listed
  Status st = for_each_chunk(ranged, file, 1 << 20, 4, [](const Chunk&) { return Status::OK(); });
  EXPECT_EQ(st.code(), ErrorCode::kIoError);
  EXPECT_NE(st.message().find("changed while it was being read"), std::string::npos)
      << st.message();
}

TEST_F(ChunkedReader, StreamsGzipOverRanges) {
  std::string text = lines(30000);
  std::string half1 = text.substr(0, text.size() / 2), half2 = text.substr(text.size() / 2);
  std::string gz = gzip_member("\xEF\xBB\xBF" + half1) + gzip_member(half2);
  auto file = write("c.json.gz", gz);
  RangedFileSystem ranged;
  size_t chunks = 0;
  EXPECT_EQ(read_all(file, 64 << 10, &chunks, &ranged, 4), text);
  EXPECT_GT(chunks, 10u);
  EXPECT_GT(ranged.asked().size(), 1u);  // the compressed file itself came in pieces
  file = write("bad.json.gz", gz.substr(0, gz.size() / 2));
  Status st = for_each_chunk(ranged, file, 64 << 10, 4, [](const Chunk&) { return Status::OK(); });
  EXPECT_NE(st.message().find("not a valid gzip file"), std::string::npos) << st.message();
}

TEST_F(ChunkedReader, AFailedRangeStopsTheFileWithItsError) {
  auto file = write("f.json", lines(40000));
  RangedFileSystem ranged;
  ranged.fail_at_ = uint64_t{1} << 20;
  size_t handed = 0;
  Status st = for_each_chunk(ranged, file, 1 << 20, 4, [&](const Chunk& c) {
    handed += c.data.size();
    return Status::OK();
  });
  EXPECT_EQ(st.code(), ErrorCode::kIoError);
  EXPECT_NE(st.message().find("scripted failure"), std::string::npos);
  EXPECT_LT(handed, size_t{1} << 20);
}

// Small files fetched ahead: a worker starting file i gets its bytes (whole, one range from 0),
// files after it are fetched within the budget, big ones are left to the worker, and chunks of a
// fetched file (plain or gzip) carry the same positions as a streamed one.
TEST_F(ChunkedReader, SmallFilesFetchedAheadReadAsStreamed) {
  std::vector<InputFile> files = {write("a.json", lines(100)), write("big.json", lines(20000)),
                                  write("b.json.gz", gzip_member("\xEF\xBB\xBF" + lines(300))),
                                  write("c.json", lines(50))};
  const size_t max_small = 64 << 10;
  ASSERT_GT(files[1].size, max_small);
  RangedFileSystem ranged;
  std::vector<std::string> texts;
  {
    SmallFilePrefetcher prefetch(ranged, files, max_small, 1 << 20, 8);
    for (size_t i = 0; i < files.size(); ++i) {
      auto bytes = prefetch.take(i);
      ASSERT_TRUE(bytes.ok()) << bytes.status().message();
      EXPECT_EQ(bytes->has_value(), i != 0 && i != 1) << "file " << i;  // 0: nobody fetched it yet
      if (!*bytes) {
        texts.push_back(read_all(files[i], 4096, nullptr, &ranged, 2));
        continue;
      }
      std::string all;
      Status st = for_each_chunk(files[i], std::move(**bytes), 4096, [&](const Chunk& c) {
        EXPECT_EQ(c.first_offset, all.size());
        EXPECT_EQ(c.first_line, static_cast<uint64_t>(std::count(all.begin(), all.end(), '\n')));
        EXPECT_EQ(c.data.data()[c.data.size()], 0);
        all += c.data.view();
        return Status::OK();
      });
      EXPECT_TRUE(st.ok()) << st.message();
      texts.push_back(all);
    }
  }
  EXPECT_EQ(texts, (std::vector<std::string>{lines(100), lines(20000), lines(300), lines(50)}));
  // The fetches ahead were one range each, from 0 and one byte past the listed size.
  auto asked = ranged.asked();
  for (size_t i : {size_t{2}, size_t{3}}) {
    EXPECT_NE(
        std::find(asked.begin(), asked.end(), std::pair<uint64_t, size_t>{0, files[i].size + 1}),
        asked.end())
        << "file " << i;
  }
}

TEST_F(ChunkedReader, FetchingAheadKeepsToItsBudgetAndHandsOverErrorsAndGrowth) {
  std::vector<InputFile> files;
  for (int i = 0; i < 6; ++i) files.push_back(write("f" + std::to_string(i) + ".json", lines(200)));
  const size_t one = files[0].size;
  {
    // Room for two files ahead: take(0) fetches files 1 and 2; taking file 1 makes room for 3.
    RangedFileSystem ranged;
    {
      SmallFilePrefetcher prefetch(ranged, files, 1 << 20, 2 * one, 64);
      ASSERT_TRUE(prefetch.take(0).ok());
      ASSERT_TRUE(prefetch.take(1).ok());
    }                                      // fetches in flight are waited for
    EXPECT_EQ(ranged.asked().size(), 3u);  // files 1, 2 and 3; not 4 and 5
  }
  {
    // A listing that says less than the file holds: the file grew, and is left to the worker.
    auto grown = files;
    grown[1].size = one - 10;
    RangedFileSystem ranged;
    SmallFilePrefetcher prefetch(ranged, grown, 1 << 20, 1 << 20, 64);
    ASSERT_TRUE(prefetch.take(0).ok());
    auto bytes = prefetch.take(1);
    ASSERT_TRUE(bytes.ok());
    EXPECT_FALSE(bytes->has_value());
  }
  {
    RangedFileSystem ranged;
    ranged.fail_at_ = 0;  // every read fails
    SmallFilePrefetcher prefetch(ranged, files, 1 << 20, 1 << 20, 64);
    ASSERT_TRUE(prefetch.take(0).ok());  // not fetched ahead: the worker's own read fails later
    auto bytes = prefetch.take(1);
    EXPECT_EQ(bytes.status().code(), ErrorCode::kIoError);
    EXPECT_NE(bytes.status().message().find("scripted failure"), std::string::npos);
  }
}

}  // namespace
}  // namespace sparkify::source
