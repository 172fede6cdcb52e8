#include <gmock/gmock.h>

#include "tests/api/service_fixture.h"

namespace brevis::api {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class FindingServiceTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    audit_ = MustCreateAudit();
  }
  grpc::Status Get(const std::string& name, v1::Finding* finding) {
    grpc::ClientContext context;
    v1::GetFindingRequest request;
    request.set_name(name);
    return audits_->GetFinding(&context, request, finding);
  }
  grpc::Status Update(const v1::Finding& finding,
                      std::vector<std::string> paths, v1::Finding* updated) {
    grpc::ClientContext context;
    v1::UpdateFindingRequest request;
    *request.mutable_finding() = finding;
    for (const std::string& path : paths) {
      request.mutable_update_mask()->add_paths(path);
    }
    return audits_->UpdateFinding(&context, request, updated);
  }
  grpc::Status Delete(const std::string& name, const std::string& etag) {
    grpc::ClientContext context;
    v1::DeleteFindingRequest request;
    request.set_name(name);
    request.set_etag(etag);
    google::protobuf::Empty empty;
    return audits_->DeleteFinding(&context, request, &empty);
  }

  v1::Audit audit_;
};

TEST_F(FindingServiceTest, CreateAndGetKeepSwedishTextAndTags) {
  v1::Finding finding = ExampleFinding();
  finding.add_child_rights_articles(3);
  finding.set_sip(true);
  v1::Finding created = MustCreateFinding(audit_.name(), finding);
  EXPECT_THAT(created.name(), StartsWith(audit_.name() + "/findings/"));
  v1::Finding read;
  ASSERT_TRUE(Get(created.name(), &read).ok());
  EXPECT_EQ(read.text(), finding.text());
  EXPECT_THAT(read.child_rights_articles(), ::testing::ElementsAre(3, 12));
  EXPECT_TRUE(read.sip());
  EXPECT_EQ(read.SerializeAsString(), created.SerializeAsString());
}

TEST_F(FindingServiceTest, TextWithPersonalDataIsRefusedWithItsOffset) {
  struct Case {
    std::string text;
    std::string expected;
  };
  for (const Case& c :
       std::vector<Case>{{"Pojken med personnummer 121212-1212 berättade.",
                          "personal identity number at character 24"},
                         {"Vårdnadshavare på BUP: 070-123 45 67",
                          "phone number at character 23"},
                         {"Skriv till anna.berg@example.se om detta.",
                          "e-mail address at character 11"}}) {
    v1::Finding finding = ExampleFinding();
    finding.set_text(c.text);
    grpc::Status status = CreateFinding(audit_.name(), finding);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), StartsWith("finding.text: "));
    EXPECT_THAT(status.error_message(), HasSubstr(c.expected));
  }
  EXPECT_EQ(CountFindings(audit_.name()), 0);
}

// Personal data hidden by an invisible character is still personal data,
// and the offset counts the characters as typed (the three texts).
TEST_F(FindingServiceTest, InvisibleCharactersDoNotHidePersonalData) {
  struct Case {
    std::string text;
    std::string expected;
  };
  for (const Case& c : std::vector<Case>{
           {"Född \u200B19121212\u00AD1212.",
            "personal identity number at character 6"},
           {"Ring \u2060070\u200B-123 45 67", "phone number at character 6"},
           {"Mejla kim.andersson@\u200Bexample.se",
            "e-mail address at character 6"},
           {"Ring \uFF10\uFF17\uFF10\u2011123\u3000\u0664\u0665 67",
            "phone number at character 5"}}) {
    v1::Finding finding = ExampleFinding();
    finding.set_text(c.text);
    grpc::Status status = CreateFinding(audit_.name(), finding);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << c.text;
    EXPECT_THAT(status.error_message(), StartsWith("finding.text: "));
    EXPECT_THAT(status.error_message(), HasSubstr(c.expected));
  }
  EXPECT_EQ(CountFindings(audit_.name()), 0);
}

