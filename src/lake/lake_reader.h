// Reads a table of the lake back: whole into a TableData (`etl --only logs`: songs and artists),
// or streamed a row group at a time (`verify`) — every Parquet file below the table folder (hidden
// `_`/`.` names skipped), with partition columns taken from the `name=value` folders. Reads lakes
// Spark wrote with its defaults too: INT96 or INT64 millis/nanos timestamps, int32/int64 either
// way, FLOAT as DOUBLE.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "io/file_system.h"
#include "model/table.h"
#include "parquet/file_reader.h"

namespace sparkify::lake {

struct LakeTable {
  model::TableData data;
  size_t files = 0;
  bool has_success = false;  ///< the table folder holds `_SUCCESS`
};

/// The Parquet files of a table, relative to its folder, byte-wise sorted.
struct LakeListing {
  std::string dir;  ///< `root/<spec.name>`
  std::vector<std::string> files;
  bool has_success = false;
};

/// Lists `root/<spec.name>` without reading it, so a caller can stream a large table file by
/// file. NotFound when the table folder does not exist.
Result<LakeListing> list_lake_table(io::FileSystem& fs, const std::string& root,
                                    const model::TableSpec& spec);

/// A lake's table listings, each listed once however many readers ask: a report lists the lake
/// for its figures and again for its checks (the songs table alone is a folder per artist).
/// Not for concurrent use.
class LakeListings {
 public:
  LakeListings(io::FileSystem& fs, std::string root) : fs_(fs), root_(std::move(root)) {}
  /// list_lake_table(fs, root, spec), listed on the first call for that table.
  const Result<LakeListing>& of(const model::TableSpec& spec);

 private:
  io::FileSystem& fs_;
  std::string root_;
  std::map<std::string, Result<LakeListing>, std::less<>> listed_;
};

/// The table's rows as its `_SUCCESS` manifest states them, when the manifest names exactly the
/// listed files; nullopt otherwise (no count in it, another writer's `_SUCCESS`, files added or
/// removed since), and the caller counts from the files' footers.
Result<std::optional<uint64_t>> manifest_rows(io::FileSystem& fs, const LakeListing& listing);

/// Reads column `want.name` of one row group (all row groups when `row_group` < 0) of a lake
/// file as the table column's type — our own types exactly, and what Spark writes with its
/// defaults (INT96 or INT64 millis/nanos timestamps as micros, int32/int64 either way, FLOAT as
/// DOUBLE). Corrupt, naming `path`, when the column is missing or of another type.
Result<parquet::ColumnData> read_lake_column(parquet::FileReader& reader, int row_group,
                                             const model::ColumnSpec& want,
                                             const std::string& path);

/// A string column of one row group as its dictionary and per-row indices
/// (parquet::FileReader::read_dictionary_column): nullopt when its chunk is not wholly
/// dictionary-encoded (read it with read_lake_column then). Corrupt, naming `path`, when the
/// column is missing or not a string column.
Result<std::optional<parquet::DictionaryColumn>> read_lake_dictionary(parquet::FileReader& reader,
                                                                      int row_group,
                                                                      const model::ColumnSpec& want,
                                                                      const std::string& path);

/// Reads `root/<spec.name>`. NotFound when the table folder does not exist.
Result<LakeTable> read_lake_table(io::FileSystem& fs, const std::string& root,
                                  const model::TableSpec& spec, int threads = 1);

/// A partition column's value for one file, from its folders.
struct PartitionValue {
  size_t column = 0;  ///< in the table spec
  std::string value;
  bool is_null = false;
};

/// One row group of one file of a table, read a column at a time, so a caller holds only the
/// columns it is working on. Made by scan_lake_table.
class LakeRowGroup {
 public:
  struct Source {
    const model::TableSpec* spec;
    parquet::FileReader* reader;
    const std::string* path;
    const std::vector<PartitionValue>* partitions;
  };
  LakeRowGroup(const Source& source, size_t file, int row_group, size_t rows);

  size_t file() const { return file_; }  ///< index into the listing's files
  size_t rows() const { return rows_; }
  /// Column `name` of the table as read_lake_column reads it; partition columns come from the
  /// file's folders.
  Result<parquet::ColumnData> read(std::string_view name);
  /// Reads (and drops) every column not read yet, so a damaged one is found.
  Status read_the_rest();

 private:
  Source source_;
  size_t file_;
  int row_group_;
  size_t rows_;
  std::vector<bool> read_;
};

/// Streams the files of `listing` as read_lake_table reads them, one row group at a time: each
/// goes to `visit`, which reads the columns it needs; the columns it leaves are read and dropped
/// after it returns, so a table read_lake_table refuses is refused here too. A worker holds one
/// file's bytes and the columns `visit` holds. `visit` runs on up to `threads` workers at once
/// (its second argument says which); the row groups of one file go to one worker, in order.
Status scan_lake_table(io::FileSystem& fs, const LakeListing& listing, const model::TableSpec& spec,
                       int threads, const std::function<Status(LakeRowGroup&, int worker)>& visit);

}  // namespace sparkify::lake
