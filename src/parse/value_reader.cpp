#include "parse/value_reader.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "parse/byte_scan.h"

namespace sparkify::parse::SPARKIFY_PARSE_KERNEL_NS {

namespace {

const char* type_name(od::json_type type) {
  switch (type) {
    case od::json_type::array:
      return "an array";
    case od::json_type::object:
      return "an object";
    case od::json_type::number:
      return "a number";
    case od::json_type::string:
      return "a string";
    case od::json_type::boolean:
      return "a boolean";
    case od::json_type::null:
      return "null";
  }
  return "unknown";
}

// An integral double within int64's range, as an int64 ("1.5e12" yes, 1.5 no).
bool exact_int64(double d, int64_t& out) {
  if (!std::isfinite(d) || d != std::trunc(d)) return false;
  if (d < -9.2233720368547758e18 || d >= 9.2233720368547758e18) return false;
  out = static_cast<int64_t>(d);
  return true;
}

bool parse_double_text(std::string_view s, double& out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && std::isfinite(out);
}

static_assert(kScanBytes <= ValueReader::kStringBlock);

// What a one-character escape stands for; 0 for 'u' and for characters that cannot follow '\\'.
char simple_escape(char c) {
  switch (c) {
    case '"':
      return '"';
    case '\\':
      return '\\';
    case '/':
      return '/';
    case 'b':
      return '\b';
    case 'f':
      return '\f';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    default:
      return 0;
  }
}

#if defined(__AVX512VBMI2__)
// Unescapes the string at `src` into `dst` 64 bytes at a time when its escapes are all \" and
// \/ (an event's userAgent is written so): one compress drops a block's backslashes. Returns
// the unescaped size; 0 for any other escape, or one split by a block's end, which the
// caller's general loop then reads.
size_t unescape_quotes_and_slashes(const char* src, char* dst) {
  char* to = dst;
  for (;;) {
    __m512i v = _mm512_loadu_si512(src);
    uint64_t quotes = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('"'));
    uint64_t backslashes = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\\'));
    uint64_t slashes = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('/'));
    uint64_t closing = quotes & ~(backslashes << 1);
    uint64_t inside = closing != 0 ? (closing & (0 - closing)) - 1 : ~uint64_t{0};
    uint64_t escapes = backslashes & inside;
    // Each backslash escapes the next byte, a quote or a slash (so none escapes a backslash).
    if ((escapes >> 63) != 0 || ((escapes << 1) & ~(quotes | slashes)) != 0) return 0;
    uint64_t keep = inside & ~escapes;
    _mm512_storeu_si512(to, _mm512_maskz_compress_epi8(keep, v));
    to += __builtin_popcountll(keep);
    if (closing != 0) return static_cast<size_t>(to - dst);
    src += 64;
  }
}
#endif

}  // namespace

// With one-character escapes only, the string is unescaped into the reader's buffer, every
// escape of a block found from one compare, where simdjson's get_string scans again after each
// (an event's userAgent holds a dozen).
bool ValueReader::unescape_string(const char* src, std::string_view& out) {
  char*& dst = unescaped_end_;
#if defined(__AVX512VBMI2__)
  if (size_t size = unescape_quotes_and_slashes(src, dst); size != 0) {
    out = {dst, size};
    dst += size;
    return true;
  }
#endif
  const char* block = src;  // the block scanned
  ByteHits first = quotes_and_backslashes(block);
  uint64_t hits = first.a | first.b;
  char* to = dst;
  const char* from = src;  // the first byte not yet copied
  // Copies are a block wide (the destination has a block of room past the string, and the
  // source reads stay within a block past its closing quote), then advanced by what belongs.
  for (;;) {
    if (hits == 0) {
      std::memcpy(to, from, kScanBytes);
      to += block + kScanBytes - from;
      from = block + kScanBytes;
      block = from;
      ByteHits next = quotes_and_backslashes(block);
      hits = next.a | next.b;
      continue;
    }
    size_t at = static_cast<size_t>(__builtin_ctzll(hits));
    const char* hit = block + at;
    std::memcpy(to, from, kScanBytes);
    to += hit - from;
    if (*hit == '"') break;
    char escaped = simple_escape(hit[1]);
    if (escaped == 0) return false;
    *to++ = escaped;
    from = hit + 2;
    hits &= hits - 1;
    if (at + 1 < kScanBytes) {
      hits &= ~(uint64_t{1} << (at + 1));  // the escaped character may be a quote or backslash
    } else {
      block = from;  // the escaped character starts the next block
      ByteHits next = quotes_and_backslashes(block);
      hits = next.a | next.b;
    }
  }
  out = {dst, static_cast<size_t>(to - dst)};
  dst = to;
  return true;
}

bool parse_integer_text(std::string_view text, int64_t& out) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto [stop, ec] = std::from_chars(text.data(), end, out);
  if (ec == std::errc() && stop == end) return true;
  // "39.0" or "1.5e12" in a string: accept only exact integers.
  double d;
  auto [dstop, dec] = std::from_chars(text.data(), end, d);
  return dec == std::errc() && dstop == end && exact_int64(d, out);
}

void ValueReader::fail_json(simdjson::error_code error) {
  fail(std::string("invalid JSON: ") + simdjson::error_message(error));
}

void ValueReader::fail(std::string reason) {
  if (failed_) return;
  failed_ = true;
  reason_ = std::move(reason);
}

