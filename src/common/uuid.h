// Random (version 4) UUIDs for Spark-style output file names and staging folders.
#pragma once

#include <string>

namespace sparkify {

/// A new random UUID in its canonical 36-character lowercase form.
std::string make_uuid();

}  // namespace sparkify
