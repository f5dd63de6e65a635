// Number formatting for the terminal: 1,234,567 and 12.3 MB.
#pragma once

#include <cstdint>
#include <string>

namespace sparkify::cli {

std::string with_thousands(uint64_t n);
std::string human_bytes(uint64_t bytes);

}  // namespace sparkify::cli
