// One audit from commission to closure through the API, each guard shown
// refusing before it is satisfied.

#include <gmock/gmock.h>

#include "tests/api/service_fixture.h"

namespace brevis::api {
namespace {

using ::testing::HasSubstr;

class LifecycleScenarioTest : public ServiceTest {
 protected:
  grpc::Status Move(v1::AuditService::Stub* stub, v1::AuditState to,
                    const std::string& reason = "") {
    grpc::ClientContext context;
    v1::TransitionAuditRequest request;
    request.set_name(audit_.name());
    request.set_state(to);
    request.set_reason(reason);
    v1::Audit moved;
    grpc::Status status = stub->TransitionAudit(&context, request, &moved);
    if (status.ok()) audit_ = moved;
    return status;
  }

  v1::Finding Finding(v1::AuditService::Stub* stub, v1::FindingKind kind,
                      v1::FocusArea area, const std::string& text) {
    grpc::ClientContext context;
    v1::CreateFindingRequest request;
    request.set_parent(audit_.name());
    *request.mutable_finding() = ExampleFinding();
    request.mutable_finding()->set_kind(kind);
    request.mutable_finding()->set_focus_area(area);
    request.mutable_finding()->set_text(text);
    v1::Finding created;
    EXPECT_TRUE(stub->CreateFinding(&context, request, &created).ok());
    return created;
  }

  v1::Recommendation Recommend(v1::AuditService::Stub* stub,
                               const std::string& finding,
                               const std::string& text) {
    grpc::ClientContext context;
    v1::CreateRecommendationRequest request;
    request.set_parent(audit_.name());
    request.mutable_recommendation()->set_text(text);
    request.mutable_recommendation()->set_priority(v1::PRIORITY_HIGH);
    request.mutable_recommendation()->add_findings(finding);
    v1::Recommendation created;
    EXPECT_TRUE(stub->CreateRecommendation(&context, request, &created).ok());
    return created;
  }

  v1::Audit audit_;
};

TEST_F(LifecycleScenarioTest, FromCommissionToClosure) {
  v1::Unit unit = MustCreateUnit(ExampleUnit());
  TestPrincipal auditor = NewPrincipal(v1::ROLE_AUDITOR);
  TestPrincipal manager = NewPrincipal(v1::ROLE_UNIT_MANAGER, {unit.name()});
  auto as_auditor = v1::AuditService::NewStub(ChannelFor(auditor.secret));
  auto as_manager = v1::AuditService::NewStub(ChannelFor(manager.secret));
  {
    grpc::ClientContext context;
    v1::CreateAuditRequest request;
    *request.mutable_audit() = ExampleAudit(unit.name());
    ASSERT_TRUE(audits_->CreateAudit(&context, request, &audit_).ok());
  }

  // PLANNED -> FIELDWORK needs a team.
  grpc::Status status = Move(audits_.get(), v1::AUDIT_STATE_FIELDWORK);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("team-assigned"));
  {
    grpc::ClientContext context;
    v1::UpdateAuditRequest request;
    request.mutable_audit()->set_name(audit_.name());
    request.mutable_audit()->add_auditors(auditor.name);
    request.mutable_update_mask()->add_paths("auditors");
    ASSERT_TRUE(audits_->UpdateAudit(&context, request, &audit_).ok());
  }
  ASSERT_TRUE(Move(as_auditor.get(), v1::AUDIT_STATE_FIELDWORK).ok());

  // FIELDWORK -> REPORTING needs a finding.
  status = Move(as_auditor.get(), v1::AUDIT_STATE_REPORTING);
  EXPECT_THAT(status.error_message(), HasSubstr("has-findings"));
  Finding(as_auditor.get(), v1::FINDING_KIND_STRENGTH, v1::FOCUS_AREA_RESPECT,
          "De flesta unga beskriver att de blir lyssnade på.");
  v1::Finding participation =
      Finding(as_auditor.get(), v1::FINDING_KIND_IMPROVEMENT_AREA,
              v1::FOCUS_AREA_PARTICIPATION,
              "Flera unga säger att de inte får vara med när beslut fattas.");
  v1::Finding information = Finding(
      as_auditor.get(), v1::FINDING_KIND_IMPROVEMENT_AREA,
      v1::FOCUS_AREA_INFORMATION, "Vårdnadshavare vet inte vad en SIP är.");
  ASSERT_TRUE(Move(as_auditor.get(), v1::AUDIT_STATE_REPORTING).ok());

  // REPORTING -> PUBLISHED names every improvement area left unanswered.
  status = Move(as_auditor.get(), v1::AUDIT_STATE_PUBLISHED);
  EXPECT_THAT(status.error_message(),
              HasSubstr("every-improvement-area-answered"));
  EXPECT_THAT(status.error_message(), HasSubstr(participation.name()));
  EXPECT_THAT(status.error_message(), HasSubstr(information.name()));
  v1::Recommendation first =
      Recommend(as_auditor.get(), participation.name(),
                "Inför en rutin där den unge själv får ge sin syn.");
  status = Move(as_auditor.get(), v1::AUDIT_STATE_PUBLISHED);
  EXPECT_THAT(status.error_message(), HasSubstr(information.name()));
  EXPECT_THAT(status.error_message(),
              ::testing::Not(HasSubstr(participation.name())));
  v1::Recommendation second =
      Recommend(as_auditor.get(), information.name(),
                "Ge skriftlig information om SIP på lättläst svenska.");
  ASSERT_TRUE(Move(as_auditor.get(), v1::AUDIT_STATE_PUBLISHED).ok());

