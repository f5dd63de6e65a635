#include "parquet/file_reader.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "parquet/bit_util.h"
#include "parquet/codec.h"
#include "parquet/column_reader.h"
#include "parquet/metadata.h"

namespace sparkify::parquet {

namespace {

constexpr size_t kMagicSize = 4;

/// Largest FIXED_LEN_BYTE_ARRAY width accepted (Parquet writers use at most a few dozen bytes).
constexpr int32_t kMaxTypeLength = 1 << 20;

/// The logical type of a leaf, from its LogicalType when set, else from its ConvertedType (older
/// writers); kinds that need no annotation come back as kNone.
Result<ColumnSchema> map_column(const format::SchemaElement& e) {
  const std::string where = "column '" + e.name + "': ";
  if (e.num_children > 0) return Status::NotSupported(where + "nested columns are not supported");
  if (!e.type) return Status::Corrupt(where + "leaf without a physical type");
  ColumnSchema c;
  c.name = e.name;
  int32_t rep = e.repetition_type.value_or(format::kRequired);
  if (rep == format::kRepeated)
    return Status::NotSupported(where + "repeated columns are not supported");
  if (rep != format::kRequired && rep != format::kOptional)
    return Status::Corrupt(where + "unknown repetition");
  c.repetition = rep == format::kOptional ? Repetition::kOptional : Repetition::kRequired;

  using LT = format::LogicalType;
  const LT& lt = e.logical_type;
  const int32_t ct = e.converted_type.value_or(-1);
  const int32_t type = *e.type;
  auto unsupported = [&](const char* name) {
    return Status::NotSupported(where + name +
                                " with this logical/converted type is not supported");
  };
  auto integer = [&](int bits, bool is_signed) {
    c.logical = LogicalType::kInteger;
    c.int_bits = static_cast<int8_t>(bits);
    c.int_signed = is_signed;
  };
  auto decimal = [&](int32_t precision, int32_t scale) -> Status {
    if (precision <= 0 || scale < 0 || scale > precision) {
      return Status::Corrupt(where + "DECIMAL(" + std::to_string(precision) + "," +
                             std::to_string(scale) + ") is not a valid decimal");
    }
    c.logical = LogicalType::kDecimal;
    c.precision = precision;
    c.scale = scale;
    return Status::OK();
  };
  auto time_unit = [&](LogicalType millis, LogicalType micros, LogicalType nanos) -> Status {
    c.utc = lt.timestamp_utc;
    switch (lt.timestamp_unit) {
      case 1:
        c.logical = millis;
        return Status::OK();
      case 2:
        c.logical = micros;
        return Status::OK();
      case 3:
        c.logical = nanos;
        return Status::OK();
      default:
        return Status::Corrupt(where + "time unit missing");
    }
  };

  switch (type) {
    case format::kBoolean:
      c.physical = PhysicalType::kBoolean;
      break;
    case format::kInt32:
      c.physical = PhysicalType::kInt32;
      break;
    case format::kInt64:
      c.physical = PhysicalType::kInt64;
      break;
    case format::kInt96:
      c.physical = PhysicalType::kInt96;
      break;
    case format::kFloat:
      c.physical = PhysicalType::kFloat;
      break;
    case format::kDouble:
      c.physical = PhysicalType::kDouble;
      break;
    case format::kByteArray:
      c.physical = PhysicalType::kByteArray;
      break;
    case format::kFixedLenByteArray:
      c.physical = PhysicalType::kFixedLenByteArray;
      if (e.type_length <= 0 || e.type_length > kMaxTypeLength) {
        return Status::Corrupt(where + "FIXED_LEN_BYTE_ARRAY of length " +
                               std::to_string(e.type_length));
      }
      c.type_length = e.type_length;
      break;
    default:
      return Status::Corrupt(where + "unknown physical type " + std::to_string(type));
  }

  if (lt.kind != LT::kNone) {
    switch (lt.kind) {
      case LT::kString:
      case LT::kJson:
      case LT::kEnum:
      case LT::kBson:
        if (type != format::kByteArray)
          return unsupported("a text type on a non-BYTE_ARRAY column");
        c.logical = lt.kind == LT::kString ? LogicalType::kString
                    : lt.kind == LT::kJson ? LogicalType::kJson
                    : lt.kind == LT::kEnum ? LogicalType::kEnum
                                           : LogicalType::kBson;
        return c;
      case LT::kInteger: {
        const int bits = lt.int_bit_width;
        const bool ok = (type == format::kInt32 && (bits == 8 || bits == 16 || bits == 32)) ||
                        (type == format::kInt64 && bits == 64);
        if (!ok) return unsupported("INTEGER");
        integer(bits, lt.int_signed);
        return c;
      }
      case LT::kDate:
        if (type != format::kInt32) return unsupported("DATE");
        c.logical = LogicalType::kDate;
        return c;
      case LT::kTime:
        c.utc = lt.timestamp_utc;
        if (type == format::kInt32 && lt.timestamp_unit == 1)
          c.logical = LogicalType::kTimeMillis;
        else if (type == format::kInt64 && lt.timestamp_unit == 2)
          c.logical = LogicalType::kTimeMicros;
        else if (type == format::kInt64 && lt.timestamp_unit == 3)
          c.logical = LogicalType::kTimeNanos;
        else
          return unsupported("TIME");
        return c;
      case LT::kTimestamp:
        if (type != format::kInt64) return unsupported("TIMESTAMP");
        SPARKIFY_RETURN_NOT_OK(time_unit(LogicalType::kTimestampMillis,
                                         LogicalType::kTimestampMicros,
                                         LogicalType::kTimestampNanos));
        return c;
      case LT::kDecimal:
        if (type != format::kInt32 && type != format::kInt64 && type != format::kByteArray &&
            type != format::kFixedLenByteArray) {
          return unsupported("DECIMAL");
        }
        SPARKIFY_RETURN_NOT_OK(decimal(lt.decimal_precision, lt.decimal_scale));
        return c;
      case LT::kUuid:
        if (type != format::kFixedLenByteArray || c.type_length != 16) return unsupported("UUID");
        c.logical = LogicalType::kUuid;
        return c;
      case LT::kFloat16:
        if (type != format::kFixedLenByteArray || c.type_length != 2) return unsupported("FLOAT16");
        c.logical = LogicalType::kFloat16;
        return c;
      case LT::kMap:
      case LT::kList:
      case LT::kVariant:
        return Status::NotSupported(where + "nested columns are not supported");
      default:
        // Geometry, geography and annotations newer than this reader: the bytes themselves,
        // which is what other readers fall back to.
        return c;
    }
  }
  switch (ct) {
    case -1:
      return c;
    case format::kUtf8:
    case format::kJson:
    case format::kEnum:
    case format::kBson:
      if (type != format::kByteArray) return unsupported("a text type on a non-BYTE_ARRAY column");
      c.logical = ct == format::kUtf8   ? LogicalType::kString
                  : ct == format::kJson ? LogicalType::kJson
                  : ct == format::kEnum ? LogicalType::kEnum
                                        : LogicalType::kBson;
      return c;
    case format::kInt8:
    case format::kInt16:
    case format::kInt_32:
    case format::kUint8:
    case format::kUint16:
    case format::kUint32:
      if (type != format::kInt32) return unsupported("INT32");
      integer(ct == format::kInt8 || ct == format::kUint8     ? 8
              : ct == format::kInt16 || ct == format::kUint16 ? 16
                                                              : 32,
              ct == format::kInt8 || ct == format::kInt16 || ct == format::kInt_32);
      return c;
    case format::kInt_64:
    case format::kUint64:
      if (type != format::kInt64) return unsupported("INT64");
      integer(64, ct == format::kInt_64);
      return c;
    case format::kDate:
      if (type != format::kInt32) return unsupported("DATE");
      c.logical = LogicalType::kDate;
      return c;
    case format::kTimeMillis:
      if (type != format::kInt32) return unsupported("TIME_MILLIS");
      c.logical = LogicalType::kTimeMillis;
      return c;
    case format::kTimeMicros:
      if (type != format::kInt64) return unsupported("TIME_MICROS");
      c.logical = LogicalType::kTimeMicros;
      return c;
    case format::kTimestampMillis:
    case format::kTimestampMicros:
      if (type != format::kInt64) return unsupported("TIMESTAMP");
      c.logical = ct == format::kTimestampMillis ? LogicalType::kTimestampMillis
                                                 : LogicalType::kTimestampMicros;
      return c;
    case format::kDecimal:
      if (type != format::kInt32 && type != format::kInt64 && type != format::kByteArray &&
          type != format::kFixedLenByteArray) {
        return unsupported("DECIMAL");
      }
      SPARKIFY_RETURN_NOT_OK(decimal(e.precision, e.scale));
      return c;
    case format::kInterval:
      if (type != format::kFixedLenByteArray || c.type_length != 12) return unsupported("INTERVAL");
      c.logical = LogicalType::kInterval;
      return c;
    case format::kMap:
    case format::kMapKeyValue:
    case format::kList:
      return Status::NotSupported(where + "nested columns are not supported");
    default:
      return Status::NotSupported(where + "converted type " + std::to_string(ct) +
                                  " is not supported");
  }
}

class FileReaderImpl final : public FileReader {
 public:
  FileReaderImpl(std::span<const uint8_t> bytes, std::string name)
      : bytes_(bytes), name_(std::move(name)) {}

