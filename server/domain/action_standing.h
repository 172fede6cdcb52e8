#ifndef BREVIS_SERVER_DOMAIN_ACTION_STANDING_H_
#define BREVIS_SERVER_DOMAIN_ACTION_STANDING_H_

// Where an action stands, from its status, its due date and the state of
// its audit. The one definition of "open", "overdue" and "unfinished":
// every count, digest, filter and rendering uses it, and the store builds
// its SQL conditions from the same sets (store/action_standing_sql.h; a
// test checks that both agree on every combination).
//
// - An action is open work while it is planned or in progress and its
//   audit is running (not CLOSED or CANCELLED).
// - Open work is overdue once its due date has passed (Stockholm calendar).
// - An action still planned or in progress when its audit was closed or
//   cancelled is unfinished: it was not done when the audit ended. It is
//   neither open nor overdue, in any count, and it stays so: actions of an
//   ended audit take no more writes. (Reopened, the audit runs again and
//   the action is open work again.)

#include <array>

#include "brevis/v1/action.pb.h"
#include "brevis/v1/audit.pb.h"
#include "brevis/v1/types.pb.h"

namespace brevis::domain {

enum class ActionStanding {
  kOpen,        // planned or in progress, audit running, not yet due
  kOverdue,     // planned or in progress, audit running, due date passed
  kDone,        // status DONE
  kCancelled,   // status CANCELLED (or no status)
  kUnfinished,  // planned or in progress when the audit ended
};

// The statuses of an action that still has work to do.
inline constexpr std::array<v1::ActionStatus, 2> kOpenActionStatuses = {
    v1::ACTION_STATUS_PLANNED, v1::ACTION_STATUS_IN_PROGRESS};
// The states in which an audit has ended: nothing in it runs any more.
inline constexpr std::array<v1::AuditState, 2> kEndedAuditStates = {
    v1::AUDIT_STATE_CLOSED, v1::AUDIT_STATE_CANCELLED};

bool IsOpenStatus(v1::ActionStatus status);
bool AuditEnded(v1::AuditState state);

// The standing of an action with `status` and `due_date` in an audit in
// `audit_state`, on day `today`. An unset due date is never passed.
ActionStanding StandingOf(v1::ActionStatus status, const v1::Date& due_date,
                          v1::AuditState audit_state, const v1::Date& today);

// Sets the output-only `overdue` and `unfinished` of `action` by
// StandingOf.
void SetStanding(v1::AuditState audit_state, const v1::Date& today,
                 v1::Action* action);

}  // namespace brevis::domain

#endif  // BREVIS_SERVER_DOMAIN_ACTION_STANDING_H_