void ValueReader::fail_type(std::string_view key, std::string_view expected, od::json_type got) {
  fail(std::string(key) + ": expected " + std::string(expected) + ", got " + type_name(got));
}

template <typename T, typename Parse>
bool ValueReader::read_numeric_string(od::value& value, std::string_view key,
                                      std::string_view expected, Parse parse, T& out) {
  std::string_view s;
  if (auto error = value.get_string().get(s)) {
    fail_json(error);
    return false;
  }
  if (parse(s, out)) return true;
  fail(std::string(key) + ": expected " + std::string(expected) + ", got \"" +
       std::string(s.substr(0, 40)) + "\"");
  return false;
}

bool ValueReader::type_of(od::value& value, od::json_type& type) {
  if (failed_) return false;
  if (auto error = value.type().get(type)) {
    fail_json(error);
    return false;
  }
  return true;
}

void ValueReader::read_string_general(od::value& value, std::string_view key,
                                      model::NullableString& out) {
  od::json_type type;
  if (!type_of(value, type)) return;
  if (type == od::json_type::null) {
    validate(value);
    out = {};
    return;
  }
  if (type != od::json_type::string) return fail_type(key, "a string", type);
  std::string_view s;
  if (auto error = value.get_string().get(s)) return fail_json(error);
  out = {s, true};
}

void ValueReader::read_int64(od::value& value, std::string_view key, std::optional<int64_t>& out) {
  od::json_type type;
  if (!type_of(value, type)) return;
  switch (type) {
    case od::json_type::null:
      validate(value);
      out.reset();
      return;
    case od::json_type::number: {
      int64_t i;
      // A failed get_int64 does not consume the value, so a float can be retried as a double.
      auto error = value.get_int64().get(i);
      if (!error) {
        out = i;
        return;
      }
      double d;
      if (auto derror = value.get_double().get(d)) return fail_json(derror);
      if (!exact_int64(d, i)) {
        return fail(std::string(key) + ": expected an integer, got " + std::to_string(d));
      }
      out = i;
      return;
    }
    case od::json_type::string: {
      int64_t i;
      if (read_numeric_string(value, key, "an integer", parse_integer_text, i)) out = i;
      return;
    }
    default:
      return fail_type(key, "an integer", type);
  }
}

void ValueReader::read_int32(od::value& value, std::string_view key, std::optional<int32_t>& out) {
  std::optional<int64_t> wide;
  read_int64(value, key, wide);
  if (failed_) return;
  if (!wide) {
    out.reset();
    return;
  }
  if (*wide < std::numeric_limits<int32_t>::min() || *wide > std::numeric_limits<int32_t>::max()) {
    return fail(std::string(key) + ": " + std::to_string(*wide) + " is out of range");
  }
  out = static_cast<int32_t>(*wide);
}

void ValueReader::read_double(od::value& value, std::string_view key, std::optional<double>& out) {
  od::json_type type;
  if (!type_of(value, type)) return;
  switch (type) {
    case od::json_type::null:
      validate(value);
      out.reset();
      return;
    case od::json_type::number: {
      double d;
      if (auto error = value.get_double().get(d)) return fail_json(error);
      out = d;
      return;
    }
    case od::json_type::string: {
      double d;
      if (read_numeric_string(value, key, "a number", parse_double_text, d)) out = d;
      return;
    }
    default:
      return fail_type(key, "a number", type);
  }
}

void ValueReader::validate_general(od::value& value, int depth) {
  // Nesting is walked by recursion: a record nested deeper than simdjson's own default limit is
  // rejected before it can exhaust the stack (70k levels did, in one line of a log).
  if (depth >= kMaxDepth) {
    return fail("nested deeper than " + std::to_string(kMaxDepth) + " levels");
  }
  od::json_type type;
  if (!type_of(value, type)) return;
  switch (type) {
    case od::json_type::object: {
      od::object object;
      if (auto error = value.get_object().get(object)) return fail_json(error);
      for (auto field_result : object) {
        // By reference: a copy of the field costs a store-forwarding stall per field.
        if (auto error = field_result.error()) return fail_json(error);
        od::field& field = field_result.value_unsafe();
        std::string_view key;
        if (auto error = field.unescaped_key().get(key)) return fail_json(error);
        validate(field.value(), depth + 1);
        if (failed_) return;
      }
      return;
    }
    case od::json_type::array: {
      od::array array;
      if (auto error = value.get_array().get(array)) return fail_json(error);
      for (auto element_result : array) {
        od::value element;
        if (auto error = std::move(element_result).get(element)) return fail_json(error);
        validate(element, depth + 1);
        if (failed_) return;
      }
      return;
    }
    case od::json_type::number: {
      double d;
      if (auto error = value.get_double().get(d)) return fail_json(error);
      return;
    }
    case od::json_type::string: {
      std::string_view s;
      if (auto error = value.get_string().get(s)) return fail_json(error);
      return;
    }
    case od::json_type::boolean: {
      bool b;
      if (auto error = value.get_bool().get(b)) return fail_json(error);
      return;
    }
    case od::json_type::null: {
      bool is_null = false;
      if (auto error = value.is_null().get(is_null)) return fail_json(error);
      if (!is_null) fail_json(simdjson::N_ATOM_ERROR);
      return;
    }
  }
}

}  // namespace sparkify::parse::SPARKIFY_PARSE_KERNEL_NS