  Status open() {
    const size_t size = bytes_.size();
    if (size < 2 * kMagicSize + 4)
      return corrupt("is " + std::to_string(size) + " bytes, too short for Parquet");
    if (std::memcmp(bytes_.data(), "PAR1", 4) != 0) return corrupt("does not start with PAR1");
    if (std::memcmp(bytes_.data() + size - 4, "PAR1", 4) != 0) {
      if (std::memcmp(bytes_.data() + size - 4, "PARE", 4) == 0) {
        return Status::NotSupported(name_ + ": encrypted Parquet files are not supported");
      }
      return corrupt("does not end with PAR1 (truncated?)");
    }
    uint32_t footer_len = load_le<uint32_t>(bytes_.data() + size - 8);
    if (footer_len > size - 2 * kMagicSize - 4) {
      return corrupt("footer length " + std::to_string(footer_len) + " exceeds the file size " +
                     std::to_string(size));
    }
    footer_start_ = size - 8 - footer_len;
    Status st = format::parse_file_metadata(bytes_.data() + footer_start_, footer_len, &md_);
    if (!st.ok()) return st.with_context(name_ + ": footer");
    return check_metadata();
  }

  const Schema& schema() const override { return schema_; }
  int64_t num_rows() const override { return md_.num_rows; }
  int num_row_groups() const override { return static_cast<int>(md_.row_groups.size()); }
  const std::vector<std::pair<std::string, std::string>>& key_value_metadata() const override {
    return kv_;
  }
  const format::FileMetaData& metadata() const override { return md_; }

