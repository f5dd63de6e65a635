// The Parquet footer and page-header structures (the subset of parquet.thrift this library
// uses), with their Thrift compact serialisation and a validating parser. Fields we never read
// are skipped on input and never written.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "parquet/byte_buffer.h"

namespace sparkify::parquet::format {

// Enum values from parquet.thrift.
enum Type : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};
enum ConvertedType : int32_t {
  kUtf8 = 0,
  kMap = 1,
  kMapKeyValue = 2,
  kList = 3,
  kEnum = 4,
  kDecimal = 5,
  kDate = 6,
  kTimeMillis = 7,
  kTimeMicros = 8,
  kTimestampMillis = 9,
  kTimestampMicros = 10,
  kUint8 = 11,
  kUint16 = 12,
  kUint32 = 13,
  kUint64 = 14,
  kInt8 = 15,
  kInt16 = 16,
  kInt_32 = 17,
  kInt_64 = 18,
  kJson = 19,
  kBson = 20,
  kInterval = 21,
};
enum Repetition : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };
enum Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};
enum CompressionCodec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,
  kBrotli = 4,
  kLz4 = 5,
  kZstd = 6,
  kLz4Raw = 7,
};
enum PageType : int32_t { kDataPage = 0, kIndexPage = 1, kDictionaryPage = 2, kDataPageV2 = 3 };

/// LogicalType is a Thrift union; we keep which member is set and the parameters we use.
struct LogicalType {
  enum Kind : int16_t {
    kNone = 0,
    kString = 1,
    kMap = 2,
    kList = 3,
    kEnum = 4,
    kDecimal = 5,
    kDate = 6,
    kTime = 7,
    kTimestamp = 8,
    kInteger = 10,
    kUnknown = 11,
    kJson = 12,
    kBson = 13,
    kUuid = 14,
    kFloat16 = 15,
    kVariant = 16,
    kGeometry = 17,
    kGeography = 18,
  };
  int16_t kind = kNone;        ///< the union's field id (other ids are kept as-is, unsupported)
  bool timestamp_utc = false;  ///< TIME and TIMESTAMP: isAdjustedToUTC
  int16_t timestamp_unit = 0;  ///< TIME and TIMESTAMP: 1 MILLIS, 2 MICROS, 3 NANOS
  int32_t decimal_scale = 0;
  int32_t decimal_precision = 0;
  int8_t int_bit_width = 0;
  bool int_signed = true;
};

struct Statistics {
  std::optional<std::string> max;  ///< deprecated: signed order
  std::optional<std::string> min;
  std::optional<int64_t> null_count;
  std::optional<int64_t> distinct_count;
  std::optional<std::string> max_value;
  std::optional<std::string> min_value;
};

struct SchemaElement {
  std::optional<int32_t> type;
  int32_t type_length = 0;
  std::optional<int32_t> repetition_type;
  std::string name;
  int32_t num_children = 0;
  std::optional<int32_t> converted_type;
  int32_t scale = 0;
  int32_t precision = 0;
  LogicalType logical_type;
};

struct ColumnMetaData {
  int32_t type = 0;
  std::vector<int32_t> encodings;
  std::vector<std::string> path_in_schema;
  int32_t codec = 0;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = 0;
  std::optional<int64_t> dictionary_page_offset;
  std::optional<Statistics> statistics;
};

struct ColumnChunk {
  int64_t file_offset = 0;
  std::optional<ColumnMetaData> meta_data;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t total_byte_size = 0;
  int64_t num_rows = 0;
  std::optional<int64_t> file_offset;
  std::optional<int64_t> total_compressed_size;
  std::optional<int16_t> ordinal;
};

struct KeyValue {
  std::string key;
  std::optional<std::string> value;
};

struct FileMetaData {
  int32_t version = 1;
  std::vector<SchemaElement> schema;
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::vector<KeyValue> key_value_metadata;
  std::optional<std::string> created_by;
  /// One entry per leaf column when present; we only write and accept TYPE_ORDER (field 1).
  std::vector<int16_t> column_orders;
};

struct DataPageHeader {
  int32_t num_values = 0;
  int32_t encoding = 0;
  int32_t definition_level_encoding = kRle;
  int32_t repetition_level_encoding = kRle;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;
  int32_t encoding = kPlain;
};

struct DataPageHeaderV2 {
  int32_t num_values = 0;
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  int32_t encoding = 0;
  int32_t definition_levels_byte_length = 0;
  int32_t repetition_levels_byte_length = 0;
  bool is_compressed = true;
};

struct PageHeader {
  int32_t type = kDataPage;
  int32_t uncompressed_page_size = 0;
  int32_t compressed_page_size = 0;
  std::optional<DataPageHeader> data_page_header;
  std::optional<DictionaryPageHeader> dictionary_page_header;
  std::optional<DataPageHeaderV2> data_page_header_v2;
};

/// A column chunk's metadata by reference, as the writer knows it at the end of a row group:
/// serialized straight into the footer, so writing a file builds no ColumnMetaData (for tiny
/// files the footer is most of the work).
struct ChunkMetaView {
  int64_t file_offset = 0;
  int32_t type = 0;
  uint32_t encodings = 0;  ///< bit i set = encoding i used
  std::string_view path;   ///< the column name (flat schemas: a one-element path)
  int32_t codec = 0;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = 0;
  int64_t dictionary_page_offset = -1;  ///< -1 = no dictionary page
  int64_t null_count = 0;
  bool has_bounds = false;
  bool legacy_bounds = false;   ///< also write the deprecated signed-order min/max
  std::string_view min, max;    ///< PLAIN-encoded bounds
  int64_t distinct_count = -1;  ///< -1 = unknown
};

/// Appends one RowGroup struct (as a list element: fields then stop).
void serialize_row_group(std::span<const ChunkMetaView> chunks, int64_t num_rows,
                         int64_t total_byte_size, int64_t file_offset,
                         int64_t total_compressed_size, int16_t ordinal, ByteBuffer* out);

/// Appends a FileMetaData whose row groups are given already serialized (`row_groups` holds
/// `row_group_count` RowGroup structs back to back); md.row_groups is ignored.
void serialize(const FileMetaData& md, std::span<const uint8_t> row_groups,
               uint32_t row_group_count, ByteBuffer* out);

/// Appends the compact encoding of the structure to `out`.
void serialize(const FileMetaData& md, ByteBuffer* out);
void serialize(const PageHeader& header, ByteBuffer* out);

/// Parses a footer that fills exactly `size` bytes (trailing bytes are an error).
Status parse_file_metadata(const uint8_t* data, size_t size, FileMetaData* out);
/// Parses a page header at the start of [data, data + size); returns its length in bytes.
Result<size_t> parse_page_header(const uint8_t* data, size_t size, PageHeader* out);

}  // namespace sparkify::parquet::format
