#ifndef BREVIS_SERVER_STORE_LIFECYCLE_REPOSITORY_H_
#define BREVIS_SERVER_STORE_LIFECYCLE_REPOSITORY_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "brevis/v1/audit.pb.h"
#include "brevis/v1/feedback.pb.h"
#include "server/domain/audit_lifecycle.h"
#include "server/store/rows.h"
#include "server/store/sqlite.h"

namespace brevis::store {

// An audit's lifecycle: the facts its guards look at, its state changes
// (kept as a history), and feedback to service users. Works inside the
// caller's transaction; not thread-safe.
class LifecycleRepository {
 public:
  explicit LifecycleRepository(Connection& connection) : db_(connection) {}

  absl::StatusOr<domain::LifecycleFacts> Facts(std::string_view audit_uid,
                                               int64_t audit_id);
  // Moves audit `audit_id` to `to` (bumping its revision) and records the
  // step with its reason and actor. Publishing marks every finding and
  // recommendation of the audit as published text, for good
  // (RevisionRepository::WasPublished).
  absl::Status Transition(int64_t audit_id, v1::AuditState from,
                          v1::AuditState to, std::string_view reason,
                          std::string_view actor, absl::Time now);

  absl::Status CreateFeedback(std::string_view audit_uid, int64_t audit_id,
                              std::string_view uid, absl::Time now,
                              v1::Feedback* feedback);
  // NOT_FOUND when the audit has no such feedback.
  absl::StatusOr<v1::Feedback> GetFeedback(std::string_view audit_uid,
                                           int64_t audit_id,
                                           std::string_view uid);
  absl::StatusOr<Page<v1::Feedback>> ListFeedback(std::string_view audit_uid,
                                                  int64_t audit_id,
                                                  int64_t after_id, int limit);

 private:
  absl::StatusOr<std::vector<std::string>> Names(std::string_view sql,
                                                 std::string_view audit_uid,
                                                 std::string_view collection,
                                                 int64_t audit_id);
  Connection& db_;
};

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_LIFECYCLE_REPOSITORY_H_
