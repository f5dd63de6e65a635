#include "parquet/page_writer.h"

#include <limits>

namespace sparkify::parquet {

Status PageWriter::write_page(format::PageHeader& header, std::span<const uint8_t> body,
                              ByteBuffer* dest) {
  constexpr size_t kMaxPage = std::numeric_limits<int32_t>::max();
  if (body.size() > kMaxPage) {
    return Status::Invalid("a page would exceed 2 GiB; lower WriterOptions::page_bytes");
  }
  std::span<const uint8_t> stored = body;
  if (ctx_->options.codec != Codec::kUncompressed) {
    ctx_->compressed.clear();
    SPARKIFY_RETURN_NOT_OK(
        ctx_->codec->compress(body, ctx_->options.compression_level, &ctx_->compressed));
    if (ctx_->compressed.size() > kMaxPage)
      return Status::Invalid("a compressed page would exceed 2 GiB");
    stored = ctx_->compressed.span();
  }
  header.uncompressed_page_size = static_cast<int32_t>(body.size());
  header.compressed_page_size = static_cast<int32_t>(stored.size());
  size_t before = dest->size();
  format::serialize(header, dest);
  size_t header_size = dest->size() - before;
  dest->append(stored);
  uncompressed_size_ += static_cast<int64_t>(header_size + body.size());
  compressed_size_ += static_cast<int64_t>(header_size + stored.size());
  return Status::OK();
}

Status PageWriter::write_data_page(int32_t num_values, int32_t encoding, bool has_levels,
                                   std::span<const uint8_t> body) {
  format::PageHeader header;
  header.type = format::kDataPage;
  auto& d = header.data_page_header.emplace();
  d.num_values = num_values;
  d.encoding = encoding;
  encodings_ |= 1u << encoding;
  if (has_levels) encodings_ |= 1u << format::kRle;
  return write_page(header, body, &data_pages_);
}

Status PageWriter::write_dictionary_page(std::span<const uint8_t> body, int32_t num_entries) {
  format::PageHeader header;
  header.type = format::kDictionaryPage;
  auto& d = header.dictionary_page_header.emplace();
  d.num_values = num_entries;
  d.encoding = format::kPlain;
  encodings_ |= 1u << format::kPlain;
  return write_page(header, body, &dictionary_page_);
}

void PageWriter::reset() {
  dictionary_page_.clear();
  data_pages_.clear();
  uncompressed_size_ = compressed_size_ = 0;
  encodings_ = 0;
}

}  // namespace sparkify::parquet
