#ifndef BREVIS_SERVER_APP_AUDITS_H_
#define BREVIS_SERVER_APP_AUDITS_H_

#include "absl/status/statusor.h"
#include "brevis/v1/audit_service.pb.h"
#include "server/app/call.h"
#include "server/app/dependencies.h"

namespace brevis::app {

// The use cases of audits themselves: commissioning, reading, listing and
// planning them (domain.md, "Audits"); their state changes are
// Lifecycle's. Holds a copy of `deps`, whose pointees it borrows (their
// owner keeps them alive); thread-safe, as they are.
class Audits {
 public:
  explicit Audits(const Dependencies& deps) : deps_(deps) {}

  // Commissions an audit of unit `request.audit.unit` with its team, in
  // PLANNED, once per request_id (AIP-155). PERMISSION_DENIED when the
  // caller may not commission audits; INVALID_ARGUMENT for a missing or
  // invalid audit, a malformed unit name or request_id, a team member who
  // is no auditor or is named twice, or a request_id reused for another
  // request; NOT_FOUND for a unit or team member that does not exist;
  // FAILED_PRECONDITION for an inactive unit or a deactivated auditor.
  absl::StatusOr<v1::Audit> CreateAudit(const Call& call,
                                        const v1::CreateAuditRequest& request);

  // Audit `request.name`, logged as read. INVALID_ARGUMENT for a malformed
  // name; PERMISSION_DENIED when the caller may read no audits; NOT_FOUND
  // when there is no such audit or the caller may not see it; UNAVAILABLE
  // or RESOURCE_EXHAUSTED when the read cannot be logged.
  absl::StatusOr<v1::Audit> GetAudit(const Call& call,
                                     const v1::GetAuditRequest& request);

  // The audits the caller may see, filtered by unit and state (AIP-160), a
  // page at a time (AIP-158); each one returned is logged as read. A filter
  // on a unit that does not exist matches nothing. PERMISSION_DENIED when
  // the caller may read no audits; INVALID_ARGUMENT for a malformed filter,
  // page size or page token; UNAVAILABLE or RESOURCE_EXHAUSTED when the
  // reads cannot be logged.
  absl::StatusOr<v1::ListAuditsResponse> ListAudits(
      const Call& call, const v1::ListAuditsRequest& request);

  // Changes the planning fields of `request.update_mask` (AIP-134) of the
  // audit with the etag the caller read (AIP-154); the team ("auditors")
  // only for those who commission audits, and "*" means the plan alone for
  // the rest. INVALID_ARGUMENT for a missing audit, a malformed name or
  // mask, an invalid result or team; NOT_FOUND as GetAudit;
  // PERMISSION_DENIED when the caller may not plan this audit or change its
  // team; ABORTED for a stale etag; FAILED_PRECONDITION for a deactivated
  // auditor.
  absl::StatusOr<v1::Audit> UpdateAudit(const Call& call,
                                        const v1::UpdateAuditRequest& request);

 private:
  const Dependencies deps_;
};

}  // namespace brevis::app

#endif  // BREVIS_SERVER_APP_AUDITS_H_
