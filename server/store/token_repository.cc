#include "server/store/token_repository.h"

#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"

namespace brevis::store {
namespace {

#define BREVIS_TOKEN_SELECT                                               \
  "SELECT id, uid, display_name, create_time, expire_time, revoke_time, " \
  "last_use_time FROM tokens "

v1::Token ReadToken(std::string_view principal_uid, const Statement& row) {
  v1::Token token;
  token.set_name(domain::TokenName(principal_uid, row.Text(1)));
  token.set_display_name(row.Text(2));
  SetTimestamp(row.Int(3), token.mutable_create_time());
  SetTimestamp(row.Int(4), token.mutable_expire_time());
  if (!row.IsNull(5)) SetTimestamp(row.Int(5), token.mutable_revoke_time());
  if (!row.IsNull(6)) SetTimestamp(row.Int(6), token.mutable_last_use_time());
  return token;
}

}  // namespace

absl::Status TokenRepository::Create(const domain::name::Token& name,
                                     int64_t principal_id,
                                     std::string_view secret_hash,
                                     absl::Time now, v1::Token* token) {
  BREVIS_ASSIGN_OR_RETURN(
      auto insert,
      db_.Prepare(
          "INSERT INTO tokens (uid, principal_id, secret_hash, display_name, "
          "create_time, expire_time) VALUES (?, ?, ?, ?, ?, ?)"));
  int64_t micros = ToMicros(now);
  absl::Status status = insert->Bind(1, name.token)
                            .Bind(2, principal_id)
                            .BindBlob(3, secret_hash)
                            .Bind(4, token->display_name())
                            .Bind(5, micros)
                            .Bind(6, TimestampMicros(token->expire_time()))
                            .Run();
  if (!status.ok()) return status;
  token->set_name(domain::Format(name));
  SetTimestamp(micros, token->mutable_create_time());
  token->clear_last_use_time();
  token->clear_revoke_time();
  return absl::OkStatus();
}

absl::StatusOr<Page<v1::Token>> TokenRepository::List(
    std::string_view principal_uid, int64_t principal_id, int64_t after_id,
    int limit) {
  BREVIS_ASSIGN_OR_RETURN(
      auto select,
      db_.Prepare(BREVIS_TOKEN_SELECT "WHERE principal_id = ? AND id > ? "
                                      "ORDER BY id LIMIT ?"));
  Statement& stmt = *select;
  stmt.Bind(1, principal_id).Bind(2, after_id).Bind(3, int64_t{limit} + 1);
  return CollectPage<v1::Token>(stmt, limit, [&](const Statement& row) {
    return ReadToken(principal_uid, row);
  });
}

absl::StatusOr<v1::Token> TokenRepository::Revoke(
    const domain::name::Token& name, int64_t principal_id, absl::Time now) {
  BREVIS_ASSIGN_OR_RETURN(
      auto update,
      db_.Prepare("UPDATE tokens SET revoke_time = coalesce(revoke_time, ?) "
                  "WHERE principal_id = ? AND uid = ?"));
  if (auto s = update->Bind(1, ToMicros(now))
                   .Bind(2, principal_id)
                   .Bind(3, name.token)
                   .Run();
      !s.ok()) {
    return s;
  }
  BREVIS_ASSIGN_OR_RETURN(
      auto select,
      db_.Prepare(BREVIS_TOKEN_SELECT "WHERE principal_id = ? AND uid = ?"));
  select->Bind(1, principal_id).Bind(2, name.token);
  BREVIS_ASSIGN_OR_RETURN(bool row, select->Step());
  if (!row) {
    return absl::NotFoundError(
        StrCat("token ", domain::Format(name), " not found"));
  }
  return ReadToken(name.principal, *select);
}

absl::StatusOr<std::optional<TokenRecord>> TokenRepository::FindBySecretHash(
    std::string_view secret_hash) {
  BREVIS_ASSIGN_OR_RETURN(
      auto select,
      db_.Prepare(
          "SELECT t.id, t.principal_id, p.uid, t.uid, t.secret_hash, "
          "t.expire_time, t.revoke_time FROM tokens t JOIN principals p ON "
          "p.id = t.principal_id WHERE t.secret_hash = ?"));
  select->BindBlob(1, secret_hash);
  BREVIS_ASSIGN_OR_RETURN(bool row, select->Step());
  if (!row) return std::nullopt;
  const Statement& stmt = *select;
  TokenRecord record;
  record.id = stmt.Int(0);
  record.principal_id = stmt.Int(1);
  record.name = domain::TokenName(stmt.Text(2), stmt.Text(3));
  record.secret_hash = stmt.Blob(4);
  record.expire_time = absl::FromUnixMicros(stmt.Int(5));
  if (!stmt.IsNull(6)) record.revoke_time = absl::FromUnixMicros(stmt.Int(6));
  return record;
}

absl::Status TokenRepository::RecordUse(int64_t id, absl::Time now) {
  BREVIS_ASSIGN_OR_RETURN(
      auto update,
      db_.Prepare("UPDATE tokens SET last_use_time = ? WHERE id = ?"));
  return update->Bind(1, ToMicros(now)).Bind(2, id).Run();
}

absl::StatusOr<int64_t> TokenRepository::AuthGeneration() {
  BREVIS_ASSIGN_OR_RETURN(
      auto select,
      db_.Prepare("SELECT generation FROM auth_generation WHERE id = 1"));
  BREVIS_ASSIGN_OR_RETURN(bool row, select->Step());
  if (!row) return absl::DataLossError("the auth generation row is missing");
  return select->Int(0);
}

}  // namespace brevis::store
