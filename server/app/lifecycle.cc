#include "server/app/lifecycle.h"

#include "server/app/audit_access.h"
#include "server/app/audit_flows.h"
#include "server/app/change_feed.h"
#include "server/app/create_once.h"
#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/validation.h"
#include "server/store/audit_repository.h"
#include "server/store/lifecycle_repository.h"

namespace brevis::app {
namespace {

constexpr char kCreateFeedback[] = "brevis.v1.AuditService/CreateFeedback";

}  // namespace

absl::StatusOr<v1::Audit> Lifecycle::TransitionAudit(
    const Call& call, const v1::TransitionAuditRequest& request) {
  BREVIS_ASSIGN_OR_RETURN(domain::name::Audit name,
                          domain::ParseAuditName(request.name(), "name"));
  v1::Audit response;
  BREVIS_RETURN_IF_ERROR(WriteInAudit(
      deps_, call, name, domain::Permission::kReadAudit,
      [&](store::Connection& db,
          const store::AuditLocation& location) -> absl::StatusOr<AuditChange> {
        v1::AuditState from = location.facts.state;
        BREVIS_RETURN_IF_ERROR(domain::CheckTransitionPermission(
            call.caller, location.facts, request.state()));
        store::AuditRepository audits(db);
        BREVIS_ASSIGN_OR_RETURN(v1::Audit current, audits.Get(name.audit));
        BREVIS_RETURN_IF_ERROR(
            domain::CheckEtag("audit", request.etag(), current.etag()));
        store::LifecycleRepository lifecycle(db);
        BREVIS_ASSIGN_OR_RETURN(domain::LifecycleFacts facts,
                                lifecycle.Facts(name, location.id));
        BREVIS_RETURN_IF_ERROR(
            domain::CheckTransition({from, request.state(), request.reason(),
                                     call.caller.role == v1::ROLE_ADMIN},
                                    facts));
        BREVIS_RETURN_IF_ERROR(lifecycle.Transition(
            location.id, from, request.state(), request.reason(),
            call.caller.name, call.time));
        BREVIS_RETURN_IF_ERROR(Assign(audits.Get(name.audit), &response));
        return AuditChange(
            {v1::EVENT_KIND_STATE_CHANGED, response.name(), {"state"}},
            StepScope(location, from, request.state()));
      }));
  return response;
}

absl::StatusOr<v1::Recommendation> Lifecycle::WriteOnRecommendation(
    const Call& call, const domain::name::Recommendation& name,
    domain::Permission permission, domain::StateWindow window,
    v1::EventKind kind, std::string field,
    absl::FunctionRef<absl::Status(store::RecommendationRepository&,
                                   int64_t id)>
        write) {
  v1::Recommendation response;
  BREVIS_RETURN_IF_ERROR(WriteInAudit(
      deps_, call, domain::name::Audit{name.audit}, permission,
      [&](store::Connection& db,
          const store::AuditLocation& location) -> absl::StatusOr<AuditChange> {
        BREVIS_RETURN_IF_ERROR(
            domain::CheckStateWindow(window, location.facts.state));
        store::RecommendationRepository recommendations(db);
        BREVIS_ASSIGN_OR_RETURN(int64_t id,
                                RecommendationRowId(db, name, location.id));
        BREVIS_RETURN_IF_ERROR(write(recommendations, id));
        BREVIS_RETURN_IF_ERROR(
            Assign(recommendations.Get(name, location.id), &response));
        return Change{kind, response.name(), {field}};
      }));
  return response;
}

absl::StatusOr<v1::Recommendation> Lifecycle::RespondToRecommendation(
    const Call& call, const v1::RespondToRecommendationRequest& request) {
  BREVIS_ASSIGN_OR_RETURN(
      domain::name::Recommendation name,
      domain::ParseRecommendationName(request.name(), "name"));
  BREVIS_RETURN_IF_ERROR(domain::ValidateResponse(request.response()));
  return WriteOnRecommendation(
      call, name, domain::Permission::kRespond, domain::StateWindow::kResponses,
      v1::EVENT_KIND_RESPONDED, "response",
      [&](store::RecommendationRepository& recommendations, int64_t id) {
        return recommendations.SetResponse(id, request.response(),
                                           call.caller.name, call.time);
      });
}

absl::StatusOr<v1::Recommendation> Lifecycle::RecordVerdict(
    const Call& call, const v1::RecordVerdictRequest& request) {
  BREVIS_ASSIGN_OR_RETURN(
      domain::name::Recommendation name,
      domain::ParseRecommendationName(request.name(), "name"));
  BREVIS_RETURN_IF_ERROR(domain::ValidateVerdict(request.verdict()));
  return WriteOnRecommendation(
      call, name, domain::Permission::kWriteContent,
      domain::StateWindow::kVerdicts, v1::EVENT_KIND_VERDICT_RECORDED,
      "verdict",
      [&](store::RecommendationRepository& recommendations, int64_t id) {
        return recommendations.SetVerdict(id, request.verdict(),
                                          call.caller.name, call.time);
      });
}

absl::StatusOr<v1::Feedback> Lifecycle::CreateFeedback(
    const Call& call, const v1::CreateFeedbackRequest& request) {
  BREVIS_ASSIGN_OR_RETURN(domain::name::Audit parent,
                          domain::ParseAuditName(request.parent(), "parent"));
  if (!request.has_feedback()) {
    return absl::InvalidArgumentError("feedback: required");
  }
  BREVIS_RETURN_IF_ERROR(domain::ValidateRequestId(request.request_id()));
  BREVIS_RETURN_IF_ERROR(domain::ValidateFeedback(request.feedback()));
  return CreateInAudit<v1::Feedback>(
      deps_, call,
      {.audit = parent,
       .method = kCreateFeedback,
       .parent = request.parent(),
       .request_id = request.request_id(),
       .request = request},
      [&](store::Connection& db, const store::AuditLocation& location,
          v1::Feedback* feedback) -> absl::Status {
        BREVIS_RETURN_IF_ERROR(domain::CheckStateWindow(
            domain::StateWindow::kFeedback, location.facts.state));
        *feedback = request.feedback();
        feedback->clear_name();
        feedback->clear_create_time();
        return store::LifecycleRepository(db).CreateFeedback(
            parent, location.id, domain::NewResourceId(), call.time, feedback);
      },
      [&](store::Connection& db, const store::AuditLocation& location,
          std::string_view id) {
        return store::LifecycleRepository(db).GetFeedback(parent, location.id,
                                                          id);
      });
}

absl::StatusOr<v1::ListFeedbackResponse> Lifecycle::ListFeedback(
    const Call& call, const v1::ListFeedbackRequest& request) {
  BREVIS_ASSIGN_OR_RETURN(domain::name::Audit parent,
                          domain::ParseAuditName(request.parent(), "parent"));
  v1::ListFeedbackResponse response;
  BREVIS_RETURN_IF_ERROR(ListInAudit(
      deps_, call, parent, domain::Permission::kReadAudit, request.parent(),
      request,
      [&](store::Connection& db, const store::AuditLocation& location,
          const ListWindow& window) {
        return store::LifecycleRepository(db).ListFeedback(
            parent, location.id, window.after_id, window.limit);
      },
      response.mutable_feedback(), response.mutable_next_page_token()));
  return response;
}

}  // namespace brevis::app
