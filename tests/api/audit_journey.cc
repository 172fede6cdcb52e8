#include "tests/api/audit_journey.h"

#include "tests/testing/lifecycle_scenario.h"

namespace brevis::api {

void AuditJourneyTest::SetUp() {
  ServiceTest::SetUp();
  audit_ = MustCreateAudit();
  auditor_ = NewPrincipal(v1::ROLE_AUDITOR);
  {
    grpc::ClientContext context;
    v1::UpdateAuditRequest request;
    request.mutable_audit()->set_name(audit_.name());
    request.mutable_audit()->add_auditors(auditor_.name);
    request.mutable_update_mask()->add_paths("auditors");
    grpc::Status status = audits_->UpdateAudit(&context, request, &audit_);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  ASSERT_NO_FATAL_FAILURE(MustMove(v1::AUDIT_STATE_FIELDWORK));
  finding_ = MustCreateFinding(audit_.name(), ExampleFinding());
  ASSERT_NO_FATAL_FAILURE(MustMove(v1::AUDIT_STATE_REPORTING));
  grpc::ClientContext context;
  v1::CreateRecommendationRequest request;
  request.set_parent(audit_.name());
  request.mutable_recommendation()->set_text(
      "Inför en rutin där den unge själv får ge sin syn innan beslut om "
      "behandling.");
  request.mutable_recommendation()->set_priority(v1::PRIORITY_HIGH);
  request.mutable_recommendation()->add_findings(finding_.name());
  grpc::Status status =
      audits_->CreateRecommendation(&context, request, &recommendation_);
  ASSERT_TRUE(status.ok()) << status.error_message();
}

grpc::Status AuditJourneyTest::Move(v1::AuditState to,
                                    const std::string& reason) {
  return testing::MoveAudit(audits_.get(), &audit_, to, reason);
}

void AuditJourneyTest::MustMove(v1::AuditState to, const std::string& reason) {
  grpc::Status status = Move(to, reason);
  ASSERT_TRUE(status.ok()) << v1::AuditState_Name(to) << ": "
                           << status.error_message();
}

grpc::Status AuditJourneyTest::Respond(const std::string& recommendation,
                                       v1::Recommendation* answered) {
  grpc::ClientContext context;
  v1::RespondToRecommendationRequest request;
  request.set_name(recommendation);
  request.mutable_response()->set_decision(v1::RESPONSE_DECISION_ACCEPTED);
  request.mutable_response()->set_rationale(
      "Vi inför rutinen vid nästa verksamhetsmöte.");
  v1::Recommendation ignored;
  return audits_->RespondToRecommendation(
      &context, request, answered != nullptr ? answered : &ignored);
}

v1::Action AuditJourneyTest::ExampleAction() {
  v1::Action action;
  action.set_description(
      "Den unge får ge sin syn före varje behandlingsbeslut.");
  action.set_responsible("enhetschef");
  action.mutable_due_date()->set_year(2026);
  action.mutable_due_date()->set_month(9);
  action.mutable_due_date()->set_day(1);
  return action;
}

v1::Action AuditJourneyTest::MustCreateAction(
    const std::string& recommendation) {
  grpc::ClientContext context;
  v1::CreateActionRequest request;
  request.set_parent(recommendation);
  *request.mutable_action() = ExampleAction();
  v1::Action created;
  grpc::Status status = audits_->CreateAction(&context, request, &created);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return created;
}

v1::Recommendation AuditJourneyTest::GetRecommendation(
    const std::string& name) {
  grpc::ClientContext context;
  v1::GetRecommendationRequest request;
  request.set_name(name);
  v1::Recommendation read;
  grpc::Status status = audits_->GetRecommendation(&context, request, &read);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return read;
}

v1::Finding AuditJourneyTest::GetFinding(const std::string& name) {
  grpc::ClientContext context;
  v1::GetFindingRequest request;
  request.set_name(name);
  v1::Finding read;
  grpc::Status status = audits_->GetFinding(&context, request, &read);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return read;
}

v1::Action AuditJourneyTest::GetAction(const std::string& name) {
  grpc::ClientContext context;
  v1::GetActionRequest request;
  request.set_name(name);
  v1::Action read;
  grpc::Status status = audits_->GetAction(&context, request, &read);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return read;
}

v1::Audit AuditJourneyTest::GetAudit() {
  grpc::ClientContext context;
  v1::GetAuditRequest request;
  request.set_name(audit_.name());
  v1::Audit read;
  grpc::Status status = audits_->GetAudit(&context, request, &read);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return read;
}

grpc::Status AuditJourneyTest::UpdateFindingText(const std::string& name,
                                                 const std::string& text,
                                                 const std::string& reason,
                                                 const std::string& etag,
                                                 v1::Finding* updated) {
  grpc::ClientContext context;
  v1::UpdateFindingRequest request;
  request.mutable_finding()->set_name(name);
  request.mutable_finding()->set_text(text);
  request.mutable_finding()->set_etag(etag);
  request.mutable_update_mask()->add_paths("text");
  request.set_revision_reason(reason);
  v1::Finding ignored;
  return audits_->UpdateFinding(&context, request,
                                updated != nullptr ? updated : &ignored);
}

grpc::Status AuditJourneyTest::UpdateRecommendationText(
    const std::string& name, const std::string& text, const std::string& reason,
    const std::string& etag, v1::Recommendation* updated) {
  grpc::ClientContext context;
  v1::UpdateRecommendationRequest request;
  request.mutable_recommendation()->set_name(name);
  request.mutable_recommendation()->set_text(text);
  request.mutable_recommendation()->set_etag(etag);
  request.mutable_update_mask()->add_paths("text");
  request.set_revision_reason(reason);
  v1::Recommendation ignored;
  return audits_->UpdateRecommendation(&context, request,
                                       updated != nullptr ? updated : &ignored);
}

}  // namespace brevis::api
