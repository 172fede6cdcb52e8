#include "server/domain/calendar.h"

#include <cstdio>

#include "server/domain/str_cat.h"
#include "server/domain/validation.h"

namespace brevis::domain {
namespace {

// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range of
// google.protobuf.Timestamp.
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

int Number(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

}  // namespace

absl::StatusOr<v1::Date> ParseDate(std::string_view field,
                                   std::string_view text) {
  bool shaped = text.size() == 10 && text[4] == '-' && text[7] == '-';
  for (size_t i = 0; shaped && i < text.size(); ++i) {
    if (i != 4 && i != 7 && !IsAsciiDigit(text[i])) shaped = false;
  }
  if (!shaped) {
    return absl::InvalidArgumentError(brevis::StrCat(
        field, " must be a date YYYY-MM-DD (got '", text.substr(0, 40), "')"));
  }
  v1::Date date;
  date.set_year(Number(text.substr(0, 4)));
  date.set_month(Number(text.substr(5, 2)));
  date.set_day(Number(text.substr(8, 2)));
  if (absl::Status status = CheckDate(field, date, true); !status.ok()) {
    return absl::InvalidArgumentError(
        brevis::StrCat(status.message(), ": '", text, "' is no calendar date"));
  }
  return date;
}

std::string DateText(const v1::Date& date) {
  if (!IsSet(date)) return "";
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", date.year(), date.month(),
                date.day());
  return text;
}

absl::CivilDay ToCivilDay(const v1::Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

v1::Date FromCivilDay(absl::CivilDay day) {
  v1::Date date;
  date.set_year(static_cast<int>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

v1::Date StockholmToday(absl::Time now) {
  static const absl::TimeZone zone = [] {
    absl::TimeZone stockholm;
    if (!absl::LoadTimeZone("Europe/Stockholm", &stockholm)) {
      return absl::UTCTimeZone();
    }
    return stockholm;
  }();
  return FromCivilDay(absl::ToCivilDay(now, zone));
}

absl::Status CheckTimestamp(std::string_view field,
                            const google::protobuf::Timestamp& timestamp) {
  if (timestamp.seconds() < kMinTimestampSeconds ||
      timestamp.seconds() > kMaxTimestampSeconds) {
    return absl::InvalidArgumentError(
        brevis::StrCat(field, ": seconds must lie within years 0001-9999 (got ",
                       timestamp.seconds(), ")"));
  }
  if (timestamp.nanos() < 0 || timestamp.nanos() > 999999999) {
    return absl::InvalidArgumentError(brevis::StrCat(
        field, ": nanos must be 0-999999999 (got ", timestamp.nanos(), ")"));
  }
  return absl::OkStatus();
}

absl::Time ToTime(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) +
         absl::Nanoseconds(timestamp.nanos());
}

}  // namespace brevis::domain
