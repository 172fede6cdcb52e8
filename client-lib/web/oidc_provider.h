#ifndef BREVIS_CLIENT_LIB_WEB_OIDC_PROVIDER_H_
#define BREVIS_CLIENT_LIB_WEB_OIDC_PROVIDER_H_

// The OpenID provider as brevis-web knows it: its discovery document
// (OpenID Connect Discovery 1.0 §4) and its signing keys (jwks_uri), both
// fetched over OidcHttps and cached. Nothing is fetched at start: the first
// sign-in fetches, so brevis-web starts while the provider is down, and a
// failed fetch is tried again at the next sign-in. The discovery document
// is kept for 24 hours. The keys are fetched again when a token names a kid
// the cached set lacks (key rotation), but at most once per
// `jwks_refetch_interval` (a flood of tokens with made-up kids must not
// become a flood of requests to the provider); the first fetch is not
// counted, so the first rotation after it is followed at once.
//
// Thread-safe: brevis-web's request threads call it at once. Fetches are
// made one at a time, never under the lock that readers take; a thread
// that waited for another's fetch uses its result instead of fetching
// again.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "client-lib/web/id_token_verifier.h"
#include "client-lib/web/jwk_set.h"
#include "client-lib/web/oidc_https.h"

namespace brevis::web {

// What brevis-web uses of the discovery document. Every URL is https.
struct ProviderMetadata {
  std::string issuer;
  std::string authorization_endpoint;
  std::string token_endpoint;
  std::string jwks_uri;
  std::string end_session_endpoint;  // "" when the provider has none
};

// Reads a discovery document. FAILED_PRECONDITION naming the field when it
// is not a JSON object, its issuer is not `issuer` exactly (Discovery §4.3:
// a mix-up defence), or an endpoint is missing or not https.
absl::StatusOr<ProviderMetadata> ParseDiscovery(std::string_view json,
                                                const std::string& issuer);

struct OidcProviderOptions {
  std::string issuer;  // oidc_issuer; https
  absl::Duration jwks_refetch_interval = absl::Seconds(60);
  absl::Duration metadata_max_age = absl::Hours(24);
};

class OidcProvider {
 public:
  using Clock = std::function<absl::Time()>;

  OidcProvider(OidcProviderOptions options, std::shared_ptr<OidcHttps> https,
               Clock clock);

  // The discovery document, fetched when not cached or older than
  // metadata_max_age (then a failed refresh keeps the old one).
  // UNAVAILABLE when the provider cannot be reached or answers other than
  // 200; FAILED_PRECONDITION when the document is wrong (ParseDiscovery).
  absl::StatusOr<ProviderMetadata> Metadata();

  // Verifies `id_token` (VerifyIdToken) with the cached keys, fetching them
  // first if there are none, and once more (within the bound above) when
  // the token names an unknown kid. A status error only when the keys
  // could not be had (UNAVAILABLE, FAILED_PRECONDITION); every refusal of
  // the token itself is in the verdict.
  absl::StatusOr<IdTokenVerdict> Verify(std::string_view id_token,
                                        const IdTokenExpectations& expect);

  // How many times the keys were fetched (for tests and the log).
  int jwks_fetches() const;

 private:
  // The cached keys and their generation, fetching them if there are none.
  absl::StatusOr<std::pair<std::shared_ptr<const JwkSet>, int>> Keys();
  // Keys newer than generation `seen`: another thread's, or fetched now if
  // the bound allows; nullptr when the bound forbids a fetch.
  absl::StatusOr<std::shared_ptr<const JwkSet>> RefetchKeys(int seen);
  // Fetch and cache, with fetch_mutex_ held (one fetch at a time).
  absl::StatusOr<ProviderMetadata> FetchMetadata()
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(fetch_mutex_);
  absl::StatusOr<std::shared_ptr<const JwkSet>> FetchKeys()
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(fetch_mutex_);

  const OidcProviderOptions options_;
  const std::shared_ptr<OidcHttps> https_;
  const Clock clock_;

  absl::Mutex fetch_mutex_ ABSL_ACQUIRED_BEFORE(mutex_);
  mutable absl::Mutex mutex_;
  std::optional<ProviderMetadata> metadata_ ABSL_GUARDED_BY(mutex_);
  absl::Time metadata_time_ ABSL_GUARDED_BY(mutex_);
  // Counts discovery fetches, and the last one's failure, so that threads
  // queued behind a failing fetch share its answer instead of each waiting
  // out the timeout again.
  int metadata_attempts_ ABSL_GUARDED_BY(mutex_) = 0;
  absl::Status metadata_failure_ ABSL_GUARDED_BY(mutex_);
  std::shared_ptr<const JwkSet> keys_ ABSL_GUARDED_BY(mutex_);
  int keys_generation_ ABSL_GUARDED_BY(mutex_) = 0;
  int jwks_attempts_ ABSL_GUARDED_BY(mutex_) = 0;
  absl::Status jwks_failure_ ABSL_GUARDED_BY(mutex_);
  std::optional<absl::Time> last_kid_refetch_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace brevis::web

#endif  // BREVIS_CLIENT_LIB_WEB_OIDC_PROVIDER_H_
