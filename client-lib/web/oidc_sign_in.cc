#include "client-lib/web/oidc_sign_in.h"

#include <iostream>

#include "client-lib/web/cat.h"
#include "client-lib/web/json_doc.h"
#include "client-lib/web/page_kit.h"

namespace brevis::web {
namespace {

OidcFinished Fail(OidcFailure failure, std::string reason) {
  OidcFinished finished;
  finished.failure = failure;
  finished.reason = std::move(reason);
  return finished;
}

// `url` with the query `params` added (after its own query, if any).
std::string WithQuery(
    const std::string& url,
    const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out = url;
  char separator = url.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [name, value] : params) {
    out += separator;
    out += Cat(UrlEncode(name), "=", UrlEncode(value));
    separator = '&';
  }
  return out;
}

}  // namespace

std::string_view FailureMarker(OidcFailure failure) {
  switch (failure) {
    case OidcFailure::kNone:
      return "";
    case OidcFailure::kState:
      return "state";
    case OidcFailure::kIdpError:
      return "idp-error";
    case OidcFailure::kTokenEndpoint:
      return "token-endpoint";
    case OidcFailure::kIdToken:
      return "id-token";
    case OidcFailure::kNotRegistered:
      return "not-registered";
    case OidcFailure::kDeactivated:
      return "deactivated";
    case OidcFailure::kIdpUnavailable:
      return "idp-unavailable";
    case OidcFailure::kBrevisRefused:
      return "brevis-unavailable";
  }
  return "";
}

void LogSignInRefused(OidcFailure failure, std::string_view reason) {
  std::string time = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                                      absl::UTCTimeZone());
  std::string message = Cat("oidc sign-in refused: ", LogSafe(reason, 1000));
  std::string marker(FailureMarker(failure));
  JsonDoc line(json_pack("{s:s, s:s, s:s, s:s}", "time", time.c_str(), "level",
                         "warning", "msg", message.c_str(), "reason",
                         marker.c_str()));
  char* text = json_dumps(line.get(), JSON_COMPACT);
  if (text == nullptr) return;
  // One write of the whole line, so lines of threads do not interleave.
  std::string out = Cat(text, "\n");
  free(text);
  std::cerr.write(out.data(), static_cast<std::streamsize>(out.size()));
  std::cerr.flush();
}

OidcSignIn::OidcSignIn(OidcSettings settings, std::shared_ptr<OidcHttps> https,
                       Clock clock)
    : settings_(std::move(settings)),
      https_(std::move(https)),
      clock_(std::move(clock)),
      pre_sessions_(clock_),
      provider_(OidcProviderOptions{settings_.issuer,
                                    settings_.jwks_refetch_interval},
                https_, clock_) {}

absl::StatusOr<OidcStarted> OidcSignIn::Start(std::string next) {
  absl::StatusOr<ProviderMetadata> meta = provider_.Metadata();
  if (!meta.ok()) return meta.status();
  OidcStarted started;
  started.pre = pre_sessions_.Create(std::move(next));
  std::vector<std::pair<std::string, std::string>> params = {
      {"response_type", "code"},
      {"client_id", settings_.client_id},
      {"redirect_uri", settings_.redirect_uri},
      {"scope", settings_.scopes},
      {"state", started.pre.state},
      {"nonce", started.pre.nonce},
      {"code_challenge", PkceChallenge(started.pre.code_verifier)},
      {"code_challenge_method", "S256"},
  };
  if (!settings_.acr.empty()) params.emplace_back("acr_values", settings_.acr);
  started.authorization_url = WithQuery(meta->authorization_endpoint, params);
  return started;
}

