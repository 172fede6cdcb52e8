#ifndef BREVIS_CLIENT_LIB_WEB_OIDC_SIGN_IN_H_
#define BREVIS_CLIENT_LIB_WEB_OIDC_SIGN_IN_H_

// The OpenID Connect authorization code flow with PKCE as brevis-web runs
// it (OpenID Connect Core 1.0 §3.1; RFC 7636): Start makes a pre-session
// and the URL of the provider's authorization endpoint; Finish takes the
// callback, checks its state against the pre-session, redeems the code at
// the token endpoint (client_secret_basic, the code verifier) and
// verifies the ID token. What brevis-web then does with the verified
// identity (ExchangeSignIn, the session) is web_app_oidc.cc's.
//
// Thread-safe: the request threads call it at once; the parts it holds
// (PreSessionStore, OidcProvider) are thread-safe themselves.

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "client-lib/web/id_token_verifier.h"
#include "client-lib/web/oidc_flow.h"
#include "client-lib/web/oidc_https.h"
#include "client-lib/web/oidc_provider.h"

namespace brevis::web {

// The settings of the flow (config.h's oidc_* settings, the secret read).
struct OidcSettings {
  std::string issuer;
  std::string client_id;
  std::string client_secret;
  std::string redirect_uri;
  std::string subject_claim = "sub";
  std::string acr;
  std::string scopes = "openid";
  absl::Duration jwks_refetch_interval = absl::Seconds(60);
};

// Why a sign-in failed: each is a page (web_app_oidc.cc) and its
// data-reason marker.
enum class OidcFailure {
  kNone,
  kState,           // no, expired, used or mismatching pre-session/state
  kIdpError,        // the provider sent error=... to the callback
  kTokenEndpoint,   // the token endpoint refused the code or answered junk
  kIdToken,         // the ID token failed verification
  kNotRegistered,   // brevisd: no principal has this identity
  kDeactivated,     // brevisd: the principal is deactivated
  kIdpUnavailable,  // the provider cannot be reached, times out or 5xx
  kBrevisRefused,   // brevisd refused brevis-web itself or failed otherwise
};

// The data-reason marker of `failure`: "state", "idp-error", ...
std::string_view FailureMarker(OidcFailure failure);

// Writes the one JSON line on stderr that says why a sign-in failed:
// {"time":..,"level":"warning","msg":"oidc sign-in refused: <reason>",
// "reason":"<marker>"}. `reason` must hold no token, code or subject (the
// flow's reasons do not); it is cut to printable ASCII.
void LogSignInRefused(OidcFailure failure, std::string_view reason);

struct OidcStarted {
  PreSession pre;
  std::string authorization_url;
};

struct OidcFinished {
  OidcFailure failure = OidcFailure::kNone;
  // For the one-line log: why, without tokens, codes or the subject.
  std::string reason;
  // When failure is kNone:
  VerifiedIdToken identity;
  std::string id_token;  // kept for the logout hint only
  std::string next;      // the pre-session's safe path
};

class OidcSignIn {
 public:
  using Clock = std::function<absl::Time()>;

  OidcSignIn(OidcSettings settings, std::shared_ptr<OidcHttps> https,
             Clock clock);

  // A new pre-session for `next` (made safe by the caller) and the
  // authorization request's URL: response_type=code, client_id,
  // redirect_uri, scope, state, nonce, code_challenge (S256), acr_values
  // when oidc_acr is set. UNAVAILABLE or FAILED_PRECONDITION when the
  // discovery document cannot be had (OidcProvider::Metadata).
  absl::StatusOr<OidcStarted> Start(std::string next);

  // Finishes the flow for the callback's query (`code`, `state`, `error`)
  // and the pre-session cookie `pre_session_id`.
  OidcFinished Finish(const std::string& pre_session_id,
                      const std::string& code, const std::string& state,
                      const std::string& error);

  // The provider's end_session_endpoint with id_token_hint, client_id and
  // post_logout_redirect_uri (RP-Initiated Logout 1.0 §2), or "" when the
  // provider has none or its discovery document cannot be had.
  std::string EndSessionUrl(const std::string& id_token,
                            const std::string& post_logout_redirect_uri);

  const OidcSettings& settings() const { return settings_; }
  PreSessionStore& pre_sessions() { return pre_sessions_; }
  OidcProvider& provider() { return provider_; }

 private:
  // The ID token from the token endpoint's answer to `code`.
  OidcFinished Redeem(const PreSession& pre, const std::string& code);

  const OidcSettings settings_;
  const std::shared_ptr<OidcHttps> https_;
  const Clock clock_;
  PreSessionStore pre_sessions_;
  OidcProvider provider_;
};

}  // namespace brevis::web

#endif  // BREVIS_CLIENT_LIB_WEB_OIDC_SIGN_IN_H_
