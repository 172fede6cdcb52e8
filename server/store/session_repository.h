#ifndef BREVIS_SERVER_STORE_SESSION_REPOSITORY_H_
#define BREVIS_SERVER_STORE_SESSION_REPOSITORY_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "brevis/v1/session.pb.h"
#include "server/domain/resource_name.h"
#include "server/store/rows.h"
#include "server/store/sqlite.h"

namespace brevis::store {

// The sessions table: interview sessions as counts only. Works inside the
// caller's transaction; not thread-safe.
class SessionRepository {
 public:
  explicit SessionRepository(Connection& connection) : db_(connection) {}

  // Each method takes the session's or audit's name and the audit's row
  // id `audit_id` (which must be the row of name.audit).

  // Inserts `session` as `name`; fills in name and create_time.
  absl::Status Create(const domain::name::Session& name, int64_t audit_id,
                      absl::Time now, v1::Session* session);
  // NOT_FOUND when the audit has no such session.
  absl::StatusOr<v1::Session> Get(const domain::name::Session& name,
                                  int64_t audit_id);
  // Sessions of one audit with row id above `after_id`, in id order.
  absl::StatusOr<Page<v1::Session>> List(const domain::name::Audit& audit,
                                         int64_t audit_id, int64_t after_id,
                                         int limit);
  // NOT_FOUND when the audit has no such session.
  absl::Status Delete(const domain::name::Session& name, int64_t audit_id);

 private:
  Connection& db_;
};

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_SESSION_REPOSITORY_H_
