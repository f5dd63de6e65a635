// Reads a table of the lake back into a TableData: every Parquet file below the table folder
// (hidden `_`/`.` names skipped), with partition columns taken from the `name=value` folders.
// Used by `etl --only logs` (songs and artists) and by `verify`. Reads lakes Spark wrote with its
// defaults too: INT96 or INT64 millis/nanos timestamps, int32/int64 either way, FLOAT as DOUBLE.
#pragma once

#include <string>
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

/// Reads column `want.name` of one row group (all row groups when `row_group` < 0) of a lake
/// file as the table column's type — our own types exactly, and what Spark writes with its
/// defaults (INT96 or INT64 millis/nanos timestamps as micros, int32/int64 either way, FLOAT as
/// DOUBLE). Corrupt, naming `path`, when the column is missing or of another type.
Result<parquet::ColumnData> read_lake_column(parquet::FileReader& reader, int row_group,
                                             const model::ColumnSpec& want,
                                             const std::string& path);

/// Reads `root/<spec.name>`. NotFound when the table folder does not exist.
Result<LakeTable> read_lake_table(io::FileSystem& fs, const std::string& root,
                                  const model::TableSpec& spec, int threads = 1);

}  // namespace sparkify::lake
