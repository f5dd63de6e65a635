// DocumentSplitter: finds the top-level JSON values in a file that holds one or more of them
// separated by whitespace (song files may be pretty-printed or hold several objects). It only
// matches brackets and strings; the JSON parser validates each document afterwards.
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

}  // namespace sparkify::parse
