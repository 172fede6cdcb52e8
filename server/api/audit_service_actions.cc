#include "server/api/audit_service.h"

namespace brevis::api {

grpc::ServerUnaryReactor* AuditService::CreateAction(
    grpc::CallbackServerContext* context,
    const v1::CreateActionRequest* request, v1::Action* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/CreateAction",
               [this, request, response](const Call& call) {
                 return Answer(actions_.CreateAction(call, *request), response);
               });
}

grpc::ServerUnaryReactor* AuditService::GetAction(
    grpc::CallbackServerContext* context, const v1::GetActionRequest* request,
    v1::Action* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/GetAction",
               [this, request, response](const Call& call) {
                 return Answer(actions_.GetAction(call, *request), response);
               });
}

grpc::ServerUnaryReactor* AuditService::UpdateAction(
    grpc::CallbackServerContext* context,
    const v1::UpdateActionRequest* request, v1::Action* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/UpdateAction",
               [this, request, response](const Call& call) {
                 return Answer(actions_.UpdateAction(call, *request), response);
               });
}

grpc::ServerUnaryReactor* AuditService::AddProgressNote(
    grpc::CallbackServerContext* context,
    const v1::AddProgressNoteRequest* request, v1::Action* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/AddProgressNote",
               [this, request, response](const Call& call) {
                 return Answer(actions_.AddProgressNote(call, *request),
                               response);
               });
}

grpc::ServerUnaryReactor* AuditService::ListActions(
    grpc::CallbackServerContext* context, const v1::ListActionsRequest* request,
    v1::ListActionsResponse* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/ListActions",
               [this, request, response](const Call& call) {
                 return Answer(actions_.ListActions(call, *request), response);
               });
}

}  // namespace brevis::api
