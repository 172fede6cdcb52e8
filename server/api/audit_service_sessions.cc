#include "server/api/audit_service.h"

namespace brevis::api {

grpc::ServerUnaryReactor* AuditService::CreateSession(
    grpc::CallbackServerContext* context,
    const v1::CreateSessionRequest* request, v1::Session* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/CreateSession",
               [this, request, response](const Call& call) {
                 return Answer(sessions_.CreateSession(call, *request),
                               response);
               });
}

grpc::ServerUnaryReactor* AuditService::ListSessions(
    grpc::CallbackServerContext* context,
    const v1::ListSessionsRequest* request,
    v1::ListSessionsResponse* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/ListSessions",
               [this, request, response](const Call& call) {
                 return Answer(sessions_.ListSessions(call, *request),
                               response);
               });
}

grpc::ServerUnaryReactor* AuditService::DeleteSession(
    grpc::CallbackServerContext* context,
    const v1::DeleteSessionRequest* request,
    google::protobuf::Empty* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/DeleteSession",
               [this, request, response](const Call& call) {
                 return Answer(sessions_.DeleteSession(call, *request),
                               response);
               });
}

}  // namespace brevis::api
