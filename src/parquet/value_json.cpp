#include "parquet/value_json.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <variant>
#include <vector>

#include "common/base64.h"
#include "common/civil_date.h"
#include "common/json.h"

namespace sparkify::parquet {

namespace {

constexpr int64_t kJulianUnixEpoch = 2440588;  // Julian day number of 1970-01-01
constexpr int64_t kNanosPerDay = 86400LL * 1000 * 1000 * 1000;
constexpr size_t kMaxDecimalBytes = 128;

template <typename T>
void append_number(T v, std::string* out) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, r.ptr);
}

template <typename F>
void append_float(F v, std::string* out) {
  if (std::isnan(v)) {
    out->append("\"NaN\"");
  } else if (std::isinf(v)) {
    out->append(v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  } else {
    append_number(v, out);
  }
}

void append_padded(uint64_t v, int width, std::string* out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  for (int n = static_cast<int>(r.ptr - buf); n < width; ++n) out->push_back('0');
  out->append(buf, r.ptr);
}

void append_date(int64_t days, std::string* out) {
  CivilDate d = civil_from_days(days);
  if (d.year < 0) {
    out->push_back('-');
    append_padded(static_cast<uint64_t>(-d.year), 4, out);
  } else {
    if (d.year > 9999) out->push_back('+');
    append_padded(static_cast<uint64_t>(d.year), 4, out);
  }
  out->push_back('-');
  append_padded(static_cast<uint64_t>(d.month), 2, out);
  out->push_back('-');
  append_padded(static_cast<uint64_t>(d.day), 2, out);
}

/// "HH:MM:SS[.fraction]" of `units` into a day (`digits` fraction digits per second).
void append_time_of_day(uint64_t units, int digits, std::string* out) {
  uint64_t per_second = 1;
  for (int i = 0; i < digits; ++i) per_second *= 10;
  uint64_t seconds = units / per_second;
  append_padded(seconds / 3600, 2, out);
  out->push_back(':');
  append_padded(seconds / 60 % 60, 2, out);
  out->push_back(':');
  append_padded(seconds % 60, 2, out);
  if (digits > 0) {
    out->push_back('.');
    append_padded(units % per_second, digits, out);
  }
}

/// `value` units since the epoch, `digits` fraction digits per second (3, 6, 9).
void append_timestamp(__int128 value, int digits, bool utc, std::string* out) {
  __int128 per_day = 86400;
  for (int i = 0; i < digits; ++i) per_day *= 10;
  __int128 days = value / per_day;
  __int128 rest = value % per_day;
  if (rest < 0) {
    rest += per_day;
    days -= 1;
  }
  out->push_back('"');
  append_date(static_cast<int64_t>(days), out);
  out->push_back('T');
  append_time_of_day(static_cast<uint64_t>(rest), digits, out);
  if (utc) out->push_back('Z');
  out->push_back('"');
}

/// Exact decimal string of a big-endian two's complement integer scaled by 10^-scale.
Status append_decimal_bytes(std::string_view be, int scale, std::string* out) {
  const auto* p = reinterpret_cast<const uint8_t*>(be.data());
  size_t n = be.size();
  const bool negative = n > 0 && (p[0] & 0x80);
  // Drop sign-extension bytes.
  size_t start = 0;
  while (start + 1 < n && p[start] == (negative ? 0xFF : 0x00) &&
         ((p[start + 1] & 0x80) != 0) == negative)
    ++start;
  if (n - start > kMaxDecimalBytes) return Status::Corrupt("a decimal value wider than 1024 bits");
  // Magnitude as little-endian 32-bit limbs.
  std::vector<uint8_t> mag(p + start, p + n);
  if (negative) {  // two's complement negate
    for (auto& b : mag) b = static_cast<uint8_t>(~b);
    for (size_t i = mag.size(); i-- > 0;) {
      if (++mag[i] != 0) break;
    }
  }
  std::vector<uint32_t> limbs((mag.size() + 3) / 4, 0);
  for (size_t i = 0; i < mag.size(); ++i) {
    size_t bit = (mag.size() - 1 - i) * 8;
    limbs[bit / 32] |= uint32_t{mag[i]} << (bit % 32);
  }
  std::string digits;
  auto nonzero = [&] {
    for (uint32_t l : limbs) {
      if (l) return true;
    }
    return false;
  };
  while (nonzero()) {
    uint64_t rem = 0;
    for (size_t i = limbs.size(); i-- > 0;) {
      uint64_t cur = (rem << 32) | limbs[i];
      limbs[i] = static_cast<uint32_t>(cur / 1000000000u);
      rem = cur % 1000000000u;
    }
    for (int k = 0; k < 9; ++k) {
      digits.push_back(static_cast<char>('0' + rem % 10));
      rem /= 10;
    }
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  if (digits.empty()) digits = "0";
  while (digits.size() <= static_cast<size_t>(scale)) digits.push_back('0');
  out->push_back('"');
  if (negative && digits != std::string(digits.size(), '0')) out->push_back('-');
  for (size_t i = digits.size(); i-- > 0;) {
    out->push_back(digits[i]);
    if (i == static_cast<size_t>(scale) && scale > 0) out->push_back('.');
  }
  out->push_back('"');
  return Status::OK();
}

Status append_decimal_int(int64_t v, int scale, std::string* out) {
  uint8_t be[8];
  for (int i = 0; i < 8; ++i)
    be[i] = static_cast<uint8_t>(static_cast<uint64_t>(v) >> (56 - 8 * i));
  return append_decimal_bytes(std::string_view(reinterpret_cast<const char*>(be), 8), scale, out);
}

float half_to_float(uint16_t h) {
  const uint32_t sign = (h >> 15) & 1, exp = (h >> 10) & 0x1F, frac = h & 0x3FF;
  float v;
  if (exp == 0) {
    v = std::ldexp(static_cast<float>(frac), -24);
  } else if (exp == 31) {
    v = frac ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity();
  } else {
    v = std::ldexp(static_cast<float>(frac | 0x400), static_cast<int>(exp) - 25);
  }
  return sign ? -v : v;
}

int fraction_digits(LogicalType t) {
  switch (t) {
    case LogicalType::kTimestampMillis:
    case LogicalType::kTimeMillis:
      return 3;
    case LogicalType::kTimestampMicros:
    case LogicalType::kTimeMicros:
      return 6;
    default:
      return 9;
  }
}

Status append_int(const ColumnSchema& s, int64_t v, std::string* out) {
  switch (s.logical) {
    case LogicalType::kInteger:
      if (!s.int_signed) {
        uint64_t u = s.int_bits == 64 ? static_cast<uint64_t>(v) : static_cast<uint32_t>(v);
        if (s.int_bits == 8) u &= 0xFF;
        if (s.int_bits == 16) u &= 0xFFFF;
        append_number(u, out);
        return Status::OK();
      }
      break;
    case LogicalType::kDecimal:
      return append_decimal_int(v, s.scale, out);
    case LogicalType::kDate:
      out->push_back('"');
      append_date(v, out);
      out->push_back('"');
      return Status::OK();
    case LogicalType::kTimeMillis:
    case LogicalType::kTimeMicros:
    case LogicalType::kTimeNanos:
      out->push_back('"');
      append_time_of_day(static_cast<uint64_t>(v), fraction_digits(s.logical), out);
      out->push_back('"');
      return Status::OK();
    case LogicalType::kTimestampMillis:
    case LogicalType::kTimestampMicros:
    case LogicalType::kTimestampNanos:
      append_timestamp(v, fraction_digits(s.logical), s.utc, out);
      return Status::OK();
    default:
      break;
  }
  append_number(v, out);
  return Status::OK();
}

Status append_bytes(const ColumnSchema& s, std::string_view v, std::string* out) {
  switch (s.logical) {
    case LogicalType::kString:
    case LogicalType::kJson:
    case LogicalType::kEnum:
      out->push_back('"');
      out->append(json_escape(v));
      out->push_back('"');
      return Status::OK();
    case LogicalType::kDecimal:
      return append_decimal_bytes(v, s.scale, out);
    case LogicalType::kFloat16: {
      uint16_t h =
          static_cast<uint16_t>(static_cast<uint8_t>(v[0]) | (static_cast<uint8_t>(v[1]) << 8));
      append_float(half_to_float(h), out);
      return Status::OK();
    }
    case LogicalType::kUuid: {
      static constexpr char kHex[] = "0123456789abcdef";
      out->push_back('"');
      for (size_t i = 0; i < v.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out->push_back('-');
        auto b = static_cast<uint8_t>(v[i]);
        out->push_back(kHex[b >> 4]);
        out->push_back(kHex[b & 15]);
      }
      out->push_back('"');
      return Status::OK();
    }
    case LogicalType::kInterval: {
      uint32_t f[3];
      std::memcpy(f, v.data(), 12);
      out->append("{\"months\":");
      append_number(f[0], out);
      out->append(",\"days\":");
      append_number(f[1], out);
      out->append(",\"millis\":");
      append_number(f[2], out);
      out->push_back('}');
      return Status::OK();
    }
    default:
      out->push_back('"');
      base64_append(v, out);
      out->push_back('"');
      return Status::OK();
  }
}

/// An INT96 timestamp as microseconds since the epoch plus the nanoseconds below them (0..999).
/// Spark computes the Julian day and nanoseconds from 64-bit microseconds with wrapping
/// arithmetic, so a timestamp near the end of its range (year 290000) is stored wrapped; reading
/// with the same wrapping arithmetic gives back what Spark wrote. Values within range are exact.
struct Int96Micros {
  int64_t micros;
  int64_t sub_micro_nanos;
};

Int96Micros int96_micros(const Int96& v) {
  const __int128 nanos = v.nanos_of_day();
  __int128 us = nanos / 1000, sub = nanos % 1000;
  if (sub < 0) {
    sub += 1000;
    us -= 1;
  }
  us += static_cast<__int128>(v.julian_day() - kJulianUnixEpoch) * (kNanosPerDay / 1000);
  return {static_cast<int64_t>(static_cast<uint64_t>(us)), static_cast<int64_t>(sub)};
}

}  // namespace

int64_t int96_to_unix_micros(const Int96& v) { return int96_micros(v).micros; }

Status append_json_value(const ColumnSchema& s, const ColumnData& data, size_t row,
                         std::string* out) {
  if (data.is_null(row)) {
    out->append("null");
    return Status::OK();
  }
  return std::visit(
      [&](const auto& values) -> Status {
        using V = std::decay_t<decltype(values)>;
        if constexpr (std::is_same_v<V, StringColumn>) {
          return append_bytes(s, values.at(row), out);
        } else {
          using T = typename V::value_type;
          const T& v = values[row];
          if constexpr (std::is_same_v<T, uint8_t>) {
            out->append(v ? "true" : "false");
          } else if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
            append_float(v, out);
          } else if constexpr (std::is_same_v<T, Int96>) {
            const Int96Micros t = int96_micros(v);
            append_timestamp(static_cast<__int128>(t.micros) * 1000 + t.sub_micro_nanos, 9, true,
                             out);
          } else {
            return append_int(s, v, out);
          }
          return Status::OK();
        }
      },
      data.values);
}

