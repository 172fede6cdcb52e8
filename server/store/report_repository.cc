#include "server/store/report_repository.h"

#include "server/domain/status_macros.h"
#include "server/store/action_standing_sql.h"
#include "server/store/id_list.h"
#include "server/store/sql_dialect.h"

namespace brevis::store {
namespace {

// What is open and overdue: domain::StandingOf, as ActionRepository uses it.
std::string OpenWork() { return OpenWorkCondition("ac", "au"); }
std::string Overdue() { return OverdueCondition("ac", "au", "?9"); }
std::string Unfinished() { return UnfinishedCondition("ac", "au"); }

// The number of rows of a group for which `condition` holds (PostgreSQL
// sums no booleans).
std::string CountWhere(const std::string& condition) {
  return "coalesce(sum(CASE WHEN " + condition + " THEN 1 ELSE 0 END), 0)";
}

}  // namespace

absl::StatusOr<std::map<int, int>> ReportRepository::Participants(
    int64_t audit_id) {
  BREVIS_ASSIGN_OR_RETURN(
      auto select,
      db_.Prepare(
          "SELECT informant_group, sum(participant_count) FROM sessions "
          "WHERE audit_id = ? GROUP BY informant_group"));
  select->Bind(1, audit_id);
  std::map<int, int> participants;
  while (true) {
    BREVIS_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    participants[static_cast<int>(select->Int(0))] =
        static_cast<int>(select->Int(1));
  }
  return participants;
}

absl::StatusOr<UnitCounts> ReportRepository::CountUnit(
    int64_t unit_id, const domain::AuditVisibility& visibility,
    int64_t caller_id) {
  UnitCounts counts;
  std::string visible = VisibleAuditCondition(visibility, "au", "?2");
  BREVIS_ASSIGN_OR_RETURN(auto states,
                          PrepareSparse(db_,
                                        "SELECT au.state, count(*) FROM audits "
                                        "au WHERE au.unit_id = ?1 AND " +
                                            visible + " GROUP BY au.state"));
  states->Bind(1, unit_id);
  if (visible.find("?2") != std::string::npos) states->Bind(2, caller_id);
  while (true) {
    BREVIS_ASSIGN_OR_RETURN(bool row, states->Step());
    if (!row) break;
    counts.audits_by_state[static_cast<int>(states->Int(0))] =
        static_cast<int>(states->Int(1));
  }
  BREVIS_ASSIGN_OR_RETURN(
      auto actions,
      PrepareSparse(db_, "SELECT " + CountWhere(OpenWork()) + ", " +
                             CountWhere(Overdue()) + ", " +
                             CountWhere(Unfinished()) +
                             " FROM actions ac JOIN audits au ON au.id = "
                             "ac.audit_id WHERE ac.unit_id = ?1 AND " +
                             visible));
  actions->Bind(1, unit_id).Bind(9, today_);
  if (visible.find("?2") != std::string::npos) actions->Bind(2, caller_id);
  BREVIS_RETURN_IF_ERROR(actions->Step().status());
  counts.open_actions = static_cast<int>(actions->Int(0));
  counts.overdue_actions = static_cast<int>(actions->Int(1));
  counts.unfinished_actions = static_cast<int>(actions->Int(2));
  BREVIS_ASSIGN_OR_RETURN(
      auto verdicts,
      PrepareSparse(
          db_, "SELECT count(*), " + CountWhere("v.verdict = 1") +
                   " FROM recommendation_verdicts v JOIN recommendations r ON "
                   "r.id = v.recommendation_id JOIN audits au ON au.id = "
                   "r.audit_id WHERE au.unit_id = ?1 AND " +
                   visible));
  verdicts->Bind(1, unit_id);
  if (visible.find("?2") != std::string::npos) verdicts->Bind(2, caller_id);
  BREVIS_RETURN_IF_ERROR(verdicts->Step().status());
  counts.assessed_recommendations = static_cast<int>(verdicts->Int(0));
  counts.implemented_recommendations = static_cast<int>(verdicts->Int(1));
  return counts;
}

absl::StatusOr<Page<OverdueUnit>> ReportRepository::OverdueUnits(
    std::optional<int64_t> unit_id, const domain::AuditVisibility& visibility,
    int64_t caller_id, int64_t after_id, int limit, int most) {
  std::string visible = VisibleAuditCondition(visibility, "au", "?2");
  std::string sql =
      "SELECT ac.unit_id, u.uid, u.display_name, count(*), min(ac.due_date) "
      "FROM actions ac JOIN audits au ON au.id = ac.audit_id JOIN units u ON "
      "u.id = ac.unit_id WHERE " +
      Overdue() + " AND " + visible + " AND ac.unit_id > ?3";
  if (unit_id) sql += " AND ac.unit_id = ?4";
  // The unit's columns are grouped too: PostgreSQL knows them to be one
  // per unit only when grouped by u.id.
  sql +=
      " GROUP BY ac.unit_id, u.uid, u.display_name ORDER BY ac.unit_id "
      "LIMIT ?5";
  BREVIS_ASSIGN_OR_RETURN(auto select, PrepareSparse(db_, sql));
  Statement& stmt = *select;
  stmt.Bind(3, after_id).Bind(5, int64_t{limit} + 1).Bind(9, today_);
  if (unit_id) stmt.Bind(4, *unit_id);
  if (visible.find("?2") != std::string::npos) stmt.Bind(2, caller_id);
  std::vector<int64_t> ids;
  absl::StatusOr<Page<OverdueUnit>> page =
      CollectPage<OverdueUnit>(stmt, limit, [&](const Statement& row) {
        OverdueUnit unit;
        unit.unit_id = row.Int(0);
        unit.unit_uid = row.Text(1);
        unit.display_name = row.Text(2);
        unit.overdue_actions = static_cast<int>(row.Int(3));
        unit.oldest_due_date = row.Text(4);
        ids.push_back(unit.unit_id);
        return unit;
      });
  if (!page.ok()) return page;
  select.reset();
  // The audits and the most overdue actions of every unit of the page, one
  // statement each (id_list.h) rather than two per unit: ?1 today, ?2 the
  // caller, ?3 `most`, then the page's unit ids.
  std::string overdue_in =
      " FROM actions ac JOIN audits au ON au.id = "
      "ac.audit_id WHERE " +
      OverdueCondition("ac", "au", "?1") + " AND " + visible +
      " AND ac.unit_id IN ";
  const BoundValue params[] = {std::string_view(today_), caller_id,
                               int64_t{most}};
  BREVIS_RETURN_IF_ERROR(ForEachChildRow(
      db_, "SELECT DISTINCT ac.unit_id, au.id, au.uid" + overdue_in,
      " ORDER BY ac.unit_id, au.id", ids, std::span(page->items),
      [](OverdueUnit& unit, const Statement& row) {
        unit.audit_uids.push_back(row.Text(2));
      },
      std::span(params, 2)));
  // Each unit's first `most` by due date, ties by row id: per unit what
  // ORDER BY ac.due_date, ac.id LIMIT `most` picks.
  BREVIS_RETURN_IF_ERROR(ForEachChildRow(
      db_,
      "SELECT unit_id, id FROM (SELECT ac.unit_id, ac.id, ROW_NUMBER() OVER "
      "(PARTITION BY ac.unit_id ORDER BY ac.due_date, ac.id) AS place" +
          overdue_in,
      ") ranked WHERE place <= ?3 ORDER BY unit_id, place", ids,
      std::span(page->items),
      [](OverdueUnit& unit, const Statement& row) {
        unit.most_overdue.push_back(row.Int(1));
      },
      std::span(params)));
  return page;
}

}  // namespace brevis::store
