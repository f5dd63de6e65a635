#include "sink/rejects_writer.h"

#include <simdjson.h>

#include <cstdio>

#include "common/json.h"

namespace sparkify::sink {

namespace {

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(v >> s) & 63]);
  }
  if (i < bytes.size()) {
    uint32_t v = uint8_t(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= uint8_t(bytes[i + 1]) << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

}  // namespace

std::string rejects_to_jsonl(std::span<const model::RejectRecord> rejects) {
  std::string out;
  for (const auto& r : rejects) {
    out += "{\"source\":\"" + json_escape(r.source) + "\",\"line\":" + std::to_string(r.line) +
           ",\"offset\":" + std::to_string(r.offset) + ",\"reason\":\"" + json_escape(r.reason) +
           "\",";
    if (simdjson::validate_utf8(r.raw.data(), r.raw.size())) {
      out += "\"raw\":\"" + json_escape(r.raw) + "\"}\n";
    } else {
      out += "\"raw_base64\":\"" + base64(r.raw) + "\"}\n";
    }
  }
  return out;
}

}  // namespace sparkify::sink
