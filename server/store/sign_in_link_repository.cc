#include "server/store/sign_in_link_repository.h"

#include "server/domain/status_macros.h"

namespace brevis::store {
namespace {

// Columns 1-6: the link's uid, its principal's uid, the creator's uid and
// the three times.
#define BREVIS_SIGN_IN_LINK_SELECT                                   \
  "SELECT l.id, l.uid, p.uid, c.uid, l.create_time, l.expire_time, " \
  "l.redeem_time FROM sign_in_links l JOIN principals p ON p.id = "  \
  "l.principal_id JOIN principals c ON c.id = l.creator_id "

v1::SignInLink ReadLink(const Statement& row) {
  v1::SignInLink link;
  link.set_name(domain::SignInLinkName(row.Text(2), row.Text(1)));
  link.set_creator(domain::PrincipalName(row.Text(3)));
  SetTimestamp(row.Int(4), link.mutable_create_time());
  SetTimestamp(row.Int(5), link.mutable_expire_time());
  if (!row.IsNull(6)) SetTimestamp(row.Int(6), link.mutable_redeem_time());
  return link;
}

}  // namespace

absl::StatusOr<v1::SignInLink> SignInLinkRepository::Create(
    const domain::name::SignInLink& name, int64_t principal_id,
    const domain::name::Principal& creator, int64_t creator_id,
    std::string_view secret_hash, absl::Time now, absl::Time expire) {
  BREVIS_ASSIGN_OR_RETURN(
      auto insert,
      db_.Prepare("INSERT INTO sign_in_links (uid, principal_id, secret_hash, "
                  "creator_id, create_time, expire_time) VALUES (?, ?, ?, ?, "
                  "?, ?)"));
  BREVIS_RETURN_IF_ERROR(insert->Bind(1, name.link)
                             .Bind(2, principal_id)
                             .BindBlob(3, secret_hash)
                             .Bind(4, creator_id)
                             .Bind(5, ToMicros(now))
                             .Bind(6, ToMicros(expire))
                             .Run());
  v1::SignInLink link;
  link.set_name(domain::Format(name));
  link.set_creator(domain::Format(creator));
  SetTimestamp(ToMicros(now), link.mutable_create_time());
  SetTimestamp(ToMicros(expire), link.mutable_expire_time());
  return link;
}

absl::StatusOr<Page<v1::SignInLink>> SignInLinkRepository::List(
    std::optional<int64_t> principal_id, int64_t after_id, int limit) {
  BREVIS_ASSIGN_OR_RETURN(
      auto select,
      db_.Prepare(BREVIS_SIGN_IN_LINK_SELECT
                  "WHERE (CAST(?1 AS BIGINT) IS NULL OR l.principal_id = ?1) "
                  "AND l.id > ?2 "
                  "ORDER BY l.id LIMIT ?3"));
  Statement& stmt = *select;
  if (principal_id.has_value()) {
    stmt.Bind(1, *principal_id);
  } else {
    stmt.BindNull(1);
  }
  stmt.Bind(2, after_id).Bind(3, int64_t{limit} + 1);
  return CollectPage<v1::SignInLink>(stmt, limit, ReadLink);
}

absl::StatusOr<std::optional<SignInLinkRecord>>
SignInLinkRepository::FindBySecretHash(std::string_view secret_hash) {
  BREVIS_ASSIGN_OR_RETURN(
      auto select,
      db_.Prepare("SELECT l.id, l.principal_id, p.uid, l.uid, l.secret_hash, "
                  "l.expire_time, l.redeem_time FROM sign_in_links l JOIN "
                  "principals p ON p.id = l.principal_id WHERE "
                  "l.secret_hash = ?"));
  select->BindBlob(1, secret_hash);
  BREVIS_ASSIGN_OR_RETURN(bool row, select->Step());
  if (!row) return std::nullopt;
  const Statement& stmt = *select;
  SignInLinkRecord record;
  record.id = stmt.Int(0);
  record.principal_id = stmt.Int(1);
  record.name = domain::SignInLinkName(stmt.Text(2), stmt.Text(3));
  record.secret_hash = stmt.Blob(4);
  record.expire_time = absl::FromUnixMicros(stmt.Int(5));
  if (!stmt.IsNull(6)) record.redeem_time = absl::FromUnixMicros(stmt.Int(6));
  return record;
}

absl::StatusOr<bool> SignInLinkRepository::MarkRedeemed(int64_t id,
                                                        absl::Time now) {
  BREVIS_ASSIGN_OR_RETURN(
      auto update,
      db_.Prepare("UPDATE sign_in_links SET redeem_time = ? WHERE id = ? AND "
                  "redeem_time IS NULL"));
  BREVIS_RETURN_IF_ERROR(update->Bind(1, ToMicros(now)).Bind(2, id).Run());
  return db_.Changes() == 1;
}

}  // namespace brevis::store
