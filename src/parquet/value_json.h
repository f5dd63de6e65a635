// The JSON form of one value of a column read by FileReader, by its logical type: what
// `sparkify parquet cat` prints. Timestamps as ISO-8601, decimals as exact strings, binary as
// base64, so that no value loses precision on its way to a JSON reader.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/result.h"
#include "parquet/file_reader.h"
#include "parquet/schema.h"

namespace sparkify::parquet {

/// Appends the JSON value of `row` to `out`:
///  - null; true/false; integers as numbers (unsigned types read as unsigned);
///  - FLOAT, DOUBLE, FLOAT16 as the shortest number that reads back to the same value; NaN and
///    infinities as the strings "NaN", "Infinity", "-Infinity";
///  - DECIMAL as an exact string ("-12.34"); DATE "2024-01-31"; TIME "13:45:00.123456";
///  - TIMESTAMP and INT96 as "2024-01-31T13:45:00.123456Z" (no Z when not adjusted to UTC), with
///    as many fraction digits as the unit holds (INT96: nanoseconds, read as Spark reads them);
///  - STRING, JSON, ENUM as strings; UUID as "xxxxxxxx-xxxx-…"; INTERVAL as
///    {"months":m,"days":d,"millis":ms}; other bytes (BSON, plain binary) as base64 strings.
/// Corrupt when a value cannot be rendered (a decimal wider than 1024 bits).
Status append_json_value(const ColumnSchema& schema, const ColumnData& data, size_t row,
                         std::string* out);

/// The JSON value of a statistics bound (PLAIN bytes of the physical type, BYTE_ARRAY without
/// its length prefix). Corrupt when the bytes do not fit the type.
Status append_json_plain_value(const ColumnSchema& schema, std::string_view plain,
                               std::string* out);

/// Microseconds since the Unix epoch of an INT96 timestamp (nanoseconds truncated toward
/// negative infinity), as Spark reads it: in 64-bit arithmetic that wraps the way Spark's writer
/// wraps, so Spark's timestamps near the end of its range read back as written.
int64_t int96_to_unix_micros(const Int96& v);

/// The logical type as Parquet tools name it, e.g. "TIMESTAMP(MICROS,true)", "DECIMAL(10,2)",
/// "INTEGER(16,false)", "STRING"; "" when the column has none.
std::string logical_type_name(const ColumnSchema& schema);
/// "INT32", "FIXED_LEN_BYTE_ARRAY(16)", …
std::string physical_type_name(const ColumnSchema& schema);

}  // namespace sparkify::parquet
