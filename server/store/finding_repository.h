#ifndef BREVIS_SERVER_STORE_FINDING_REPOSITORY_H_
#define BREVIS_SERVER_STORE_FINDING_REPOSITORY_H_

#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "brevis/v1/finding.pb.h"
#include "server/domain/resource_name.h"
#include "server/store/rows.h"
#include "server/store/sqlite.h"

namespace brevis::store {

struct FindingFilter {
  std::optional<int> focus_area;
  std::optional<int> kind;
};

// The findings table. Works inside the caller's transaction; not
// thread-safe. Every method takes the finding's (or the audit's) typed name,
// which the returned names are made of, and the audit's row id.
class FindingRepository {
 public:
  explicit FindingRepository(Connection& connection) : db_(connection) {}

  // Inserts `finding` as `name`; fills in name, times and etag.
  absl::Status Create(const domain::name::Finding& name, int64_t audit_id,
                      absl::Time now, v1::Finding* finding);
  // NOT_FOUND when the audit has no such finding.
  absl::StatusOr<v1::Finding> Get(const domain::name::Finding& name,
                                  int64_t audit_id);
  absl::StatusOr<Page<v1::Finding>> List(const domain::name::Audit& audit,
                                         int64_t audit_id,
                                         const FindingFilter& filter,
                                         int64_t after_id, int limit);
  // Overwrites the editable columns, bumps the revision, fills in
  // update_time and etag. NOT_FOUND.
  absl::Status Update(const domain::name::Finding& name, int64_t audit_id,
                      absl::Time now, v1::Finding* finding);
  // NOT_FOUND.
  absl::Status Delete(const domain::name::Finding& name, int64_t audit_id);

 private:
  Connection& db_;
};

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_FINDING_REPOSITORY_H_
