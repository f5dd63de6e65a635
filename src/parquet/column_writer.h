// ColumnWriter: encodes one column of the current row group into pages (definition levels,
// PLAIN or dictionary values), and at the end of the row group hands back the finished column
// chunk. One implementation per physical type; the file writer drives them in a fixed order:
// validate → append... → finish_chunk → (next row group).
#pragma once

#include <cstddef>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "parquet/column_view.h"
#include "parquet/metadata.h"
#include "parquet/page_writer.h"
#include "parquet/schema.h"

namespace sparkify::parquet {

class ColumnWriter {
 public:
  static std::unique_ptr<ColumnWriter> Make(const ColumnSchema& schema, WriteContext* ctx);
  virtual ~ColumnWriter() = default;

  /// Checks that `view` fits this column for a batch of `num_rows` rows (value type, lengths,
  /// no nulls in a REQUIRED column, dictionary indices in range) before anything is written.
  Status validate(const ColumnView& view, size_t num_rows) const;

  /// Appends rows [offset, offset + count) of a validated view.
  virtual Status append(const ColumnView& view, size_t offset, size_t count) = 0;

  /// Uncompressed bytes this column holds for the current row group (pages written, the page
  /// being built, the dictionary): what row-group sizing is measured in.
  size_t buffered_bytes() const;

  /// Flushes the last page and the dictionary page and fills `meta` (offsets relative to the
  /// chunk's start: dictionary page first, then data pages; file_offset and num_values are the
  /// caller's). The bytes are in pages(); the views in `meta` last until reset_chunk().
  Status finish_chunk(format::ChunkMetaView* meta);
  PageWriter& pages() { return pages_; }
  /// Starts the next row group's chunk.
  void reset_chunk();

 protected:
  ColumnWriter(const ColumnSchema& schema, WriteContext* ctx)
      : schema_(schema), ctx_(ctx), pages_(ctx) {}

  /// Records definition levels for rows [offset, offset + count); returns how many are present.
  size_t append_levels(std::span<const uint8_t> validity, size_t offset, size_t count);
  /// Starts ctx_->body with the page's encoded definition levels (nothing for REQUIRED).
  void begin_page_body();
  /// Writes ctx_->body as a data page of the buffered rows and forgets them.
  Status emit_page(int32_t encoding);

  virtual Status flush_page() = 0;
  /// Bytes of the page being built, as encoded.
  virtual size_t page_bytes_estimate() const = 0;
  virtual size_t dictionary_bytes() const { return 0; }
  /// Writes the dictionary page, if the chunk has one.
  virtual Status finish_values() { return Status::OK(); }
  /// Sets min/max (views into the writer, valid until reset_chunk) and distinct_count.
  virtual void fill_bounds(format::ChunkMetaView* meta) = 0;
  virtual void reset_values() = 0;

  size_t page_limit() const { return ctx_->options.page_bytes == 0 ? 1 : ctx_->options.page_bytes; }

  const ColumnSchema& schema_;
  WriteContext* ctx_;
  PageWriter pages_;
  std::vector<uint8_t> levels_;  // definition levels (0/1) of the page being built
  size_t page_rows_ = 0;
  int64_t chunk_rows_ = 0;
  int64_t chunk_nulls_ = 0;
};

/// The Parquet physical type enum value of a column.
int32_t physical_to_thrift(PhysicalType t);

/// A PLAIN byte array carries a 4-byte length, and a page must stay under 2 GiB.
inline constexpr size_t kMaxStringBytes = std::numeric_limits<int32_t>::max() - 64;

/// "column 'name': what" — the prefix every column error carries.
std::string column_error(const ColumnSchema& schema, const std::string& what);

// The typed writers, one file each (ColumnWriter::Make picks).
std::unique_ptr<ColumnWriter> make_fixed_width_writer(const ColumnSchema& schema,
                                                      WriteContext* ctx);
std::unique_ptr<ColumnWriter> make_byte_array_writer(const ColumnSchema& schema, WriteContext* ctx);

}  // namespace sparkify::parquet
