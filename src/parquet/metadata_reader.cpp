// Parsing the footer and page headers: each struct is read field by field; unknown fields are
// skipped, fields we use are type-checked, and required fields we rely on must be present.
#include "parquet/metadata.h"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "parquet/thrift_compact.h"

namespace sparkify::parquet::format {

using thrift::CompactReader;
using thrift::CType;
using thrift::FieldHeader;

namespace {

Status corrupt(const char* what) { return Status::Corrupt(std::string("metadata: ") + what); }

/// The required fields of one struct, by field id, and which of them were seen.
class RequiredFields {
 public:
  RequiredFields(std::initializer_list<int16_t> ids) {
    for (int16_t id : ids) wanted_ |= bit(id);
  }
  void want(int16_t id) { wanted_ |= bit(id); }
  void saw(int16_t id) { seen_ |= bit(id); }
  bool all_seen() const { return (seen_ & wanted_) == wanted_; }

 private:
  static uint64_t bit(int16_t id) { return id >= 0 && id < 64 ? uint64_t{1} << id : 0; }
  uint64_t wanted_ = 0;
  uint64_t seen_ = 0;
};

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
  if (actual != elem &&
      !(elem == thrift::kI32 && (actual == thrift::kI16 || actual == thrift::kI8))) {
    return corrupt("list of the wrong element type");
  }
  return Status::OK();
}

/// Reads a list of structs into `out`, each element by parse_one(reader, element).
template <typename T, typename F>
Status read_struct_list(CompactReader& r, CType t, std::vector<T>* out, F&& parse_one) {
  uint32_t n;
  SPARKIFY_RETURN_NOT_OK(read_list(r, t, thrift::kStruct, &n));
  for (uint32_t i = 0; i < n; ++i) SPARKIFY_RETURN_NOT_OK(parse_one(r, &out->emplace_back()));
  return Status::OK();
}

/// for_each_field over a struct with required fields: Corrupt("metadata: <missing>") when one
/// of `required` was not seen.
template <typename F>
Status read_struct(CompactReader& r, RequiredFields required, const char* missing, F&& on_field) {
  SPARKIFY_RETURN_NOT_OK(for_each_field(r, [&](const FieldHeader& h) -> Status {
    required.saw(h.id);
    return on_field(h);
  }));
  return required.all_seen() ? Status::OK() : corrupt(missing);
}

Status parse_statistics(CompactReader& r, Statistics* s) {
  return for_each_field(r, [&](const FieldHeader& h) -> Status {
    switch (h.id) {
      case 1:
        return read_binary_string(r, h.type, &s->max.emplace());
      case 2:
        return read_binary_string(r, h.type, &s->min.emplace());
      case 3:
        return r.read_integer(h.type, &s->null_count.emplace());
      case 4:
        return r.read_integer(h.type, &s->distinct_count.emplace());
      case 5:
        return read_binary_string(r, h.type, &s->max_value.emplace());
      case 6:
        return read_binary_string(r, h.type, &s->min_value.emplace());
      default:
        return r.skip(h.type);
    }
  });
}

/// Parses a union: exactly which member is set matters; the member's own fields mostly do not.
Status parse_logical_type(CompactReader& r, LogicalType* t) {
  return for_each_field(r, [&](const FieldHeader& h) -> Status {
    SPARKIFY_RETURN_NOT_OK(expect_struct(h.type));
    t->kind = h.id;
    if (h.id == LogicalType::kTimestamp || h.id == LogicalType::kTime) {
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
    if (h.id == LogicalType::kDecimal) {
      return for_each_field(r, [&](const FieldHeader& f) -> Status {
        if (f.id == 1) return r.read_i32(f.type, &t->decimal_scale);
        if (f.id == 2) return r.read_i32(f.type, &t->decimal_precision);
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
  return read_struct(r, {4}, "schema element without a name", [&](const FieldHeader& h) -> Status {
    switch (h.id) {
      case 1:
        return r.read_i32(h.type, &e->type.emplace());
      case 2:
        return r.read_i32(h.type, &e->type_length);
      case 3:
        return r.read_i32(h.type, &e->repetition_type.emplace());
      case 4:
        return read_binary_string(r, h.type, &e->name);
      case 5:
        SPARKIFY_RETURN_NOT_OK(r.read_i32(h.type, &e->num_children));
        return e->num_children >= 0 ? Status::OK() : corrupt("negative num_children");
      case 6:
        return r.read_i32(h.type, &e->converted_type.emplace());
      case 7:
        return r.read_i32(h.type, &e->scale);
      case 8:
        return r.read_i32(h.type, &e->precision);
      case 10:
        SPARKIFY_RETURN_NOT_OK(expect_struct(h.type));
        return parse_logical_type(r, &e->logical_type);
      default:
        return r.skip(h.type);
    }
  });
}

Status parse_column_meta(CompactReader& r, ColumnMetaData* m) {
  return read_struct(
      r, {1, 2, 3, 4, 5, 6, 7, 9}, "column metadata lacks a required field",
      [&](const FieldHeader& h) -> Status {
        switch (h.id) {
          case 1:
            return r.read_i32(h.type, &m->type);
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
              SPARKIFY_RETURN_NOT_OK(
                  read_binary_string(r, thrift::kBinary, &m->path_in_schema.emplace_back()));
            }
            return Status::OK();
          }
          case 4:
            return r.read_i32(h.type, &m->codec);
          case 5:
            return r.read_integer(h.type, &m->num_values);
          case 6:
            return r.read_integer(h.type, &m->total_uncompressed_size);
          case 7:
            return r.read_integer(h.type, &m->total_compressed_size);
          case 9:
            return r.read_integer(h.type, &m->data_page_offset);
          case 11:
            return r.read_integer(h.type, &m->dictionary_page_offset.emplace());
          case 12:
            SPARKIFY_RETURN_NOT_OK(expect_struct(h.type));
            return parse_statistics(r, &m->statistics.emplace());
          default:
            return r.skip(h.type);
        }
      });
}

Status parse_column_chunk(CompactReader& r, ColumnChunk* c) {
  return for_each_field(r, [&](const FieldHeader& h) -> Status {
    switch (h.id) {
      case 1:
        return Status::NotSupported("column chunks stored in another file (file_path)");
      case 2:
        return r.read_integer(h.type, &c->file_offset);
      case 3:
        SPARKIFY_RETURN_NOT_OK(expect_struct(h.type));
        return parse_column_meta(r, &c->meta_data.emplace());
      default:
        return r.skip(h.type);
    }
  });
}

Status parse_row_group(CompactReader& r, RowGroup* rg) {
  return read_struct(r, {1, 3}, "row group lacks columns or num_rows",
                     [&](const FieldHeader& h) -> Status {
                       switch (h.id) {
                         case 1:
                           return read_struct_list(r, h.type, &rg->columns, parse_column_chunk);
                         case 2:
                           return r.read_integer(h.type, &rg->total_byte_size);
                         case 3:
                           return r.read_integer(h.type, &rg->num_rows);
                         case 5:
                           return r.read_integer(h.type, &rg->file_offset.emplace());
                         case 6:
                           return r.read_integer(h.type, &rg->total_compressed_size.emplace());
                         case 7:
                           return r.read_i16(h.type, &rg->ordinal.emplace());
                         default:
                           return r.skip(h.type);
                       }
                     });
}

Status parse_key_value(CompactReader& r, KeyValue* kv) {
  return read_struct(r, {1}, "key-value entry without a key", [&](const FieldHeader& f) -> Status {
    if (f.id == 1) return read_binary_string(r, f.type, &kv->key);
    if (f.id == 2) return read_binary_string(r, f.type, &kv->value.emplace());
    return r.skip(f.type);
  });
}

/// A ColumnOrder union: which member is set (1 = TYPE_ORDER).
Status parse_column_order(CompactReader& r, int16_t* order) {
  *order = 0;
  return for_each_field(r, [&](const FieldHeader& f) -> Status {
    *order = f.id;
    return r.skip(f.type);
  });
}

Status parse_file_metadata_struct(CompactReader& r, FileMetaData* md) {
  return read_struct(
      r, {2, 3, 4}, "file metadata lacks schema, num_rows or row_groups",
      [&](const FieldHeader& h) -> Status {
        switch (h.id) {
          case 1:
            return r.read_i32(h.type, &md->version);
          case 2:
            return read_struct_list(r, h.type, &md->schema, parse_schema_element);
          case 3:
            return r.read_integer(h.type, &md->num_rows);
          case 4:
            return read_struct_list(r, h.type, &md->row_groups, parse_row_group);
          case 5:
            return read_struct_list(r, h.type, &md->key_value_metadata, parse_key_value);
          case 6:
            return read_binary_string(r, h.type, &md->created_by.emplace());
          case 7:
            return read_struct_list(r, h.type, &md->column_orders, parse_column_order);
          default:
            return r.skip(h.type);
        }
      });
}

// One i32 field of a struct read by read_i32_struct: its id, where it goes, whether required.
struct I32Field {
  int16_t id;
  int32_t* out;
  bool required;
};

// An optional bool field of such a struct.
struct BoolField {
  int16_t id = -1;
  bool* out = nullptr;
};

// Reads a struct whose fields of interest are i32s (and at most one bool), as the page headers
// are; other fields are skipped.
Status read_i32_struct(CompactReader& r, const char* missing,
                       std::initializer_list<I32Field> fields, BoolField flag = {}) {
  RequiredFields required({});
  for (const I32Field& f : fields) {
    if (f.required) required.want(f.id);
  }
  SPARKIFY_RETURN_NOT_OK(for_each_field(r, [&](const FieldHeader& h) -> Status {
    if (flag.out && h.id == flag.id) return read_bool(h.type, flag.out);
    for (const I32Field& f : fields) {
      if (f.id != h.id) continue;
      required.saw(f.id);
      return r.read_i32(h.type, f.out);
    }
    return r.skip(h.type);
  }));
  return required.all_seen() ? Status::OK() : corrupt(missing);
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
  Status st = read_struct(
      r, {1, 2, 3}, "page header lacks type or sizes", [&](const FieldHeader& h) -> Status {
        switch (h.id) {
          case 1:
            return r.read_i32(h.type, &out->type);
          case 2:
            return r.read_i32(h.type, &out->uncompressed_page_size);
          case 3:
            return r.read_i32(h.type, &out->compressed_page_size);
          case 5: {
            SPARKIFY_RETURN_NOT_OK(expect_struct(h.type));
            auto& d = out->data_page_header.emplace();
            return read_i32_struct(r, "data page header lacks a required field",
                                   {{1, &d.num_values, true},
                                    {2, &d.encoding, true},
                                    {3, &d.definition_level_encoding, true},
                                    {4, &d.repetition_level_encoding, true}});
          }
          case 7: {
            SPARKIFY_RETURN_NOT_OK(expect_struct(h.type));
            auto& d = out->dictionary_page_header.emplace();
            return read_i32_struct(r, "dictionary page header lacks a required field",
                                   {{1, &d.num_values, true}, {2, &d.encoding, true}});
          }
          case 8: {
            SPARKIFY_RETURN_NOT_OK(expect_struct(h.type));
            auto& d = out->data_page_header_v2.emplace();
            return read_i32_struct(r, "data page v2 header lacks a required field",
                                   {{1, &d.num_values, true},
                                    {2, &d.num_nulls, true},
                                    {3, &d.num_rows, true},
                                    {4, &d.encoding, true},
                                    {5, &d.definition_levels_byte_length, true},
                                    {6, &d.repetition_levels_byte_length, true}},
                                   {7, &d.is_compressed});
          }
          default:
            return r.skip(h.type);
        }
      });
  SPARKIFY_RETURN_NOT_OK(st);
  return r.position();
}

}  // namespace sparkify::parquet::format
