#ifndef BREVIS_SERVER_AUTH_AUTHENTICATOR_H_
#define BREVIS_SERVER_AUTH_AUTHENTICATOR_H_

#include <map>
#include <optional>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/auth/failure_throttle.h"
#include "server/domain/clock.h"
#include "server/domain/policy.h"
#include "server/store/database.h"

namespace brevis::auth {

// Turns a call's credentials into the Caller the policy judges. Thread-safe;
// borrows the database and clock.
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

  // For the one call whose credential is in its request (a sign-in link's
  // secret), so that guessing secrets is throttled like guessing tokens:
  // RESOURCE_EXHAUSTED while `peer` is throttled, else nullopt.
  std::optional<absl::Status> RefuseThrottled(std::string_view peer);
  // Counts a failed sign-in of `peer` with a credential in the request.
  void RecordFailedSignIn(std::string_view peer);

 private:
  absl::StatusOr<domain::Caller> FromToken(std::string_view secret);
  absl::StatusOr<domain::Caller> FromCertificate(std::string_view subject);
  void RecordUse(int64_t token_id) ABSL_LOCKS_EXCLUDED(last_use_mu_);

  store::Database* const db_;
  const domain::Clock* const clock_;
  FailureThrottle throttle_;
  absl::Mutex last_use_mu_;
  std::map<int64_t, absl::Time> last_use_ ABSL_GUARDED_BY(last_use_mu_);
};

// The message of every authentication failure.
inline constexpr char kUnauthenticatedMessage[] =
    "missing or invalid credentials: send a valid, unexpired token as "
    "`authorization: Bearer <token>`";

}  // namespace brevis::auth

#endif  // BREVIS_SERVER_AUTH_AUTHENTICATOR_H_
