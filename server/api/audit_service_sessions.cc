#include "server/app/audit_access.h"
#include "server/api/audit_service.h"
#include "server/app/change_feed.h"
#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/domain/validation.h"
#include "server/store/access_log_repository.h"
#include "server/store/session_repository.h"

namespace brevis::api {
namespace {

constexpr char kCreateSession[] = "brevis.v1.AuditService/CreateSession";

}  // namespace

grpc::ServerUnaryReactor* AuditService::CreateSession(
    grpc::CallbackServerContext* context,
    const v1::CreateSessionRequest* request, v1::Session* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/CreateSession",
               [this, request, response](const Call& call) {
                 return DoCreateSession(call, *request, response);
               });
}

grpc::ServerUnaryReactor* AuditService::ListSessions(
    grpc::CallbackServerContext* context,
    const v1::ListSessionsRequest* request,
    v1::ListSessionsResponse* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/ListSessions",
               [this, request, response](const Call& call) {
                 return DoListSessions(call, *request, response);
               });
}

grpc::ServerUnaryReactor* AuditService::DeleteSession(
    grpc::CallbackServerContext* context,
    const v1::DeleteSessionRequest* request,
    google::protobuf::Empty* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/DeleteSession",
               [this, request, response](const Call& call) {
                 return DoDeleteSession(call, *request, response);
               });
}
absl::Status AuditService::DoCreateSession(
    const Call& call, const v1::CreateSessionRequest& request,
    v1::Session* response) {
  auto parent = domain::ParseName(request.parent(), {"audits"}, "parent");
  if (!parent.ok()) return parent.status();
  if (!request.has_session()) {
    return absl::InvalidArgumentError("session: required");
  }
  BREVIS_RETURN_IF_ERROR(domain::ValidateRequestId(request.request_id()));
  BREVIS_RETURN_IF_ERROR(domain::ValidateSession(request.session()));
  const std::string& audit_uid = (*parent)[0];
  // A request_id is unique per audit, not across audits.
  std::string method = brevis::StrCat(kCreateSession, " ", request.parent());
  return deps_.db->Write([&](store::Connection& db) -> absl::Status {
    auto location =
        LocateAudit(db, call.caller, audit_uid, domain::Action::kWriteContent);
    if (!location.ok()) return location.status();
    BREVIS_RETURN_IF_ERROR(CreateOnce(
        db, call, method, request.request_id(), request, response,
        [&] {
          response->Clear();
          response->set_kind(request.session().kind());
          response->set_informant_group(request.session().informant_group());
          response->set_participant_count(
              request.session().participant_count());
          *response->mutable_date() = request.session().date();
          BREVIS_RETURN_IF_ERROR(store::SessionRepository(db).Create(
              audit_uid, location->id, domain::NewResourceId(), call.time,
              response));
          return RecordEvent(db, call, AuditScope(*location, true),
                             {v1::EVENT_KIND_CREATED, response->name()});
        },
        [&](std::string_view name) {
          return Assign(store::SessionRepository(db).Get(
                            audit_uid, location->id, LastSegment(name)),
                        response);
        }));
    return store::AccessLogRepository(db).Append(
        call.Entry(v1::ACCESS_KIND_WRITE, response->name()));
  });
}

absl::Status AuditService::DoListSessions(
    const Call& call, const v1::ListSessionsRequest& request,
    v1::ListSessionsResponse* response) {
  auto parent = domain::ParseName(request.parent(), {"audits"}, "parent");
  if (!parent.ok()) return parent.status();
  absl::StatusOr<ListWindow> window =
      OpenListWindow(*deps_.page_tokens, ListScope(call, request.parent()),
                     request.page_size(), request.page_token());
  if (!window.ok()) return window.status();
  const std::string& audit_uid = (*parent)[0];
  BREVIS_RETURN_IF_ERROR(
      deps_.db->Read([&](store::Connection& db) -> absl::Status {
        auto location = LocateAudit(db, call.caller, audit_uid,
                                    domain::Action::kReadSessions);
        if (!location.ok()) return location.status();
        absl::StatusOr<store::Page<v1::Session>> page =
            store::SessionRepository(db).List(audit_uid, location->id,
                                              window->after_id, window->limit);
        if (!page.ok()) return page.status();
        for (v1::Session& session : page->items) {
          *response->add_sessions() = std::move(session);
        }
        response->set_next_page_token(
            NextPageToken(*deps_.page_tokens, *window, *page));
        return absl::OkStatus();
      }));
  return RecordReads(*deps_.access, call, response->sessions());
}

absl::Status AuditService::DoDeleteSession(
    const Call& call, const v1::DeleteSessionRequest& request,
    google::protobuf::Empty*) {
  auto ids = domain::ParseName(request.name(), {"audits", "sessions"}, "name");
  if (!ids.ok()) return ids.status();
  return deps_.db->Write([&](store::Connection& db) -> absl::Status {
    auto location =
        LocateAudit(db, call.caller, (*ids)[0], domain::Action::kWriteContent);
    if (!location.ok()) return location.status();
    BREVIS_RETURN_IF_ERROR(store::SessionRepository(db).Delete(
        (*ids)[0], location->id, (*ids)[1]));
    return RecordAuditWrite(db, call, *location,
                            {v1::EVENT_KIND_DELETED, request.name()}, true);
  });
}

}  // namespace brevis::api
