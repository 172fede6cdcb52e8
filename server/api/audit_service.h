#ifndef BREVIS_SERVER_API_AUDIT_SERVICE_H_
#define BREVIS_SERVER_API_AUDIT_SERVICE_H_

#include "brevis/v1/audit_service.grpc.pb.h"
#include "server/api/service_support.h"
#include "server/app/actions.h"
#include "server/app/audits.h"
#include "server/app/findings.h"
#include "server/app/lifecycle.h"
#include "server/app/recommendations.h"
#include "server/app/sessions.h"

namespace brevis::api {

// brevis.v1.AuditService: audits, their interview sessions and findings.
// Thread-safe. The audit methods are in audit_service.cc, the sessions in
// audit_service_sessions.cc, the findings in audit_service_findings.cc, the
// recommendations in audit_service_recommendations.cc, the lifecycle
// (transitions, responses, verdicts, feedback) in
// audit_service_lifecycle.cc, the revision history in
// audit_service_revisions.cc, the unit's actions in audit_service_actions.cc.
class AuditService final : public v1::AuditService::CallbackService {
 public:
  explicit AuditService(ServiceDeps deps)
      : deps_(deps),
        findings_(deps.ForApp()),
        recommendations_(deps.ForApp()),
        audits_(deps.ForApp()),
        sessions_(deps.ForApp()),
        lifecycle_(deps.ForApp()),
        actions_(deps.ForApp()) {}

  grpc::ServerUnaryReactor* CreateAudit(grpc::CallbackServerContext* context,
                                        const v1::CreateAuditRequest* request,
                                        v1::Audit* response) override;
  grpc::ServerUnaryReactor* GetAudit(grpc::CallbackServerContext* context,
                                     const v1::GetAuditRequest* request,
                                     v1::Audit* response) override;
  grpc::ServerUnaryReactor* ListAudits(
      grpc::CallbackServerContext* context,
      const v1::ListAuditsRequest* request,
      v1::ListAuditsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateAudit(grpc::CallbackServerContext* context,
                                        const v1::UpdateAuditRequest* request,
                                        v1::Audit* response) override;
  grpc::ServerUnaryReactor* CreateSession(
      grpc::CallbackServerContext* context,
      const v1::CreateSessionRequest* request, v1::Session* response) override;
  grpc::ServerUnaryReactor* ListSessions(
      grpc::CallbackServerContext* context,
      const v1::ListSessionsRequest* request,
      v1::ListSessionsResponse* response) override;
  grpc::ServerUnaryReactor* DeleteSession(
      grpc::CallbackServerContext* context,
      const v1::DeleteSessionRequest* request,
      google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* CreateFinding(
      grpc::CallbackServerContext* context,
      const v1::CreateFindingRequest* request, v1::Finding* response) override;
  grpc::ServerUnaryReactor* GetFinding(grpc::CallbackServerContext* context,
                                       const v1::GetFindingRequest* request,
                                       v1::Finding* response) override;
  grpc::ServerUnaryReactor* ListFindings(
      grpc::CallbackServerContext* context,
      const v1::ListFindingsRequest* request,
      v1::ListFindingsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateFinding(
      grpc::CallbackServerContext* context,
      const v1::UpdateFindingRequest* request, v1::Finding* response) override;
  grpc::ServerUnaryReactor* DeleteFinding(
      grpc::CallbackServerContext* context,
      const v1::DeleteFindingRequest* request,
      google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* CreateRecommendation(
      grpc::CallbackServerContext* context,
      const v1::CreateRecommendationRequest* request,
      v1::Recommendation* response) override;
  grpc::ServerUnaryReactor* GetRecommendation(
      grpc::CallbackServerContext* context,
      const v1::GetRecommendationRequest* request,
      v1::Recommendation* response) override;
  grpc::ServerUnaryReactor* ListRecommendations(
      grpc::CallbackServerContext* context,
      const v1::ListRecommendationsRequest* request,
      v1::ListRecommendationsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateRecommendation(
      grpc::CallbackServerContext* context,
      const v1::UpdateRecommendationRequest* request,
      v1::Recommendation* response) override;
  grpc::ServerUnaryReactor* DeleteRecommendation(
      grpc::CallbackServerContext* context,
      const v1::DeleteRecommendationRequest* request,
      google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* TransitionAudit(
      grpc::CallbackServerContext* context,
      const v1::TransitionAuditRequest* request, v1::Audit* response) override;
  grpc::ServerUnaryReactor* RespondToRecommendation(
      grpc::CallbackServerContext* context,
      const v1::RespondToRecommendationRequest* request,
      v1::Recommendation* response) override;
  grpc::ServerUnaryReactor* RecordVerdict(
      grpc::CallbackServerContext* context,
      const v1::RecordVerdictRequest* request,
      v1::Recommendation* response) override;
  grpc::ServerUnaryReactor* CreateFeedback(
      grpc::CallbackServerContext* context,
      const v1::CreateFeedbackRequest* request,
      v1::Feedback* response) override;
  grpc::ServerUnaryReactor* ListFeedback(
      grpc::CallbackServerContext* context,
      const v1::ListFeedbackRequest* request,
      v1::ListFeedbackResponse* response) override;
  grpc::ServerUnaryReactor* ListFindingRevisions(
      grpc::CallbackServerContext* context,
      const v1::ListRevisionsRequest* request,
      v1::ListFindingRevisionsResponse* response) override;
  grpc::ServerUnaryReactor* ListRecommendationRevisions(
      grpc::CallbackServerContext* context,
      const v1::ListRevisionsRequest* request,
      v1::ListRecommendationRevisionsResponse* response) override;
  grpc::ServerUnaryReactor* CreateAction(grpc::CallbackServerContext* context,
                                         const v1::CreateActionRequest* request,
                                         v1::Action* response) override;
  grpc::ServerUnaryReactor* GetAction(grpc::CallbackServerContext* context,
                                      const v1::GetActionRequest* request,
                                      v1::Action* response) override;
  grpc::ServerUnaryReactor* UpdateAction(grpc::CallbackServerContext* context,
                                         const v1::UpdateActionRequest* request,
                                         v1::Action* response) override;
  grpc::ServerUnaryReactor* AddProgressNote(
      grpc::CallbackServerContext* context,
      const v1::AddProgressNoteRequest* request, v1::Action* response) override;
  grpc::ServerUnaryReactor* ListActions(
      grpc::CallbackServerContext* context,
      const v1::ListActionsRequest* request,
      v1::ListActionsResponse* response) override;

 private:
  const ServiceDeps deps_;
  // The use cases the overrides forward to.
  app::Findings findings_;
  app::Recommendations recommendations_;
  app::Audits audits_;
  app::Sessions sessions_;
  app::Lifecycle lifecycle_;
  app::Actions actions_;
};

}  // namespace brevis::api

#endif  // BREVIS_SERVER_API_AUDIT_SERVICE_H_
