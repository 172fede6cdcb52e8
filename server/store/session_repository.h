#ifndef BREVIS_SERVER_STORE_SESSION_REPOSITORY_H_
#define BREVIS_SERVER_STORE_SESSION_REPOSITORY_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "brevis/v1/session.pb.h"
#include "server/store/rows.h"
#include "server/store/sqlite.h"

namespace brevis::store {

// The sessions table: interview sessions as counts only. Works inside the
// caller's transaction; not thread-safe.
class SessionRepository {
 public:
  explicit SessionRepository(Connection& connection) : db_(connection) {}

  // Inserts `session` of the audit (uid `audit_uid`, row id `audit_id`)
  // under id `uid`; fills in name and create_time.
  absl::Status Create(std::string_view audit_uid, int64_t audit_id,
                      std::string_view uid, absl::Time now,
                      v1::Session* session);
  // NOT_FOUND when the audit has no session `uid`.
  absl::StatusOr<v1::Session> Get(std::string_view audit_uid, int64_t audit_id,
                                  std::string_view uid);
  // Sessions of one audit with row id above `after_id`, in id order.
  absl::StatusOr<Page<v1::Session>> List(std::string_view audit_uid,
                                         int64_t audit_id, int64_t after_id,
                                         int limit);
  // NOT_FOUND when the audit has no session `uid`.
  absl::Status Delete(std::string_view audit_uid, int64_t audit_id,
                      std::string_view uid);

 private:
  Connection& db_;
};

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_SESSION_REPOSITORY_H_
