#include "server/store/action_repository.h"

#include <unordered_map>

#include "server/domain/action_standing.h"
#include "server/domain/calendar.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/store/action_standing_sql.h"
#include "server/store/id_list.h"
#include "server/store/sql_dialect.h"
#include "server/store/visibility_sql.h"

namespace brevis::store {
namespace {

#define BREVIS_ACTION_SELECT                                                 \
  "SELECT a.id, a.uid, au.uid, r.uid, u.uid, a.description, a.responsible, " \
  "a.due_date, a.status, a.create_time, a.update_time, a.revision, "         \
  "au.state FROM actions a JOIN audits au ON au.id = a.audit_id JOIN "       \
  "recommendations r ON r.id = a.recommendation_id JOIN units u ON "         \
  "u.id = a.unit_id "

}  // namespace

ActionRepository::ActionRepository(Connection& connection, std::string today)
    : db_(connection), today_(std::move(today)) {
  SetDate(today_, &today_date_);
}

v1::Action ActionRepository::ReadRow(const Statement& row) const {
  v1::Action action;
  action.set_name(StrCat("audits/", row.Text(2), "/recommendations/",
                         row.Text(3), "/actions/", row.Text(1)));
  action.set_unit(StrCat("units/", row.Text(4)));
  action.set_description(row.Text(5));
  action.set_responsible(row.Text(6));
  SetDate(row.Text(7), action.mutable_due_date());
  action.set_status(static_cast<v1::ActionStatus>(row.Int(8)));
  SetTimestamp(row.Int(9), action.mutable_create_time());
  SetTimestamp(row.Int(10), action.mutable_update_time());
  action.set_etag(Etag(row.Int(11)));
  domain::SetStanding(static_cast<v1::AuditState>(row.Int(12)), today_date_,
                      &action);
  return action;
}

absl::Status ActionRepository::FillNotes(std::span<const int64_t> ids,
                                         std::span<v1::Action> actions) {
  for (v1::Action& action : actions) action.clear_notes();
  // One statement for the whole page; each action's notes in the order
  // they were added, as the index (action_id, id) holds them.
  return ForEachChildRow(
      db_,
      "SELECT action_id, text, author, time FROM action_notes WHERE "
      "action_id IN ",
      " ORDER BY action_id, id", ids, actions,
      [](v1::Action& action, const Statement& row) {
        v1::ProgressNote* note = action.add_notes();
        note->set_text(row.Text(1));
        note->set_author(row.Text(2));
        SetTimestamp(row.Int(3), note->mutable_time());
      });
}

absl::Status ActionRepository::Create(const ActionParent& parent,
                                      std::string_view uid, absl::Time now,
                                      v1::Action* action) {
  BREVIS_ASSIGN_OR_RETURN(
      auto insert,
      db_.Prepare(
          "INSERT INTO actions (uid, recommendation_id, audit_id, unit_id, "
          "description, responsible, due_date, status, create_time, "
          "update_time, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)"));
  if (action->status() == v1::ACTION_STATUS_UNSPECIFIED) {
    action->set_status(v1::ACTION_STATUS_PLANNED);
  }
  int64_t micros = ToMicros(now);
  absl::Status status = insert->Bind(1, uid)
                            .Bind(2, parent.recommendation_id)
                            .Bind(3, parent.audit_id)
                            .Bind(4, parent.unit_id)
                            .Bind(5, action->description())
                            .Bind(6, action->responsible())
                            .BindOptional(7, DateColumn(action->due_date()))
                            .Bind(8, int64_t{action->status()})
                            .Bind(9, micros)
                            .Bind(10, micros)
                            .Run();
  if (!status.ok()) return status;
  insert.reset();
  BREVIS_ASSIGN_OR_RETURN(v1::Action created,
                          Get(parent.recommendation_id, uid));
  *action = std::move(created);
  return absl::OkStatus();
}

absl::StatusOr<v1::Action> ActionRepository::Get(int64_t recommendation_id,
                                                 std::string_view uid) {
  BREVIS_ASSIGN_OR_RETURN(
      auto select, db_.Prepare(BREVIS_ACTION_SELECT
                               "WHERE a.recommendation_id = ? AND a.uid = ?"));
  select->Bind(1, recommendation_id).Bind(2, uid);
  BREVIS_ASSIGN_OR_RETURN(bool row, select->Step());
  if (!row) return absl::NotFoundError(StrCat("action ", uid, " not found"));
  v1::Action action = ReadRow(*select);
  int64_t id = select->Int(0);
  select.reset();
  BREVIS_RETURN_IF_ERROR(FillNotes({&id, 1}, {&action, 1}));
  return action;
}

absl::StatusOr<std::vector<v1::Action>> ActionRepository::GetByRowIds(
    std::span<const int64_t> ids) {
  std::unordered_map<int64_t, v1::Action> read;
  BREVIS_RETURN_IF_ERROR(
      ForEachRowWithIdIn(db_, BREVIS_ACTION_SELECT "WHERE a.id IN ", "", ids,
                         [&](const Statement& row) {
                           read[row.Int(0)] = ReadRow(row);
                           return absl::OkStatus();
                         }));
  std::vector<v1::Action> actions;
  actions.reserve(ids.size());
  for (int64_t id : ids) {
    auto found = read.find(id);
    if (found == read.end()) {
      return absl::NotFoundError(StrCat("action ", id, " not found"));
    }
    actions.push_back(found->second);
  }
  BREVIS_RETURN_IF_ERROR(FillNotes(ids, actions));
  return actions;
}

absl::StatusOr<int64_t> ActionRepository::RowId(int64_t recommendation_id,
                                                std::string_view uid) {
  BREVIS_ASSIGN_OR_RETURN(
      auto select,
      db_.Prepare(
          "SELECT id FROM actions WHERE recommendation_id = ? AND uid = ?"));
  select->Bind(1, recommendation_id).Bind(2, uid);
  BREVIS_ASSIGN_OR_RETURN(bool row, select->Step());
  if (!row) return absl::NotFoundError(StrCat("action ", uid, " not found"));
  return select->Int(0);
}

absl::Status ActionRepository::Update(int64_t id, absl::Time now,
                                      const v1::Action& action) {
  BREVIS_ASSIGN_OR_RETURN(
      auto update,
      db_.Prepare(
          "UPDATE actions SET description = ?, responsible = ?, due_date = ?, "
          "status = ?, update_time = ?, revision = revision + 1 WHERE id = ?"));
  return update->Bind(1, action.description())
      .Bind(2, action.responsible())
      .BindOptional(3, DateColumn(action.due_date()))
      .Bind(4, int64_t{action.status()})
      .Bind(5, ToMicros(now))
      .Bind(6, id)
      .Run();
}

absl::Status ActionRepository::AddNote(int64_t id, std::string_view text,
                                       std::string_view author,
                                       absl::Time now) {
  BREVIS_ASSIGN_OR_RETURN(
      auto insert,
      db_.Prepare(
          "INSERT INTO action_notes (action_id, text, author, time) VALUES (?, "
          "?, ?, ?)"));
  if (auto s = insert->Bind(1, id)
                   .Bind(2, text)
                   .Bind(3, author)
                   .Bind(4, ToMicros(now))
                   .Run();
      !s.ok()) {
    return s;
  }
  BREVIS_ASSIGN_OR_RETURN(
      auto touch,
      db_.Prepare(
          "UPDATE actions SET update_time = ?, revision = revision + 1 WHERE "
          "id = ?"));
  return touch->Bind(1, ToMicros(now)).Bind(2, id).Run();
}

absl::StatusOr<Page<v1::Action>> ActionRepository::List(
    const ActionFilter& filter, const domain::AuditVisibility& visibility,
    int64_t caller_id, int64_t after_id, int limit) {
  Page<v1::Action> empty;
  if (visibility.nothing) return empty;
  // Assembled from fixed fragments only; every value is bound.
  std::string sql = BREVIS_ACTION_SELECT "WHERE a.id > ?1";
  if (filter.unit_id) sql += " AND a.unit_id = ?2";
  if (filter.audit_id) sql += " AND a.audit_id = ?3";
  if (filter.status) sql += " AND a.status = ?4";
  if (filter.due_before) sql += " AND a.due_date < ?5";
  if (filter.overdue) {
    sql += StrCat(*filter.overdue ? " AND " : " AND NOT ",
                  OverdueCondition("a", "au", "?9"));
  }
  if (filter.unfinished) {
    sql += StrCat(*filter.unfinished ? " AND " : " AND NOT ",
                  UnfinishedCondition("a", "au"));
  }
  sql += " AND " + VisibleAuditCondition(visibility, "au", "?7");
  sql += " ORDER BY a.id LIMIT ?8";
  BREVIS_ASSIGN_OR_RETURN(auto select, PrepareSparse(db_, sql));
  Statement& stmt = *select;
  stmt.Bind(1, after_id).Bind(8, int64_t{limit} + 1);
  if (filter.unit_id) stmt.Bind(2, *filter.unit_id);
  if (filter.audit_id) stmt.Bind(3, *filter.audit_id);
  if (filter.status) stmt.Bind(4, int64_t{*filter.status});
  if (filter.due_before) stmt.Bind(5, domain::DateText(*filter.due_before));
  if (visibility.unit_ids || visibility.team_member) stmt.Bind(7, caller_id);
  if (filter.overdue) stmt.Bind(9, std::string_view(today_));
  std::vector<int64_t> ids;
  auto page = CollectPage<v1::Action>(stmt, limit, [&](const Statement& row) {
    ids.push_back(row.Int(0));
    return ReadRow(row);
  });
  if (!page.ok()) return page;
  select.reset();
  BREVIS_RETURN_IF_ERROR(FillNotes(ids, page->items));
  return page;
}

}  // namespace brevis::store
