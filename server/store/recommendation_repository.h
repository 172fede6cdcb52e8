#ifndef BREVIS_SERVER_STORE_RECOMMENDATION_REPOSITORY_H_
#define BREVIS_SERVER_STORE_RECOMMENDATION_REPOSITORY_H_

#include <span>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "brevis/v1/recommendation.pb.h"
#include "server/domain/resource_name.h"
#include "server/store/rows.h"
#include "server/store/sqlite.h"

namespace brevis::store {

// The recommendations table and the findings each answers. Works inside
// the caller's transaction; not thread-safe. Every method takes the
// recommendation's (or the audit's) typed name, which the returned names
// are made of, and the audit's row id.
class RecommendationRepository {
 public:
  explicit RecommendationRepository(Connection& connection) : db_(connection) {}

  // Row ids of the findings `recommendation` names, in order. NOT_FOUND,
  // naming the field, for a finding the audit does not have.
  absl::StatusOr<std::vector<int64_t>> FindingIds(
      const domain::name::Audit& audit, int64_t audit_id,
      const v1::Recommendation& recommendation);
  // Inserts `recommendation` as `name` answering `finding_ids`; fills in
  // name, times and etag.
  absl::Status Create(const domain::name::Recommendation& name,
                      int64_t audit_id, const std::vector<int64_t>& finding_ids,
                      absl::Time now, v1::Recommendation* recommendation);
  // NOT_FOUND when the audit has no such recommendation.
  absl::StatusOr<v1::Recommendation> Get(
      const domain::name::Recommendation& name, int64_t audit_id);
  absl::StatusOr<Page<v1::Recommendation>> List(
      const domain::name::Audit& audit, int64_t audit_id, int64_t after_id,
      int limit);
  // Overwrites text, priority and the answered findings; bumps the
  // revision, fills in update_time and etag. NOT_FOUND.
  absl::Status Update(const domain::name::Recommendation& name,
                      int64_t audit_id, const std::vector<int64_t>& finding_ids,
                      absl::Time now, v1::Recommendation* recommendation);
  // NOT_FOUND.
  absl::Status Delete(const domain::name::Recommendation& name,
                      int64_t audit_id);
  // The row id. NOT_FOUND.
  absl::StatusOr<int64_t> RowId(const domain::name::Recommendation& name,
                                int64_t audit_id);
  // Sets (or replaces) the unit's response; `author` is a principal name.
  // The response is part of what the recommendation shows, so its revision
  // (etag) and update_time change with it.
  absl::Status SetResponse(int64_t id, const v1::UnitResponse& response,
                           std::string_view author, absl::Time now);
  // Sets (or replaces) the follow-up verdict; bumps the revision likewise.
  absl::Status SetVerdict(int64_t id, const v1::FollowUpVerdict& verdict,
                          std::string_view author, absl::Time now);
  // The unit's actions (names) under recommendation `name`, oldest first.
  absl::StatusOr<std::vector<std::string>> ActionNames(
      const domain::name::Recommendation& name, int64_t audit_id);
  // Recommendations (names) answering finding `finding`.
  absl::StatusOr<std::vector<std::string>> Answering(
      const domain::name::Finding& finding, int64_t audit_id);

 private:
  // Marks the recommendation changed at `now`: a new etag and update_time,
  // for changes stored in the tables beside it.
  absl::Status Touch(int64_t id, absl::Time now);
  absl::Status ReplaceFindings(int64_t id,
                               const std::vector<int64_t>& finding_ids);
  // Replaces findings, response and verdict of each `recommendations[i]`
  // (row id `ids[i]`; as many ids as recommendations, all of the audit
  // `audit_uid`) with the stored ones, in three queries for all.
  absl::Status FillFindings(std::string_view audit_uid,
                            std::span<const int64_t> ids,
                            std::span<v1::Recommendation> recommendations);

  Connection& db_;
};

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_RECOMMENDATION_REPOSITORY_H_
