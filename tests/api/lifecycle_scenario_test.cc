// One audit from commission to closure through the API, each guard shown
// refusing before it is satisfied.

#include "tests/testing/lifecycle_scenario.h"

#include <gmock/gmock.h>

#include "tests/api/service_fixture.h"

namespace brevis::api {
namespace {

using ::testing::HasSubstr;

class LifecycleScenarioTest : public ServiceTest {
 protected:
  grpc::Status Move(v1::AuditService::Stub* stub, v1::AuditState to,
                    const std::string& reason = "") {
    return testing::MoveAudit(stub, &audit_, to, reason);
  }

  v1::Audit audit_;
};

TEST_F(LifecycleScenarioTest, FromCommissionToClosure) {
  v1::Unit unit = MustCreateUnit(ExampleUnit());
  TestPrincipal auditor = NewPrincipal(v1::ROLE_AUDITOR);
  TestPrincipal manager = NewPrincipal(v1::ROLE_UNIT_MANAGER, {unit.name()});
  auto as_auditor = v1::AuditService::NewStub(ChannelFor(auditor.secret));
  auto as_manager = v1::AuditService::NewStub(ChannelFor(manager.secret));
  testing::LifecycleScenario scenario(
      {audits_.get(), as_auditor.get(), as_manager.get(), auditor.name,
       manager.name, unit.name(), ExampleAudit(unit.name()), ExampleFinding()});
  scenario.Run();
  EXPECT_EQ(scenario.audit().state(), v1::AUDIT_STATE_FOLLOW_UP);
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