OidcFinished OidcSignIn::Finish(const std::string& pre_session_id,
                                const std::string& code,
                                const std::string& state,
                                const std::string& error) {
  if (pre_session_id.empty()) {
    return Fail(OidcFailure::kState,
                "no pre-session cookie (sign-in not started in this browser, "
                "or cookies blocked)");
  }
  std::optional<PreSession> pre = pre_sessions_.Take(pre_session_id, state);
  if (!pre) {
    return Fail(OidcFailure::kState,
                state.empty() ? "the callback has no state"
                              : "no live pre-session with this state "
                                "(expired, used already, or forged)");
  }
  if (!error.empty()) {
    return Fail(OidcFailure::kIdpError,
                Cat("the provider answered error=", LogSafe(error)));
  }
  if (code.empty()) {
    return Fail(OidcFailure::kIdpError, "the callback has no code");
  }
  OidcFinished finished = Redeem(*pre, code);
  if (finished.failure != OidcFailure::kNone) return finished;
  IdTokenExpectations expect;
  expect.issuer = settings_.issuer;
  expect.client_id = settings_.client_id;
  expect.nonce = pre->nonce;
  expect.acr = settings_.acr;
  expect.subject_claim = settings_.subject_claim;
  expect.now = clock_();
  absl::StatusOr<IdTokenVerdict> verdict =
      provider_.Verify(finished.id_token, expect);
  if (!verdict.ok()) {
    return Fail(OidcFailure::kIdpUnavailable,
                Cat("the provider's keys: ", verdict.status().message()));
  }
  if (!verdict->ok()) {
    return Fail(OidcFailure::kIdToken, Cat("ID token: ", verdict->reason));
  }
  finished.identity = verdict->token;
  finished.next = pre->next;
  return finished;
}

OidcFinished OidcSignIn::Redeem(const PreSession& pre,
                                const std::string& code) {
  absl::StatusOr<ProviderMetadata> meta = provider_.Metadata();
  if (!meta.ok()) {
    return Fail(OidcFailure::kIdpUnavailable,
                Cat("discovery: ", meta.status().message()));
  }
  std::string form = Cat("grant_type=authorization_code&code=", UrlEncode(code),
                         "&redirect_uri=", UrlEncode(settings_.redirect_uri),
                         "&code_verifier=", UrlEncode(pre.code_verifier));
  // RFC 6749 §2.3.1: the id and secret are form-encoded before Basic.
  absl::StatusOr<HttpsReply> reply = https_->PostForm(
      meta->token_endpoint, form, UrlEncode(settings_.client_id),
      UrlEncode(settings_.client_secret));
  if (!reply.ok()) {
    return Fail(OidcFailure::kIdpUnavailable,
                Cat("token endpoint: ", reply.status().message()));
  }
  if (reply->status >= 500) {
    return Fail(
        OidcFailure::kIdpUnavailable,
        Cat("token endpoint answered HTTP ", static_cast<int>(reply->status)));
  }
  JsonDoc body = ParseJsonObject(reply->body);
  if (reply->status != 200) {
    // RFC 6749 §5.2: the error code says why (invalid_grant for a code
    // used twice).
    return Fail(
        OidcFailure::kTokenEndpoint,
        Cat("token endpoint answered HTTP ", static_cast<int>(reply->status),
            " error=", LogSafe(body ? JsonString(body.get(), "error") : "")));
  }
  std::string id_token = body ? JsonString(body.get(), "id_token") : "";
  if (id_token.empty()) {
    return Fail(OidcFailure::kTokenEndpoint,
                "the token endpoint's answer has no id_token");
  }
  OidcFinished finished;
  finished.id_token = std::move(id_token);
  return finished;
}

std::string OidcSignIn::EndSessionUrl(
    const std::string& id_token, const std::string& post_logout_redirect_uri) {
  absl::StatusOr<ProviderMetadata> meta = provider_.Metadata();
  if (!meta.ok() || meta->end_session_endpoint.empty()) return "";
  return WithQuery(meta->end_session_endpoint,
                   {{"id_token_hint", id_token},
                    {"client_id", settings_.client_id},
                    {"post_logout_redirect_uri", post_logout_redirect_uri}});
}

}  // namespace brevis::web
