#include "cli/format.h"

#include <fmt/core.h>

#include "common/number_text.h"

namespace sparkify::cli {

std::string with_thousands(uint64_t n) { return sparkify::with_thousands(n); }

std::string human_bytes(uint64_t bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1000 && u < 4) {
    v /= 1000;
    ++u;
  }
  return u == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.1f} {}", v, units[u]);
}

}  // namespace sparkify::cli
