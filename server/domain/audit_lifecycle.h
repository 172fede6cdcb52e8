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

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "brevis/v1/audit.pb.h"

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

// Swedish display name of a state, for reports and messages people read.
std::string_view StateDisplayName(v1::AuditState state);

}  // namespace brevis::domain

#endif  // BREVIS_SERVER_DOMAIN_AUDIT_LIFECYCLE_H_
