#include "server/api/audit_service.h"

namespace brevis::api {

grpc::ServerUnaryReactor* AuditService::ListFindingRevisions(
    grpc::CallbackServerContext* context,
    const v1::ListRevisionsRequest* request,
    v1::ListFindingRevisionsResponse* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/ListFindingRevisions",
               [this, request, response](const Call& call) {
                 return Answer(findings_.ListFindingRevisions(call, *request),
                               response);
               });
}

grpc::ServerUnaryReactor* AuditService::ListRecommendationRevisions(
    grpc::CallbackServerContext* context,
    const v1::ListRevisionsRequest* request,
    v1::ListRecommendationRevisionsResponse* response) {
  return Serve(
      context, deps_, "brevis.v1.AuditService/ListRecommendationRevisions",
      [this, request, response](const Call& call) {
        return Answer(
            recommendations_.ListRecommendationRevisions(call, *request),
            response);
      });
}

}  // namespace brevis::api