  Result<ColumnData> read_column(int row_group, int column) override {
    SPARKIFY_RETURN_NOT_OK(check_column(column));
    SPARKIFY_RETURN_NOT_OK(check_row_group(row_group));
    ColumnData out = make_column_data(schema_.columns[column]);
    SPARKIFY_RETURN_NOT_OK(read_into(row_group, column, &out));
    return out;
  }

  Result<std::optional<DictionaryColumn>> read_dictionary_column(int row_group,
                                                                 int column) override {
    SPARKIFY_RETURN_NOT_OK(check_column(column));
    SPARKIFY_RETURN_NOT_OK(check_row_group(row_group));
    PhysicalType type = schema_.columns[column].physical;
    if (type != PhysicalType::kByteArray && type != PhysicalType::kFixedLenByteArray) {
      return std::optional<DictionaryColumn>();
    }
    DictionaryColumn out;
    bool dictionary_encoded = true;
    SPARKIFY_RETURN_NOT_OK(read_chunk(row_group, column, [&](const ColumnChunkSource& src) {
      return read_column_chunk(src, &out, &dictionary_encoded);
    }));
    if (!dictionary_encoded) return std::optional<DictionaryColumn>();
    return std::optional<DictionaryColumn>(std::move(out));
  }

  Result<ColumnData> read_column(int column) override {
    SPARKIFY_RETURN_NOT_OK(check_column(column));
    ColumnData out = make_column_data(schema_.columns[column]);
    for (int rg = 0; rg < num_row_groups(); ++rg)
      SPARKIFY_RETURN_NOT_OK(read_into(rg, column, &out));
    return out;
  }

 private:
  Status corrupt(const std::string& what) const { return Status::Corrupt(name_ + ": " + what); }

  Status check_row_group(int row_group) const {
    if (row_group < 0 || row_group >= num_row_groups()) {
      return Status::Invalid(name_ + ": no row group " + std::to_string(row_group));
    }
    return Status::OK();
  }

  Status check_column(int column) const {
    if (column < 0 || static_cast<size_t>(column) >= schema_.columns.size()) {
      return Status::Invalid(name_ + ": no column " + std::to_string(column));
    }
    return Status::OK();
  }

  /// Chunks start at their dictionary page when there is one. Some writers store 0 for "no
  /// dictionary", which can never be a page offset (the magic is there).
  static int64_t chunk_start(const format::ColumnMetaData& m) {
    int64_t start = m.data_page_offset;
    if (m.dictionary_page_offset && *m.dictionary_page_offset >= static_cast<int64_t>(kMagicSize) &&
        *m.dictionary_page_offset < start) {
      start = *m.dictionary_page_offset;
    }
    return start;
  }

