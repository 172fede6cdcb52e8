#ifndef BREVIS_SERVER_STORE_LIFECYCLE_REPOSITORY_H_
#define BREVIS_SERVER_STORE_LIFECYCLE_REPOSITORY_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "brevis/v1/audit.pb.h"
#include "brevis/v1/feedback.pb.h"
#include "server/domain/audit_lifecycle.h"
#include "server/domain/resource_name.h"
#include "server/store/rows.h"
#include "server/store/sqlite.h"

namespace brevis::store {

// An audit's lifecycle: the facts its guards look at, its state changes
// (kept as a history), and feedback to service users. Works inside the
// caller's transaction; not thread-safe.
class LifecycleRepository {
 public:
  explicit LifecycleRepository(Connection& connection) : db_(connection) {}

  // Each method that takes the audit's name `audit` also takes its row id
  // `audit_id`, which must be the row of audit.audit.

  absl::StatusOr<domain::LifecycleFacts> Facts(const domain::name::Audit& audit,
                                               int64_t audit_id);
  // Moves audit `audit_id` to `to` (bumping its revision) and records the
  // step with its reason and actor. Publishing marks every finding and
  // recommendation of the audit as published text, for good
  // (RevisionRepository::WasPublished).
  absl::Status Transition(int64_t audit_id, v1::AuditState from,
                          v1::AuditState to, std::string_view reason,
                          std::string_view actor, absl::Time now);

  // Inserts `feedback` of the audit under id `uid`; fills in its name,
  // audiences as stored, and create_time.
  absl::Status CreateFeedback(const domain::name::Audit& audit,
                              int64_t audit_id, std::string_view uid,
                              absl::Time now, v1::Feedback* feedback);
  // NOT_FOUND when the audit has no feedback `uid`.
  absl::StatusOr<v1::Feedback> GetFeedback(const domain::name::Audit& audit,
                                           int64_t audit_id,
                                           std::string_view uid);
  absl::StatusOr<Page<v1::Feedback>> ListFeedback(
      const domain::name::Audit& audit, int64_t audit_id, int64_t after_id,
      int limit);

 private:
  // Names of the resources under `audit` in `collection` whose ids `sql`
  // selects, binding `audit_id` as ?1.
  absl::StatusOr<std::vector<std::string>> Names(
      std::string_view sql, const domain::name::Audit& audit, int64_t audit_id,
      std::string_view collection);
  Connection& db_;
};

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_LIFECYCLE_REPOSITORY_H_
