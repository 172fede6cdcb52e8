#ifndef BREVIS_SERVER_DOMAIN_AUDIT_LIFECYCLE_H_
#define BREVIS_SERVER_DOMAIN_AUDIT_LIFECYCLE_H_

// The audit lifecycle of domain.md: which state changes exist and the guard
// each must pass. Plain rules over facts the store gathers; the transition
// RPC (with the lifecycle issue's resources) calls CheckTransition inside
// the same transaction that makes the change.
//
// PLANNED -> FIELDWORK -> REPORTING -> PUBLISHED -> IN_PROGRESS -> FOLLOW_UP
// -> CLOSED; CANCELLED from any state before CLOSED (with a reason); an
// admin may reopen a step, back to the state before, with a reason.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "brevis/v1/audit.pb.h"
#include "server/domain/policy.h"

namespace brevis::domain {

// What the guards look at, gathered from the audit's content.
struct LifecycleFacts {
  int auditors = 0;  // active auditors on the team
  int findings = 0;
  // Improvement-area findings no recommendation answers (resource names).
  std::vector<std::string> unanswered_improvement_areas;
  // Recommendations without the unit's response (resource names).
  std::vector<std::string> recommendations_without_response;
  // Recommendations without the auditors' follow-up verdict.
  std::vector<std::string> recommendations_without_verdict;
  bool feedback_recorded = false;  // feedback to service users
};

// How a state change was asked for.
struct TransitionRequest {
  v1::AuditState from = v1::AUDIT_STATE_UNSPECIFIED;
  v1::AuditState to = v1::AUDIT_STATE_UNSPECIFIED;
  // Required to cancel, to reopen, and to publish with improvement areas
  // left without a recommendation. At most 2,000 characters.
  std::string reason;
  bool by_admin = false;
};

// The state after `state` on the main path; UNSPECIFIED after CLOSED and
// for CANCELLED.
v1::AuditState NextState(v1::AuditState state);

// OK, or why not:
// - INVALID_ARGUMENT for an unknown target state or a reason that breaks
//   the text rules;
// - FAILED_PRECONDITION naming the guard and the resources that fail it
//   (for example "guard every-improvement-area-answered: ... lack a
//   recommendation: audits/a/findings/f1, ..."), or naming the move that
//   does not exist (PLANNED -> CLOSED);
// - PERMISSION_DENIED when a reopen is asked for by someone not an admin.
absl::Status CheckTransition(const TransitionRequest& request,
                             const LifecycleFacts& facts);

// The permission a step from `from` to `to` needs: the auditors move their
// audit forward (kWriteContent), the unit starts its actions by moving a
// PUBLISHED audit to IN_PROGRESS (kRespond), admins cancel
// (kCommissionAudit). Reopening needs kWriteContent here and an admin in
// CheckTransition.
Permission TransitionPermission(v1::AuditState from, v1::AuditState to);

// OK when `caller` may ask for the step of `audit` (in its current state)
// to `to`; PERMISSION_DENIED otherwise (policy.h CheckAuditPermission).
absl::Status CheckTransitionPermission(const Caller& caller,
                                       const AuditFacts& audit,
                                       v1::AuditState to);

// The states in which an audit counts as published, no longer a draft:
// PUBLISHED, IN_PROGRESS, FOLLOW_UP and CLOSED, not CANCELLED. The one
// definition behind IsPublished (policy.h) and the store's SQL of what a
// published-only caller sees (store/visibility_sql.cc). In enum order.
std::span<const v1::AuditState> PublishedStates();

// Work on an audit's content that its lifecycle allows only in some states
// (domain.md, "The audit lifecycle").
enum class StateWindow {
  kResponses,  // the unit responds: PUBLISHED, IN_PROGRESS
  kActions,    // the unit keeps its actions: PUBLISHED to FOLLOW_UP
  kVerdicts,   // the auditors' follow-up verdicts: FOLLOW_UP
  kFeedback,   // feedback to service users: PUBLISHED to FOLLOW_UP
};

// The states in which the work of `window` is allowed, in enum order.
std::span<const v1::AuditState> WindowStates(StateWindow window);

// OK when an audit in `state` allows the work of `window`, else
// FAILED_PRECONDITION saying when it is allowed and the audit's state.
absl::Status CheckStateWindow(StateWindow window, v1::AuditState state);

// From PUBLISHED on (PublishedStates), findings and recommendations are
// frozen: nothing is added or removed, and a change is a correction with a
// reason. FAILED_PRECONDITION, saying so, when `state` is published and
// `what` (for example "add findings") is asked.
absl::Status CheckContentNotFrozen(v1::AuditState state, std::string_view what);

// Whether a change of a finding or recommendation of an audit in `state`
// is a correction of published text: when the audit is published now or
// when `was_published` (the text was part of a published report before
// the audit was reopened or cancelled).
bool IsCorrection(v1::AuditState state, bool was_published);

// The reason a change carries: a correction (IsCorrection) requires one
// (FAILED_PRECONDITION without it; INVALID_ARGUMENT when it breaks the
// text rules, at most 2,000 characters); a draft takes none
// (INVALID_ARGUMENT).
absl::Status CheckCorrectionReason(v1::AuditState state, bool was_published,
                                   std::string_view reason);

// Published text is never removed, whatever state the audit is in now, nor
// what the unit's actions hang on: FAILED_PRECONDITION naming `name`, the
// rule, and the `actions` (names) under it, when `was_published` or when
// there are actions.
absl::Status CheckRemovable(std::string_view name, bool was_published,
                            const std::vector<std::string>& actions);

// Swedish display name of a state, for reports and messages people read.
std::string_view StateDisplayName(v1::AuditState state);

}  // namespace brevis::domain

#endif  // BREVIS_SERVER_DOMAIN_AUDIT_LIFECYCLE_H_
