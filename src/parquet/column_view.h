// ColumnView: a borrowed, typed view over one column's values for a batch of rows — what the
// writer consumes. Values are dense (one slot per row); at null rows the slot is ignored.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <variant>

namespace sparkify::parquet {

/// Strings given as a dictionary plus one index per row: lets a caller that already interned its
/// strings skip hashing them again (the writer still checks the dictionary size limit).
struct DictionaryStrings {
  std::span<const std::string_view> dictionary;
  std::span<const int32_t> indices;
};

struct ColumnView {
  /// One byte per row, nonzero = present. Empty = every row present (required for REQUIRED
  /// columns, allowed for OPTIONAL ones).
  std::span<const uint8_t> validity;
  /// BOOLEAN uses uint8_t (0/1); TIMESTAMP uses int64_t.
  std::variant<std::span<const uint8_t>, std::span<const int32_t>, std::span<const int64_t>,
               std::span<const double>, std::span<const std::string_view>, DictionaryStrings>
      values;
};

}  // namespace sparkify::parquet
