#include "sink/rejects_writer.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <vector>

namespace sparkify::sink {
namespace {

model::RejectRecord reject(std::string raw, std::string reason = "bad",
                           std::string source = "log_data/a.json") {
  model::RejectRecord r;
  r.source = std::move(source);
  r.line = 7;
  r.offset = 1234;
  r.reason = std::move(reason);
  r.raw = std::move(raw);
  return r;
}

// Splits the output into lines, checking that every line (and only lines) end with '\n'.
std::vector<std::string> lines_of(const std::string& jsonl) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < jsonl.size()) {
    size_t nl = jsonl.find('\n', start);
    EXPECT_NE(nl, std::string::npos) << "the last line has no '\\n'";
    if (nl == std::string::npos) nl = jsonl.size();
    out.push_back(jsonl.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

TEST(RejectsWriter, NoRejectsIsNoBytes) { EXPECT_EQ(rejects_to_jsonl({}), ""); }

TEST(RejectsWriter, OneObjectPerLineWithEveryFieldInSpecOrder) {
  std::vector<model::RejectRecord> rs{reject("{\"ts\": oops}", "invalid JSON"),
                                      reject("second", "missing ts", "x/b.json")};
  rs[1].line = 1;
  rs[1].offset = 0;
  auto lines = lines_of(rejects_to_jsonl(rs));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0],
            "{\"source\":\"log_data/a.json\",\"line\":7,\"offset\":1234,\"reason\":\"invalid "
            "JSON\",\"raw\":\"{\\\"ts\\\": oops}\"}");
  EXPECT_EQ(lines[1],
            "{\"source\":\"x/b.json\",\"line\":1,\"offset\":0,\"reason\":\"missing "
            "ts\",\"raw\":\"second\"}");
}

TEST(RejectsWriter, EscapesControlCharactersAndKeepsValidUtf8) {
  std::string raw = "tab\there \"q\" back\\slash nl\n cr\r nul" + std::string(1, '\0') +
                    " \x01 caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\xb5";
  std::string out = rejects_to_jsonl(std::vector{reject(raw, "reason with \"quotes\"\n")});
  auto lines = lines_of(out);
  ASSERT_EQ(lines.size(), 1u) << "a raw newline must not split the record";
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(lines[0]).get(doc), simdjson::SUCCESS) << lines[0];
  std::string_view got_raw, got_reason;
  ASSERT_EQ(doc["raw"].get(got_raw), simdjson::SUCCESS);
  ASSERT_EQ(doc["reason"].get(got_reason), simdjson::SUCCESS);
  EXPECT_EQ(got_raw, raw);
  EXPECT_EQ(got_reason, "reason with \"quotes\"\n");
  EXPECT_TRUE(doc["raw_base64"].error() == simdjson::NO_SUCH_FIELD);
}

TEST(RejectsWriter, InvalidUtf8GoesAsBase64WithPadding) {
  // Lone continuation byte, truncated sequence, overlong encoding: 1, 2 and 3 bytes past a
  // multiple of three, so every padding case appears.
  struct Case {
    std::string raw, base64;
  };
  for (const Case& c : std::vector<Case>{{"\x80", "gA=="},
                                         {"a\xc3", "YcM="},
                                         {"ab\xc0\xaf", "YWLArw=="},
                                         {"\xff\xfe\xfd", "//79"},
                                         {"xyz\xe2\x82", "eHl64oI="}}) {
    auto lines = lines_of(rejects_to_jsonl(std::vector{reject(c.raw)}));
    ASSERT_EQ(lines.size(), 1u);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(lines[0]).get(doc), simdjson::SUCCESS) << lines[0];
    std::string_view b64;
    ASSERT_EQ(doc["raw_base64"].get(b64), simdjson::SUCCESS) << lines[0];
    EXPECT_EQ(b64, c.base64);
    EXPECT_TRUE(doc["raw"].error() == simdjson::NO_SUCH_FIELD) << lines[0];
  }
}

TEST(RejectsWriter, EmptyRawIsAnEmptyString) {
  EXPECT_EQ(lines_of(rejects_to_jsonl(std::vector{reject("")}))[0],
            "{\"source\":\"log_data/a.json\",\"line\":7,\"offset\":1234,\"reason\":\"bad\","
            "\"raw\":\"\"}");
}

}  // namespace
}  // namespace sparkify::sink
