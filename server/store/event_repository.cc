#include "server/store/event_repository.h"

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "server/domain/status_macros.h"
#include "server/store/sql_dialect.h"
#include "server/store/visibility_sql.h"

namespace brevis::store {
namespace {

// Binds `value` at `index`, or NULL when there is none.
void BindState(Statement& stmt, int index,
               const std::optional<v1::AuditState>& value) {
  if (value) {
    stmt.Bind(index, int64_t{*value});
  } else {
    stmt.BindNull(index);
  }
}

// The events that took an audit out of the view of ?7 (the caller): it
// could read the audit as it stood just before the change, judged with
// what it may read now. Auditors lose an audit only when taken off its
// team; everyone else when a step leaves a state they could read.
std::string FormerReaderCondition(const domain::AuditVisibility& seen) {
  if (seen.team_member) {
    return "e.sequence IN (SELECT sequence FROM event_former_readers "
           "WHERE principal_id = ?7)";
  }
  // The event's unit is the audit's unit when the change was made.
  return "(e.audience = 0 AND e.prior_state IS NOT NULL AND " +
         VisibleAuditStateCondition(seen, "e.unit_id", "e.prior_state", "?7") +
         ")";
}

// The SQL condition of the events `visibility` lets ?7 (the caller) see.
// Built from fixed fragments only.
std::string VisibleCondition(const domain::EventVisibility& visibility) {
  if (visibility.everything) return "TRUE";
  std::string units = "FALSE";
  if (visibility.units) {
    units = visibility.unit_ids
                ? "e.unit_id IN (SELECT unit_id FROM principal_units "
                  "WHERE principal_id = ?7)"
                : "TRUE";
  }
  std::string audits = "FALSE";
  const domain::AuditVisibility& seen = visibility.audits;
  if (!seen.nothing) {
    std::string which = VisibleAuditCondition(seen, "audits", "?7");
    // Team members see the drafts and the sessions; everyone else only
    // what was published.
    audits = "e.audit_id IN (SELECT id FROM audits WHERE " + which + ")";
    if (!seen.team_member) audits += " AND e.audience = 0 AND e.published = 1";
    audits = "(" + audits + ") OR " + FormerReaderCondition(seen);
  }
  return "((e.audience = 3 AND " + units + ") OR (e.audience IN (0, 1) AND (" +
         audits + ")))";
}

}  // namespace

absl::StatusOr<int64_t> EventRepository::Append(const v1::Event& event,
                                                const EventScope& scope) {
  BREVIS_ASSIGN_OR_RETURN(
      auto insert,
      db_.Prepare(
          // The next number under the one writer (the caller's write
          // transaction): gapless and in commit order on both engines.
          "INSERT INTO events (sequence, time, actor, resource, kind, "
          "changed_fields, audit_id, unit_id, audience, published, "
          "prior_state, state) VALUES ((SELECT coalesce(max(sequence), 0) + 1 "
          "FROM events), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING sequence"));
  Statement& stmt = *insert;
  std::string fields;
  for (const std::string& field : event.changed_fields()) {
    if (!fields.empty()) fields += ',';
    fields += field;
  }
  stmt.Bind(1, TimestampMicros(event.time()))
      .Bind(2, event.actor())
      .Bind(3, event.resource())
      .Bind(4, int64_t{event.kind()})
      .Bind(5, fields)
      .Bind(8, static_cast<int64_t>(scope.audience))
      .Bind(9, int64_t{scope.published ? 1 : 0});
  BindState(stmt, 10, scope.prior_state);
  BindState(stmt, 11, scope.state);
  if (scope.audit_id) {
    stmt.Bind(6, *scope.audit_id);
  } else {
    stmt.BindNull(6);
  }
  if (scope.unit_id) {
    stmt.Bind(7, *scope.unit_id);
  } else {
    stmt.BindNull(7);
  }
  BREVIS_RETURN_IF_ERROR(stmt.Step().status());
  int64_t sequence = stmt.Int(0);
  // Finish the statement so the insert is complete before the next one.
  if (absl::StatusOr<bool> done = stmt.Step(); !done.ok()) {
    return done.status();
  }
  for (int64_t principal_id : scope.former_readers) {
    BREVIS_ASSIGN_OR_RETURN(
        auto former, db_.Prepare("INSERT INTO event_former_readers "
                                 "(sequence, principal_id) VALUES (?, ?) "
                                 "ON CONFLICT DO NOTHING"));
    if (absl::Status s = former->Bind(1, sequence).Bind(2, principal_id).Run();
        !s.ok()) {
      return s;
    }
  }
  return sequence;
}

absl::StatusOr<Page<v1::Event>> EventRepository::List(
    const EventFilter& filter, const domain::EventVisibility& visibility,
    int64_t caller_id, int64_t after, int limit) {
  std::string sql =
      "SELECT e.sequence, e.time, e.actor, e.resource, e.kind, "
      "e.changed_fields, a.uid, u.uid, e.state, p.role FROM events e "
      "LEFT JOIN audits a ON a.id = e.audit_id "
      "LEFT JOIN units u ON u.id = e.unit_id "
      // The actor's role; "principals/" is 11 characters (compared, not
      // LIKE, which ignores ASCII case on SQLite only).
      "LEFT JOIN principals p ON substr(e.actor, 1, 11) = 'principals/' "
      "AND p.uid = substr(e.actor, 12) "
      "WHERE e.sequence > ?1 AND e.sequence <= ?2";
  if (filter.audit_id) sql += " AND e.audit_id = ?3";
  if (filter.unit_id) sql += " AND e.unit_id = ?4";
  if (filter.kind) sql += " AND e.kind = ?5";
  sql += " AND " + VisibleCondition(visibility);
  sql += " ORDER BY e.sequence LIMIT ?6";
  BREVIS_ASSIGN_OR_RETURN(auto select, PrepareSparse(db_, sql));
  Statement& stmt = *select;
  stmt.Bind(1, after).Bind(2, filter.until).Bind(6, int64_t{limit} + 1);
  if (filter.audit_id) stmt.Bind(3, *filter.audit_id);
  if (filter.unit_id) stmt.Bind(4, *filter.unit_id);
  if (filter.kind) stmt.Bind(5, int64_t{*filter.kind});
  if (sql.find("?7") != std::string::npos) stmt.Bind(7, caller_id);
  return CollectPage<v1::Event>(stmt, limit, [](const Statement& row) {
    v1::Event event;
    event.set_sequence(row.Int(0));
    SetTimestamp(row.Int(1), event.mutable_time());
    event.set_actor(row.Text(2));
    event.set_resource(row.Text(3));
    event.set_kind(static_cast<v1::EventKind>(row.Int(4)));
    std::string fields = row.Text(5);
    if (!fields.empty()) {
      std::vector<std::string> names = absl::StrSplit(fields, ',');
      for (std::string& field : names) {
        event.add_changed_fields(std::move(field));
      }
    }
    if (!row.IsNull(6)) event.set_audit("audits/" + row.Text(6));
    if (!row.IsNull(7)) event.set_unit("units/" + row.Text(7));
    if (!row.IsNull(8)) {
      event.set_state(static_cast<v1::AuditState>(row.Int(8)));
    }
    if (!row.IsNull(9)) {
      event.set_actor_role(static_cast<v1::Role>(row.Int(9)));
    }
    return event;
  });
}

absl::StatusOr<int64_t> EventRepository::LastSequence() {
  BREVIS_ASSIGN_OR_RETURN(
      auto select,
      db_.Prepare("SELECT coalesce(max(sequence), 0) FROM events"));
  BREVIS_RETURN_IF_ERROR(select->Step().status());
  return select->Int(0);
}

}  // namespace brevis::store
