// The Thrift compact protocol, as much of it as Parquet metadata needs: a writer that appends
// fields to a ByteBuffer, and a bounds-checked reader that never reads past its input, limits
// nesting, and can skip fields it does not know.
#pragma once

#include <cassert>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "common/result.h"
#include "parquet/bit_util.h"
#include "parquet/byte_buffer.h"

namespace sparkify::parquet::thrift {

/// Compact-protocol type ids (the low nibble of a field header).
enum CType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,
  kBoolFalse = 2,
  kI8 = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

/// Appends compact-protocol fields. Inline: footers of tiny files are mostly field headers,
/// so each call reserves its worst case once and writes through a raw pointer.
class CompactWriter {
 public:
  explicit CompactWriter(ByteBuffer* out) : out_(out) {}

  void field_i32(int16_t id, int32_t v) { field_int(id, kI32, zigzag_encode(v)); }
  void field_i64(int16_t id, int64_t v) { field_int(id, kI64, zigzag_encode(v)); }
  void field_bool(int16_t id, bool v) {
    uint8_t* p = out_->extend(4);
    size_t n = header(p, id, v ? kBoolTrue : kBoolFalse);
    out_->resize(out_->size() - 4 + n);
  }
  void field_binary(int16_t id, std::string_view v) {
    uint8_t* p = out_->extend(14 + v.size());
    size_t n = header(p, id, kBinary);
    n += put_varint(p + n, v.size());
    if (!v.empty()) std::memcpy(p + n, v.data(), v.size());
    out_->resize(out_->size() - 14 - v.size() + n + v.size());
  }
  /// Starts a struct-valued field; close it with end_struct().
  void field_struct(int16_t id) {
    uint8_t* p = out_->extend(4);
    size_t n = header(p, id, kStruct);
    out_->resize(out_->size() - 4 + n);
    begin_struct();
  }
  /// Starts a list-valued field of `size` elements of `elem` type, written with the elem_* calls
  /// (struct elements: begin_struct() ... end_struct()).
  void field_list(int16_t id, CType elem, uint32_t size) {
    uint8_t* p = out_->extend(10);
    size_t n = header(p, id, kList);
    if (size < 15) {
      p[n++] = static_cast<uint8_t>((size << 4) | elem);
    } else {
      p[n++] = static_cast<uint8_t>(0xF0 | elem);
      n += put_varint(p + n, size);
    }
    out_->resize(out_->size() - 10 + n);
  }

  void elem_i32(int32_t v) {
    uint8_t* p = out_->extend(10);
    size_t n = put_varint(p, zigzag_encode(v));
    out_->resize(out_->size() - 10 + n);
  }
  void elem_binary(std::string_view v) {
    uint8_t* p = out_->extend(10 + v.size());
    size_t n = put_varint(p, v.size());
    if (!v.empty()) std::memcpy(p + n, v.data(), v.size());
    out_->resize(out_->size() - 10 + n);
  }

  /// Opens a struct that is a list element or the top-level struct.
  void begin_struct() {
    assert(depth_ + 1 < kMaxDepth);
    last_id_[++depth_] = 0;
  }
  /// Writes the stop byte and returns to the enclosing struct's field numbering.
  void end_struct() {
    out_->push_back(kStop);
    assert(depth_ > 0);
    --depth_;
  }

 private:
  static size_t put_varint(uint8_t* p, uint64_t v) {
    size_t n = 0;
    while (v >= 0x80) {
      p[n++] = static_cast<uint8_t>(v | 0x80);
      v >>= 7;
    }
    p[n++] = static_cast<uint8_t>(v);
    return n;
  }
  /// Writes a field header at p (at most 4 bytes); returns its length.
  size_t header(uint8_t* p, int16_t id, CType type) {
    int16_t& last = last_id_[depth_];
    int delta = id - last;
    last = id;
    if (delta > 0 && delta <= 15) {
      p[0] = static_cast<uint8_t>((delta << 4) | type);
      return 1;
    }
    p[0] = type;
    return 1 + put_varint(p + 1, zigzag_encode(id));
  }
  void field_int(int16_t id, CType type, uint64_t zigzag) {
    uint8_t* p = out_->extend(14);
    size_t n = header(p, id, type);
    n += put_varint(p + n, zigzag);
    out_->resize(out_->size() - 14 + n);
  }

  static constexpr int kMaxDepth = 16;
  ByteBuffer* out_;
  int16_t last_id_[kMaxDepth] = {};
  int depth_ = 0;
};

/// A field header as read: type kStop marks the end of a struct.
struct FieldHeader {
  int16_t id = 0;
  CType type = kStop;
};

class CompactReader {
 public:
  CompactReader(const uint8_t* data, size_t size) : pos_(data), begin_(data), end_(data + size) {}

  size_t position() const { return static_cast<size_t>(pos_ - begin_); }

  /// Reads the next field header of the current struct; `last_id` is that struct's previous
  /// field id (start each struct at 0).
  Status read_field_header(int16_t* last_id, FieldHeader* out);
  /// Reads an integer of any integer type (I8 is one raw byte, the others zigzag varints).
  Status read_integer(CType type, int64_t* out);
  /// read_integer, checked to fit an i32 / i16.
  Status read_i32(CType type, int32_t* out);
  Status read_i16(CType type, int16_t* out);
  Status read_double(double* out);
  /// A view into the input; valid while the input is.
  Status read_binary(std::string_view* out);
  /// A bool field's value is its header type; a bool list element is one byte.
  static bool bool_value(CType type) { return type == kBoolTrue; }
  Status read_bool_element(bool* out);
  Status read_list_header(CType* elem, uint32_t* size);
  /// Skips a value of `type` (nested structs, lists and maps included, to a bounded depth).
  Status skip(CType type, int depth = 0);

 private:
  Status varint(uint64_t* out);
  Status error(const char* what) const;

  static constexpr int kMaxDepth = 32;
  const uint8_t* pos_;
  const uint8_t* begin_;
  const uint8_t* end_;
};

}  // namespace sparkify::parquet::thrift
