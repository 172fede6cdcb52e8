#include "server/app/sessions.h"

#include "server/app/audit_access.h"
#include "server/app/audit_flows.h"
#include "server/app/change_feed.h"
#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/validation.h"
#include "server/store/session_repository.h"

namespace brevis::app {
namespace {

constexpr char kCreateSession[] = "brevis.v1.AuditService/CreateSession";

}  // namespace

absl::StatusOr<v1::Session> Sessions::CreateSession(
    const Call& call, const v1::CreateSessionRequest& request) {
  BREVIS_ASSIGN_OR_RETURN(domain::name::Audit parent,
                          domain::ParseAuditName(request.parent(), "parent"));
  if (!request.has_session()) {
    return absl::InvalidArgumentError("session: required");
  }
  BREVIS_RETURN_IF_ERROR(domain::ValidateRequestId(request.request_id()));
  BREVIS_RETURN_IF_ERROR(domain::ValidateSession(request.session()));
  return CreateInAudit<v1::Session>(
      deps_, call,
      {.audit = parent,
       .method = kCreateSession,
       .parent = request.parent(),
       .request_id = request.request_id(),
       .request = request,
       .team_only = true},
      [&](store::Connection& db, const store::AuditLocation& location,
          v1::Session* session) -> absl::Status {
        session->Clear();
        session->set_kind(request.session().kind());
        session->set_informant_group(request.session().informant_group());
        session->set_participant_count(request.session().participant_count());
        *session->mutable_date() = request.session().date();
        return store::SessionRepository(db).Create(
            {parent.audit, domain::NewResourceId()}, location.id, call.time,
            session);
      },
      [&](store::Connection& db, const store::AuditLocation& location,
          std::string_view id) {
        return store::SessionRepository(db).Get({parent.audit, std::string(id)},
                                                location.id);
      });
}

absl::StatusOr<v1::ListSessionsResponse> Sessions::ListSessions(
    const Call& call, const v1::ListSessionsRequest& request) {
  BREVIS_ASSIGN_OR_RETURN(domain::name::Audit parent,
                          domain::ParseAuditName(request.parent(), "parent"));
  v1::ListSessionsResponse response;
  BREVIS_RETURN_IF_ERROR(ListInAudit(
      deps_, call, parent, domain::Permission::kReadSessions, request.parent(),
      request,
      [&](store::Connection& db, const store::AuditLocation& location,
          const ListWindow& window) {
        return store::SessionRepository(db).List(parent, location.id,
                                                 window.after_id, window.limit);
      },
      response.mutable_sessions(), response.mutable_next_page_token()));
  return response;
}

absl::StatusOr<google::protobuf::Empty> Sessions::DeleteSession(
    const Call& call, const v1::DeleteSessionRequest& request) {
  BREVIS_ASSIGN_OR_RETURN(domain::name::Session name,
                          domain::ParseSessionName(request.name(), "name"));
  BREVIS_RETURN_IF_ERROR(WriteInAudit(
      deps_, call, domain::name::Audit{name.audit},
      domain::Permission::kWriteContent,
      [&](store::Connection& db,
          const store::AuditLocation& location) -> absl::StatusOr<AuditChange> {
        BREVIS_RETURN_IF_ERROR(
            store::SessionRepository(db).Delete(name, location.id));
        return AuditChange({v1::EVENT_KIND_DELETED, request.name()},
                           AuditScope(location, true));
      }));
  return google::protobuf::Empty();
}

}  // namespace brevis::app
