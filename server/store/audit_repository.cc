#include "server/store/audit_repository.h"

#include <algorithm>

#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/store/sql_dialect.h"
#include "server/store/visibility_sql.h"

namespace brevis::store {
namespace {

// The columns ReadAudit reads, up to FROM; the team comes back as one
// comma list in no order (ReadAudit sorts it).
std::string AuditSelect(Engine engine) {
  return brevis::StrCat(
      "SELECT a.id, a.uid, u.uid, a.title, a.commissioned_by, a.focus_areas, "
      "a.other_focus_area, a.question_guide, a.planned_start_date, "
      "a.planned_report_date, a.planned_follow_up_date, a.state, "
      "a.create_time, a.update_time, a.revision, (SELECT ",
      CommaList(engine, "p.uid"),
      " FROM audit_auditors aa JOIN principals p ON p.id = aa.principal_id "
      "WHERE aa.audit_id = a.id AND " BREVIS_COUNTS_AS_AUDITOR
      ") FROM audits a JOIN units u ON u.id = a.unit_id ");
}

v1::Audit ReadAudit(const Statement& row) {
  v1::Audit audit;
  audit.set_name(domain::AuditName(row.Text(1)));
  audit.set_unit(domain::UnitName(row.Text(2)));
  audit.set_title(row.Text(3));
  audit.set_commissioned_by(row.Text(4));
  FromMask(row.Int(5), audit.mutable_focus_areas());
  audit.set_other_focus_area(row.Text(6));
  audit.set_question_guide(row.Text(7));
  if (!row.IsNull(8)) SetDate(row.Text(8), audit.mutable_planned_start_date());
  if (!row.IsNull(9)) SetDate(row.Text(9), audit.mutable_planned_report_date());
  if (!row.IsNull(10)) {
    SetDate(row.Text(10), audit.mutable_planned_follow_up_date());
  }
  audit.set_state(static_cast<v1::AuditState>(row.Int(11)));
  SetTimestamp(row.Int(12), audit.mutable_create_time());
  SetTimestamp(row.Int(13), audit.mutable_update_time());
  audit.set_etag(Etag(row.Int(14)));
  std::string team = row.Text(15);
  for (size_t start = 0; !team.empty() && start <= team.size();) {
    size_t comma = team.find(',', start);
    if (comma == std::string::npos) comma = team.size();
    audit.add_auditors(
        domain::PrincipalName(team.substr(start, comma - start)));
    start = comma + 1;
  }
  std::sort(audit.mutable_auditors()->begin(), audit.mutable_auditors()->end());
  return audit;
}

// An audit's row id and the facts of columns 0 to 2 (id, unit_id, state).
AuditLocation ReadLocation(const Statement& row) {
  AuditLocation location;
  location.id = row.Int(0);
  location.facts.unit_id = row.Int(1);
  location.facts.state = static_cast<v1::AuditState>(row.Int(2));
  return location;
}

absl::Status AuditNotFound(std::string_view uid) {
  return absl::NotFoundError(
      brevis::StrCat("audit ", domain::AuditName(uid), " not found"));
}

}  // namespace

absl::Status AuditRepository::Create(std::string_view uid, int64_t unit_id,
                                     absl::Time now, v1::Audit* audit) {
  BREVIS_ASSIGN_OR_RETURN(
      auto insert,
      db_.Prepare(
          "INSERT INTO audits (uid, unit_id, title, commissioned_by, "
          "focus_areas, other_focus_area, question_guide, planned_start_date, "
          "planned_report_date, planned_follow_up_date, state, create_time, "
          "update_time, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
          "?, 1)"));
  int64_t micros = ToMicros(now);
  absl::Status status =
      insert->Bind(1, uid)
          .Bind(2, unit_id)
          .Bind(3, audit->title())
          .Bind(4, audit->commissioned_by())
          .Bind(5, ToMask(audit->focus_areas()))
          .Bind(6, audit->other_focus_area())
          .Bind(7, audit->question_guide())
          .BindOptional(8, DateColumn(audit->planned_start_date()))
          .BindOptional(9, DateColumn(audit->planned_report_date()))
          .BindOptional(10, DateColumn(audit->planned_follow_up_date()))
          .Bind(11, int64_t{v1::AUDIT_STATE_PLANNED})
          .Bind(12, micros)
          .Bind(13, micros)
          .Run();
  if (!status.ok()) return status;
  audit->set_name(domain::AuditName(uid));
  audit->set_state(v1::AUDIT_STATE_PLANNED);
  // Stored as a set: hand back what a later Get will return.
  FromMask(ToMask(audit->focus_areas()), audit->mutable_focus_areas());
  SetTimestamp(micros, audit->mutable_create_time());
  SetTimestamp(micros, audit->mutable_update_time());
  audit->set_etag(Etag(1));
  return absl::OkStatus();
}

absl::StatusOr<v1::Audit> AuditRepository::Get(std::string_view uid) {
  BREVIS_ASSIGN_OR_RETURN(
      auto select, db_.Prepare(AuditSelect(db_.engine()) + "WHERE a.uid = ?"));
  select->Bind(1, uid);
  BREVIS_ASSIGN_OR_RETURN(bool row, select->Step());
  if (!row) return AuditNotFound(uid);
  return ReadAudit(*select);
}

absl::StatusOr<int64_t> AuditRepository::RowId(std::string_view uid) {
  BREVIS_ASSIGN_OR_RETURN(auto select,
                          db_.Prepare("SELECT id FROM audits WHERE uid = ?"));
  select->Bind(1, uid);
  BREVIS_ASSIGN_OR_RETURN(bool row, select->Step());
  if (!row) return AuditNotFound(uid);
  return select->Int(0);
}

absl::StatusOr<Page<v1::Audit>> AuditRepository::List(
    const AuditFilter& filter, const domain::AuditVisibility& visibility,
    int64_t caller_id, int64_t after_id, int limit) {
  Page<v1::Audit> empty;
  if (visibility.nothing) return empty;
  // The statement is assembled from fixed fragments only; every value is a
  // bound parameter. Each shape is prepared once and cached.
  std::string sql = AuditSelect(db_.engine()) + "WHERE a.id > ?1";
  if (filter.unit_id) sql += " AND a.unit_id = ?2";
  if (filter.state) sql += " AND a.state = ?3";
  sql += " AND " + VisibleAuditCondition(visibility, "a", "?5");
  sql += " ORDER BY a.id LIMIT ?4";
  BREVIS_ASSIGN_OR_RETURN(auto select, PrepareSparse(db_, sql));
  Statement& stmt = *select;
  stmt.Bind(1, after_id);
  if (filter.unit_id) stmt.Bind(2, *filter.unit_id);
  if (filter.state) stmt.Bind(3, int64_t{*filter.state});
  stmt.Bind(4, int64_t{limit} + 1);
  if (visibility.unit_ids || visibility.team_member) stmt.Bind(5, caller_id);
  return CollectPage<v1::Audit>(stmt, limit, ReadAudit);
}

absl::StatusOr<AuditLocation> AuditRepository::Locate(std::string_view uid,
                                                      int64_t caller_id) {
  BREVIS_ASSIGN_OR_RETURN(
      auto select,
      db_.Prepare("SELECT a.id, a.unit_id, a.state, EXISTS (SELECT 1 FROM "
                  "audit_auditors "
                  "WHERE audit_id = a.id AND principal_id = ?2) FROM audits a "
                  "WHERE a.uid = ?1"));
  select->Bind(1, uid).Bind(2, caller_id);
  BREVIS_ASSIGN_OR_RETURN(bool row, select->Step());
  if (!row) return AuditNotFound(uid);
  AuditLocation location = ReadLocation(*select);
  location.facts.caller_on_team = select->Int(3) != 0;
  return location;
}

absl::StatusOr<std::vector<int64_t>> AuditRepository::SetTeam(
    int64_t audit_id, const std::vector<int64_t>& principal_ids) {
  std::vector<int64_t> removed;
  BREVIS_ASSIGN_OR_RETURN(
      auto before,
      db_.Prepare("SELECT principal_id FROM audit_auditors WHERE audit_id = ? "
                  "ORDER BY principal_id"));
  before->Bind(1, audit_id);
  while (true) {
    BREVIS_ASSIGN_OR_RETURN(bool row, before->Step());
    if (!row) break;
    int64_t id = before->Int(0);
    if (std::find(principal_ids.begin(), principal_ids.end(), id) ==
        principal_ids.end()) {
      removed.push_back(id);
    }
  }
  before.reset();
  BREVIS_ASSIGN_OR_RETURN(
      auto remove,
      db_.Prepare("DELETE FROM audit_auditors WHERE audit_id = ?"));
  BREVIS_RETURN_IF_ERROR(remove->Bind(1, audit_id).Run());
  for (int64_t principal_id : principal_ids) {
    BREVIS_ASSIGN_OR_RETURN(
        auto insert,
        db_.Prepare("INSERT INTO audit_auditors (audit_id, principal_id) "
                    "VALUES (?, ?) ON CONFLICT DO NOTHING"));
    if (auto s = insert->Bind(1, audit_id).Bind(2, principal_id).Run();
        !s.ok()) {
      return s;
    }
  }
  return removed;
}

absl::StatusOr<std::vector<TeamAudit>> AuditRepository::TeamAudits(
    int64_t principal_id) {
  BREVIS_ASSIGN_OR_RETURN(
      auto select,
      db_.Prepare(
          "SELECT a.id, a.unit_id, a.state, a.uid FROM audits a "
          "JOIN audit_auditors aa "
          "ON aa.audit_id = a.id WHERE aa.principal_id = ? ORDER BY a.id"));
  select->Bind(1, principal_id);
  std::vector<TeamAudit> audits;
  while (true) {
    BREVIS_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) return audits;
    audits.push_back({select->Text(3), ReadLocation(*select)});
  }
}

