// Internal to parse/: typed reads of simdjson on-demand values with SPEC §2's leniency (numbers
// may arrive as numeric strings; null and missing mean null) and full validation of the values
// we ignore, so a record is accepted only when it is valid JSON throughout.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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

  void fail_json(simdjson::error_code error);
  void fail(std::string reason);

  void read_string(od::value& value, std::string_view key, model::NullableString& out);
  void read_int64(od::value& value, std::string_view key, std::optional<int64_t>& out);
  void read_int32(od::value& value, std::string_view key, std::optional<int32_t>& out);
  void read_double(od::value& value, std::string_view key, std::optional<double>& out);
  /// Walks a value we do not use, so malformed JSON inside it still rejects the record.
  void validate(od::value& value, int depth = 0);

 private:
  bool type_of(od::value& value, od::json_type& type);
  /// Reads a string holding a number ("39", "218.9"); false (and failed) when it does not.
  template <typename T, typename Parse>
  bool read_numeric_string(od::value& value, std::string_view key, std::string_view expected,
                           Parse parse, T& out);
  void fail_type(std::string_view key, std::string_view expected, od::json_type got);

  bool failed_ = false;
  std::string reason_;
};

}  // namespace sparkify::parse::SPARKIFY_PARSE_KERNEL_NS
