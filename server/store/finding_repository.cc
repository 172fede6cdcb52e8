#include "server/store/finding_repository.h"

#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/store/sql_dialect.h"

namespace brevis::store {
namespace {

#define BREVIS_FINDING_SELECT                                        \
  "SELECT id, uid, focus_area, kind, text, informant_groups, "       \
  "child_rights_articles, sip, create_time, update_time, revision, " \
  "correction, correction_reason FROM findings "

v1::Finding ReadFinding(std::string_view audit_uid, const Statement& row) {
  v1::Finding finding;
  finding.set_name(domain::FindingName(audit_uid, row.Text(1)));
  finding.set_focus_area(static_cast<v1::FocusArea>(row.Int(2)));
  finding.set_kind(static_cast<v1::FindingKind>(row.Int(3)));
  finding.set_text(row.Text(4));
  FromMask(row.Int(5), finding.mutable_informant_groups());
  FromMask(row.Int(6), finding.mutable_child_rights_articles());
  finding.set_sip(row.Int(7) != 0);
  SetTimestamp(row.Int(8), finding.mutable_create_time());
  SetTimestamp(row.Int(9), finding.mutable_update_time());
  finding.set_etag(Etag(row.Int(10)));
  finding.set_revision(static_cast<int32_t>(row.Int(11)));
  finding.set_revision_reason(row.Text(12));
  return finding;
}

// Sets are stored as masks and come back sorted; normalize what a write
// returns so it equals what a later read returns.
void NormalizeSets(v1::Finding* finding) {
  FromMask(ToMask(finding->informant_groups()),
           finding->mutable_informant_groups());
  FromMask(ToMask(finding->child_rights_articles()),
           finding->mutable_child_rights_articles());
}

absl::Status FindingNotFound(const domain::name::Finding& name) {
  return absl::NotFoundError(
      brevis::StrCat("finding ", domain::Format(name), " not found"));
}

}  // namespace

absl::Status FindingRepository::Create(const domain::name::Finding& name,
                                       int64_t audit_id, absl::Time now,
                                       v1::Finding* finding) {
  BREVIS_ASSIGN_OR_RETURN(
      auto insert,
      db_.Prepare(
          "INSERT INTO findings (uid, audit_id, focus_area, kind, text, "
          "informant_groups, child_rights_articles, sip, create_time, "
          "update_time, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)"));
  int64_t micros = ToMicros(now);
  absl::Status status = insert->Bind(1, name.finding)
                            .Bind(2, audit_id)
                            .Bind(3, int64_t{finding->focus_area()})
                            .Bind(4, int64_t{finding->kind()})
                            .Bind(5, finding->text())
                            .Bind(6, ToMask(finding->informant_groups()))
                            .Bind(7, ToMask(finding->child_rights_articles()))
                            .Bind(8, int64_t{finding->sip()})
                            .Bind(9, micros)
                            .Bind(10, micros)
                            .Run();
  if (!status.ok()) return status;
  finding->set_name(domain::Format(name));
  NormalizeSets(finding);
  SetTimestamp(micros, finding->mutable_create_time());
  SetTimestamp(micros, finding->mutable_update_time());
  finding->set_etag(Etag(1));
  return absl::OkStatus();
}

absl::StatusOr<v1::Finding> FindingRepository::Get(
    const domain::name::Finding& name, int64_t audit_id) {
  BREVIS_ASSIGN_OR_RETURN(
      auto select,
      db_.Prepare(BREVIS_FINDING_SELECT "WHERE audit_id = ? AND uid = ?"));
  select->Bind(1, audit_id).Bind(2, name.finding);
  BREVIS_ASSIGN_OR_RETURN(bool row, select->Step());
  if (!row) return FindingNotFound(name);
  return ReadFinding(name.audit, *select);
}

absl::StatusOr<Page<v1::Finding>> FindingRepository::List(
    const domain::name::Audit& audit, int64_t audit_id,
    const FindingFilter& filter, int64_t after_id, int limit) {
  // One statement per filter shape, each on an index that keeps the audit's
  // rows in id order (see migrations/0001_initial.sql).
  const char* sql;
  if (filter.focus_area && filter.kind) {
    sql = BREVIS_FINDING_SELECT
        "WHERE audit_id = ?1 AND focus_area = ?3 AND kind = ?4 AND id > ?2 "
        "ORDER BY id LIMIT ?5";
  } else if (filter.focus_area) {
    sql = BREVIS_FINDING_SELECT
        "WHERE audit_id = ?1 AND focus_area = ?3 AND id > ?2 "
        "ORDER BY id LIMIT ?5";
  } else if (filter.kind) {
    sql = BREVIS_FINDING_SELECT
        "WHERE audit_id = ?1 AND kind = ?4 AND id > ?2 ORDER BY id LIMIT ?5";
  } else {
    sql = BREVIS_FINDING_SELECT
        "WHERE audit_id = ?1 AND id > ?2 ORDER BY id LIMIT ?5";
  }
  BREVIS_ASSIGN_OR_RETURN(auto select, PrepareSparse(db_, sql));
  Statement& stmt = *select;
  stmt.Bind(1, audit_id).Bind(2, after_id).Bind(5, int64_t{limit} + 1);
  if (filter.focus_area) stmt.Bind(3, int64_t{*filter.focus_area});
  if (filter.kind) stmt.Bind(4, int64_t{*filter.kind});
  return CollectPage<v1::Finding>(stmt, limit, [&](const Statement& row) {
    return ReadFinding(audit.audit, row);
  });
}

absl::Status FindingRepository::Update(const domain::name::Finding& name,
                                       int64_t audit_id, absl::Time now,
                                       v1::Finding* finding) {
  BREVIS_ASSIGN_OR_RETURN(
      auto update,
      db_.Prepare("UPDATE findings SET focus_area = ?, kind = ?, text = ?, "
                  "informant_groups = ?, child_rights_articles = ?, sip = ?, "
                  "update_time = ?, revision = revision + 1 "
                  "WHERE audit_id = ? AND uid = ? RETURNING revision"));
  int64_t micros = ToMicros(now);
  Statement& stmt = *update;
  stmt.Bind(1, int64_t{finding->focus_area()})
      .Bind(2, int64_t{finding->kind()})
      .Bind(3, finding->text())
      .Bind(4, ToMask(finding->informant_groups()))
      .Bind(5, ToMask(finding->child_rights_articles()))
      .Bind(6, int64_t{finding->sip()})
      .Bind(7, micros)
      .Bind(8, audit_id)
      .Bind(9, name.finding);
  BREVIS_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return FindingNotFound(name);
  NormalizeSets(finding);
  finding->set_etag(Etag(stmt.Int(0)));
  SetTimestamp(micros, finding->mutable_update_time());
  return absl::OkStatus();
}

absl::Status FindingRepository::Delete(const domain::name::Finding& name,
                                       int64_t audit_id) {
  BREVIS_ASSIGN_OR_RETURN(
      auto remove,
      db_.Prepare("DELETE FROM findings WHERE audit_id = ? AND uid = ?"));
  if (auto s = remove->Bind(1, audit_id).Bind(2, name.finding).Run(); !s.ok()) {
    return s;
  }
  if (db_.Changes() == 0) return FindingNotFound(name);
  return absl::OkStatus();
}

}  // namespace brevis::store
