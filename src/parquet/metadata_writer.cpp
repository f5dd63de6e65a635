// Serialising the footer and page headers (Thrift compact), as the writer needs them.
#include "parquet/metadata.h"

#include <bit>
#include <string>

#include "parquet/thrift_compact.h"

namespace sparkify::parquet::format {

using thrift::CompactReader;
using thrift::CompactWriter;
using thrift::CType;
using thrift::FieldHeader;

namespace {

void write_logical_type(CompactWriter& w, const LogicalType& t) {
  w.field_struct(t.kind);
  if (t.kind == LogicalType::kTimestamp) {
    w.field_bool(1, t.timestamp_utc);
    w.field_struct(2);
    w.field_struct(t.timestamp_unit);
    w.end_struct();
    w.end_struct();
  } else if (t.kind == LogicalType::kInteger) {
    w.field_i32(1, t.int_bit_width);  // declared i8; only the value's encoding differs
    w.field_bool(2, t.int_signed);
  }
  w.end_struct();
}

void write_schema_element(CompactWriter& w, const SchemaElement& e) {
  w.begin_struct();
  if (e.type) w.field_i32(1, *e.type);
  if (e.type_length > 0) w.field_i32(2, e.type_length);
  if (e.repetition_type) w.field_i32(3, *e.repetition_type);
  w.field_binary(4, e.name);
  if (e.num_children > 0) w.field_i32(5, e.num_children);
  if (e.converted_type) w.field_i32(6, *e.converted_type);
  if (e.precision > 0) {
    w.field_i32(7, e.scale);
    w.field_i32(8, e.precision);
  }
  if (e.logical_type.kind != LogicalType::kNone) {
    w.field_struct(10);
    write_logical_type(w, e.logical_type);
    w.end_struct();
  }
  w.end_struct();
}

void write_chunk(CompactWriter& w, const ChunkMetaView& c) {
  w.begin_struct();
  w.field_i64(2, c.file_offset);
  w.field_struct(3);  // ColumnMetaData
  w.field_i32(1, c.type);
  w.field_list(2, thrift::kI32, static_cast<uint32_t>(std::popcount(c.encodings)));
  for (int32_t e = 0; e < 32; ++e) {
    if (c.encodings & (1u << e)) w.elem_i32(e);
  }
  w.field_list(3, thrift::kBinary, 1);
  w.elem_binary(c.path);
  w.field_i32(4, c.codec);
  w.field_i64(5, c.num_values);
  w.field_i64(6, c.total_uncompressed_size);
  w.field_i64(7, c.total_compressed_size);
  w.field_i64(9, c.data_page_offset);
  if (c.dictionary_page_offset >= 0) w.field_i64(11, c.dictionary_page_offset);
  w.field_struct(12);  // Statistics
  if (c.has_bounds && c.legacy_bounds) {
    w.field_binary(1, c.max);
    w.field_binary(2, c.min);
  }
  w.field_i64(3, c.null_count);
  if (c.distinct_count >= 0) w.field_i64(4, c.distinct_count);
  if (c.has_bounds) {
    w.field_binary(5, c.max);
    w.field_binary(6, c.min);
  }
  w.end_struct();
  w.end_struct();
  w.end_struct();
}

}  // namespace

void serialize_row_group(std::span<const ChunkMetaView> chunks, int64_t num_rows,
                         int64_t total_byte_size, int64_t file_offset,
                         int64_t total_compressed_size, int16_t ordinal, ByteBuffer* out) {
  CompactWriter w(out);
  w.begin_struct();
  w.field_list(1, thrift::kStruct, static_cast<uint32_t>(chunks.size()));
  for (const auto& c : chunks) write_chunk(w, c);
  w.field_i64(2, total_byte_size);
  w.field_i64(3, num_rows);
  w.field_i64(5, file_offset);
  w.field_i64(6, total_compressed_size);
  w.field_i32(7, ordinal);  // i16 on the wire: the same varint
  w.end_struct();
}

void serialize(const FileMetaData& md, std::span<const uint8_t> row_groups,
               uint32_t row_group_count, ByteBuffer* out) {
  CompactWriter w(out);
  w.begin_struct();
  w.field_i32(1, md.version);
  w.field_list(2, thrift::kStruct, static_cast<uint32_t>(md.schema.size()));
  for (const auto& e : md.schema) write_schema_element(w, e);
  w.field_i64(3, md.num_rows);
  w.field_list(4, thrift::kStruct, row_group_count);
  out->append(row_groups);
  if (!md.key_value_metadata.empty()) {
    w.field_list(5, thrift::kStruct, static_cast<uint32_t>(md.key_value_metadata.size()));
    for (const auto& kv : md.key_value_metadata) {
      w.begin_struct();
      w.field_binary(1, kv.key);
      if (kv.value) w.field_binary(2, *kv.value);
      w.end_struct();
    }
  }
  if (md.created_by) w.field_binary(6, *md.created_by);
  if (!md.column_orders.empty()) {
    w.field_list(7, thrift::kStruct, static_cast<uint32_t>(md.column_orders.size()));
    for (int16_t order : md.column_orders) {
      w.begin_struct();
      w.field_struct(order);
      w.end_struct();
      w.end_struct();
    }
  }
  w.end_struct();
}

void serialize(const FileMetaData& md, ByteBuffer* out) {
  // The structured form goes through the same chunk serializer the writer uses.
  ByteBuffer groups;
  std::vector<ChunkMetaView> views;
  for (const auto& rg : md.row_groups) {
    views.clear();
    for (const auto& c : rg.columns) {
      ChunkMetaView v;
      v.file_offset = c.file_offset;
      if (c.meta_data) {
        const auto& m = *c.meta_data;
        v.type = m.type;
        for (int32_t e : m.encodings) v.encodings |= 1u << e;
        v.path =
            m.path_in_schema.empty() ? std::string_view() : std::string_view(m.path_in_schema[0]);
        v.codec = m.codec;
        v.num_values = m.num_values;
        v.total_uncompressed_size = m.total_uncompressed_size;
        v.total_compressed_size = m.total_compressed_size;
        v.data_page_offset = m.data_page_offset;
        v.dictionary_page_offset = m.dictionary_page_offset.value_or(-1);
        if (m.statistics) {
          const auto& st = *m.statistics;
          v.null_count = st.null_count.value_or(0);
          v.distinct_count = st.distinct_count.value_or(-1);
          v.has_bounds = st.min_value.has_value() && st.max_value.has_value();
          v.legacy_bounds = st.min.has_value() && st.max.has_value();
          if (v.has_bounds) {
            v.min = *st.min_value;
            v.max = *st.max_value;
          }
        }
      }
      views.push_back(v);
    }
    serialize_row_group(views, rg.num_rows, rg.total_byte_size, rg.file_offset.value_or(0),
                        rg.total_compressed_size.value_or(0), rg.ordinal.value_or(0), &groups);
  }
  serialize(md, groups.span(), static_cast<uint32_t>(md.row_groups.size()), out);
}

void serialize(const PageHeader& h, ByteBuffer* out) {
  CompactWriter w(out);
  w.begin_struct();
  w.field_i32(1, h.type);
  w.field_i32(2, h.uncompressed_page_size);
  w.field_i32(3, h.compressed_page_size);
  if (h.data_page_header) {
    const auto& d = *h.data_page_header;
    w.field_struct(5);
    w.field_i32(1, d.num_values);
    w.field_i32(2, d.encoding);
    w.field_i32(3, d.definition_level_encoding);
    w.field_i32(4, d.repetition_level_encoding);
    w.end_struct();
  }
  if (h.dictionary_page_header) {
    const auto& d = *h.dictionary_page_header;
    w.field_struct(7);
    w.field_i32(1, d.num_values);
    w.field_i32(2, d.encoding);
    w.end_struct();
  }
  if (h.data_page_header_v2) {
    const auto& d = *h.data_page_header_v2;
    w.field_struct(8);
    w.field_i32(1, d.num_values);
    w.field_i32(2, d.num_nulls);
    w.field_i32(3, d.num_rows);
    w.field_i32(4, d.encoding);
    w.field_i32(5, d.definition_levels_byte_length);
    w.field_i32(6, d.repetition_levels_byte_length);
    w.field_bool(7, d.is_compressed);
    w.end_struct();
  }
  w.end_struct();
}

}  // namespace sparkify::parquet::format
