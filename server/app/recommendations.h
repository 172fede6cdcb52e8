#ifndef BREVIS_SERVER_APP_RECOMMENDATIONS_H_
#define BREVIS_SERVER_APP_RECOMMENDATIONS_H_

#include "absl/status/statusor.h"
#include "brevis/v1/audit_service.pb.h"
#include "brevis/v1/recommendation.pb.h"
#include "google/protobuf/empty.pb.h"
#include "server/app/call.h"
#include "server/app/dependencies.h"

namespace brevis::app {

// The recommendations of audits (domain.md, step 5), each answering one or
// more findings, and their kept versions: the use cases of
// brevis.v1.AuditService's recommendation RPCs (the unit's response and
// the follow-up verdict are lifecycle use cases). Thread-safe: it holds
// only a copy of the borrowed, thread-safe Dependencies.
//
// Every method may also return the codes of finding the audit (LocateAudit):
// PERMISSION_DENIED when the caller may read no audit at all or may see
// this one but not do what the method does; NOT_FOUND, as for a missing
// audit, when it may not see it. And the storage's: UNAVAILABLE,
// RESOURCE_EXHAUSTED (disk full), DEADLINE_EXCEEDED. A read whose
// access-log rows cannot be written is not served (UNAVAILABLE,
// RESOURCE_EXHAUSTED).
class Recommendations {
 public:
  explicit Recommendations(const Dependencies& deps) : deps_(deps) {}

  // Adds a recommendation to audit `request.parent` (AIP-133; request_id,
  // AIP-155). INVALID_ARGUMENT for a malformed parent, a missing
  // recommendation, a malformed request_id, a recommendation that breaks
  // the field rules (ValidateRecommendation: among them findings of this
  // audit only, no personal data), or a request_id used before for another
  // request; FAILED_PRECONDITION when the audit is published (content
  // frozen, domain.md step 6); NOT_FOUND, naming the field, for a finding
  // the audit does not have, or for a retry whose recommendation was
  // deleted.
  absl::StatusOr<v1::Recommendation> CreateRecommendation(
      const Call& call, const v1::CreateRecommendationRequest& request);

  // AIP-131. INVALID_ARGUMENT for a malformed name; NOT_FOUND.
  absl::StatusOr<v1::Recommendation> GetRecommendation(
      const Call& call, const v1::GetRecommendationRequest& request);

  // A page of an audit's recommendations in creation order (AIP-132,
  // AIP-158). INVALID_ARGUMENT for a malformed parent, a negative page size
  // or a foreign page token.
  absl::StatusOr<v1::ListRecommendationsResponse> ListRecommendations(
      const Call& call, const v1::ListRecommendationsRequest& request);

  // AIP-134 with revision (domain.md step 6). INVALID_ARGUMENT for a
  // missing recommendation or malformed name, a bad update mask, a result
  // that breaks the field rules, or a revision_reason on a draft;
  // FAILED_PRECONDITION without a revision_reason when the text is or was
  // published; NOT_FOUND for the recommendation or a finding it names;
  // ABORTED for a stale etag (AIP-154).
  absl::StatusOr<v1::Recommendation> UpdateRecommendation(
      const Call& call, const v1::UpdateRecommendationRequest& request);

  // AIP-135, while the recommendation was never published.
  // INVALID_ARGUMENT for a malformed name; FAILED_PRECONDITION when the
  // audit is published, when the recommendation ever was, or when the
  // unit's actions hang on it (named); NOT_FOUND; ABORTED for a stale etag.
  absl::StatusOr<google::protobuf::Empty> DeleteRecommendation(
      const Call& call, const v1::DeleteRecommendationRequest& request);

  // Every version of a recommendation, oldest first (domain.md step 6: the
  // old text stays readable). INVALID_ARGUMENT for a malformed name;
  // NOT_FOUND; DATA_LOSS for a kept version that cannot be read.
  absl::StatusOr<v1::ListRecommendationRevisionsResponse>
  ListRecommendationRevisions(const Call& call,
                              const v1::ListRevisionsRequest& request);

 private:
  const Dependencies deps_;
};

}  // namespace brevis::app

#endif  // BREVIS_SERVER_APP_RECOMMENDATIONS_H_
