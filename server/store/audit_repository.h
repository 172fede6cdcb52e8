#ifndef BREVIS_SERVER_STORE_AUDIT_REPOSITORY_H_
#define BREVIS_SERVER_STORE_AUDIT_REPOSITORY_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "brevis/v1/audit.pb.h"
#include "server/domain/policy.h"
#include "server/store/rows.h"
#include "server/store/sqlite.h"

namespace brevis::store {

struct AuditFilter {
  std::optional<int64_t> unit_id;  // row id of the unit
  std::optional<int> state;
};

// Where an audit is, and what decides who may touch it.
struct AuditLocation {
  int64_t id = 0;
  domain::AuditFacts facts;
};

// An audit whose team has a row for some principal.
struct TeamAudit {
  std::string uid;
  AuditLocation location;
};

// The audits table. Works inside the caller's transaction; not thread-safe.
class AuditRepository {
 public:
  explicit AuditRepository(Connection& connection) : db_(connection) {}

  // An audit's team, wherever it is shown or counted, is the principals of
  // its team rows that are active auditors (see BREVIS_COUNTS_AS_AUDITOR).

  // Inserts `audit` of the unit with row id `unit_id` under id `uid`, in
  // state PLANNED, and fills in its name, state, times and etag.
  absl::Status Create(std::string_view uid, int64_t unit_id, absl::Time now,
                      v1::Audit* audit);
  // NOT_FOUND when there is no audit `uid`.
  absl::StatusOr<v1::Audit> Get(std::string_view uid);
  // The row id, for references from other tables. NOT_FOUND as Get.
  absl::StatusOr<int64_t> RowId(std::string_view uid);
  // The row id and the facts the policy needs, with `caller_on_team` for
  // principal `caller_id`. NOT_FOUND as Get.
  absl::StatusOr<AuditLocation> Locate(std::string_view uid, int64_t caller_id);
  // Up to `limit` audits with row id above `after_id`, in id order, among
  // those `visibility` lets principal `caller_id` see.
  absl::StatusOr<Page<v1::Audit>> List(
      const AuditFilter& filter, const domain::AuditVisibility& visibility,
      int64_t caller_id, int64_t after_id, int limit);
  // Makes `principal_ids` the audit's whole auditor team and returns the
  // principals it took off (those on it before and not in the list).
  absl::StatusOr<std::vector<int64_t>> SetTeam(
      int64_t audit_id, const std::vector<int64_t>& principal_ids);
  // The audits whose team has a row for principal `principal_id`, active
  // or not, with the facts of each (caller_on_team false).
  absl::StatusOr<std::vector<TeamAudit>> TeamAudits(int64_t principal_id);
  // Records that what audit `audit_id` shows changed without a change of
  // its own columns (its team's members came or went): bumps its revision
  // and sets update_time. NOT_FOUND when there is no such audit.
  absl::Status Touch(int64_t audit_id, absl::Time now);
  // Overwrites the caller-editable columns of audit `uid` with `audit`'s,
  // bumps its revision, fills in update_time and etag. NOT_FOUND.
  absl::Status Update(std::string_view uid, absl::Time now, v1::Audit* audit);

 private:
  Connection& db_;
};

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_AUDIT_REPOSITORY_H_
