#include "source/reader.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

namespace sparkify::source {
namespace {

std::string gzip_bytes(const std::string& text) {
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, text.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

Buffer buffer_of(const std::string& s) {
  return Buffer::CopyOf({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
}

TEST(Reader, GunzipsMultiMemberAndPads) {
  std::string a(100000, 'a');
  std::string raw = gzip_bytes(a) + gzip_bytes("{\"x\":1}\n");
  InputFile file{"x.json.gz", "x.json.gz", raw.size(), true};
  Buffer out = buffer_of(raw);
  Status st = prepare_input(file, out);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(out.view(), a + "{\"x\":1}\n");
  EXPECT_GE(out.padding(), kParserPadding);
  EXPECT_EQ(out.data()[out.size()], 0);
}

TEST(Reader, CorruptGzipIsAnError) {
  std::string raw = gzip_bytes(std::string(5000, 'z'));
  raw.resize(raw.size() / 2);
  InputFile file{"bad.json.gz", "bad.json.gz", raw.size(), true};
  Buffer out = buffer_of(raw);
  Status st = prepare_input(file, out);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), ErrorCode::kCorrupt);
  EXPECT_NE(st.message().find("bad.json.gz"), std::string::npos);
}

TEST(Reader, StripsByteOrderMark) {
  InputFile file{"b.json", "b.json", 0, false};
  Buffer out = buffer_of("\xEF\xBB\xBF{}");
  ASSERT_TRUE(prepare_input(file, out).ok());
  EXPECT_EQ(out.view(), "{}");
}

}  // namespace
}  // namespace sparkify::source
