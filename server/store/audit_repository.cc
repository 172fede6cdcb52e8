#include "server/store/audit_repository.h"

#include "server/domain/resource_name.h"
#include "server/domain/str_cat.h"

namespace brevis::store {
namespace {

#define BREVIS_AUDIT_SELECT                                                   \
  "SELECT a.id, a.uid, u.uid, a.title, a.commissioned_by, a.focus_areas, "    \
  "a.other_focus_area, a.question_guide, a.planned_start_date, "              \
  "a.planned_report_date, a.planned_follow_up_date, a.state, a.create_time, " \
  "a.update_time, a.revision FROM audits a JOIN units u ON u.id = a.unit_id "

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
  return audit;
}

absl::Status AuditNotFound(std::string_view uid) {
  return absl::NotFoundError(
      brevis::StrCat("audit ", domain::AuditName(uid), " not found"));
}

}  // namespace

absl::Status AuditRepository::Create(std::string_view uid, int64_t unit_id,
                                     absl::Time now, v1::Audit* audit) {
  auto insert = db_.Prepare(
      "INSERT INTO audits (uid, unit_id, title, commissioned_by, focus_areas, "
      "other_focus_area, question_guide, planned_start_date, "
      "planned_report_date, planned_follow_up_date, state, create_time, "
      "update_time, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "1)");
  if (!insert.ok()) return insert.status();
  int64_t micros = ToMicros(now);
  absl::Status status =
      (*insert)
          ->Bind(1, uid)
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
  auto select = db_.Prepare(BREVIS_AUDIT_SELECT "WHERE a.uid = ?");
  if (!select.ok()) return select.status();
  (*select)->Bind(1, uid);
  absl::StatusOr<bool> row = (*select)->Step();
  if (!row.ok()) return row.status();
  if (!*row) return AuditNotFound(uid);
  return ReadAudit(**select);
}

absl::StatusOr<int64_t> AuditRepository::RowId(std::string_view uid) {
  auto select = db_.Prepare("SELECT id FROM audits WHERE uid = ?");
  if (!select.ok()) return select.status();
  (*select)->Bind(1, uid);
  absl::StatusOr<bool> row = (*select)->Step();
  if (!row.ok()) return row.status();
  if (!*row) return AuditNotFound(uid);
  return (*select)->Int(0);
}

absl::StatusOr<Page<v1::Audit>> AuditRepository::List(const AuditFilter& filter,
                                                      int64_t after_id,
                                                      int limit) {
  // One statement per filter shape, so each walks the index that keeps its
  // rows in id order and a deep page costs what the first one does.
  const char* sql;
  if (filter.unit_id && filter.state) {
    sql = BREVIS_AUDIT_SELECT
        "WHERE a.unit_id = ?2 AND a.state = ?3 AND a.id > ?1 "
        "ORDER BY a.id LIMIT ?4";
  } else if (filter.unit_id) {
    sql = BREVIS_AUDIT_SELECT
        "WHERE a.unit_id = ?2 AND a.id > ?1 ORDER BY a.id LIMIT ?4";
  } else if (filter.state) {
    sql = BREVIS_AUDIT_SELECT
        "WHERE a.state = ?3 AND a.id > ?1 ORDER BY a.id LIMIT ?4";
  } else {
    sql = BREVIS_AUDIT_SELECT "WHERE a.id > ?1 ORDER BY a.id LIMIT ?4";
  }
  auto select = db_.Prepare(sql);
  if (!select.ok()) return select.status();
  Statement& stmt = **select;
  stmt.Bind(1, after_id);
  if (filter.unit_id) stmt.Bind(2, *filter.unit_id);
  if (filter.state) stmt.Bind(3, int64_t{*filter.state});
  stmt.Bind(4, int64_t{limit} + 1);
  return CollectPage<v1::Audit>(stmt, limit, ReadAudit);
}

absl::Status AuditRepository::Update(std::string_view uid, absl::Time now,
                                     v1::Audit* audit) {
  auto update = db_.Prepare(
      "UPDATE audits SET title = ?, commissioned_by = ?, focus_areas = ?, "
      "other_focus_area = ?, question_guide = ?, planned_start_date = ?, "
      "planned_report_date = ?, planned_follow_up_date = ?, update_time = ?, "
      "revision = revision + 1 WHERE uid = ? RETURNING revision");
  if (!update.ok()) return update.status();
  int64_t micros = ToMicros(now);
  Statement& stmt = **update;
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
  absl::StatusOr<bool> row = stmt.Step();
  if (!row.ok()) return row.status();
  if (!*row) return AuditNotFound(uid);
  FromMask(ToMask(audit->focus_areas()), audit->mutable_focus_areas());
  audit->set_etag(Etag(stmt.Int(0)));
  SetTimestamp(micros, audit->mutable_update_time());
  return absl::OkStatus();
}

}  // namespace brevis::store
