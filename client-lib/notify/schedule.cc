#include "client-lib/notify/schedule.h"

#include <array>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace brevis::notify {
namespace {

absl::Status BadSchedule(absl::string_view schedule) {
  return absl::InvalidArgumentError(absl::StrCat(
      "schedule: \"", schedule,
      "\" is not a weekday and a time like \"MON 07:00\" (MON..SUN, 00:00 "
      "to 23:59)"));
}

// The occurrence on `day` at the schedule's local time. absl resolves a
// skipped local time to the transition instant (kSkipped: trans) and a
// repeated one to its first instant (pre).
absl::Time At(const WeeklySchedule& schedule, absl::CivilDay day) {
  absl::CivilMinute local(day.year(), day.month(), day.day(), schedule.hour,
                          schedule.minute);
  absl::TimeZone::TimeInfo info = schedule.zone.At(local);
  if (info.kind == absl::TimeZone::TimeInfo::SKIPPED) return info.trans;
  return info.pre;
}

}  // namespace

absl::StatusOr<WeeklySchedule> ParseSchedule(absl::string_view schedule,
                                             absl::string_view zone) {
  WeeklySchedule parsed;
  if (!absl::LoadTimeZone(zone, &parsed.zone)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "time_zone: \"", zone,
        "\" is not a known IANA time zone (for example Europe/Stockholm; "
        "is tzdata installed?)"));
  }
  static constexpr std::array<std::pair<const char*, absl::Weekday>, 7> kDays =
      {{{"mon", absl::Weekday::monday},
        {"tue", absl::Weekday::tuesday},
        {"wed", absl::Weekday::wednesday},
        {"thu", absl::Weekday::thursday},
        {"fri", absl::Weekday::friday},
        {"sat", absl::Weekday::saturday},
        {"sun", absl::Weekday::sunday}}};
  if (schedule.size() != 9 || schedule[3] != ' ' || schedule[6] != ':') {
    return BadSchedule(schedule);
  }
  std::string day = absl::AsciiStrToLower(schedule.substr(0, 3));
  bool found = false;
  for (const auto& [name, weekday] : kDays) {
    if (day == name) {
      parsed.day = weekday;
      found = true;
    }
  }
  int hour = 0;
  int minute = 0;
  if (!found || !absl::SimpleAtoi(schedule.substr(4, 2), &hour) ||
      !absl::SimpleAtoi(schedule.substr(7, 2), &minute) || hour < 0 ||
      hour > 23 || minute < 0 || minute > 59 ||
      !absl::ascii_isdigit(schedule[4]) || !absl::ascii_isdigit(schedule[7])) {
    return BadSchedule(schedule);
  }
  parsed.hour = hour;
  parsed.minute = minute;
  return parsed;
}

absl::CivilDay LocalDay(const WeeklySchedule& schedule, absl::Time time) {
  return absl::ToCivilDay(time, schedule.zone);
}

absl::Time NextDaily(const WeeklySchedule& schedule, absl::Time after) {
  absl::CivilDay day = LocalDay(schedule, after) - 1;
  // Two days back covers any offset; at most a few steps forward.
  for (int i = 0; i < 4; ++i, ++day) {
    absl::Time at = At(schedule, day);
    if (at > after) return at;
  }
  return At(schedule, day);
}

absl::Time NextWeekly(const WeeklySchedule& schedule, absl::Time after) {
  absl::CivilDay day = LocalDay(schedule, after) - 1;
  for (int i = 0; i < 10; ++i, ++day) {
    if (absl::GetWeekday(day) != schedule.day) continue;
    absl::Time at = At(schedule, day);
    if (at > after) return at;
  }
  return At(schedule, absl::NextWeekday(day, schedule.day));
}

}  // namespace brevis::notify
