#ifndef BREVIS_SERVER_STORE_REPORT_REPOSITORY_H_
#define BREVIS_SERVER_STORE_REPORT_REPOSITORY_H_

// Counts for reports, over the audits a caller may see. Works inside the
// caller's transaction; not thread-safe.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/domain/policy.h"
#include "server/store/rows.h"
#include "server/store/sqlite.h"
#include "server/store/visibility_sql.h"

namespace brevis::store {

struct UnitCounts {
  std::map<int, int> audits_by_state;  // v1::AuditState -> audits
  // By domain::StandingOf: open work (overdue included), overdue, and
  // unfinished when the audit ended.
  int open_actions = 0;
  int overdue_actions = 0;
  int unfinished_actions = 0;
  int assessed_recommendations = 0;
  int implemented_recommendations = 0;
};

// A unit's overdue actions in brief.
struct OverdueUnit {
  int64_t unit_id = 0;
  std::string unit_uid;
  std::string display_name;
  int overdue_actions = 0;
  std::string oldest_due_date;  // YYYY-MM-DD
  std::vector<std::string> audit_uids;
  // Row ids of the most overdue actions, oldest due date first, ties by
  // row id (ActionRepository::GetByRowIds reads them).
  std::vector<int64_t> most_overdue;
};

class ReportRepository {
 public:
  // `today` (YYYY-MM-DD, Stockholm) decides what is overdue.
  ReportRepository(Connection& connection, std::string today)
      : db_(connection), today_(std::move(today)) {}

  // Participants per informant group over the audit's sessions.
  absl::StatusOr<std::map<int, int>> Participants(int64_t audit_id);

  // Counts over the unit's audits that `visibility` lets `caller_id` see.
  absl::StatusOr<UnitCounts> CountUnit(
      int64_t unit_id, const domain::AuditVisibility& visibility,
      int64_t caller_id);

  // Units with overdue actions in audits the caller may see, in unit row
  // id order after `after_id`; only `unit_id` when given. Up to `limit`,
  // each with the audits of those actions (by row id) and its `most` most
  // overdue actions. Three statements whatever the page size (up to
  // kMaxIdsPerStatement units).
  absl::StatusOr<Page<OverdueUnit>> OverdueUnits(
      std::optional<int64_t> unit_id, const domain::AuditVisibility& visibility,
      int64_t caller_id, int64_t after_id, int limit, int most);

 private:
  Connection& db_;
  std::string today_;
};

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_REPORT_REPOSITORY_H_
