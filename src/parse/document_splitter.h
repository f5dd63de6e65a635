// DocumentSplitter: finds the top-level JSON values in a file that holds one or more of them
// separated by whitespace (song files may be pretty-printed or hold several objects). It only
// matches brackets and strings; the JSON parser validates each document afterwards.
//
// DocumentEnd is the same scan fed in pieces, and whole_documents() where a piece of a file may
// be cut: a song file too large to hold is read in chunks of whole documents, and a document too
// long to hold is read to its end without being held (exec's song stage).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sparkify::parse {

struct Document {
  size_t begin = 0;  ///< byte offset of the first character
  size_t size = 0;
  uint64_t line = 1;     ///< 1-based line of the first character
  bool complete = true;  ///< false when the file ends inside the value
};

/// Finds where one document ends, given its bytes in pieces from its first one on. An object or
/// array ends at its closing bracket; anything else (a stray token) at the next whitespace or
/// opening bracket, which is not part of it.
class DocumentEnd {
 public:
  /// The offset in `piece` just past the document's end, or npos when it goes on past `piece`.
  size_t feed(std::string_view piece);

 private:
  bool started_ = false, bracketed_ = false;
  int depth_ = 0;
  bool in_string_ = false, escaped_ = false;
};

class DocumentSplitter {
 public:
  explicit DocumentSplitter(std::string_view text) : text_(text) {}

  /// Advances to the next document; false at the end of the text.
  bool next(Document& out);

 private:
  void skip_whitespace();

  std::string_view text_;
  size_t pos_ = 0;
  uint64_t line_ = 1;
};

/// The length of the longest prefix of `text` made of whole documents and whitespace, when the
/// file may go on after `text`: up to the start of a document that reaches the end of `text`
/// and so may be cut (0 when `text` starts with one).
size_t whole_documents(std::string_view text);

}  // namespace sparkify::parse
