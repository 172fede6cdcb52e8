#ifndef BREVIS_SERVER_STORE_ACTION_REPOSITORY_H_
#define BREVIS_SERVER_STORE_ACTION_REPOSITORY_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "brevis/v1/action.pb.h"
#include "server/domain/policy.h"
#include "server/store/rows.h"
#include "server/store/sqlite.h"

namespace brevis::store {

struct ActionFilter {
  std::optional<int64_t> unit_id;
  std::optional<int64_t> audit_id;
  std::optional<int> status;
  std::optional<bool> overdue;         // domain::ActionStanding::kOverdue
  std::optional<bool> unfinished;      // domain::ActionStanding::kUnfinished
  std::optional<v1::Date> due_before;  // due strictly before it
};

// Where an action hangs: the recommendation and audit row ids.
struct ActionParent {
  int64_t recommendation_id = 0;
  int64_t audit_id = 0;
  int64_t unit_id = 0;
};

// The actions and action_notes tables. `today` (YYYY-MM-DD, Stockholm, as
// domain::StockholmDate gives it) decides, with the audit's state, what
// domain::StandingOf says of each action (`overdue`, `unfinished`). Works
// inside the caller's transaction; not thread-safe.
class ActionRepository {
 public:
  ActionRepository(Connection& connection, std::string today);

  // Inserts `action` under id `uid`; fills in name, unit, times, etag,
  // status (PLANNED when unset) and overdue.
  absl::Status Create(const ActionParent& parent, std::string_view uid,
                      absl::Time now, v1::Action* action);
  // NOT_FOUND when the recommendation has no action `uid`.
  absl::StatusOr<v1::Action> Get(int64_t recommendation_id,
                                 std::string_view uid);
  // The actions of row ids `ids`, in that order, as Get reads each, in two
  // statements for up to kMaxIdsPerStatement (id_list.h) ids: a page's
  // worth without a query per action. NOT_FOUND when an id has no action.
  absl::StatusOr<std::vector<v1::Action>> GetByRowIds(
      std::span<const int64_t> ids);
  absl::StatusOr<int64_t> RowId(int64_t recommendation_id,
                                std::string_view uid);
  // Overwrites description, responsible, due date and status; bumps the
  // revision.
  absl::Status Update(int64_t id, absl::Time now, const v1::Action& action);
  absl::Status AddNote(int64_t id, std::string_view text,
                       std::string_view author, absl::Time now);
  // Actions of the audits `visibility` lets principal `caller_id` see.
  absl::StatusOr<Page<v1::Action>> List(
      const ActionFilter& filter, const domain::AuditVisibility& visibility,
      int64_t caller_id, int64_t after_id, int limit);

 private:
  // Replaces the notes of each `actions[i]` (row id `ids[i]`; as many ids
  // as actions) with its stored ones, oldest first, in one query for all.
  absl::Status FillNotes(std::span<const int64_t> ids,
                         std::span<v1::Action> actions);
  v1::Action ReadRow(const Statement& row) const;

  Connection& db_;
  const std::string today_;
  v1::Date today_date_;
};

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_ACTION_REPOSITORY_H_
