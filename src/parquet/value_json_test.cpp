#include "parquet/value_json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace sparkify::parquet {
namespace {

template <typename T>
std::string render(const ColumnSchema& schema, T value) {
  ColumnData d;
  d.values = std::vector<T>{value};
  std::string out;
  EXPECT_TRUE(append_json_value(schema, d, 0, &out).ok());
  return out;
}

std::string render_bytes(const ColumnSchema& schema, std::string bytes) {
  ColumnData d;
  StringColumn c;
  c.data = std::move(bytes);
  c.offsets.push_back(c.data.size());
  d.values = std::move(c);
  std::string out;
  EXPECT_TRUE(append_json_value(schema, d, 0, &out).ok());
  return out;
}

ColumnSchema with(PhysicalType p, LogicalType l) {
  ColumnSchema c;
  c.name = "c";
  c.physical = p;
  c.logical = l;
  return c;
}

TEST(ValueJson, IntegersKeepTheirSignedness) {
  ColumnSchema u8 = with(PhysicalType::kInt32, LogicalType::kInteger);
  u8.int_bits = 8;
  u8.int_signed = false;
  EXPECT_EQ(render(u8, int32_t{-1}), "255");
  ColumnSchema u64 = with(PhysicalType::kInt64, LogicalType::kInteger);
  u64.int_bits = 64;
  u64.int_signed = false;
  EXPECT_EQ(render(u64, int64_t{-1}), "18446744073709551615");
  EXPECT_EQ(
      render(with(PhysicalType::kInt64, LogicalType::kNone), std::numeric_limits<int64_t>::min()),
      "-9223372036854775808");
}

TEST(ValueJson, FloatsRoundTripAndSpecialValuesAreStrings) {
  EXPECT_EQ(render(with(PhysicalType::kFloat, LogicalType::kNone), 1.1f), "1.1");
  EXPECT_EQ(render(with(PhysicalType::kDouble, LogicalType::kNone), 0.1), "0.1");
  EXPECT_EQ(render(with(PhysicalType::kDouble, LogicalType::kNone), std::nan("")), "\"NaN\"");
  EXPECT_EQ(render(with(PhysicalType::kFloat, LogicalType::kNone),
                   -std::numeric_limits<float>::infinity()),
            "\"-Infinity\"");
  ColumnSchema half = with(PhysicalType::kFixedLenByteArray, LogicalType::kFloat16);
  half.type_length = 2;
  EXPECT_EQ(render_bytes(half, std::string("\x00\x3c", 2)), "1");   // 0x3C00
  EXPECT_EQ(render_bytes(half, std::string("\x00\xc0", 2)), "-2");  // 0xC000
  EXPECT_EQ(render_bytes(half, std::string("\x01\x00", 2)),
            "5.9604645e-08");  // smallest subnormal, 2^-24
}

TEST(ValueJson, DecimalsAreExactStrings) {
  ColumnSchema d32 = with(PhysicalType::kInt32, LogicalType::kDecimal);
  d32.precision = 9;
  d32.scale = 2;
  EXPECT_EQ(render(d32, int32_t{12345}), "\"123.45\"");
  EXPECT_EQ(render(d32, int32_t{-5}), "\"-0.05\"");
  EXPECT_EQ(render(d32, int32_t{0}), "\"0.00\"");
  ColumnSchema d0 = with(PhysicalType::kInt64, LogicalType::kDecimal);
  d0.precision = 18;
  EXPECT_EQ(render(d0, std::numeric_limits<int64_t>::min()), "\"-9223372036854775808\"");
  ColumnSchema big = with(PhysicalType::kByteArray, LogicalType::kDecimal);
  big.precision = 38;
  big.scale = 10;
  // 2^100 = 1267650600228229401496703205376, as 13 big-endian bytes.
  std::string bytes(13, '\0');
  bytes[0] = 0x10;
  EXPECT_EQ(render_bytes(big, bytes), "\"126765060022822940149.6703205376\"");
  EXPECT_EQ(render_bytes(big, std::string(1, '\xff')), "\"-0.0000000001\"");
  std::string huge(200, '\x7f');
  ColumnData d;
  StringColumn c;
  c.data = huge;
  c.offsets.push_back(c.data.size());
  d.values = std::move(c);
  std::string out;
  EXPECT_EQ(append_json_value(big, d, 0, &out).code(), ErrorCode::kCorrupt);
}

TEST(ValueJson, DatesTimesAndTimestamps) {
  EXPECT_EQ(render(with(PhysicalType::kInt32, LogicalType::kDate), int32_t{0}), "\"1970-01-01\"");
  EXPECT_EQ(render(with(PhysicalType::kInt32, LogicalType::kDate), int32_t{-719528}),
            "\"0000-01-01\"");
  EXPECT_EQ(render(with(PhysicalType::kInt32, LogicalType::kTimeMillis), int32_t{49500123}),
            "\"13:45:00.123\"");
  EXPECT_EQ(render(with(PhysicalType::kInt64, LogicalType::kTimestampMicros), int64_t{-1}),
            "\"1969-12-31T23:59:59.999999Z\"");
  ColumnSchema local = with(PhysicalType::kInt64, LogicalType::kTimestampNanos);
  local.utc = false;
  EXPECT_EQ(render(local, int64_t{1'700'000'000'123'456'789}), "\"2023-11-14T22:13:20.123456789\"");
  EXPECT_EQ(render(with(PhysicalType::kInt64, LogicalType::kTimestampMillis),
                   std::numeric_limits<int64_t>::max()),
            "\"+292278994-08-17T07:12:55.807Z\"");
}

TEST(ValueJson, BytesUuidsAndNulls) {
  EXPECT_EQ(render_bytes(with(PhysicalType::kByteArray, LogicalType::kNone), "abcd"),
            "\"YWJjZA==\"");
  EXPECT_EQ(render_bytes(with(PhysicalType::kByteArray, LogicalType::kString), "a\"\n"),
            "\"a\\\"\\n\"");
  ColumnSchema uuid = with(PhysicalType::kFixedLenByteArray, LogicalType::kUuid);
  uuid.type_length = 16;
  EXPECT_EQ(render_bytes(
                uuid, std::string(
                          "\x12\x34\x56\x78\x9a\xbc\xde\xf0\x01\x23\x45\x67\x89\xab\xcd\xef", 16)),
            "\"12345678-9abc-def0-0123-456789abcdef\"");
  ColumnData d;
  d.values = std::vector<int32_t>{7};
  d.validity = {0};
  std::string out;
  ASSERT_TRUE(append_json_value(with(PhysicalType::kInt32, LogicalType::kNone), d, 0, &out).ok());
  EXPECT_EQ(out, "null");
}

TEST(ValueJson, StatisticsBoundsDecodeByType) {
  std::string out;
  int32_t v = 42;
  ASSERT_TRUE(append_json_plain_value(with(PhysicalType::kInt32, LogicalType::kNone),
                                      std::string_view(reinterpret_cast<const char*>(&v), 4), &out)
                  .ok());
  EXPECT_EQ(out, "42");
  out.clear();
  EXPECT_FALSE(
      append_json_plain_value(with(PhysicalType::kInt64, LogicalType::kNone), "abc", &out).ok());
}

}  // namespace
}  // namespace sparkify::parquet
