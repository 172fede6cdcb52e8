#ifndef BREVIS_SERVER_APP_FINDINGS_H_
#define BREVIS_SERVER_APP_FINDINGS_H_

#include "absl/status/statusor.h"
#include "brevis/v1/audit_service.pb.h"
#include "brevis/v1/finding.pb.h"
#include "google/protobuf/empty.pb.h"
#include "server/app/call.h"
#include "server/app/dependencies.h"

namespace brevis::app {

// The findings of audits (domain.md, step 4) and their kept versions: the
// use cases of brevis.v1.AuditService's finding RPCs. Thread-safe: it
// holds only a copy of the borrowed, thread-safe Dependencies.
//
// Every method may also return the codes of finding the audit (LocateAudit):
// PERMISSION_DENIED when the caller may read no audit at all or may see
// this one but not do what the method does; NOT_FOUND, as for a missing
// audit, when it may not see it. And the storage's: UNAVAILABLE,
// RESOURCE_EXHAUSTED (disk full), DEADLINE_EXCEEDED. A read whose
// access-log rows cannot be written is not served (UNAVAILABLE,
// RESOURCE_EXHAUSTED).
class Findings {
 public:
  explicit Findings(const Dependencies& deps) : deps_(deps) {}

  // Adds a finding to audit `request.parent` (AIP-133; request_id,
  // AIP-155). INVALID_ARGUMENT for a malformed parent, a missing finding,
  // a malformed request_id, a finding that breaks the field rules
  // (ValidateFinding: among them no personal data, domain.md "Sensitive
  // data"), or a request_id used before for another request;
  // FAILED_PRECONDITION when the audit is published (content frozen,
  // domain.md step 6); NOT_FOUND for a retry whose finding was deleted.
  absl::StatusOr<v1::Finding> CreateFinding(
      const Call& call, const v1::CreateFindingRequest& request);

  // AIP-131. INVALID_ARGUMENT for a malformed name; NOT_FOUND.
  absl::StatusOr<v1::Finding> GetFinding(const Call& call,
                                         const v1::GetFindingRequest& request);

  // A page of an audit's findings in creation order (AIP-132, AIP-158),
  // filtered by focus_area and kind (AIP-160). INVALID_ARGUMENT for a
  // malformed parent or filter, a negative page size or a foreign page
  // token.
  absl::StatusOr<v1::ListFindingsResponse> ListFindings(
      const Call& call, const v1::ListFindingsRequest& request);

  // AIP-134 with revision (domain.md step 6). INVALID_ARGUMENT for a
  // missing finding or malformed name, a bad update mask, a result that
  // breaks the field rules, or a revision_reason on a draft;
  // FAILED_PRECONDITION without a revision_reason when the text is or was
  // published; NOT_FOUND; ABORTED for a stale etag (AIP-154).
  absl::StatusOr<v1::Finding> UpdateFinding(
      const Call& call, const v1::UpdateFindingRequest& request);

  // AIP-135, while the finding was never published. INVALID_ARGUMENT for a
  // malformed name; FAILED_PRECONDITION when the audit is published, when
  // the finding ever was, or when recommendations answer it (named);
  // NOT_FOUND; ABORTED for a stale etag.
  absl::StatusOr<google::protobuf::Empty> DeleteFinding(
      const Call& call, const v1::DeleteFindingRequest& request);

  // Every version of a finding, oldest first (domain.md step 6: the old
  // text stays readable). INVALID_ARGUMENT for a malformed name; NOT_FOUND;
  // DATA_LOSS for a kept version that cannot be read.
  absl::StatusOr<v1::ListFindingRevisionsResponse> ListFindingRevisions(
      const Call& call, const v1::ListRevisionsRequest& request);

 private:
  const Dependencies deps_;
};

}  // namespace brevis::app

#endif  // BREVIS_SERVER_APP_FINDINGS_H_
