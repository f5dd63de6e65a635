// Numbers as people read them: 1234567 → "1,234,567" (terminal summary and report page).
#pragma once

#include <cstdint>
#include <string>

namespace sparkify {

inline std::string with_thousands(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

}  // namespace sparkify
