#include <gmock/gmock.h>

#include "tests/api/service_fixture.h"

namespace brevis::api {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class AuditServiceTest : public ServiceTest {
 protected:
  grpc::Status Create(const v1::Audit& audit, v1::Audit* created) {
    grpc::ClientContext context;
    v1::CreateAuditRequest request;
    *request.mutable_audit() = audit;
    return audits_->CreateAudit(&context, request, created);
  }
  int CountAudits(const std::string& filter = "") {
    grpc::ClientContext context;
    v1::ListAuditsRequest request;
    request.set_filter(filter);
    v1::ListAuditsResponse response;
    grpc::Status status = audits_->ListAudits(&context, request, &response);
    EXPECT_TRUE(status.ok()) << filter << ": " << status.error_message();
    return response.audits_size();
  }
};

TEST_F(AuditServiceTest, CreateStartsPlannedAndReadsBack) {
  v1::Audit audit = MustCreateAudit();
  EXPECT_THAT(audit.name(), StartsWith("audits/"));
  EXPECT_EQ(audit.state(), v1::AUDIT_STATE_PLANNED);
  EXPECT_EQ(audit.focus_areas_size(), 4);

  grpc::ClientContext context;
  v1::GetAuditRequest request;
  request.set_name(audit.name());
  v1::Audit read;
  ASSERT_TRUE(audits_->GetAudit(&context, request, &read).ok());
  EXPECT_EQ(read.SerializeAsString(), audit.SerializeAsString());
}

TEST_F(AuditServiceTest, OutputOnlyStateInTheRequestIsIgnored) {
  v1::Unit unit = MustCreateUnit(ExampleUnit());
  v1::Audit audit = ExampleAudit(unit.name());
  audit.set_state(v1::AUDIT_STATE_CLOSED);
  v1::Audit created;
  ASSERT_TRUE(Create(audit, &created).ok());
  EXPECT_EQ(created.state(), v1::AUDIT_STATE_PLANNED);
}

TEST_F(AuditServiceTest, MissingUnitIsNotFoundAndCreatesNothing) {
  v1::Audit created;
  grpc::Status status =
      Create(ExampleAudit("units/0123456789abcdef"), &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(CountAudits(), 0);
}

TEST_F(AuditServiceTest, InactiveUnitCannotBeAudited) {
  v1::Unit unit = ExampleUnit();
  unit.set_active(false);
  unit = MustCreateUnit(unit);
  v1::Audit created;
  grpc::Status status = Create(ExampleAudit(unit.name()), &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("inactive"));
}

TEST_F(AuditServiceTest, ReportDateBeforeStartDateIsRefused) {
  v1::Unit unit = MustCreateUnit(ExampleUnit());
  v1::Audit audit = ExampleAudit(unit.name());
  audit.mutable_planned_report_date()->set_year(2025);
  v1::Audit created;
  grpc::Status status = Create(audit, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              StartsWith("audit.planned_report_date: must not be before"));
  EXPECT_EQ(CountAudits(), 0);
}

TEST_F(AuditServiceTest, UnknownFocusAreaIsRefused) {
  v1::Unit unit = MustCreateUnit(ExampleUnit());
  v1::Audit audit = ExampleAudit(unit.name());
  audit.add_focus_areas(static_cast<v1::FocusArea>(77));
  v1::Audit created;
  grpc::Status status = Create(audit, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("unknown value 77"));
}

TEST_F(AuditServiceTest, ListFiltersByUnitAndState) {
  v1::Audit first = MustCreateAudit();
  MustCreateAudit();  // of another unit
  EXPECT_EQ(CountAudits(), 2);
  EXPECT_EQ(CountAudits("unit = \"" + first.unit() + "\""), 1);
  EXPECT_EQ(CountAudits("unit = " + first.unit() + " AND state = PLANNED"), 1);
  EXPECT_EQ(CountAudits("state = PUBLISHED"), 0);
  EXPECT_EQ(CountAudits("unit = \"units/0123456789abcdef\""), 0);

  grpc::ClientContext context;
  v1::ListAuditsRequest request;
  request.set_filter("state = SOMEWHERE");
  v1::ListAuditsResponse response;
  grpc::Status status = audits_->ListAudits(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("PUBLISHED"));
}

TEST_F(AuditServiceTest, UpdateValidatesTheMergedAudit) {
  v1::Audit audit = MustCreateAudit();
  v1::Audit change;
  change.set_name(audit.name());
  change.add_focus_areas(v1::FOCUS_AREA_OTHER);
  grpc::ClientContext context;
  v1::UpdateAuditRequest request;
  *request.mutable_audit() = change;
  request.mutable_update_mask()->add_paths("focus_areas");
  v1::Audit updated;
  grpc::Status status = audits_->UpdateAudit(&context, request, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              StartsWith("audit.other_focus_area: required"));

  change.set_other_focus_area("Övergång till vuxenpsykiatrin");
  grpc::ClientContext retry;
  request.mutable_update_mask()->add_paths("other_focus_area");
  *request.mutable_audit() = change;
  ASSERT_TRUE(audits_->UpdateAudit(&retry, request, &updated).ok());
  EXPECT_EQ(updated.focus_areas_size(), 1);
  EXPECT_EQ(updated.other_focus_area(), "Övergång till vuxenpsykiatrin");
  EXPECT_EQ(updated.title(), audit.title());
}

TEST_F(AuditServiceTest, StateAndUnitCannotBeUpdated) {
  v1::Audit audit = MustCreateAudit();
  for (const char* path : {"state", "unit"}) {
    grpc::ClientContext context;
    v1::UpdateAuditRequest request;
    *request.mutable_audit() = audit;
    request.mutable_update_mask()->add_paths(path);
    v1::Audit updated;
    grpc::Status status = audits_->UpdateAudit(&context, request, &updated);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << path;
  }
}

TEST_F(AuditServiceTest, SessionsAreCreatedListedAndDeleted) {
  v1::Audit audit = MustCreateAudit();
  v1::Session created;
  {
    grpc::ClientContext context;
    v1::CreateSessionRequest request;
    request.set_parent(audit.name());
    *request.mutable_session() = ExampleSession();
    ASSERT_TRUE(audits_->CreateSession(&context, request, &created).ok());
  }
  EXPECT_THAT(created.name(), StartsWith(audit.name() + "/sessions/"));
  auto list = [&] {
    grpc::ClientContext context;
    v1::ListSessionsRequest request;
    request.set_parent(audit.name());
    v1::ListSessionsResponse response;
    EXPECT_TRUE(audits_->ListSessions(&context, request, &response).ok());
    return response;
  };
  ASSERT_EQ(list().sessions_size(), 1);
  EXPECT_EQ(list().sessions(0).SerializeAsString(),
            created.SerializeAsString());

  grpc::ClientContext context;
  v1::DeleteSessionRequest remove;
  remove.set_name(created.name());
  google::protobuf::Empty empty;
  ASSERT_TRUE(audits_->DeleteSession(&context, remove, &empty).ok());
  EXPECT_EQ(list().sessions_size(), 0);
  grpc::ClientContext again;
  EXPECT_EQ(audits_->DeleteSession(&again, remove, &empty).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(AuditServiceTest, SessionParticipantCountMustBe1To1000) {
  v1::Audit audit = MustCreateAudit();
  for (int count : {0, -3, 1001}) {
    grpc::ClientContext context;
    v1::CreateSessionRequest request;
    request.set_parent(audit.name());
    *request.mutable_session() = ExampleSession();
    request.mutable_session()->set_participant_count(count);
    v1::Session created;
    grpc::Status status = audits_->CreateSession(&context, request, &created);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(),
                StartsWith("session.participant_count: "));
  }
}

TEST_F(AuditServiceTest, SessionOfMissingAuditIsNotFound) {
  grpc::ClientContext context;
  v1::CreateSessionRequest request;
  request.set_parent("audits/0123456789abcdef");
  *request.mutable_session() = ExampleSession();
  v1::Session created;
  EXPECT_EQ(audits_->CreateSession(&context, request, &created).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace brevis::api
