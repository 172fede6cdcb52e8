#ifndef BREVIS_SERVER_APP_LIFECYCLE_H_
#define BREVIS_SERVER_APP_LIFECYCLE_H_

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "brevis/v1/audit_service.pb.h"
#include "brevis/v1/event.pb.h"
#include "server/app/call.h"
#include "server/app/dependencies.h"
#include "server/domain/audit_lifecycle.h"
#include "server/domain/resource_name.h"
#include "server/store/recommendation_repository.h"

namespace brevis::app {

// The use cases of an audit's lifecycle (domain.md, "The audit
// lifecycle"; the rules are server/domain/audit_lifecycle.h): its state
// changes, the unit's responses, the auditors' follow-up verdicts and the
// feedback to service users. Holds a copy of `deps`, whose pointees it
// borrows (their owner keeps them alive); thread-safe, as they are.
class Lifecycle {
 public:
  explicit Lifecycle(const Dependencies& deps) : deps_(deps) {}

  // Moves audit `request.name` to `request.state`, with the etag the caller
  // read (AIP-154) and a reason where the step needs one. INVALID_ARGUMENT
  // for a malformed name, an unknown state, or a reason that is missing
  // (cancel, reopen) or breaks the text rules; NOT_FOUND when the caller
  // may not see the audit; PERMISSION_DENIED when it may not ask for this
  // step (domain::CheckTransitionPermission) or, not an admin, asks to
  // reopen one; ABORTED for a stale etag or when the state changed
  // meanwhile; FAILED_PRECONDITION for a step that does not exist or a
  // guard that fails (domain::CheckTransition), naming the resources that
  // fail it.
  absl::StatusOr<v1::Audit> TransitionAudit(
      const Call& call, const v1::TransitionAuditRequest& request);

  // Sets (or replaces) the unit's response to recommendation
  // `request.name`. INVALID_ARGUMENT for a malformed name or an invalid
  // response; NOT_FOUND when there is no such recommendation or the caller
  // may not see the audit; PERMISSION_DENIED when it may not respond for
  // the unit; FAILED_PRECONDITION outside PUBLISHED and IN_PROGRESS
  // (domain::StateWindow::kResponses).
  absl::StatusOr<v1::Recommendation> RespondToRecommendation(
      const Call& call, const v1::RespondToRecommendationRequest& request);

  // Sets (or replaces) the auditors' follow-up verdict on recommendation
  // `request.name`. INVALID_ARGUMENT for a malformed name or an invalid
  // verdict; NOT_FOUND as RespondToRecommendation; PERMISSION_DENIED when
  // the caller is not on the audit's team; FAILED_PRECONDITION outside
  // FOLLOW_UP (domain::StateWindow::kVerdicts).
  absl::StatusOr<v1::Recommendation> RecordVerdict(
      const Call& call, const v1::RecordVerdictRequest& request);

  // Records feedback to service users of audit `request.parent`, once per
  // request_id (AIP-155). INVALID_ARGUMENT for a malformed parent or
  // request_id, missing or invalid feedback, or a request_id reused for
  // another request; NOT_FOUND when the caller may not see the audit;
  // PERMISSION_DENIED when it is not on the audit's team;
  // FAILED_PRECONDITION before PUBLISHED or after FOLLOW_UP
  // (domain::StateWindow::kFeedback).
  absl::StatusOr<v1::Feedback> CreateFeedback(
      const Call& call, const v1::CreateFeedbackRequest& request);

  // The feedback of audit `request.parent` in creation order, a page at a
  // time (AIP-132, AIP-158); each one returned is logged as read.
  // INVALID_ARGUMENT for a malformed parent, page size or page token;
  // NOT_FOUND when the caller may not see the audit; PERMISSION_DENIED when
  // it may read no audits; UNAVAILABLE or RESOURCE_EXHAUSTED when the reads
  // cannot be logged.
  absl::StatusOr<v1::ListFeedbackResponse> ListFeedback(
      const Call& call, const v1::ListFeedbackRequest& request);

 private:
  // The flow of a response and a verdict: on recommendation `name`, for a
  // caller allowed `permission`, while `window` is open, `write` sets what
  // it sets on the recommendation of row id `id`; the recommendation as it
  // is then, with its event of `kind` on `field` and its access-log row.
  absl::StatusOr<v1::Recommendation> WriteOnRecommendation(
      const Call& call, const domain::name::Recommendation& name,
      domain::Permission permission, domain::StateWindow window,
      v1::EventKind kind, std::string field,
      absl::FunctionRef<absl::Status(store::RecommendationRepository&,
                                     int64_t id)>
          write);

  const Dependencies deps_;
};

}  // namespace brevis::app

#endif  // BREVIS_SERVER_APP_LIFECYCLE_H_
