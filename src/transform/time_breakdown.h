// Calendar fields of a UTC instant as the time table defines them (SPEC §3): ISO-8601 week
// (Spark's weekofyear) and weekday 1 = Sunday … 7 = Saturday (Spark's dayofweek).
#pragma once

#include <climits>
#include <cstdint>

namespace sparkify::transform {

struct TimeParts {
  int32_t year, month, day, hour, week, weekday;
};

/// Days since 1970-01-01 for a proleptic Gregorian date.
int64_t days_from_civil(int64_t year, int32_t month, int32_t day);

/// Breaks an epoch-milliseconds instant into UTC calendar fields (negative instants too).
TimeParts time_parts_from_millis(int64_t millis);

/// time_parts_from_millis for instants that mostly come in order (a day's events, a sorted
/// column): the fields change once an hour, so they are worked out once per hour met.
class TimePartsByHour {
 public:
  const TimeParts& at(int64_t millis) {
    int64_t hour = millis / 3600000 - (millis % 3600000 < 0 ? 1 : 0);  // floor, no overflow
    if (hour != hour_) {
      parts_ = time_parts_from_millis(millis);
      hour_ = hour;
    }
    return parts_;
  }

 private:
  int64_t hour_ = INT64_MIN;
  TimeParts parts_{};
};

}  // namespace sparkify::transform
