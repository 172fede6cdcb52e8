#include "client-lib/web/id_token_verifier.h"

#include <cjose/base64.h>
#include <cjose/jwk.h>
#include <cjose/jws.h>
#include <cjose/util.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <vector>

#include "client-lib/web/cat.h"
#include "client-lib/web/json_doc.h"

namespace brevis::web {
namespace {

IdTokenVerdict Refuse(IdTokenError error, std::string reason) {
  IdTokenVerdict verdict;
  verdict.error = error;
  verdict.reason = std::move(reason);
  return verdict;
}

// The JSON object in a base64url part of the token, or null.
JsonDoc DecodeJsonPart(std::string_view part) {
  uint8_t* bytes = nullptr;
  size_t length = 0;
  cjose_err err;
  if (part.empty() || !cjose_base64url_decode(part.data(), part.size(), &bytes,
                                              &length, &err)) {
    return nullptr;
  }
  JsonDoc doc = ParseJsonObject(
      std::string_view(reinterpret_cast<const char*>(bytes), length));
  cjose_get_dealloc()(bytes);
  return doc;
}

// A NumericDate claim (RFC 7519 §2: seconds since the epoch, integer or
// not), or nullopt when absent or not a number.
std::optional<absl::Time> TimeClaim(const json_t* claims, const char* name) {
  const json_t* value = json_object_get(claims, name);
  if (!json_is_number(value)) return std::nullopt;
  double seconds = json_number_value(value);
  if (!std::isfinite(seconds)) return std::nullopt;
  // Far beyond any real token; keeps the conversion in range.
  seconds = std::clamp(seconds, -1e12, 1e12);
  return absl::FromUnixSeconds(static_cast<int64_t>(std::floor(seconds)));
}

// What brevisd accepts as an ExternalIdentity subject: 1 to 255 printable
// ASCII characters.
bool IsSubject(std::string_view value) {
  if (value.empty() || value.size() > 255) return false;
  return std::all_of(value.begin(), value.end(),
                     [](char c) { return c >= 0x20 && c < 0x7f; });
}

IdTokenVerdict CheckKey(const JwkSet::Key& key, std::string_view alg) {
  cjose_err err;
  cjose_jwk_kty_t kty = cjose_jwk_get_kty(key.jwk.get(), &err);
  if (!key.alg.empty() && key.alg != alg) {
    return Refuse(IdTokenError::kKeyMismatch,
                  Cat("the key is for ", key.alg, ", the token says ", alg));
  }
  if (alg == "RS256") {
    if (kty != CJOSE_JWK_KTY_RSA) {
      return Refuse(IdTokenError::kKeyMismatch,
                    "alg RS256 needs an RSA key (kty RSA)");
    }
    // NIST SP 800-131A: RSA signatures need 2048 bits or more.
    if (cjose_jwk_get_keysize(key.jwk.get(), &err) < 2048) {
      return Refuse(IdTokenError::kKeyMismatch,
                    "the RSA key is shorter than 2048 bits");
    }
  } else if (kty != CJOSE_JWK_KTY_EC ||
             cjose_jwk_EC_get_curve(key.jwk.get(), &err) !=
                 CJOSE_JWK_EC_P_256) {
    return Refuse(IdTokenError::kKeyMismatch,
                  "alg ES256 needs an EC key on P-256");
  }
  return {};
}

IdTokenVerdict CheckSignature(std::string_view compact, const JwkSet& keys,
                              const json_t* header) {
  std::string alg = JsonString(header, "alg");
  // OpenID Connect Core §3.1.3.7 (6, 7) and RFC 8725 §3.1: a fixed list of
  // algorithms, never the one a token asks for.
  if (alg != "RS256" && alg != "ES256") {
    return Refuse(IdTokenError::kAlgorithm,
                  Cat("alg '", LogSafe(alg), "' is not RS256 or ES256"));
  }
  // RFC 7515 §4.1.11: extensions we do not understand must be refused.
  if (json_object_get(header, "crit") != nullptr) {
    return Refuse(IdTokenError::kAlgorithm, "the header has \"crit\"");
  }
  std::string kid = JsonString(header, "kid");
  const JwkSet::Key* key = kid.empty() ? nullptr : keys.Find(kid);
  if (key == nullptr) {
    return Refuse(IdTokenError::kUnknownKey,
                  kid.empty() ? std::string("the header has no kid")
                              : Cat("no key with kid '", LogSafe(kid),
                                    "' in the provider's key set"));
  }
  IdTokenVerdict fits = CheckKey(*key, alg);
  if (!fits.ok()) return fits;
  cjose_err err;
  std::unique_ptr<cjose_jws_t, void (*)(cjose_jws_t*)> jws(
      cjose_jws_import(compact.data(), compact.size(), &err),
      cjose_jws_release);
  if (jws == nullptr) {
    return Refuse(IdTokenError::kMalformed, "cjose cannot read the token");
  }
  if (!cjose_jws_verify(jws.get(), key->jwk.get(), &err)) {
    return Refuse(IdTokenError::kSignature,
                  Cat("the ", alg, " signature does not verify with kid '",
                      LogSafe(kid), "'"));
  }
  return {};
}

IdTokenVerdict CheckAudience(const json_t* claims, const std::string& id) {
  const json_t* aud = json_object_get(claims, "aud");
  std::vector<std::string> audiences;
  if (json_is_string(aud)) {
    audiences.emplace_back(json_string_value(aud));
  } else if (json_is_array(aud)) {
    size_t i;
    const json_t* item;
    json_array_foreach(aud, i, item) {
      if (json_is_string(item)) audiences.emplace_back(json_string_value(item));
    }
  }
  if (std::find(audiences.begin(), audiences.end(), id) == audiences.end()) {
    return Refuse(IdTokenError::kAudience, "aud does not contain client_id");
  }
  const json_t* azp = json_object_get(claims, "azp");
  if (azp == nullptr && audiences.size() > 1) {
    return Refuse(IdTokenError::kAuthorizedParty,
                  "several audiences and no azp");
  }
  if (azp != nullptr &&
      (!json_is_string(azp) || json_string_value(azp) != id)) {
    return Refuse(IdTokenError::kAuthorizedParty, "azp is not client_id");
  }
  return {};
}

IdTokenVerdict CheckClaims(const json_t* claims,
                           const IdTokenExpectations& expect) {
  std::string iss = JsonString(claims, "iss");
  if (iss != expect.issuer) {
    return Refuse(IdTokenError::kIssuer,
                  Cat("iss '", LogSafe(iss), "' is not '", expect.issuer, "'"));
  }
  IdTokenVerdict audience = CheckAudience(claims, expect.client_id);
  if (!audience.ok()) return audience;
  std::optional<absl::Time> exp = TimeClaim(claims, "exp");
  if (!exp || *exp <= expect.now - expect.skew) {
    return Refuse(
        IdTokenError::kExpired,
        exp ? Cat("expired ", absl::ToInt64Seconds(expect.now - *exp), " s ago")
            : std::string("no exp"));
  }
  std::optional<absl::Time> iat = TimeClaim(claims, "iat");
  if (!iat || *iat > expect.now + expect.skew) {
    return Refuse(IdTokenError::kIssuedInFuture,
                  iat ? Cat("iat is ", absl::ToInt64Seconds(*iat - expect.now),
                            " s in the future")
                      : std::string("no iat"));
  }
  std::string nonce = JsonString(claims, "nonce");
  if (expect.nonce.empty() || nonce != expect.nonce) {
    return Refuse(IdTokenError::kNonce,
                  nonce.empty() ? "no nonce" : "nonce is not the sign-in's");
  }
  std::string acr = JsonString(claims, "acr");
  if (!expect.acr.empty() && acr != expect.acr) {
    return Refuse(
        IdTokenError::kAcr,
        Cat("acr '", LogSafe(acr), "' is not the required '", expect.acr, "'"));
  }
  const json_t* sub = json_object_get(claims, "sub");
  const json_t* subject = json_object_get(claims, expect.subject_claim.c_str());
  for (const json_t* value : {sub, subject}) {
    if (!json_is_string(value) || !IsSubject(json_string_value(value))) {
      return Refuse(
          IdTokenError::kSubject,
          Cat("claim '", value == sub ? "sub" : expect.subject_claim,
              value == nullptr ? "' is missing"
                               : "' is not 1-255 printable ASCII characters"));
    }
  }
  IdTokenVerdict verdict;
  verdict.token.subject = json_string_value(subject);
  verdict.token.sub = json_string_value(sub);
  verdict.token.acr = acr;
  verdict.token.expire_time = *exp;
  return verdict;
}

}  // namespace

std::string LogSafe(std::string_view value, size_t max_bytes) {
  std::string out(value.substr(0, max_bytes));
  for (char& c : out) {
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') c = '?';
  }
  return out;
}

IdTokenVerdict VerifyIdToken(std::string_view compact, const JwkSet& keys,
                             const IdTokenExpectations& expect) {
  size_t first = compact.find('.');
  size_t second =
      first == std::string_view::npos ? first : compact.find('.', first + 1);
  if (second == std::string_view::npos ||
      compact.find('.', second + 1) != std::string_view::npos) {
    return Refuse(IdTokenError::kMalformed,
                  "not a compact JWS (three parts separated by dots)");
  }
  JsonDoc header = DecodeJsonPart(compact.substr(0, first));
  if (header == nullptr) {
    return Refuse(IdTokenError::kMalformed, "the header is not JSON");
  }
  IdTokenVerdict signature = CheckSignature(compact, keys, header.get());
  if (!signature.ok()) return signature;
  // The payload is read only now that its signature holds.
  JsonDoc claims =
      DecodeJsonPart(compact.substr(first + 1, second - first - 1));
  if (claims == nullptr) {
    return Refuse(IdTokenError::kMalformed, "the payload is not JSON");
  }
  return CheckClaims(claims.get(), expect);
}

}  // namespace brevis::web
