#ifndef BREVIS_SERVER_APP_SESSIONS_H_
#define BREVIS_SERVER_APP_SESSIONS_H_

#include "absl/status/statusor.h"
#include "brevis/v1/audit_service.pb.h"
#include "google/protobuf/empty.pb.h"
#include "server/app/call.h"
#include "server/app/dependencies.h"

namespace brevis::app {

// The use cases of an audit's interview sessions: counts of who was heard,
// never who (domain.md, "Sessions"). Only the audit's team and admins see
// them. Holds a copy of `deps`, whose pointees it borrows (their owner
// keeps them alive); thread-safe, as they are.
class Sessions {
 public:
  explicit Sessions(const Dependencies& deps) : deps_(deps) {}

  // Records a session of audit `request.parent`; its team writes them.
  // INVALID_ARGUMENT for a malformed parent or request_id, a missing or
  // invalid session, or a request_id reused for another request (AIP-155);
  // NOT_FOUND when the caller may not see the audit; PERMISSION_DENIED when
  // it may see it but is not on its team.
  absl::StatusOr<v1::Session> CreateSession(
      const Call& call, const v1::CreateSessionRequest& request);

  // The sessions of audit `request.parent` in creation order, a page at a
  // time (AIP-132, AIP-158); each one returned is logged as read.
  // INVALID_ARGUMENT for a malformed parent, page size or page token;
  // NOT_FOUND or PERMISSION_DENIED as CreateSession; UNAVAILABLE or
  // RESOURCE_EXHAUSTED when the reads cannot be logged.
  absl::StatusOr<v1::ListSessionsResponse> ListSessions(
      const Call& call, const v1::ListSessionsRequest& request);

  // Deletes session `request.name` (AIP-135), in any state of the audit.
  // INVALID_ARGUMENT for a malformed name; NOT_FOUND when there is no such
  // session or the caller may not see the audit; PERMISSION_DENIED as
  // CreateSession.
  absl::StatusOr<google::protobuf::Empty> DeleteSession(
      const Call& call, const v1::DeleteSessionRequest& request);

 private:
  const Dependencies deps_;
};

}  // namespace brevis::app

#endif  // BREVIS_SERVER_APP_SESSIONS_H_
