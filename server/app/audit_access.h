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
                                                 domain::Action action);

// From PUBLISHED on, findings and recommendations are frozen: nothing is
// added or removed, and a change is a correction with a reason.
// FAILED_PRECONDITION, saying so, when `audit` is published and `what`
// (for example "add findings") is asked.
absl::Status CheckNotFrozen(const domain::AuditFacts& audit,
                            std::string_view what);

// The reason a correction carries. A change of a finding or recommendation
// is a correction of published text when the audit is published now or
// when `was_published` (it was part of a published report before the audit
// was reopened or cancelled): then a reason is required
// (FAILED_PRECONDITION without it) and the replaced version is kept. A
// draft takes none (INVALID_ARGUMENT).
absl::Status CheckRevisionReason(const domain::AuditFacts& audit,
                                 bool was_published, std::string_view reason);

// Published text is never removed, whatever state the audit is in now, nor
// what the unit's actions hang on: FAILED_PRECONDITION naming `name`, the
// rule, and the `actions` (names) under it, when `was_published` or when
// there are actions.
absl::Status CheckNeverPublished(std::string_view name, bool was_published,
                                 const std::vector<std::string>& actions);

// Row ids of the auditor team named in `audit.auditors`. NOT_FOUND for a
// principal that does not exist; INVALID_ARGUMENT for one that is not an
// auditor or is named twice; FAILED_PRECONDITION for a deactivated one.
absl::StatusOr<std::vector<int64_t>> AuditorIds(store::Connection& db,
                                                const v1::Audit& audit);

}  // namespace brevis::app

#endif  // BREVIS_SERVER_APP_AUDIT_ACCESS_H_
