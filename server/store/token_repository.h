#ifndef BREVIS_SERVER_STORE_TOKEN_REPOSITORY_H_
#define BREVIS_SERVER_STORE_TOKEN_REPOSITORY_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "brevis/v1/principal.pb.h"
#include "server/domain/resource_name.h"
#include "server/store/rows.h"
#include "server/store/sqlite.h"

namespace brevis::store {

// What authentication needs to know of a token.
struct TokenRecord {
  int64_t id = 0;
  int64_t principal_id = 0;
  std::string name;         // principals/{p}/tokens/{t}
  std::string secret_hash;  // SHA-256 of the secret
  absl::Time expire_time;
  std::optional<absl::Time> revoke_time;
};

// The tokens table. Works inside the caller's transaction; not thread-safe.
// It never sees a secret, only its hash.
class TokenRepository {
 public:
  explicit TokenRepository(Connection& connection) : db_(connection) {}

  // Inserts token `name` of the principal with row id `principal_id` (the
  // principal `name` names) with the given hash; fills in name and
  // create_time.
  absl::Status Create(const domain::name::Token& name, int64_t principal_id,
                      std::string_view secret_hash, absl::Time now,
                      v1::Token* token);
  absl::StatusOr<Page<v1::Token>> List(std::string_view principal_uid,
                                       int64_t principal_id, int64_t after_id,
                                       int limit);
  // Sets revoke_time (once; a second revoke keeps the first time) and
  // returns the token. NOT_FOUND.
  absl::StatusOr<v1::Token> Revoke(const domain::name::Token& name,
                                   int64_t principal_id, absl::Time now);
  absl::StatusOr<std::optional<TokenRecord>> FindBySecretHash(
      std::string_view secret_hash);
  absl::Status RecordUse(int64_t id, absl::Time now);
  // The auth generation (migration 0013): a number that triggers change in
  // the same transaction as any change to tokens (but their last use),
  // principals or principal units, whichever process makes it. Equal
  // numbers in two snapshots mean every credential resolves the same in
  // both. One one-row read.
  absl::StatusOr<int64_t> AuthGeneration();

 private:
  Connection& db_;
};

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_TOKEN_REPOSITORY_H_