TEST_F(FindingServiceTest, NumberFailingTheCheckDigitIsAllowed) {
  v1::Finding finding = ExampleFinding();
  finding.set_text("Ärendenummer 121212-1213 nämndes.");
  EXPECT_TRUE(CreateFinding(audit_.name(), finding).ok());
}

TEST_F(FindingServiceTest, TextOverTenThousandCharactersIsRefused) {
  v1::Finding finding = ExampleFinding();
  std::string text;
  for (int i = 0; i < 10001; ++i) text += "ö";
  finding.set_text(text);
  grpc::Status status = CreateFinding(audit_.name(), finding);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("at most 10000 characters"));
  finding.set_text(text.substr(2));  // 10,000 characters
  EXPECT_TRUE(CreateFinding(audit_.name(), finding).ok());
}

TEST_F(FindingServiceTest, FindingOfMissingAuditIsNotFound) {
  grpc::Status status =
      CreateFinding("audits/0123456789abcdef", ExampleFinding());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  status = CreateFinding("audit/x", ExampleFinding());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), StartsWith("parent: "));
}

TEST_F(FindingServiceTest, FindingIsNotVisibleUnderAnotherAudit) {
  v1::Finding created = MustCreateFinding(audit_.name(), ExampleFinding());
  v1::Audit other = MustCreateAudit();
  std::string id = created.name().substr(created.name().rfind('/') + 1);
  v1::Finding read;
  EXPECT_EQ(Get(other.name() + "/findings/" + id, &read).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(FindingServiceTest, RepeatedRequestIdCreatesOneFinding) {
  v1::Finding first, second;
  ASSERT_TRUE(
      CreateFinding(audit_.name(), ExampleFinding(), &first, "retry-1").ok());
  ASSERT_TRUE(
      CreateFinding(audit_.name(), ExampleFinding(), &second, "retry-1").ok());
  EXPECT_EQ(first.SerializeAsString(), second.SerializeAsString());
  EXPECT_EQ(CountFindings(audit_.name()), 1);
}

TEST_F(FindingServiceTest, RetryOfADeletedFindingDoesNotBringItBack) {
  v1::Finding first;
  ASSERT_TRUE(
      CreateFinding(audit_.name(), ExampleFinding(), &first, "retry-2").ok());
  grpc::ClientContext context;
  v1::DeleteFindingRequest remove;
  remove.set_name(first.name());
  google::protobuf::Empty empty;
  ASSERT_TRUE(audits_->DeleteFinding(&context, remove, &empty).ok());
  v1::Finding again;
  grpc::Status status =
      CreateFinding(audit_.name(), ExampleFinding(), &again, "retry-2");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(CountFindings(audit_.name()), 0);
  // Nothing of the deleted text is kept for retries.
  int64_t kept = -1;
  ASSERT_TRUE(db_->Read([&](store::Connection& db) -> absl::Status {
                   auto select = db.Prepare(
                       "SELECT count(*) FROM create_requests WHERE "
                       "resource LIKE '%Flera unga%'");
                   if (!select.ok()) return select.status();
                   if (auto row = (*select)->Step(); !row.ok()) {
                     return row.status();
                   }
                   kept = (*select)->Int(0);
                   return absl::OkStatus();
                 })
                  .ok());
  EXPECT_EQ(kept, 0);
}

TEST_F(FindingServiceTest, RequestIdReusedForAnotherRequestIsRefused) {
  ASSERT_TRUE(
      CreateFinding(audit_.name(), ExampleFinding(), nullptr, "retry-3").ok());
  v1::Finding other = ExampleFinding();
  other.set_sip(true);
  grpc::Status status = CreateFinding(audit_.name(), other, nullptr, "retry-3");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), StartsWith("request_id: "));
  EXPECT_EQ(CountFindings(audit_.name()), 1);
}

