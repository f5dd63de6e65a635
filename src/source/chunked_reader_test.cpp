#include "source/chunked_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "io/local/local_file_system.h"
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
  std::string read_all(const InputFile& file, size_t chunk_bytes, size_t* chunks = nullptr) {
    std::string all;
    size_t n = 0;
    Status st = for_each_chunk(fs_, file, chunk_bytes, [&](const Chunk& c) -> Status {
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

}  // namespace
}  // namespace sparkify::source
