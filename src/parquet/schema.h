// The flat Parquet schemas this library writes and reads: one level, each column REQUIRED or
// OPTIONAL, of BOOLEAN, INT32, INT64, DOUBLE, STRING or TIMESTAMP.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sparkify::parquet {

enum class PhysicalType : uint8_t { kBoolean, kInt32, kInt64, kDouble, kByteArray };
enum class LogicalType : uint8_t { kNone, kString, kTimestampMillis, kTimestampMicros };
enum class Repetition : uint8_t { kRequired, kOptional };
enum class Codec : uint8_t { kUncompressed, kSnappy, kGzip, kZstd };

struct ColumnSchema {
  std::string name;
  PhysicalType physical = PhysicalType::kInt32;
  LogicalType logical = LogicalType::kNone;
  Repetition repetition = Repetition::kOptional;

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
