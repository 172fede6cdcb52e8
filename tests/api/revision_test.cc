// From PUBLISHED on, findings and recommendations are frozen: a change is a
// correction with a reason, and every earlier version stays readable.

#include <gmock/gmock.h>

#include "tests/api/service_fixture.h"

namespace brevis::api {
namespace {

using ::testing::HasSubstr;

class RevisionTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    audit_ = MustCreateAudit();
    finding_ = MustCreateFinding(audit_.name(), ExampleFinding());
  }

  void Publish() {
    // The lifecycle's guards are tested elsewhere; here only the state
    // matters.
    ASSERT_TRUE(db_->Write([](store::Connection& db) {
                     return db.Exec("UPDATE audits SET state = 4");
                   })
                    .ok());
  }

  grpc::Status Correct(const std::string& text, const std::string& reason,
                       v1::Finding* updated) {
    grpc::ClientContext context;
    v1::UpdateFindingRequest request;
    request.mutable_finding()->set_name(finding_.name());
    request.mutable_finding()->set_text(text);
    request.mutable_update_mask()->add_paths("text");
    request.set_revision_reason(reason);
    return audits_->UpdateFinding(&context, request, updated);
  }

  v1::Audit audit_;
  v1::Finding finding_;
};

TEST_F(RevisionTest, BeforePublicationThereIsNothingToCorrect) {
  v1::Finding updated;
  grpc::Status status = Correct("Ny text.", "stavfel", &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("revision_reason"));
  ASSERT_TRUE(Correct("Ny text.", "", &updated).ok());
  EXPECT_EQ(updated.revision(), 0);
}

TEST_F(RevisionTest, PublishedFindingChangesOnlyAsACorrectionWithAReason) {
  Publish();
  v1::Finding updated;
  grpc::Status status = Correct("Rättad text.", "", &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("revision_reason"));

  ASSERT_TRUE(Correct("Flera unga säger att de sällan får vara med när "
                      "beslut fattas.",
                      "Citatet var för starkt återgivet.", &updated)
                  .ok());
  EXPECT_EQ(updated.revision(), 1);
  EXPECT_EQ(updated.revision_reason(), "Citatet var för starkt återgivet.");

  grpc::ClientContext context;
  v1::ListRevisionsRequest request;
  request.set_name(finding_.name());
  v1::ListFindingRevisionsResponse history;
  ASSERT_TRUE(audits_->ListFindingRevisions(&context, request, &history).ok());
  ASSERT_EQ(history.findings_size(), 2);
  EXPECT_EQ(history.findings(0).text(), finding_.text());
  EXPECT_EQ(history.findings(0).revision(), 0);
  EXPECT_EQ(history.findings(1).text(), updated.text());
  EXPECT_EQ(history.findings(1).revision(), 1);

  grpc::ClientContext get;
  v1::GetFindingRequest get_request;
  get_request.set_name(finding_.name());
  v1::Finding latest;
  ASSERT_TRUE(audits_->GetFinding(&get, get_request, &latest).ok());
  EXPECT_EQ(latest.text(), updated.text());
}

TEST_F(RevisionTest, PublishedContentIsNeitherAddedNorRemoved) {
  Publish();
  grpc::Status status = CreateFinding(audit_.name(), ExampleFinding());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("frozen"));
  grpc::ClientContext context;
  v1::DeleteFindingRequest remove;
  remove.set_name(finding_.name());
  google::protobuf::Empty empty;
  EXPECT_EQ(audits_->DeleteFinding(&context, remove, &empty).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(CountFindings(audit_.name()), 1);
}

TEST_F(RevisionTest, RecommendationCorrectionsKeepTheirHistory) {
  v1::Recommendation created;
  {
    grpc::ClientContext context;
    v1::CreateRecommendationRequest request;
    request.set_parent(audit_.name());
    request.mutable_recommendation()->set_text("Inför en rutin.");
    request.mutable_recommendation()->set_priority(v1::PRIORITY_HIGH);
    request.mutable_recommendation()->add_findings(finding_.name());
    ASSERT_TRUE(
        audits_->CreateRecommendation(&context, request, &created).ok());
  }
  Publish();
  grpc::ClientContext context;
  v1::UpdateRecommendationRequest request;
  request.mutable_recommendation()->set_name(created.name());
  request.mutable_recommendation()->set_priority(v1::PRIORITY_MEDIUM);
  request.mutable_update_mask()->add_paths("priority");
  request.set_revision_reason("Prioriteten sattes fel i rapporten.");
  v1::Recommendation updated;
  ASSERT_TRUE(audits_->UpdateRecommendation(&context, request, &updated).ok());
  EXPECT_EQ(updated.revision(), 1);
  grpc::ClientContext list;
  v1::ListRevisionsRequest history_request;
  history_request.set_name(created.name());
  v1::ListRecommendationRevisionsResponse history;
  ASSERT_TRUE(
      audits_->ListRecommendationRevisions(&list, history_request, &history)
          .ok());
  ASSERT_EQ(history.recommendations_size(), 2);
  EXPECT_EQ(history.recommendations(0).priority(), v1::PRIORITY_HIGH);
  EXPECT_EQ(history.recommendations(1).priority(), v1::PRIORITY_MEDIUM);
}

}  // namespace
}  // namespace brevis::api
