#include "parquet/metadata.h"

#include <bit>
#include <string>

#include "parquet/thrift_compact.h"

namespace sparkify::parquet::format {

using thrift::CompactReader;
using thrift::CompactWriter;
using thrift::CType;
using thrift::FieldHeader;

// ---------------------------------------------------------------------------------------------
// Writing

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
  if (e.repetition_type) w.field_i32(3, *e.repetition_type);
  w.field_binary(4, e.name);
  if (e.num_children > 0) w.field_i32(5, e.num_children);
  if (e.converted_type) w.field_i32(6, *e.converted_type);
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

void serialize_row_group(std::span<const ChunkMetaView> chunks, int64_t num_rows, int64_t total_byte_size,
                         int64_t file_offset, int64_t total_compressed_size, int16_t ordinal, ByteBuffer* out) {
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

void serialize(const FileMetaData& md, std::span<const uint8_t> row_groups, uint32_t row_group_count,
               ByteBuffer* out) {
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
        v.path = m.path_in_schema.empty() ? std::string_view() : std::string_view(m.path_in_schema[0]);
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

// ---------------------------------------------------------------------------------------------
// Parsing: each struct is read field by field; unknown fields are skipped, fields we use are
// type-checked, and required fields we rely on must be present.

namespace {

Status corrupt(const char* what) { return Status::Corrupt(std::string("metadata: ") + what); }

/// Calls on_field(header) for each field of the struct the reader is positioned in.
template <typename F>
Status for_each_field(CompactReader& r, F&& on_field) {
  int16_t last = 0;
  for (;;) {
    FieldHeader h;
    SPARKIFY_RETURN_NOT_OK(r.read_field_header(&last, &h));
    if (h.type == thrift::kStop) return Status::OK();
    SPARKIFY_RETURN_NOT_OK(on_field(h));
  }
}

Status read_binary_string(CompactReader& r, CType t, std::string* out) {
  if (t != thrift::kBinary) return corrupt("expected a binary field");
  std::string_view v;
  SPARKIFY_RETURN_NOT_OK(r.read_binary(&v));
  out->assign(v);
  return Status::OK();
}

Status expect_struct(CType t) {
  return t == thrift::kStruct ? Status::OK() : corrupt("expected a struct field");
}

Status read_bool(CType t, bool* out) {
  if (t != thrift::kBoolTrue && t != thrift::kBoolFalse) return corrupt("expected a bool field");
  *out = CompactReader::bool_value(t);
  return Status::OK();
}

/// Reads a list header whose elements must be `elem`.
Status read_list(CompactReader& r, CType t, CType elem, uint32_t* n) {
  if (t != thrift::kList) return corrupt("expected a list field");
  CType actual;
  SPARKIFY_RETURN_NOT_OK(r.read_list_header(&actual, n));
  if (actual != elem && !(elem == thrift::kI32 && (actual == thrift::kI16 || actual == thrift::kI8))) {
    return corrupt("list of the wrong element type");
  }
  return Status::OK();
}

Status parse_statistics(CompactReader& r, Statistics* s) {
  return for_each_field(r, [&](const FieldHeader& h) -> Status {
    switch (h.id) {
      case 1: return read_binary_string(r, h.type, &s->max.emplace());
      case 2: return read_binary_string(r, h.type, &s->min.emplace());
      case 3: return r.read_integer(h.type, &s->null_count.emplace());
      case 4: return r.read_integer(h.type, &s->distinct_count.emplace());
      case 5: return read_binary_string(r, h.type, &s->max_value.emplace());
      case 6: return read_binary_string(r, h.type, &s->min_value.emplace());
      default: return r.skip(h.type);
    }
  });
}

/// Parses a union: exactly which member is set matters; the member's own fields mostly do not.
Status parse_logical_type(CompactReader& r, LogicalType* t) {
  return for_each_field(r, [&](const FieldHeader& h) -> Status {
    SPARKIFY_RETURN_NOT_OK(expect_struct(h.type));
    t->kind = h.id;
    if (h.id == LogicalType::kTimestamp) {
      return for_each_field(r, [&](const FieldHeader& f) -> Status {
        if (f.id == 1) return read_bool(f.type, &t->timestamp_utc);
        if (f.id == 2) {
          SPARKIFY_RETURN_NOT_OK(expect_struct(f.type));
          return for_each_field(r, [&](const FieldHeader& u) -> Status {
            t->timestamp_unit = u.id;
            return r.skip(u.type);
          });
        }
        return r.skip(f.type);
      });
    }
    if (h.id == LogicalType::kInteger) {
      return for_each_field(r, [&](const FieldHeader& f) -> Status {
        if (f.id == 1) {
          int64_t width;
          SPARKIFY_RETURN_NOT_OK(r.read_integer(f.type, &width));
          if (width < 0 || width > 64) return corrupt("bad integer bit width");
          t->int_bit_width = static_cast<int8_t>(width);
          return Status::OK();
        }
        if (f.id == 2) return read_bool(f.type, &t->int_signed);
        return r.skip(f.type);
      });
    }
    return r.skip(h.type);
  });
}

Status parse_schema_element(CompactReader& r, SchemaElement* e) {
  bool has_name = false;
  SPARKIFY_RETURN_NOT_OK(for_each_field(r, [&](const FieldHeader& h) -> Status {
    switch (h.id) {
      case 1: return r.read_i32(h.type, &e->type.emplace());
      case 3: return r.read_i32(h.type, &e->repetition_type.emplace());
      case 4:
        has_name = true;
        return read_binary_string(r, h.type, &e->name);
      case 5:
        SPARKIFY_RETURN_NOT_OK(r.read_i32(h.type, &e->num_children));
        return e->num_children >= 0 ? Status::OK() : corrupt("negative num_children");
      case 6: return r.read_i32(h.type, &e->converted_type.emplace());
      case 10:
        SPARKIFY_RETURN_NOT_OK(expect_struct(h.type));
        return parse_logical_type(r, &e->logical_type);
      default: return r.skip(h.type);
    }
  }));
  return has_name ? Status::OK() : corrupt("schema element without a name");
}

Status parse_column_meta(CompactReader& r, ColumnMetaData* m) {
  unsigned seen = 0;
  SPARKIFY_RETURN_NOT_OK(for_each_field(r, [&](const FieldHeader& h) -> Status {
    if (h.id >= 1 && h.id <= 9) seen |= 1u << h.id;
    switch (h.id) {
      case 1: return r.read_i32(h.type, &m->type);
      case 2: {
        uint32_t n;
        SPARKIFY_RETURN_NOT_OK(read_list(r, h.type, thrift::kI32, &n));
        for (uint32_t i = 0; i < n; ++i) {
          SPARKIFY_RETURN_NOT_OK(r.read_i32(thrift::kI32, &m->encodings.emplace_back()));
        }
        return Status::OK();
      }
      case 3: {
        uint32_t n;
        SPARKIFY_RETURN_NOT_OK(read_list(r, h.type, thrift::kBinary, &n));
        for (uint32_t i = 0; i < n; ++i) {
          SPARKIFY_RETURN_NOT_OK(read_binary_string(r, thrift::kBinary, &m->path_in_schema.emplace_back()));
        }
        return Status::OK();
      }
      case 4: return r.read_i32(h.type, &m->codec);
      case 5: return r.read_integer(h.type, &m->num_values);
      case 6: return r.read_integer(h.type, &m->total_uncompressed_size);
      case 7: return r.read_integer(h.type, &m->total_compressed_size);
      case 9: return r.read_integer(h.type, &m->data_page_offset);
      case 11: return r.read_integer(h.type, &m->dictionary_page_offset.emplace());
      case 12:
        SPARKIFY_RETURN_NOT_OK(expect_struct(h.type));
        return parse_statistics(r, &m->statistics.emplace());
      default: return r.skip(h.type);
    }
  }));
  constexpr unsigned kRequired = (1u << 1) | (1u << 2) | (1u << 3) | (1u << 4) | (1u << 5) |
                                 (1u << 6) | (1u << 7) | (1u << 9);
  if ((seen & kRequired) != kRequired) return corrupt("column metadata lacks a required field");
  return Status::OK();
}

Status parse_column_chunk(CompactReader& r, ColumnChunk* c) {
  return for_each_field(r, [&](const FieldHeader& h) -> Status {
    switch (h.id) {
      case 1: return Status::NotSupported("column chunks stored in another file (file_path)");
      case 2: return r.read_integer(h.type, &c->file_offset);
      case 3:
        SPARKIFY_RETURN_NOT_OK(expect_struct(h.type));
        return parse_column_meta(r, &c->meta_data.emplace());
      default: return r.skip(h.type);
    }
  });
}

Status parse_row_group(CompactReader& r, RowGroup* rg) {
  bool has_columns = false, has_rows = false;
  SPARKIFY_RETURN_NOT_OK(for_each_field(r, [&](const FieldHeader& h) -> Status {
    switch (h.id) {
      case 1: {
        has_columns = true;
        uint32_t n;
        SPARKIFY_RETURN_NOT_OK(read_list(r, h.type, thrift::kStruct, &n));
        for (uint32_t i = 0; i < n; ++i) {
          SPARKIFY_RETURN_NOT_OK(parse_column_chunk(r, &rg->columns.emplace_back()));
        }
        return Status::OK();
      }
      case 2: return r.read_integer(h.type, &rg->total_byte_size);
      case 3:
        has_rows = true;
        return r.read_integer(h.type, &rg->num_rows);
      case 5: return r.read_integer(h.type, &rg->file_offset.emplace());
      case 6: return r.read_integer(h.type, &rg->total_compressed_size.emplace());
      case 7: return r.read_i16(h.type, &rg->ordinal.emplace());
      default: return r.skip(h.type);
    }
  }));
  if (!has_columns || !has_rows) return corrupt("row group lacks columns or num_rows");
  return Status::OK();
}

Status parse_file_metadata_struct(CompactReader& r, FileMetaData* md) {
  bool has_schema = false, has_rows = false, has_row_groups = false;
  SPARKIFY_RETURN_NOT_OK(for_each_field(r, [&](const FieldHeader& h) -> Status {
    switch (h.id) {
      case 1: return r.read_i32(h.type, &md->version);
      case 2: {
        has_schema = true;
        uint32_t n;
        SPARKIFY_RETURN_NOT_OK(read_list(r, h.type, thrift::kStruct, &n));
        for (uint32_t i = 0; i < n; ++i) {
          SPARKIFY_RETURN_NOT_OK(parse_schema_element(r, &md->schema.emplace_back()));
        }
        return Status::OK();
      }
      case 3:
        has_rows = true;
        return r.read_integer(h.type, &md->num_rows);
      case 4: {
        has_row_groups = true;
        uint32_t n;
        SPARKIFY_RETURN_NOT_OK(read_list(r, h.type, thrift::kStruct, &n));
        for (uint32_t i = 0; i < n; ++i) {
          SPARKIFY_RETURN_NOT_OK(parse_row_group(r, &md->row_groups.emplace_back()));
        }
        return Status::OK();
      }
      case 5: {
        uint32_t n;
        SPARKIFY_RETURN_NOT_OK(read_list(r, h.type, thrift::kStruct, &n));
        for (uint32_t i = 0; i < n; ++i) {
          KeyValue& kv = md->key_value_metadata.emplace_back();
          bool has_key = false;
          SPARKIFY_RETURN_NOT_OK(for_each_field(r, [&](const FieldHeader& f) -> Status {
            if (f.id == 1) {
              has_key = true;
              return read_binary_string(r, f.type, &kv.key);
            }
            if (f.id == 2) return read_binary_string(r, f.type, &kv.value.emplace());
            return r.skip(f.type);
          }));
          if (!has_key) return corrupt("key-value entry without a key");
        }
        return Status::OK();
      }
      case 6: return read_binary_string(r, h.type, &md->created_by.emplace());
      case 7: {
        uint32_t n;
        SPARKIFY_RETURN_NOT_OK(read_list(r, h.type, thrift::kStruct, &n));
        for (uint32_t i = 0; i < n; ++i) {
          int16_t& order = md->column_orders.emplace_back(0);
          SPARKIFY_RETURN_NOT_OK(for_each_field(r, [&](const FieldHeader& f) -> Status {
            order = f.id;
            return r.skip(f.type);
          }));
        }
        return Status::OK();
      }
      default: return r.skip(h.type);
    }
  }));
  if (!has_schema || !has_rows || !has_row_groups) {
    return corrupt("file metadata lacks schema, num_rows or row_groups");
  }
  return Status::OK();
}

}  // namespace

Status parse_file_metadata(const uint8_t* data, size_t size, FileMetaData* out) {
  CompactReader r(data, size);
  *out = FileMetaData{};
  SPARKIFY_RETURN_NOT_OK(parse_file_metadata_struct(r, out));
  if (r.position() != size) return corrupt("trailing bytes after the file metadata");
  return Status::OK();
}

Result<size_t> parse_page_header(const uint8_t* data, size_t size, PageHeader* out) {
  CompactReader r(data, size);
  *out = PageHeader{};
  unsigned seen = 0;
  Status st = for_each_field(r, [&](const FieldHeader& h) -> Status {
    if (h.id >= 1 && h.id <= 3) seen |= 1u << h.id;
    switch (h.id) {
      case 1: return r.read_i32(h.type, &out->type);
      case 2: return r.read_i32(h.type, &out->uncompressed_page_size);
      case 3: return r.read_i32(h.type, &out->compressed_page_size);
      case 5: {
        SPARKIFY_RETURN_NOT_OK(expect_struct(h.type));
        auto& d = out->data_page_header.emplace();
        unsigned got = 0;
        SPARKIFY_RETURN_NOT_OK(for_each_field(r, [&](const FieldHeader& f) -> Status {
          if (f.id >= 1 && f.id <= 4) got |= 1u << f.id;
          switch (f.id) {
            case 1: return r.read_i32(f.type, &d.num_values);
            case 2: return r.read_i32(f.type, &d.encoding);
            case 3: return r.read_i32(f.type, &d.definition_level_encoding);
            case 4: return r.read_i32(f.type, &d.repetition_level_encoding);
            default: return r.skip(f.type);
          }
        }));
        return got == 0x1e ? Status::OK() : corrupt("data page header lacks a required field");
      }
      case 7: {
        SPARKIFY_RETURN_NOT_OK(expect_struct(h.type));
        auto& d = out->dictionary_page_header.emplace();
        unsigned got = 0;
        SPARKIFY_RETURN_NOT_OK(for_each_field(r, [&](const FieldHeader& f) -> Status {
          if (f.id >= 1 && f.id <= 2) got |= 1u << f.id;
          switch (f.id) {
            case 1: return r.read_i32(f.type, &d.num_values);
            case 2: return r.read_i32(f.type, &d.encoding);
            default: return r.skip(f.type);
          }
        }));
        return got == 0x6 ? Status::OK() : corrupt("dictionary page header lacks a required field");
      }
      case 8: {
        SPARKIFY_RETURN_NOT_OK(expect_struct(h.type));
        auto& d = out->data_page_header_v2.emplace();
        unsigned got = 0;
        SPARKIFY_RETURN_NOT_OK(for_each_field(r, [&](const FieldHeader& f) -> Status {
          if (f.id >= 1 && f.id <= 6) got |= 1u << f.id;
          switch (f.id) {
            case 1: return r.read_i32(f.type, &d.num_values);
            case 2: return r.read_i32(f.type, &d.num_nulls);
            case 3: return r.read_i32(f.type, &d.num_rows);
            case 4: return r.read_i32(f.type, &d.encoding);
            case 5: return r.read_i32(f.type, &d.definition_levels_byte_length);
            case 6: return r.read_i32(f.type, &d.repetition_levels_byte_length);
            case 7: return read_bool(f.type, &d.is_compressed);
            default: return r.skip(f.type);
          }
        }));
        return got == 0x7e ? Status::OK() : corrupt("data page v2 header lacks a required field");
      }
      default: return r.skip(h.type);
    }
  });
  SPARKIFY_RETURN_NOT_OK(st);
  if (seen != 0xe) return corrupt("page header lacks type or sizes");
  return r.position();
}

}  // namespace sparkify::parquet::format
