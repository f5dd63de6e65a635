#include "parquet/file_writer.h"

#include <algorithm>
#include <string>
#include <unordered_set>

#include "common/version.h"
#include "parquet/bit_util.h"
#include "parquet/column_writer.h"
#include "parquet/metadata.h"
#include "parquet/page_writer.h"

namespace sparkify::parquet {

Status BufferOutputStream::write(const void* data, size_t size) {
  bytes_.append(data, size);  // grows geometrically: a file arrives as many small writes
  return Status::OK();
}

namespace {

constexpr char kMagic[4] = {'P', 'A', 'R', '1'};

Status validate_schema(const Schema& schema) {
  if (schema.columns.empty()) return Status::Invalid("a Parquet schema needs at least one column");
  std::unordered_set<std::string_view> names;
  for (const auto& c : schema.columns) {
    if (c.name.empty()) return Status::Invalid("a Parquet column needs a name");
    if (!names.insert(c.name).second)
      return Status::Invalid("duplicate column name '" + c.name + "'");
    bool ok = false;
    switch (c.logical) {
      case LogicalType::kNone:
        ok = true;
        break;
      case LogicalType::kString:
        ok = c.physical == PhysicalType::kByteArray;
        break;
      case LogicalType::kTimestampMillis:
      case LogicalType::kTimestampMicros:
        ok = c.physical == PhysicalType::kInt64;
        break;
      default:
        break;  // the other logical types are read, never written
    }
    switch (c.physical) {
      case PhysicalType::kFloat:
      case PhysicalType::kInt96:
      case PhysicalType::kFixedLenByteArray:
        return Status::NotSupported(
            "column '" + c.name +
            "': the writer makes BOOLEAN, INT32, INT64, DOUBLE and BYTE_ARRAY columns");
      default:
        break;
    }
    if (!ok)
      return Status::Invalid("column '" + c.name +
                             "': logical type does not fit its physical type");
  }
  return Status::OK();
}

format::SchemaElement schema_element(const ColumnSchema& c) {
  format::SchemaElement e;
  e.type = physical_to_thrift(c.physical);
  e.repetition_type = c.optional() ? format::kOptional : format::kRequired;
  e.name = c.name;
  switch (c.logical) {
    case LogicalType::kNone:
      break;
    case LogicalType::kString:
      e.converted_type = format::kUtf8;
      e.logical_type.kind = format::LogicalType::kString;
      break;
    case LogicalType::kTimestampMillis:
    case LogicalType::kTimestampMicros: {
      bool millis = c.logical == LogicalType::kTimestampMillis;
      e.converted_type = millis ? format::kTimestampMillis : format::kTimestampMicros;
      e.logical_type.kind = format::LogicalType::kTimestamp;
      e.logical_type.timestamp_utc = true;
      e.logical_type.timestamp_unit = millis ? 1 : 2;
      break;
    }
    default:
      break;  // rejected by validate_schema
  }
  return e;
}

class FileWriterImpl final : public FileWriter {
 public:
  FileWriterImpl(Schema schema, WriterOptions options, OutputStream* out)
      : schema_(std::move(schema)), out_(out) {
    ctx_.options = std::move(options);
    ctx_.codec = &CompressionCodec::Get(ctx_.options.codec);
    columns_.reserve(schema_.columns.size());
    for (const auto& c : schema_.columns) columns_.push_back(ColumnWriter::Make(c, &ctx_));
  }

  Status start() { return emit(kMagic, sizeof(kMagic)); }

  Status write_batch(std::span<const ColumnView> columns, size_t num_rows) override {
    SPARKIFY_RETURN_NOT_OK(check_usable());
    if (columns.size() != columns_.size()) {
      return Status::Invalid("write_batch got " + std::to_string(columns.size()) +
                             " columns for a schema of " + std::to_string(columns_.size()));
    }
    for (size_t c = 0; c < columns_.size(); ++c) {
      SPARKIFY_RETURN_NOT_OK(columns_[c]->validate(columns[c], num_rows));
    }
    size_t done = 0;
    while (done < num_rows) {
      size_t n = std::min(num_rows - done, slice_rows());
      for (size_t c = 0; c < columns_.size(); ++c) {
        Status st = columns_[c]->append(columns[c], done, n);
        if (!st.ok()) return fail(st);
      }
      done += n;
      row_group_rows_ += static_cast<int64_t>(n);
      num_rows_ += static_cast<int64_t>(n);
      if (buffered_bytes() >= std::max<size_t>(1, ctx_.options.row_group_bytes)) {
        Status st = flush_row_group();
        if (!st.ok()) return fail(st);
      }
    }
    return Status::OK();
  }

  Status close() override {
    SPARKIFY_RETURN_NOT_OK(check_usable());
    closed_ = true;
    if (row_group_rows_ > 0) {
      Status st = flush_row_group();
      if (!st.ok()) return fail(st);
    }
    format::FileMetaData md;
    md.version = 1;
    md.schema.reserve(schema_.columns.size() + 1);
    format::SchemaElement& root = md.schema.emplace_back();
    root.name = "schema";
    root.num_children = static_cast<int32_t>(schema_.columns.size());
    for (const auto& c : schema_.columns) md.schema.push_back(schema_element(c));
    md.num_rows = num_rows_;
    for (auto& [k, v] : ctx_.options.key_value_metadata) md.key_value_metadata.push_back({k, v});
    md.created_by = ctx_.options.created_by.empty()
                        ? std::string("sparkify version " SPARKIFY_VERSION)
                        : ctx_.options.created_by;
    md.column_orders.assign(schema_.columns.size(), 1);  // TYPE_ORDER
    ByteBuffer footer;
    footer.reserve(row_groups_.size() + 64 * schema_.columns.size() + 256);
    format::serialize(md, row_groups_.span(), row_group_count_, &footer);
    append_le<uint32_t>(&footer, static_cast<uint32_t>(footer.size()));
    footer.append(kMagic, sizeof(kMagic));
    Status st = emit(footer.data(), footer.size());
    if (!st.ok()) return fail(st);
    return Status::OK();
  }

