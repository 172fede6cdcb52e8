#include "server/domain/calendar.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace brevis::domain {
namespace {

using ::testing::HasSubstr;

TEST(CalendarTest, ParsesTheCanonicalForm) {
  absl::StatusOr<v1::Date> date = ParseDate("filter: due_before", "2030-12-01");
  ASSERT_TRUE(date.ok()) << date.status();
  EXPECT_EQ(date->year(), 2030);
  EXPECT_EQ(date->month(), 12);
  EXPECT_EQ(date->day(), 1);
  EXPECT_TRUE(ParseDate("d", "2028-02-29").ok()) << "a leap day";
  EXPECT_TRUE(ParseDate("d", "2000-02-29").ok()) << "400 makes a leap year";
}

TEST(CalendarTest, RefusesEveryOtherShape) {
  for (const char* text :
       {"2030-12-1", "2030-1-01", "30-12-01", "2030-12-01 ", " 2030-12-01",
        "2030-12-01T00:00", "2030/12/01", "20301201", "2030-12-0a",
        "+030-12-01", "2030-+1-01", "2030-12-\xef\xbc\x91", "", "juni"}) {
    absl::StatusOr<v1::Date> date = ParseDate("filter: due_before", text);
    ASSERT_FALSE(date.ok()) << text;
    EXPECT_EQ(date.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(date.status().message(),
                HasSubstr("filter: due_before must be a date YYYY-MM-DD"));
  }
}

TEST(CalendarTest, RefusesDaysTheCalendarLacks) {
  for (const char* text :
       {"2030-02-30", "2031-02-29", "1900-02-29", "2030-04-31", "2030-13-01",
        "2030-00-10", "2030-01-00", "0999-01-01", "0000-00-00"}) {
    absl::StatusOr<v1::Date> date = ParseDate("filter: due_before", text);
    ASSERT_FALSE(date.ok()) << text;
    EXPECT_THAT(date.status().message(), HasSubstr("filter: due_before: "));
    EXPECT_THAT(date.status().message(), HasSubstr("no calendar date"));
  }
}

TEST(CalendarTest, DateTextIsZeroPaddedSoTextOrderIsCalendarOrder) {
  v1::Date date;
  EXPECT_EQ(DateText(date), "");
  date.set_year(2030);
  date.set_month(2);
  date.set_day(5);
  EXPECT_EQ(DateText(date), "2030-02-05");
  EXPECT_LT(DateText(date), "2030-11-20");
}

TEST(CalendarTest, StockholmTodayTurnsAtMidnightThere) {
  // 2026-05-28 21:59:59 UTC is 23:59:59 in Stockholm (CEST).
  absl::Time evening = absl::FromCivil(
      absl::CivilSecond(2026, 5, 28, 21, 59, 59), absl::UTCTimeZone());
  EXPECT_EQ(DateText(StockholmToday(evening)), "2026-05-28");
  EXPECT_EQ(DateText(StockholmToday(evening + absl::Seconds(1))), "2026-05-29");
  EXPECT_EQ(ToCivilDay(StockholmToday(evening)) - absl::CivilDay(2026, 5, 1),
            27);
}

TEST(CalendarTest, TimestampsMustBeInTheirRange) {
  google::protobuf::Timestamp time;
  time.set_seconds(1780000000);
  time.set_nanos(999999999);
  EXPECT_TRUE(CheckTimestamp("start_time", time).ok());
  EXPECT_EQ(ToTime(time),
            absl::FromUnixSeconds(1780000000) + absl::Nanoseconds(999999999));
  time.set_nanos(-1);
  EXPECT_THAT(CheckTimestamp("start_time", time).message(),
              HasSubstr("start_time: nanos must be 0-999999999"));
  time.set_nanos(1000000000);
  EXPECT_FALSE(CheckTimestamp("start_time", time).ok());
  time.set_nanos(0);
  time.set_seconds(253402300800);  // 10000-01-01
  EXPECT_THAT(CheckTimestamp("end_time", time).message(),
              HasSubstr("end_time: seconds must lie within years 0001-9999"));
  time.set_seconds(-62135596801);
  EXPECT_FALSE(CheckTimestamp("end_time", time).ok());
  time.set_seconds(-62135596800);
  EXPECT_TRUE(CheckTimestamp("end_time", time).ok());
}

}  // namespace
}  // namespace brevis::domain
