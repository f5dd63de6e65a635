#include "transform/time_breakdown.h"

#include <gtest/gtest.h>

namespace sparkify::transform {
namespace {

int64_t millis(int64_t y, int m, int d, int hour = 0) {
  return (days_from_civil(y, m, d) * 24 + hour) * 3600000;
}

TEST(TimeBreakdown, RealSampleInstant) {
  // 1542837407796 = 2018-11-21T21:56:47.796Z, a Wednesday in ISO week 47.
  TimeParts p = time_parts_from_millis(1542837407796);
  EXPECT_EQ(p.year, 2018);
  EXPECT_EQ(p.month, 11);
  EXPECT_EQ(p.day, 21);
  EXPECT_EQ(p.hour, 21);
  EXPECT_EQ(p.week, 47);
  EXPECT_EQ(p.weekday, 4);  // Sunday = 1 ... Wednesday = 4
}

TEST(TimeBreakdown, IsoWeeksAcrossYearBoundaries) {
  struct Case {
    int y, m, d, week, weekday;
  } cases[] = {
      {2020, 12, 31, 53, 5},                       // Thursday of 2020's week 53
      {2021, 1, 1, 53, 6},                         // Friday still in 2020-W53
      {2021, 1, 3, 53, 1},                         // Sunday
      {2021, 1, 4, 1, 2},                          // Monday starts 2021-W01
      {2019, 12, 30, 1, 2},                        // Monday in 2020-W01
      {2018, 12, 31, 1, 2},  {2016, 1, 1, 53, 6},  // 2015 had 53 weeks
      {2017, 1, 1, 52, 1},                         // Sunday in 2016-W52
      {1970, 1, 1, 1, 5},    {2000, 2, 29, 9, 3},
  };
  for (const Case& c : cases) {
    TimeParts p = time_parts_from_millis(millis(c.y, c.m, c.d, 12));
    EXPECT_EQ(p.week, c.week) << c.y << "-" << c.m << "-" << c.d;
    EXPECT_EQ(p.weekday, c.weekday) << c.y << "-" << c.m << "-" << c.d;
    EXPECT_EQ(p.year, c.y);
    EXPECT_EQ(p.month, c.m);
    EXPECT_EQ(p.day, c.d);
  }
}

TEST(TimeBreakdown, BeforeTheEpoch) {
  TimeParts p = time_parts_from_millis(-1);  // 1969-12-31T23:59:59.999Z, a Wednesday
  EXPECT_EQ(p.year, 1969);
  EXPECT_EQ(p.month, 12);
  EXPECT_EQ(p.day, 31);
  EXPECT_EQ(p.hour, 23);
  EXPECT_EQ(p.weekday, 4);
  EXPECT_EQ(p.week, 1);  // 1969-12-31 belongs to 1970-W01
}

}  // namespace
}  // namespace sparkify::transform
