// Proleptic Gregorian dates <-> days since 1970-01-01 (Howard Hinnant's algorithms): exact for
// every day, negative days included. One copy for the time table, the log generator and the
// Parquet reader's DATE/TIMESTAMP text.
#pragma once

#include <cstdint>

namespace sparkify {

struct CivilDate {
  int64_t year;
  int32_t month, day;
};

/// Floor division (rounds toward negative infinity).
constexpr int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

constexpr CivilDate civil_from_days(int64_t z) {
  z += 719468;
  int64_t era = floor_div(z, 146097);
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int32_t d = static_cast<int32_t>(doy - (153 * mp + 2) / 5 + 1);
  int32_t m = static_cast<int32_t>(mp < 10 ? mp + 3 : mp - 9);
  return {m <= 2 ? y + 1 : y, m, d};
}

constexpr int64_t days_from_civil(int64_t year, int32_t month, int32_t day) {
  year -= month <= 2;
  int64_t era = floor_div(year, 400);
  int64_t yoe = year - era * 400;
  int64_t mp = month > 2 ? month - 3 : month + 9;
  int64_t doy = (153 * mp + 2) / 5 + day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static_assert(civil_from_days(0).year == 1970 && days_from_civil(2018, 11, 1) == 17836);

}  // namespace sparkify