TEST_F(FindingServiceTest, RequestIdsOfDifferentCallersDoNotMix) {
  ASSERT_TRUE(
      CreateFinding(audit_.name(), ExampleFinding(), nullptr, "shared").ok());
  TestPrincipal other_admin = NewPrincipal(v1::ROLE_ADMIN);
  auto stub = v1::AuditService::NewStub(ChannelFor(other_admin.secret));
  grpc::ClientContext context;
  v1::CreateFindingRequest request;
  request.set_parent(audit_.name());
  *request.mutable_finding() = ExampleFinding();
  request.set_request_id("shared");
  v1::Finding created;
  ASSERT_TRUE(stub->CreateFinding(&context, request, &created).ok());
  EXPECT_EQ(CountFindings(audit_.name()), 2);
}

TEST_F(FindingServiceTest, UpdateReplacesRepeatedFieldsAndChecksEtag) {
  v1::Finding created = MustCreateFinding(audit_.name(), ExampleFinding());
  v1::Finding change;
  change.set_name(created.name());
  change.add_informant_groups(v1::INFORMANT_GROUP_GUARDIAN);
  change.add_informant_groups(v1::INFORMANT_GROUP_CHILD);
  change.set_etag(created.etag());
  v1::Finding updated;
  ASSERT_TRUE(Update(change, {"informant_groups"}, &updated).ok());
  EXPECT_THAT(updated.informant_groups(),
              ::testing::ElementsAre(v1::INFORMANT_GROUP_CHILD,
                                     v1::INFORMANT_GROUP_GUARDIAN));
  EXPECT_EQ(updated.text(), created.text());

  grpc::Status stale = Update(change, {"informant_groups"}, &updated);
  EXPECT_EQ(stale.error_code(), grpc::StatusCode::ABORTED);
}

TEST_F(FindingServiceTest, UpdateWithPersonalDataChangesNothing) {
  v1::Finding created = MustCreateFinding(audit_.name(), ExampleFinding());
  v1::Finding change = created;
  change.set_text("Ring mamman på 08-123 456 78.");
  v1::Finding updated;
  grpc::Status status = Update(change, {"text"}, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::Finding read;
  ASSERT_TRUE(Get(created.name(), &read).ok());
  EXPECT_EQ(read.text(), created.text());
  EXPECT_EQ(read.etag(), created.etag());
}

TEST_F(FindingServiceTest, DeleteChecksEtagThenRemoves) {
  v1::Finding created = MustCreateFinding(audit_.name(), ExampleFinding());
  EXPECT_EQ(Delete(created.name(), "999").error_code(),
            grpc::StatusCode::ABORTED);
  EXPECT_TRUE(Delete(created.name(), created.etag()).ok());
  v1::Finding read;
  EXPECT_EQ(Get(created.name(), &read).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Delete(created.name(), "").error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(FindingServiceTest, ListFiltersByFocusAreaAndKind) {
  MustCreateFinding(audit_.name(), ExampleFinding());
  v1::Finding strength = ExampleFinding();
  strength.set_focus_area(v1::FOCUS_AREA_RESPECT);
  strength.set_kind(v1::FINDING_KIND_STRENGTH);
  strength.set_text(
      "De flesta unga beskriver att de blir lyssnade på och tagna på allvar "
      "av sin behandlare.");
  MustCreateFinding(audit_.name(), strength);
  auto list = [&](const std::string& filter) {
    grpc::ClientContext context;
    v1::ListFindingsRequest request;
    request.set_parent(audit_.name());
    request.set_filter(filter);
    v1::ListFindingsResponse response;
    grpc::Status status = audits_->ListFindings(&context, request, &response);
    EXPECT_TRUE(status.ok()) << filter << ": " << status.error_message();
    return response.findings_size();
  };
  EXPECT_EQ(list(""), 2);
  EXPECT_EQ(list("focus_area = RESPECT"), 1);
  EXPECT_EQ(list("kind = IMPROVEMENT_AREA"), 1);
  EXPECT_EQ(list("focus_area = PARTICIPATION AND kind = STRENGTH"), 0);
  EXPECT_EQ(list("kind = FINDING_KIND_STRENGTH AND focus_area = RESPECT"), 1);
}

}  // namespace
}  // namespace brevis::api
