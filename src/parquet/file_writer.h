// FileWriter: writes one Parquet file (data page v1, dictionary + PLAIN encodings, SNAPPY/ZSTD/
// GZIP/none) from column batches, streaming each finished row group to an OutputStream.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "common/buffer.h"
#include "common/result.h"
#include "parquet/column_view.h"
#include "parquet/schema.h"

namespace sparkify::parquet {

/// Where the bytes of a file go. The library ships BufferOutputStream; callers adapt files/S3.
class OutputStream {
 public:
  virtual ~OutputStream() = default;
  virtual Status write(const void* data, size_t size) = 0;
};

/// Collects the whole file in memory (small files; tests).
class BufferOutputStream final : public OutputStream {
 public:
  BufferOutputStream() = default;
  /// Room for `expected` bytes from the start: a file of about that size is then built in one
  /// allocation, not a chain of doublings each copying the last.
  explicit BufferOutputStream(size_t expected) { bytes_.reserve(expected); }
  Status write(const void* data, size_t size) override;
  std::span<const uint8_t> bytes() const { return bytes_.bytes(); }
  /// Hands the file over without a copy; the stream is empty afterwards.
  Buffer release() { return std::move(bytes_); }

 private:
  Buffer bytes_;
};

struct WriterOptions {
  Codec codec = Codec::kSnappy;
  int compression_level = 0;                ///< 0 = the codec's default
  size_t row_group_bytes = 128u << 20;      ///< target uncompressed bytes per row group
  size_t page_bytes = 1u << 20;             ///< target uncompressed bytes per data page
  size_t dictionary_page_limit = 1u << 20;  ///< past this a column falls back to PLAIN
  bool dictionary = true;                   ///< dictionary-encode strings
  /// Also try dictionaries for INT32/INT64/DOUBLE/TIMESTAMP columns, kept for a column chunk
  /// only where dictionary + indices come out smaller than PLAIN (needs `dictionary`).
  bool dictionary_numbers = true;
  std::string created_by;  ///< e.g. "sparkify version 0.1.0 (build abc)"; empty = library default
  std::vector<std::pair<std::string, std::string>> key_value_metadata;
};

class FileWriter {
 public:
  /// Writes the leading magic; fails on an invalid schema (empty, duplicate or empty names).
  static Result<std::unique_ptr<FileWriter>> Make(Schema schema, WriterOptions options,
                                                  OutputStream* out);
  virtual ~FileWriter() = default;

  /// Appends `num_rows` rows; `columns` has one view per schema column, in order, each holding
  /// exactly `num_rows` values (and validity bytes, if any). A REQUIRED column with a null is an
  /// InvalidArgument error.
  virtual Status write_batch(std::span<const ColumnView> columns, size_t num_rows) = 0;

  /// Flushes the last row group and writes the footer. The writer takes no more rows afterwards
  /// (reopen() starts another file).
  virtual Status close() = 0;

  /// After a close() without error: starts a new file, with the same schema and options, on
  /// `out`. The column writers and their buffers are kept, so a table of many small partitions
  /// (thousands of files per thread) does not build and free a writer per file.
  virtual Status reopen(OutputStream* out) = 0;

  virtual int64_t num_rows() const = 0;
  /// Bytes handed to the OutputStream so far (the file size after close()).
  virtual int64_t bytes_written() const = 0;
};

}  // namespace sparkify::parquet
