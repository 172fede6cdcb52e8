#ifndef BREVIS_SERVER_APP_ACTIONS_H_
#define BREVIS_SERVER_APP_ACTIONS_H_

#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "brevis/v1/audit_service.pb.h"
#include "brevis/v1/event.pb.h"
#include "server/app/call.h"
#include "server/app/dependencies.h"
#include "server/domain/resource_name.h"
#include "server/store/action_repository.h"

namespace brevis::app {

// The use cases of the unit's actions on recommendations (domain.md,
// "Actions"): the unit plans and follows them from publication until the
// audit closes (domain::StateWindow::kActions). Holds a copy of `deps`,
// whose pointees it borrows (their owner keeps them alive); thread-safe,
// as they are.
class Actions {
 public:
  explicit Actions(const Dependencies& deps) : deps_(deps) {}

  // Adds an action under recommendation `request.parent`, once per
  // request_id (AIP-155). INVALID_ARGUMENT for a malformed parent or
  // request_id, a missing or invalid action, or a request_id reused for
  // another request; NOT_FOUND when there is no such recommendation or the
  // caller may not see the audit; PERMISSION_DENIED when it may not act
  // for the unit; FAILED_PRECONDITION outside PUBLISHED to FOLLOW_UP.
  absl::StatusOr<v1::Action> CreateAction(
      const Call& call, const v1::CreateActionRequest& request);

  // Action `request.name`, logged as read. INVALID_ARGUMENT for a
  // malformed name; NOT_FOUND when there is no such action or the caller
  // may not see the audit; PERMISSION_DENIED when it may read no audits;
  // UNAVAILABLE or RESOURCE_EXHAUSTED when the read cannot be logged.
  absl::StatusOr<v1::Action> GetAction(const Call& call,
                                       const v1::GetActionRequest& request);

  // Changes the fields of `request.update_mask` (AIP-134) of the action
  // with the etag the caller read (AIP-154). INVALID_ARGUMENT for a
  // malformed name or mask, an invalid result or no status; ABORTED for a
  // stale etag; NOT_FOUND, PERMISSION_DENIED and FAILED_PRECONDITION as
  // CreateAction.
  absl::StatusOr<v1::Action> UpdateAction(
      const Call& call, const v1::UpdateActionRequest& request);

  // Adds a progress note to action `request.name`. INVALID_ARGUMENT for a
  // malformed name or an invalid note; NOT_FOUND, PERMISSION_DENIED and
  // FAILED_PRECONDITION as CreateAction.
  absl::StatusOr<v1::Action> AddProgressNote(
      const Call& call, const v1::AddProgressNoteRequest& request);

  // The actions of every audit the caller may see, filtered by unit,
  // audit, status, overdue, unfinished and due_before (AIP-160), a page
  // at a time (AIP-158); each one returned is logged as read. A filter on
  // a unit or audit that does not exist matches nothing.
  // PERMISSION_DENIED when the caller may read no audits; INVALID_ARGUMENT
  // for a malformed filter, page size or page token; UNAVAILABLE or
  // RESOURCE_EXHAUSTED when the reads cannot be logged.
  absl::StatusOr<v1::ListActionsResponse> ListActions(
      const Call& call, const v1::ListActionsRequest& request);

 private:
  // The flow of a change of action `name`, by a caller allowed to act for
  // the unit while actions are kept: `change` makes it through `actions`
  // (the action hangs under the recommendation of row id
  // `recommendation_id`), and the action as it is then is returned, with
  // its event of `kind` on `fields` and its access-log row.
  absl::StatusOr<v1::Action> ChangeAction(
      const Call& call, const domain::name::Action& name, v1::EventKind kind,
      absl::FunctionRef<absl::StatusOr<std::vector<std::string>>(
          store::ActionRepository& actions, int64_t recommendation_id)>
          change);

  const Dependencies deps_;
};

}  // namespace brevis::app

#endif  // BREVIS_SERVER_APP_ACTIONS_H_
