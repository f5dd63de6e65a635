// Reads one input file into a padded buffer ready for the JSON parser, decompressing `.json.gz`
// (including multi-member gzip) and dropping a UTF-8 byte-order mark.
#pragma once

#include "common/buffer.h"
#include "common/result.h"
#include "io/file_system.h"
#include "source/discovery.h"

namespace sparkify::source {

/// Zero bytes kept after every buffer: simdjson reads up to 64 bytes past the end.
inline constexpr size_t kParserPadding = 64;

/// Turns raw file bytes (as read) into parser input, in place: gunzips when `file.gzip`, strips
/// a byte-order mark.
Status prepare_input(const InputFile& file, Buffer& data);

/// Reads and prepares one file into `buffer`, reusing its allocation.
Status read_input(io::FileSystem& fs, const InputFile& file, Buffer& buffer);

}  // namespace sparkify::source
