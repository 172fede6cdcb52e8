#ifndef BREVIS_SERVER_DOMAIN_CALENDAR_H_
#define BREVIS_SERVER_DOMAIN_CALENDAR_H_

// Dates and times that callers send as text or as google.protobuf.Timestamp,
// parsed strictly so that nothing is ever compared as text that is not in
// the one canonical form.

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "brevis/v1/types.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace brevis::domain {

// `text` as a date: exactly YYYY-MM-DD (four, two and two digits, '-'
// between them, nothing around them), a real calendar date of the years
// 1900-9999 (2030-02-30 is refused). Otherwise INVALID_ARGUMENT naming
// `field` ("filter: due_before") and the rule, with the text it got.
absl::StatusOr<v1::Date> ParseDate(std::string_view field,
                                   std::string_view text);

// The canonical text of a set date, YYYY-MM-DD with zero padding: the one
// form in which dates are stored, so that their text order is the calendar
// order. Empty for an unset date.
std::string DateText(const v1::Date& date);

// The day a date is, for day arithmetic. `date` must be set and valid.
absl::CivilDay ToCivilDay(const v1::Date& date);
v1::Date FromCivilDay(absl::CivilDay day);

// The date it is at `now` in Stockholm: due dates are Swedish calendar days
// (UTC where no time zone data is installed).
v1::Date StockholmToday(absl::Time now);

// A Timestamp a caller sent: seconds within 0001-01-01..9999-12-31 and nanos
// within 0..999,999,999, as google/protobuf/timestamp.proto requires.
// Otherwise INVALID_ARGUMENT naming `field` and the rule.
absl::Status CheckTimestamp(std::string_view field,
                            const google::protobuf::Timestamp& timestamp);

// A checked Timestamp as an absl::Time.
absl::Time ToTime(const google::protobuf::Timestamp& timestamp);

}  // namespace brevis::domain

#endif  // BREVIS_SERVER_DOMAIN_CALENDAR_H_
