#include "server/api/audit_service.h"

namespace brevis::api {

grpc::ServerUnaryReactor* AuditService::TransitionAudit(
    grpc::CallbackServerContext* context,
    const v1::TransitionAuditRequest* request, v1::Audit* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/TransitionAudit",
               [this, request, response](const Call& call) {
                 return Answer(lifecycle_.TransitionAudit(call, *request),
                               response);
               });
}

grpc::ServerUnaryReactor* AuditService::RespondToRecommendation(
    grpc::CallbackServerContext* context,
    const v1::RespondToRecommendationRequest* request,
    v1::Recommendation* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/RespondToRecommendation",
               [this, request, response](const Call& call) {
                 return Answer(
                     lifecycle_.RespondToRecommendation(call, *request),
                     response);
               });
}

grpc::ServerUnaryReactor* AuditService::RecordVerdict(
    grpc::CallbackServerContext* context,
    const v1::RecordVerdictRequest* request, v1::Recommendation* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/RecordVerdict",
               [this, request, response](const Call& call) {
                 return Answer(lifecycle_.RecordVerdict(call, *request),
                               response);
               });
}

grpc::ServerUnaryReactor* AuditService::CreateFeedback(
    grpc::CallbackServerContext* context,
    const v1::CreateFeedbackRequest* request, v1::Feedback* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/CreateFeedback",
               [this, request, response](const Call& call) {
                 return Answer(lifecycle_.CreateFeedback(call, *request),
                               response);
               });
}

grpc::ServerUnaryReactor* AuditService::ListFeedback(
    grpc::CallbackServerContext* context,
    const v1::ListFeedbackRequest* request,
    v1::ListFeedbackResponse* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/ListFeedback",
               [this, request, response](const Call& call) {
                 return Answer(lifecycle_.ListFeedback(call, *request),
                               response);
               });
}

}  // namespace brevis::api
