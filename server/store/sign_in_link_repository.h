#ifndef BREVIS_SERVER_STORE_SIGN_IN_LINK_REPOSITORY_H_
#define BREVIS_SERVER_STORE_SIGN_IN_LINK_REPOSITORY_H_

#include <cstdint>
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

// What redeeming needs to know of a sign-in link.
struct SignInLinkRecord {
  int64_t id = 0;
  int64_t principal_id = 0;
  std::string name;         // principals/{p}/signInLinks/{l}
  std::string secret_hash;  // SHA-256 of the secret
  absl::Time expire_time;
  std::optional<absl::Time> redeem_time;
};

// The sign_in_links table (migrations/0011_sign_in_links.sql). Works inside
// the caller's transaction; not thread-safe. Like TokenRepository it never
// sees a secret, only its hash.
class SignInLinkRepository {
 public:
  explicit SignInLinkRepository(Connection& connection) : db_(connection) {}

  // Inserts link `name` of the principal with row id `principal_id` (the
  // principal `name` names), created by the principal `creator` (row id
  // `creator_id`) at `now`, working until `expire`. Returns the link.
  absl::StatusOr<v1::SignInLink> Create(const domain::name::SignInLink& name,
                                        int64_t principal_id,
                                        const domain::name::Principal& creator,
                                        int64_t creator_id,
                                        std::string_view secret_hash,
                                        absl::Time now, absl::Time expire);
  // The links of the principal with row id `principal_id`, or of every
  // principal when nullopt, in create order after row id `after_id`.
  absl::StatusOr<Page<v1::SignInLink>> List(std::optional<int64_t> principal_id,
                                            int64_t after_id, int limit);
  // The link with this secret hash, if any.
  absl::StatusOr<std::optional<SignInLinkRecord>> FindBySecretHash(
      std::string_view secret_hash);
  // Sets redeem_time to `now` unless it is set already; true when this
  // call set it. Inside one write transaction, of two calls for one link
  // exactly one returns true.
  absl::StatusOr<bool> MarkRedeemed(int64_t id, absl::Time now);

 private:
  Connection& db_;
};

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_SIGN_IN_LINK_REPOSITORY_H_
