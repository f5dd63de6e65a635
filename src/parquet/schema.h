// The flat Parquet schemas this library writes and reads: one level, each column REQUIRED or
// OPTIONAL. The writer makes BOOLEAN, INT32, INT64, DOUBLE, STRING and TIMESTAMP columns; the
// reader also maps FLOAT, INT96, FIXED_LEN_BYTE_ARRAY and the other logical types.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sparkify::parquet {

enum class PhysicalType : uint8_t {
  kBoolean,
  kInt32,
  kInt64,
  kDouble,
  kByteArray,
  kFloat,
  kInt96,
  kFixedLenByteArray,  ///< read only
};
/// How to interpret the physical values. Past kTimestampMicros the types are read only.
enum class LogicalType : uint8_t {
  kNone,
  kString,
  kTimestampMillis,
  kTimestampMicros,
  kTimestampNanos,
  kDate,
  kTimeMillis,
  kTimeMicros,
  kTimeNanos,
  kDecimal,  ///< unscaled integer (INT32, INT64, or big-endian two's complement bytes)
  kInteger,  ///< INT32/INT64 with an explicit width and signedness (int_bits, int_signed)
  kJson,
  kEnum,
  kBson,      ///< text stored as BYTE_ARRAY
  kUuid,      ///< FIXED_LEN_BYTE_ARRAY(16)
  kFloat16,   ///< FIXED_LEN_BYTE_ARRAY(2), IEEE half precision, little-endian
  kInterval,  ///< FIXED_LEN_BYTE_ARRAY(12): months, days, millis as little-endian uint32
};
enum class Repetition : uint8_t { kRequired, kOptional };
enum class Codec : uint8_t {
  kUncompressed,
  kSnappy,
  kGzip,
  kZstd,
  kLz4,     ///< Parquet's deprecated LZ4: Hadoop framing, or a bare block from older writers
  kLz4Raw,  ///< one bare LZ4 block
  kBrotli,
};

struct ColumnSchema {
  std::string name;
  PhysicalType physical = PhysicalType::kInt32;
  LogicalType logical = LogicalType::kNone;
  Repetition repetition = Repetition::kOptional;
  bool utc = true;          ///< timestamps and times: isAdjustedToUTC
  int32_t type_length = 0;  ///< FIXED_LEN_BYTE_ARRAY width in bytes
  int32_t precision = 0;    ///< decimals
  int32_t scale = 0;        ///< decimals
  int8_t int_bits = 0;      ///< kInteger: 8, 16, 32 or 64
  bool int_signed = true;   ///< kInteger

  bool optional() const { return repetition == Repetition::kOptional; }

  static ColumnSchema Boolean(std::string name, Repetition r = Repetition::kOptional) {
    return {std::move(name), PhysicalType::kBoolean, LogicalType::kNone, r};
  }
  static ColumnSchema Int32(std::string name, Repetition r = Repetition::kOptional) {
    return {std::move(name), PhysicalType::kInt32, LogicalType::kNone, r};
  }
  static ColumnSchema Int64(std::string name, Repetition r = Repetition::kOptional) {
    return {std::move(name), PhysicalType::kInt64, LogicalType::kNone, r};
  }
  static ColumnSchema Double(std::string name, Repetition r = Repetition::kOptional) {
    return {std::move(name), PhysicalType::kDouble, LogicalType::kNone, r};
  }
  static ColumnSchema String(std::string name, Repetition r = Repetition::kOptional) {
    return {std::move(name), PhysicalType::kByteArray, LogicalType::kString, r};
  }
  /// INT64 timestamp, isAdjustedToUTC = true.
  static ColumnSchema TimestampMicros(std::string name, Repetition r = Repetition::kOptional) {
    return {std::move(name), PhysicalType::kInt64, LogicalType::kTimestampMicros, r};
  }
  static ColumnSchema TimestampMillis(std::string name, Repetition r = Repetition::kOptional) {
    return {std::move(name), PhysicalType::kInt64, LogicalType::kTimestampMillis, r};
  }
};

struct Schema {
  std::vector<ColumnSchema> columns;
};

}  // namespace sparkify::parquet
