#ifndef BREVIS_CLIENT_LIB_NOTIFY_SCHEDULE_H_
#define BREVIS_CLIENT_LIB_NOTIFY_SCHEDULE_H_

// When brevis-notify's scheduled mails go out: the unit digest once a week
// (default Monday 07:00 Europe/Stockholm), the daily checks (follow-ups
// within 30 days, credentials expiring within 14 days) every day at the
// same local time. Local wall-clock time, so the digest stays at 07:00
// across the changes to and from summer time. Pure; thread-safe.

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace brevis::notify {

struct WeeklySchedule {
  absl::Weekday day = absl::Weekday::monday;
  int hour = 7;
  int minute = 0;
  absl::TimeZone zone;
};

// "MON 07:00" (a three-letter English weekday, any case, and HH:MM, 24 h)
// in the time zone named `zone` (IANA, for example "Europe/Stockholm").
// INVALID_ARGUMENT naming `schedule` or `time_zone` and the rule.
absl::StatusOr<WeeklySchedule> ParseSchedule(absl::string_view schedule,
                                             absl::string_view zone);

// The first weekly occurrence strictly after `after`. A local time that
// does not exist that day (the hour skipped in spring) is the moment the
// clocks jump over it; one that happens twice (autumn) is the first.
absl::Time NextWeekly(const WeeklySchedule& schedule, absl::Time after);

// The first daily occurrence (the schedule's time of day, any weekday)
// strictly after `after`, with the same rules.
absl::Time NextDaily(const WeeklySchedule& schedule, absl::Time after);

// The civil day of `time` in the schedule's zone.
absl::CivilDay LocalDay(const WeeklySchedule& schedule, absl::Time time);

}  // namespace brevis::notify

#endif  // BREVIS_CLIENT_LIB_NOTIFY_SCHEDULE_H_