  // The unit answers; only then do its actions start.
  status = Move(as_manager.get(), v1::AUDIT_STATE_IN_PROGRESS);
  EXPECT_THAT(status.error_message(),
              HasSubstr("every-recommendation-responded"));
  for (const v1::Recommendation& recommendation : {first, second}) {
    grpc::ClientContext context;
    v1::RespondToRecommendationRequest request;
    request.set_name(recommendation.name());
    request.mutable_response()->set_decision(v1::RESPONSE_DECISION_ACCEPTED);
    request.mutable_response()->set_rationale("Vi genomför det under våren.");
    v1::Recommendation answered;
    ASSERT_TRUE(
        as_manager->RespondToRecommendation(&context, request, &answered).ok());
    EXPECT_EQ(answered.response().author(), manager.name);
  }
  ASSERT_TRUE(Move(as_manager.get(), v1::AUDIT_STATE_IN_PROGRESS).ok());
  ASSERT_TRUE(Move(as_auditor.get(), v1::AUDIT_STATE_FOLLOW_UP).ok());

  // Closing needs a verdict for every recommendation and the feedback.
  auto verdict = [&](const v1::Recommendation& recommendation,
                     v1::Verdict value) {
    grpc::ClientContext context;
    v1::RecordVerdictRequest request;
    request.set_name(recommendation.name());
    request.mutable_verdict()->set_verdict(value);
    v1::Recommendation assessed;
    return as_auditor->RecordVerdict(&context, request, &assessed);
  };
  ASSERT_TRUE(verdict(first, v1::VERDICT_IMPLEMENTED).ok());
  status = Move(as_auditor.get(), v1::AUDIT_STATE_CLOSED);
  EXPECT_THAT(status.error_message(),
              HasSubstr("every-recommendation-assessed"));
  EXPECT_THAT(status.error_message(), HasSubstr(second.name()));
  ASSERT_TRUE(verdict(second, v1::VERDICT_PARTLY_IMPLEMENTED).ok());
  status = Move(as_auditor.get(), v1::AUDIT_STATE_CLOSED);
  EXPECT_THAT(status.error_message(), HasSubstr("feedback-recorded"));
  {
    grpc::ClientContext context;
    v1::CreateFeedbackRequest request;
    request.set_parent(audit_.name());
    request.mutable_feedback()->mutable_date()->set_year(2026);
    request.mutable_feedback()->mutable_date()->set_month(6);
    request.mutable_feedback()->mutable_date()->set_day(10);
    request.mutable_feedback()->add_audiences(v1::INFORMANT_GROUP_YOUNG_PERSON);
    request.mutable_feedback()->set_form(
        v1::FEEDBACK_FORM_CHILD_FRIENDLY_SUMMARY);
    v1::Feedback feedback;
    ASSERT_TRUE(as_auditor->CreateFeedback(&context, request, &feedback).ok());
  }
  ASSERT_TRUE(Move(as_auditor.get(), v1::AUDIT_STATE_CLOSED).ok());
  EXPECT_EQ(audit_.state(), v1::AUDIT_STATE_CLOSED);

  // Reopening is for admins, with a reason.
  status = Move(as_auditor.get(), v1::AUDIT_STATE_FOLLOW_UP, "glömde något");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  status = Move(audits_.get(), v1::AUDIT_STATE_FOLLOW_UP);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(Move(audits_.get(), v1::AUDIT_STATE_FOLLOW_UP,
                   "En verksamhet saknades i uppföljningen.")
                  .ok());
}

TEST_F(LifecycleScenarioTest, OnlyAdminsCancelAndOnlyWithAReason) {
  audit_ = MustCreateAudit();
  TestPrincipal auditor = NewPrincipal(v1::ROLE_AUDITOR);
  {
    grpc::ClientContext context;
    v1::UpdateAuditRequest request;
    request.mutable_audit()->set_name(audit_.name());
    request.mutable_audit()->add_auditors(auditor.name);
    request.mutable_update_mask()->add_paths("auditors");
    ASSERT_TRUE(audits_->UpdateAudit(&context, request, &audit_).ok());
  }
  auto as_auditor = v1::AuditService::NewStub(ChannelFor(auditor.secret));
  EXPECT_EQ(Move(as_auditor.get(), v1::AUDIT_STATE_CANCELLED, "ingen tid")
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Move(audits_.get(), v1::AUDIT_STATE_CANCELLED).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(
      Move(audits_.get(), v1::AUDIT_STATE_CANCELLED, "Enheten läggs ned.")
          .ok());
  EXPECT_EQ(audit_.state(), v1::AUDIT_STATE_CANCELLED);
}

}  // namespace
}  // namespace brevis::api
