#include "server/api/audit_service.h"

namespace brevis::api {

grpc::ServerUnaryReactor* AuditService::CreateRecommendation(
    grpc::CallbackServerContext* context,
    const v1::CreateRecommendationRequest* request,
    v1::Recommendation* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/CreateRecommendation",
               [this, request, response](const Call& call) {
                 return Answer(
                     recommendations_.CreateRecommendation(call, *request),
                     response);
               });
}

grpc::ServerUnaryReactor* AuditService::GetRecommendation(
    grpc::CallbackServerContext* context,
    const v1::GetRecommendationRequest* request, v1::Recommendation* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/GetRecommendation",
               [this, request, response](const Call& call) {
                 return Answer(
                     recommendations_.GetRecommendation(call, *request),
                     response);
               });
}

grpc::ServerUnaryReactor* AuditService::ListRecommendations(
    grpc::CallbackServerContext* context,
    const v1::ListRecommendationsRequest* request,
    v1::ListRecommendationsResponse* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/ListRecommendations",
               [this, request, response](const Call& call) {
                 return Answer(
                     recommendations_.ListRecommendations(call, *request),
                     response);
               });
}

grpc::ServerUnaryReactor* AuditService::UpdateRecommendation(
    grpc::CallbackServerContext* context,
    const v1::UpdateRecommendationRequest* request,
    v1::Recommendation* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/UpdateRecommendation",
               [this, request, response](const Call& call) {
                 return Answer(
                     recommendations_.UpdateRecommendation(call, *request),
                     response);
               });
}

grpc::ServerUnaryReactor* AuditService::DeleteRecommendation(
    grpc::CallbackServerContext* context,
    const v1::DeleteRecommendationRequest* request,
    google::protobuf::Empty* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/DeleteRecommendation",
               [this, request, response](const Call& call) {
                 return Answer(
                     recommendations_.DeleteRecommendation(call, *request),
                     response);
               });
}

}  // namespace brevis::api
