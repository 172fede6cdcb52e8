#ifndef BREVIS_CLIENT_LIB_WEB_OIDC_FLOW_H_
#define BREVIS_CLIENT_LIB_WEB_OIDC_FLOW_H_

// The pre-sessions of the OpenID Connect sign-in: what /oidc/start makes
// and /oidc/callback needs, kept server-side under an opaque cookie. A
// pre-session holds the state (CSRF of the redirect, OpenID Connect Core
// 1.0 §3.1.2.1), the nonce (binds the ID token to this browser, §3.1.2.1)
// and the PKCE code verifier (RFC 7636), all from OpenSSL's RAND_bytes. It
// lives 10 minutes and is used once: Take removes it whether or not the
// state matches, so a replayed or forged callback finds nothing.
//
// Thread-safe: every method may be called from any thread.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace brevis::web {

struct PreSession {
  std::string id;             // the cookie value
  std::string state;          // 43 base64url characters (32 bytes)
  std::string nonce;          // 43 base64url characters (32 bytes)
  std::string code_verifier;  // 43 base64url characters (32 bytes)
  std::string next;           // where to go after sign-in (a safe path)
  absl::Time create_time;
};

class PreSessionStore {
 public:
  using Clock = std::function<absl::Time()>;
  static constexpr absl::Duration kLifetime = absl::Minutes(10);
  // A bound on memory: sign-ins started and never finished (a script
  // hitting /oidc/start) cannot grow the store without end. When full, the
  // expired ones go, then the oldest.
  static constexpr size_t kMaxEntries = 10000;

  explicit PreSessionStore(Clock clock, size_t max_entries = kMaxEntries);

  // A new pre-session for `next` (the caller has made it safe) with fresh
  // random id, state, nonce and verifier.
  PreSession Create(std::string next);

  // Removes the pre-session `id` and returns it when it is still live and
  // `state` equals its state (constant time); nullopt otherwise.
  std::optional<PreSession> Take(std::string_view id, std::string_view state);

  size_t size() const;

 private:
  const Clock clock_;
  const size_t max_entries_;
  mutable absl::Mutex mutex_;
  std::map<std::string, PreSession, std::less<>> entries_
      ABSL_GUARDED_BY(mutex_);
};

// base64url without padding (RFC 4648 §5; RFC 7636 appendix A).
std::string Base64Url(std::string_view bytes);
// `bytes` random bytes from RAND_bytes, base64url; aborts the process if
// OpenSSL has no randomness (as SessionStore::NewSecret does).
std::string RandomBase64Url(size_t bytes);
// The S256 code challenge of `verifier`: base64url(SHA-256(verifier))
// (RFC 7636 §4.2).
std::string PkceChallenge(std::string_view verifier);
// Whether two secrets are equal, in time that depends only on their
// lengths (CRYPTO_memcmp).
bool SecretsEqual(std::string_view a, std::string_view b);

}  // namespace brevis::web

#endif  // BREVIS_CLIENT_LIB_WEB_OIDC_FLOW_H_
