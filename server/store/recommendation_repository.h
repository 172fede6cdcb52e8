#ifndef BREVIS_SERVER_STORE_RECOMMENDATION_REPOSITORY_H_
#define BREVIS_SERVER_STORE_RECOMMENDATION_REPOSITORY_H_

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "brevis/v1/recommendation.pb.h"
#include "server/store/rows.h"
#include "server/store/sqlite.h"

namespace brevis::store {

// The recommendations table and the findings each answers. Works inside
// the caller's transaction; not thread-safe. Every method takes the audit's
// uid (for names) and row id.
class RecommendationRepository {
 public:
  explicit RecommendationRepository(Connection& connection) : db_(connection) {}

  // Row ids of the findings `recommendation` names, in order. NOT_FOUND,
  // naming the field, for a finding the audit does not have.
  absl::StatusOr<std::vector<int64_t>> FindingIds(
      std::string_view audit_uid, int64_t audit_id,
      const v1::Recommendation& recommendation);
  // Inserts `recommendation` under id `uid` answering `finding_ids`; fills
  // in name, times and etag.
  absl::Status Create(std::string_view audit_uid, int64_t audit_id,
                      std::string_view uid,
                      const std::vector<int64_t>& finding_ids, absl::Time now,
                      v1::Recommendation* recommendation);
  // NOT_FOUND when the audit has no such recommendation.
  absl::StatusOr<v1::Recommendation> Get(std::string_view audit_uid,
                                         int64_t audit_id,
                                         std::string_view uid);
  absl::StatusOr<Page<v1::Recommendation>> List(std::string_view audit_uid,
                                                int64_t audit_id,
                                                int64_t after_id, int limit);
  // Overwrites text, priority and the answered findings; bumps the
  // revision, fills in update_time and etag. NOT_FOUND.
  absl::Status Update(std::string_view audit_uid, int64_t audit_id,
                      std::string_view uid,
                      const std::vector<int64_t>& finding_ids, absl::Time now,
                      v1::Recommendation* recommendation);
  absl::Status Delete(std::string_view audit_uid, int64_t audit_id,
                      std::string_view uid);
  // The row id. NOT_FOUND.
  absl::StatusOr<int64_t> RowId(std::string_view audit_uid, int64_t audit_id,
                                std::string_view uid);
  // Sets (or replaces) the unit's response; `author` is a principal name.
  // The response is part of what the recommendation shows, so its revision
  // (etag) and update_time change with it.
  absl::Status SetResponse(int64_t id, const v1::UnitResponse& response,
                           std::string_view author, absl::Time now);
  // Sets (or replaces) the follow-up verdict; bumps the revision likewise.
  absl::Status SetVerdict(int64_t id, const v1::FollowUpVerdict& verdict,
                          std::string_view author, absl::Time now);
  // The unit's actions (names) under recommendation `uid`, oldest first.
  absl::StatusOr<std::vector<std::string>> ActionNames(
      std::string_view audit_uid, int64_t audit_id, std::string_view uid);
  // Recommendations (names) answering the audit's finding `finding_uid`.
  absl::StatusOr<std::vector<std::string>> Answering(
      std::string_view audit_uid, int64_t audit_id,
      std::string_view finding_uid);

 private:
  // Marks the recommendation changed at `now`: a new etag and update_time,
  // for changes stored in the tables beside it.
  absl::Status Touch(int64_t id, absl::Time now);
  absl::Status ReplaceFindings(int64_t id,
                               const std::vector<int64_t>& finding_ids);
  // Fills in findings, response and verdict.
  absl::Status FillFindings(std::string_view audit_uid, int64_t id,
                            v1::Recommendation* recommendation);
  absl::Status FillAnswers(int64_t id, v1::Recommendation* recommendation);

  Connection& db_;
};

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_RECOMMENDATION_REPOSITORY_H_
