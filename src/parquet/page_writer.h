// PageWriter: turns one encoded page body into a compressed page with its header and appends it
// to the column chunk being built, keeping the totals the column metadata needs.
#pragma once

#include <cstdint>

#include "common/result.h"
#include "parquet/byte_buffer.h"
#include "parquet/codec.h"
#include "parquet/file_writer.h"
#include "parquet/metadata.h"

namespace sparkify::parquet {

/// State shared by the column writers of one file: options, codec, and scratch buffers (the
/// columns take turns, so one set serves them all).
struct WriteContext {
  WriterOptions options;
  const CompressionCodec* codec = nullptr;
  ByteBuffer body;        ///< the uncompressed page being assembled
  ByteBuffer compressed;  ///< scratch for the compressed page
};

class PageWriter {
 public:
  explicit PageWriter(WriteContext* ctx) : ctx_(ctx) {}

  /// Writes ctx->body as a v1 data page of `num_values` rows whose values use `encoding`.
  Status write_data_page(int32_t num_values, int32_t encoding, bool has_levels) {
    return write_data_page(num_values, encoding, has_levels, ctx_->body.span());
  }
  /// The same with the body in another buffer (saves a copy when values need no levels).
  Status write_data_page(int32_t num_values, int32_t encoding, bool has_levels,
                         std::span<const uint8_t> body);
  /// Writes `body` (PLAIN-encoded entries) as the chunk's dictionary page.
  Status write_dictionary_page(std::span<const uint8_t> body, int32_t num_entries);

  ByteBuffer& dictionary_page() { return dictionary_page_; }
  ByteBuffer& data_pages() { return data_pages_; }
  int64_t uncompressed_size() const { return uncompressed_size_; }
  int64_t compressed_size() const { return compressed_size_; }
  /// Bit i set = encoding i used somewhere in the chunk.
  uint32_t encodings() const { return encodings_; }

  /// Starts a new column chunk (keeps buffer capacity for the next row group).
  void reset();

 private:
  Status write_page(format::PageHeader& header, std::span<const uint8_t> body, ByteBuffer* dest);

  WriteContext* ctx_;
  ByteBuffer dictionary_page_;
  ByteBuffer data_pages_;
  int64_t uncompressed_size_ = 0;
  int64_t compressed_size_ = 0;
  uint32_t encodings_ = 0;
};

}  // namespace sparkify::parquet
