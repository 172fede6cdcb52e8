// A retried create (the same request with the same request_id, by the same
// caller) returns its first result whatever has happened since; only a new
// request is checked against the current state. Who may see the result is
// still decided now.

#include <gmock/gmock.h>

#include <functional>

#include "tests/api/audit_journey.h"

namespace brevis::api {
namespace {

class CreateRetryTest : public AuditJourneyTest {
 protected:
  // One kind of create: makes the request with `request_id` and reports
  // the created resource's name.
  using Create = std::function<grpc::Status(const std::string& request_id,
                                            std::string* name)>;

  struct Case {
    std::string kind;
    // Brings audit_ (or the directory) to where the create is allowed.
    std::function<void()> before;
    Create create;
    // What happens between the first answer and the retry.
    std::function<void()> meanwhile;
    // What a new request (another request_id) gets afterwards.
    grpc::StatusCode new_request;
  };

  void Check(const Case& c) {
    SCOPED_TRACE(c.kind);
    ASSERT_NO_FATAL_FAILURE(c.before());
    std::string first;
    grpc::Status status = c.create("retry-" + c.kind, &first);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_NO_FATAL_FAILURE(c.meanwhile());

    std::string again;
    status = c.create("retry-" + c.kind, &again);
    EXPECT_TRUE(status.ok()) << "the retry got " << status.error_code() << ": "
                             << status.error_message();
    EXPECT_EQ(again, first);

    std::string other;
    EXPECT_EQ(c.create("new-" + c.kind, &other).error_code(), c.new_request);
  }

  grpc::Status NewFinding(const std::string& request_id, std::string* name) {
    // A strength, so that publishing needs no recommendation for it.
    v1::Finding finding = ExampleFinding();
    finding.set_kind(v1::FINDING_KIND_STRENGTH);
    v1::Finding created;
    grpc::Status status =
        CreateFinding(audit_.name(), finding, &created, request_id);
    *name = created.name();
    return status;
  }

  grpc::Status NewRecommendation(const std::string& request_id,
                                 std::string* name) {
    grpc::ClientContext context;
    v1::CreateRecommendationRequest request;
    request.set_parent(audit_.name());
    request.set_request_id(request_id);
    request.mutable_recommendation()->set_text("Ge lättläst information.");
    request.mutable_recommendation()->set_priority(v1::PRIORITY_MEDIUM);
    request.mutable_recommendation()->add_findings(finding_.name());
    v1::Recommendation created;
    grpc::Status status =
        audits_->CreateRecommendation(&context, request, &created);
    *name = created.name();
    return status;
  }

  grpc::Status NewSession(const std::string& request_id, std::string* name) {
    grpc::ClientContext context;
    v1::CreateSessionRequest request;
    request.set_parent(audit_.name());
    request.set_request_id(request_id);
    *request.mutable_session() = ExampleSession();
    v1::Session created;
    grpc::Status status = audits_->CreateSession(&context, request, &created);
    *name = created.name();
    return status;
  }

  grpc::Status NewFeedback(const std::string& request_id, std::string* name) {
    grpc::ClientContext context;
    v1::CreateFeedbackRequest request;
    request.set_parent(audit_.name());
    request.set_request_id(request_id);
    v1::Feedback* feedback = request.mutable_feedback();
    feedback->mutable_date()->set_year(2026);
    feedback->mutable_date()->set_month(6);
    feedback->mutable_date()->set_day(10);
    feedback->add_audiences(v1::INFORMANT_GROUP_YOUNG_PERSON);
    feedback->set_form(v1::FEEDBACK_FORM_EASY_READ_LETTER);
    v1::Feedback created;
    grpc::Status status = audits_->CreateFeedback(&context, request, &created);
    *name = created.name();
    return status;
  }

  grpc::Status NewAction(const std::string& request_id, std::string* name) {
    grpc::ClientContext context;
    v1::CreateActionRequest request;
    request.set_parent(recommendation_.name());
    request.set_request_id(request_id);
    *request.mutable_action() = ExampleAction();
    v1::Action created;
    grpc::Status status = audits_->CreateAction(&context, request, &created);
    *name = created.name();
    return status;
  }

  grpc::Status NewAudit(const std::string& request_id, std::string* name) {
    grpc::ClientContext context;
    v1::CreateAuditRequest request;
    request.set_request_id(request_id);
    *request.mutable_audit() = ExampleAudit(audit_.unit());
    v1::Audit created;
    grpc::Status status = audits_->CreateAudit(&context, request, &created);
    *name = created.name();
    return status;
  }

  grpc::Status NewUnit(const std::string& request_id, std::string* name) {
    grpc::ClientContext context;
    v1::CreateUnitRequest request;
    request.set_request_id(request_id);
    *request.mutable_unit() = ExampleUnit();
    request.mutable_unit()->set_hsa_id("SE2321000016-15HX");
    v1::Unit created;
    grpc::Status status = directory_->CreateUnit(&context, request, &created);
    *name = created.name();
    return status;
  }

