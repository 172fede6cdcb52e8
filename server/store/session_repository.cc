#include "server/store/session_repository.h"

#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"

namespace brevis::store {

absl::Status SessionRepository::Create(const domain::name::Session& name,
                                       int64_t audit_id, absl::Time now,
                                       v1::Session* session) {
  BREVIS_ASSIGN_OR_RETURN(
      auto insert,
      db_.Prepare("INSERT INTO sessions (uid, audit_id, session_date, kind, "
                  "informant_group, participant_count, create_time) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?)"));
  int64_t micros = ToMicros(now);
  absl::Status status = insert->Bind(1, name.session)
                            .Bind(2, audit_id)
                            .BindOptional(3, DateColumn(session->date()))
                            .Bind(4, int64_t{session->kind()})
                            .Bind(5, int64_t{session->informant_group()})
                            .Bind(6, int64_t{session->participant_count()})
                            .Bind(7, micros)
                            .Run();
  if (!status.ok()) return status;
  session->set_name(domain::Format(name));
  SetTimestamp(micros, session->mutable_create_time());
  return absl::OkStatus();
}

namespace {

v1::Session ReadSession(std::string_view audit_uid, const Statement& row) {
  v1::Session session;
  session.set_name(domain::SessionName(audit_uid, row.Text(1)));
  SetDate(row.Text(2), session.mutable_date());
  session.set_kind(static_cast<v1::SessionKind>(row.Int(3)));
  session.set_informant_group(static_cast<v1::InformantGroup>(row.Int(4)));
  session.set_participant_count(static_cast<int32_t>(row.Int(5)));
  SetTimestamp(row.Int(6), session.mutable_create_time());
  return session;
}

}  // namespace

absl::StatusOr<v1::Session> SessionRepository::Get(
    const domain::name::Session& name, int64_t audit_id) {
  BREVIS_ASSIGN_OR_RETURN(
      auto select,
      db_.Prepare("SELECT id, uid, session_date, kind, informant_group, "
                  "participant_count, create_time FROM sessions "
                  "WHERE audit_id = ? AND uid = ?"));
  select->Bind(1, audit_id).Bind(2, name.session);
  BREVIS_ASSIGN_OR_RETURN(bool row, select->Step());
  if (!row) {
    return absl::NotFoundError(
        StrCat("session ", domain::Format(name), " not found"));
  }
  return ReadSession(name.audit, *select);
}

absl::StatusOr<Page<v1::Session>> SessionRepository::List(
    const domain::name::Audit& audit, int64_t audit_id, int64_t after_id,
    int limit) {
  BREVIS_ASSIGN_OR_RETURN(
      auto select,
      db_.Prepare("SELECT id, uid, session_date, kind, informant_group, "
                  "participant_count, create_time FROM sessions "
                  "WHERE audit_id = ? AND id > ? ORDER BY id LIMIT ?"));
  Statement& stmt = *select;
  stmt.Bind(1, audit_id).Bind(2, after_id).Bind(3, int64_t{limit} + 1);
  return CollectPage<v1::Session>(stmt, limit, [&](const Statement& row) {
    return ReadSession(audit.audit, row);
  });
}

absl::Status SessionRepository::Delete(const domain::name::Session& name,
                                       int64_t audit_id) {
  BREVIS_ASSIGN_OR_RETURN(
      auto remove,
      db_.Prepare("DELETE FROM sessions WHERE audit_id = ? AND uid = ?"));
  if (auto s = remove->Bind(1, audit_id).Bind(2, name.session).Run(); !s.ok()) {
    return s;
  }
  if (db_.Changes() == 0) {
    return absl::NotFoundError(
        StrCat("session ", domain::Format(name), " not found"));
  }
  return absl::OkStatus();
}

}  // namespace brevis::store
