// Days since 1970-01-01 <-> proleptic Gregorian year/month/day (Howard Hinnant's algorithms),
// valid for every int64 day count a timestamp can produce.
#pragma once

#include <cstdint>

namespace sparkify {

struct CivilDate {
  int64_t year;
  unsigned month;  ///< 1..12
  unsigned day;    ///< 1..31
};

inline CivilDate civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<uint64_t>(z - era * 146097);
  const uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const uint64_t mp = (5 * doy + 2) / 153;
  const auto d = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  const auto m = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  return {static_cast<int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

}  // namespace sparkify
