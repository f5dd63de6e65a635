#include "parquet/thrift_compact.h"

#include <gtest/gtest.h>

#include <limits>

#include "parquet/metadata.h"

namespace sparkify::parquet {
namespace {

using thrift::CompactReader;
using thrift::CompactWriter;
using thrift::FieldHeader;

format::FileMetaData sample_metadata() {
  format::FileMetaData md;
  md.version = 1;
  auto& root = md.schema.emplace_back();
  root.name = "schema";
  root.num_children = 2;
  auto& a = md.schema.emplace_back();
  a.name = "a";
  a.type = format::kByteArray;
  a.repetition_type = format::kOptional;
  a.converted_type = format::kUtf8;
  a.logical_type.kind = format::LogicalType::kString;
  auto& t = md.schema.emplace_back();
  t.name = "t";
  t.type = format::kInt64;
  t.repetition_type = format::kRequired;
  t.converted_type = format::kTimestampMicros;
  t.logical_type.kind = format::LogicalType::kTimestamp;
  t.logical_type.timestamp_utc = true;
  t.logical_type.timestamp_unit = 2;
  md.num_rows = std::numeric_limits<int64_t>::max();
  for (int g = 0; g < 20; ++g) {  // > 14 elements: the long list header form
    auto& rg = md.row_groups.emplace_back();
    rg.num_rows = g;
    rg.total_byte_size = 1000 + g;
    rg.file_offset = 4;
    rg.total_compressed_size = 900;
    rg.ordinal = static_cast<int16_t>(g);
    for (int c = 0; c < 2; ++c) {
      auto& chunk = rg.columns.emplace_back();
      chunk.file_offset = 4 + c;
      auto& m = chunk.meta_data.emplace();
      m.type = c == 0 ? format::kByteArray : format::kInt64;
      m.encodings = {format::kPlain, format::kRle, format::kRleDictionary};
      m.path_in_schema = {c == 0 ? "a" : "t"};
      m.codec = format::kSnappy;
      m.num_values = g;
      m.total_uncompressed_size = -1;  // negative values survive zigzag
      m.total_compressed_size = 1ll << 40;
      m.data_page_offset = 100;
      if (c == 0) m.dictionary_page_offset = 4;
      auto& s = m.statistics.emplace();
      s.null_count = 3;
      s.min_value = std::string("\x00\xff", 2);
      s.max_value = "zz";
      if (c == 1) s.distinct_count = 7;
    }
  }
  md.key_value_metadata.push_back({"k", "v"});
  md.key_value_metadata.push_back({"only key", std::nullopt});
  md.created_by = "sparkify test";
  md.column_orders = {1, 1};
  return md;
}

TEST(ThriftCompact, FileMetaDataRoundTrips) {
  format::FileMetaData md = sample_metadata();
  ByteBuffer buf;
  format::serialize(md, &buf);
  format::FileMetaData back;
  ASSERT_TRUE(format::parse_file_metadata(buf.data(), buf.size(), &back).ok());
  ASSERT_EQ(back.schema.size(), 3u);
  EXPECT_EQ(back.schema[0].num_children, 2);
  EXPECT_EQ(back.schema[1].name, "a");
  EXPECT_EQ(back.schema[1].converted_type, format::kUtf8);
  EXPECT_EQ(back.schema[1].logical_type.kind, format::LogicalType::kString);
  EXPECT_EQ(back.schema[2].logical_type.kind, format::LogicalType::kTimestamp);
  EXPECT_TRUE(back.schema[2].logical_type.timestamp_utc);
  EXPECT_EQ(back.schema[2].logical_type.timestamp_unit, 2);
  EXPECT_EQ(back.schema[2].repetition_type, format::kRequired);
  EXPECT_EQ(back.num_rows, std::numeric_limits<int64_t>::max());
  ASSERT_EQ(back.row_groups.size(), 20u);
  const auto& m = *back.row_groups[19].columns[0].meta_data;
  EXPECT_EQ(back.row_groups[19].ordinal, 19);
  EXPECT_EQ(m.encodings, (std::vector<int32_t>{0, 3, 8}));
  EXPECT_EQ(m.path_in_schema, std::vector<std::string>{"a"});
  EXPECT_EQ(m.total_uncompressed_size, -1);
  EXPECT_EQ(m.total_compressed_size, 1ll << 40);
  EXPECT_EQ(m.dictionary_page_offset, 4);
  EXPECT_EQ(m.statistics->min_value, std::string("\x00\xff", 2));
  EXPECT_EQ(m.statistics->null_count, 3);
  EXPECT_FALSE(m.statistics->distinct_count.has_value());
  EXPECT_EQ(back.row_groups[19].columns[1].meta_data->statistics->distinct_count, 7);
  ASSERT_EQ(back.key_value_metadata.size(), 2u);
  EXPECT_FALSE(back.key_value_metadata[1].value.has_value());
  EXPECT_EQ(back.created_by, "sparkify test");
  EXPECT_EQ(back.column_orders, (std::vector<int16_t>{1, 1}));
}

TEST(ThriftCompact, PageHeaderRoundTrips) {
  format::PageHeader h;
  h.type = format::kDataPageV2;
  h.uncompressed_page_size = 123456;
  h.compressed_page_size = 789;
  auto& d = h.data_page_header_v2.emplace();
  d.num_values = 10;
  d.num_nulls = 2;
  d.num_rows = 10;
  d.encoding = format::kRleDictionary;
  d.definition_levels_byte_length = 5;
  d.is_compressed = false;
  ByteBuffer buf;
  format::serialize(h, &buf);
  buf.push_back(0xAB);  // trailing page bytes are not part of the header
  format::PageHeader back;
  auto n = format::parse_page_header(buf.data(), buf.size(), &back);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, buf.size() - 1);
  EXPECT_EQ(back.type, format::kDataPageV2);
  EXPECT_EQ(back.uncompressed_page_size, 123456);
  ASSERT_TRUE(back.data_page_header_v2.has_value());
  EXPECT_EQ(back.data_page_header_v2->num_nulls, 2);
  EXPECT_FALSE(back.data_page_header_v2->is_compressed);
}

TEST(ThriftCompact, LongFieldIdFormAndSkippingUnknownFields) {
  ByteBuffer buf;
  CompactWriter w(&buf);
  w.begin_struct();
  w.field_i32(1, 7);
  w.field_i64(40, -5);         // delta > 15: long form
  w.field_binary(20, "back");  // negative delta: long form
  w.field_struct(21);          // an unknown nested struct with a list and a map inside
  w.field_list(1, thrift::kBinary, 2);
  w.elem_binary("x");
  w.elem_binary("y");
  w.field_bool(2, true);
  w.end_struct();
  w.field_i32(22, 99);
  w.end_struct();
  // Append a map and a double by hand to an extra struct to exercise skip().
  CompactReader r(buf.data(), buf.size());
  int16_t last = 0;
  FieldHeader h;
  std::vector<int16_t> ids;
  int64_t v = 0;
  for (;;) {
    ASSERT_TRUE(r.read_field_header(&last, &h).ok());
    if (h.type == thrift::kStop) break;
    ids.push_back(h.id);
    if (h.id == 40) {
      ASSERT_TRUE(r.read_integer(h.type, &v).ok());
    } else {
      ASSERT_TRUE(r.skip(h.type).ok());
    }
  }
  EXPECT_EQ(ids, (std::vector<int16_t>{1, 40, 20, 21, 22}));
  EXPECT_EQ(v, -5);
  EXPECT_EQ(r.position(), buf.size());
}

TEST(ThriftCompact, SkipsMapsAndDoubles) {
  // struct { 1: map<i32, binary> {1: "a", 2: "b"}, 2: double 1.5 }
  std::vector<uint8_t> bytes = {0x1B, 0x02, 0x58, 0x02, 0x01, 'a', 0x04, 0x01, 'b', 0x17};
  double d = 1.5;
  const auto* dp = reinterpret_cast<const uint8_t*>(&d);
  bytes.insert(bytes.end(), dp, dp + 8);
  bytes.push_back(0x00);
  CompactReader r(bytes.data(), bytes.size());
  ASSERT_TRUE(r.skip(thrift::kStruct).ok());
  EXPECT_EQ(r.position(), bytes.size());
}

TEST(ThriftCompact, TruncationAnywhereIsAnError) {
  format::FileMetaData md = sample_metadata();
  ByteBuffer buf;
  format::serialize(md, &buf);
  for (size_t cut = 0; cut < buf.size(); ++cut) {
    format::FileMetaData back;
    EXPECT_FALSE(format::parse_file_metadata(buf.data(), cut, &back).ok()) << cut;
  }
}

TEST(ThriftCompact, DeepNestingIsRefused) {
  std::vector<uint8_t> bytes;
  for (int i = 0; i < 10000; ++i) bytes.push_back(0x1C);  // field 1: struct, nested forever
  CompactReader r(bytes.data(), bytes.size());
  EXPECT_FALSE(r.skip(thrift::kStruct).ok());
}

TEST(ThriftCompact, ListLongerThanDataIsRefused) {
  // A list header claiming 2^31 elements in a 6-byte buffer.
  std::vector<uint8_t> bytes = {0xF5, 0x80, 0x80, 0x80, 0x80, 0x08};
  CompactReader r(bytes.data(), bytes.size());
  thrift::CType elem;
  uint32_t n;
  EXPECT_FALSE(r.read_list_header(&elem, &n).ok());
}

TEST(ThriftCompact, MissingRequiredFieldsAreCorrupt) {
  ByteBuffer buf;
  CompactWriter w(&buf);
  w.begin_struct();
  w.field_i32(1, 1);  // version only
  w.end_struct();
  format::FileMetaData md;
  Status st = format::parse_file_metadata(buf.data(), buf.size(), &md);
  EXPECT_EQ(st.code(), ErrorCode::kCorrupt);
}

}  // namespace
}  // namespace sparkify::parquet
