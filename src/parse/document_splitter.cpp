#include "parse/document_splitter.h"

#include <algorithm>

namespace sparkify::parse {

namespace {

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

}  // namespace

size_t DocumentEnd::feed(std::string_view piece) {
  size_t i = 0;
  if (!started_ && !piece.empty()) {
    started_ = true;
    bracketed_ = piece[0] == '{' || piece[0] == '[';
    if (!bracketed_) i = 1;  // a stray token's first byte is its own, whatever it is
  }
  if (!bracketed_) {
    // A stray token (a scalar or garbage): it runs to the next whitespace or opening bracket, and
    // is rejected by the parser as "expected a JSON object".
    for (; i < piece.size(); ++i) {
      char c = piece[i];
      if (is_space(c) || c == '{' || c == '[') return i;
    }
    return std::string_view::npos;
  }
  for (; i < piece.size(); ++i) {
    char c = piece[i];
    if (in_string_) {
      if (escaped_) {
        escaped_ = false;  // the escaped character cannot end the string
      } else if (c == '\\') {
        escaped_ = true;
      } else if (c == '"') {
        in_string_ = false;
      }
      continue;
    }
    if (c == '"') {
      in_string_ = true;
    } else if (c == '{' || c == '[') {
      ++depth_;
    } else if ((c == '}' || c == ']') && --depth_ == 0) {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

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
  std::string_view rest = text_.substr(pos_);
  size_t end = DocumentEnd().feed(rest);
  // A bracketed value the text ends inside is incomplete; a stray token simply ends there.
  out.complete = end != std::string_view::npos || (rest[0] != '{' && rest[0] != '[');
  if (end == std::string_view::npos) end = rest.size();
  out.size = end;
  line_ += static_cast<uint64_t>(std::count(rest.begin(), rest.begin() + end, '\n'));
  pos_ += end;
  return true;
}

size_t whole_documents(std::string_view text) {
  DocumentSplitter splitter(text);
  Document d;
  while (splitter.next(d)) {
    size_t end = d.begin + d.size;
    bool bracketed = text[d.begin] == '{' || text[d.begin] == '[';
    if (!d.complete || (end == text.size() && !bracketed)) return d.begin;
  }
  return text.size();  // whitespace after the last document is whole too
}

}  // namespace sparkify::parse
