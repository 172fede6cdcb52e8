#include "server/api/audit_service.h"

namespace brevis::api {

grpc::ServerUnaryReactor* AuditService::CreateFinding(
    grpc::CallbackServerContext* context,
    const v1::CreateFindingRequest* request, v1::Finding* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/CreateFinding",
               [this, request, response](const Call& call) {
                 return Answer(findings_.CreateFinding(call, *request),
                               response);
               });
}

grpc::ServerUnaryReactor* AuditService::GetFinding(
    grpc::CallbackServerContext* context, const v1::GetFindingRequest* request,
    v1::Finding* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/GetFinding",
               [this, request, response](const Call& call) {
                 return Answer(findings_.GetFinding(call, *request), response);
               });
}

grpc::ServerUnaryReactor* AuditService::ListFindings(
    grpc::CallbackServerContext* context,
    const v1::ListFindingsRequest* request,
    v1::ListFindingsResponse* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/ListFindings",
               [this, request, response](const Call& call) {
                 return Answer(findings_.ListFindings(call, *request),
                               response);
               });
}

grpc::ServerUnaryReactor* AuditService::UpdateFinding(
    grpc::CallbackServerContext* context,
    const v1::UpdateFindingRequest* request, v1::Finding* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/UpdateFinding",
               [this, request, response](const Call& call) {
                 return Answer(findings_.UpdateFinding(call, *request),
                               response);
               });
}

grpc::ServerUnaryReactor* AuditService::DeleteFinding(
    grpc::CallbackServerContext* context,
    const v1::DeleteFindingRequest* request,
    google::protobuf::Empty* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/DeleteFinding",
               [this, request, response](const Call& call) {
                 return Answer(findings_.DeleteFinding(call, *request),
                               response);
               });
}

}  // namespace brevis::api
