// Reads one column chunk: walks its pages (dictionary, data v1, data v2), decompresses each into
// a bounded buffer and decodes levels and values, appending the rows to a ColumnData.
#pragma once

#include <cstdint>
#include <span>

#include "common/result.h"
#include "parquet/file_reader.h"
#include "parquet/schema.h"

namespace sparkify::parquet {

struct ColumnChunkSource {
  std::span<const uint8_t> bytes;  ///< from the chunk's first page to its end
  const ColumnSchema* schema = nullptr;
  Codec codec = Codec::kUncompressed;
  int64_t num_values = 0;  ///< rows in the chunk (flat columns: one value per row)
};

/// An empty ColumnData with the value vector matching the column's physical type.
ColumnData make_column_data(const ColumnSchema& schema);

/// Decodes the chunk and appends its rows to `out` (made by make_column_data). On error `out`
/// may hold part of the chunk.
Status read_column_chunk(const ColumnChunkSource& source, ColumnData* out);

/// Decodes a string chunk into its dictionary and per-row indices. Sets `*dictionary_encoded` to
/// false (and stops) at the first data page that is not dictionary-encoded.
Status read_column_chunk(const ColumnChunkSource& source, DictionaryColumn* out,
                         bool* dictionary_encoded);

}  // namespace sparkify::parquet
