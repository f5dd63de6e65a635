#include "source/reader.h"

#include <gtest/gtest.h>

#include <string>

#include "support/gzip.h"

namespace sparkify::source {
namespace {

using sparkify::testing::gzip_member;

Buffer buffer_of(const std::string& s) {
  return Buffer::CopyOf({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
}

TEST(Reader, GunzipsMultiMemberAndPads) {
  std::string a(100000, 'a');
  std::string raw = gzip_member(a) + gzip_member("{\"x\":1}\n");
  InputFile file{"x.json.gz", "x.json.gz", raw.size(), true};
  Buffer out = buffer_of(raw);
  Status st = prepare_input(file, out);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(out.view(), a + "{\"x\":1}\n");
  EXPECT_GE(out.padding(), kParserPadding);
  EXPECT_EQ(out.data()[out.size()], 0);
}

TEST(Reader, CorruptGzipIsAnError) {
  std::string raw = gzip_member(std::string(5000, 'z'));
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
