// FileReader: reads flat Parquet files — ours and those DuckDB, Spark, Impala, Arrow or arrow-rs
// write, of every physical type — into owned columns, and exposes the footer for tools. Every
// length and offset read from the file is checked against the file's bounds before it is used.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/result.h"
#include "parquet/schema.h"

namespace sparkify::parquet::format {
struct FileMetaData;
}

namespace sparkify::parquet {

/// Strings of one column: value i is data[offsets[i], offsets[i+1]).
struct StringColumn {
  std::vector<uint64_t> offsets{0};
  std::string data;
  size_t size() const { return offsets.size() - 1; }
  std::string_view at(size_t i) const {
    return std::string_view(data).substr(offsets[i], offsets[i + 1] - offsets[i]);
  }
};

/// An INT96 value as stored (Spark's and Impala's timestamps): nanoseconds of the day in the
/// low 8 bytes, then the Julian day number, both little-endian. Spark stores the nanoseconds as
/// a signed remainder, negative before the Julian epoch.
struct Int96 {
  uint32_t words[3];
  int64_t nanos_of_day() const {
    return static_cast<int64_t>((uint64_t{words[1]} << 32) | words[0]);
  }
  int64_t julian_day() const { return static_cast<int32_t>(words[2]); }
};

/// One column's values, owned, by physical type (BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY both as
/// StringColumn). validity is empty when every row is present; null slots hold zero/empty.
struct ColumnData {
  std::vector<uint8_t> validity;
  std::variant<std::vector<uint8_t>, std::vector<int32_t>, std::vector<int64_t>,
               std::vector<double>, StringColumn, std::vector<float>, std::vector<Int96>>
      values;
  bool is_null(size_t row) const { return !validity.empty() && validity[row] == 0; }
};

/// A string column as a dictionary-encoded chunk stores it: the distinct values once, and per row
/// the index of its value (-1 for a null row). A reader can count or look up each distinct value
/// once instead of once per row, and never holds the expanded strings.
struct DictionaryColumn {
  StringColumn dictionary;
  std::vector<int32_t> indices;
};

class FileReader {
 public:
  /// Parses the footer of a whole file held in memory (`bytes` must outlive the reader).
  /// `name` is used in error messages. A file with an unsupported type or a nested schema is
  /// NotSupported; a damaged one is Corrupt.
  static Result<std::unique_ptr<FileReader>> Open(std::span<const uint8_t> bytes, std::string name);
  virtual ~FileReader() = default;

  virtual const Schema& schema() const = 0;
  virtual int64_t num_rows() const = 0;
  virtual int num_row_groups() const = 0;
  virtual const std::vector<std::pair<std::string, std::string>>& key_value_metadata() const = 0;
  /// The whole parsed footer (row groups, chunks, encodings, statistics), for tools.
  virtual const format::FileMetaData& metadata() const = 0;

  /// Reads one column of one row group.
  virtual Result<ColumnData> read_column(int row_group, int column) = 0;
  /// Reads one column across all row groups, concatenated.
  virtual Result<ColumnData> read_column(int column) = 0;
  /// Reads one BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY column of one row group as its dictionary and
  /// indices. nullopt when the column is of another type or a data page of the chunk is not
  /// dictionary-encoded (writers fall back to PLAIN when a dictionary grows too large): read it
  /// with read_column then.
  virtual Result<std::optional<DictionaryColumn>> read_dictionary_column(int row_group,
                                                                         int column) = 0;
};

}  // namespace sparkify::parquet
