#include "server/api/audit_service.h"
#include "server/api/grpc_status.h"
#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/domain/validation.h"
#include "server/store/audit_repository.h"
#include "server/store/session_repository.h"

namespace brevis::api {
namespace {

constexpr char kCreateSession[] = "brevis.v1.AuditService/CreateSession";

}  // namespace

grpc::ServerUnaryReactor* AuditService::CreateSession(
    grpc::CallbackServerContext* context,
    const v1::CreateSessionRequest* request, v1::Session* response) {
  return FinishUnary(context, DoCreateSession(*request, response));
}

grpc::ServerUnaryReactor* AuditService::ListSessions(
    grpc::CallbackServerContext* context,
    const v1::ListSessionsRequest* request,
    v1::ListSessionsResponse* response) {
  return FinishUnary(context, DoListSessions(*request, response));
}

grpc::ServerUnaryReactor* AuditService::DeleteSession(
    grpc::CallbackServerContext* context,
    const v1::DeleteSessionRequest* request,
    google::protobuf::Empty* response) {
  return FinishUnary(context, DoDeleteSession(*request, response));
}
absl::Status AuditService::DoCreateSession(
    const v1::CreateSessionRequest& request, v1::Session* response) {
  auto parent = domain::ParseName(request.parent(), {"audits"}, "parent");
  if (!parent.ok()) return parent.status();
  if (!request.has_session()) {
    return absl::InvalidArgumentError("session: required");
  }
  BREVIS_RETURN_IF_ERROR(domain::ValidateRequestId(request.request_id()));
  BREVIS_RETURN_IF_ERROR(domain::ValidateSession(request.session()));
  const std::string& audit_uid = (*parent)[0];
  absl::Time now = deps_.clock->Now();
  // A request_id is unique per audit, not across audits.
  std::string method = brevis::StrCat(kCreateSession, " ", request.parent());
  return deps_.db->Write([&](store::Connection& db) {
    return CreateOnce(
        db, method, request.request_id(), now, response, [&]() -> absl::Status {
          absl::StatusOr<int64_t> audit_id =
              store::AuditRepository(db).RowId(audit_uid);
          if (!audit_id.ok()) return audit_id.status();
          response->Clear();
          response->set_kind(request.session().kind());
          response->set_informant_group(request.session().informant_group());
          response->set_participant_count(
              request.session().participant_count());
          *response->mutable_date() = request.session().date();
          return store::SessionRepository(db).Create(
              audit_uid, *audit_id, domain::NewResourceId(), now, response);
        });
  });
}

absl::Status AuditService::DoListSessions(
    const v1::ListSessionsRequest& request,
    v1::ListSessionsResponse* response) {
  auto parent = domain::ParseName(request.parent(), {"audits"}, "parent");
  if (!parent.ok()) return parent.status();
  absl::StatusOr<ListWindow> window =
      OpenListWindow(*deps_.page_tokens, "ListSessions\n" + request.parent(),
                     request.page_size(), request.page_token());
  if (!window.ok()) return window.status();
  const std::string& audit_uid = (*parent)[0];
  return deps_.db->Read([&](store::Connection& db) -> absl::Status {
    absl::StatusOr<int64_t> audit_id =
        store::AuditRepository(db).RowId(audit_uid);
    if (!audit_id.ok()) return audit_id.status();
    absl::StatusOr<store::Page<v1::Session>> page =
        store::SessionRepository(db).List(audit_uid, *audit_id,
                                          window->after_id, window->limit);
    if (!page.ok()) return page.status();
    for (v1::Session& session : page->items) {
      *response->add_sessions() = std::move(session);
    }
    response->set_next_page_token(
        NextPageToken(*deps_.page_tokens, *window, *page));
    return absl::OkStatus();
  });
}

absl::Status AuditService::DoDeleteSession(
    const v1::DeleteSessionRequest& request, google::protobuf::Empty*) {
  auto ids = domain::ParseName(request.name(), {"audits", "sessions"}, "name");
  if (!ids.ok()) return ids.status();
  return deps_.db->Write([&](store::Connection& db) -> absl::Status {
    absl::StatusOr<int64_t> audit_id =
        store::AuditRepository(db).RowId((*ids)[0]);
    if (!audit_id.ok()) return audit_id.status();
    return store::SessionRepository(db).Delete((*ids)[0], *audit_id, (*ids)[1]);
  });
}

}  // namespace brevis::api
