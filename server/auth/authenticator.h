#ifndef BREVIS_SERVER_AUTH_AUTHENTICATOR_H_
#define BREVIS_SERVER_AUTH_AUTHENTICATOR_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/auth/failure_throttle.h"
#include "server/domain/clock.h"
#include "server/domain/policy.h"
#include "server/store/database.h"

namespace brevis::auth {

// Turns a call's credentials into the Caller the policy judges. Thread-safe;
// borrows the database and clock.
//
// Callers are cached by token hash and certificate subject, but every call
// still reads the auth generation (store::TokenRepository::AuthGeneration,
// one row) in the snapshot it would look the credential up in: triggers
// change that number in the same transaction as any change to a token or
// principal, from this process or another on the same file, so a revoke or
// a deactivation committed before a call starts is seen by that call, on
// every path that authenticates (unary calls and each batch of a stream).
// PRAGMA data_version was not used: it changes with every commit of every
// other connection, content writes included, so it would empty the cache
// many times a second under write load and still need a read to tell why.
class Authenticator {
 public:
  // A peer with `failures_per_minute` failed sign-ins within a minute is
  // refused for a minute.
  Authenticator(store::Database* db, const domain::Clock* clock,
                int failures_per_minute)
      : db_(db),
        clock_(clock),
        throttle_(failures_per_minute, absl::Minutes(1)) {}

  // `authorization` is the call's authorization metadata ("Bearer <secret>",
  // empty when absent); `certificate_subject` the common name of a client
  // certificate the TLS layer verified (empty when none). A bearer token
  // wins over a certificate.
  //
  // UNAUTHENTICATED, with one message for every reason (missing, malformed,
  // unknown, revoked, expired, deactivated), so a caller learns nothing.
  // RESOURCE_EXHAUSTED while `peer` is throttled after repeated failures.
  absl::StatusOr<domain::Caller> Authenticate(
      std::string_view authorization, std::string_view certificate_subject,
      std::string_view peer);

  // The refusal of a call that can be judged without the database, cheaply
  // enough to answer a flood on the spot: RESOURCE_EXHAUSTED while `peer`
  // is throttled, UNAUTHENTICATED (counted as a failed sign-in, as in
  // Authenticate) when the call carries no usable credentials at all.
  // nullopt when the credentials must be looked up (use Authenticate).
  std::optional<absl::Status> RefuseWithoutLookup(
      std::string_view authorization, std::string_view certificate_subject,
      std::string_view peer);

 private:
  // A remembered successful authentication; token_id 0 for a certificate.
  struct CachedCaller {
    domain::Caller caller;
    int64_t token_id = 0;
  };

  // RESOURCE_EXHAUSTED while `peer` is throttled, else nullopt.
  std::optional<absl::Status> RefuseThrottled(std::string_view peer);
  // Counts a failed sign-in of `peer`.
  void RecordFailedSignIn(std::string_view peer);
  absl::StatusOr<domain::Caller> FromToken(std::string_view secret);
  absl::StatusOr<domain::Caller> FromCertificate(std::string_view subject);
  // Reads the auth generation in `db`'s snapshot; a newer one than the
  // cache's empties the cache.
  absl::StatusOr<int64_t> Generation(store::Connection& db)
      ABSL_LOCKS_EXCLUDED(cache_mu_);
  // The cached caller of `key` (a token hash when `token`, else a
  // certificate subject) if the cache is at `generation`.
  std::optional<CachedCaller> Recall(int64_t generation, std::string_view key,
                                     bool token) ABSL_LOCKS_EXCLUDED(cache_mu_);
  // Caches `cached` under `key` if the cache is still at `generation`.
  void Remember(int64_t generation, std::string_view key,
                const CachedCaller& cached, bool token)
      ABSL_LOCKS_EXCLUDED(cache_mu_);
  void RecordUse(int64_t token_id) ABSL_LOCKS_EXCLUDED(last_use_mu_);

  store::Database* const db_;
  const domain::Clock* const clock_;
  FailureThrottle throttle_;
  absl::Mutex last_use_mu_;
  std::map<int64_t, absl::Time> last_use_ ABSL_GUARDED_BY(last_use_mu_);
  absl::Mutex cache_mu_;
  int64_t cache_generation_ ABSL_GUARDED_BY(cache_mu_) = 0;
  absl::flat_hash_map<std::string, CachedCaller> tokens_
      ABSL_GUARDED_BY(cache_mu_);
  absl::flat_hash_map<std::string, CachedCaller> certificates_
      ABSL_GUARDED_BY(cache_mu_);
};

// The message of every authentication failure.
inline constexpr char kUnauthenticatedMessage[] =
    "missing or invalid credentials: send a valid, unexpired token as "
    "`authorization: Bearer <token>`";

}  // namespace brevis::auth

#endif  // BREVIS_SERVER_AUTH_AUTHENTICATOR_H_
