// A deactivated auditor counts for nothing a guard or rule checks: not for
// the team-assigned guard, not as a listed team member (in the audit and
// its report), and it cannot be put on a team. Deactivating one changes
// the audits it is on.

#include <gmock/gmock.h>

#include "brevis/v1/event_service.grpc.pb.h"
#include "brevis/v1/report_service.grpc.pb.h"
#include "tests/api/service_fixture.h"

namespace brevis::api {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class AuditTeamTest : public ServiceTest {
 protected:
  grpc::Status Commission(const std::vector<std::string>& team,
                          v1::Audit* created) {
    v1::Unit unit = MustCreateUnit(ExampleUnit());
    grpc::ClientContext context;
    v1::CreateAuditRequest request;
    *request.mutable_audit() = ExampleAudit(unit.name());
    for (const std::string& auditor : team) {
      request.mutable_audit()->add_auditors(auditor);
    }
    return audits_->CreateAudit(&context, request, created);
  }

  v1::Audit Get(const std::string& audit) {
    grpc::ClientContext context;
    v1::GetAuditRequest request;
    request.set_name(audit);
    v1::Audit got;
    grpc::Status status = audits_->GetAudit(&context, request, &got);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return got;
  }

  grpc::Status SetTeam(const std::string& audit,
                       const std::vector<std::string>& team) {
    grpc::ClientContext context;
    v1::UpdateAuditRequest request;
    request.mutable_audit()->set_name(audit);
    for (const std::string& auditor : team) {
      request.mutable_audit()->add_auditors(auditor);
    }
    request.mutable_update_mask()->add_paths("auditors");
    v1::Audit updated;
    return audits_->UpdateAudit(&context, request, &updated);
  }

  grpc::Status StartFieldwork(const std::string& audit) {
    grpc::ClientContext context;
    v1::TransitionAuditRequest request;
    request.set_name(audit);
    request.set_state(v1::AUDIT_STATE_FIELDWORK);
    v1::Audit moved;
    return audits_->TransitionAudit(&context, request, &moved);
  }
};

// Issue 11, case 2.
TEST_F(AuditTeamTest, ADeactivatedAuditorDoesNotCountForFieldwork) {
  TestPrincipal auditor = NewPrincipal(v1::ROLE_AUDITOR);
  v1::Audit audit;
  ASSERT_TRUE(Commission({auditor.name}, &audit).ok());
  ASSERT_TRUE(SetActive(auditor.name, false).ok());
  grpc::Status refused = StartFieldwork(audit.name());
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(refused.error_message(), HasSubstr("team-assigned"));
  EXPECT_EQ(Get(audit.name()).state(), v1::AUDIT_STATE_PLANNED);
  // Reactivated, the auditor is on the team again.
  ASSERT_TRUE(SetActive(auditor.name, true).ok());
  EXPECT_TRUE(StartFieldwork(audit.name()).ok());
}

TEST_F(AuditTeamTest, ADeactivatedAuditorIsNotShownAndTheAuditChanges) {
  TestPrincipal kept = NewPrincipal(v1::ROLE_AUDITOR);
  TestPrincipal leaving = NewPrincipal(v1::ROLE_AUDITOR);
  v1::Audit audit;
  ASSERT_TRUE(Commission({kept.name, leaving.name}, &audit).ok());
  ASSERT_EQ(audit.auditors_size(), 2);
  clock_.Advance(absl::Seconds(5));
  ASSERT_TRUE(SetActive(leaving.name, false).ok());

  v1::Audit after = Get(audit.name());
  EXPECT_THAT(after.auditors(), ElementsAre(kept.name));
  EXPECT_NE(after.etag(), audit.etag());
  EXPECT_EQ(after.update_time().seconds(), audit.update_time().seconds() + 5);
  // The report shows the same team.
  auto reports = v1::ReportService::NewStub(channel_);
  grpc::ClientContext context;
  v1::GetAuditReportRequest request;
  request.set_name(audit.name());
  v1::AuditReport report;
  ASSERT_TRUE(reports->GetAuditReport(&context, request, &report).ok());
  EXPECT_THAT(report.audit().auditors(), ElementsAre(kept.name));
  // The feed says the team changed.
  auto events = v1::EventService::NewStub(channel_);
  grpc::ClientContext list_context;
  v1::ListEventsRequest list;
  list.set_filter("audit = \"" + audit.name() + "\" AND kind = UPDATED");
  v1::ListEventsResponse listed;
  ASSERT_TRUE(events->ListEvents(&list_context, list, &listed).ok());
  ASSERT_EQ(listed.events_size(), 1);
  EXPECT_THAT(listed.events(0).changed_fields(), ElementsAre("auditors"));
  // An update of the team as read leaves the deactivated auditor off.
  ASSERT_TRUE(
      SetTeam(audit.name(), {after.auditors().begin(), after.auditors().end()})
          .ok());
  ASSERT_TRUE(SetActive(leaving.name, true).ok());
  EXPECT_THAT(Get(audit.name()).auditors(), ElementsAre(kept.name));
}

TEST_F(AuditTeamTest, ADeactivatedAuditorCannotBePutOnATeam) {
  TestPrincipal active = NewPrincipal(v1::ROLE_AUDITOR);
  TestPrincipal inactive = NewPrincipal(v1::ROLE_AUDITOR);
  TestPrincipal viewer = NewPrincipal(v1::ROLE_VIEWER);
  ASSERT_TRUE(SetActive(inactive.name, false).ok());
  v1::Audit audit;
  grpc::Status refused = Commission({active.name, inactive.name}, &audit);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(
      refused.error_message(),
      HasSubstr("audit.auditors[1]: " + inactive.name + " is deactivated"));

  ASSERT_TRUE(Commission({active.name}, &audit).ok());
  refused = SetTeam(audit.name(), {active.name, inactive.name});
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(refused.error_message(), HasSubstr("audit.auditors[1]"));
  refused = SetTeam(audit.name(), {viewer.name});
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      refused.error_message(),
      HasSubstr("audit.auditors[0]: " + viewer.name + " is not an auditor"));
  v1::Audit unchanged = Get(audit.name());
  EXPECT_THAT(unchanged.auditors(), ElementsAre(active.name));
  EXPECT_EQ(unchanged.etag(), audit.etag());
}

// Deactivating someone on no team changes no audit.
TEST_F(AuditTeamTest, DeactivatingSomeoneOffEveryTeamTouchesNoAudit) {
  TestPrincipal auditor = NewPrincipal(v1::ROLE_AUDITOR);
  TestPrincipal other = NewPrincipal(v1::ROLE_AUDITOR);
  v1::Audit audit;
  ASSERT_TRUE(Commission({auditor.name}, &audit).ok());
  ASSERT_TRUE(SetActive(other.name, false).ok());
  EXPECT_EQ(Get(audit.name()).etag(), audit.etag());
  EXPECT_THAT(Get(audit.name()).auditors(), ElementsAre(auditor.name));
}

}  // namespace
}  // namespace brevis::api