  grpc::Status NewIntegration(const std::string& request_id,
                              std::string* name) {
    grpc::ClientContext context;
    v1::CreatePrincipalRequest request;
    request.set_request_id(request_id);
    request.mutable_principal()->set_display_name("Journalsystemet");
    request.mutable_principal()->set_role(v1::ROLE_INTEGRATION);
    request.mutable_principal()->add_scopes(v1::SCOPE_READ_AUDITS);
    request.mutable_principal()->set_certificate_subject("journal.example");
    v1::Principal created;
    grpc::Status status =
        directory_->CreatePrincipal(&context, request, &created);
    *name = created.name();
    return status;
  }

  void Deactivate(const std::string& unit) {
    grpc::ClientContext context;
    v1::UpdateUnitRequest request;
    request.mutable_unit()->set_name(unit);
    request.mutable_unit()->set_active(false);
    request.mutable_update_mask()->add_paths("active");
    v1::Unit updated;
    grpc::Status status = directory_->UpdateUnit(&context, request, &updated);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  void Nothing() {}
  void Publish() { MustMove(v1::AUDIT_STATE_PUBLISHED); }
};

TEST_F(CreateRetryTest, FindingRetriedAfterPublicationReturnsTheFirst) {
  Check({"finding", [&] { Nothing(); },
         [&](auto& id, auto* name) { return NewFinding(id, name); },
         [&] { Publish(); }, grpc::StatusCode::FAILED_PRECONDITION});
}

TEST_F(CreateRetryTest, RecommendationRetriedAfterPublicationReturnsTheFirst) {
  Check({"recommendation", [&] { Nothing(); },
         [&](auto& id, auto* name) { return NewRecommendation(id, name); },
         [&] { Publish(); }, grpc::StatusCode::FAILED_PRECONDITION});
}

TEST_F(CreateRetryTest, SessionRetriedAfterPublicationReturnsTheFirst) {
  Check({"session", [&] { Nothing(); },
         [&](auto& id, auto* name) { return NewSession(id, name); },
         [&] { Publish(); }, grpc::StatusCode::OK});
}

TEST_F(CreateRetryTest, FeedbackRetriedAfterAReopenReturnsTheFirst) {
  Check({"feedback", [&] { Publish(); },
         [&](auto& id, auto* name) { return NewFeedback(id, name); },
         [&] { MustMove(v1::AUDIT_STATE_REPORTING, "Rapporten rättas."); },
         grpc::StatusCode::FAILED_PRECONDITION});
}

TEST_F(CreateRetryTest, ActionRetriedAfterTheAuditIsCancelledReturnsTheFirst) {
  Check({"action", [&] { Publish(); },
         [&](auto& id, auto* name) { return NewAction(id, name); },
         [&] { MustMove(v1::AUDIT_STATE_CANCELLED, "Enheten läggs ned."); },
         grpc::StatusCode::FAILED_PRECONDITION});
}

TEST_F(CreateRetryTest, AuditRetriedAfterItsUnitIsDeactivatedReturnsTheFirst) {
  Check({"audit", [&] { Nothing(); },
         [&](auto& id, auto* name) { return NewAudit(id, name); },
         [&] { Deactivate(audit_.unit()); },
         grpc::StatusCode::FAILED_PRECONDITION});
}

TEST_F(CreateRetryTest, UnitRetriedReturnsTheFirstNotTheHsaIdConflict) {
  Check({"unit", [&] { Nothing(); },
         [&](auto& id, auto* name) { return NewUnit(id, name); },
         [&] { Nothing(); }, grpc::StatusCode::ALREADY_EXISTS});
}

TEST_F(CreateRetryTest, PrincipalRetriedReturnsTheFirstNotTheSubjectConflict) {
  Check({"principal", [&] { Nothing(); },
         [&](auto& id, auto* name) { return NewIntegration(id, name); },
         [&] { Nothing(); }, grpc::StatusCode::ALREADY_EXISTS});
}

// A retry is still a call of its caller now: one who may no longer see the
// audit gets NOT_FOUND, exactly as for a new request, and learns nothing.
TEST_F(CreateRetryTest, ARetryByACallerWhoLostAccessIsNotFound) {
  auto as_auditor = v1::AuditService::NewStub(ChannelFor(auditor_.secret));
  auto create = [&](v1::Finding* created) {
    grpc::ClientContext context;
    v1::CreateFindingRequest request;
    request.set_parent(audit_.name());
    request.set_request_id("auditor-1");
    *request.mutable_finding() = ExampleFinding();
    return as_auditor->CreateFinding(&context, request, created);
  };
  v1::Finding first;
  ASSERT_TRUE(create(&first).ok());

  grpc::ClientContext context;
  v1::UpdateAuditRequest request;
  request.mutable_audit()->set_name(audit_.name());
  request.mutable_audit()->add_auditors(NewPrincipal(v1::ROLE_AUDITOR).name);
  request.mutable_update_mask()->add_paths("auditors");
  ASSERT_TRUE(audits_->UpdateAudit(&context, request, &audit_).ok());

  v1::Finding again;
  grpc::Status status = create(&again);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(again.text().empty());
}

}  // namespace
}  // namespace brevis::api
