#include "server/domain/policy.h"

#include <gtest/gtest.h>

namespace brevis::domain {
namespace {

Caller Of(v1::Role role, std::set<int64_t> units = {}, uint64_t scopes = 0) {
  Caller caller;
  caller.principal_id = 7;
  caller.role = role;
  caller.unit_ids = std::move(units);
  caller.scopes = scopes;
  return caller;
}

AuditFacts Audit(int64_t unit, v1::AuditState state, bool on_team = false) {
  return AuditFacts{unit, state, on_team};
}

uint64_t Scope(v1::Scope scope) { return uint64_t{1} << scope; }

TEST(PolicyTest, PublishedMeansFromPublishedOnButNotCancelled) {
  EXPECT_FALSE(IsPublished(v1::AUDIT_STATE_PLANNED));
  EXPECT_FALSE(IsPublished(v1::AUDIT_STATE_REPORTING));
  EXPECT_TRUE(IsPublished(v1::AUDIT_STATE_PUBLISHED));
  EXPECT_TRUE(IsPublished(v1::AUDIT_STATE_IN_PROGRESS));
  EXPECT_TRUE(IsPublished(v1::AUDIT_STATE_FOLLOW_UP));
  EXPECT_TRUE(IsPublished(v1::AUDIT_STATE_CLOSED));
  EXPECT_FALSE(IsPublished(v1::AUDIT_STATE_CANCELLED));
}

TEST(PolicyTest, UnitManagerNeverSeesDraftsOrOtherUnits) {
  Caller manager = Of(v1::ROLE_UNIT_MANAGER, {1});
  EXPECT_FALSE(CanSeeAudit(manager, Audit(1, v1::AUDIT_STATE_REPORTING)));
  EXPECT_TRUE(CanSeeAudit(manager, Audit(1, v1::AUDIT_STATE_PUBLISHED)));
  EXPECT_FALSE(CanSeeAudit(manager, Audit(2, v1::AUDIT_STATE_PUBLISHED)));
  AuditVisibility visible = VisibleAudits(manager);
  EXPECT_TRUE(visible.published_only);
  ASSERT_TRUE(visible.unit_ids.has_value());
  EXPECT_EQ(*visible.unit_ids, std::set<int64_t>{1});
  EXPECT_EQ(VisibleUnits(manager), std::set<int64_t>{1});
}

TEST(PolicyTest, AuditorSeesAndWritesOnlyTheirTeamsAudits) {
  Caller auditor = Of(v1::ROLE_AUDITOR);
  AuditFacts mine = Audit(1, v1::AUDIT_STATE_FIELDWORK, true);
  AuditFacts theirs = Audit(1, v1::AUDIT_STATE_FIELDWORK, false);
  EXPECT_TRUE(CanSeeAudit(auditor, mine));
  EXPECT_FALSE(CanSeeAudit(auditor, theirs));
  EXPECT_TRUE(
      CheckAuditPermission(auditor, Permission::kWriteContent, mine).ok());
  EXPECT_EQ(
      CheckAuditPermission(auditor, Permission::kWriteContent, theirs).code(),
      absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(VisibleAudits(auditor).team_member, 7);
  EXPECT_EQ(CheckPermission(auditor, Permission::kCommissionAudit).code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(PolicyTest, ViewerReadsPublishedEverywhereAndWritesNothing) {
  Caller viewer = Of(v1::ROLE_VIEWER);
  EXPECT_TRUE(CanSeeAudit(viewer, Audit(9, v1::AUDIT_STATE_CLOSED)));
  EXPECT_FALSE(CanSeeAudit(viewer, Audit(9, v1::AUDIT_STATE_PLANNED)));
  EXPECT_FALSE(CheckAuditPermission(viewer, Permission::kPlanAudit,
                                    Audit(9, v1::AUDIT_STATE_CLOSED))
                   .ok());
  EXPECT_FALSE(VisibleUnits(viewer).has_value()) << "every unit";
}

TEST(PolicyTest, IntegrationHasOnlyItsScopesAndUnits) {
  Caller none = Of(v1::ROLE_INTEGRATION);
  EXPECT_EQ(CheckPermission(none, Permission::kReadUnits).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(VisibleAudits(none).nothing);

  Caller reader =
      Of(v1::ROLE_INTEGRATION, {3},
         Scope(v1::SCOPE_READ_AUDITS) | Scope(v1::SCOPE_READ_UNITS));
  EXPECT_TRUE(CheckPermission(reader, Permission::kReadAudit).ok());
  EXPECT_TRUE(CanSeeAudit(reader, Audit(3, v1::AUDIT_STATE_PUBLISHED)));
  EXPECT_FALSE(CanSeeAudit(reader, Audit(4, v1::AUDIT_STATE_PUBLISHED)));
  EXPECT_FALSE(CanSeeAudit(reader, Audit(3, v1::AUDIT_STATE_FIELDWORK)));
  EXPECT_EQ(VisibleUnits(reader), std::set<int64_t>{3});

  Caller everywhere =
      Of(v1::ROLE_INTEGRATION, {}, Scope(v1::SCOPE_READ_AUDITS));
  EXPECT_TRUE(CanSeeAudit(everywhere, Audit(4, v1::AUDIT_STATE_PUBLISHED)));
  EXPECT_EQ(CheckPermission(everywhere, Permission::kReadUnits).code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(PolicyTest, AdminMayDoEverything) {
  Caller admin = Of(v1::ROLE_ADMIN);
  for (Permission permission :
       {Permission::kReadUnits, Permission::kWriteUnits,
        Permission::kManagePrincipals, Permission::kCommissionAudit,
        Permission::kReadAudit, Permission::kPlanAudit,
        Permission::kWriteContent, Permission::kReadAccessLog}) {
    EXPECT_TRUE(CheckPermission(admin, permission).ok());
    EXPECT_TRUE(CheckAuditPermission(admin, permission,
                                     Audit(1, v1::AUDIT_STATE_PLANNED))
                    .ok());
  }
}

TEST(PolicyTest, NoRoleMayDoNothing) {
  Caller nobody = Of(v1::ROLE_UNSPECIFIED);
  EXPECT_FALSE(CheckPermission(nobody, Permission::kReadUnits).ok());
  EXPECT_TRUE(VisibleAudits(nobody).nothing);
  EXPECT_FALSE(CanSeeAudit(nobody, Audit(1, v1::AUDIT_STATE_CLOSED)));
}

TEST(PolicyTest, DeniedMessageNamesRoleAndAction) {
  absl::Status status =
      CheckPermission(Of(v1::ROLE_VIEWER), Permission::kReadAccessLog);
  EXPECT_EQ(status.message(),
            "a principal with role viewer may not read the access log");
}

}  // namespace
}  // namespace brevis::domain
