// A minimal binary encoding (little-endian fixed-width numbers, length-prefixed strings) for the
// state ranks exchange under MPI: every rank runs the same build, so no schema evolution is needed,
// only bounds checks on reading.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace sparkify {

class WireWriter {
 public:
  explicit WireWriter(std::vector<uint8_t>& out) : out_(out) {}

  template <typename T>
  void put(T value) {
    static_assert(std::is_trivially_copyable_v<T>);
    size_t at = out_.size();
    out_.resize(at + sizeof(T));
    std::memcpy(out_.data() + at, &value, sizeof(T));
  }
  void put_string(std::string_view s) {
    put<uint64_t>(s.size());
    out_.insert(out_.end(), s.begin(), s.end());
  }
  template <typename T>
  void put_optional(const std::optional<T>& v) {
    put<uint8_t>(v.has_value());
    if (v) put(*v);
  }

 private:
  std::vector<uint8_t>& out_;
};

/// Reads what WireWriter wrote; every get returns false (and keeps failing) past the end.
class WireReader {
 public:
  explicit WireReader(std::span<const uint8_t> in) : in_(in) {}

  template <typename T>
  bool get(T& value) {
    if (!ok_ || in_.size() < sizeof(T)) return ok_ = false;
    std::memcpy(&value, in_.data(), sizeof(T));
    in_ = in_.subspan(sizeof(T));
    return true;
  }
  /// A view of the string's bytes inside the input (valid while the input is).
  bool get_view(std::string_view& s) {
    uint64_t n = 0;
    if (!get(n) || in_.size() < n) return ok_ = false;
    s = std::string_view(reinterpret_cast<const char*>(in_.data()), n);
    in_ = in_.subspan(n);
    return true;
  }
  bool get_string(std::string& s) {
    std::string_view v;
    if (!get_view(v)) return false;
    s.assign(v);
    return true;
  }
  template <typename T>
  bool get_optional(std::optional<T>& v) {
    uint8_t has = 0;
    if (!get(has)) return false;
    v.reset();
    if (!has) return true;
    T value;
    if (!get(value)) return false;
    v = value;
    return true;
  }
  bool done() const { return ok_ && in_.empty(); }
  bool ok() const { return ok_; }

 private:
  std::span<const uint8_t> in_;
  bool ok_ = true;
};

}  // namespace sparkify