Status append_json_plain_value(const ColumnSchema& s, std::string_view plain, std::string* out) {
  ColumnData d;
  auto fixed = [&](auto zero) -> Status {
    using T = decltype(zero);
    if (plain.size() != sizeof(T)) return Status::Corrupt("a statistics value of the wrong size");
    T v;
    std::memcpy(&v, plain.data(), sizeof v);
    d.values = std::vector<T>{v};
    return Status::OK();
  };
  switch (s.physical) {
    case PhysicalType::kBoolean:
      if (plain.size() != 1) return Status::Corrupt("a statistics value of the wrong size");
      d.values = std::vector<uint8_t>{static_cast<uint8_t>(plain[0] & 1)};
      break;
    case PhysicalType::kInt32:
      SPARKIFY_RETURN_NOT_OK(fixed(int32_t{}));
      break;
    case PhysicalType::kInt64:
      SPARKIFY_RETURN_NOT_OK(fixed(int64_t{}));
      break;
    case PhysicalType::kFloat:
      SPARKIFY_RETURN_NOT_OK(fixed(float{}));
      break;
    case PhysicalType::kDouble:
      SPARKIFY_RETURN_NOT_OK(fixed(double{}));
      break;
    case PhysicalType::kInt96:
      SPARKIFY_RETURN_NOT_OK(fixed(Int96{}));
      break;
    case PhysicalType::kFixedLenByteArray:
      if (plain.size() != static_cast<size_t>(s.type_length))
        return Status::Corrupt("a statistics value of the wrong size");
      [[fallthrough]];
    case PhysicalType::kByteArray: {
      StringColumn c;
      c.data.assign(plain);
      c.offsets.push_back(c.data.size());
      d.values = std::move(c);
      break;
    }
  }
  return append_json_value(s, d, 0, out);
}

