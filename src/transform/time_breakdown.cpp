#include "transform/time_breakdown.h"

#include "common/civil_date.h"

namespace sparkify::transform {

namespace {

int64_t floor_mod(int64_t a, int64_t b) { return a - floor_div(a, b) * b; }

// ISO weekday, Monday = 1 … Sunday = 7. 1970-01-01 was a Thursday.
int32_t iso_weekday(int64_t days) { return static_cast<int32_t>(floor_mod(days + 3, 7)) + 1; }

// ISO week number of a date given as days since the epoch.
int32_t iso_week(int64_t days, int64_t year) {
  auto week_of = [](int64_t d, int64_t y) {
    int64_t doy = d - days_from_civil(y, 1, 1) + 1;
    return floor_div(doy - iso_weekday(d) + 10, 7);
  };
  int64_t week = week_of(days, year);
  if (week < 1) {
    // The last week of the previous year: the week that holds its 28 December.
    int64_t dec28 = days_from_civil(year - 1, 12, 28);
    return static_cast<int32_t>(week_of(dec28, year - 1));
  }
  int64_t weeks_this_year = week_of(days_from_civil(year, 12, 28), year);
  if (week > weeks_this_year) return 1;
  return static_cast<int32_t>(week);
}

}  // namespace

int64_t days_from_civil(int64_t year, int32_t month, int32_t day) {
  return sparkify::days_from_civil(year, month, day);
}

TimeParts time_parts_from_millis(int64_t millis) {
  constexpr int64_t kMillisPerDay = 86400000;
  int64_t days = floor_div(millis, kMillisPerDay);
  int64_t in_day = millis - days * kMillisPerDay;
  CivilDate c = civil_from_days(days);
  TimeParts parts;
  parts.year = static_cast<int32_t>(c.year);
  parts.month = c.month;
  parts.day = c.day;
  parts.hour = static_cast<int32_t>(in_day / 3600000);
  parts.week = iso_week(days, c.year);
  parts.weekday = iso_weekday(days) % 7 + 1;  // Sunday (ISO 7) -> 1, Monday -> 2, ...
  return parts;
}

}  // namespace sparkify::transform
