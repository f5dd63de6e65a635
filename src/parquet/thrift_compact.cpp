#include "parquet/thrift_compact.h"

#include <cassert>
#include <cstring>
#include <string>

#include "parquet/bit_util.h"

namespace sparkify::parquet::thrift {

Status CompactReader::error(const char* what) const {
  return Status::Corrupt(std::string("thrift: ") + what + " at byte " + std::to_string(position()));
}

Status CompactReader::varint(uint64_t* out) {
  if (!read_varint(&pos_, end_, out)) return error("truncated or overlong varint");
  return Status::OK();
}

Status CompactReader::read_field_header(int16_t* last_id, FieldHeader* out) {
  if (pos_ == end_) return error("struct runs past the end of its data");
  uint8_t b = *pos_++;
  auto type = static_cast<CType>(b & 0x0f);
  if (type == kStop) {
    if (b != 0) return error("bad stop byte");
    out->type = kStop;
    out->id = 0;
    return Status::OK();
  }
  if (type > kStruct) return error("unknown field type");
  int delta = b >> 4;
  int id;
  if (delta != 0) {
    id = *last_id + delta;
  } else {
    uint64_t z = 0;
    SPARKIFY_RETURN_NOT_OK(varint(&z));
    int64_t v = zigzag_decode(z);
    if (v < INT16_MIN || v > INT16_MAX) return error("field id out of range");
    id = static_cast<int>(v);
  }
  if (id < INT16_MIN || id > INT16_MAX) return error("field id out of range");
  out->id = static_cast<int16_t>(id);
  out->type = type;
  *last_id = out->id;
  return Status::OK();
}

Status CompactReader::read_integer(CType type, int64_t* out) {
  if (type == kI8) {
    if (pos_ == end_) return error("truncated byte");
    *out = static_cast<int8_t>(*pos_++);
    return Status::OK();
  }
  if (type != kI16 && type != kI32 && type != kI64) return error("expected an integer field");
  uint64_t z = 0;
  SPARKIFY_RETURN_NOT_OK(varint(&z));
  *out = zigzag_decode(z);
  return Status::OK();
}

Status CompactReader::read_i32(CType type, int32_t* out) {
  int64_t v = 0;
  SPARKIFY_RETURN_NOT_OK(read_integer(type, &v));
  if (v < INT32_MIN || v > INT32_MAX) return error("i32 out of range");
  *out = static_cast<int32_t>(v);
  return Status::OK();
}

Status CompactReader::read_i16(CType type, int16_t* out) {
  int64_t v = 0;
  SPARKIFY_RETURN_NOT_OK(read_integer(type, &v));
  if (v < INT16_MIN || v > INT16_MAX) return error("i16 out of range");
  *out = static_cast<int16_t>(v);
  return Status::OK();
}

Status CompactReader::read_double(double* out) {
  if (end_ - pos_ < 8) return error("truncated double");
  std::memcpy(out, pos_, 8);
  pos_ += 8;
  return Status::OK();
}

Status CompactReader::read_binary(std::string_view* out) {
  uint64_t n = 0;
  SPARKIFY_RETURN_NOT_OK(varint(&n));
  if (n > static_cast<uint64_t>(end_ - pos_)) return error("binary length exceeds the data left");
  *out = std::string_view(reinterpret_cast<const char*>(pos_), n);
  pos_ += n;
  return Status::OK();
}

Status CompactReader::read_bool_element(bool* out) {
  if (pos_ == end_) return error("truncated bool");
  *out = (*pos_++ == kBoolTrue);
  return Status::OK();
}

Status CompactReader::read_list_header(CType* elem, uint32_t* size) {
  if (pos_ == end_) return error("truncated list header");
  uint8_t b = *pos_++;
  *elem = static_cast<CType>(b & 0x0f);
  if (*elem > kStruct || *elem == kStop) return error("unknown list element type");
  uint64_t n = b >> 4;
  if (n == 15) SPARKIFY_RETURN_NOT_OK(varint(&n));
  // Every element takes at least one byte, so a longer list cannot fit in what is left.
  if (n > static_cast<uint64_t>(end_ - pos_)) return error("list longer than the data left");
  *size = static_cast<uint32_t>(n);
  return Status::OK();
}

Status CompactReader::skip(CType type, int depth) {
  if (depth > kMaxDepth) return error("nesting too deep");
  uint64_t ignored = 0;
  switch (type) {
    case kBoolTrue:
    case kBoolFalse:
      return Status::OK();  // a bool field carries its value in the header
    case kI8:
      if (pos_ == end_) return error("truncated byte");
      ++pos_;
      return Status::OK();
    case kI16:
    case kI32:
    case kI64:
      return varint(&ignored);
    case kDouble:
      if (end_ - pos_ < 8) return error("truncated double");
      pos_ += 8;
      return Status::OK();
    case kBinary: {
      std::string_view s;
      return read_binary(&s);
    }
    case kList:
    case kSet: {
      CType elem;
      uint32_t n;
      SPARKIFY_RETURN_NOT_OK(read_list_header(&elem, &n));
      for (uint32_t i = 0; i < n; ++i) {
        if (elem == kBoolTrue || elem == kBoolFalse) {
          bool b;
          SPARKIFY_RETURN_NOT_OK(read_bool_element(&b));
        } else {
          SPARKIFY_RETURN_NOT_OK(skip(elem, depth + 1));
        }
      }
      return Status::OK();
    }
    case kMap: {
      uint64_t n = 0;
      SPARKIFY_RETURN_NOT_OK(varint(&n));
      if (n == 0) return Status::OK();
      if (pos_ == end_) return error("truncated map header");
      uint8_t kv = *pos_++;
      if (n > static_cast<uint64_t>(end_ - pos_)) return error("map larger than the data left");
      auto kt = static_cast<CType>(kv >> 4), vt = static_cast<CType>(kv & 0x0f);
      if (kt == kStop || vt == kStop || kt > kStruct || vt > kStruct) return error("bad map types");
      for (uint64_t i = 0; i < n; ++i) {
        for (CType t : {kt, vt}) {
          if (t == kBoolTrue || t == kBoolFalse) {
            bool b;
            SPARKIFY_RETURN_NOT_OK(read_bool_element(&b));
          } else {
            SPARKIFY_RETURN_NOT_OK(skip(t, depth + 1));
          }
        }
      }
      return Status::OK();
    }
    case kStruct: {
      int16_t last = 0;
      for (;;) {
        FieldHeader h;
        SPARKIFY_RETURN_NOT_OK(read_field_header(&last, &h));
        if (h.type == kStop) return Status::OK();
        SPARKIFY_RETURN_NOT_OK(skip(h.type, depth + 1));
      }
    }
    default:
      return error("unknown type");
  }
}

}  // namespace sparkify::parquet::thrift