std::string physical_type_name(const ColumnSchema& s) {
  switch (s.physical) {
    case PhysicalType::kBoolean:
      return "BOOLEAN";
    case PhysicalType::kInt32:
      return "INT32";
    case PhysicalType::kInt64:
      return "INT64";
    case PhysicalType::kInt96:
      return "INT96";
    case PhysicalType::kFloat:
      return "FLOAT";
    case PhysicalType::kDouble:
      return "DOUBLE";
    case PhysicalType::kByteArray:
      return "BYTE_ARRAY";
    case PhysicalType::kFixedLenByteArray:
      return "FIXED_LEN_BYTE_ARRAY(" + std::to_string(s.type_length) + ")";
  }
  return "?";
}

std::string logical_type_name(const ColumnSchema& s) {
  auto unit = [&](const char* name) {
    const char* u = fraction_digits(s.logical) == 3   ? "MILLIS"
                    : fraction_digits(s.logical) == 6 ? "MICROS"
                                                      : "NANOS";
    return std::string(name) + "(" + u + "," + (s.utc ? "true" : "false") + ")";
  };
  switch (s.logical) {
    case LogicalType::kNone:
      return "";
    case LogicalType::kString:
      return "STRING";
    case LogicalType::kJson:
      return "JSON";
    case LogicalType::kEnum:
      return "ENUM";
    case LogicalType::kBson:
      return "BSON";
    case LogicalType::kUuid:
      return "UUID";
    case LogicalType::kFloat16:
      return "FLOAT16";
    case LogicalType::kInterval:
      return "INTERVAL";
    case LogicalType::kDate:
      return "DATE";
    case LogicalType::kTimestampMillis:
    case LogicalType::kTimestampMicros:
    case LogicalType::kTimestampNanos:
      return unit("TIMESTAMP");
    case LogicalType::kTimeMillis:
    case LogicalType::kTimeMicros:
    case LogicalType::kTimeNanos:
      return unit("TIME");
    case LogicalType::kDecimal:
      return "DECIMAL(" + std::to_string(s.precision) + "," + std::to_string(s.scale) + ")";
    case LogicalType::kInteger:
      return "INTEGER(" + std::to_string(s.int_bits) + "," + (s.int_signed ? "true" : "false") +
             ")";
  }
  return "";
}

}  // namespace sparkify::parquet
