// Internal to parse/: typed reads of simdjson on-demand values with SPEC §2's leniency (numbers
// may arrive as numeric strings; null and missing mean null) and full validation of the values
// we ignore, so a record is accepted only when it is valid JSON throughout.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/records.h"

namespace sparkify::parse::SPARKIFY_PARSE_KERNEL_NS {

namespace od = simdjson::ondemand;

/// Parses a whole string as an integer ("39", "-5", or an exact float such as "39.0").
bool parse_integer_text(std::string_view text, int64_t& out);

/// Collects the first problem with a record; once failed, further reads are no-ops.
class ValueReader {
 public:
  bool failed() const { return failed_; }
  const std::string& reason() const { return reason_; }
  void reset() {
    failed_ = false;
    reason_.clear();
  }

  /// Makes room to unescape the strings of a document of `size` bytes, whose views stay valid
  /// until the next call.
  void start_document(size_t size) {
    if (unescaped_.size() < size + kStringBlock) unescaped_.resize(size + kStringBlock);
    unescaped_end_ = unescaped_.data();
  }

  void fail_json(simdjson::error_code error);
  void fail(std::string reason);

  void read_string(od::value& value, std::string_view key, model::NullableString& out);
  void read_int64(od::value& value, std::string_view key, std::optional<int64_t>& out);
  void read_int32(od::value& value, std::string_view key, std::optional<int32_t>& out);
  void read_double(od::value& value, std::string_view key, std::optional<double>& out);
  /// Walks a value we do not use, so malformed JSON inside it still rejects the record.
  void validate(od::value& value, int depth = 0);

  /// Reads a string value without simdjson's copy where it can (see read_plain_string); false,
  /// having read nothing, when the value is not a string or holds an escape it leaves to
  /// simdjson (\uXXXX, or an invalid one).
  bool read_string_fast(od::value& value, std::string_view& out);

  /// The bytes a string scan reads at a time (the document's padding covers a block past its end).
  static constexpr size_t kStringBlock = 64;

 private:
  bool type_of(od::value& value, od::json_type& type);
  /// Reads a string holding a number ("39", "218.9"); false (and failed) when it does not.
  template <typename T, typename Parse>
  bool read_numeric_string(od::value& value, std::string_view key, std::string_view expected,
                           Parse parse, T& out);
  void fail_type(std::string_view key, std::string_view expected, od::json_type got);

  bool failed_ = false;
  std::string reason_;
  std::vector<char> unescaped_;    // the document's unescaped strings
  char* unescaped_end_ = nullptr;  // where the next one goes
};

}  // namespace sparkify::parse::SPARKIFY_PARSE_KERNEL_NS
