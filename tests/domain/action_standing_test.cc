#include "server/domain/action_standing.h"

#include <gtest/gtest.h>

#include "server/domain/calendar.h"

namespace brevis::domain {
namespace {

v1::Date Day(int year, int month, int day) {
  return domain::FromCivilDay(absl::CivilDay(year, month, day));
}

const v1::Date kToday = Day(2026, 5, 28);
const v1::Date kYesterday = Day(2026, 5, 27);

TEST(ActionStandingTest, OpenWorkOfARunningAuditIsOverdueOncePastDue) {
  for (v1::AuditState state :
       {v1::AUDIT_STATE_PUBLISHED, v1::AUDIT_STATE_IN_PROGRESS,
        v1::AUDIT_STATE_FOLLOW_UP, v1::AUDIT_STATE_REPORTING}) {
    for (v1::ActionStatus status :
         {v1::ACTION_STATUS_PLANNED, v1::ACTION_STATUS_IN_PROGRESS}) {
      EXPECT_EQ(StandingOf(status, kYesterday, state, kToday),
                ActionStanding::kOverdue);
      EXPECT_EQ(StandingOf(status, kToday, state, kToday),
                ActionStanding::kOpen)
          << "due today is not late";
      EXPECT_EQ(StandingOf(status, v1::Date(), state, kToday),
                ActionStanding::kOpen);
    }
  }
}

TEST(ActionStandingTest, OpenWorkOfAnEndedAuditIsUnfinished) {
  for (v1::AuditState state :
       {v1::AUDIT_STATE_CLOSED, v1::AUDIT_STATE_CANCELLED}) {
    EXPECT_TRUE(AuditEnded(state));
    for (v1::ActionStatus status :
         {v1::ACTION_STATUS_PLANNED, v1::ACTION_STATUS_IN_PROGRESS}) {
      EXPECT_EQ(StandingOf(status, kYesterday, state, kToday),
                ActionStanding::kUnfinished);
      EXPECT_EQ(StandingOf(status, Day(2030, 1, 1), state, kToday),
                ActionStanding::kUnfinished);
    }
  }
}

TEST(ActionStandingTest, DoneAndCancelledAreNeverLate) {
  for (int state = 1; state <= 8; ++state) {
    auto audit_state = static_cast<v1::AuditState>(state);
    EXPECT_EQ(
        StandingOf(v1::ACTION_STATUS_DONE, kYesterday, audit_state, kToday),
        ActionStanding::kDone);
    EXPECT_EQ(StandingOf(v1::ACTION_STATUS_CANCELLED, kYesterday, audit_state,
                         kToday),
              ActionStanding::kCancelled);
  }
}

TEST(ActionStandingTest, SetStandingFillsTheOutputFields) {
  v1::Action action;
  action.set_status(v1::ACTION_STATUS_PLANNED);
  *action.mutable_due_date() = kYesterday;
  SetStanding(v1::AUDIT_STATE_IN_PROGRESS, kToday, &action);
  EXPECT_TRUE(action.overdue());
  EXPECT_FALSE(action.unfinished());
  SetStanding(v1::AUDIT_STATE_CANCELLED, kToday, &action);
  EXPECT_FALSE(action.overdue());
  EXPECT_TRUE(action.unfinished());
  action.set_status(v1::ACTION_STATUS_DONE);
  SetStanding(v1::AUDIT_STATE_CLOSED, kToday, &action);
  EXPECT_FALSE(action.overdue());
  EXPECT_FALSE(action.unfinished());
}

}  // namespace
}  // namespace brevis::domain
