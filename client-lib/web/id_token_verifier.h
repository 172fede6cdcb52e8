#ifndef BREVIS_CLIENT_LIB_WEB_ID_TOKEN_VERIFIER_H_
#define BREVIS_CLIENT_LIB_WEB_ID_TOKEN_VERIFIER_H_

// Verifies an OpenID Connect ID token as OpenID Connect Core 1.0 §3.1.3.7
// asks, in full and without I/O: the caller gives the compact JWS, the
// provider's keys, what it expects and the time. Only RS256 (kty RSA) and
// ES256 (kty EC, P-256) are accepted; "none", every HS* (an HMAC keyed
// with a public key is the classic forgery) and every other algorithm are
// refused before a key is looked at. The signature is checked with cjose,
// the claims are read with jansson.
//
// Stateless functions; thread-safe.

#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "client-lib/web/jwk_set.h"

namespace brevis::web {

struct IdTokenExpectations {
  std::string issuer;     // must equal "iss" exactly (oidc_issuer)
  std::string client_id;  // must be in "aud"; "azp" when present
  std::string nonce;      // the pre-session's; must equal "nonce"
  std::string acr;        // when not empty, "acr" must equal it
  // The claim whose string value identifies the person (oidc_subject_claim;
  // "sub" or, e.g., an HSA-id claim).
  std::string subject_claim = "sub";
  absl::Time now;
  // Allowed clock difference to the provider, for exp and iat.
  absl::Duration skew = absl::Seconds(60);
};

// Why a token was refused. kUnknownKey is the one a caller may cure by
// fetching the provider's keys again (key rotation).
enum class IdTokenError {
  kNone,
  kMalformed,        // not three base64url parts, header or payload not JSON
  kAlgorithm,        // alg not RS256/ES256, or a "crit" header
  kUnknownKey,       // no kid, or a kid the key set does not have
  kKeyMismatch,      // the key's kty/curve/alg does not fit the token's alg
  kSignature,        // the signature does not verify
  kIssuer,           // iss != expected issuer
  kAudience,         // aud does not contain client_id
  kAuthorizedParty,  // several aud without azp, or azp != client_id
  kExpired,          // exp missing, or exp <= now - skew
  kIssuedInFuture,   // iat missing, or iat > now + skew
  kNonce,            // nonce missing or not the expected one
  kAcr,              // acr required and missing or different
  kSubject,          // sub or the subject claim missing, not a string,
                     // empty, over 255 bytes or with control characters
};

struct VerifiedIdToken {
  std::string subject;  // the value of expectations.subject_claim
  std::string sub;      // "sub" (the same when subject_claim is "sub")
  std::string acr;      // "" when the token has none
  absl::Time expire_time;
};

struct IdTokenVerdict {
  IdTokenError error = IdTokenError::kNone;
  // For the log: which rule and, where harmless, the values compared
  // (never the token, the nonce or the subject).
  std::string reason;
  VerifiedIdToken token;  // set when ok()

  bool ok() const { return error == IdTokenError::kNone; }
};

// Verifies `compact` (header.payload.signature) against `keys` and
// `expect`. Returns the verified claims, or the first rule it breaks.
IdTokenVerdict VerifyIdToken(std::string_view compact, const JwkSet& keys,
                             const IdTokenExpectations& expect);

// A value from the provider (unverified, maybe hostile) made safe for a
// one-line log: at most `max_bytes` bytes, each printable ASCII other than
// a double quote and a backslash ('?' in their place).
std::string LogSafe(std::string_view value, size_t max_bytes = 64);

}  // namespace brevis::web

#endif  // BREVIS_CLIENT_LIB_WEB_ID_TOKEN_VERIFIER_H_
