#ifndef BREVIS_CLIENT_LIB_WEB_SESSION_STORE_H_
#define BREVIS_CLIENT_LIB_WEB_SESSION_STORE_H_

// Browser sessions of brevis-web, in memory. The browser holds only an
// opaque id (256 random bits from OpenSSL's RAND_bytes, hex); the brevis
// token behind it never leaves this process. A session ends after 30
// minutes without a request (idle) or 8 hours after sign-in (absolute),
// whichever comes first (issue 13); every POST must carry the session's
// CSRF token, compared in constant time.
//
// Thread-safe: every method may be called from any thread. The on_end hook
// (revoking the session's brevis token) runs on the calling thread, never
// under the store's lock.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace brevis::web {

struct WebSession {
  std::string id;    // the cookie value
  std::string csrf;  // the token every POST form carries
  // Who signed in (principals/{p}), their role (brevis.v1.Role number) and
  // display name.
  std::string principal;
  int role = 0;
  std::string display_name;
  // The brevis token behind the session: its name and its secret.
  std::string token_name;
  std::string token_secret;
  absl::Time token_expire_time = absl::InfiniteFuture();
  // The ID token of an OpenID Connect sign-in, kept only as the
  // id_token_hint of the provider's logout; "" for other sign-ins.
  std::string id_token;
  // The origin of the provider's end_session_endpoint when sign-out goes
  // there (its pages' CSP allows the sign-out form to lead there); "" else.
  std::string logout_origin;
  absl::Time create_time;
  absl::Time last_seen_time;
};

class SessionStore {
 public:
  using Clock = std::function<absl::Time()>;
  static constexpr absl::Duration kIdleTimeout = absl::Minutes(30);
  static constexpr absl::Duration kAbsoluteTimeout = absl::Hours(8);

  // `clock` gives the time (tests inject a fake); `on_end` is called with
  // every session that expires (not with those ended by End).
  SessionStore(Clock clock, std::function<void(const WebSession&)> on_end);

  // Starts a session for `session` (its principal, role and token fields),
  // with a new random id and CSRF token, and returns the id. The session
  // ends at the token's expiry too, if that comes before 8 hours.
  std::string Create(WebSession session);

  // The live session with `id`, its idle clock restarted; nullopt when
  // there is none or it has expired (then it is removed and on_end called).
  std::optional<WebSession> Find(std::string_view id);

  // Removes the session (sign-out) and returns it so that its token can be
  // revoked; nullopt when there was none.
  std::optional<WebSession> End(std::string_view id);

  // Removes every expired session, calling on_end for each; returns how
  // many. brevis-web calls it every minute so that the tokens of people who
  // never come back are revoked too.
  int Sweep();

  size_t size() const;

  // Whether `given` is the session's CSRF token (constant time in the
  // token's length).
  static bool CsrfMatches(const WebSession& session, std::string_view given);

  // 64 lowercase hex digits from RAND_bytes (256 bits).
  static std::string NewSecret();

 private:
  bool Expired(const WebSession& session, absl::Time now) const;

  const Clock clock_;
  const std::function<void(const WebSession&)> on_end_;
  mutable absl::Mutex mutex_;
  std::map<std::string, WebSession, std::less<>> sessions_
      ABSL_GUARDED_BY(mutex_);
};

}  // namespace brevis::web

#endif  // BREVIS_CLIENT_LIB_WEB_SESSION_STORE_H_
