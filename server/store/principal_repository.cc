#include "server/store/principal_repository.h"

#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/store/id_list.h"

namespace brevis::store {
namespace {

#define BREVIS_PRINCIPAL_SELECT                                               \
  "SELECT id, uid, display_name, role, active, scopes, certificate_subject, " \
  "create_time, update_time, revision, contact_email, language, "             \
  "notification_opt_outs FROM principals "

v1::Principal ReadPrincipal(const Statement& row) {
  v1::Principal principal;
  principal.set_name(domain::PrincipalName(row.Text(1)));
  principal.set_display_name(row.Text(2));
  principal.set_role(static_cast<v1::Role>(row.Int(3)));
  principal.set_active(row.Int(4) != 0);
  FromMask(row.Int(5), principal.mutable_scopes());
  if (!row.IsNull(6)) principal.set_certificate_subject(row.Text(6));
  SetTimestamp(row.Int(7), principal.mutable_create_time());
  SetTimestamp(row.Int(8), principal.mutable_update_time());
  principal.set_etag(Etag(row.Int(9)));
  if (!row.IsNull(10)) principal.set_contact_email(row.Text(10));
  principal.set_language(static_cast<v1::ReportLanguage>(row.Int(11)));
  FromMask(row.Int(12), principal.mutable_notification_opt_outs());
  return principal;
}

std::optional<std::string_view> SubjectColumn(const v1::Principal& p) {
  if (p.certificate_subject().empty()) return std::nullopt;
  return p.certificate_subject();
}

std::optional<std::string_view> EmailColumn(const v1::Principal& p) {
  if (p.contact_email().empty()) return std::nullopt;
  return p.contact_email();
}

absl::Status SubjectTaken(const absl::Status& status,
                          const v1::Principal& principal) {
  if (absl::IsAlreadyExists(status)) {
    return absl::AlreadyExistsError(
        StrCat("principal.certificate_subject: another principal already "
               "has subject ",
               principal.certificate_subject()));
  }
  return status;
}

}  // namespace

absl::Status PrincipalRepository::Create(std::string_view uid,
                                         const std::vector<int64_t>& unit_ids,
                                         absl::Time now,
                                         v1::Principal* principal) {
  BREVIS_ASSIGN_OR_RETURN(
      auto insert,
      db_.Prepare(
          "INSERT INTO principals (uid, display_name, role, active, scopes, "
          "certificate_subject, create_time, update_time, revision, "
          "contact_email, language, notification_opt_outs) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?) RETURNING id"));
  bool active = !principal->has_active() || principal->active();
  int64_t micros = ToMicros(now);
  Statement& stmt = *insert;
  stmt.Bind(1, uid)
      .Bind(2, principal->display_name())
      .Bind(3, int64_t{principal->role()})
      .Bind(4, int64_t{active})
      .Bind(5, ToMask(principal->scopes()))
      .BindOptional(6, SubjectColumn(*principal))
      .Bind(7, micros)
      .Bind(8, micros)
      .BindOptional(9, EmailColumn(*principal))
      .Bind(10, int64_t{principal->language()})
      .Bind(11, ToMask(principal->notification_opt_outs()));
  absl::StatusOr<bool> row = stmt.Step();
  if (!row.ok()) return SubjectTaken(row.status(), *principal);
  int64_t id = stmt.Int(0);
  BREVIS_RETURN_IF_ERROR(ReplaceUnits(id, unit_ids));
  principal->set_name(domain::PrincipalName(uid));
  principal->set_active(active);
  FromMask(ToMask(principal->scopes()), principal->mutable_scopes());
  FromMask(ToMask(principal->notification_opt_outs()),
           principal->mutable_notification_opt_outs());
  SetTimestamp(micros, principal->mutable_create_time());
  SetTimestamp(micros, principal->mutable_update_time());
  principal->set_etag(Etag(1));
  return absl::OkStatus();
}

absl::Status PrincipalRepository::ReplaceUnits(
    int64_t id, const std::vector<int64_t>& unit_ids) {
  BREVIS_ASSIGN_OR_RETURN(
      auto remove,
      db_.Prepare("DELETE FROM principal_units WHERE principal_id = ?"));
  BREVIS_RETURN_IF_ERROR(remove->Bind(1, id).Run());
  for (int64_t unit_id : unit_ids) {
    BREVIS_ASSIGN_OR_RETURN(
        auto insert,
        db_.Prepare("INSERT INTO principal_units (principal_id, unit_id) "
                    "VALUES (?, ?) ON CONFLICT DO NOTHING"));
    BREVIS_RETURN_IF_ERROR(insert->Bind(1, id).Bind(2, unit_id).Run());
  }
  return absl::OkStatus();
}

absl::StatusOr<PrincipalRecord> PrincipalRepository::ReadOne(
    std::string_view where_sql, std::string_view uid, int64_t id) {
  BREVIS_ASSIGN_OR_RETURN(
      auto select, db_.Prepare(StrCat(BREVIS_PRINCIPAL_SELECT, where_sql)));
  if (uid.empty()) {
    select->Bind(1, id);
  } else {
    select->Bind(1, uid);
  }
  BREVIS_ASSIGN_OR_RETURN(bool row, select->Step());
  if (!row) {
    return absl::NotFoundError(
        StrCat("principal ",
               uid.empty() ? StrCat("#", id) : domain::PrincipalName(uid),
               " not found"));
  }
  PrincipalRecord record;
  record.id = select->Int(0);
  record.principal = ReadPrincipal(*select);
  select.reset();

  BREVIS_RETURN_IF_ERROR(
      FillScopes({&record.id, 1}, {&record.principal, 1}, &record.unit_ids));
  return record;
}

absl::Status PrincipalRepository::FillScopes(
    std::span<const int64_t> ids, std::span<v1::Principal> principals,
    std::vector<int64_t>* unit_ids) {
  for (v1::Principal& principal : principals) {
    principal.clear_units();
    principal.clear_external_identities();
  }
  // Two statements for a whole page, not two per principal.
  BREVIS_RETURN_IF_ERROR(ForEachChildRow(
      db_,
      "SELECT pu.principal_id, pu.unit_id, u.uid FROM principal_units pu "
      "JOIN units u ON u.id = pu.unit_id WHERE pu.principal_id IN ",
      " ORDER BY pu.principal_id, u.id", ids, principals,
      [&](v1::Principal& principal, const Statement& row) {
        if (unit_ids != nullptr) unit_ids->push_back(row.Int(1));
        principal.add_units(domain::UnitName(row.Text(2)));
      }));
  return ForEachChildRow(
      db_,
      "SELECT principal_id, issuer, subject FROM external_identities WHERE "
      "principal_id IN ",
      " ORDER BY principal_id, id", ids, principals,
      [](v1::Principal& principal, const Statement& row) {
        v1::ExternalIdentity* identity = principal.add_external_identities();
        identity->set_issuer(row.Text(1));
        identity->set_subject(row.Text(2));
      });
}

absl::Status PrincipalRepository::AddIdentity(
    int64_t id, const v1::ExternalIdentity& identity, absl::Time now) {
  BREVIS_ASSIGN_OR_RETURN(
      auto insert,
      db_.Prepare("INSERT INTO external_identities (principal_id, issuer, "
                  "subject, create_time) VALUES (?, ?, ?, ?)"));
  absl::Status status = insert->Bind(1, id)
                            .Bind(2, identity.issuer())
                            .Bind(3, identity.subject())
                            .Bind(4, ToMicros(now))
                            .Run();
  if (absl::IsAlreadyExists(status)) {
    // Whose it is stays unsaid: the caller is an admin, but the message
    // may reach logs, which must not link a subject to a principal.
    return absl::AlreadyExistsError(
        "external_identity: a principal already carries this identity; "
        "remove it there first");
  }
  return status;
}

absl::StatusOr<bool> PrincipalRepository::RemoveIdentity(
    int64_t id, const v1::ExternalIdentity& identity) {
  BREVIS_ASSIGN_OR_RETURN(
      auto remove,
      db_.Prepare("DELETE FROM external_identities WHERE principal_id = ? "
                  "AND issuer = ? AND subject = ? RETURNING id"));
  remove->Bind(1, id).Bind(2, identity.issuer()).Bind(3, identity.subject());
  return remove->Step();
}

absl::StatusOr<std::optional<int64_t>> PrincipalRepository::FindByIdentity(
    const v1::ExternalIdentity& identity) {
  BREVIS_ASSIGN_OR_RETURN(
      auto select,
      db_.Prepare("SELECT principal_id FROM external_identities WHERE "
                  "issuer = ? AND subject = ?"));
  select->Bind(1, identity.issuer()).Bind(2, identity.subject());
  BREVIS_ASSIGN_OR_RETURN(bool row, select->Step());
  if (!row) return std::nullopt;
  return select->Int(0);
}

absl::StatusOr<PrincipalRecord> PrincipalRepository::Get(std::string_view uid) {
  return ReadOne("WHERE uid = ?", uid, 0);
}

absl::StatusOr<PrincipalRecord> PrincipalRepository::GetById(int64_t id) {
  return ReadOne("WHERE id = ?", "", id);
}

absl::StatusOr<std::optional<int64_t>>
PrincipalRepository::FindByCertificateSubject(std::string_view subject) {
  BREVIS_ASSIGN_OR_RETURN(
      auto select,
      db_.Prepare("SELECT id FROM principals WHERE certificate_subject = ?"));
  select->Bind(1, subject);
  BREVIS_ASSIGN_OR_RETURN(bool row, select->Step());
  if (!row) return std::nullopt;
  return select->Int(0);
}

absl::StatusOr<Page<v1::Principal>> PrincipalRepository::List(
    const PrincipalFilter& filter, int64_t after_id, int limit) {
  BREVIS_ASSIGN_OR_RETURN(
      auto select,
      db_.Prepare(BREVIS_PRINCIPAL_SELECT
                  "WHERE id > ?1 AND (CAST(?2 AS BIGINT) IS NULL OR role = ?2) "
                  "AND (CAST(?3 AS BIGINT) IS NULL OR active = ?3) "
                  "ORDER BY id LIMIT ?4"));
  Statement& stmt = *select;
  stmt.Bind(1, after_id).Bind(4, int64_t{limit} + 1).BindNull(2).BindNull(3);
  if (filter.role) stmt.Bind(2, int64_t{*filter.role});
  if (filter.active) stmt.Bind(3, int64_t{*filter.active});
  std::vector<int64_t> ids;
  absl::StatusOr<Page<v1::Principal>> page =
      CollectPage<v1::Principal>(stmt, limit, [&](const Statement& row) {
        ids.push_back(row.Int(0));
        return ReadPrincipal(row);
      });
  if (!page.ok()) return page;
  select.reset();
  BREVIS_RETURN_IF_ERROR(FillScopes(ids, page->items, nullptr));
  return page;
}

absl::Status PrincipalRepository::Update(int64_t id,
                                         const std::vector<int64_t>& unit_ids,
                                         absl::Time now,
                                         v1::Principal* principal) {
  BREVIS_ASSIGN_OR_RETURN(
      auto update,
      db_.Prepare(
          "UPDATE principals SET display_name = ?, active = ?, scopes = ?, "
          "certificate_subject = ?, update_time = ?, revision = revision + 1, "
          "contact_email = ?, language = ?, notification_opt_outs = ? "
          "WHERE id = ? RETURNING revision"));
  int64_t micros = ToMicros(now);
  Statement& stmt = *update;
  stmt.Bind(1, principal->display_name())
      .Bind(2, int64_t{principal->active()})
      .Bind(3, ToMask(principal->scopes()))
      .BindOptional(4, SubjectColumn(*principal))
      .Bind(5, micros)
      .BindOptional(6, EmailColumn(*principal))
      .Bind(7, int64_t{principal->language()})
      .Bind(8, ToMask(principal->notification_opt_outs()))
      .Bind(9, id);
  absl::StatusOr<bool> row = stmt.Step();
  if (!row.ok()) return SubjectTaken(row.status(), *principal);
  if (!*row) return absl::NotFoundError("principal not found");
  principal->set_etag(Etag(stmt.Int(0)));
  update.reset();
  SetTimestamp(micros, principal->mutable_update_time());
  FromMask(ToMask(principal->scopes()), principal->mutable_scopes());
  FromMask(ToMask(principal->notification_opt_outs()),
           principal->mutable_notification_opt_outs());
  return ReplaceUnits(id, unit_ids);
}

absl::StatusOr<bool> PrincipalRepository::Any() {
  BREVIS_ASSIGN_OR_RETURN(auto select,
                          db_.Prepare("SELECT 1 FROM principals LIMIT 1"));
  return select->Step();
}

}  // namespace brevis::store
