#include "tests/testing/lifecycle_scenario.h"

#include <gmock/gmock.h>

namespace brevis::testing {

using ::testing::HasSubstr;

void LifecycleScenario::Run() {
  {
    grpc::ClientContext context;
    v1::CreateAuditRequest request;
    *request.mutable_audit() = cast_.audit;
    request.mutable_audit()->set_unit(cast_.unit);
    ASSERT_TRUE(cast_.admin->CreateAudit(&context, request, &audit_).ok());
  }

  // PLANNED -> FIELDWORK needs a team.
  grpc::Status status = Move(cast_.admin, v1::AUDIT_STATE_FIELDWORK);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("team-assigned"));
  {
    grpc::ClientContext context;
    v1::UpdateAuditRequest request;
    request.mutable_audit()->set_name(audit_.name());
    request.mutable_audit()->add_auditors(cast_.auditor_name);
    request.mutable_update_mask()->add_paths("auditors");
    ASSERT_TRUE(cast_.admin->UpdateAudit(&context, request, &audit_).ok());
  }
  ASSERT_TRUE(Move(cast_.auditor, v1::AUDIT_STATE_FIELDWORK).ok());

  // FIELDWORK -> REPORTING needs a finding.
  status = Move(cast_.auditor, v1::AUDIT_STATE_REPORTING);
  EXPECT_THAT(status.error_message(), HasSubstr("has-findings"));
  Finding(cast_.auditor, v1::FINDING_KIND_STRENGTH, v1::FOCUS_AREA_RESPECT,
          "De flesta unga beskriver att de blir lyssnade på.");
  v1::Finding participation =
      Finding(cast_.auditor, v1::FINDING_KIND_IMPROVEMENT_AREA,
              v1::FOCUS_AREA_PARTICIPATION,
              "Flera unga säger att de inte får vara med när beslut fattas.");
  v1::Finding information = Finding(
      cast_.auditor, v1::FINDING_KIND_IMPROVEMENT_AREA,
      v1::FOCUS_AREA_INFORMATION, "Vårdnadshavare vet inte vad en SIP är.");
  ASSERT_TRUE(Move(cast_.auditor, v1::AUDIT_STATE_REPORTING).ok());

  // REPORTING -> PUBLISHED names every improvement area left unanswered.
  status = Move(cast_.auditor, v1::AUDIT_STATE_PUBLISHED);
  EXPECT_THAT(status.error_message(),
              HasSubstr("every-improvement-area-answered"));
  EXPECT_THAT(status.error_message(), HasSubstr(participation.name()));
  EXPECT_THAT(status.error_message(), HasSubstr(information.name()));
  v1::Recommendation first =
      Recommend(cast_.auditor, participation.name(),
                "Inför en rutin där den unge själv får ge sin syn.");
  status = Move(cast_.auditor, v1::AUDIT_STATE_PUBLISHED);
  EXPECT_THAT(status.error_message(), HasSubstr(information.name()));
  EXPECT_THAT(status.error_message(),
              ::testing::Not(HasSubstr(participation.name())));
  v1::Recommendation second =
      Recommend(cast_.auditor, information.name(),
                "Ge skriftlig information om SIP på lättläst svenska.");
  ASSERT_TRUE(Move(cast_.auditor, v1::AUDIT_STATE_PUBLISHED).ok());

  // The unit answers; only then do its actions start.
  status = Move(cast_.manager, v1::AUDIT_STATE_IN_PROGRESS);
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
        cast_.manager->RespondToRecommendation(&context, request, &answered)
            .ok());
    EXPECT_EQ(answered.response().author(), cast_.manager_name);
  }
  ASSERT_TRUE(Move(cast_.manager, v1::AUDIT_STATE_IN_PROGRESS).ok());
  ASSERT_TRUE(Move(cast_.auditor, v1::AUDIT_STATE_FOLLOW_UP).ok());

  // Closing needs a verdict for every recommendation and the feedback.
  auto verdict = [&](const v1::Recommendation& recommendation,
                     v1::Verdict value) {
    grpc::ClientContext context;
    v1::RecordVerdictRequest request;
    request.set_name(recommendation.name());
    request.mutable_verdict()->set_verdict(value);
    v1::Recommendation assessed;
    return cast_.auditor->RecordVerdict(&context, request, &assessed);
  };
  ASSERT_TRUE(verdict(first, v1::VERDICT_IMPLEMENTED).ok());
  status = Move(cast_.auditor, v1::AUDIT_STATE_CLOSED);
  EXPECT_THAT(status.error_message(),
              HasSubstr("every-recommendation-assessed"));
  EXPECT_THAT(status.error_message(), HasSubstr(second.name()));
  ASSERT_TRUE(verdict(second, v1::VERDICT_PARTLY_IMPLEMENTED).ok());
  status = Move(cast_.auditor, v1::AUDIT_STATE_CLOSED);
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
    ASSERT_TRUE(
        cast_.auditor->CreateFeedback(&context, request, &feedback).ok());
  }
  ASSERT_TRUE(Move(cast_.auditor, v1::AUDIT_STATE_CLOSED).ok());
  EXPECT_EQ(audit_.state(), v1::AUDIT_STATE_CLOSED);

  // Reopening is for admins, with a reason.
  status = Move(cast_.auditor, v1::AUDIT_STATE_FOLLOW_UP, "glömde något");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  status = Move(cast_.admin, v1::AUDIT_STATE_FOLLOW_UP);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(Move(cast_.admin, v1::AUDIT_STATE_FOLLOW_UP,
                   "En verksamhet saknades i uppföljningen.")
                  .ok());
}

}  // namespace brevis::testing
