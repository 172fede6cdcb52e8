#include "server/app/recommendations.h"

#include <string>
#include <string_view>
#include <vector>

#include "server/app/audit_access.h"
#include "server/app/audit_content.h"
#include "server/app/audit_flows.h"
#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/update_mask.h"
#include "server/domain/validation.h"
#include "server/store/recommendation_repository.h"

namespace brevis::app {
namespace {

constexpr char kCreateRecommendation[] =
    "brevis.v1.AuditService/CreateRecommendation";

// Recommendations as the shared flows of audit content see them.
struct RecommendationContent {
  using Resource = v1::Recommendation;
  using Name = domain::name::Recommendation;
  static constexpr std::string_view kNoun = "recommendation";
  static constexpr std::string_view kPlural = "recommendations";
  static absl::StatusOr<v1::Recommendation> Get(store::Connection& db,
                                                const Name& name,
                                                int64_t audit_id) {
    return store::RecommendationRepository(db).Get(name, audit_id);
  }
};

}  // namespace

absl::StatusOr<v1::Recommendation> Recommendations::CreateRecommendation(
    const Call& call, const v1::CreateRecommendationRequest& request) {
  BREVIS_ASSIGN_OR_RETURN(domain::name::Audit parent,
                          domain::ParseAuditName(request.parent(), "parent"));
  if (!request.has_recommendation()) {
    return absl::InvalidArgumentError("recommendation: required");
  }
  BREVIS_RETURN_IF_ERROR(domain::ValidateRequestId(request.request_id()));
  BREVIS_RETURN_IF_ERROR(
      domain::ValidateRecommendation(request.recommendation(), parent.audit));
  return CreateInAudit<v1::Recommendation>(
      deps_, call,
      {.audit = parent,
       .method = kCreateRecommendation,
       .parent = request.parent(),
       .request_id = request.request_id(),
       .request = request},
      [&](store::Connection& db, const store::AuditLocation& audit,
          v1::Recommendation* recommendation) -> absl::Status {
        BREVIS_RETURN_IF_ERROR(
            CheckNotFrozen(audit.facts, "add recommendations"));
        store::RecommendationRepository recommendations(db);
        BREVIS_ASSIGN_OR_RETURN(
            std::vector<int64_t> finding_ids,
            recommendations.FindingIds(parent, audit.id,
                                       request.recommendation()));
        recommendation->Clear();
        recommendation->set_text(request.recommendation().text());
        recommendation->set_priority(request.recommendation().priority());
        return recommendations.Create({parent.audit, domain::NewResourceId()},
                                      audit.id, finding_ids, call.time,
                                      recommendation);
      },
      [&](store::Connection& db, const store::AuditLocation& audit,
          std::string_view id) {
        return store::RecommendationRepository(db).Get(
            {parent.audit, std::string(id)}, audit.id);
      });
}

absl::StatusOr<v1::Recommendation> Recommendations::GetRecommendation(
    const Call& call, const v1::GetRecommendationRequest& request) {
  BREVIS_ASSIGN_OR_RETURN(
      domain::name::Recommendation name,
      domain::ParseRecommendationName(request.name(), "name"));
  return GetContent<RecommendationContent>(deps_, call, name);
}

absl::StatusOr<v1::ListRecommendationsResponse>
Recommendations::ListRecommendations(
    const Call& call, const v1::ListRecommendationsRequest& request) {
  BREVIS_ASSIGN_OR_RETURN(domain::name::Audit parent,
                          domain::ParseAuditName(request.parent(), "parent"));
  v1::ListRecommendationsResponse response;
  BREVIS_RETURN_IF_ERROR(ListInAudit(
      deps_, call, parent, domain::Permission::kReadAudit, request.parent(),
      request,
      [&](store::Connection& db, const store::AuditLocation& audit,
          const ListWindow& window) {
        return store::RecommendationRepository(db).List(
            parent, audit.id, window.after_id, window.limit);
      },
      response.mutable_recommendations(), response.mutable_next_page_token()));
  return response;
}

absl::StatusOr<v1::Recommendation> Recommendations::UpdateRecommendation(
    const Call& call, const v1::UpdateRecommendationRequest& request) {
  if (!request.has_recommendation()) {
    return absl::InvalidArgumentError("recommendation: required");
  }
  BREVIS_ASSIGN_OR_RETURN(
      domain::name::Recommendation name,
      domain::ParseRecommendationName(request.recommendation().name(),
                                      "recommendation.name"));
  BREVIS_ASSIGN_OR_RETURN(
      std::vector<std::string> paths,
      domain::ResolveUpdateMask(request.update_mask(),
                                *v1::Recommendation::descriptor(),
                                {"text", "priority", "findings"}));
  return UpdateContent<RecommendationContent>(
      deps_, call,
      {name, request.recommendation(), std::move(paths),
       request.revision_reason()},
      [&](store::Connection& db, const store::AuditLocation& audit,
          v1::Recommendation* recommendation) -> absl::Status {
        BREVIS_RETURN_IF_ERROR(
            domain::ValidateRecommendation(*recommendation, name.audit));
        store::RecommendationRepository recommendations(db);
        BREVIS_ASSIGN_OR_RETURN(
            std::vector<int64_t> finding_ids,
            recommendations.FindingIds(domain::name::Audit{name.audit},
                                       audit.id, *recommendation));
        return recommendations.Update(name, audit.id, finding_ids, call.time,
                                      recommendation);
      });
}

absl::StatusOr<google::protobuf::Empty> Recommendations::DeleteRecommendation(
    const Call& call, const v1::DeleteRecommendationRequest& request) {
  BREVIS_ASSIGN_OR_RETURN(
      domain::name::Recommendation name,
      domain::ParseRecommendationName(request.name(), "name"));
  BREVIS_RETURN_IF_ERROR(DeleteUnpublished<RecommendationContent>(
      deps_, call, name, request.etag(),
      [&](store::Connection& db, const store::AuditLocation& audit) {
        return store::RecommendationRepository(db).ActionNames(name, audit.id);
      },
      [&](store::Connection& db, const store::AuditLocation& audit) {
        return store::RecommendationRepository(db).Delete(name, audit.id);
      }));
  return google::protobuf::Empty();
}

absl::StatusOr<v1::ListRecommendationRevisionsResponse>
Recommendations::ListRecommendationRevisions(
    const Call& call, const v1::ListRevisionsRequest& request) {
  BREVIS_ASSIGN_OR_RETURN(
      domain::name::Recommendation name,
      domain::ParseRecommendationName(request.name(), "name"));
  v1::ListRecommendationRevisionsResponse response;
  BREVIS_RETURN_IF_ERROR(ListContentRevisions<RecommendationContent>(
      deps_, call, name, response.mutable_recommendations()));
  return response;
}

}  // namespace brevis::app
