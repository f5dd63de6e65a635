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

// Fed in pieces of every size, the scan ends each document where the whole-text split does:
// strings holding brackets and escaped quotes, an escape cut between pieces, a stray token.
TEST(DocumentEnd, EndsWhereTheSplitDoesWhateverThePieces) {
  for (std::string doc : {std::string("{\"a\":\"}\\\"]\",\"b\":[1,{\"c\":2}]}"),
                          std::string("[[],{}]"), std::string("garbage")}) {
    std::string text = doc + (doc[0] == 'g' ? "{\"next\":1}" : " {\"next\":1}");
    for (size_t piece = 1; piece <= text.size(); ++piece) {
      DocumentEnd end;
      size_t at = std::string_view::npos, fed = 0;
      while (at == std::string_view::npos && fed < text.size()) {
        std::string_view part = std::string_view(text).substr(fed, piece);
        size_t in = end.feed(part);
        if (in != std::string_view::npos) at = fed + in;
        fed += part.size();
      }
      EXPECT_EQ(at, doc.size()) << doc << " in pieces of " << piece;
    }
  }
}

// Where a piece of a file may be cut: after the last document that cannot go on past it.
TEST(DocumentSplitter, WholeDocumentsStopBeforeOneThatMayGoOn) {
  EXPECT_EQ(whole_documents("{\"a\":1} {\"b\":2}\n"), 16u);
  EXPECT_EQ(whole_documents("{\"a\":1} {\"b\":"), 8u);         // the second is cut
  EXPECT_EQ(whole_documents("{\"a\":1}\n  stray"), 10u);       // a token at the end may go on
  EXPECT_EQ(whole_documents("{\"a\":1}\nstray {\"b\""), 14u);  // ended by its bracket
  EXPECT_EQ(whole_documents("{\"a\": [1, 2"), 0u);
  // Whitespace is whole however much of it there is: a megabyte of blank lines before a song
  // is not a document too long.
  EXPECT_EQ(whole_documents("   "), 3u);
  EXPECT_EQ(whole_documents("\n\n  {\"a\":"), 4u);
}

}  // namespace
}  // namespace sparkify::parse
