#include "parse/document_splitter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sparkify::parse {
namespace {

std::vector<std::string> split(std::string_view text, std::vector<Document>* docs = nullptr) {
  DocumentSplitter splitter(text);
  Document d;
  std::vector<std::string> out;
  while (splitter.next(d)) {
    out.emplace_back(text.substr(d.begin, d.size));
    if (docs) docs->push_back(d);
  }
  return out;
}

TEST(DocumentSplitter, SplitsWhitespaceSeparatedObjects) {
  EXPECT_EQ(split("{\"a\":1} {\"b\":\"}\"}\n\n{\"c\":[1,{\"d\":2}]}"),
            (std::vector<std::string>{"{\"a\":1}", "{\"b\":\"}\"}", "{\"c\":[1,{\"d\":2}]}"}));
}

TEST(DocumentSplitter, PrettyPrintedAndLines) {
  std::vector<Document> docs;
  auto parts = split("{\n  \"a\": \"x\\\"}\"\n}\n{\"b\": 2}", &docs);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(docs[0].line, 1u);
  EXPECT_EQ(docs[1].line, 4u);
  EXPECT_EQ(docs[1].begin, parts[0].size() + 1);
}

TEST(DocumentSplitter, UnterminatedAndStray) {
  std::vector<Document> docs;
  auto parts = split("garbage {\"a\": 1", &docs);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0], "garbage");
  EXPECT_TRUE(docs[0].complete);
  EXPECT_FALSE(docs[1].complete);
  EXPECT_TRUE(split(" \n\t ").empty());
}

}  // namespace
}  // namespace sparkify::parse
