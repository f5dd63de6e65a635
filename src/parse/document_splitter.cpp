#include "parse/document_splitter.h"

namespace sparkify::parse {

namespace {

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

}  // namespace

void DocumentSplitter::skip_whitespace() {
  while (pos_ < text_.size() && is_space(text_[pos_])) {
    if (text_[pos_] == '\n') ++line_;
    ++pos_;
  }
}

bool DocumentSplitter::next(Document& out) {
  skip_whitespace();
  if (pos_ >= text_.size()) return false;
  out.begin = pos_;
  out.line = line_;
  out.complete = true;
  char first = text_[pos_];
  size_t i = pos_;
  if (first == '{' || first == '[') {
    int depth = 0;
    bool in_string = false;
    for (; i < text_.size(); ++i) {
      char c = text_[i];
      if (c == '\n') ++line_;
      if (in_string) {
        if (c == '\\') {
          ++i;  // the escaped character cannot end the string
        } else if (c == '"') {
          in_string = false;
        }
        continue;
      }
      if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) {
          ++i;
          break;
        }
      }
    }
    if (depth != 0 || in_string) out.complete = false;
  } else {
    // A stray token (a scalar or garbage): it runs to the next whitespace or opening bracket, and
    // is rejected by the parser as "expected a JSON object".
    while (i < text_.size() && !is_space(text_[i]) &&
           (i == pos_ || (text_[i] != '{' && text_[i] != '['))) {
      ++i;
    }
  }
  if (i > text_.size()) i = text_.size();
  out.size = i - pos_;
  pos_ = i;
  return true;
}

}  // namespace sparkify::parse
