// Text that has once been published is never lost or overwritten, however
// the audit moves afterwards (reopened, cancelled): changing it is a
// correction with a reason that keeps the published version, and it is
// never deleted.

#include <gmock/gmock.h>

#include "tests/api/audit_journey.h"

namespace brevis::api {
namespace {

using ::testing::HasSubstr;

class PublishedTextTest : public AuditJourneyTest {
 protected:
  std::vector<std::string> FindingTexts(const std::string& name) {
    grpc::ClientContext context;
    v1::ListRevisionsRequest request;
    request.set_name(name);
    v1::ListFindingRevisionsResponse history;
    grpc::Status status =
        audits_->ListFindingRevisions(&context, request, &history);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<std::string> texts;
    for (const v1::Finding& version : history.findings()) {
      texts.push_back(version.text());
    }
    return texts;
  }

  std::vector<std::string> RecommendationTexts(const std::string& name) {
    grpc::ClientContext context;
    v1::ListRevisionsRequest request;
    request.set_name(name);
    v1::ListRecommendationRevisionsResponse history;
    grpc::Status status =
        audits_->ListRecommendationRevisions(&context, request, &history);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<std::string> texts;
    for (const v1::Recommendation& version : history.recommendations()) {
      texts.push_back(version.text());
    }
    return texts;
  }

  grpc::Status DeleteFinding(const std::string& name) {
    grpc::ClientContext context;
    v1::DeleteFindingRequest request;
    request.set_name(name);
    google::protobuf::Empty empty;
    return audits_->DeleteFinding(&context, request, &empty);
  }

  grpc::Status DeleteRecommendation(const std::string& name) {
    grpc::ClientContext context;
    v1::DeleteRecommendationRequest request;
    request.set_name(name);
    google::protobuf::Empty empty;
    return audits_->DeleteRecommendation(&context, request, &empty);
  }

  void PublishThenReopen() {
    MustMove(v1::AUDIT_STATE_PUBLISHED);
    MustMove(v1::AUDIT_STATE_REPORTING, "Ett faktafel ska rättas.");
  }
};

TEST_F(PublishedTextTest, AReopenedFindingKeepsItsPublishedText) {
  const std::string published = finding_.text();
  PublishThenReopen();
  const std::string corrected =
      "Flera unga säger att de sällan får vara med när beslut fattas.";
  grpc::Status status = UpdateFindingText(finding_.name(), corrected, "");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("revision_reason"));
  EXPECT_EQ(GetFinding(finding_.name()).text(), published);

  v1::Finding updated;
  ASSERT_TRUE(UpdateFindingText(finding_.name(), corrected,
                                "Citatet var för starkt återgivet.", "",
                                &updated)
                  .ok());
  EXPECT_EQ(updated.revision(), 1);
  MustMove(v1::AUDIT_STATE_PUBLISHED);
  EXPECT_THAT(FindingTexts(finding_.name()),
              ::testing::ElementsAre(published, corrected));
}

TEST_F(PublishedTextTest, AReopenedRecommendationKeepsItsPublishedText) {
  const std::string published = recommendation_.text();
  PublishThenReopen();
  const std::string corrected = "Inför en rutin för den unges egen röst.";
  EXPECT_EQ(UpdateRecommendationText(recommendation_.name(), corrected, "")
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(UpdateRecommendationText(recommendation_.name(), corrected,
                                       "Förtydligad formulering.")
                  .ok());
  MustMove(v1::AUDIT_STATE_PUBLISHED);
  EXPECT_THAT(RecommendationTexts(recommendation_.name()),
              ::testing::ElementsAre(published, corrected));
}

TEST_F(PublishedTextTest, ACancelledAuditKeepsItsPublishedText) {
  MustMove(v1::AUDIT_STATE_PUBLISHED);
  MustMove(v1::AUDIT_STATE_CANCELLED, "Enheten läggs ned.");
  EXPECT_EQ(UpdateFindingText(finding_.name(), "Annan text.", "").error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(DeleteFinding(finding_.name()).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(GetFinding(finding_.name()).text(), finding_.text());
}

TEST_F(PublishedTextTest, PublishedContentIsNotDeletedAfterAReopen) {
  PublishThenReopen();
  grpc::Status status = DeleteRecommendation(recommendation_.name());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr(recommendation_.name()));
  EXPECT_THAT(status.error_message(), HasSubstr("published"));
  EXPECT_EQ(GetRecommendation(recommendation_.name()).text(),
            recommendation_.text());

  // A finding no recommendation answers any longer is still published.
  v1::Finding second = MustCreateFinding(audit_.name(), ExampleFinding());
  v1::Recommendation moved;
  {
    grpc::ClientContext context;
    v1::UpdateRecommendationRequest request;
    request.mutable_recommendation()->set_name(recommendation_.name());
    request.mutable_recommendation()->add_findings(second.name());
    request.mutable_update_mask()->add_paths("findings");
    request.set_revision_reason("Svarar på den nya iakttagelsen.");
    ASSERT_TRUE(audits_->UpdateRecommendation(&context, request, &moved).ok());
  }
  status = DeleteFinding(finding_.name());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr(finding_.name()));
  EXPECT_THAT(status.error_message(), HasSubstr("published"));
  EXPECT_EQ(CountFindings(audit_.name()), 2);
}

// What is written after a reopen is a draft until the audit is published
// again: changed freely, deleted freely.
TEST_F(PublishedTextTest, ContentAddedAfterAReopenIsADraftUntilPublished) {
  PublishThenReopen();
  v1::Finding draft = MustCreateFinding(audit_.name(), ExampleFinding());
  EXPECT_EQ(UpdateFindingText(draft.name(), "Utkast.", "Orsak").error_code(),
            grpc::StatusCode::INVALID_ARGUMENT)
      << "a draft has no published text to correct";
  v1::Finding updated;
  ASSERT_TRUE(
      UpdateFindingText(draft.name(), "Utkast.", "", "", &updated).ok());
  EXPECT_EQ(updated.revision(), 0);
  EXPECT_TRUE(DeleteFinding(draft.name()).ok());

  v1::Finding strength = ExampleFinding();
  strength.set_kind(v1::FINDING_KIND_STRENGTH);
  v1::Finding kept = MustCreateFinding(audit_.name(), strength);
  MustMove(v1::AUDIT_STATE_PUBLISHED);
  MustMove(v1::AUDIT_STATE_REPORTING, "Ännu ett fel.");
  EXPECT_EQ(DeleteFinding(kept.name()).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(UpdateFindingText(kept.name(), "Ny.", "").error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

}  // namespace
}  // namespace brevis::api
