// The Thrift compact protocol, as much of it as Parquet metadata needs: a writer that appends
// fields to a ByteBuffer, and a bounds-checked reader that never reads past its input, limits
// nesting, and can skip fields it does not know.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/result.h"
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

class CompactWriter {
 public:
  explicit CompactWriter(ByteBuffer* out) : out_(out) {}

  void field_i32(int16_t id, int32_t v);
  void field_i64(int16_t id, int64_t v);
  void field_bool(int16_t id, bool v);
  void field_binary(int16_t id, std::string_view v);
  /// Starts a struct-valued field; close it with end_struct().
  void field_struct(int16_t id);
  /// Starts a list-valued field of `size` elements of `elem` type, written with the elem_* calls
  /// (struct elements: begin_struct() ... end_struct()).
  void field_list(int16_t id, CType elem, uint32_t size);

  void elem_i32(int32_t v);
  void elem_binary(std::string_view v);

  /// Opens a struct that is a list element or the top-level struct.
  void begin_struct();
  /// Writes the stop byte and returns to the enclosing struct's field numbering.
  void end_struct();

 private:
  void field_header(int16_t id, CType type);
  void varint(uint64_t v);

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
