#include "server/domain/action_standing.h"

#include <algorithm>

#include "server/domain/validation.h"

namespace brevis::domain {

bool IsOpenStatus(v1::ActionStatus status) {
  return std::find(kOpenActionStatuses.begin(), kOpenActionStatuses.end(),
                   status) != kOpenActionStatuses.end();
}

bool AuditEnded(v1::AuditState state) {
  return std::find(kEndedAuditStates.begin(), kEndedAuditStates.end(), state) !=
         kEndedAuditStates.end();
}

ActionStanding StandingOf(v1::ActionStatus status, const v1::Date& due_date,
                          v1::AuditState audit_state, const v1::Date& today) {
  if (status == v1::ACTION_STATUS_DONE) return ActionStanding::kDone;
  if (!IsOpenStatus(status)) return ActionStanding::kCancelled;
  if (AuditEnded(audit_state)) return ActionStanding::kUnfinished;
  if (IsSet(due_date) && due_date < today) return ActionStanding::kOverdue;
  return ActionStanding::kOpen;
}

void SetStanding(v1::AuditState audit_state, const v1::Date& today,
                 v1::Action* action) {
  ActionStanding standing =
      StandingOf(action->status(), action->due_date(), audit_state, today);
  action->set_overdue(standing == ActionStanding::kOverdue);
  action->set_unfinished(standing == ActionStanding::kUnfinished);
}

}  // namespace brevis::domain