  Status check_metadata() {
    if (md_.schema.empty()) return corrupt("empty schema");
    const auto& root = md_.schema[0];
    if (root.num_children <= 0 || static_cast<size_t>(root.num_children) != md_.schema.size() - 1) {
      return Status::NotSupported(
          name_ + ": only flat schemas (a root and its leaf columns) are supported");
    }
    for (size_t i = 1; i < md_.schema.size(); ++i) {
      auto c = map_column(md_.schema[i]);
      if (!c.ok()) return c.status().with_context(name_);
      schema_.columns.push_back(std::move(*c));
    }
    if (md_.num_rows < 0) return corrupt("negative row count");
    int64_t rows = 0;
    for (size_t g = 0; g < md_.row_groups.size(); ++g) {
      const auto& rg = md_.row_groups[g];
      const std::string where = "row group " + std::to_string(g) + ": ";
      if (rg.num_rows < 0 || rg.num_rows > md_.num_rows - rows) {
        return corrupt(where + "row counts do not add up to the file's " +
                       std::to_string(md_.num_rows));
      }
      rows += rg.num_rows;
      if (rg.columns.size() != schema_.columns.size()) {
        return corrupt(where + "has " + std::to_string(rg.columns.size()) +
                       " columns, the schema " + std::to_string(schema_.columns.size()));
      }
      for (size_t c = 0; c < rg.columns.size(); ++c) {
        const auto& chunk = rg.columns[c];
        if (!chunk.meta_data)
          return corrupt(where + "column " + std::to_string(c) + " has no metadata");
        const auto& m = *chunk.meta_data;
        if (m.type != *md_.schema[c + 1].type)
          return corrupt(where + "column " + std::to_string(c) + " type differs from the schema");
        if (m.num_values != rg.num_rows) {
          return corrupt(where + "column " + std::to_string(c) + " holds " +
                         std::to_string(m.num_values) + " values for " +
                         std::to_string(rg.num_rows) + " rows");
        }
      }
    }
    for (const auto& rg : md_.row_groups) {
      for (const auto& chunk : rg.columns) {
        if (chunk.meta_data->num_values > 0) chunk_starts_.push_back(chunk_start(*chunk.meta_data));
      }
    }
    std::sort(chunk_starts_.begin(), chunk_starts_.end());
    if (rows != md_.num_rows)
      return corrupt("row groups hold " + std::to_string(rows) + " rows, the footer says " +
                     std::to_string(md_.num_rows));
    for (const auto& kv : md_.key_value_metadata) kv_.emplace_back(kv.key, kv.value.value_or(""));
    return Status::OK();
  }

  Status read_into(int row_group, int column, ColumnData* out) {
    return read_chunk(row_group, column,
                      [&](const ColumnChunkSource& src) { return read_column_chunk(src, out); });
  }

  // Locates one column chunk and hands it to `decode` (errors get the chunk's place).
  template <typename Decode>
  Status read_chunk(int row_group, int column, Decode&& decode) {
    const auto& rg = md_.row_groups[row_group];
    const auto& m = *rg.columns[column].meta_data;
    const ColumnSchema& schema = schema_.columns[column];
    const std::string where =
        name_ + ": row group " + std::to_string(row_group) + ", column '" + schema.name + "'";
    ColumnChunkSource src;
    src.schema = &schema;
    src.num_values = m.num_values;
    if (!codec_from_thrift(m.codec, &src.codec)) {
      return Status::NotSupported(where + ": compression codec " + std::to_string(m.codec) +
                                  " is not supported");
    }
    if (m.num_values == 0) return Status::OK();  // empty chunks may point anywhere, even at 0
    const int64_t start = chunk_start(m);
    const auto data_end = static_cast<int64_t>(footer_start_);
    if (start < static_cast<int64_t>(kMagicSize) || start >= data_end ||
        m.total_compressed_size < 0) {
      return Status::Corrupt(where + ": chunk at " + std::to_string(start) + " of " +
                             std::to_string(m.total_compressed_size) +
                             " bytes lies outside the data area");
    }
    // The chunk's pages are read until its values are complete, up to where the next chunk
    // starts: old parquet-mr versions left the dictionary page out of total_compressed_size, so
    // the declared size cannot bound the last page, while the next chunk's offset can.
    auto next = std::upper_bound(chunk_starts_.begin(), chunk_starts_.end(), start);
    const int64_t end = next == chunk_starts_.end() ? data_end : std::min(*next, data_end);
    src.bytes = bytes_.subspan(static_cast<size_t>(start), static_cast<size_t>(end - start));
    Status st = decode(src);
    if (!st.ok()) return st.with_context(where);
    return Status::OK();
  }

  std::span<const uint8_t> bytes_;
  std::string name_;
  size_t footer_start_ = 0;
  std::vector<int64_t> chunk_starts_;  ///< every non-empty chunk's first byte, sorted
  format::FileMetaData md_;
  Schema schema_;
  std::vector<std::pair<std::string, std::string>> kv_;
};

}  // namespace

Result<std::unique_ptr<FileReader>> FileReader::Open(std::span<const uint8_t> bytes,
                                                     std::string name) {
  auto reader = std::make_unique<FileReaderImpl>(bytes, std::move(name));
  SPARKIFY_RETURN_NOT_OK(reader->open());
  return std::unique_ptr<FileReader>(std::move(reader));
}

}  // namespace sparkify::parquet
