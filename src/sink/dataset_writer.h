// Writes one finished table as a Hive-partitioned Parquet dataset: rows grouped by partition
// values into `name=value/` folders, each group written as one or more Spark-named files
// (`part-00000-<uuid>.c000.snappy.parquet`), files encoded and written in parallel.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "io/file_system.h"
#include "model/table.h"
#include "parquet/schema.h"

namespace sparkify::sink {

struct DatasetWriteOptions {
  parquet::Codec codec = parquet::Codec::kSnappy;
  int compression_level = 0;
  size_t max_rows_per_file = size_t{1} << 20;  ///< larger partitions are split over files
  int threads = 1;
  std::string job_uuid;  ///< shared by every file of a run, as Spark does
  /// Number of the first file (`part-NNNNN`): a table written in several batches gives each
  /// batch the next free numbers, so files never collide and name order is row order.
  size_t first_file_index = 0;
  /// When set, files are held back (pending) in this set until the commit, not written visibly.
  io::PendingFiles* pending = nullptr;
};

struct DatasetWriteResult {
  std::vector<std::string> files;  ///< relative to the table folder, in write order
  uint64_t rows = 0;
  uint64_t bytes = 0;
  size_t partitions = 0;
  std::vector<std::string> partition_folders;  ///< relative to the table folder ("" if none)
};

/// ".snappy", ".zstd", ".gz" or "" — the codec part of a Spark file name.
std::string codec_file_tag(parquet::Codec codec);

/// Writes `table` under folder `dir` (which should not hold another table's files).
Result<DatasetWriteResult> write_dataset(io::FileSystem& fs, const std::string& dir,
                                         const model::TableData& table,
                                         const DatasetWriteOptions& options);

}  // namespace sparkify::sink
