#ifndef BREVIS_SERVER_APP_AUDIT_ACCESS_H_
#define BREVIS_SERVER_APP_AUDIT_ACCESS_H_

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "brevis/v1/audit.pb.h"
#include "server/domain/policy.h"
#include "server/store/audit_repository.h"

namespace brevis::app {

// Finds audit `uid` for `caller` about to do `action` on it (or under it).
// PERMISSION_DENIED when the caller may read no audit at all; NOT_FOUND,
// exactly as for a missing audit, when it may not see this one;
// PERMISSION_DENIED when it may see it but not do `action`.
absl::StatusOr<store::AuditLocation> LocateAudit(store::Connection& db,
                                                 const domain::Caller& caller,
                                                 std::string_view uid,
                                                 domain::Permission action);

// The lifecycle rules of audit content, on the audit's facts; each is the
// domain rule of server/domain/audit_lifecycle.h of the same purpose.

// FAILED_PRECONDITION when `audit` is published and its findings and
// recommendations are frozen, so `what` (for example "add findings") may
// not be done: domain::CheckContentNotFrozen.
absl::Status CheckNotFrozen(const domain::AuditFacts& audit,
                            std::string_view what);

// The reason a correction of published text requires and a draft does not
// take (FAILED_PRECONDITION without one, INVALID_ARGUMENT with one on a
// draft): domain::CheckCorrectionReason.
absl::Status CheckRevisionReason(const domain::AuditFacts& audit,
                                 bool was_published, std::string_view reason);

// FAILED_PRECONDITION when `name` was published or the unit's `actions`
// hang on it, so it may not be removed: domain::CheckRemovable.
absl::Status CheckNeverPublished(std::string_view name, bool was_published,
                                 const std::vector<std::string>& actions);

// Row ids of the auditor team named in `audit.auditors`. NOT_FOUND for a
// principal that does not exist; INVALID_ARGUMENT for one that is not an
// auditor or is named twice; FAILED_PRECONDITION for a deactivated one.
absl::StatusOr<std::vector<int64_t>> AuditorIds(store::Connection& db,
                                                const v1::Audit& audit);

}  // namespace brevis::app

#endif  // BREVIS_SERVER_APP_AUDIT_ACCESS_H_
