#ifndef BREVIS_SERVER_STORE_FINDING_REPOSITORY_H_
#define BREVIS_SERVER_STORE_FINDING_REPOSITORY_H_

#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "brevis/v1/finding.pb.h"
#include "server/store/rows.h"
#include "server/store/sqlite.h"

namespace brevis::store {

struct FindingFilter {
  std::optional<int> focus_area;
  std::optional<int> kind;
};

// The findings table. Works inside the caller's transaction; not
// thread-safe. Every method takes the audit's uid (for names) and row id.
class FindingRepository {
 public:
  explicit FindingRepository(Connection& connection) : db_(connection) {}

  // Inserts `finding` under id `uid`; fills in name, times and etag.
  absl::Status Create(std::string_view audit_uid, int64_t audit_id,
                      std::string_view uid, absl::Time now,
                      v1::Finding* finding);
  // NOT_FOUND when the audit has no finding `uid`.
  absl::StatusOr<v1::Finding> Get(std::string_view audit_uid, int64_t audit_id,
                                  std::string_view uid);
  absl::StatusOr<Page<v1::Finding>> List(std::string_view audit_uid,
                                         int64_t audit_id,
                                         const FindingFilter& filter,
                                         int64_t after_id, int limit);
  // Overwrites the editable columns, bumps the revision, fills in
  // update_time and etag. NOT_FOUND.
  absl::Status Update(std::string_view audit_uid, int64_t audit_id,
                      std::string_view uid, absl::Time now,
                      v1::Finding* finding);
  // NOT_FOUND.
  absl::Status Delete(std::string_view audit_uid, int64_t audit_id,
                      std::string_view uid);

 private:
  Connection& db_;
};

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_FINDING_REPOSITORY_H_
