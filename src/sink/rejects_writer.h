// Serializes rejected records as JSON lines for OUT/_rejects/ (SPEC §5): source, line, offset,
// reason and the raw text — or raw_base64 when the bytes are not valid UTF-8.
#pragma once

#include <span>
#include <string>

#include "model/records.h"

namespace sparkify::sink {

/// One JSON object per reject, each followed by '\n'.
std::string rejects_to_jsonl(std::span<const model::RejectRecord> rejects);

}  // namespace sparkify::sink