absl::Status AuditRepository::Touch(int64_t audit_id, absl::Time now) {
  BREVIS_ASSIGN_OR_RETURN(
      auto update,
      db_.Prepare("UPDATE audits SET update_time = ?, revision = revision + 1 "
                  "WHERE id = ?"));
  if (auto s = update->Bind(1, ToMicros(now)).Bind(2, audit_id).Run();
      !s.ok()) {
    return s;
  }
  if (db_.Changes() != 1) {
    return absl::NotFoundError("audit not found");
  }
  return absl::OkStatus();
}

absl::Status AuditRepository::Update(std::string_view uid, absl::Time now,
                                     v1::Audit* audit) {
  BREVIS_ASSIGN_OR_RETURN(
      auto update,
      db_.Prepare(
          "UPDATE audits SET title = ?, commissioned_by = ?, focus_areas = ?, "
          "other_focus_area = ?, question_guide = ?, planned_start_date = ?, "
          "planned_report_date = ?, planned_follow_up_date = ?, update_time = "
          "?, revision = revision + 1 WHERE uid = ? RETURNING revision"));
  int64_t micros = ToMicros(now);
  Statement& stmt = *update;
  stmt.Bind(1, audit->title())
      .Bind(2, audit->commissioned_by())
      .Bind(3, ToMask(audit->focus_areas()))
      .Bind(4, audit->other_focus_area())
      .Bind(5, audit->question_guide())
      .BindOptional(6, DateColumn(audit->planned_start_date()))
      .BindOptional(7, DateColumn(audit->planned_report_date()))
      .BindOptional(8, DateColumn(audit->planned_follow_up_date()))
      .Bind(9, micros)
      .Bind(10, uid);
  BREVIS_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return AuditNotFound(uid);
  FromMask(ToMask(audit->focus_areas()), audit->mutable_focus_areas());
  audit->set_etag(Etag(stmt.Int(0)));
  SetTimestamp(micros, audit->mutable_update_time());
  return absl::OkStatus();
}

}  // namespace brevis::store
