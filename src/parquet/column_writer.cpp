#include "parquet/column_writer.h"

#include <algorithm>
#include <limits>
#include <string>
#include <type_traits>

#include "parquet/bit_util.h"
#include "parquet/rle_hybrid.h"

namespace sparkify::parquet {

std::string column_error(const ColumnSchema& schema, const std::string& what) {
  return "column '" + schema.name + "': " + what;
}

int32_t physical_to_thrift(PhysicalType t) {
  switch (t) {
    case PhysicalType::kBoolean:
      return format::kBoolean;
    case PhysicalType::kInt32:
      return format::kInt32;
    case PhysicalType::kInt64:
      return format::kInt64;
    case PhysicalType::kDouble:
      return format::kDouble;
    case PhysicalType::kByteArray:
      return format::kByteArray;
    case PhysicalType::kFloat:
      return format::kFloat;
    case PhysicalType::kInt96:
      return format::kInt96;
    case PhysicalType::kFixedLenByteArray:
      return format::kFixedLenByteArray;
  }
  return format::kByteArray;
}

// ---------------------------------------------------------------------------------------------
// Shared: validation, definition levels, chunk bookkeeping.

Status ColumnWriter::validate(const ColumnView& view, size_t num_rows) const {
  if (!view.validity.empty() && view.validity.size() != num_rows) {
    return Status::Invalid(
        column_error(schema_, "validity has " + std::to_string(view.validity.size()) +
                                  " entries for " + std::to_string(num_rows) + " rows"));
  }
  if (!schema_.optional() && !view.validity.empty()) {
    auto it = std::find(view.validity.begin(), view.validity.end(), uint8_t{0});
    if (it != view.validity.end()) {
      return Status::Invalid(column_error(
          schema_,
          "is REQUIRED but row " + std::to_string(it - view.validity.begin()) + " is null"));
    }
  }
  auto present = [&](size_t i) { return view.validity.empty() || view.validity[i] != 0; };
  auto check_size = [&](size_t n) -> Status {
    if (n != num_rows) {
      return Status::Invalid(column_error(schema_, "has " + std::to_string(n) + " values for " +
                                                       std::to_string(num_rows) + " rows"));
    }
    return Status::OK();
  };
  auto wrong_type = [&]() {
    return Status::Invalid(column_error(schema_, "values are not of the column's type"));
  };
  switch (schema_.physical) {
    case PhysicalType::kBoolean:
      if (auto* v = std::get_if<std::span<const uint8_t>>(&view.values))
        return check_size(v->size());
      return wrong_type();
    case PhysicalType::kInt32:
      if (auto* v = std::get_if<std::span<const int32_t>>(&view.values))
        return check_size(v->size());
      return wrong_type();
    case PhysicalType::kInt64:
      if (auto* v = std::get_if<std::span<const int64_t>>(&view.values))
        return check_size(v->size());
      return wrong_type();
    case PhysicalType::kDouble:
      if (auto* v = std::get_if<std::span<const double>>(&view.values))
        return check_size(v->size());
      return wrong_type();
    case PhysicalType::kByteArray:
      // String lengths (at most 2 GiB each) are checked as values are added: scanning them
      // here would touch every string twice.
      if (auto* v = std::get_if<std::span<const std::string_view>>(&view.values))
        return check_size(v->size());
      if (auto* d = std::get_if<DictionaryStrings>(&view.values)) {
        SPARKIFY_RETURN_NOT_OK(check_size(d->indices.size()));
        for (size_t i = 0; i < num_rows; ++i) {
          if (!present(i)) continue;
          int32_t k = d->indices[i];
          if (k < 0 || static_cast<size_t>(k) >= d->dictionary.size()) {
            return Status::Invalid(column_error(schema_, "row " + std::to_string(i) +
                                                             " has dictionary index " +
                                                             std::to_string(k) + " out of range"));
          }
        }
        return Status::OK();
      }
      return wrong_type();
    default:
      break;  // FLOAT, INT96, FIXED_LEN_BYTE_ARRAY are read only
  }
  return wrong_type();
}

size_t ColumnWriter::append_levels(std::span<const uint8_t> validity, size_t offset, size_t count) {
  if (!schema_.optional()) return count;
  size_t start = levels_.size();
  levels_.resize(start + count);
  uint8_t* out = levels_.data() + start;
  if (validity.empty()) {
    std::fill(out, out + count, uint8_t{1});
    return count;
  }
  size_t present = 0;
  for (size_t i = 0; i < count; ++i) {
    uint8_t p = validity[offset + i] != 0;
    out[i] = p;
    present += p;
  }
  chunk_nulls_ += static_cast<int64_t>(count - present);
  return present;
}

void ColumnWriter::begin_page_body() {
  ByteBuffer& body = ctx_->body;
  body.clear();
  if (!schema_.optional()) return;
  body.resize(4);
  rle_hybrid_encode(levels_.data(), levels_.size(), 1, &body);
  store_le<uint32_t>(body.data(), static_cast<uint32_t>(body.size() - 4));
}

Status ColumnWriter::emit_page(int32_t encoding) {
  SPARKIFY_RETURN_NOT_OK(
      pages_.write_data_page(static_cast<int32_t>(page_rows_), encoding, schema_.optional()));
  levels_.clear();
  page_rows_ = 0;
  return Status::OK();
}

size_t ColumnWriter::buffered_bytes() const {
  return static_cast<size_t>(pages_.uncompressed_size()) + page_bytes_estimate() +
         dictionary_bytes();
}

Status ColumnWriter::finish_chunk(format::ChunkMetaView* meta) {
  SPARKIFY_RETURN_NOT_OK(flush_page());
  SPARKIFY_RETURN_NOT_OK(finish_values());
  meta->type = physical_to_thrift(schema_.physical);
  meta->encodings = pages_.encodings();
  meta->path = schema_.name;
  meta->codec = codec_to_thrift(ctx_->options.codec);
  meta->total_uncompressed_size = pages_.uncompressed_size();
  meta->total_compressed_size = pages_.compressed_size();
  int64_t dict_size = static_cast<int64_t>(pages_.dictionary_page().size());
  meta->dictionary_page_offset = dict_size > 0 ? 0 : -1;
  meta->data_page_offset = dict_size;
  meta->null_count = chunk_nulls_;
  meta->has_bounds = false;
  meta->legacy_bounds = false;
  meta->distinct_count = -1;
  fill_bounds(meta);
  return Status::OK();
}

void ColumnWriter::reset_chunk() {
  pages_.reset();
  levels_.clear();
  page_rows_ = 0;
  chunk_rows_ = 0;
  chunk_nulls_ = 0;
  reset_values();
}

std::unique_ptr<ColumnWriter> ColumnWriter::Make(const ColumnSchema& schema, WriteContext* ctx) {
  if (schema.physical == PhysicalType::kByteArray) return make_byte_array_writer(schema, ctx);
  return make_fixed_width_writer(schema, ctx);
}

}  // namespace sparkify::parquet
