#include "sink/rejects_writer.h"

#include <simdjson.h>

#include "common/base64.h"
#include "common/json.h"

namespace sparkify::sink {

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
