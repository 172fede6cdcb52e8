#include <gmock/gmock.h>

#include "tests/api/service_fixture.h"

namespace brevis::api {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class RecommendationServiceTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    audit_ = MustCreateAudit();
    finding_ = MustCreateFinding(audit_.name(), ExampleFinding());
  }

  v1::Recommendation Example() {
    v1::Recommendation recommendation;
    recommendation.set_text(
        "Inför en rutin där den unge själv får ge sin syn innan beslut om "
        "behandling.");
    recommendation.set_priority(v1::PRIORITY_HIGH);
    recommendation.add_findings(finding_.name());
    return recommendation;
  }

  grpc::Status Create(const v1::Recommendation& recommendation,
                      v1::Recommendation* created = nullptr,
                      const std::string& parent = "") {
    grpc::ClientContext context;
    v1::CreateRecommendationRequest request;
    request.set_parent(parent.empty() ? audit_.name() : parent);
    *request.mutable_recommendation() = recommendation;
    v1::Recommendation ignored;
    return audits_->CreateRecommendation(
        &context, request, created != nullptr ? created : &ignored);
  }

  v1::Audit audit_;
  v1::Finding finding_;
};

TEST_F(RecommendationServiceTest, CreateAndGetNameTheAnsweredFindings) {
  v1::Recommendation created;
  ASSERT_TRUE(Create(Example(), &created).ok());
  EXPECT_THAT(created.name(), StartsWith(audit_.name() + "/recommendations/"));
  EXPECT_THAT(created.findings(), ElementsAre(finding_.name()));
  grpc::ClientContext context;
  v1::GetRecommendationRequest get;
  get.set_name(created.name());
  v1::Recommendation read;
  ASSERT_TRUE(audits_->GetRecommendation(&context, get, &read).ok());
  EXPECT_EQ(read.SerializeAsString(), created.SerializeAsString());
}

TEST_F(RecommendationServiceTest, FindingsMustBeOfTheSameAuditAndExist) {
  v1::Recommendation recommendation = Example();
  recommendation.clear_findings();
  grpc::Status status = Create(recommendation);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), StartsWith("recommendation.findings:"));

  v1::Audit other = MustCreateAudit();
  v1::Finding elsewhere = MustCreateFinding(other.name(), ExampleFinding());
  recommendation = Example();
  recommendation.add_findings(elsewhere.name());
  status = Create(recommendation);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              HasSubstr("recommendation.findings[1]: must be a finding of " +
                        audit_.name()));

  recommendation = Example();
  recommendation.add_findings(audit_.name() + "/findings/0000000000000000");
  status = Create(recommendation);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("recommendation.findings[1]"));
}

TEST_F(RecommendationServiceTest, TextFollowsTheTextRules) {
  v1::Recommendation recommendation = Example();
  recommendation.set_text("Kontakta anna.berg@example.se om rutinen.");
  grpc::Status status = Create(recommendation);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              HasSubstr("recommendation.text: contains what looks like an"));
}

TEST_F(RecommendationServiceTest, UpdateReplacesFindingsAndChecksEtag) {
  v1::Recommendation created;
  ASSERT_TRUE(Create(Example(), &created).ok());
  v1::Finding second = MustCreateFinding(audit_.name(), ExampleFinding());
  v1::Recommendation change;
  change.set_name(created.name());
  change.add_findings(second.name());
  change.set_etag(created.etag());
  grpc::ClientContext context;
  v1::UpdateRecommendationRequest request;
  *request.mutable_recommendation() = change;
  request.mutable_update_mask()->add_paths("findings");
  v1::Recommendation updated;
  ASSERT_TRUE(audits_->UpdateRecommendation(&context, request, &updated).ok());
  EXPECT_THAT(updated.findings(), ElementsAre(second.name()));
  EXPECT_EQ(updated.text(), created.text());
  grpc::ClientContext stale;
  EXPECT_EQ(
      audits_->UpdateRecommendation(&stale, request, &updated).error_code(),
      grpc::StatusCode::ABORTED);
}

TEST_F(RecommendationServiceTest, AnsweredFindingCannotBeDeleted) {
  v1::Recommendation created;
  ASSERT_TRUE(Create(Example(), &created).ok());
  grpc::ClientContext context;
  v1::DeleteFindingRequest remove;
  remove.set_name(finding_.name());
  google::protobuf::Empty empty;
  grpc::Status status = audits_->DeleteFinding(&context, remove, &empty);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr(created.name()));

  grpc::ClientContext drop;
  v1::DeleteRecommendationRequest drop_request;
  drop_request.set_name(created.name());
  ASSERT_TRUE(audits_->DeleteRecommendation(&drop, drop_request, &empty).ok());
  grpc::ClientContext again;
  EXPECT_TRUE(audits_->DeleteFinding(&again, remove, &empty).ok());
}

TEST_F(RecommendationServiceTest, ListPagesInWritingOrder) {
  std::vector<std::string> created;
  for (int i = 0; i < 5; ++i) {
    v1::Recommendation recommendation;
    ASSERT_TRUE(Create(Example(), &recommendation).ok());
    created.push_back(recommendation.name());
  }
  std::vector<std::string> seen;
  std::string token;
  do {
    grpc::ClientContext context;
    v1::ListRecommendationsRequest request;
    request.set_parent(audit_.name());
    request.set_page_size(2);
    request.set_page_token(token);
    v1::ListRecommendationsResponse response;
    ASSERT_TRUE(
        audits_->ListRecommendations(&context, request, &response).ok());
    for (const auto& recommendation : response.recommendations()) {
      seen.push_back(recommendation.name());
      EXPECT_EQ(recommendation.findings_size(), 1);
    }
    token = response.next_page_token();
  } while (!token.empty());
  EXPECT_EQ(seen, created);
}

}  // namespace
}  // namespace brevis::api
