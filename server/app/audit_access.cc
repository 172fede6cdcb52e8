#include "server/app/audit_access.h"

#include <set>

#include "server/domain/audit_lifecycle.h"
#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/store/principal_repository.h"

namespace brevis::app {

absl::StatusOr<store::AuditLocation> LocateAudit(store::Connection& db,
                                                 const domain::Caller& caller,
                                                 std::string_view uid,
                                                 domain::Permission action) {
  // A caller with no read access to audits at all is told so; it learns
  // nothing about this audit from that.
  if (absl::Status s =
          domain::CheckPermission(caller, domain::Permission::kReadAudit);
      !s.ok()) {
    return s;
  }
  BREVIS_ASSIGN_OR_RETURN(
      store::AuditLocation location,
      store::AuditRepository(db).Locate(uid, caller.principal_id));
  if (!domain::CanSeeAudit(caller, location.facts)) {
    return absl::NotFoundError(
        brevis::StrCat("audit ", domain::AuditName(uid), " not found"));
  }
  if (absl::Status s =
          domain::CheckAuditPermission(caller, action, location.facts);
      !s.ok()) {
    return s;
  }
  return location;
}

absl::Status CheckNotFrozen(const domain::AuditFacts& audit,
                            std::string_view what) {
  return domain::CheckContentNotFrozen(audit.state, what);
}

absl::Status CheckRevisionReason(const domain::AuditFacts& audit,
                                 bool was_published, std::string_view reason) {
  return domain::CheckCorrectionReason(audit.state, was_published, reason);
}

absl::Status CheckNeverPublished(std::string_view name, bool was_published,
                                 const std::vector<std::string>& actions) {
  return domain::CheckRemovable(name, was_published, actions);
}

absl::StatusOr<std::vector<int64_t>> AuditorIds(store::Connection& db,
                                                const v1::Audit& audit) {
  std::vector<int64_t> ids;
  std::set<std::string> seen;
  store::PrincipalRepository principals(db);
  for (int i = 0; i < audit.auditors_size(); ++i) {
    std::string field = brevis::StrCat("audit.auditors[", i, "]");
    BREVIS_ASSIGN_OR_RETURN(
        domain::name::Principal auditor,
        domain::ParsePrincipalName(audit.auditors(i), field));
    if (!seen.insert(audit.auditors(i)).second) {
      return absl::InvalidArgumentError(
          brevis::StrCat(field, ": ", audit.auditors(i), " repeated"));
    }
    auto record = principals.Get(auditor.principal);
    if (!record.ok()) {
      return absl::Status(
          record.status().code(),
          brevis::StrCat(field, ": ", record.status().message()));
    }
    if (record->principal.role() != v1::ROLE_AUDITOR) {
      return absl::InvalidArgumentError(
          brevis::StrCat(field, ": ", audit.auditors(i),
                         " is not an auditor; only auditors can be on an "
                         "audit's team"));
    }
    // Who is deactivated is the directory's state, not a fault of the
    // request: the same request succeeds once the auditor is reactivated.
    if (!record->principal.active()) {
      return absl::FailedPreconditionError(brevis::StrCat(
          field, ": ", audit.auditors(i),
          " is deactivated; only active auditors can be on an audit's team "
          "(leave them out, or reactivate them first)"));
    }
    ids.push_back(record->id);
  }
  return ids;
}

}  // namespace brevis::app