  Status reopen(OutputStream* out) override {
    if (!failed_.ok()) return failed_;
    if (!closed_) return Status::Invalid("reopen() needs the Parquet file closed first");
    if (out == nullptr) return Status::Invalid("reopen() needs an output stream");
    // flush_row_group left every column writer at the start of a chunk.
    out_ = out;
    closed_ = false;
    row_groups_.clear();
    row_group_count_ = 0;
    num_rows_ = row_group_rows_ = bytes_written_ = 0;
    return start();
  }

  int64_t num_rows() const override { return num_rows_; }
  int64_t bytes_written() const override { return bytes_written_; }

 private:
  Status check_usable() const {
    if (!failed_.ok()) return failed_;
    if (closed_) return Status::Invalid("the Parquet writer is already closed");
    return Status::OK();
  }

  Status fail(Status st) {
    failed_ = st;
    return st;
  }

  Status emit(const void* data, size_t size) {
    if (size == 0) return Status::OK();
    SPARKIFY_RETURN_NOT_OK(out_->write(data, size));
    bytes_written_ += static_cast<int64_t>(size);
    return Status::OK();
  }

  size_t buffered_bytes() const {
    size_t total = 0;
    for (const auto& c : columns_) total += c->buffered_bytes();
    return total;
  }

  /// How many rows to hand the columns before checking the row-group size again: about what
  /// fills the rest of the row group, going by the bytes per row seen so far.
  size_t slice_rows() const {
    constexpr size_t kMaxSlice = 64 * 1024;
    size_t target = std::max<size_t>(1, ctx_.options.row_group_bytes);
    if (row_group_rows_ == 0) {
      size_t guess = 8 * columns_.size();
      return std::clamp<size_t>(target / guess, 1, kMaxSlice);
    }
    size_t used = buffered_bytes();
    if (used >= target) return 1;
    size_t per_row = std::max<size_t>(1, used / static_cast<size_t>(row_group_rows_));
    return std::clamp<size_t>((target - used) / per_row, 1, kMaxSlice);
  }

  Status flush_row_group() {
    const int64_t rg_offset = bytes_written_;
    int64_t uncompressed = 0, compressed = 0;
    chunk_meta_.resize(columns_.size());
    for (size_t c = 0; c < columns_.size(); ++c) {
      ColumnWriter& col = *columns_[c];
      format::ChunkMetaView& meta = chunk_meta_[c];
      SPARKIFY_RETURN_NOT_OK(col.finish_chunk(&meta));
      const int64_t start = bytes_written_;
      meta.file_offset = start;
      meta.num_values = row_group_rows_;
      meta.data_page_offset += start;
      if (meta.dictionary_page_offset >= 0) meta.dictionary_page_offset += start;
      SPARKIFY_RETURN_NOT_OK(
          emit(col.pages().dictionary_page().data(), col.pages().dictionary_page().size()));
      SPARKIFY_RETURN_NOT_OK(
          emit(col.pages().data_pages().data(), col.pages().data_pages().size()));
      uncompressed += meta.total_uncompressed_size;
      compressed += meta.total_compressed_size;
    }
    // Serialized now, while the chunk views are valid: the footer is only ever bytes.
    auto ordinal = static_cast<int16_t>(std::min<size_t>(row_group_count_, INT16_MAX));
    format::serialize_row_group(chunk_meta_, row_group_rows_, uncompressed, rg_offset, compressed,
                                ordinal, &row_groups_);
    ++row_group_count_;
    for (auto& col : columns_) col->reset_chunk();
    row_group_rows_ = 0;
    return Status::OK();
  }

  Schema schema_;
  OutputStream* out_;
  WriteContext ctx_;
  std::vector<std::unique_ptr<ColumnWriter>> columns_;
  std::vector<format::ChunkMetaView> chunk_meta_;
  ByteBuffer row_groups_;  // the footer's RowGroup structs, serialized as each group is flushed
  uint32_t row_group_count_ = 0;
  int64_t num_rows_ = 0;
  int64_t row_group_rows_ = 0;
  int64_t bytes_written_ = 0;
  bool closed_ = false;
  Status failed_;
};

}  // namespace

Result<std::unique_ptr<FileWriter>> FileWriter::Make(Schema schema, WriterOptions options,
                                                     OutputStream* out) {
  if (out == nullptr) return Status::Invalid("FileWriter::Make needs an output stream");
  SPARKIFY_RETURN_NOT_OK(validate_schema(schema));
  auto writer = std::make_unique<FileWriterImpl>(std::move(schema), std::move(options), out);
  SPARKIFY_RETURN_NOT_OK(writer->start());
  return std::unique_ptr<FileWriter>(std::move(writer));
}

}  // namespace sparkify::parquet
