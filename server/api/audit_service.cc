#include "server/api/audit_service.h"

namespace brevis::api {

grpc::ServerUnaryReactor* AuditService::CreateAudit(
    grpc::CallbackServerContext* context, const v1::CreateAuditRequest* request,
    v1::Audit* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/CreateAudit",
               [this, request, response](const Call& call) {
                 return Answer(audits_.CreateAudit(call, *request), response);
               });
}

grpc::ServerUnaryReactor* AuditService::GetAudit(
    grpc::CallbackServerContext* context, const v1::GetAuditRequest* request,
    v1::Audit* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/GetAudit",
               [this, request, response](const Call& call) {
                 return Answer(audits_.GetAudit(call, *request), response);
               });
}

grpc::ServerUnaryReactor* AuditService::ListAudits(
    grpc::CallbackServerContext* context, const v1::ListAuditsRequest* request,
    v1::ListAuditsResponse* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/ListAudits",
               [this, request, response](const Call& call) {
                 return Answer(audits_.ListAudits(call, *request), response);
               });
}

grpc::ServerUnaryReactor* AuditService::UpdateAudit(
    grpc::CallbackServerContext* context, const v1::UpdateAuditRequest* request,
    v1::Audit* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/UpdateAudit",
               [this, request, response](const Call& call) {
                 return Answer(audits_.UpdateAudit(call, *request), response);
               });
}

}  // namespace brevis::api
